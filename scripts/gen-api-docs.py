#!/usr/bin/env python3
"""The API reference in docs/api/, generated from the public headers'
comments, and the check that every public function has one.

    python3 scripts/gen-api-docs.py            write docs/api/*.md
    python3 scripts/gen-api-docs.py --check    write nothing; fail (exit 1) when a
                                               public SL_API function (or an
                                               SL_HANDLE_API(noun) use) in include/
                                               has no comment right above it
    python3 scripts/gen-api-docs.py --check --fresh
                                               also fail when docs/api/ is not what
                                               the headers generate now

A header is read as blocks separated by blank lines (outside comments,
braces and macro continuations). A block that starts with a comment
documents the declarations in it, so one comment may cover a few
declarations written together. A comment made of dashes ("/* ---- x ---- */")
is a section heading, never a function's documentation.
"""
import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "api"
SECTION = re.compile(r"^/\*\s*-{2,}\s*(.*?)\s*-*\s*\*/$")
CXX_GUARD = re.compile(r'#ifdef __cplusplus\n(extern "C" \{|\})\n#endif\n')


def headers():
    return [ROOT / "include" / "streamlearn.h"] + sorted((ROOT / "include" / "streamlearn").glob("*.h"))


class Block:
    def __init__(self, line):
        self.line = line  # 1-based line of the block's first line
        self.text = []

    @property
    def code(self):
        return "\n".join(self.text)


def blocks(text):
    """Splits a header into blocks at blank lines that are outside a comment,
    a brace pair or a #define continuation."""
    out, cur = [], None
    in_comment, depth, cont = False, 0, False
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip() and not in_comment and depth == 0 and not cont:
            cur = None
            continue
        if cur is None:
            cur = Block(n)
            out.append(cur)
        cur.text.append(line)
        code = line
        if in_comment:
            if "*/" not in line:
                continue
            code = line.split("*/", 1)[1]
            in_comment = False
        code = re.sub(r"/\*.*?\*/", "", code)
        if "/*" in code:
            in_comment = True
            code = code.split("/*", 1)[0]
        code = re.sub(r'"(\\.|[^"\\])*"', '""', code)
        depth += code.count("{") - code.count("}")
        cont = line.rstrip().endswith("\\")
    return out


def split_comment(block):
    """(leading comment text or None, the rest of the block's lines)."""
    lines = block.text
    if not lines[0].lstrip().startswith("/*"):
        return None, lines
    for i, line in enumerate(lines):
        if "*/" in line:
            raw = "\n".join(lines[: i + 1])
            return raw, lines[i + 1:]
    return None, lines


def comment_text(raw):
    body = raw.strip()[2:-2]
    out = []
    for line in body.split("\n"):
        line = re.sub(r"^\s*\* ?", "", line) if line.strip().startswith("*") else line.strip()
        out.append(line.rstrip())
    while out and not out[0].strip():
        out.pop(0)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out)


def handle_api_names(common):
    """The functions SL_HANDLE_API(noun) declares, from its definition."""
    m = re.search(r"#define SL_HANDLE_API\(noun\)(.*?)\n\n", common, re.S)
    return re.findall(r"sl_##noun##_(\w+)\(", m.group(1)) if m else []


GUARD = re.compile(r"^(#ifndef STREAMLEARN\w*|#define STREAMLEARN\w*_H|#include .*|#endif.*)$")


def names_in(code):
    """(functions, SL_HANDLE_API nouns, other names: types and macros) a block declares."""
    funcs = re.findall(r"SL_API\s[^;]*?\b(sl_\w+)\s*\(", code) if not code.startswith("#") else []
    uses = re.findall(r"^SL_HANDLE_API\((\w+)\);", code, re.M)
    other = re.findall(r"^#\s*define\s+(SL_\w+(?:\(\w+\))?)", code, re.M)
    other += re.findall(r"typedef\s+(?:enum|struct)\s+(\w+)", code)
    other += re.findall(r"typedef\s[^;(]*\(\*(\w+)\)", code)
    return funcs, uses, other


