"""Linear kinds against River in the same process: same data, same
parameters, predictions equal after every step (relative error < 1e-9) for
LinearRegression and LogisticRegression with SGD, Adam and AdaGrad (plus
L2, River's cumulative L1, schedules, clipping, Huber, StandardScaler), and
prequential accuracy on River's Phishing and Bananas beside River's."""
import ctypes
import math
import random

import pytest
from river import compose, datasets, linear_model, optim, preprocessing

from sl import check, declare, doubles, lib

sl_model_p = ctypes.c_void_p
new = declare("sl_model_new", ctypes.c_int, ctypes.POINTER(sl_model_p), ctypes.c_int, ctypes.c_size_t, ctypes.c_void_p)
set_str = declare("sl_model_set_str", ctypes.c_int, sl_model_p, ctypes.c_char_p, ctypes.c_char_p)
learn = declare("sl_model_learn", ctypes.c_int, sl_model_p, ctypes.POINTER(ctypes.c_double), ctypes.c_size_t,
                ctypes.c_double, ctypes.c_double)
predict = declare("sl_model_predict", ctypes.c_int, sl_model_p, ctypes.POINTER(ctypes.c_double), ctypes.c_size_t,
                  ctypes.POINTER(ctypes.c_double))
proba = declare("sl_model_predict_proba", ctypes.c_int, sl_model_p, ctypes.POINTER(ctypes.c_double),
                ctypes.c_size_t, ctypes.POINTER(ctypes.c_double), ctypes.c_size_t)
last_error = declare("sl_model_last_error", ctypes.c_char_p, sl_model_p)
free = declare("sl_model_free", None, sl_model_p)

LINEAR_REGRESSION, LOGISTIC_REGRESSION = 0, 1


class Model:
    """An sl_model with River-style learn_one / predict_one over dicts."""

    def __init__(self, kind, names, **params):
        self.h = sl_model_p()
        self.names = names
        check(new(ctypes.byref(self.h), kind, len(names), None), "new")
        for k, v in params.items():
            check(set_str(self.h, k.encode(), str(v).encode()), f"{k}={v}")

    def row(self, x):
        return doubles([float(x[k]) for k in self.names])

    def learn_one(self, x, y):
        st = learn(self.h, self.row(x), len(self.names), float(y), 1.0)
        check(st, last_error(self.h).decode())

    def predict_one(self, x):
        out = ctypes.c_double()
        check(predict(self.h, self.row(x), len(self.names), ctypes.byref(out)), "predict")
        return out.value

    def predict_proba_one(self, x):
        out = (ctypes.c_double * 2)()
        check(proba(self.h, self.row(x), len(self.names), out, 2), "proba")
        return out[1]

    def __del__(self):
        free(self.h)


def close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(abs(a), abs(b)) + 1e-300


def stream(n, d, seed, classify):
    rng = random.Random(seed)
    w = [rng.uniform(-2, 2) for _ in range(d)]
    for _ in range(n):
        x = {f"x{i}": rng.gauss(0, 1) * (1 + i) for i in range(d)}
        z = sum(wi * x[f"x{i}"] for i, wi in enumerate(w)) + 0.5
        y = (rng.random() < 1 / (1 + math.exp(-z))) if classify else z + rng.gauss(0, 0.1)
        yield x, y


def run_pair(ours, theirs, classify, n=400, d=5, seed=1):
    names = [f"x{i}" for i in range(d)]
    assert ours.names == names
    steps = 0
    for x, y in stream(n, d, seed, classify):
        if classify:
            a, b = ours.predict_proba_one(x), theirs.predict_proba_one(x)[True]
        else:
            a, b = ours.predict_one(x), theirs.predict_one(x)
        assert close(a, b), f"step {steps}: ours {a!r}, River {b!r}"
        ours.learn_one(x, y)
        theirs.learn_one(x, y)
        steps += 1
    return steps


NAMES = [f"x{i}" for i in range(5)]

