#!/usr/bin/env python3
"""Lists every public SL_API function of include/streamlearn/*.h with its
return type and parameter types, and checks that a test file calls them all.

    python3 scripts/list-api.py                 one function a line:
                                                return type, name, (parameter types)
    python3 scripts/list-api.py --check FILE... fail (exit 1) when a public
                                                function is called in none of
                                                FILEs; prints the coverage

The headers are read with scripts/gen-api-docs.py's parser (its blocks and
SL_HANDLE_API expansion), so both scripts agree on what the API is. A
function counts as called when `name(` appears outside comments in a FILE
or a header it includes with quotes, or when a macro there calls
`sl_##noun##_x(` and is used as `MACRO(drift, ...)` (then sl_drift_x).
"""
import argparse
import importlib.util
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def load_docs_parser():
    spec = importlib.util.spec_from_file_location("gen_api_docs", ROOT / "scripts" / "gen-api-docs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


DECL = re.compile(r"SL_API\s+([^;]*?)\b(sl_\w+)\s*\(([^)]*)\)\s*;", re.S)


def param_types(params):
    """['const double *', 'size_t', ...] from a parameter list (names dropped)."""
    params = " ".join(params.split())
    if params in ("", "void"):
        return []
    out = []
    for p in params.split(","):
        m = re.match(r"^(.*?)\w+$", p.strip())  # drop the parameter's name
        t = m.group(1) if m and m.group(1).strip() else p
        t = re.sub(r"\s*\*\s*", "*", " ".join(t.split())).replace("*", " *", 1) if "*" in t else t.strip()
        out.append(t.strip())
    return out


def handle_api_decls(common, noun):
    """The SL_HANDLE_API(noun) declarations, with `noun` substituted."""
    m = re.search(r"#define SL_HANDLE_API\(noun\)(.*?)\n\n", common, re.S)
    body = m.group(1).replace("\\\n", "\n").replace("sl_##noun##_", f"sl_{noun}_").replace("sl_##noun", f"sl_{noun}")
    return [(" ".join(r.split()), n, param_types(p)) for r, n, p in DECL.findall(body + ";")]


def api():
    """[(header, return type, name, [parameter types])] in header order."""
    gen = load_docs_parser()
    common = (ROOT / "include" / "streamlearn" / "common.h").read_text()
    handle_names = gen.handle_api_names(common)
    out = []
    for path in gen.headers():
        items, _ = gen.parse(path, handle_names)
        for it in items:
            if it[0] != "decl":
                continue
            code = it[3]
            if code.startswith("#"):
                continue
            for r, n, p in DECL.findall(code):
                out.append((path.name, " ".join(r.split()), n, param_types(p)))
            for noun in re.findall(r"^SL_HANDLE_API\((\w+)\);", code, re.M):
                out += [(path.name, r, n, p) for r, n, p in handle_api_decls(common, noun)]
    return out


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def called_names(files):
    """Text of FILEs and of the headers they include with quotes, plus the
    calls their macros make by token pasting: a macro whose body calls
    sl_##noun##_x(, used as MACRO(drift, ...), calls sl_drift_x."""
    seen, texts = set(), []
    todo = [pathlib.Path(f).resolve() for f in files]
    while todo:
        f = todo.pop()
        if f in seen or not f.exists():
            continue
        seen.add(f)
        text = strip_comments(f.read_text())
        texts.append(text)
        todo += [(f.parent / inc).resolve() for inc in re.findall(r'#include\s+"([^"]+)"', text)]
    text = "\n".join(texts)
    expanded = []
    for macro, param, body in re.findall(r"#define\s+(\w+)\((\w+)[^)]*\)((?:[^\n]*\\\n)*[^\n]*)", text):
        pasted = re.findall(r"sl_##" + param + r"##_(\w+)\s*\(", body)
        for noun in re.findall(r"\b" + macro + r"\(\s*(\w+)\s*,", text):
            expanded += [f"sl_{noun}_{n}(" for n in pasted]
    return text + "\n" + "\n".join(expanded)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", nargs="+", metavar="FILE", help="fail when a public function is called in none of FILEs")
    args = ap.parse_args()
    funcs = api()
    if not args.check:
        for header, ret, name, params in funcs:
            print(f"{header}\t{ret}\t{name}({', '.join(params)})")
        return 0
    text = called_names(args.check)
    missing = [(h, n) for h, _, n, _ in funcs if not re.search(r"\b" + n + r"\s*\(", text)]
    for h, n in missing:
        print(f"include/streamlearn/{h}: {n} is never called in {' '.join(args.check)}", file=sys.stderr)
    total = len(funcs)
    print(f"misuse coverage: {total - len(missing)} / {total} public functions called")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
