"""Shared by the comparison scripts (bench/compare/*_compare.py): getting the
peers, timing them, and printing side-by-side tables.

    from common import ensure, load_library, best, time_detector, time_model, Table

- ensure("river") imports a peer, pip-installing it first when missing
  (set SL_BENCH_INSTALL=0 to forbid; the script then exits with a message).
- load_library() opens libstreamlearn through ctypes: $SL_LIBRARY, else
  build/libstreamlearn.so under the repository.
- best(fn) is the best wall time of a few runs; time_detector / time_model
  time a River detector (update per value) or model (predict_one then
  learn_one per row, prequential) over the same data a script gives ours.
- Table collects rows (case, River's figure, ours, unit), prints Markdown
  with the ratio, and appends JSON lines to $SL_BENCH_JSON for
  bench/report.py.
- peer("vowpalwabbit") is ensure() for an optional peer: None (after a
  "peer not available: reason" line) when it cannot be had, so the script
  can exit 0 without it.
- Grid is Table for more than two systems: one column per system (or
  path), ratio columns derived from two of them.
Comparison scripts accept --quick (CI sizes) and check that both sides
computed the same thing before printing any figure.
"""
import ctypes
import importlib
import json
import os
import subprocess
import sys
import time

QUICK = "--quick" in sys.argv
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def ensure(module, package=None):
    """Imports `module`, installing `package` (default: the module name) with
    pip when it is missing and SL_BENCH_INSTALL is not 0."""
    try:
        return importlib.import_module(module)
    except ImportError:
        if os.environ.get("SL_BENCH_INSTALL", "1") == "0":
            sys.exit(f"{module} is missing (pip install {package or module}); SL_BENCH_INSTALL=0 forbids installing")
        print(f"installing {package or module} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", package or module], check=True)
        importlib.invalidate_caches()
        return importlib.import_module(module)


def peer(module, package=None):
    """Imports an optional peer as ensure() does, but when it cannot be had
    (SL_BENCH_INSTALL=0, pip fails, the import fails) prints "peer not
    available: <reason>" and returns None instead of exiting."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        missing = str(e)
    if os.environ.get("SL_BENCH_INSTALL", "1") == "0":
        print(f"peer not available: {module} is missing ({missing}) and SL_BENCH_INSTALL=0 forbids installing")
        return None
    print(f"installing {package or module} ...", file=sys.stderr)
    r = subprocess.run([sys.executable, "-m", "pip", "install", "-q", package or module],
                       capture_output=True, text=True)
    if r.returncode != 0:
        tail = (r.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"peer not available: pip install {package or module} failed ({tail})")
        return None
    importlib.invalidate_caches()
    try:
        return importlib.import_module(module)
    except ImportError as e:
        print(f"peer not available: {module} installed but does not import ({e})")
        return None


def load_library():
    """The shared library through ctypes ($SL_LIBRARY or build/libstreamlearn.so)."""
    path = os.environ.get("SL_LIBRARY") or os.path.join(ROOT, "build", "libstreamlearn.so")
    if not os.path.exists(path):
        sys.exit(f"no library at {path}: run `make shared` or set SL_LIBRARY")
    return ctypes.CDLL(path)


def best(fn, repeat=3):
    """Best wall time (s) of `repeat` runs of fn(), and the last result."""
    t, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        t = min(t, time.perf_counter() - t0)
    return t, out


def time_detector(make, values, repeat=3):
    """River detector from make(), fed `values` one by one: (seconds, drift
    indices of the last run)."""
    def run():
        d = make()
        hits = []
        for i, v in enumerate(values):
            d.update(v)
            if d.drift_detected:
                hits.append(i)
        return hits
    return best(run, repeat)


def time_model(make, rows, repeat=3):
    """River model from make(), prequential over rows [(x_dict, y)]:
    predict_one then learn_one. (seconds, predictions of the last run)."""
    def run():
        m = make()
        preds = []
        for x, y in rows:
            preds.append(m.predict_one(x))
            m.learn_one(x, y)
        return preds
    return best(run, repeat)


class Table:
    """Side-by-side figures: add(case, river, ours, unit) where higher is
    better for rates (unit ending in "/s") and lower for times."""

    def __init__(self, bench, title):
        self.bench, self.title, self.rows = bench, title, []

    def add(self, case, river, ours, unit, note=""):
        if river and ours:
            ratio = ours / river if unit.endswith("/s") else river / ours
        else:
            ratio = None
        self.rows.append({"bench": self.bench, "case": case, "river": river, "ours": ours, "unit": unit,
                          "ours_vs_river": ratio, "note": note})

    def print(self):
        print(f"\n### {self.title}\n")
        print("| case | River | ours | unit | ours vs River | note |")
        print("|---|---:|---:|---|---:|---|")
        for r in self.rows:
            ratio = f"{r['ours_vs_river']:.1f}x" if r["ours_vs_river"] else ""
            print(f"| {r['case']} | {fmt(r['river'])} | {fmt(r['ours'])} | {r['unit']} | {ratio} | {r['note']} |")
        path = os.environ.get("SL_BENCH_JSON")
        if path:
            with open(path, "a") as f:
                for r in self.rows:
                    f.write(json.dumps(r) + "\n")


def fmt(v):
    if v is None:
        return ""
    return f"{v:.3g}" if abs(v) >= 1e5 or abs(v) < 1 else f"{v:.1f}"


class Grid:
    """Several systems side by side: Grid(bench, title, columns, ratios)
    (bench/report.py makes one table per `bench`: give each Grid its own)
    with ratios [(label, numerator column, denominator column)]; add(case,
    unit, {column: value}, note); print(). Ratios are numerator over
    denominator for rates (unit ending in "/s") and the inverse for times,
    so above 1 means the numerator is better; other units get none."""

    def __init__(self, bench, title, columns, ratios=()):
        self.bench, self.title, self.columns, self.ratios, self.rows = bench, title, list(columns), list(ratios), []

    def add(self, case, unit, values, note=""):
        row = {"bench": self.bench, "case": case, "unit": unit}
        row.update({c: values.get(c) for c in self.columns})
        for label, num, den in self.ratios:
            a, b = values.get(num), values.get(den)
            rate = unit.endswith("/s")
            ok = a and b and (rate or unit in ("s", "ms", "us", "ns"))
            row[label] = (a / b if rate else b / a) if ok else None
        row["note"] = note
        self.rows.append(row)

    def print(self):
        labels = [r[0] for r in self.ratios]
        print(f"\n### {self.title}\n")
        print("| case | unit | " + " | ".join(self.columns + labels) + " | note |")
        print("|---|---|" + "---:|" * (len(self.columns) + len(labels)) + "---|")
        for r in self.rows:
            cells = [cell4(r[c]) for c in self.columns] + [f"{r[x]:.2f}x" if r[x] else "" for x in labels]
            print(f"| {r['case']} | {r['unit']} | " + " | ".join(cells) + f" | {r['note']} |")
        path = os.environ.get("SL_BENCH_JSON")
        if path:
            with open(path, "a") as f:
                for r in self.rows:
                    f.write(json.dumps(r) + "\n")


def cell4(v):
    """Four significant digits (accuracies and errors need more than fmt's
    one decimal); whole numbers with thousands separators from 10,000 up."""
    return "" if v is None else f"{v:,.0f}" if abs(v) >= 1e4 else f"{v:.4g}"
