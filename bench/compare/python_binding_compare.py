#!/usr/bin/env python3
"""The same stream through River and through streamlearn's Python binding:
per event at River's API (update(x) / learn_one(dict) / predict_one(dict))
and per batch through the numpy API (one C call per batch). Prints a
Markdown table of events per second and the ratio to River; with
$SL_BENCH_JSON set, also appends one JSON object per row to that file.

    python3 bench/compare/python_binding_compare.py [--quick]

Needs `pip install ./bindings/python` (or STREAMLEARN_LIBRARY and
PYTHONPATH=bindings/python/src), river and numpy. Rows for kinds the loaded
library lacks are skipped with a note. Figures are wall-clock, best of
three runs, on whatever machine runs it; the answers are checked to agree
before any figure is printed.
"""
import json
import os
import sys
import time

import numpy as np

try:
    import streamlearn
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bindings", "python", "src"))
    import streamlearn

import datetime as dt

from river import drift as rdrift
from river import linear_model as rlinear
from river import optim as roptim
from river import stats as rstats
from river import utils as rutils

from streamlearn import drift, linear_model, pipeline, window

QUICK = "--quick" in sys.argv
N = 20_000 if QUICK else 200_000
rows = []


def best(fn, repeat=3):
    """Best wall time of `repeat` runs of fn(), and its last result."""
    t, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        t = min(t, time.perf_counter() - t0)
    return t, out


def report(what, api, n, t_river, t_ours):
    row = {"bench": "python_binding", "case": what, "api": api, "events": n,
           "river_events_per_s": n / t_river if t_river else None, "ours_events_per_s": n / t_ours,
           "ratio": (t_river / t_ours) if t_river else None}
    rows.append(row)


def drift_case(name, ours_cls, river_cls, xs):
    if ours_cls._kind_id is None:
        print(f"skipped {name}: not in the loaded library")
        return
    values = xs.tolist()

    def river_loop():
        d, hits = river_cls(), []
        for i, x in enumerate(values):
            d.update(x)
            if d.drift_detected:
                hits.append(i)
        return hits

    def ours_loop():
        d, hits = ours_cls(), []
        for i, x in enumerate(values):
            if d.update(x).drift_detected:
                hits.append(i)
        return hits

    def ours_batch():
        return ours_cls().update_many(xs).tolist()

    t_r, r = best(river_loop)
    t_o, o = best(ours_loop)
    t_b, b = best(ours_batch)
    assert r == o == b, f"{name}: drift indices differ from River's"
    report(name, "update(x) per event", len(values), t_r, t_o)
    report(name, "update_many(ndarray)", len(values), t_r, t_b)


