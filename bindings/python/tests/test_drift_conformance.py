"""Every bound detector against River on the same data: the same drift and
warning indices, through update() one value at a time and through
update_many() in one call. KSWIN draws its subsamples with the library's
RNG, not Python's, so it is compared on where it finds the change, not
index by index."""
import numpy as np
import pytest
from conftest import binary_streams, require, streams
from river import drift as rdrift
from river.drift import binary as rbinary

from streamlearn import drift

REAL = [
    (drift.ADWIN, rdrift.ADWIN, {}),
    (drift.ADWIN, rdrift.ADWIN, {"delta": 0.05, "clock": 8, "grace_period": 50}),
    (drift.PageHinkley, rdrift.PageHinkley, {}),
    (drift.PageHinkley, rdrift.PageHinkley, {"threshold": 20.0, "delta": 0.01, "mode": "up"}),
    (drift.PageHinkley, rdrift.PageHinkley, {"min_instances": 100, "alpha": 0.999, "mode": "down"}),
]
BINARY = [
    (drift.DDM, rbinary.DDM, {}),
    (drift.DDM, rbinary.DDM, {"warm_start": 100, "warning_threshold": 1.5, "drift_threshold": 2.5}),
    (drift.EDDM, rbinary.EDDM, {}),
    (drift.EDDM, rbinary.EDDM, {"alpha": 0.9, "beta": 0.8}),
    (drift.HDDMA, rbinary.HDDMA, {}),
    (drift.HDDMA, rbinary.HDDMA, {"two_sided_test": True, "drift_confidence": 0.01}),
    (drift.HDDMW, rbinary.HDDMW, {}),
    (drift.HDDMW, rbinary.HDDMW, {"lambda_val": 0.1, "two_sided_test": True}),
]


def river_run(det, xs):
    drifts, warns = [], []
    for i, x in enumerate(xs):
        det.update(x)
        if det.drift_detected:
            drifts.append(i)
        elif getattr(det, "warning_detected", False):
            warns.append(i)
    return drifts, warns


def ours_one_by_one(det, xs):
    drifts, warns = [], []
    for i, x in enumerate(xs):
        if det.update(x).drift_detected:
            drifts.append(i)
        elif det.warning_detected:
            warns.append(i)
    return drifts, warns


def _cases(table, data):
    return [pytest.param(ours, theirs, params, name, id=f"{ours.__name__}-{i}-{name}")
            for i, (ours, theirs, params) in enumerate(table) for name in data]


@pytest.mark.parametrize("ours,theirs,params,name", _cases(REAL, streams()) + _cases(BINARY, binary_streams()))
def test_same_indices_as_river(ours, theirs, params, name):
    require(ours)
    xs = {**streams(), **binary_streams()}[name]
    feed = xs if ours in (drift.ADWIN, drift.PageHinkley) else xs.astype(int).tolist()
    expect = river_run(theirs(**params), feed)
    assert ours_one_by_one(ours(**params), feed) == expect
    d, w = ours(**params).update_many(xs, return_warnings=True)
    assert (d.tolist(), w.tolist()) == expect
    if not expect[0]:
        pytest.fail("the stream should make River detect a drift: the test would prove nothing")


def test_kswin_finds_the_change_near_river():
    require(drift.KSWIN)
    xs = streams()["abrupt"]
    theirs, _ = river_run(rdrift.KSWIN(seed=3), xs)
    ours = drift.KSWIN(seed=3).update_many(xs)
    first_ours = ours[ours >= 2000][0]
    first_theirs = [i for i in theirs if i >= 2000][0]
    assert 2000 <= first_ours < 2100 and 2000 <= first_theirs < 2100


def test_default_parameters_are_rivers():
    pairs = [(o, t) for o, t, _ in REAL + BINARY] + [(drift.KSWIN, rdrift.KSWIN)]
    for ours, theirs in pairs:
        if ours._kind_id is None:
            continue
        river_params = theirs()._get_params()
        for p in ours.parameters():
            if river_params.get(p.name) is not None:
                assert p.default == pytest.approx(river_params[p.name]), (ours.__name__, p.name)


def test_update_many_equals_update_and_leaves_state():
    xs = streams()["several"]
    a, b = drift.PageHinkley(threshold=25), drift.PageHinkley(threshold=25)
    got = a.update_many(xs)
    assert got.dtype == np.int64 and got.tolist() == ours_one_by_one(b, xs)[0]
    assert a.stats() == b.stats()
    assert a.drift_detected == b.drift_detected


def test_update_many_accepts_lists_and_non_contiguous():
    xs = streams()["abrupt"]
    strided = np.repeat(xs, 2)[::2]
    assert not strided.flags["C_CONTIGUOUS"] or strided.base is not None
    expect = drift.PageHinkley().update_many(xs).tolist()
    assert drift.PageHinkley().update_many(strided).tolist() == expect
    assert drift.PageHinkley().update_many(xs.tolist()).tolist() == expect
    assert drift.PageHinkley().update_many(np.array([])).tolist() == []


def test_reset_forgets():
    ph = drift.PageHinkley()
    ph.update_many(streams()["abrupt"])
    ph.reset()
    assert ph.stat("n") == 0 and not ph.drift_detected
    assert ph.update_many(streams()["abrupt"]).tolist() == drift.PageHinkley().update_many(streams()["abrupt"]).tolist()
