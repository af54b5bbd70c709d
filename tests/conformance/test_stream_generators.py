"""Our generators against River's (river.datasets.synth), in the same process.

The RNGs differ (xoshiro256** against Python's Mersenne Twister), so rows are
not compared one to one. What must agree:
  - the concepts: River's rows fed to sl_stream_label() get River's labels
    (SEA, Agrawal, STAGGER, Sine, Friedman with its drifts);
  - the rates: class balance, label noise, feature means, the concept-drift
    sigmoid, within binomial / normal tolerances (5 sigma, fixed seeds).
Documented deviations (docs/streams.md) are asserted as such.
"""
import ctypes
import itertools
import math

import numpy as np
import pytest
from river.datasets import synth

from sl import check, declare, lib  # noqa: F401

c_double_p = ctypes.POINTER(ctypes.c_double)
vp = ctypes.c_void_p

sl_stream_new = declare("sl_stream_new", ctypes.c_int, ctypes.POINTER(vp), ctypes.c_int, vp)
sl_stream_kind_from_name = declare("sl_stream_kind_from_name", ctypes.c_int, ctypes.c_char_p,
                                   ctypes.POINTER(ctypes.c_int))
sl_stream_set_str = declare("sl_stream_set_str", ctypes.c_int, vp, ctypes.c_char_p, ctypes.c_char_p)
sl_stream_next = declare("sl_stream_next", ctypes.c_int, vp, c_double_p, ctypes.c_size_t, c_double_p,
                         ctypes.c_size_t)
sl_stream_label = declare("sl_stream_label", ctypes.c_int, vp, c_double_p, ctypes.c_size_t, c_double_p)
sl_stream_concept_drift = declare("sl_stream_concept_drift", ctypes.c_int, ctypes.POINTER(vp), vp, vp, vp)
sl_stream_free = declare("sl_stream_free", None, vp)


class Stream:
    """One sl_stream through ctypes: Stream("sea", variant=2)."""

    def __init__(self, kind, _nf, _handle=None, **params):
        self.h = None
        self.nf = _nf
        if _handle is not None:
            self.h = _handle
        else:
            k = ctypes.c_int()
            check(sl_stream_kind_from_name(kind.encode(), ctypes.byref(k)), kind)
            self.h = vp()
            check(sl_stream_new(ctypes.byref(self.h), k.value, None), "new")
        for name, value in params.items():
            check(sl_stream_set_str(self.h, name.encode(), str(value).encode()), name)

    def take(self, n):
        X = np.empty((n, self.nf))
        y = np.empty(n)
        check(sl_stream_next(self.h, X.ctypes.data_as(c_double_p), self.nf, y.ctypes.data_as(c_double_p), n), "next")
        return X, y

    def label(self, x):
        x = np.ascontiguousarray(x, dtype=float)
        out = ctypes.c_double()
        check(sl_stream_label(self.h, x.ctypes.data_as(c_double_p), self.nf, ctypes.byref(out)), "label")
        return out.value

    def free(self):
        if self.h:
            sl_stream_free(self.h)
            self.h = None

    def __del__(self):
        self.free()


def river_rows(gen, n, names=None):
    X, y = [], []
    for x, label in itertools.islice(gen, n):
        X.append([x[k] for k in (names or sorted(x))])
        y.append(float(label))
    return np.array(X, dtype=float), np.array(y)


def close_rates(p, q, n, m, sigmas=5.0):
    """Two binomial rates agree within `sigmas` standard errors."""
    pool = (p * n + q * m) / (n + m)
    se = math.sqrt(max(pool * (1 - pool), 1e-12) * (1 / n + 1 / m))
    return abs(p - q) <= sigmas * se


N = 20000

# ---- concepts: River's rows, our labels ---------------------------------------------


@pytest.mark.parametrize("variant", range(4))
def test_sea_concept_labels_rivers_rows(variant):
    X, y = river_rows(synth.SEA(variant=variant, seed=3), 3000, names=[0, 1, 2])
    ours = Stream("sea", 3, variant=variant)
    assert [ours.label(x) for x in X] == list(y)


def agrawal_moa_f4(x):
    """Function 4 as the paper and MOA define it (label 1 = group A)."""
    sal, age, loan = x[0], x[2], x[8]

    def inside(lo, v, hi):
        return lo <= v <= hi

    if age < 40:
        return inside(100000, loan, 300000) if inside(50000, sal, 100000) else inside(200000, loan, 400000)
    if age < 60:
        return inside(200000, loan, 400000) if inside(75000, sal, 125000) else inside(300000, loan, 500000)
    return inside(300000, loan, 500000) if inside(25000, sal, 75000) else inside(75000, loan, 300000)


AGRAWAL_NAMES = ["salary", "commission", "age", "elevel", "car", "zipcode", "hvalue", "hyears", "loan"]