CASES = [
    # (id, our params, River optimizer, River extra kwargs)
    ("sgd", {}, lambda: optim.SGD(0.01), {}),
    ("sgd-l2", {"l2": 0.01}, lambda: optim.SGD(0.01), {"l2": 0.01}),
    ("sgd-l1", {"l1": 0.001}, lambda: optim.SGD(0.01), {"l1": 0.001}),
    ("sgd-invscaling", {"learning_rate": "invscaling", "lr": 0.05, "power_t": 0.25},
     lambda: optim.SGD(optim.schedulers.InverseScaling(0.05, 0.25)), {}),
    ("sgd-clip", {"clip_gradient": 0.5, "intercept_lr": 0.05}, lambda: optim.SGD(0.01),
     {"clip_gradient": 0.5, "intercept_lr": 0.05}),
    ("adam", {"optimizer": "adam", "lr": 0.05}, lambda: optim.Adam(0.05), {}),
    ("adam-betas", {"optimizer": "adam", "lr": 0.02, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6},
     lambda: optim.Adam(0.02, beta_1=0.8, beta_2=0.99, eps=1e-6), {}),
    ("adagrad", {"optimizer": "adagrad", "lr": 0.1}, lambda: optim.AdaGrad(0.1), {}),
    ("adagrad-l2", {"optimizer": "adagrad", "lr": 0.1, "l2": 0.001}, lambda: optim.AdaGrad(0.1), {"l2": 0.001}),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_linear_regression_matches_river_every_step(case):
    _, ours_p, opt, extra = case
    ours = Model(LINEAR_REGRESSION, NAMES, **ours_p)
    theirs = linear_model.LinearRegression(optimizer=opt(), **extra)
    assert run_pair(ours, theirs, classify=False) == 400


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_logistic_regression_matches_river_every_step(case):
    _, ours_p, opt, extra = case
    ours = Model(LOGISTIC_REGRESSION, NAMES, **ours_p)
    theirs = linear_model.LogisticRegression(optimizer=opt(), **extra)
    assert run_pair(ours, theirs, classify=True) == 400


def test_huber_loss_matches_river():
    ours = Model(LINEAR_REGRESSION, NAMES, loss="huber", epsilon=0.5)
    theirs = linear_model.LinearRegression(loss=optim.losses.Huber(epsilon=0.5))
    run_pair(ours, theirs, classify=False)


def test_standardize_matches_a_river_standard_scaler_pipeline():
    ours = Model(LINEAR_REGRESSION, NAMES, standardize="true", lr=0.05)
    theirs = compose.Pipeline(preprocessing.StandardScaler(),
                              linear_model.LinearRegression(optimizer=optim.SGD(0.05)))
    run_pair(ours, theirs, classify=False)


def test_hinge_loss_matches_river_logistic_with_hinge():
    ours = Model(3, NAMES)  # SL_MODEL_LINEAR_SVM
    theirs = linear_model.LogisticRegression(loss=optim.losses.Hinge())
    run_pair(ours, theirs, classify=True)


def prequential(model, data, ours):
    hits = n = 0
    for x, y in data:
        if ours:
            p = model.predict_proba_one(x)
        else:
            p = model.predict_proba_one(x).get(True, 0.0)
        hits += (p > 0.5) == bool(y)
        n += 1
        model.learn_one(x, y)
    return hits / n


@pytest.mark.parametrize("dataset", ["Phishing", "Bananas"])
def test_accuracy_on_river_datasets_beside_river(dataset):
    data = list(getattr(datasets, dataset)())
    names = sorted(data[0][0])
    rows = []
    configs = [
        ("sgd", {}, lambda: linear_model.LogisticRegression()),
        ("adam", {"optimizer": "adam", "lr": 0.05}, lambda: linear_model.LogisticRegression(optim.Adam(0.05))),
        ("ftrl", {"optimizer": "ftrl"}, lambda: linear_model.LogisticRegression(optim.FTRLProximal())),
    ]
    for name, ours_p, river_model in configs:
        a = prequential(Model(LOGISTIC_REGRESSION, names, **ours_p), data, True)
        b = prequential(river_model(), data, False)
        rows.append((name, a, b))
        if name != "ftrl":  # same algorithm: same predictions, same accuracy
            assert abs(a - b) < 1e-12, f"{dataset} {name}: ours {a}, River {b}"
        else:  # McMahan's order (River's FTRL lags its weights one step)
            assert abs(a - b) < 0.05, f"{dataset} {name}: ours {a}, River {b}"
    vw = prequential(Model(LOGISTIC_REGRESSION, names, optimizer="vw", lr=0.5), data, True)
    print(f"\n{dataset} prequential accuracy (ours / River):")
    for name, a, b in rows:
        print(f"  {name:5s} {a:.4f} / {b:.4f}")
    print(f"  vw    {vw:.4f} / -")
