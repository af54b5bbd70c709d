"""The hashing trick (hashing=True) equals a dense model over the hashed
indices, and predict_learn_one equals predict_one then learn_one."""
import pickle

import numpy as np
import pytest
from conftest import require

from streamlearn import _lib, errors, linear_model, tree

BITS = 8


def h(name):
    b = name.encode()
    return _lib.sl_hash_bytes(b, len(b), 0) % (1 << BITS)


def rows(n, seed=0):
    rng = np.random.default_rng(seed)
    for i in range(n):
        x = {"len": float(rng.normal()), f"word_{rng.integers(30)}": 1.0, "user": f"u{rng.integers(5)}"}
        yield x, bool(x["len"] + (x["user"] in ("u1", "u2")) > 0.5)


def dense(x):
    """The dense row the hashing trick stands for: str values as name=value indicators, repeats add."""
    out = {i: 0.0 for i in range(1 << BITS)}
    for k, v in x.items():
        if isinstance(v, str):
            k, v = f"{k}={v}", 1.0
        out[h(k)] += v
    return out


@pytest.mark.parametrize("cls", [linear_model.LogisticRegression, linear_model.LinearRegression])
def test_hashing_equals_a_dense_model_over_the_hashed_indices(cls):
    """Same updates; the sparse dot product sums in another order, so equal to rounding."""
    require(cls)
    a = cls(hashing=True, bits=BITS, lr=0.05)
    b = cls(features=list(range(1 << BITS)), lr=0.05)
    regression = cls is linear_model.LinearRegression
    for x, y in rows(500):
        if regression:
            assert a.predict_one(x) == pytest.approx(b.predict_one(dense(x)), rel=1e-12, abs=1e-12)
        else:
            assert a.predict_proba_one(x)[True] == pytest.approx(b.predict_proba_one(dense(x))[True], rel=1e-12)
        a.learn_one(x, float(y) if regression else y)
        b.learn_one(dense(x), float(y) if regression else y)
    assert np.allclose(a.get_weights()[0], b.get_weights()[0], rtol=1e-12, atol=1e-14)
    assert np.count_nonzero(a.get_weights()[0]) > 20
    c = pickle.loads(pickle.dumps(a))
    assert all(c.predict_one(x) == a.predict_one(x) for x, _ in rows(20, seed=1))
    assert set(a.weights) <= set(range(1 << BITS))


def test_hashing_takes_dicts_only_and_checks_bits():
    m = linear_model.LogisticRegression(hashing=True, bits=4)
    with pytest.raises(errors.NotSupportedError):
        m.learn_many(np.zeros((2, 16)), [0, 1])
    with pytest.raises(errors.InvalidArgumentError):
        linear_model.LogisticRegression(hashing=True, bits=31)
    with pytest.raises(errors.InvalidArgumentError):
        linear_model.LogisticRegression(hashing=True, features=["a"])
    m.learn_one({"anything": 1.0, "new": "names", 3: 2.0}, True)
    assert m.predict_proba_one({"never seen": 1.0})[True] > 0


@pytest.mark.parametrize("make", [lambda: linear_model.LinearRegression(),
                                  lambda: linear_model.LogisticRegression(optimizer="adam"),
                                  lambda: linear_model.SoftmaxRegression(n_classes=5),
                                  lambda: tree.HoeffdingTreeClassifier(grace_period=50)])
def test_predict_learn_one_equals_predict_then_learn(make):
    a, b = make(), make()
    require(type(a))
    for i, (x, y) in enumerate(rows(800)):
        x = {"len": x["len"], "u": float(x["user"][1])}
        y = float(y) + x["u"] if isinstance(a, linear_model.LinearRegression) else (
            int(x["u"]) if isinstance(a, linear_model.SoftmaxRegression) else y)
        if i % 2:
            assert a.predict_learn_one(x, y) == b.predict_one(x)
        elif hasattr(a, "predict_proba_learn_one"):
            assert a.predict_proba_learn_one(x, y) == b.predict_proba_one(x)
        else:
            assert a.predict_learn_one(x, y) == b.predict_one(x)
        b.learn_one(x, y)
    assert a.to_bytes() == b.to_bytes()
