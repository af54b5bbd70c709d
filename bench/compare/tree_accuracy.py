"""Progressive-validation accuracy of our Hoeffding trees beside River's on
River's bundled datasets and synthetic streams (the figures in
docs/models-tree.md). Run with SL_LIBRARY set, from the repository root:
    SL_LIBRARY=build/libstreamlearn.so python3 bench/compare/tree_accuracy.py [--quick]"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "conformance"))

import numpy as np  # noqa: E402
from river import datasets, tree  # noqa: E402
from river.datasets import synth  # noqa: E402

import test_model_tree_river as T  # noqa: E402


def labels(y):
    """Class labels (bools, strings) to indices 0.."""
    classes = sorted(set(y), key=str)
    return np.array([classes.index(v) for v in y])


def dataset(ds, n=None):
    X, y, names = [], [], None
    for i, (x, t) in enumerate(ds):
        if n is not None and i >= n:
            break
        names = names or list(x.keys())
        X.append([float(x[k]) for k in names])
        y.append(t)
    return np.array(X), labels(y), names


def streams(n):
    yield "Phishing", dataset(datasets.Phishing())
    yield "Bananas", dataset(datasets.Bananas())
    yield "SEA drifts", dataset(
        synth.ConceptDriftStream(synth.SEA(variant=0, seed=1),
                                 synth.ConceptDriftStream(synth.SEA(variant=1, seed=2), synth.SEA(variant=3, seed=3),
                                                          position=n // 3, width=n // 20, seed=2),
                                 position=n // 3, width=n // 20, seed=1), n)
    yield "Agrawal f2", dataset(synth.Agrawal(classification_function=2, seed=42), n)
    yield "RandomRBF drift", dataset(synth.RandomRBFDrift(seed_model=7, seed_sample=7, n_classes=3, n_features=8,
                                                          n_centroids=20, change_speed=0.001,
                                                          n_drift_centroids=10), n)


def river_acc(model, X, y):
    ok = 0
    for i in range(len(y)):
        xd = {f"x{j}": X[i, j] for j in range(X.shape[1])}
        ok += model.predict_one(xd) == y[i]
        model.learn_one(xd, int(y[i]))
    return ok / len(y)


def our_acc(kind, X, y, **params):
    m = T.Tree(X.shape[1], kind=kind, **params)
    ok = 0
    for i in range(len(y)):
        ok += m.predict(X[i]) == y[i]
        m.learn(X[i], y[i])
    return ok / len(y)


def table(n, seeds):
    rows = []
    for name, (X, y, _) in streams(n):
        r_ht = river_acc(tree.HoeffdingTreeClassifier(), X, y)
        o_ht = our_acc(T.HOEFFDING_TREE, X, y)
        r_hat = np.mean([river_acc(tree.HoeffdingAdaptiveTreeClassifier(seed=s), X, y) for s in seeds])
        o_hat = np.mean([our_acc(T.HOEFFDING_ADAPTIVE_TREE, X, y, seed=s) for s in seeds])
        rows.append((name, len(y), r_ht, o_ht, r_hat, o_hat))
    return rows


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    n, seeds = (5000, [1, 2]) if quick else (20000, [1, 2, 3, 4, 5])
    print(f"| stream | n | River HT | ours HT | River HAT (mean of {len(seeds)} seeds) | ours HAT | HAT diff (points) |")
    print("|---|---|---|---|---|---|---|")
    for name, size, r_ht, o_ht, r_hat, o_hat in table(n, seeds):
        print(f"| {name} | {size} | {100 * r_ht:.2f} | {100 * o_ht:.2f} | {100 * r_hat:.2f} | {100 * o_hat:.2f} | "
              f"{100 * (o_hat - r_hat):+.2f} |")
