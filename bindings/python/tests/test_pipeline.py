"""streamlearn.pipeline against a hand-run predict / learn loop (the same
C models driven one call at a time, window features recomputed by a
standalone window) and against River's delayed progressive validation
(stream.simulate_qa with a River linear model and River metrics); plus
callbacks, exceptions, ownership, pickling and leaks."""
import gc
import io
import math
import pickle
import random
import tracemalloc

import numpy as np
import pytest
from conftest import require

from streamlearn import drift, errors, linear_model, pipeline, replay, window

FIELDS = ["a", "b", "c"]


def data(n, classify, seed=7, flip_at=None):
    rng = random.Random(seed)
    for i in range(n):
        x = {k: rng.uniform(-1, 1) for k in FIELDS}
        s = -1 if flip_at is not None and i >= flip_at else 1
        y = s * (x["a"] + 0.5 * x["b"] - 0.2 * x["c"]) + rng.gauss(0, 0.1)
        yield x, (y > 0) if classify else 3 * y + 1


@pytest.fixture(autouse=True)
def _kinds():
    require(pipeline.Pipeline)
    require(linear_model.LinearRegression)
    require(window.Sliding)


@pytest.mark.parametrize("classify", [False, True], ids=["regression", "classification"])
def test_delayed_labels_match_river_progressive_validation(classify):
    river = pytest.importorskip("river")
    from river import linear_model as rl
    from river import metrics, stream

    cls = linear_model.LogisticRegression if classify else linear_model.LinearRegression
    p = pipeline.Pipeline(fields=FIELDS, model=cls(), metric_window=50)
    theirs = rl.LogisticRegression() if classify else rl.LinearRegression()
    mets = ({"accuracy": metrics.Accuracy(), "log_loss": metrics.LogLoss()} if classify
            else {"mae": metrics.MAE(), "rmse": metrics.RMSE()})
    served = {}
    for i, x, y in stream.simulate_qa(list(data(1500, classify)), moment=None, delay=7):
        if y is None:
            ours = p.push(i, 0, i, x, details=True)
            if classify:
                served[i] = (theirs.predict_one(x), theirs.predict_proba_one(x))
                assert ours.y == served[i][0]
                assert ours.confidence == pytest.approx(served[i][1][ours.y], rel=1e-9)
            else:
                served[i] = (theirs.predict_one(x),) * 2
                assert ours.y == pytest.approx(served[i][0], rel=1e-9, abs=1e-12)
            continue
        assert p.push_label(i, y)
        for name, m in mets.items():
            m.update(y, served[i][1 if name == "log_loss" else 0])
        theirs.learn_one(x, y)
    got = p.metrics()
    for name, m in mets.items():
        assert got[name] == pytest.approx(m.get(), rel=1e-9, abs=1e-12), name
    assert got["labels"] == got["events"] == 1500


def test_window_features_match_a_hand_run_loop():
    """The pipeline = a standalone window + a standalone model driven by hand."""
    p = pipeline.Pipeline(fields=FIELDS, model=linear_model.LinearRegression(lr=0.02), pending_cap=64)
    p.add_raw_feature("b").add_raw_feature("a")
    p.add_window_feature(window.Sliding(["mean", "std", "max"], size=40), "c")
    p.add_window_feature(window.Count(["sum"], count=5), "a")
    assert p.feature_names == ["b", "a", "c_mean", "c_std", "c_max", "a_sum"]
    w1, w2 = window.Sliding(["mean", "std", "max"], size=40), window.Count(["sum"], count=5)
    model = linear_model.LinearRegression(lr=0.02, features=p.feature_names)
    pending = {}
    for i, (x, y) in enumerate(data(2000, False)):
        key = f"unit-{i % 5}"
        w1.push(key, i, x["c"])
        w2.push(key, i, x["a"])
        row = {"b": x["b"], "a": x["a"], **{f"c_{k}": v for k, v in w1.query(key).items()},
               "a_sum": w2.query(key)["sum"]}
        assert p.push(i, key, i, [x[f] for f in FIELDS]) == model.predict_one(row)
        pending[i] = (row, y)
        if i >= 3:  # labels three events late
            row, y = pending.pop(i - 3)
            p.push_label(i - 3, y)
            model.learn_one(row, y)
    assert p.champion().to_bytes() == model.to_bytes()
    assert p.champion().features == tuple(p.feature_names)


def test_push_many_equals_push_one_by_one():
    def build():
        q = pipeline.Pipeline(3, model=linear_model.LinearRegression(), drift=drift.PageHinkley())
        return q.add_window_feature(window.Sliding(["mean"], size=10), 0)

    a, b = build(), build()
    rng = np.random.default_rng(1)
    X = rng.normal(size=(500, 3))
    ids, keys, ts = np.arange(500), rng.integers(0, 4, 500), np.arange(500) * 2
    ya = a.push_many(ids, keys, ts, X)
    yb = [b.push(int(i), int(k), int(t), row) for i, k, t, row in zip(ids, keys, ts, X)]
    assert ya.tolist() == yb
    assert a.push_labels(ids[:300], X[:300, 0]) == 0 and a.push_labels([10_000], [1.0]) == 1
    for i in range(300):
        b.push_label(i, X[i, 0])
    assert not b.push_label(10_000, 1.0)
    assert a.to_bytes() == b.to_bytes()