@pytest.mark.parametrize("function", range(10))
def test_agrawal_concepts_label_rivers_rows(function):
    X, y = river_rows(synth.Agrawal(classification_function=function, seed=5), 3000, AGRAWAL_NAMES)
    ours = Stream("agrawal", 9, classification_function=function)
    labels = np.array([ours.label(x) for x in X])
    if function == 4:
        # deviation: River compares the salary with 200000..500000 in two
        # branches (never true); we follow the paper / MOA there
        assert list(labels) == [float(agrawal_moa_f4(x)) for x in X]
        assert (labels != y).any(), "River's slip shows on its own rows"
    else:
        assert list(labels) == list(y)


@pytest.mark.parametrize("function", range(3))
def test_stagger_concepts_label_rivers_rows(function):
    X, y = river_rows(synth.STAGGER(classification_function=function, seed=2), 2000, ["size", "color", "shape"])
    ours = Stream("stagger", 3, classification_function=function)
    assert [ours.label(x) for x in X] == list(y)


@pytest.mark.parametrize("function", range(4))
def test_sine_concepts_label_rivers_rows(function):
    X, y = river_rows(synth.Sine(classification_function=function, seed=2), 3000, [0, 1])
    ours = Stream("sine", 2, classification_function=function)
    assert [ours.label(x) for x in X] == list(y)


@pytest.mark.parametrize("drift_type", ["none", "lea", "gra", "gsg"])
def test_friedman_concepts_fit_rivers_rows(drift_type):
    """River's y minus our noise-free target is River's N(0, 1) noise, row by
    row through every drift (our stream advanced alongside, since the
    concept depends on the row index); gsg's mixing windows are skipped."""
    pos = (1000, 2000, 3000)
    n = 4000
    if drift_type == "none":
        gen = synth.Friedman(seed=4)
        ours = Stream("friedman", 10)
    else:
        gen = synth.FriedmanDrift(drift_type=drift_type, position=pos if drift_type == "lea" else pos[:2],
                                  transition_window=200, seed=4)
        ours = Stream("friedman", 10, drift_type=drift_type, position_1=pos[0], position_2=pos[1],
                      position_3=pos[2], transition_window=200)
    X, y = river_rows(gen, n, list(range(10)))
    resid = []
    for i in range(n):
        if not (drift_type == "gsg" and (pos[0] <= i < pos[0] + 200 or pos[1] <= i < pos[1] + 200)):
            resid.append(y[i] - ours.label(X[i]))
        ours.take(1)
    resid = np.array(resid)
    assert abs(resid.mean()) < 5 / math.sqrt(len(resid))
    assert abs(resid.var() - 1) < 5 * math.sqrt(2 / len(resid))


# ---- rates ------------------------------------------------------------------------------


@pytest.mark.parametrize("variant,noise", [(0, 0.0), (1, 0.1), (2, 0.0), (3, 0.25)])
def test_sea_class_rate_matches_river(variant, noise):
    _, ry = river_rows(synth.SEA(variant=variant, noise=noise, seed=1), N, [0, 1, 2])
    _, oy = Stream("sea", 3, variant=variant, noise=noise).take(N)
    assert close_rates(ry.mean(), oy.mean(), N, N), (ry.mean(), oy.mean())


@pytest.mark.parametrize("function,balance", [(f, False) for f in range(10) if f != 4] + [(2, True), (9, True)])
def test_agrawal_class_rate_and_feature_means_match_river(function, balance):
    n = 10000
    rX, ry = river_rows(synth.Agrawal(classification_function=function, balance_classes=balance, seed=1), n,
                        AGRAWAL_NAMES)
    oX, oy = Stream("agrawal", 9, classification_function=function, balance_classes=int(balance)).take(n)
    assert close_rates(ry.mean(), oy.mean(), n, n), (ry.mean(), oy.mean())
    if balance:
        assert list(oy[:20]) == list(ry[:20]) == [1.0, 0.0] * 10
    for j, name in enumerate(AGRAWAL_NAMES):
        se = math.sqrt(rX[:, j].var() / n + oX[:, j].var() / n)
        assert abs(rX[:, j].mean() - oX[:, j].mean()) <= 5 * se + 1e-9, name


@pytest.mark.parametrize("function", range(4))
def test_sine_balance_and_rate_match_river(function):
    _, ry = river_rows(synth.Sine(classification_function=function, seed=1), N, [0, 1])
    _, oy = Stream("sine", 2, classification_function=function).take(N)
    assert close_rates(ry.mean(), oy.mean(), N, N)
    _, by = river_rows(synth.Sine(classification_function=function, balance_classes=True, seed=1), 100, [0, 1])
    _, oby = Stream("sine", 2, classification_function=function, balance_classes=1).take(100)
    assert list(by) == list(oby)


def test_stagger_rates_match_river():
    for f in range(3):
        _, ry = river_rows(synth.STAGGER(classification_function=f, seed=1), N, ["size", "color", "shape"])
        _, oy = Stream("stagger", 3, classification_function=f).take(N)
        assert close_rates(ry.mean(), oy.mean(), N, N), f


