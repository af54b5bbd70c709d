"""Linear models side by side with River on the same stream: ns per
(predict + learn) row, and prequential accuracy / error, for the cases of
bench/bench_linear.c.

    SL_LIBRARY=build/libstreamlearn.so python3 bench/compare/linear_compare.py [--quick]

River runs predict_one + learn_one per row from Python (dicts). Ours runs
through ctypes with one sl_model_predict_many + sl_model_learn_many call per
chunk of 1000 rows for dense cases (the batch path bindings use; the rows
are learned one at a time inside), and per-row sparse calls for the sparse
case (what a binding pays per event). For the C library without Python in
the way, see bench/bench_linear.c. Same parameters both sides (River's
defaults: SGD(lr), intercept_lr 0.01), so predictions agree (see
tests/conformance/test_model_linear_river.py).
"""
import ctypes
import os
import random
import sys
import time

from river import linear_model, optim

QUICK = "--quick" in sys.argv
N = 20000 if QUICK else 200000

lib = ctypes.CDLL(os.environ["SL_LIBRARY"])
P = ctypes.POINTER
D_ = ctypes.c_double
lib.sl_model_new.argtypes = [P(ctypes.c_void_p), ctypes.c_int, ctypes.c_size_t, ctypes.c_void_p]
lib.sl_model_set_str.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
lib.sl_model_learn_many.argtypes = [ctypes.c_void_p, P(D_), ctypes.c_size_t, ctypes.c_size_t, P(D_), P(D_)]
lib.sl_model_predict_many.argtypes = [ctypes.c_void_p, P(D_), ctypes.c_size_t, ctypes.c_size_t, P(D_)]
lib.sl_model_learn_sparse.argtypes = [ctypes.c_void_p, P(ctypes.c_uint32), P(D_), ctypes.c_size_t, D_, D_]
lib.sl_model_predict_sparse.argtypes = [ctypes.c_void_p, P(ctypes.c_uint32), P(D_), ctypes.c_size_t, P(D_)]
lib.sl_model_free.argtypes = [ctypes.c_void_p]


def dense_stream(n, d, classify, seed=7):
    rng = random.Random(seed)
    w = [rng.gauss(0, 1) for _ in range(d)]
    rows = []
    for _ in range(n):
        x = [rng.gauss(0, 1) for _ in range(d)]
        z = sum(a * b for a, b in zip(w, x))
        rows.append((x, float(z > 0) if classify else z))
    return rows


def ours_dense(kind, d, rows, lr):
    m = ctypes.c_void_p()
    assert lib.sl_model_new(ctypes.byref(m), kind, d, None) == 0
    assert lib.sl_model_set_str(m, b"lr", str(lr).encode()) == 0
    chunk = 1000
    X = [(D_ * (chunk * d))(*[v for x, _ in rows[i:i + chunk] for v in x]) for i in range(0, len(rows), chunk)]
    Y = [(D_ * chunk)(*[y for _, y in rows[i:i + chunk]]) for i in range(0, len(rows), chunk)]
    out = (D_ * chunk)()
    t0 = time.perf_counter_ns()
    for xc, yc in zip(X, Y):
        lib.sl_model_predict_many(m, xc, chunk, d, out)
        lib.sl_model_learn_many(m, xc, chunk, d, yc, None)
    t1 = time.perf_counter_ns()
    lib.sl_model_free(m)
    return (t1 - t0) / len(rows)


def river_dense(model, d, rows):
    names = [f"x{i}" for i in range(d)]
    dicts = [(dict(zip(names, x)), y) for x, y in rows]
    t0 = time.perf_counter_ns()
    for x, y in dicts:
        model.predict_one(x)
        model.learn_one(x, y)
    t1 = time.perf_counter_ns()
    return (t1 - t0) / len(rows)


def sparse_stream(n, nnz=20, bits=20, seed=9):
    rng = random.Random(seed)
    w = {}
    rows = []
    for _ in range(n):
        idx = [rng.randrange(1 << bits) for _ in range(nnz)]
        z = sum(w.setdefault(i, rng.gauss(0, 1)) for i in idx)
        rows.append((idx, float(z > 0)))
    return rows


def ours_sparse(rows, bits=20):
    m = ctypes.c_void_p()
    assert lib.sl_model_new(ctypes.byref(m), 1, 1 << bits, None) == 0
    prepared = [((ctypes.c_uint32 * len(i))(*i), (D_ * len(i))(*([1.0] * len(i))), len(i), y) for i, y in rows]
    out = D_()
    t0 = time.perf_counter_ns()
    for idx, val, n, y in prepared:
        lib.sl_model_predict_sparse(m, idx, val, n, ctypes.byref(out))
        lib.sl_model_learn_sparse(m, idx, val, n, y, 1.0)
    t1 = time.perf_counter_ns()
    lib.sl_model_free(m)
    return (t1 - t0) / len(rows)


def river_sparse(rows):
    model = linear_model.LogisticRegression()
    dicts = [({i: 1.0 for i in idx}, y) for idx, y in rows]
    t0 = time.perf_counter_ns()
    for x, y in dicts:
        model.predict_one(x)
        model.learn_one(x, y)
    t1 = time.perf_counter_ns()
    return (t1 - t0) / len(rows)


def main():
    print(f"\n### linear models beside River: ns per predict + learn ({N} rows)\n")
    print("| case | ours ns/row | River ns/row | River / ours |")
    print("|---|---:|---:|---:|")
    for d, lr in [(8, 0.01), (32, 0.005), (128, 0.002)]:
        rows = dense_stream(N if d < 128 else N // 4, d, False)
        a = ours_dense(0, d, rows, lr)
        b = river_dense(linear_model.LinearRegression(optimizer=optim.SGD(lr)), d, rows)
        print(f"| linreg sgd dense d={d} | {a:.0f} | {b:.0f} | {b / a:.0f}x |")
    rows = dense_stream(N, 32, True)
    a = ours_dense(1, 32, rows, 0.01)
    b = river_dense(linear_model.LogisticRegression(), 32, rows)
    print(f"| logreg sgd dense d=32 | {a:.0f} | {b:.0f} | {b / a:.0f}x |")
    rows = sparse_stream(N // 4)
    a = ours_sparse(rows)
    b = river_sparse(rows)
    print(f"| logreg sgd sparse 20 of 2^20 (per-row ctypes calls) | {a:.0f} | {b:.0f} | {b / a:.0f}x |")


if __name__ == "__main__":
    main()
