"""Hoeffding tree (VFDT) against River's HoeffdingTreeClassifier, same
streams, same parameters: the same splits (feature, threshold, at the same
example) and the same predictions, example by example (progressive
validation: predict, then learn). The adaptive tree is compared by accuracy
(its bootstrap draws come from our RNG, not Python's)."""
import ctypes
import itertools
import math

import numpy as np
import pytest
from river import datasets, tree
from river.datasets import synth

from sl import check, declare, lib

c_size_p = ctypes.POINTER(ctypes.c_size_t)
c_double_p = ctypes.POINTER(ctypes.c_double)
vp = ctypes.c_void_p

new = declare("sl_model_new", ctypes.c_int, ctypes.POINTER(vp), ctypes.c_int, ctypes.c_size_t, vp)
free = declare("sl_model_free", None, vp)
set_str = declare("sl_model_set_str", ctypes.c_int, vp, ctypes.c_char_p, ctypes.c_char_p)
set_nominal = declare("sl_model_set_nominal", ctypes.c_int, vp, c_size_p, ctypes.c_size_t)
learn = declare("sl_model_learn", ctypes.c_int, vp, c_double_p, ctypes.c_size_t, ctypes.c_double, ctypes.c_double)
proba = declare("sl_model_predict_proba", ctypes.c_int, vp, c_double_p, ctypes.c_size_t, c_double_p, ctypes.c_size_t)
predict = declare("sl_model_predict", ctypes.c_int, vp, c_double_p, ctypes.c_size_t, c_double_p)
node = declare("sl_model_tree_node", ctypes.c_int, vp, ctypes.c_size_t, ctypes.POINTER(ctypes.c_int), c_size_p,
               c_size_p, c_double_p)
stat = declare("sl_model_stat", ctypes.c_int, vp, ctypes.c_char_p, c_double_p)
last_error = declare("sl_model_last_error", ctypes.c_char_p, vp)

HOEFFDING_TREE, HOEFFDING_ADAPTIVE_TREE = 8, 9


class Tree:
    """Our tree through ctypes."""

    def __init__(self, n_features, kind=HOEFFDING_TREE, nominal=(), **params):
        self.h = vp()
        self.n = n_features
        check(new(ctypes.byref(self.h), kind, n_features, None), "new")
        for k, v in params.items():
            check(set_str(self.h, k.encode(), str(v).lower().encode() if isinstance(v, bool) else str(v).encode()), k)
        if nominal:
            idx = (ctypes.c_size_t * len(nominal))(*nominal)
            check(set_nominal(self.h, idx, len(nominal)), "set_nominal")
        self.row = (ctypes.c_double * n_features)()
        self.p = (ctypes.c_double * 8)()

    def __del__(self):
        free(self.h)

    def learn(self, x, y, w=1.0):
        self.row[:] = x
        st = learn(self.h, self.row, self.n, float(y), w)
        if st:
            raise AssertionError(last_error(self.h).decode())

    def proba(self, x):
        self.row[:] = x
        check(proba(self.h, self.row, self.n, self.p, 8), "proba")
        return list(self.p)

    def predict(self, x):
        self.row[:] = x
        y = ctypes.c_double()
        check(predict(self.h, self.row, self.n, ctypes.byref(y)), "predict")
        return int(y.value)

    def stat(self, name):
        v = ctypes.c_double()
        check(stat(self.h, name.encode(), ctypes.byref(v)), name)
        return v.value

    def structure(self):
        """Preorder (kind, depth, feature, value) of every node; leaves carry their weight."""
        out = []
        kind, depth, feat, val = ctypes.c_int(), ctypes.c_size_t(), ctypes.c_size_t(), ctypes.c_double()
        for i in itertools.count():
            if node(self.h, i, ctypes.byref(kind), ctypes.byref(depth), ctypes.byref(feat), ctypes.byref(val)):
                return out
            out.append((kind.value, depth.value, feat.value if kind.value else None, val.value))