def test_classifier_labels_are_the_models_own():
    p = pipeline.Pipeline(2, model=linear_model.LogisticRegression())
    got = p.push_many([0, 1, 2], [0, 0, 0], [0, 1, 2], [[1, 0], [0, 1], [1, 1]])
    assert got.dtype == bool
    s = pipeline.Pipeline(2, model=linear_model.SoftmaxRegression())
    s.push(0, 0, 0, [1.0, 0.0])
    assert s.push_label(0, "cat") and not s.push_label(0, "cat")  # matched once
    assert s.push(1, 0, 1, [1.0, 0.0]) == "cat"
    assert s.push_many([2], [0], [2], [[0.0, 1.0]]).tolist() == ["cat"]


def test_ownership_moves_to_the_pipeline():
    m, d, r = linear_model.LinearRegression(), drift.ADWIN(), replay.FIFO(2, capacity=100)
    w = window.Count(["mean"], count=3)
    p = pipeline.Pipeline(1, model=m, drift=d, replay=r, replay_k=2)
    p.add_window_feature(w, 0)
    for obj in (m, d, r, w):
        with pytest.raises(errors.StateError, match="belongs to a Pipeline"):
            obj.stats()
    with pytest.raises(errors.StateError):
        m.learn_one({"x": 1.0}, 1.0)
    with pytest.raises(errors.StateError):
        pipeline.Pipeline(1, model=m)  # already given away
    p.push(0, 0, 0, [1.0])
    late = window.Count(["mean"])
    with pytest.raises(errors.StateError):
        p.add_window_feature(late, 0)
    assert late.stats()  # refused: still the caller's
    del m, d, r, w  # the wrappers go first: nothing is freed twice
    gc.collect()
    p.push_label(0, 2.0)
    assert p.stats()["labels"] == 1
    p.close()
    p.close()


def test_a_pipeline_freed_before_its_first_push_frees_what_it_was_given():
    for _ in range(200):
        p = pipeline.Pipeline(2, model=linear_model.LinearRegression(), challenger=linear_model.LinearRegression(),
                              drift=drift.PageHinkley())
        p.add_window_feature(window.Sliding(["mean"]), 1)
        del p
    with pytest.raises(errors.DuplicateError):
        m = linear_model.LinearRegression()
        pipeline.Pipeline(2, model=m, challenger=m)
    with pytest.raises(errors.InvalidArgumentError):
        pipeline.Pipeline(2, model=drift.ADWIN())
    with pytest.raises(errors.InvalidArgumentError):
        pipeline.Pipeline(2, model=linear_model.LinearRegression(hashing=True, bits=4))


def test_callbacks_report_and_their_exceptions_reach_the_caller():
    require(drift.DDM)
    seen = {"pred": [], "expired": [], "drift": [], "change": []}
    p = pipeline.Pipeline(fields=FIELDS, model=linear_model.LogisticRegression(lr=0.05), drift=drift.DDM(),
                          drift_policy="reset", pending_cap=10,
                          on_prediction=seen["pred"].append, on_expired=lambda q, why: seen["expired"].append(why),
                          on_drift=seen["drift"].append, on_model_change=seen["change"].append)
    for i, (x, y) in enumerate(data(4000, True, flip_at=2000)):
        got = p.push(i, 0, i, x, details=True)
        assert seen["pred"][-1] == got
        if i % 50 != 49:  # every 50th label never comes: expires after 10 events
            p.push_label(i, y)
    assert set(seen["expired"]) == {"evicted"} and len(seen["expired"]) >= 70
    assert any(d.state == "drift" and d.action == "reset" for d in seen["drift"])
    assert seen["change"] and seen["change"][0].reason == "reset" and seen["change"][0].version == 2
    assert seen["drift"][-1].metrics["labels"] <= p.metrics()["labels"]

    def boom(q):
        raise ValueError(f"no {q.id}")

    p.set_callbacks(on_prediction=boom)
    events = p.metrics()["events"]
    with pytest.raises(ValueError, match="no 5000"):
        p.push(5000, 0, 5000, [0.0, 0.0, 0.0])
    assert p.metrics()["events"] == events + 1  # the event counts
    with pytest.raises(ValueError, match="no 5001"):
        p.push_many([5001, 5002], [0, 0], [5001, 5002], np.zeros((2, 3)))
    assert p.push_label(5000, True)

    def pushes_back(q):
        p.push(q.id + 1, 0, 0, [0.0, 0.0, 0.0])

    p.set_callbacks(on_prediction=pushes_back)
    with pytest.raises(errors.StateError, match="callback"):
        p.push(6000, 0, 6000, [0.0, 0.0, 0.0])
    p.set_callbacks()
    assert p.push(6001, 0, 6001, [0.0, 0.0, 0.0]) is not None


