#!/usr/bin/env python3
"""Amalgamate lib/ into one C file (SQLite style) for the Go module.

    scripts/amalgamate.py                 write bindings/go/streamlearn.c and
                                          bindings/go/include/ from the tree
    scripts/amalgamate.py --check         regenerate into a temporary
                                          directory and diff: exit 1 if the
                                          checked-in copy is stale
    scripts/amalgamate.py --rev HEAD      read the sources from a git commit
                                          instead of the working tree (to
                                          leave other people's edits out)
    scripts/amalgamate.py --modules "drift model"   a subset (core always)

What it does:
- core, then each module's .c files (sorted), one after the other;
- a private header (lib/**.h) is pasted where it is first included and
  dropped at later includes; public headers (include/**) stay #include
  lines and are copied into <out>/include/; system headers stay as they are;
- a file-scope name a .c file declares (static function or variable,
  typedef, enum constant, struct tag) that another file also names gets
  a suffix, "__<module>_<file>", in that .c file only: every file keeps its
  own statics and nothing shadows anything. Member names (after `.` / `->`,
  and declarators inside struct bodies) are never renamed;
- each .c file's own macros are #undef'd after it;
- every external name must start with sl_ (public) or sl__ (internal);
  the script fails otherwise, and when two headers define the same name.
The output compiles without zstd (SL_HAVE_ZSTD stays undefined unless the
including build defines it). Standard library only.
"""
import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile

DEFAULT_MODULES = ["drift", "model", "window", "replay", "pipeline", "stream"]
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
OUT_C = "streamlearn.c"

KEYWORDS = set(
    """auto break case char const continue default do double else enum extern float for goto if
    inline int long register restrict return short signed sizeof static struct switch typedef union
    unsigned void volatile while _Bool _Complex _Imaginary __attribute__ __inline__ __restrict
    __builtin_expect defined""".split()
)

TOKEN = re.compile(
    r"""(?P<ws>[ \t\f\v\r]+|\\\n)
      | (?P<nl>\n)
      | (?P<comment>/\*.*?\*/|//[^\n]*)
      | (?P<string>"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')
      | (?P<number>\.?[0-9](?:[eEpP][+-]|[0-9A-Za-z_.])*)
      | (?P<ident>[A-Za-z_][A-Za-z_0-9]*)
      | (?P<punct>->|\+\+|--|<<=|>>=|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^!~<>=]=?|\.\.\.|[][(){};:,.?#])
    """,
    re.S | re.X,
)


class Fail(Exception):
    pass


def tokenize(text, where):
    """(kind, text, start) for every token, whitespace and comments included
    (kinds: the group names of TOKEN)."""
    out, pos = [], 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise Fail("%s: cannot tokenize at %r" % (where, text[pos : pos + 20]))
        out.append((m.lastgroup, m.group(), pos))
        pos = m.end()
    return out


class Source:
    """Reads files from the working tree or from a git commit."""

    def __init__(self, root, rev):
        self.root, self.rev = root, rev
        self.listing = None
        self.cache = {}
        if rev:
            names = subprocess.run(
                ["git", "-C", root, "ls-tree", "-r", "--name-only", rev], check=True, capture_output=True, text=True
            ).stdout.split()
            self.listing = set(names)

    def exists(self, path):
        if self.listing is not None:
            return path in self.listing
        return os.path.isfile(os.path.join(self.root, path))

    def read(self, path):
        if path not in self.cache:
            if self.listing is not None:
                self.cache[path] = subprocess.run(
                    ["git", "-C", self.root, "show", "%s:%s" % (self.rev, path)],
                    check=True, capture_output=True, text=True,
                ).stdout
            else:
                with open(os.path.join(self.root, path), encoding="utf-8") as f:
                    self.cache[path] = f.read()
        return self.cache[path]

    def glob(self, folder, ext):
        if self.listing is not None:
            return sorted(p for p in self.listing if os.path.dirname(p) == folder and p.endswith(ext))
        d = os.path.join(self.root, folder)
        if not os.path.isdir(d):
            return []
        return sorted(folder + "/" + f for f in os.listdir(d) if f.endswith(ext))


# ---- file-scope names ---------------------------------------------------------


def code_tokens(tokens):
    """Tokens outside preprocessor lines and comments: (text, kind, index)."""
    out, line_start, in_pp = [], True, False
    for i, (kind, text, _) in enumerate(tokens):
        if kind == "nl":
            line_start, in_pp = True, False
            continue
        if kind in ("ws", "comment"):
            continue
        if line_start and text == "#":
            in_pp = True
        line_start = False
        if not in_pp:
            out.append((text, kind, i))
    return out


