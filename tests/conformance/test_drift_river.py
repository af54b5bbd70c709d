"""Our drift detectors against River's, in the same process, on the same
seeded streams: identical drift indices, and identical warning indices where
River has warnings (a warning is counted where no drift fired). KSWIN draws
its subsamples from our own RNG, so it is checked against scipy's ks_2samp
on samples it cannot choose, and against River statistically."""
import numpy as np
import pytest
from river import drift
from scipy import stats

import drift_streams as S
from drift_sl import Detector


def river_run(det, xs):
    d, w = [], []
    for i, x in enumerate(xs):
        det.update(float(x))
        if det.drift_detected:
            d.append(i)
        elif getattr(det, "warning_detected", False):
            w.append(i)
    return d, w


REAL_CASES = [
    ("adwin", drift.ADWIN, {}),
    ("adwin", drift.ADWIN, {"clock": 1}),
    ("adwin", drift.ADWIN, {"clock": 4, "delta": 0.05, "min_window_length": 1, "grace_period": 0}),
    ("adwin", drift.ADWIN, {"max_buckets": 2}),
    ("page_hinkley", drift.PageHinkley, {}),
    ("page_hinkley", drift.PageHinkley, {"threshold": 20.0, "mode": "up"}),
]

BINARY_CASES = REAL_CASES[:2] + [
    ("ddm", drift.binary.DDM, {}),
    ("ddm", drift.binary.DDM, {"warm_start": 100, "warning_threshold": 1.5, "drift_threshold": 2.5}),
    ("eddm", drift.binary.EDDM, {}),
    ("eddm", drift.binary.EDDM, {"warm_start": 60, "alpha": 0.9, "beta": 0.8}),
    ("hddm_a", drift.binary.HDDMA, {}),
    ("hddm_a", drift.binary.HDDMA, {"two_sided_test": True}),
    ("hddm_w", drift.binary.HDDMW, {}),
    ("hddm_w", drift.binary.HDDMW, {"two_sided_test": True, "lambda_val": 0.1}),
]


@pytest.mark.parametrize("stream", sorted(S.REAL))
@pytest.mark.parametrize("kind,cls,params", REAL_CASES, ids=lambda v: str(v) if not isinstance(v, type) else "")
def test_real_streams_identical(stream, kind, cls, params):
    xs, _ = S.REAL[stream]()
    ours = Detector(kind, **params).run(xs)
    theirs = river_run(cls(**params), xs)
    assert ours[0] == theirs[0]
    assert ours[1] == theirs[1]


@pytest.mark.parametrize("stream", sorted(S.BINARY))
@pytest.mark.parametrize("kind,cls,params", BINARY_CASES, ids=lambda v: str(v) if not isinstance(v, type) else "")
def test_binary_streams_identical(stream, kind, cls, params):
    xs, _ = S.BINARY[stream]()
    ours = Detector(kind, **params).run(xs)
    theirs = river_run(cls(**params), xs)
    assert ours[0] == theirs[0]
    assert ours[1] == theirs[1]


@pytest.mark.parametrize("scale", [1e-150, 1e-9, 1e9, 1e150])
@pytest.mark.parametrize("clock", [1, 32])
def test_adwin_identical_at_extreme_scales(scale, clock):
    """ADWIN's quick pre-test of cut points must never change an answer,
    however large or small the values."""
    xs, _ = S.several()
    xs = xs * scale
    assert Detector("adwin", clock=clock).run(xs) == river_run(drift.ADWIN(clock=clock), xs)


@pytest.mark.parametrize("offset,sd", [(1e8, 1e-3), (-1e12, 1.0), (1e15, 10.0)])
def test_adwin_identical_on_a_large_offset(offset, sd):
    """Small changes on a large mean: the cancellation case of the pre-test."""
    r = np.random.default_rng(int(abs(offset)) % 1000)
    xs = offset + np.concatenate([r.normal(0, sd, 1500), r.normal(1.5 * sd, sd, 1500)])
    for clock in (1, 32):
        assert Detector("adwin", clock=clock).run(xs) == river_run(drift.ADWIN(clock=clock), xs)


def test_binary_streams_have_drifts_to_find():
    """The comparison means something: on a rising error rate River's
    detectors do fire, and ours with them."""
    xs, _ = S.binary()
    for kind, cls, params in BINARY_CASES:
        d, _ = Detector(kind, **params).run(xs)
        assert d, kind


def test_adwin_statistics_match_river():
    xs, _ = S.several()
    ours, theirs = Detector("adwin"), drift.ADWIN()
    for i in range(0, len(xs), 500):
        chunk = xs[i:i + 500]
        ours.run(chunk)
        for x in chunk:
            theirs.update(float(x))
        assert ours.stat("width") == theirs.width
        assert ours.stat("mean") == pytest.approx(theirs.estimation, rel=1e-12, abs=1e-12)
        # River's `variance` is the window's sum of squared deviations
        w = theirs.width
        assert ours.stat("variance") == pytest.approx(theirs.variance / w if w else 0.0, rel=1e-12, abs=1e-12)


# ---- KSWIN ---------------------------------------------------------------------------


def test_kswin_ks_test_is_scipys():
    """With window_size = 2 stat_size the subsample is the whole older half,
    whatever the RNG: every p-value and statistic must be scipy's."""
    rng = np.random.default_rng(11)
    xs = np.concatenate([rng.normal(0, 1, 300), rng.normal(0.8, 1, 300), rng.integers(0, 4, 200).astype(float)])
    stat_size = 25
    det = Detector("kswin", stat_size=stat_size, window_size=2 * stat_size, alpha=1e-300)
    checked = 0
    for i, x in enumerate(xs):
        det.run([x])
        if i + 1 < 2 * stat_size:
            continue
        window = xs[i + 1 - 2 * stat_size:i + 1]
        res = stats.ks_2samp(window[:stat_size], window[stat_size:], method="auto")
        assert det.stat("statistic") == pytest.approx(res.statistic, abs=1e-15), i
        assert det.stat("p_value") == pytest.approx(res.pvalue, rel=1e-12, abs=1e-300), i
        checked += 1
    assert checked > 700


def delays_and_false_alarms(make_detector, seeds, pre=1000, post=1000, shift=1.0):
    """Per seed: delay to the first drift after the change (None if missed),
    and drifts before it."""
    out = []
    for s in seeds:
        xs, [at] = S.abrupt(seed=100 + s, n=pre + post, at=pre, shift=shift)
        d = make_detector(s)(xs)
        after = [i - at for i in d if i >= at]
        out.append((after[0] if after else None, sum(1 for i in d if i < at)))
    return out


def test_kswin_behaves_as_rivers_statistically():
    seeds = range(30)

    def ours(s):
        return lambda xs: Detector("kswin", seed=s).run(xs)[0]

    def theirs(s):
        return lambda xs: river_run(drift.KSWIN(seed=s), xs)[0]

    a = delays_and_false_alarms(ours, seeds)
    b = delays_and_false_alarms(theirs, seeds)
    da = [d for d, _ in a if d is not None]
    db = [d for d, _ in b if d is not None]
    # a 1-sigma shift is found by both on nearly every stream, soon after the change
    assert len(da) >= 27 and len(db) >= 27
    assert abs(np.median(da) - np.median(db)) <= 10
    assert stats.mannwhitneyu(da, db).pvalue > 0.001
    # false alarms on the 1000 values before the change: same rate (Poisson)
    fa, fb = sum(f for _, f in a), sum(f for _, f in b)
    assert abs(fa - fb) <= 4 * np.sqrt(fa + fb + 1)