def test_a_challenger_that_is_better_gets_promoted():
    changes = []
    p = pipeline.Pipeline(fields=FIELDS, model=linear_model.LinearRegression(lr=1e-5),
                          challenger=linear_model.LinearRegression(lr=0.05), promote_min_labels=200,
                          metric_window=200, on_model_change=changes.append)
    for i, (x, y) in enumerate(data(1000, False)):
        pred = p.push(i, 0, i, x, details=True)
        assert pred.challenger_y is not None
        p.push_label(i, y)
    assert changes and changes[0].reason == "promoted" and changes[0].score_reference > changes[0].score_before
    assert p.stats()["promotions"] >= 1


def test_pickle_save_and_load_resume_identically():
    p = pipeline.Pipeline(fields=FIELDS, model=linear_model.LogisticRegression(), drift=drift.PageHinkley())
    p.add_window_feature(window.Sliding(["mean", "max"], size=30), "a")
    stream = list(data(1200, True))
    for i, (x, y) in enumerate(stream[:600]):
        p.push(i, i % 3, i, x)
        if i > 5:
            p.push_label(i - 5, stream[i - 5][1])
    f = io.BytesIO()
    p.save(f)
    f.seek(0)
    clones = [pickle.loads(pickle.dumps(p)), pipeline.Pipeline.load(f), pipeline.Pipeline.from_bytes(p.to_bytes())]
    assert clones[0].feature_names == p.feature_names
    for i, (x, y) in enumerate(stream[600:], start=600):
        want = p.push(i, i % 3, i, x)
        for c in clones:
            assert c.push(i, i % 3, i, [x[k] for k in FIELDS]) == want
        for q in [p] + clones:
            q.push_label(i - 5, stream[i - 5][1])
    assert all(c.to_bytes() == p.to_bytes() for c in clones)
    assert clones[0]._callbacks is None  # callbacks are not in checkpoints


def test_errors_leave_the_pipeline_unchanged():
    p = pipeline.Pipeline(fields=FIELDS, model=linear_model.LinearRegression())
    p.add_window_feature(window.Sliding(["mean"], size=10), "a")
    p.push(1, 0, 100, [1.0, 2.0, 3.0])
    state = p.to_bytes()
    with pytest.raises(errors.DuplicateError):
        p.push(1, 0, 101, [1.0, 2.0, 3.0])
    with pytest.raises(errors.NonFiniteError):
        p.push(2, 0, 101, [1.0, float("inf"), 3.0])
    with pytest.raises(errors.DimensionError):
        p.push(2, 0, 101, [1.0, 2.0])
    with pytest.raises(errors.LateEventError):
        p.push(2, 0, 50, [1.0, 2.0, 3.0])
    with pytest.raises(KeyError):
        p.push(2, 0, 101, {"a": 1.0})
    assert not p.push_label(99, 1.0)
    with pytest.raises(errors.StateError):
        p.add_raw_feature(0)
    assert np.isnan(p.push_many([2, 3], [0, 0], [10, 101], [[1, 2, 3], [1, 2, 3]])[0])
    with pytest.raises(errors.UnknownParameterError):
        pipeline.Pipeline(3, model=linear_model.LinearRegression(), pending=3)
    q = pipeline.Pipeline(3, model=linear_model.LinearRegression(features=["only"]))
    with pytest.raises(errors.DimensionError):
        q.push(0, 0, 0, [1.0, 2.0, 3.0])
    assert state != p.to_bytes()  # the push_many above did go in


def test_many_events_leak_nothing():
    p = pipeline.Pipeline(3, model=linear_model.LinearRegression(), drift=drift.PageHinkley(),
                          on_prediction=lambda q: None)
    p.add_window_feature(window.Sliding(["mean", "std"], size=50), 0)
    rows = [[float(i % 7), float(i % 3), 1.0] for i in range(1000)]
    for i, r in enumerate(rows):
        p.push(i, i % 10, i, r)
        p.push_label(i, r[0])
    c_bytes = p.stat("handle_bytes")
    gc.collect()
    tracemalloc.start()
    snap = tracemalloc.take_snapshot()
    for j in range(1, 50):
        for i, r in enumerate(rows):
            n = j * 1000 + i
            p.push(n, i % 10, n, r)
            p.push_label(n, r[0])
    gc.collect()
    grown = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(snap, "filename"))
    tracemalloc.stop()
    assert grown < 64 * 1024
    assert p.stat("handle_bytes") == c_bytes
    assert not math.isnan(p.metrics()["mae"])