def declarator_name(toks):
    """Name declared by a declaration's tokens (after the storage class):
    the identifier before the first '(' (a function), '[', '=', ';', ',' or
    '{' at depth 0, or the one after '(*' (a pointer to function)."""
    depth, prev = 0, None
    for j, (text, kind, _) in enumerate(toks):
        if depth == 0:
            if text == "(" and j + 1 < len(toks) and toks[j + 1][0] == "*":
                return next((t for t, k, _ in toks[j + 2 :] if k == "ident" and t not in KEYWORDS), None)
            if text in ("(", "[", "=", ";", ",", "{"):
                return prev[0] if prev and prev[1] == "ident" and prev[0] not in KEYWORDS else None
        if text in "([{":
            depth += 1
        elif text in ")]}":
            depth -= 1
        prev = (text, kind)
    return None


def file_scope_names(text, where):
    """(ordinary names, tags, extern names) declared at file scope."""
    toks = code_tokens(tokenize(text, where))
    names, tags, externs = set(), set(), set()
    i, n = 0, len(toks)
    while i < n:
        # one top-level declaration or function definition: up to ';' at depth 0,
        # or the '}' closing a function body
        j, depth, chunk = i, 0, []
        while j < n:
            t = toks[j][0]
            chunk.append(toks[j])
            if t in "([{":
                depth += 1
            elif t in ")]}":
                depth -= 1
                if depth == 0 and t == "}" and is_function_body(chunk):
                    break
            elif t == ";" and depth == 0:
                break
            j += 1
        analyse_chunk(chunk, names, tags, externs)
        i = j + 1
    return names, tags, externs


def is_function_body(chunk):
    """True when the brace just closed ends a function body (not an
    initializer or a struct / enum body)."""
    depth = 0
    for k in range(len(chunk) - 1, -1, -1):
        t = chunk[k][0]
        if t == "}":
            depth += 1
        elif t == "{":
            depth -= 1
            if depth == 0:
                before = chunk[k - 1][0] if k else ""
                return before == ")"
    return False


def analyse_chunk(chunk, names, tags, externs):
    texts = [t for t, _, _ in chunk]
    # struct / union / enum tags and enum constants
    for k in range(len(texts) - 1):
        if texts[k] not in ("struct", "union", "enum"):
            continue
        has_tag = chunk[k + 1][1] == "ident"
        body = k + (2 if has_tag else 1)
        if body >= len(texts) or texts[body] != "{":
            continue
        if has_tag:
            tags.add(texts[k + 1])
        if texts[k] == "enum":
            depth = 0
            for m in range(body + 1, matching(texts, body)):
                t = texts[m]
                if t in "([{":
                    depth += 1
                elif t in ")]}":
                    depth -= 1
                elif depth == 0 and chunk[m][1] == "ident" and texts[m - 1] in ("{", ","):
                    names.add(t)
    outer = strip_bodies(chunk[skip_macro_calls(chunk) :])
    storage = [t for t, _, _ in outer]
    if "typedef" in storage:
        names.update(declarator_list(outer[storage.index("typedef") + 1 :]))
    elif "static" in storage:
        name = declarator_name(outer[storage.index("static") + 1 :])
        if name:
            names.add(name)
    elif outer and not (storage[0] in ("struct", "union", "enum") and len(storage) <= 3):
        name = declarator_name(outer + [(";", "punct", 0)])
        if name:
            externs.add(name)


def skip_macro_calls(chunk):
    """Index after leading file-scope macro invocations (SL__HANDLE_DEFINE(x, y))."""
    k = 0
    while k + 1 < len(chunk) and chunk[k][1] == "ident" and chunk[k][0].isupper() and chunk[k + 1][0] == "(":
        k = matching([t for t, _, _ in chunk], k + 1) + 1
    return k


def matching(texts, open_idx):
    depth = 0
    for m in range(open_idx, len(texts)):
        if texts[m] in "([{":
            depth += 1
        elif texts[m] in ")]}":
            depth -= 1
            if depth == 0:
                return m
    return len(texts) - 1


def strip_bodies(toks):
    """Tokens with every {...} body removed."""
    out, depth = [], 0
    for tok in toks:
        if tok[0] == "{":
            depth += 1
            continue
        if tok[0] == "}":
            depth -= 1
            continue
        if depth == 0:
            out.append(tok)
    return out


