#!/usr/bin/env python3
"""What the firmware test image holds, from the GNU ld map file: bytes of
text (code + read-only data), data and bss that each part contributes after
--gc-sections, the library per module folder.

    python3 firmware/map_size.py build-fw/test.map
"""
import glob
import os
import re
import sys
from collections import defaultdict

# Output sections that live in flash (text) or RAM (data: initialised, bss: zeroed).
KIND = {".text": "text", ".fw_suites": "text", ".ARM.exidx": "text", ".ARM.extab": "text",
        ".init_arrays": "text", ".data": "data", ".bss": "bss", ".heap": None, ".stack": None}
INPUT = re.compile(r"^\s+(?:\S+\s+)?0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)$")


def part_of(path):
    """Which part an input file is: lib/<module>, the runner, or the C library."""
    m = re.search(r"libstreamlearn\.a\((\w+)\.o\)", path)
    if m:
        return "library", m.group(1)
    if re.search(r"/cc\w+\.o$", path):  # the runner's and tests' sources, compiled by the link
        return "runner and tests", None
    return "newlib-nano, semihosting, crt, libgcc", None


def main(path, src_modules):
    sizes = defaultdict(lambda: defaultdict(int))
    modules = defaultdict(lambda: defaultdict(int))
    section = None
    in_map = False
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("Linker script and memory map"):
            in_map = True
            continue
        if not in_map:
            continue
        head = re.match(r"^(\.[\w.]+)", line)
        if head:
            section = KIND.get(head.group(1))
            continue
        if section is None:
            continue
        m = INPUT.match(line)
        if not m or m.group(2).startswith("0x"):
            continue
        size = int(m.group(1), 16)
        part, obj = part_of(m.group(2))
        sizes[part][section] += size
        if obj:
            modules[src_modules.get(obj, "?")][section] += size
    rows = [("library " + m, v) for m, v in sorted(modules.items())] + sorted(sizes.items())
    print("%-40s %8s %8s %8s" % ("in test.elf (after --gc-sections)", "text", "data", "bss"))
    for name, v in rows:
        print("%-40s %8d %8d %8d" % (name, v["text"], v["data"], v["bss"]))


def object_modules():
    """Object name -> lib/<module> it is built from."""
    out = {}
    for f in glob.glob("lib/*/*.c"):
        out[os.path.splitext(os.path.basename(f))[0]] = f.split("/")[1]
    return out


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: map_size.py build-fw/test.map")
    main(sys.argv[1], object_modules())
