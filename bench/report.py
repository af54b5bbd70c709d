#!/usr/bin/env python3
"""Gathers benchmark rows into one report.

    python3 bench/report.py --rows build/bench/results.jsonl --out build/bench \
        [--cc cc] [--flags "..."] [--quick]

Rows are JSON objects, one per line, as bench.h's bench_row() writes them
(keys group, case, ns_mean, ...) or as the Python comparison scripts do
(key bench, then their own columns). Rows are grouped by `group` (or
`bench`) into Markdown tables, columns in first-seen order. The report
starts with the machine: CPU model, cores, load average, compiler, flags,
date, git commit. Writes report.md and report.json into --out.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess


def sh(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return sh(["sysctl", "-n", "machdep.cpu.brand_string"]) or platform.processor() or platform.machine()


def machine(cc, flags, quick):
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "load_average": [round(x, 2) for x in load] if load else None,
        "os": f"{platform.system()} {platform.release()} {platform.machine()}",
        "compiler": (sh([cc, "--version"]).splitlines() or [cc])[0],
        "flags": flags,
        "sizes": "quick" if quick else "full",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "commit": sh(["git", "rev-parse", "--short", "HEAD"]),
        "python": platform.python_version(),
    }


def load_rows(path):
    rows = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                rows.append({"group": "unreadable rows", "case": f"line {n}", "note": str(e)})
    return rows


def cell(v):
    if isinstance(v, float):
        if v != v:
            return ""
        if abs(v) >= 1e6 or (v != 0 and abs(v) < 1e-3):
            return f"{v:.3g}"
        return f"{v:.4g}" if abs(v) < 100 else f"{v:.1f}"
    return "" if v is None else str(v)


def tables(rows):
    groups = {}
    for r in rows:
        groups.setdefault(r.get("group") or r.get("bench") or "other", []).append(r)
    out = []
    for name, rs in groups.items():
        cols = []
        for r in rs:
            cols += [k for k in r if k not in cols and k not in ("group", "bench")]
        out.append(f"\n### {name}\n")
        out.append("| " + " | ".join(cols) + " |")
        out.append("|" + "|".join("---" if c in ("case", "note", "api", "unit") else "---:" for c in cols) + "|")
        for r in rs:
            out.append("| " + " | ".join(cell(r.get(c)) for c in cols) + " |")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cc", default="cc")
    ap.add_argument("--flags", default="")
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    rows = load_rows(a.rows)
    m = machine(a.cc, a.flags, a.quick)
    md = ["# libstreamlearn benchmarks", ""]
    md += [f"- **{k}**: {v}" for k, v in m.items()]
    md += ["", "Figures are wall-clock on this machine at the load shown; benchmarks report, tests never",
           "judge them. ns columns are per operation (per row, per update) unless the case says otherwise."]
    md.append(tables(rows))
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "report.md"), "w") as f:
        f.write("\n".join(md))
    with open(os.path.join(a.out, "report.json"), "w") as f:
        json.dump({"machine": m, "rows": rows}, f, indent=1)
    print(f"report: {os.path.join(a.out, 'report.md')} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
