#!/usr/bin/env python3
"""Vowpal Wabbit (its Python package `vowpalwabbit`, installed on demand)
beside our linear models and River's, on the same generated rows:
progressive (test-then-train) MAE / accuracy and events per second.

    SL_LIBRARY=build/libstreamlearn.so python3 bench/compare/vw_compare.py [--quick]

Streams come from the library's generators (peers_lib.stream_rows), the
same rows for every learner. Learners:
- VW: its default online learner (adaptive, normalized, invariant update,
  lr 0.5, 18 bits), squared loss on Friedman, `--loss_function logistic`
  (labels -1/+1) on SEA and Hyperplane; its prediction is the one VW makes
  before it updates (what its own progressive loss uses).
- ours vw+const: optimizer=vw lr=0.5 with a constant column of ones and
  intercept_lr=0, which is what VW does with its constant feature; checked
  to give VW's predictions (VW computes in float, so up to ~1e-4 apart)
  before any figure is printed.
- ours vw: the same rule, the intercept learned by SGD at intercept_lr 0.01
  (the library default, as River).
- ours sgd / River sgd: LinearRegression / LogisticRegression at River's
  defaults (SGD 0.01); checked to agree with each other.

Paths timed (events/s, best of a few runs, wall clock):
- VW API: Python, per event: parse the text line, learn, read the
  prediction, finish the example (the lines are formatted before timing).
- VW text file / VW cache file: VW's own C++ loop over a data file
  (`-d file`, VW's parser in a second thread), the text file or its binary
  cache (the cache made by an untimed run first); setup included (~ms).
- ours per event: sl_model_predict_learn through ctypes from a Python loop.
- ours chunks: sl_model_predict_many then sl_model_learn_many on each
  chunk of 1000 rows (two ctypes calls per chunk: the C loop's cost; the
  chunk's predictions come before its learning, so they are not scored).
- River: predict_one then learn_one per event (dicts built before timing).
- pure C: $BUILD/bench/bench_linear --quick rows (d=32 or 8, not these
  streams), when that program is built.
"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import QUICK, Grid, peer  # noqa: E402

vw = peer("vowpalwabbit")
if vw is None:
    sys.exit(0)
from peers_lib import Model, c_bench_rows, stream_rows, with_constant  # noqa: E402

import numpy as np  # noqa: E402

river = peer("river")
linear_model = peer("river.linear_model", "river") if river else None
N = 20_000 if QUICK else 200_000
REPEAT = 3
CHECK = 5_000  # rows over which VW and ours vw+const must agree to 1e-3

STREAMS = [  # label, generator, params, binary?
    ("Friedman", "friedman", {"seed": 1}, False),
    ("SEA variant 0, 10% noise", "sea", {"seed": 1, "noise": 0.1}, True),
    ("Hyperplane 10 features, drifting", "hyperplane", {"seed": 1, "mag_change": 0.001}, True),
]


def quickest(fn):
    """fn() -> (seconds, result): the least seconds of REPEAT runs, and a result."""
    runs = [fn() for _ in range(REPEAT)]
    return min(r[0] for r in runs), runs[0][1]


def vw_lines(X, y, binary):
    labels = (2 * y - 1) if binary else y
    return [f"{t!r} | " + " ".join(f"f{j}:{v!r}" for j, v in enumerate(row))
            for t, row in zip(labels.tolist(), X.tolist())]


def vw_api(lines, args):
    w = vw.Workspace(args + " --quiet")
    pred = np.empty(len(lines))
    t0 = time.perf_counter()
    for i, line in enumerate(lines):
        ex = w.parse(line)
        w.learn(ex)
        pred[i] = ex.get_simplelabel_prediction()
        w.finish_example(ex)
    dt = time.perf_counter() - t0
    w.finish()
    return dt, pred


def vw_file(data, args, preds=None, cache=None):
    """VW's own loop over `data` (or its cache file): seconds."""
    extra = (f" -p {preds}" if preds else "") + (f" --cache_file {cache}" if cache else "")
    t0 = time.perf_counter()
    w = vw.Workspace(f"{args} --quiet -d {data}{extra}")
    w.finish()
    return time.perf_counter() - t0, None


def river_run(make, X, y, binary):
    names = [f"x{j}" for j in range(X.shape[1])]
    rows = [(dict(zip(names, r)), bool(t) if binary else t) for r, t in zip(X.tolist(), y.tolist())]

    def run():
        m, pred = make(), np.empty(len(rows))
        t0 = time.perf_counter()
        for i, (x, t) in enumerate(rows):
            pred[i] = m.predict_one(x)
            m.learn_one(x, t)
        return time.perf_counter() - t0, pred
    return quickest(run)


def score(pred, y, binary):
    return 100.0 * float(np.mean(pred == y)) if binary else float(np.mean(np.abs(pred - y)))


