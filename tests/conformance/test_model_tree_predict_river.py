"""Hoeffding tree against River when only the class is asked for (predict,
then learn, never predict_proba): our tree then takes the predicted class
from the naive Bayes log-likelihoods when their maximum is clear, without
the posterior, and the naive Bayes adaptive bookkeeping of learn does the
same. Every prediction, the examples where the tree grows and the final
tree must agree with River's, on streams with clear and with tied votes."""
import math

import numpy as np
import pytest
from river import datasets, tree

import test_model_tree_river as base


def quantized(n, seed=3, classes=2):
    """Features in {0, 0.5, 1} and 40% random labels: many exact ties between classes."""
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 3, size=(n, 4)) * 0.5
    y = (X.sum(axis=1) > 3.0).astype(int) if classes == 2 else np.minimum((X.sum(axis=1) / 1.5).astype(int), 2)
    flip = rng.random(n) < 0.4
    y[flip] = rng.integers(0, classes, size=int(flip.sum()))
    return X, y, [f"f{j}" for j in range(4)]


def run_predict_only(X, y, nominal=(), **params):
    names = [f"x{i}" for i in range(X.shape[1])]
    rm = tree.HoeffdingTreeClassifier(nominal_attributes=[names[i] for i in nominal] or None, **params)
    ours = base.Tree(X.shape[1], nominal=nominal, **params)
    grow_r, grow_o, nodes_r, nodes_o = [], [], 1, 1
    for i in range(len(y)):
        xd = {names[j]: (int(X[i, j]) if j in nominal else X[i, j]) for j in range(X.shape[1])}
        yr = rm.predict_one(xd)
        yo = ours.predict(X[i])
        assert yr is None or yr == yo, f"example {i}: River predicts {yr}, ours {yo}"
        rm.learn_one(xd, int(y[i]))
        ours.learn(X[i], y[i])
        if (rm.n_nodes or 0) != nodes_r:
            grow_r.append(i)
            nodes_r = rm.n_nodes
        if ours.stat("nodes") != nodes_o:
            grow_o.append(i)
            nodes_o = ours.stat("nodes")
    assert grow_r == grow_o, f"splits at {grow_r} (River) vs {grow_o} (ours)"
    sr, so = base.river_structure(rm, names), ours.structure()
    assert len(sr) == len(so)
    for a, b in zip(sr, so):
        assert a[:3] == b[:3] and math.isclose(a[3], b[3], rel_tol=1e-12), f"{a} vs {b}"
    return len(grow_r)


@pytest.mark.parametrize("leaf_prediction", ["nb", "nba"])
@pytest.mark.parametrize("stream", ["sea", "rbf", "quantized", "quantized3"])
def test_predict_only_same_as_river(stream, leaf_prediction):
    X, y, _ = {"sea": lambda: base.sea(6000), "rbf": lambda: base.rbf(6000),
               "quantized": lambda: quantized(6000), "quantized3": lambda: quantized(6000, classes=3)}[stream]()
    assert run_predict_only(X, y, leaf_prediction=leaf_prediction, grace_period=100, delta=1e-5) >= 1


def test_predict_only_nominal_and_defaults_same_as_river():
    X, y, names = base.agrawal(5000)
    nominal = [names.index(k) for k in base.AGRAWAL_NOMINAL]
    assert run_predict_only(X, y, nominal=nominal, grace_period=100, delta=1e-5) >= 2
    for ds in (datasets.Phishing(), datasets.Bananas()):
        X, y, _ = base.labelled(ds)
        run_predict_only(X, y)


def test_predict_only_exact_ties_same_as_river():
    """Each x comes twice, labelled 1 then 0: after every pair both classes
    hold the same statistics, so the votes tie exactly. River then predicts
    the smaller class (its probabilities start from the sorted classes) while
    naive Bayes adaptive's bookkeeping takes the first class of the leaf (1)."""
    rng = np.random.default_rng(5)
    X = np.repeat(rng.random((1500, 4)), 2, axis=0)
    y = np.tile([1, 0], 1500)
    for leaf_prediction in ("nb", "nba"):
        run_predict_only(X, y, leaf_prediction=leaf_prediction, grace_period=100)
