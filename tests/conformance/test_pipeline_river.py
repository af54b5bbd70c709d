"""sl_pipeline against River's delayed progressive validation: the same
events, labels arriving later (River's stream.simulate_qa with a delay), a
River LinearRegression / LogisticRegression learning in the same order as
the pipeline's model. Every served prediction equals River's, and the
pipeline's prequential metrics equal River's MAE, RMSE, Accuracy, LogLoss
and their Rolling versions over the same window."""
import ctypes
import math
import random

import pytest
from river import linear_model, metrics, stream, utils

from sl import check, declare, lib

p_t = ctypes.c_void_p
pipeline_new = declare("sl_pipeline_new", ctypes.c_int, ctypes.POINTER(p_t), ctypes.c_size_t, ctypes.c_void_p)
pipeline_free = declare("sl_pipeline_free", None, p_t)
set_model = declare("sl_pipeline_set_model", ctypes.c_int, p_t, ctypes.c_void_p)
set_int = declare("sl_pipeline_set_int", ctypes.c_int, p_t, ctypes.c_char_p, ctypes.c_int64)
stat = declare("sl_pipeline_stat", ctypes.c_int, p_t, ctypes.c_char_p, ctypes.POINTER(ctypes.c_double))
push_many = declare("sl_pipeline_push_many", ctypes.c_int, p_t, ctypes.c_size_t,
                    ctypes.POINTER(ctypes.c_uint64), ctypes.POINTER(ctypes.c_uint64),
                    ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_double),
                    ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_size_t),
                    ctypes.POINTER(ctypes.c_size_t))
push_label = declare("sl_pipeline_push_label", ctypes.c_int, p_t, ctypes.c_uint64, ctypes.c_double)
model_new = declare("sl_model_new", ctypes.c_int, ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_size_t,
                    ctypes.c_void_p)

LINEAR_REGRESSION, LOGISTIC_REGRESSION = 0, 1
NAMES = ["a", "b", "c"]
WINDOW = 50


def events(n, classify, seed=7):
    rng = random.Random(seed)
    for i in range(n):
        x = {k: rng.uniform(-1, 1) for k in NAMES}
        y = x["a"] + 0.5 * x["b"] - 0.2 * x["c"] + rng.gauss(0, 0.1)
        yield x, (y > 0) if classify else 3 * y + 1


def one(p, i, x):
    """Pushes event i alone and returns the served prediction."""
    y = ctypes.c_double()
    done = ctypes.c_size_t()
    row = (ctypes.c_double * 3)(*(x[k] for k in NAMES))
    check(push_many(p, 1, (ctypes.c_uint64 * 1)(i), (ctypes.c_uint64 * 1)(0), (ctypes.c_int64 * 1)(i), row,
                    ctypes.byref(y), ctypes.byref(done), None), f"push {i}")
    return y.value


def read(p, name):
    v = ctypes.c_double()
    check(stat(p, name.encode(), ctypes.byref(v)), name)
    return v.value


@pytest.mark.parametrize("classify", [False, True], ids=["regression", "classification"])
def test_delayed_prequential_matches_river(classify):
    data = list(events(1500, classify))
    p = p_t()
    m = ctypes.c_void_p()
    check(pipeline_new(ctypes.byref(p), 3, None), "new")
    check(model_new(ctypes.byref(m), LOGISTIC_REGRESSION if classify else LINEAR_REGRESSION, 3, None), "model")
    check(set_model(p, m), "set model")
    check(set_int(p, b"metric_window", WINDOW), "window")
    theirs = linear_model.LogisticRegression() if classify else linear_model.LinearRegression()
    if classify:
        mets = {"accuracy": metrics.Accuracy(), "log_loss": metrics.LogLoss(),
                "accuracy_window": utils.Rolling(metrics.Accuracy(), window_size=WINDOW),
                "log_loss_window": utils.Rolling(metrics.LogLoss(), window_size=WINDOW)}
    else:
        mets = {"mae": metrics.MAE(), "rmse": metrics.RMSE(),
                "mae_window": utils.Rolling(metrics.MAE(), window_size=WINDOW),
                "rmse_window": utils.Rolling(metrics.RMSE(), window_size=WINDOW)}
    served = {}
    for i, x, y in stream.simulate_qa(data, moment=None, delay=7):
        if y is None:  # the question: both predict
            ours = one(p, i, x)
            if classify:
                label = theirs.predict_one(x)
                served[i] = {"label": label, "proba": theirs.predict_proba_one(x)}
                assert ours == float(label), f"event {i}"
            else:
                want = theirs.predict_one(x)
                served[i] = {"label": want, "proba": want}
                assert math.isclose(ours, want, rel_tol=1e-9, abs_tol=1e-12), f"event {i}: {ours} vs {want}"
            continue
        check(push_label(p, i, float(y)), f"label {i}")
        for name, met in mets.items():
            met.update(y, served[i]["proba" if name.startswith("log_loss") else "label"])
        theirs.learn_one(x, y)
    for name, met in mets.items():
        assert math.isclose(read(p, name), met.get(), rel_tol=1e-9, abs_tol=1e-12), name
    assert read(p, "labels") == len(data)
    pipeline_free(p)
