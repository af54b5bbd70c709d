"""streamlearn.window against River and against brute force on the same
events: sliding windows vs utils.TimeRolling per key, count windows vs
utils.Rolling / RollingMin / RollingMax, tumbling / hopping / session
windows vs windows recomputed from the event list; plus callbacks, late
events, keys, pickling and errors."""
import copy
import datetime as dt
import pickle
import random

import numpy as np
import pytest
from conftest import require

from streamlearn import errors, window

river = pytest.importorskip("river")
from river import stats, utils  # noqa: E402


def events(seed, n, keys, max_step, negative=True):
    """(key, ts, value) with non-decreasing timestamps (ties included)."""
    rng = random.Random(seed)
    t = 0
    for _ in range(n):
        t += rng.randrange(max_step)
        yield rng.randrange(keys), t, rng.gauss(10, 3) * (rng.choice([1, 1, 1, -2]) if negative else 1)


@pytest.mark.parametrize("size", [50, 400])
def test_sliding_matches_river_time_rolling_per_key(size):
    require(window.Sliding)
    w = window.Sliding(["count", "sum", "mean", "var", "std"], size=size, max_events=100_000)
    period, t0 = dt.timedelta(milliseconds=size), dt.datetime(2024, 1, 1)
    ref = {}
    for key, ts, x in events(1, 3000, 7, 20):
        r = ref.setdefault(key, {n: utils.TimeRolling(c, period=period)
                                 for n, c in (("mean", stats.Mean), ("var", stats.Var), ("sum", stats.Sum))})
        for s in r.values():
            s.update(x, t=t0 + dt.timedelta(milliseconds=ts))
        assert w.push(key, ts, x)
        got = w.query(key)
        assert got["count"] == len(r["mean"]._timestamps)
        assert got["mean"] == pytest.approx(r["mean"].get(), rel=1e-9, abs=1e-9)
        assert got["sum"] == pytest.approx(r["sum"].get(), rel=1e-9, abs=1e-9)
        assert got["var"] == pytest.approx(r["var"].get(), rel=1e-7, abs=1e-9)
        assert got["std"] == pytest.approx(r["var"].get() ** 0.5, rel=1e-7, abs=1e-9)


@pytest.mark.parametrize("n", [1, 5, 64])
def test_count_matches_river_rolling_with_str_keys(n):
    require(window.Count)
    w = window.Count(["mean", "var", "min", "max"], count=n)
    ref = {}
    for key, ts, x in events(2, 2000, 5, 5):
        name = f"sensor-{key}"
        r = ref.setdefault(name, (utils.Rolling(stats.Mean, window_size=n), utils.Rolling(stats.Var, window_size=n),
                                  stats.RollingMin(window_size=n), stats.RollingMax(window_size=n)))
        for s in r:
            s.update(x)
        w.push(name, ts, x)
        got = w.query(name)
        assert got["mean"] == pytest.approx(r[0].get(), rel=1e-9, abs=1e-9)
        assert got["var"] == pytest.approx(r[1].get(), rel=1e-7, abs=1e-9)
        assert (got["min"], got["max"]) == (r[2].get(), r[3].get())


def brute_force(evs, spans_of):
    """{(key, start, end): [values]} of every window the spans_of(ts) function assigns."""
    out = {}
    for key, ts, x in evs:
        for span in spans_of(ts):
            out.setdefault((key,) + span, []).append(x)
    return out


def summary(values):
    return {"count": len(values), "sum": sum(values), "min": min(values), "max": max(values),
            "first": values[0], "last": values[-1]}


def check_emitted(rows, want):
    got = {(r["key"], r["start"], r["end"]): r for r in rows}
    assert set(got) == set(want)
    for k, values in want.items():
        s = summary(values)
        for name, v in s.items():
            assert got[k][name] == pytest.approx(v, rel=1e-12, abs=1e-9), (k, name)
    ends = [r["end"] for r in rows]
    assert ends == sorted(ends)  # emitted in order of end


AGGS = ["count", "sum", "min", "max", "first", "last"]


