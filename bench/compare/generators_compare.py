#!/usr/bin/env python3
"""Generator throughput: River's synth streams against ours, same
parameters, rows per second. Ours through ctypes in batches of 1024 rows
(sl_stream_next into a numpy array: one C call per batch, as a binding
would) and one row per call (the cost of crossing into C per row); River
iterating its generator. Before timing, each pair is checked to draw the
same concept (mean label within 5 standard errors; for RandomRBF, whose
classes follow each side's random centroids, the same set of classes).

    python3 bench/compare/generators_compare.py [--quick]
"""
import ctypes
import itertools
import math
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import QUICK, Table, best, ensure, load_library  # noqa: E402

np = ensure("numpy")
ensure("river")
synth = ensure("river.datasets.synth")

N = 20_000 if QUICK else 200_000
lib = load_library()
dp = ctypes.POINTER(ctypes.c_double)
lib.sl_stream_new.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_void_p]
lib.sl_stream_kind_from_name.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
lib.sl_stream_set_str.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
lib.sl_stream_next.argtypes = [ctypes.c_void_p, dp, ctypes.c_size_t, dp, ctypes.c_size_t]
lib.sl_stream_free.argtypes = [ctypes.c_void_p]
lib.sl_stream_free.restype = None

CASES = [  # name, our kind, n_features, our params, River generator
    ("SEA variant 0", "sea", 3, {}, lambda: synth.SEA(variant=0, seed=1)),
    ("Agrawal function 2", "agrawal", 9, {"classification_function": 2},
     lambda: synth.Agrawal(classification_function=2, seed=1)),
    ("Hyperplane 10 features", "hyperplane", 10, {}, lambda: synth.Hyperplane(seed=1)),
    ("RandomRBF 50 centroids", "random_rbf", 10, {}, lambda: synth.RandomRBF(seed_model=1, seed_sample=1)),
    ("RandomRBFDrift speed 1e-4", "random_rbf", 10, {"change_speed": 1e-4},
     lambda: synth.RandomRBFDrift(seed_model=1, seed_sample=1, change_speed=1e-4)),
    ("STAGGER", "stagger", 3, {}, lambda: synth.STAGGER(seed=1)),
    ("LED + irrelevant", "led", 24, {"irrelevant_features": 1}, lambda: synth.LED(seed=1, irrelevant_features=True)),
    ("Sine", "sine", 2, {}, lambda: synth.Sine(seed=1)),
    ("Friedman", "friedman", 10, {}, lambda: synth.Friedman(seed=1)),
    ("FriedmanDrift gra", "friedman", 10, {"drift_type": "gra"}, lambda: synth.FriedmanDrift("gra", (50_000, 100_000), seed=1)),
    ("ConceptDriftStream (Agrawal 0 -> 2)", "concept_drift", 9, {}, lambda: synth.ConceptDriftStream(seed=1)),
]


def ours(kind, nf, params, n, batch):
    h = ctypes.c_void_p()
    k = ctypes.c_int()
    assert lib.sl_stream_kind_from_name(kind.encode(), ctypes.byref(k)) == 0
    assert lib.sl_stream_new(ctypes.byref(h), k.value, None) == 0
    for name, v in params.items():
        assert lib.sl_stream_set_str(h, name.encode(), str(v).encode()) == 0, name
    X = np.empty((batch, nf))
    y = np.empty(batch)
    ys = np.empty(n)
    xp, yp = X.ctypes.data_as(dp), y.ctypes.data_as(dp)
    for at in range(0, n, batch):
        assert lib.sl_stream_next(h, xp, nf, yp, batch) == 0
        ys[at:at + batch] = y[: min(batch, n - at)]
    lib.sl_stream_free(h)
    return ys


def river(make, n):
    return np.array([float(y) for _, y in itertools.islice(make(), n)])


def main():
    t = Table("generators_compare", f"generator throughput, {N} rows (rows/s, higher is better)")
    for case, kind, nf, params, make in CASES:
        t_river, ry = best(lambda: river(make, N), repeat=1 if not QUICK else 2)
        t_batch, oy = best(lambda: ours(kind, nf, params, N, 1024))
        n_row = N // 10
        t_row, _ = best(lambda: ours(kind, nf, params, n_row, 1))
        if kind == "random_rbf":  # class rates follow each side's random centroids
            assert set(np.unique(oy)) == set(np.unique(ry)) == {0.0, 1.0}, case
        else:  # same concept: the mean label (class rate, mean target) within 5 standard errors
            se = math.sqrt((ry.var() + oy.var()) / N)
            assert abs(ry.mean() - oy.mean()) < 5 * se + 1e-9, f"{case}: mean label {ry.mean()} vs {oy.mean()}"
        t.add(case + " (batch 1024)", N / t_river, N / t_batch, "rows/s")
        t.add(case + " (1 row per call)", N / t_river, n_row / t_row, "rows/s", "ctypes call per row")
    t.print()


if __name__ == "__main__":
    main()