def river_structure(model, names):
    """The same preorder listing of a River tree."""
    from river.tree.nodes.branch import (DTBranch, NominalBinaryBranch, NominalMultiwayBranch,
                                         NumericBinaryBranch)
    out = []

    def walk(n):
        if isinstance(n, DTBranch):
            f = names.index(n.feature)
            if isinstance(n, NumericBinaryBranch):
                out.append((1, n.depth, f, n.threshold))
            elif isinstance(n, NominalBinaryBranch):
                out.append((2, n.depth, f, float(n.value)))
            elif isinstance(n, NominalMultiwayBranch):
                out.append((3, n.depth, f, float(len(n.children))))
            for c in n.children:
                walk(c)
        else:
            out.append((0, n.depth, None, float(n.total_weight)))

    if model._root is not None:
        walk(model._root)
    return out


# ---- streams -------------------------------------------------------------------------

def to_arrays(stream, n, names=None):
    X, y = [], []
    for x, t in itertools.islice(stream, n):
        names = names or list(x.keys())
        X.append([float(x[k]) for k in names])
        y.append(int(t))
    return np.array(X), np.array(y), names


def sea(n, seed=42):
    return to_arrays(synth.SEA(variant=0, seed=seed), n)


def agrawal(n, seed=42, fn=0):
    return to_arrays(synth.Agrawal(classification_function=fn, seed=seed), n)


def rbf(n, seed=42, classes=3):
    return to_arrays(synth.RandomRBF(seed_model=seed, seed_sample=seed, n_classes=classes, n_features=6), n)


AGRAWAL_NOMINAL = ["elevel", "car", "zipcode"]


# ---- the comparison ------------------------------------------------------------------------

def run_both(X, y, names, river_params, our_params, nominal=()):
    """Progressive validation on both; returns the first disagreement or None, and
    the examples after which the structure changed in each."""
    names_x = [f"x{i}" for i in range(len(names))]  # truthy names, as River tests poor attributes with `if feature`
    rm = tree.HoeffdingTreeClassifier(nominal_attributes=[names_x[i] for i in nominal] or None, **river_params)
    ours = Tree(len(names), nominal=nominal, **our_params)
    grow_r, grow_o = [], []
    nodes_r = nodes_o = 1
    for i in range(len(y)):
        x = X[i]
        xd = {names_x[j]: (int(x[j]) if j in nominal else x[j]) for j in range(len(names))}
        pr = rm.predict_proba_one(xd)
        po = ours.proba(x)
        for c, v in pr.items():
            if not math.isclose(v, po[c], rel_tol=1e-9, abs_tol=1e-12):
                return f"example {i}: class {c} River {v!r} ours {po[c]!r}", grow_r, grow_o, rm, ours
        yr = rm.predict_one(xd)
        if yr is not None and yr != ours.predict(x):
            return f"example {i}: River predicts {yr}, ours {ours.predict(x)}", grow_r, grow_o, rm, ours
        rm.learn_one(xd, int(y[i]))
        ours.learn(x, y[i])
        nr = rm.n_nodes or 0
        no = ours.stat("nodes")
        if nr != nodes_r:
            grow_r.append(i)
            nodes_r = nr
        if no != nodes_o:
            grow_o.append(i)
            nodes_o = no
    return None, grow_r, grow_o, rm, ours


def assert_same(X, y, names, nominal=(), **params):
    river_params = dict(params)
    if "n_splits" in river_params:
        river_params["splitter"] = tree.splitter.GaussianSplitter(n_splits=river_params.pop("n_splits"))
    bad, gr, go, rm, ours = run_both(X, y, names, river_params, params, nominal)
    assert bad is None, bad
    assert gr == go, f"splits at {gr} (River) vs {go} (ours)"
    sr = river_structure(rm, [f"x{i}" for i in range(len(names))])
    so = ours.structure()
    assert len(sr) == len(so)
    for a, b in zip(sr, so):
        assert a[:3] == b[:3], f"{a} vs {b}"
        assert math.isclose(a[3], b[3], rel_tol=1e-12), f"{a} vs {b}"
    return len(gr)


