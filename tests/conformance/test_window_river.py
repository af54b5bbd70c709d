"""sl_window against River on the same streams, in the same process:
sliding windows against utils.TimeRolling (one per key, as
feature_extraction.Agg keeps them), count windows against utils.Rolling,
stats.RollingMin / RollingMax and RollingQuantile, and the quantile sketch
against numpy within its stated relative error."""
import ctypes
import datetime as dt
import random

import numpy as np
import pytest
from river import stats, utils

from sl import check, declare, lib

c_void_pp = ctypes.POINTER(ctypes.c_void_p)
new = declare("sl_window_new", ctypes.c_int, c_void_pp, ctypes.c_int, ctypes.c_uint, ctypes.c_void_p)
set_int = declare("sl_window_set_int", ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int64)
set_double = declare("sl_window_set_double", ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_double)
push = declare("sl_window_push", ctypes.c_int, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_int64, ctypes.c_double)
query = declare("sl_window_query", ctypes.c_int, ctypes.c_void_p, ctypes.c_uint64,
                ctypes.POINTER(ctypes.c_double), ctypes.c_size_t)
n_values = declare("sl_window_n_values", ctypes.c_size_t, ctypes.c_void_p)
value_name = declare("sl_window_value_name", ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t,
                     ctypes.POINTER(ctypes.c_char_p))
free = declare("sl_window_free", None, ctypes.c_void_p)

SLIDING, COUNT = 2, 4
AGG = {"count": 1, "sum": 2, "mean": 4, "var": 8, "std": 16, "min": 32, "max": 64, "quantile": 1 << 11}


class Window:
    """A thin ctypes wrapper: values come back as a dict by value name."""

    def __init__(self, kind, aggs, **params):
        self.h = ctypes.c_void_p()
        check(new(ctypes.byref(self.h), kind, sum(AGG[a] for a in aggs), None), "new")
        for name, value in params.items():
            setter = set_double if isinstance(value, float) else set_int
            check(setter(self.h, name.encode(), value), name)
        self.n = n_values(self.h)
        self.names = []
        for i in range(self.n):
            s = ctypes.c_char_p()
            check(value_name(self.h, i, ctypes.byref(s)))
            self.names.append(s.value.decode())
        self.out = (ctypes.c_double * self.n)()

    def push(self, key, ts, value):
        check(push(self.h, key, ts, value), "push")

    def query(self, key):
        check(query(self.h, key, self.out, self.n), "query")
        return dict(zip(self.names, self.out))

    def __del__(self):
        free(self.h)


def stream(seed, n, keys, max_step):
    """(key, ts in ms, value), timestamps non-decreasing with ties."""
    rng = random.Random(seed)
    t = 0
    for _ in range(n):
        t += rng.randrange(max_step)
        yield rng.randrange(keys), t, rng.gauss(10, 3) * rng.choice([1, 1, 1, -2])


@pytest.mark.parametrize("size_ms", [50, 400])
def test_sliding_matches_time_rolling_per_key(size_ms):
    w = Window(SLIDING, ["count", "sum", "mean", "var", "std"], size=size_ms, max_events=100000)
    period = dt.timedelta(milliseconds=size_ms)
    t0 = dt.datetime(2024, 1, 1)
    river = {}
    for key, ts, x in stream(1, 4000, 7, 20):
        r = river.setdefault(key, {
            "mean": utils.TimeRolling(stats.Mean, period=period),
            "var": utils.TimeRolling(stats.Var, period=period),
            "sum": utils.TimeRolling(stats.Sum, period=period),
        })
        t = t0 + dt.timedelta(milliseconds=ts)
        for stat in r.values():
            stat.update(x, t=t)
        w.push(key, ts, x)
        got = w.query(key)
        assert got["count"] == len(r["mean"]._timestamps)
        assert got["mean"] == pytest.approx(r["mean"].get(), rel=1e-9, abs=1e-9)
        assert got["sum"] == pytest.approx(r["sum"].get(), rel=1e-9, abs=1e-9)
        assert got["var"] == pytest.approx(r["var"].get(), rel=1e-7, abs=1e-9)
        assert got["std"] == pytest.approx(r["var"].get() ** 0.5, rel=1e-7, abs=1e-9)


@pytest.mark.parametrize("n", [1, 5, 64])
def test_count_window_matches_rolling(n):
    w = Window(COUNT, ["mean", "var", "min", "max"], count=n)
    river = {}
    for key, ts, x in stream(2, 3000, 5, 5):
        r = river.setdefault(key, {
            "mean": utils.Rolling(stats.Mean, window_size=n),
            "var": utils.Rolling(stats.Var, window_size=n),
            "min": stats.RollingMin(window_size=n),
            "max": stats.RollingMax(window_size=n),
        })
        for stat in r.values():
            stat.update(x)
        w.push(key, ts, x)
        got = w.query(key)
        assert got["mean"] == pytest.approx(r["mean"].get(), rel=1e-9, abs=1e-9)
        assert got["var"] == pytest.approx(r["var"].get(), rel=1e-7, abs=1e-9)
        assert got["min"] == r["min"].get()
        assert got["max"] == r["max"].get()


def test_quantiles_within_the_stated_relative_error():
    acc = 0.01
    w = Window(COUNT, ["quantile"], count=500, quantile_accuracy=acc, quantile_min=1e-3, quantile_max=1e6,
               n_quantiles=4, quantile_1=0.1, quantile_2=0.5, quantile_3=0.9, quantile_4=0.99)
    levels = [0.1, 0.5, 0.9, 0.99]
    rng = np.random.default_rng(3)
    xs = np.concatenate([rng.lognormal(2, 1.5, 3000), -rng.lognormal(0, 1, 1000)])
    rng.shuffle(xs)
    window = []
    for i, x in enumerate(xs):
        w.push(0, i, float(x))
        window = (window + [x])[-500:]
        if i % 53:
            continue
        got = w.query(0)
        exact = np.quantile(window, levels, method="lower")
        for lv, e in zip(levels, exact):
            q = got[f"q{lv:g}"]
            assert abs(q - e) <= acc * abs(e) * (1 + 1e-9) + 1e-3, (i, lv, q, e)


def test_river_rolling_quantile_is_close_on_a_count_window():
    """RollingQuantile interpolates; our sketch returns the 'lower' rank's
    value within 1%: both agree within the data's local spacing plus 1%."""
    w = Window(COUNT, ["quantile"], count=200, quantile_min=1e-3, quantile_max=1e5, n_quantiles=1, quantile_1=0.5)
    r = stats.RollingQuantile(q=0.5, window_size=200)
    rng = random.Random(4)
    for i in range(2000):
        x = rng.uniform(1, 100)
        r.update(x)
        w.push(0, i, x)
        if i > 200 and i % 37 == 0:
            assert w.query(0)["q0.5"] == pytest.approx(r.get(), rel=0.05)