def linear_case(xs, ys):
    if linear_model.LinearRegression._kind_id is None:
        print("skipped LinearRegression: not in the loaded library")
        return
    dicts = [dict(zip(("a", "b", "c", "d", "e", "f", "g", "h"), row)) for row in xs.tolist()]
    targets = ys.tolist()
    n = min(len(dicts), N // 4)  # River's linear model is the slow side

    def river_loop():
        m, out = rlinear.LinearRegression(optimizer=roptim.SGD(0.01)), []
        for x, y in zip(dicts[:n], targets[:n]):
            out.append(m.predict_one(x))
            m.learn_one(x, y)
        return out

    def ours_loop():
        m, out = linear_model.LinearRegression(), []
        for x, y in zip(dicts[:n], targets[:n]):
            out.append(m.predict_one(x))
            m.learn_one(x, y)
        return out

    def ours_fused():
        m = linear_model.LinearRegression()
        return [m.predict_learn_one(x, y) for x, y in zip(dicts[:n], targets[:n])]

    t_r, r = best(river_loop)
    t_o, o = best(ours_loop)
    t_f, f = best(ours_fused)
    assert f == o, "predict_learn_one differs from predict_one + learn_one"
    report("LinearRegression", "predict_one + learn_one (dict)", n, t_r, t_o)
    report("LinearRegression", "predict_learn_one (dict, one C call)", n, t_r, t_f)
    print(f"LinearRegression: max |ours - River| over {n} prequential predictions = "
          f"{max(abs(a - b) for a, b in zip(r, o)):.3g}; predict_learn_one saves "
          f"{(t_o - t_f) / n * 1e6:.2f} us per event ({t_o / n * 1e6:.2f} -> {t_f / n * 1e6:.2f})")
    X = np.ascontiguousarray(xs)
    m = linear_model.LinearRegression()
    t_b, _ = best(lambda: m.learn_many(X, ys))
    report("LinearRegression", "learn_many(ndarray)", len(X), None, t_b)
    t_p, _ = best(lambda: m.predict_many(X))
    report("LinearRegression", "predict_many(ndarray)", len(X), None, t_p)


def window_case(keys, ts, xs):
    """Per-key sliding mean / var: River TimeRolling per key vs Sliding (push + query per event, and push_many)."""
    if window.Sliding._kind_id is None:
        print("skipped window: not in the loaded library")
        return
    n = min(len(xs), N // 4)
    ks, tl, vl = keys[:n].tolist(), ts[:n].tolist(), xs[:n].tolist()
    size, t0 = 1000, dt.datetime(2024, 1, 1)

    def river_loop():
        rolls, out = {}, []
        for k, t, x in zip(ks, tl, vl):
            r = rolls.get(k)
            if r is None:
                r = rolls[k] = rutils.TimeRolling(rstats.Var, period=dt.timedelta(milliseconds=size))
            r.update(x, t=t0 + dt.timedelta(milliseconds=t))
            out.append(r.get())
        return out

    def ours_loop():
        w, out = window.Sliding(["var"], size=size), []
        push, query = w.push, w.query
        for k, t, x in zip(ks, tl, vl):
            push(k, t, x)
            out.append(query(k)["var"])
        return out

    def ours_batch():
        w = window.Sliding(["var"], size=size)
        w.push_many(keys, ts, xs)
        return w

    t_r, r = best(river_loop)
    t_o, o = best(ours_loop)
    assert max(abs(a - b) for a, b in zip(r, o)) < 1e-6, "sliding variance differs from River's"
    t_b, _ = best(ours_batch)
    report("Sliding window var, 100 keys", "push + query per event", n, t_r, t_o)
    report("Sliding window var, 100 keys", "push_many(ndarray), no query", len(xs), None, t_b)


def pipeline_case(X, y, delay=10):
    """Delayed-label prequential loop: River predict_one / learn_one by hand vs Pipeline push / push_label."""
    if pipeline.Pipeline._kind_id is None:
        print("skipped pipeline: not in the loaded library")
        return
    n = min(len(y), N // 4)
    names = [f"x{i}" for i in range(X.shape[1])]
    dicts = [dict(zip(names, row)) for row in X[:n].tolist()]
    targets = y[:n].tolist()

    def river_loop():
        m, out = rlinear.LinearRegression(optimizer=roptim.SGD(0.01)), []
        for i, x in enumerate(dicts):
            out.append(m.predict_one(x))
            if i >= delay:
                m.learn_one(dicts[i - delay], targets[i - delay])
        return out

    def ours_loop():
        p, out = pipeline.Pipeline(fields=names, model=linear_model.LinearRegression()), []
        push, label = p.push, p.push_label
        for i, x in enumerate(dicts):
            out.append(push(i, 0, i, x))
            if i >= delay:
                label(i - delay, targets[i - delay])
        return out

    def ours_batch():
        p = pipeline.Pipeline(fields=names, model=linear_model.LinearRegression())
        ids, out = np.arange(len(y)), []
        for lo in range(0, len(y), 1000):  # events, then the labels now due
            out.append(p.push_many(ids[lo: lo + 1000], np.zeros(1000, np.uint64), ids[lo: lo + 1000], X[lo: lo + 1000]))
            p.push_labels(ids[max(lo - delay, 0): lo + 1000 - delay], y[max(lo - delay, 0): lo + 1000 - delay])
        return out

    t_r, r = best(river_loop)
    t_o, o = best(ours_loop)
    assert max(abs(a - b) for a, b in zip(r, o)) < 1e-9, "pipeline predictions differ from River's"
    t_b, _ = best(ours_batch)
    report("Pipeline, LinearRegression, labels 10 late", "push + push_label per event", n, t_r, t_o)
    report("Pipeline, LinearRegression, labels 10 late", "push_many + push_labels per 1000", len(y), None, t_b)


def main():
    rng = np.random.default_rng(42)
    xs = np.concatenate([rng.normal(m, 1.0, N // 4) for m in (0.0, 1.0, -0.5, 1.5)])
    drift_case("PageHinkley", drift.PageHinkley, rdrift.PageHinkley, xs)
    drift_case("ADWIN", drift.ADWIN, rdrift.ADWIN, xs)
    X = rng.normal(size=(N, 8))
    y = X @ rng.normal(size=8) + rng.normal(0, 0.1, N)
    linear_case(X, y)
    keys = rng.integers(0, 100, N)
    ts = np.cumsum(rng.integers(0, 20, N))
    window_case(keys, ts, rng.normal(10, 3, N))
    pipeline_case(X, y)

    print(f"\nPython binding vs River ({'quick' if QUICK else 'full'}; library {streamlearn.library_path})\n")
    print("| case | API | events | River ev/s | streamlearn ev/s | ratio |")
    print("|---|---|---:|---:|---:|---:|")
    for r in rows:
        river = f"{r['river_events_per_s']:,.0f}" if r["river_events_per_s"] else "-"
        ratio = f"{r['ratio']:.1f}x" if r["ratio"] else "-"
        print(f"| {r['case']} | {r['api']} | {r['events']:,} | {river} | {r['ours_events_per_s']:,.0f} | {ratio} |")
    path = os.environ.get("SL_BENCH_JSON")
    if path:
        with open(path, "a") as f:
            for r in rows:
                f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
