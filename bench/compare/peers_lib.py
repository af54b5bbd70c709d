"""libstreamlearn through ctypes for the peer comparisons (vw_compare.py,
moa_compare.py): rows from the library's generators, and a model driven
the two ways a Python host can drive it:

- Model.prequential(X, y): sl_model_predict_learn, one C call per event
  (predict, then learn; the prediction made before the update), the
  Python loop and the ctypes crossing included in the time;
- Model.chunks(X, y): sl_model_predict_many then sl_model_learn_many on
  each chunk of rows, two C calls per chunk (the same work per event, what
  the C loop costs without Python; the predictions of a chunk are made
  before it is learned, so they are not the prequential ones).

Addresses go to C as plain integers (c_void_p), which is the cheapest way
ctypes has to pass a row.
"""
import ctypes
import json
import os
import subprocess
import sys
import tempfile
import time

from common import load_library

import numpy as np

VP = ctypes.c_void_p
D = ctypes.c_double
SZ = ctypes.c_size_t


class StreamInfo(ctypes.Structure):
    _fields_ = [("n_features", SZ), ("n_classes", SZ), ("n_nominal", SZ), ("rows", ctypes.c_uint64)]


def declare(lib):
    """Argument and result types of every function used here."""
    lib.sl_stream_kind_from_name.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
    lib.sl_stream_new.argtypes = [ctypes.POINTER(VP), ctypes.c_int, VP]
    lib.sl_stream_set_str.argtypes = [VP, ctypes.c_char_p, ctypes.c_char_p]
    lib.sl_stream_describe.argtypes = [VP, ctypes.POINTER(StreamInfo)]
    lib.sl_stream_next.argtypes = [VP, VP, SZ, VP, SZ]
    lib.sl_stream_free.argtypes = [VP]
    lib.sl_stream_free.restype = None
    lib.sl_model_kind_from_name.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
    lib.sl_model_new.argtypes = [ctypes.POINTER(VP), ctypes.c_int, SZ, VP]
    lib.sl_model_set_str.argtypes = [VP, ctypes.c_char_p, ctypes.c_char_p]
    lib.sl_model_predict_learn.argtypes = [VP, VP, SZ, D, D, VP]
    lib.sl_model_predict_proba_learn.argtypes = [VP, VP, SZ, D, D, VP, SZ]
    lib.sl_model_learn_many.argtypes = [VP, VP, SZ, SZ, VP, VP]
    lib.sl_model_predict_many.argtypes = [VP, VP, SZ, SZ, VP]
    lib.sl_model_free.argtypes = [VP]
    lib.sl_model_free.restype = None
    return lib


LIB = declare(load_library())


def kind(from_name, name):
    k = ctypes.c_int()
    if from_name(name.encode(), ctypes.byref(k)) != 0:
        sys.exit(f"the library has no kind {name!r} (built without its module?)")
    return k.value


def stream_rows(name, n, **params):
    """n rows of generator `name` with `params`: (X float64 n x d, y float64)."""
    h = VP()
    assert LIB.sl_stream_new(ctypes.byref(h), kind(LIB.sl_stream_kind_from_name, name), None) == 0
    for k, v in params.items():
        assert LIB.sl_stream_set_str(h, k.encode(), str(v).encode()) == 0, f"{name}: {k}={v}"
    info = StreamInfo()
    assert LIB.sl_stream_describe(h, ctypes.byref(info)) == 0
    X = np.empty((n, info.n_features))
    y = np.empty(n)
    assert LIB.sl_stream_next(h, X.ctypes.data, info.n_features, y.ctypes.data, n) == 0
    LIB.sl_stream_free(h)
    return X, y


def with_constant(X):
    """X with a last column of ones: VW's constant feature, learned by the
    same rule as the other weights (ours then runs with intercept_lr=0)."""
    return np.hstack([X, np.ones((len(X), 1))])


class Model:
    """One sl_model of kind `name` over `d` features with `params` (set by
    name, as text); a fresh model for every run, freed after it."""

    def __init__(self, name, d, **params):
        self.kind, self.d, self.params = kind(LIB.sl_model_kind_from_name, name), d, params

    def _new(self):
        m = VP()
        assert LIB.sl_model_new(ctypes.byref(m), self.kind, self.d, None) == 0
        for k, v in self.params.items():
            assert LIB.sl_model_set_str(m, k.encode(), str(v).encode()) == 0, f"{k}={v}"
        return m

    def prequential(self, X, y):
        """Test-then-train, one sl_model_predict_learn per event: (seconds,
        predictions: values or class indices)."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        assert X.shape[1] == self.d
        m, out, pred = self._new(), D(), np.empty(len(y))
        step, base, stride, n, po = LIB.sl_model_predict_learn, X.ctypes.data, 8 * self.d, self.d, ctypes.addressof(out)
        ys = [float(v) for v in y]
        t0 = time.perf_counter()
        for i, t in enumerate(ys):
            step(m, base + i * stride, n, t, 1.0, po)
            pred[i] = out.value
        dt = time.perf_counter() - t0
        LIB.sl_model_free(m)
        return dt, pred

    def scores(self, X, y):
        """Test-then-train like prequential(), returning the binary
        classifier's log-odds log(p1 / p0) before each update (untimed:
        for checking against another learner's raw scores)."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        m, proba, s = self._new(), (D * 2)(), np.empty(len(y))
        for i in range(len(y)):
            assert LIB.sl_model_predict_proba_learn(m, X.ctypes.data + i * 8 * self.d, self.d, float(y[i]), 1.0,
                                                    ctypes.addressof(proba), 2) == 0
            s[i] = np.log(proba[1] / proba[0])
        LIB.sl_model_free(m)
        return s

    def chunks(self, X, y, chunk=1000):
        """sl_model_predict_many then sl_model_learn_many per chunk of
        `chunk` rows: seconds."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        y = np.ascontiguousarray(y, dtype=np.float64)
        m, out = self._new(), np.empty(chunk)
        t0 = time.perf_counter()
        for a in range(0, len(y), chunk):
            b = min(a + chunk, len(y))
            rows = X.ctypes.data + a * 8 * self.d
            assert LIB.sl_model_predict_many(m, rows, b - a, self.d, out.ctypes.data) == 0
            assert LIB.sl_model_learn_many(m, rows, b - a, self.d, y.ctypes.data + a * 8, None) == 0
        dt = time.perf_counter() - t0
        LIB.sl_model_free(m)
        return dt


def c_bench_rows(program, cases):
    """Runs $BUILD/bench/<program> --quick beside the library (pure C, no
    Python) and returns {case: events/s from the p50 ns} for the rows whose
    (case, note) is in `cases`; {} when the program is not built."""
    path = os.path.join(os.path.dirname(os.path.abspath(LIB._name)), "bench", program)
    if not os.access(path, os.X_OK):
        print(f"(no {path}: `make bench-build` for the pure C figures)")
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        rows = os.path.join(tmp, "rows.jsonl")
        subprocess.run([path, "--quick"], env=dict(os.environ, SL_BENCH_JSON=rows), check=True,
                       stdout=subprocess.DEVNULL)
        with open(rows) as f:
            found = [json.loads(line) for line in f if line.strip()]
    return {(r["case"], r["note"]): 1e9 / r["ns_p50"] for r in found if (r["case"], r["note"]) in cases}