def declarator_list(toks):
    """Names of a typedef's declarators: split at ',' at paren depth 0."""
    parts, cur, depth = [], [], 0
    for tok in toks:
        if tok[0] in "([":
            depth += 1
        elif tok[0] in ")]":
            depth -= 1
        if tok[0] == "," and depth == 0:
            parts.append(cur + [(";", "punct", 0)])
            cur = []
        else:
            cur.append(tok)
    parts.append(cur)
    out = []
    for p in parts:
        if not p or p[-1][0] != ";":
            p = p + [(";", "punct", 0)]
        name = declarator_name(p)
        if name:
            out.append(name)
    return out


def macro_names(text):
    return re.findall(r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_][A-Za-z_0-9]*)", text, re.M)


def identifiers(text, where):
    return {t for k, t, _ in tokenize(text, where) if k == "ident"}


# ---- renaming --------------------------------------------------------------------


def rename(text, where, mapping):
    """Replaces identifiers of `mapping` in `text`, except member names:
    after '.' or '->', and declarators inside struct / union bodies."""
    if not mapping:
        return text
    toks = tokenize(text, where)
    sig = [i for i, (k, _, _) in enumerate(toks) if k not in ("ws", "nl", "comment")]
    member_region = member_regions(toks, sig)
    out, last = [], 0
    for pos, i in enumerate(sig):
        kind, t, start = toks[i]
        if kind != "ident" or t not in mapping:
            continue
        prev = toks[sig[pos - 1]][1] if pos else ""
        nxt = toks[sig[pos + 1]][1] if pos + 1 < len(sig) else ""
        if prev in (".", "->"):
            continue
        if member_region[pos] and nxt in (";", ",", "[", ":", ")"):
            continue
        if is_include_line(toks, i):
            continue
        out.append(text[last:start])
        out.append(mapping[t])
        last = start + len(t)
    out.append(text[last:])
    return "".join(out)


def member_regions(toks, sig):
    """For each significant token: inside a struct / union body?"""
    flags, stack = [], []
    for pos, i in enumerate(sig):
        t = toks[i][1]
        if t == "{":
            back = [toks[sig[q]][1] for q in range(max(0, pos - 2), pos)]
            stack.append("struct" in back or "union" in back)
        elif t == "}":
            if stack:
                stack.pop()
        flags.append(bool(stack) and stack[-1])
    return flags


def is_include_line(toks, i):
    j = i
    while j > 0 and toks[j - 1][0] != "nl":
        j -= 1
    line = "".join(t for _, t, _ in toks[j : i + 1])
    return re.match(r"\s*#\s*include", line) is not None


# ---- assembly ----------------------------------------------------------------------