def parse(path, handle_names):
    """Items of one header: ("section", title), ("prose", text) or
    ("decl", heading names, declared functions, code, doc); and the
    functions without a comment as (path, line, name)."""
    text = CXX_GUARD.sub(lambda m: "\n" * m.group(0).count("\n"), path.read_text())  # keeps line numbers
    items, missing = [], []
    for b in blocks(text):
        raw, rest = split_comment(b)
        code = "\n".join(l for l in rest if not GUARD.match(l.strip())).strip()
        if raw and SECTION.match(raw.strip()):
            if not code:
                items.append(("section", SECTION.match(raw.strip()).group(1)))
                continue
            raw = None  # a heading is no function's documentation
        if not code:
            if raw:
                items.append(("prose", comment_text(raw)))
            continue
        funcs, uses, other = names_in(code)
        if (funcs or uses) and raw is None:
            missing += [(path, b.line, f) for f in funcs + [f"SL_HANDLE_API({u})" for u in uses]]
        declared = funcs + [f"sl_{noun}_{n}" for noun in uses for n in handle_names]
        heading = list(dict.fromkeys(funcs + [f"SL_HANDLE_API({u})" for u in uses] +
                                     [n for n in other if not n.startswith("SL__")]))
        items.append(("decl", heading, declared, code, comment_text(raw) if raw else ""))
    return items, missing


def title_of(path):
    return str(path.relative_to(ROOT / "include"))


def page_name(path):
    return path.stem + ".md"


def render_page(path, items):
    out = [f"# {title_of(path)}", "",
           f"Generated by `scripts/gen-api-docs.py` from `include/{title_of(path)}`; edit the header, not this page.", ""]
    for it in items:
        if it[0] == "section":
            out += [f"## {it[1]}", ""]
        elif it[0] == "prose":
            out += [it[1], ""]
        else:
            _, heading, declared, code, doc = it
            if heading:
                out += [f"### {', '.join(f'`{n}`' for n in heading)}", ""]
            out += ["```c", code, "```", ""]
            if doc:
                out += [doc, ""]
            if any(n.startswith("SL_HANDLE_API(") for n in heading):
                out += ["Declares " + ", ".join(f"`{n}`" for n in declared if n not in heading) +
                        " (see `SL_HANDLE_API` in [common.h](common.md)).", ""]
    return "\n".join(out).rstrip() + "\n"


def render_index(pages):
    out = ["# API reference", "",
           "Generated from the comments of the public headers by `scripts/gen-api-docs.py`",
           "(CI runs it with `--check`: a public function without a comment fails the build).",
           "Include `<streamlearn.h>`; the conventions every handle follows are in",
           f"[common.h](common.md).", "", "| header | functions |", "|---|---|"]
    every = []
    for path, items in pages:
        names = [n for it in items if it[0] == "decl" for n in it[2]]
        every += [(n, page_name(path)) for n in names]
        out.append(f"| [{title_of(path)}]({page_name(path)}) | {len(names)} |")
    out += ["", "## Every function", ""]
    for n, page in sorted(set(every)):
        out.append(f"- [`{n}`]({page})")
    return "\n".join(out) + "\n"


def generate():
    common = (ROOT / "include" / "streamlearn" / "common.h").read_text()
    handle_names = handle_api_names(common)
    pages, missing, files = [], [], {}
    for path in headers():
        items, miss = parse(path, handle_names)
        pages.append((path, items))
        missing += miss
        files[page_name(path)] = render_page(path, items)
    files["index.md"] = render_index(pages)
    return files, missing


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="write nothing; fail on a public function without a comment")
    ap.add_argument("--fresh", action="store_true", help="with --check: also fail when docs/api/ is out of date")
    args = ap.parse_args()
    files, missing = generate()
    for path, line, name in missing:
        print(f"{path.relative_to(ROOT)}:{line}: {name} has no comment above it", file=sys.stderr)
    status = 1 if missing else 0
    if args.check:
        if args.fresh:
            for name, text in files.items():
                f = OUT / name
                if not f.exists() or f.read_text() != text:
                    print(f"docs/api/{name} is out of date: run python3 scripts/gen-api-docs.py", file=sys.stderr)
                    status = 1
            for f in OUT.glob("*.md"):
                if f.name not in files:
                    print(f"docs/api/{f.name} matches no header: delete it", file=sys.stderr)
                    status = 1
    else:
        OUT.mkdir(parents=True, exist_ok=True)
        for f in OUT.glob("*.md"):
            if f.name not in files:
                f.unlink()
        for name, text in files.items():
            (OUT / name).write_text(text)
    n = sum(1 for _ in files) - 1
    if not missing:
        print(f"api docs: {n} headers, every public function commented"
              + ("" if args.check else f"; wrote {OUT.relative_to(ROOT)}/"))
    return status


if __name__ == "__main__":
    sys.exit(main())
