"""Hoeffding tree speed beside River's on the stream of bench/bench_tree.c
(8 uniform features, y = [sum_j (j+1) x_j > 18], 5% label noise), in the
same process: predict then learn each event, timed by process CPU time.
Ours is timed twice through ctypes: one call per event (binding overhead
included) and in chunks of 1000 (predict_many, then learn_many). Run from the
repository root:  SL_LIBRARY=build/libstreamlearn.so python3 bench/compare/tree_compare.py [--quick]"""
import ctypes
import os
import sys
import time

import numpy as np
from river import tree

NF = 8
MASK = (1 << 64) - 1


def make_stream(n):
    """The LCG stream of bench_tree.c, bit for bit."""
    s = 42
    X = np.empty((n, NF))
    y = np.empty(n)
    for i in range(n):
        z = 0.0
        for j in range(NF):
            s = (s * 6364136223846793005 + 1442695040888963407) & MASK
            X[i, j] = (s >> 11) * 2.0 ** -53
            z += (j + 1) * X[i, j]
        y[i] = 1.0 if z > 18.0 else 0.0
        s = (s * 6364136223846793005 + 1442695040888963407) & MASK
        if (s >> 11) * 2.0 ** -53 < 0.05:
            y[i] = 1.0 - y[i]
    return X, y


def ours(lib, X, y, kind, chunk):
    vp = ctypes.c_void_p
    dp = ctypes.POINTER(ctypes.c_double)
    lib.sl_model_new.argtypes = [ctypes.POINTER(vp), ctypes.c_int, ctypes.c_size_t, vp]
    lib.sl_model_set_int.argtypes = [vp, ctypes.c_char_p, ctypes.c_int64]
    lib.sl_model_predict.argtypes = [vp, dp, ctypes.c_size_t, dp]
    lib.sl_model_learn.argtypes = [vp, dp, ctypes.c_size_t, ctypes.c_double, ctypes.c_double]
    lib.sl_model_predict_many.argtypes = [vp, dp, ctypes.c_size_t, ctypes.c_size_t, dp]
    lib.sl_model_learn_many.argtypes = [vp, dp, ctypes.c_size_t, ctypes.c_size_t, dp, dp]
    lib.sl_model_free.argtypes = [vp]
    m = vp()
    assert lib.sl_model_new(ctypes.byref(m), kind, NF, None) == 0
    lib.sl_model_set_int(m, b"max_classes", 2)
    Xc = np.ascontiguousarray(X)
    yc = np.ascontiguousarray(y)
    pred = np.empty(len(y))
    xp = Xc.ctypes.data_as(dp)
    t0 = time.process_time()
    if chunk == 1:
        out = ctypes.c_double()
        for i in range(len(y)):
            row = ctypes.cast(Xc.ctypes.data + i * NF * 8, dp)
            lib.sl_model_predict(m, row, NF, ctypes.byref(out))
            pred[i] = out.value
            lib.sl_model_learn(m, row, NF, yc[i], 1.0)
    else:
        for a in range(0, len(y), chunk):
            b = min(a + chunk, len(y))
            rows = ctypes.cast(Xc.ctypes.data + a * NF * 8, dp)
            lib.sl_model_predict_many(m, rows, b - a, NF, ctypes.cast(pred.ctypes.data + a * 8, dp))
            lib.sl_model_learn_many(m, rows, b - a, NF, ctypes.cast(yc.ctypes.data + a * 8, dp), None)
    dt = time.process_time() - t0
    lib.sl_model_free(m)
    del xp
    return len(y) / dt, float(np.mean(pred == y))


def river(X, y, model):
    names = [f"x{j}" for j in range(NF)]
    ok = 0
    t0 = time.process_time()
    for i in range(len(y)):
        x = dict(zip(names, X[i].tolist()))
        ok += model.predict_one(x) == y[i]
        model.learn_one(x, y[i])
    return len(y) / (time.process_time() - t0), ok / len(y)


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    n_ours, n_river = (100000, 10000) if quick else (1000000, 50000)
    lib = ctypes.CDLL(os.environ["SL_LIBRARY"])
    X, y = make_stream(n_ours)
    print(f"| model | River ev/s ({n_river} events) | ours ev/s, call per event ({n_ours}) | ours ev/s, chunks of 1000 | ratio (chunks) | ratio (per event) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, kind, rmodel in [("hoeffding_tree", 8, tree.HoeffdingTreeClassifier()),
                               ("hoeffding_adaptive_tree", 9, tree.HoeffdingAdaptiveTreeClassifier(seed=1))]:
        r_rate, _ = river(X[:n_river], y[:n_river], rmodel)
        o1, _ = ours(lib, X, y, kind, 1)
        oc, _ = ours(lib, X, y, kind, 1000)
        print(f"| {name} | {r_rate:,.0f} | {o1:,.0f} | {oc:,.0f} | {oc / r_rate:,.0f}x | {o1 / r_rate:,.0f}x |")