class Amalgamation:
    def __init__(self, src, modules):
        self.src = src
        self.modules = ["core"] + [m for m in modules if m != "core"]
        self.units = []  # .c files in order
        for m in self.modules:
            self.units += src.glob("lib/" + m, ".c")
        self.public = set()
        self.reach = {}  # .c file -> private headers it includes
        self.pasted = set()

    def resolve(self, name, from_path):
        for base in (os.path.dirname(from_path), "include", "lib"):
            p = os.path.normpath(os.path.join(base, name))
            if self.src.exists(p):
                return p
        raise Fail("%s: cannot resolve #include \"%s\"" % (from_path, name))

    def headers_of(self, path, seen):
        """Private headers `path` reaches, in first-include order."""
        for name in re.findall(r'^[ \t]*#[ \t]*include[ \t]+"([^"]+)"', self.src.read(path), re.M):
            p = self.resolve(name, path)
            if p.startswith("include/"):
                self.public.add(p)
            elif p not in seen:
                seen.append(p)
                self.headers_of(p, seen)
        return seen

    def plan_renames(self):
        """mapping per unit: name -> name__<module>_<file>."""
        decl, externs = {}, {}
        all_files = list(self.units)
        headers = []
        for u in self.units:
            for h in self.headers_of(u, []):
                if h not in headers:
                    headers.append(h)
        for f in headers + all_files:
            names, tags, ext = file_scope_names(self.src.read(f), f)
            decl[f] = names | tags
            externs[f] = ext
        for f, ext in externs.items():
            bad = sorted(e for e in ext if not e.startswith("sl_"))
            if bad:
                raise Fail("%s: external names without the sl_ prefix: %s" % (f, ", ".join(bad)))
        for a in headers:
            for b in headers:
                if a < b and decl[a] & decl[b]:
                    raise Fail("headers %s and %s both declare %s" % (a, b, sorted(decl[a] & decl[b])))
        ids = {f: identifiers(self.src.read(f), f) for f in headers + all_files}
        mapping = {}
        for u in self.units:
            suffix = "__" + u[len("lib/") : -len(".c")].replace("/", "_")
            clash = set()
            for name in decl[u]:
                if any(name in ids[f] for f in headers + all_files if f != u and not self.sees(u, f)):
                    clash.add(name)
            mapping[u] = {name: name + suffix for name in sorted(clash)}
        return mapping

    def sees(self, unit, header):
        """True when `unit` includes `header` (its names are the unit's own)."""
        if unit not in self.reach:
            self.reach[unit] = set(self.headers_of(unit, []))
        return header in self.reach[unit]

    def build(self):
        mapping = self.plan_renames()
        self.pasted = set()
        parts = [
            "//go:build !streamlearn_system\n\n"
            "/* libstreamlearn amalgamation: every .c of lib/ (%s) in one file.\n"
            " * Generated by scripts/amalgamate.py; do not edit (CI checks it is fresh).\n"
            " * Compile with -I<this folder>/include and -DSL_STATIC_DEFINE (no export\n"
            " * attributes: it is linked into a program); add -DSL_HAVE_ZSTD and link\n"
            " * libzstd for compressed checkpoints. The first line keeps the Go\n"
            " * toolchain from compiling this file under the streamlearn_system build\n"
            " * tag (the Go module then links the installed library). */\n" % " ".join(self.modules)
        ]
        for u in self.units:
            parts.append(self.unit_text(u, mapping[u]))
        return "".join(parts)

    def unit_text(self, path, mapping):
        text = self.src.read(path)
        out = ['#line 1 "%s"\n' % path]
        for n, line in enumerate(rename(text, path, mapping).splitlines(keepends=True), 1):
            m = re.match(r'[ \t]*#[ \t]*include[ \t]+"([^"]+)"', line)
            if not m:
                out.append(line)
                continue
            p = self.resolve(m.group(1), path)
            if p.startswith("include/"):
                out.append('#include "%s"\n' % p[len("include/") :])
            elif p in self.pasted:
                out.append("/* #include \"%s\": pasted above */\n" % p)
            else:
                self.pasted.add(p)
                out.append(self.unit_text(p, {}))
                out.append('#line %d "%s"\n' % (n + 1, path))
        if path.endswith(".c"):
            for name in sorted(set(macro_names(text))):
                out.append("#undef %s\n" % name)
        return "".join(out)


def write_tree(amal, out_dir):
    os.makedirs(os.path.join(out_dir, "include", "streamlearn"), exist_ok=True)
    text = amal.build()
    files = {OUT_C: text}
    pub = set(amal.public) | {"include/streamlearn.h"}
    pub |= {p for p in amal.src.glob("include/streamlearn", ".h")}
    for p in sorted(pub):
        files[p] = amal.src.read(p)
    for rel, body in files.items():
        with open(os.path.join(out_dir, rel), "w", encoding="utf-8") as f:
            f.write(body)
    return sorted(files)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "bindings", "go"))
    ap.add_argument("--modules", default=" ".join(DEFAULT_MODULES))
    ap.add_argument("--rev", default=None, help="read sources from this git commit")
    ap.add_argument("--check", action="store_true", help="diff a fresh copy against --out")
    args = ap.parse_args()
    src = Source(ROOT, args.rev)
    modules = [m for m in args.modules.split() if src.glob("lib/" + m, ".c")]
    try:
        amal = Amalgamation(src, modules)
        if not args.check:
            files = write_tree(amal, args.out)
            print("amalgamate: %s (%d .c files, modules: %s) and %d headers"
                  % (os.path.join(args.out, OUT_C), len(amal.units), " ".join(amal.modules), len(files) - 1))
            return 0
        with tempfile.TemporaryDirectory() as tmp:
            files = write_tree(amal, tmp)
            stale = 0
            for rel in files:
                new = open(os.path.join(tmp, rel), encoding="utf-8").read()
                path = os.path.join(args.out, rel)
                old = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
                if old != new:
                    stale += 1
                    diff = difflib.unified_diff(old.splitlines(True), new.splitlines(True), path, "fresh")
                    sys.stdout.writelines(list(diff)[:40])
            inc = os.path.join(args.out, "include")
            for d, _, fs in os.walk(inc):
                for f in fs:
                    rel = os.path.relpath(os.path.join(d, f), args.out)
                    if rel not in files:
                        stale += 1
                        print("amalgamate --check: %s is not generated any more" % rel)
            if stale:
                print("amalgamate --check: %d file(s) stale; run scripts/amalgamate.py" % stale)
                return 1
            print("amalgamate --check: %s is fresh" % os.path.join(args.out, OUT_C))
            return 0
    except Fail as e:
        print("amalgamate: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