def compare(label, gen, params, binary, quality, speed, tmp):
    X, y = stream_rows(gen, N, **params)
    d = X.shape[1]
    kind = "logistic_regression" if binary else "linear_regression"
    args = "--loss_function logistic" if binary else ""
    lines = vw_lines(X, y, binary)
    data = os.path.join(tmp, f"{gen}.vw")
    with open(data, "w") as f:
        f.write("\n".join(lines) + "\n")

    t_api, p_vw = quickest(lambda: vw_api(lines, args))
    t_text, _ = quickest(lambda: vw_file(data, args))
    cache = os.path.join(tmp, f"{gen}.cache")
    vw_file(data, args, cache=cache)  # makes the cache
    t_cache, _ = quickest(lambda: vw_file(data, args, cache=cache))
    preds = os.path.join(tmp, f"{gen}.pred")
    vw_file(data, args, preds=preds, cache=cache)
    p_file = np.loadtxt(preds)
    assert np.allclose(p_file, p_vw, rtol=1e-4, atol=1e-4), f"{label}: VW's file run predicts otherwise than its API"

    Xc = with_constant(X)
    vwc = Model(kind, d + 1, optimizer="vw", lr=0.5, intercept_lr=0)
    t_ours, p_vwc = quickest(lambda: vwc.prequential(Xc, y))
    t_many = min(vwc.chunks(Xc, y) for _ in range(REPEAT))
    if binary:  # VW's raw scores against our log-odds, same rows, same rule
        ours_s, vw_s = vwc.scores(Xc[:CHECK], y[:CHECK]), p_vw[:CHECK]
        p_vw = (p_vw > 0).astype(float)
    else:
        ours_s, vw_s = p_vwc[:CHECK], p_vw[:CHECK]
    gap = float(np.max(np.abs(ours_s - vw_s) / (1 + np.abs(vw_s))))
    assert gap < 1e-3, f"{label}: ours vw+const is {gap:.2e} away from VW over {CHECK} rows: not the same learner"
    agree = 100.0 * float(np.mean(np.isclose(p_vwc, p_vw, rtol=1e-3, atol=1e-3)))

    _, p_vw_own = Model(kind, d, optimizer="vw", lr=0.5).prequential(X, y)
    sgd = Model(kind, d)
    t_sgd, p_sgd = quickest(lambda: sgd.prequential(X, y))
    t_sgd_many = min(sgd.chunks(X, y) for _ in range(REPEAT))
    t_river = p_river = None
    if river:
        make = linear_model.LogisticRegression if binary else linear_model.LinearRegression
        t_river, p_river = river_run(make, X, y, binary)
        same = np.mean(p_river == p_sgd) if binary else np.max(np.abs(p_river - p_sgd)) < 1e-6
        assert same >= 0.999, f"{label}: our SGD model does not follow River's"

    unit = "accuracy %" if binary else "MAE"
    quality.add(label, unit, {"VW": score(p_vw, y, binary), "ours vw+const": score(p_vwc, y, binary),
                              "ours vw": score(p_vw_own, y, binary), "ours sgd": score(p_sgd, y, binary),
                              "River sgd": score(p_river, y, binary) if river else None},
                f"VW and ours vw+const: {agree:.2f}% of predictions " + ("of the same class" if binary else "within 1e-3"))
    speed.add(label + ": VW rule", "events/s",
              {"VW API": N / t_api, "VW text file": N / t_text, "VW cache file": N / t_cache,
               "ours per event": N / t_ours, "ours chunks": N / t_many},
              f"ours = vw+const, d={d + 1}")
    speed.add(label + ": SGD", "events/s", {"ours per event": N / t_sgd, "ours chunks": N / t_sgd_many,
                                            "River": N / t_river if river else None}, f"d={d}")


def main():
    print(f"Vowpal Wabbit {vw.__version__}" + (f", River {river.__version__}" if river else ", River not available"))
    quality = Grid("vw_compare: quality", f"progressive quality, {N} rows (MAE lower, accuracy higher is better)",
                   ["VW", "ours vw+const", "ours vw", "ours sgd", "River sgd"])
    speed = Grid("vw_compare: throughput", f"throughput, {N} rows (events/s, higher is better)",
                 ["VW API", "VW text file", "VW cache file", "ours per event", "ours chunks", "River"],
                 [("ours/VW, per event", "ours per event", "VW API"),
                  ("ours chunks / VW cache", "ours chunks", "VW cache file"),
                  ("ours/River, per event", "ours per event", "River")])
    with tempfile.TemporaryDirectory() as tmp:
        for label, gen, params, binary in STREAMS:
            compare(label, gen, params, binary, quality, speed, tmp)
    quality.print()
    speed.print()
    cases = {("logreg vw dense d=32", "predict + learn per row"): "logistic, vw rule, d=32",
             ("logreg sgd dense d=32", "predict + learn per row"): "logistic, sgd, d=32",
             ("linreg sgd dense d=8", "predict_learn per row"): "linear, sgd, d=8"}
    c = c_bench_rows("bench_linear", cases)
    if c:
        pure = Grid("vw_compare: pure C", "pure C (bench_linear --quick, p50; not the streams above)", ["ours C"])
        for key, text in cases.items():
            if key in c:
                pure.add(text, "events/s", {"ours C": c[key]}, f"{key[0]}: {key[1]}")
        pure.print()


if __name__ == "__main__":
    main()