def run_hat_exact(X, y, **params):
    """Without bootstrap sampling the adaptive tree is deterministic: it must
    agree with River's prediction by prediction (ADWIN included)."""
    rm = tree.HoeffdingAdaptiveTreeClassifier(bootstrap_sampling=False, **params)
    ours = Tree(X.shape[1], kind=HOEFFDING_ADAPTIVE_TREE, bootstrap_sampling=False, **params)
    for i in range(len(y)):
        xd = {f"x{j}": X[i, j] for j in range(X.shape[1])}
        pr, po = rm.predict_proba_one(xd), ours.proba(X[i])
        for c, v in pr.items():
            assert math.isclose(v, po[c], rel_tol=1e-9, abs_tol=1e-12), f"example {i}: {pr} vs {po}"
        if i:
            assert rm.predict_one(xd) == ours.predict(X[i]), f"example {i}"
        rm.learn_one(xd, int(y[i]))
        ours.learn(X[i], y[i])
    assert rm.n_nodes == ours.stat("nodes")
    assert rm.n_alternate_trees == ours.stat("alternate_trees")
    assert rm.n_switch_alternate_trees == ours.stat("switched_alternate_trees")
    return rm


def labelled(ds, n=None):
    """A River dataset as arrays, labels mapped to 0.."""
    X, y, names = [], [], None
    for i, (x, t) in enumerate(ds):
        if n is not None and i >= n:
            break
        names = names or list(x.keys())
        X.append([float(x[k]) for k in names])
        y.append(t)
    classes = sorted(set(y), key=str)
    return np.array(X), np.array([classes.index(v) for v in y]), names


