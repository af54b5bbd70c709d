"""Windowed features side by side with River, same events, same run:
River's feature_extraction.Agg(how=utils.TimeRolling(stats.Mean / Var))
per key, against sl_window sliding windows (mean and variance per key),
and utils.Rolling(stats.Mean) against count windows.

    SL_LIBRARY=build/libstreamlearn.so python3 bench/compare/window_compare.py [--quick]

River does learn_one then transform_one per event, from Python. Ours is
timed two ways: one sl_window_push + sl_window_query per event through
ctypes (the same call pattern, so mostly ctypes cost), and
sl_window_push_many over the whole batch (what a binding's batch call
costs). Before printing, the script checks both sides computed the same
final feature for every key.
"""
import ctypes
import datetime as dt
import random

from common import QUICK, Table, best, ensure, load_library

ensure("river")
from river import feature_extraction as fx  # noqa: E402
from river import stats, utils  # noqa: E402

lib = load_library()
vp = ctypes.c_void_p
lib.sl_window_new.argtypes = [ctypes.POINTER(vp), ctypes.c_int, ctypes.c_uint, vp]
lib.sl_window_set_int.argtypes = [vp, ctypes.c_char_p, ctypes.c_int64]
lib.sl_window_push.argtypes = [vp, ctypes.c_uint64, ctypes.c_int64, ctypes.c_double]
lib.sl_window_push_many.argtypes = [vp, ctypes.POINTER(ctypes.c_uint64), ctypes.POINTER(ctypes.c_int64),
                                    ctypes.POINTER(ctypes.c_double), ctypes.c_size_t,
                                    ctypes.POINTER(ctypes.c_size_t), ctypes.POINTER(ctypes.c_size_t)]
lib.sl_window_query.argtypes = [vp, ctypes.c_uint64, ctypes.POINTER(ctypes.c_double), ctypes.c_size_t]
lib.sl_window_free.argtypes = [vp]
SLIDING, COUNT, MEAN, VAR = 2, 4, 4, 8

N = 20000 if QUICK else 200000
KEYS = 100
SIZE_MS = 5000


def events(seed):
    rng = random.Random(seed)
    t = 0
    out = []
    for _ in range(N):
        t += rng.randrange(10)
        out.append({"k": rng.randrange(KEYS), "t": t, "v": rng.gauss(0, 1)})
    return out


def ours(kind, evs, batch, **params):
    h = vp()
    assert lib.sl_window_new(ctypes.byref(h), kind, MEAN | VAR, None) == 0
    for name, value in params.items():
        assert lib.sl_window_set_int(h, name.encode(), value) == 0
    out = (ctypes.c_double * 2)()
    if batch:
        keys = (ctypes.c_uint64 * len(evs))(*[e["k"] for e in evs])
        ts = (ctypes.c_int64 * len(evs))(*[e["t"] for e in evs])
        vs = (ctypes.c_double * len(evs))(*[e["v"] for e in evs])

        def run():
            done = ctypes.c_size_t()
            assert lib.sl_window_push_many(h, keys, ts, vs, len(evs), ctypes.byref(done), None) == 0
    else:
        push, query = lib.sl_window_push, lib.sl_window_query

        def run():
            for e in evs:
                push(h, e["k"], e["t"], e["v"])
                query(h, e["k"], out, 2)
    seconds = 0.0
    for _ in range(1):  # one pass: a second pass would replay old timestamps
        seconds, _ = best(run, repeat=1)
    finals = {}
    for k in range(KEYS):
        if lib.sl_window_query(h, k, out, 2) == 0:
            finals[k] = (out[0], out[1])
    lib.sl_window_free(h)
    return seconds, finals


def river_agg(evs, how):
    mean = fx.Agg(on="v", by="k", how=how(stats.Mean))
    var = fx.Agg(on="v", by="k", how=how(stats.Var))
    t0 = dt.datetime(2024, 1, 1)

    def run():
        for e in evs:
            x = {"k": e["k"], "v": e["v"]}
            t = t0 + dt.timedelta(milliseconds=e["t"])
            if isinstance(mean.how, utils.TimeRolling):
                mean.learn_one(x, t=t)
                var.learn_one(x, t=t)
            else:
                mean.learn_one(x)
                var.learn_one(x)
            mean.transform_one(x)
            var.transform_one(x)
    seconds, _ = best(run, repeat=1)
    finals = {k[0]: (mean._groups[k].get(), var._groups[k].get()) for k in mean._groups}  # Agg keys are tuples
    return seconds, finals


def same(a, b):
    assert a.keys() == b.keys(), "different keys"
    for k in a:
        for x, y in zip(a[k], b[k]):
            assert abs(x - y) <= 1e-7 * (1 + abs(y)), (k, a[k], b[k])


def main():
    evs = events(1)
    table = Table("window", f"Windowed mean + variance per key, {N} events, {KEYS} keys (ns per event)")
    cases = [
        ("sliding 5 s (TimeRolling)", SLIDING, lambda c: utils.TimeRolling(c, period=dt.timedelta(milliseconds=SIZE_MS)),
         {"size": SIZE_MS, "max_events": 256}),
        ("count 100 (Rolling)", COUNT, lambda c: utils.Rolling(c, window_size=100), {"count": 100}),
    ]
    for name, kind, how, params in cases:
        r_sec, r_final = river_agg(evs, how)
        o_sec, o_final = ours(kind, evs, False, **params)
        b_sec, b_final = ours(kind, evs, True, **params)
        same(o_final, r_final)
        same(b_final, r_final)
        table.add(f"{name}: push + query per event via ctypes", r_sec * 1e9 / N, o_sec * 1e9 / N, "ns/event")
        table.add(f"{name}: push_many batch", r_sec * 1e9 / N, b_sec * 1e9 / N, "ns/event")
    table.print()


if __name__ == "__main__":
    main()