def test_led_classes_uniform_and_segment_noise():
    noise = 0.2
    rX, ry = river_rows(synth.LED(noise_percentage=noise, irrelevant_features=True, seed=1), N, list(range(24)))
    oX, oy = Stream("led", 24, noise_percentage=noise, irrelevant_features=1).take(N)
    for c in range(10):
        assert close_rates((ry == c).mean(), (oy == c).mean(), N, N)
    digits = np.array(synth.LED._ORIGINAL_INSTANCES, dtype=float)
    ours = (oX[:, :7] != digits[oy.astype(int)]).mean()
    river = (rX[:, :7] != digits[ry.astype(int)]).mean()
    se = math.sqrt(noise * (1 - noise) / (7 * N))
    assert abs(ours - noise) < 5 * se, ours
    # deviation: River flips when 0.01 + U <= p, i.e. with probability p - 0.01
    assert abs(river - (noise - 0.01)) < 5 * se, river


def test_hyperplane_noise_is_p_where_rivers_is_p_minus_a_percent():
    noise = 0.1
    gen = synth.Hyperplane(seed=1, n_features=10, mag_change=0.0, noise_percentage=noise)
    it = iter(gen)
    rows = [next(it) for _ in range(N)]
    w = np.array(gen._weights)
    rX = np.array([[x[i] for i in range(10)] for x, _ in rows])
    ry = np.array([float(label) for _, label in rows])
    river_flips = ((rX @ w >= 0.5 * w.sum()).astype(float) != ry).mean()
    ours = Stream("hyperplane", 10, mag_change=0, noise_percentage=noise)
    oX, oy = ours.take(N)
    our_flips = np.mean([ours.label(x) != label for x, label in zip(oX, oy)])
    se = math.sqrt(noise * (1 - noise) / N)
    assert abs(our_flips - noise) < 5 * se, our_flips
    assert abs(river_flips - (noise - 0.01)) < 5 * se, river_flips
    # noise-free classes are balanced about the same in both
    assert abs(oy.mean() - 0.5) < 0.1 and abs(ry.mean() - 0.5) < 0.1


def test_random_rbf_classes_and_spread_like_river():
    n = 10000
    rX, ry = river_rows(synth.RandomRBF(seed_model=1, seed_sample=1, n_classes=3, n_features=5, n_centroids=50),
                        n, list(range(5)))
    oX, oy = Stream("random_rbf", 5, n_classes=3, n_features=5, n_centroids=50).take(n)
    assert set(np.unique(oy)) <= {0.0, 1.0, 2.0} and len(np.unique(oy)) == 3
    # centres uniform in the unit cube, spreads uniform: the overall mean is
    # near 0.5 and the spread similar (different centroids, loose tolerance)
    assert abs(oX.mean() - 0.5) < 0.1 and abs(rX.mean() - 0.5) < 0.1
    assert abs(oX.std() - rX.std()) < 0.1


def test_concept_drift_follows_the_same_sigmoid_as_river():
    """SEA threshold 7 drifting to 9.5: rows with 7 < x0 + x1 <= 9.5 tell
    the concept. Over windows, the share from the second stream follows
    1 / (1 + exp(-4 (t - p) / w)) in both."""
    p, w, n, win = 3000, 1000, 6000, 500

    def shares(X, y):
        s = X[:, 0] + X[:, 1]
        tell = (s > 7) & (s <= 9.5)
        out = []
        for a in range(0, n, win):
            m = tell[a:a + win]
            out.append(((y[a:a + win][m] == 0).mean(), m.sum()))
        return out

    rX, ry = [], []
    for seed in range(4):
        gen = synth.ConceptDriftStream(synth.SEA(variant=2, seed=seed), synth.SEA(variant=3, seed=seed + 100),
                                       position=p, width=w, seed=seed)
        X, y = river_rows(gen, n, [0, 1, 2])
        rX.append(X), ry.append(y)
    ours = []
    for seed in range(4):
        first = Stream("sea", 3, variant=2, seed=seed + 1)
        second = Stream("sea", 3, variant=3, seed=seed + 101)
        h = vp()
        check(sl_stream_concept_drift(ctypes.byref(h), first.h, second.h, None), "concept_drift")
        first.h = second.h = None  # owned by the blend now
        blend = Stream("concept_drift", 3, _handle=h, position=p, width=w, seed=seed + 1)
        ours.append(shares(*blend.take(n)))
    river = [shares(rX[i], ry[i]) for i in range(4)]
    for k in range(n // win):
        t = np.arange(k * win + 1, (k + 1) * win + 1)
        expect = (1 / (1 + np.exp(-4 * (t - p) / w))).mean()
        for runs in (ours, river):
            share = sum(r[k][0] * r[k][1] for r in runs) / sum(r[k][1] for r in runs)
            cnt = sum(r[k][1] for r in runs)
            assert abs(share - expect) < 5 * math.sqrt(max(expect * (1 - expect), 0.002) / cnt) + 0.01, (k, share)