def sea_drifts(n):
    return labelled(synth.ConceptDriftStream(synth.SEA(variant=0, seed=1), synth.SEA(variant=2, seed=2),
                                             position=n // 2, width=n // 20, seed=1), n)


# ---- the tests ---------------------------------------------------------------------------

@pytest.mark.parametrize("leaf_prediction", ["mc", "nb", "nba"])
@pytest.mark.parametrize("criterion", ["info_gain", "gini"])
@pytest.mark.parametrize("stream", ["sea", "rbf"])
def test_vfdt_same_splits_and_predictions(stream, criterion, leaf_prediction):
    X, y, names = sea(8000) if stream == "sea" else rbf(6000)
    splits = assert_same(X, y, names, leaf_prediction=leaf_prediction, split_criterion=criterion,
                         grace_period=100, delta=1e-5)
    assert splits >= 2


@pytest.mark.parametrize("options", [
    dict(),
    dict(leaf_prediction="mc"),
    dict(leaf_prediction="nb", nb_threshold=50),
    dict(binary_split=True),
    dict(split_criterion="gini"),
    dict(split_criterion="hellinger"),
    dict(leaf_prediction="mc", remove_poor_attrs=True),
    dict(merit_preprune=False),
    dict(max_depth=2),
    dict(tau=0.2, n_splits=5),
])
def test_vfdt_nominal_features_same_as_river(options):
    X, y, names = agrawal(6000)
    nominal = [names.index(k) for k in AGRAWAL_NOMINAL]
    assert assert_same(X, y, names, nominal=nominal, grace_period=100, delta=1e-5, **options) >= 2


def test_vfdt_default_parameters_on_phishing_and_bananas():
    for ds in (datasets.Phishing(), datasets.Bananas()):
        X, y, names = labelled(ds)
        assert_same(X, y, names)


def abrupt(first, second, n):
    return labelled(synth.ConceptDriftStream(first, second, position=n // 2, width=50, seed=1), n)


@pytest.mark.parametrize("case", ["sea-mc", "agrawal-nba"])
def test_hat_without_bootstrap_same_as_river(case):
    """Alternates start, are pruned (SEA, mc) or take over (Agrawal, nba) at the same examples."""
    if case == "sea-mc":
        X, y, _ = abrupt(synth.SEA(variant=0, seed=1), synth.SEA(variant=3, seed=2), 12000)
    else:
        X, y, _ = abrupt(synth.Agrawal(classification_function=0, seed=1),
                         synth.Agrawal(classification_function=4, seed=2), 12000)
    rm = run_hat_exact(X, y, leaf_prediction=case.split("-")[1], grace_period=100, delta=1e-5)
    assert rm.n_alternate_trees > 0


def test_hat_bananas_without_bootstrap_same_as_river():
    X, y, _ = labelled(datasets.Bananas())
    run_hat_exact(X, y)


def test_hat_with_bootstrap_accuracy_beside_river():
    """Bootstrap draws differ (our RNG), so compare the mean accuracy over seeds."""
    X, y, _ = sea_drifts(10000)
    seeds = range(4)

    def acc(model_predict, model_learn):
        ok = 0
        for i in range(len(y)):
            ok += model_predict(i) == y[i]
            model_learn(i)
        return ok / len(y)

    ours, river = [], []
    for s in seeds:
        o = Tree(X.shape[1], kind=HOEFFDING_ADAPTIVE_TREE, seed=s)
        ours.append(acc(lambda i: o.predict(X[i]), lambda i: o.learn(X[i], y[i])))
        r = tree.HoeffdingAdaptiveTreeClassifier(seed=s)
        xs = [{f"x{j}": X[i, j] for j in range(X.shape[1])} for i in range(len(y))]
        river.append(acc(lambda i: r.predict_one(xs[i]), lambda i: r.learn_one(xs[i], int(y[i]))))
    assert abs(np.mean(ours) - np.mean(river)) < 0.01, (ours, river)


class Xoshiro:
    """Our RNG (lib/core/rng.c: xoshiro256** seeded by splitmix64) in Python."""
    M = (1 << 64) - 1

    def __init__(self, seed):
        st, self.s = seed, []
        for _ in range(4):
            st = (st + 0x9E3779B97F4A7C15) & self.M
            z = ((st ^ (st >> 30)) * 0xBF58476D1CE4E5B9) & self.M
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.M
            self.s.append(z ^ (z >> 31))

    def random(self):
        def rotl(x, k):
            return ((x << k) | (x >> (64 - k))) & self.M
        s0, s1, s2, s3 = self.s
        out = (rotl((s1 * 5) & self.M, 7) * 9) & self.M
        t = (s1 << 17) & self.M
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        self.s = [s0, s1, s2, rotl(s3, 45)]
        return (out >> 11) * 2.0 ** -53


@pytest.mark.parametrize("seed", [1, 7])
def test_hat_with_bootstrap_same_as_river_given_our_random_stream(seed, monkeypatch):
    """River's adaptive tree drawing its Poisson weights from our generator
    predicts exactly as ours: the bootstrap path is the same, only the
    random stream differs by default."""
    import river.tree.nodes.hatc_nodes as hatc

    def poisson(rate, rng):  # Knuth, as lib/core/rng.c (whose cap of 1000 draws is never reached here)
        limit, k, p = math.exp(-rate), 0, 1.0
        while True:
            k += 1
            p *= rng.random()
            if not p > limit:
                return k - 1

    monkeypatch.setattr(hatc, "poisson", poisson)
    X, y, _ = labelled(datasets.Bananas())
    rm = tree.HoeffdingAdaptiveTreeClassifier(seed=seed)
    rm._rng = Xoshiro(seed)
    ours = Tree(2, kind=HOEFFDING_ADAPTIVE_TREE, seed=seed)
    for i in range(len(y)):
        xd = {"x0": X[i, 0], "x1": X[i, 1]}
        pr, po = rm.predict_proba_one(xd), ours.proba(X[i])
        for c, v in pr.items():
            assert math.isclose(v, po[c], rel_tol=1e-9, abs_tol=1e-12), f"example {i}: {pr} vs {po}"
        rm.learn_one(xd, int(y[i]))
        ours.learn(X[i], y[i])
    assert rm.n_nodes == ours.stat("nodes")