def test_tumbling_matches_brute_force_through_poll():
    require(window.Tumbling)
    evs = list(events(3, 3000, 4, 30))
    w = window.Tumbling(AGGS, size=100)
    rows = []
    for key, ts, x in evs:
        w.push(key, ts, x)
        rows += w.poll(as_dicts=True)
    w.flush()
    rows += w.poll(as_dicts=True)
    check_emitted(rows, brute_force(evs, lambda t: [(t // 100 * 100, t // 100 * 100 + 100)]))


def test_hopping_matches_brute_force_through_callback():
    require(window.Hopping)
    evs = list(events(4, 2000, 3, 30))
    rows = []
    w = window.Hopping(AGGS, size=90, slide=30,
                       on_window=lambda key, start, end, values: rows.append({"key": key, "start": start,
                                                                              "end": end, **values}))
    w.push_many([k for k, _, _ in evs], [t for _, t, _ in evs], [x for _, _, x in evs])
    w.flush()

    def spans(t):  # every [k*30, k*30 + 90) holding t
        return [(s, s + 90) for s in range(((t - 90) // 30 + 1) * 30, t + 1, 30)]

    check_emitted(rows, brute_force(evs, spans))


def test_session_matches_brute_force():
    require(window.Session)
    evs = list(events(5, 1500, 3, 60))
    w = window.Session(AGGS, gap=50)
    w.push_many(np.array([k for k, _, _ in evs]), np.array([t for _, t, _ in evs]), np.array([x for _, _, x in evs]))
    w.flush()
    want, last = {}, {}
    for key, ts, x in evs:  # in-order events: a session continues while gaps stay below `gap`
        s = last.get(key)
        if s is None or ts >= s[1] + 50:
            s = last[key] = [ts, ts, []]
        s[1] = ts
        s[2].append(x)
        want[key, s[0]] = s
    check_emitted(list(w.poll(as_dicts=True)), {(k, s[0], s[1] + 50): s[2] for (k, _), s in want.items()})


def test_push_many_equals_a_push_loop_and_counts_late():
    require(window.Tumbling)
    rng = np.random.default_rng(6)
    keys = rng.integers(0, 50, 5000)
    ts = np.cumsum(rng.integers(0, 5, 5000)) + rng.integers(-40, 1, 5000)  # some late
    values = rng.normal(size=5000)
    a = window.Tumbling(["count", "mean", "max"], size=100, allowed_lateness=20, queue_cap=100_000)
    b = window.Tumbling(["count", "mean", "max"], size=100, allowed_lateness=20, queue_cap=100_000)
    late = a.push_many(keys, ts, values)
    late_loop = sum(not b.push(int(k), int(t), float(v)) for k, t, v in zip(keys, ts, values))
    assert late == late_loop == a.stat("late") > 0
    assert a.to_bytes() == b.to_bytes()
    pa, pb = a.poll(), b.poll()
    assert pa.dtype.names == ("key", "start", "end", "count", "mean", "max")
    assert len(pa) > 0 and (pa == pb).all()


def test_callbacks_see_late_events_evictions_and_watermark():
    require(window.Sliding)
    late, evicted = [], []
    w = window.Sliding(["count"], size=10, allowed_lateness=5, ttl=100,
                       on_late=lambda *a: late.append(a), on_evict=lambda *a: evicted.append(a))
    assert w.watermark is None
    assert w.push("a", 1000, 1.0) and w.watermark == 995
    assert not w.push("a", 990, 2.0)
    assert late == [("a", 990, 2.0, 995)]
    w.push(b"b", 1200, 1.0)  # "a" idle for ttl: expired
    assert evicted == [("a", 1000, "expired")]


def test_an_exception_in_on_window_reaches_the_caller_and_delivery_resumes():
    require(window.Tumbling)
    seen = []

    def on_window(key, start, end, values):
        if len(seen) == 1:
            seen.append("raised")
            raise KeyError("boom")
        seen.append((key, start))

    w = window.Tumbling(["count"], size=10, on_window=on_window)
    for k in range(3):
        w.push(k, 5, 1.0)
    with pytest.raises(KeyError, match="boom"):
        w.push(0, 25, 1.0)  # closes three windows; the second raises
    assert w.stat("events") == 4  # the event went in
    w.flush()
    assert seen == [(0, 0), "raised", (2, 0), (0, 20)]


def test_exceptions_from_late_and_evict_callbacks_are_raised_after_the_call():
    require(window.Count)

    def bad(*_):
        raise RuntimeError("late!")

    w = window.Count(["count"], count=3, on_late=bad)
    w.push(1, 100, 1.0)
    with pytest.raises(RuntimeError, match="late!"):
        w.push(1, 50, 1.0)
    assert w.stat("late") == 1 and w.push(1, 101, 1.0)


def test_a_callback_cannot_call_into_its_own_window():
    require(window.Tumbling)
    caught = []

    def on_window(key, start, end, values):
        try:
            w.push(key, end, 1.0)
        except errors.StateError as e:
            caught.append(str(e))

    w = window.Tumbling(["count"], size=10, on_window=on_window)
    w.push(1, 0, 1.0)
    w.push(1, 10, 1.0)
    assert caught and "own window" in caught[0]
    assert w.push(1, 11, 1.0)  # usable again after the callback


def test_pickle_and_checkpoint_resume_identically():
    require(window.Sliding)
    evs = list(events(7, 2000, 9, 10))
    w = window.Sliding(["mean", "min", "max", "quantile"], size=300, quantile_max=1e3)
    for key, ts, x in evs[:1000]:
        w.push(f"k{key}", ts, x)
    clones = [pickle.loads(pickle.dumps(w)), copy.deepcopy(w), window.Window.from_bytes(w.to_bytes())]
    assert type(clones[2]) is window.Sliding
    for key, ts, x in evs[1000:]:
        want = (w.push(f"k{key}", ts, x), w.query(f"k{key}"))
        for c in clones[:2]:
            assert (c.push(f"k{key}", ts, x), c.query(f"k{key}")) == want
        assert clones[2].push(f"k{key}".encode(), ts, x)
    assert clones[0].to_bytes() == w.to_bytes() == clones[2].to_bytes()


def test_a_loaded_window_gives_byte_keys_back():
    require(window.Tumbling)
    w = window.Tumbling(["count"], size=10)
    w.push(b"\x00raw", 1, 1.0)
    w.push(5, 2, 1.0)
    loaded = window.Window.from_bytes(w.to_bytes())
    loaded.flush()
    assert sorted(map(repr, loaded.poll()["key"])) == ["5", "b'\\x00raw'"]


def test_parameters_and_aggregates_are_checked():
    require(window.Count)
    with pytest.raises(errors.UnknownParameterError):
        window.Count(["mean"], window_size=3)
    with pytest.raises(errors.ParameterRangeError):
        window.Count(["mean"], count=0)
    with pytest.raises(errors.InvalidArgumentError, match="unknown aggregate"):
        window.Count(["median"])
    w = window.Count(["mean"], count=4).set_params(aggregates=["count", "quantile"], n_quantiles=2)
    assert w.get_params()["aggregates"] == ["count", "quantile"]
    assert w.value_names == ["count", "q0.5", "q0.9"]
    w.push(3, 0, 2.0)
    assert w.query(3) == {"count": 1.0, "q0.5": pytest.approx(2.0, rel=0.01), "q0.9": pytest.approx(2.0, rel=0.01)}
    with pytest.raises(errors.StateError):
        w.set_params(count=9)  # sizes structures: fixed once data came
    with pytest.raises(errors.NotFoundError):
        w.query(4)
    with pytest.raises(errors.NonFiniteError):
        w.push(3, 1, float("nan"))
    with pytest.raises(errors.InvalidArgumentError):
        w.push(-1, 1, 1.0)
    with pytest.raises(errors.KindError):
        window.Tumbling(["count"]).query(1)


def test_a_full_queue_refuses_until_polled():
    require(window.Tumbling)
    w = window.Tumbling(["count"], size=1, queue_cap=2)
    for t in range(4):  # the third closed window waits in the key's state
        w.push(0, t, 1.0)
    with pytest.raises(errors.CapacityError):
        w.push(0, 4, 1.0)
    assert len(w.poll(max_windows=1)) == 1
    assert list(w.poll()["start"]) == [1, 2]  # poll closes the window that waited for room
    assert w.push(0, 4, 1.0)
