"""Replay buffers through the binding: the records that come back are the
ones added, batch and one-by-one calls agree, sampling follows the
priorities, and a pickled buffer samples exactly as the original."""
import pickle

import numpy as np
import pytest
from conftest import require

from streamlearn import errors, replay


def _data(n=50, d=3, seed=0):
    r = np.random.default_rng(seed)
    return r.normal(size=(n, d)), r.integers(0, 2, n).astype(float)


def test_fifo_keeps_the_latest_records():
    require(replay.FIFO)
    X, y = _data()
    b = replay.FIFO(3, capacity=10)
    slots = b.add_many(X, y, timestamps=np.arange(50), keys=np.arange(50, dtype=np.uint64) * 7)
    assert slots.tolist() == [i % 10 for i in range(50)] and len(b) == 10
    for i in range(40, 50):
        rec = b.get(i % 10)
        assert rec.features.tolist() == X[i].tolist() and rec.target == y[i]
        assert rec.timestamp == i and rec.key == 7 * i and rec.weight == 1.0


def test_add_and_add_many_agree():
    require(replay.Reservoir)
    X, y = _data()
    a, b = replay.Reservoir(3, capacity=8, seed=5), replay.Reservoir(3, capacity=8, seed=5)
    one = [a.add(X[i], y[i]) for i in range(50)]
    many = b.add_many(X, y)
    assert [-1 if s is None else s for s in one] == many.tolist()
    assert a.to_bytes() == b.to_bytes()


def test_sample_returns_stored_records():
    require(replay.FIFO)
    X, y = _data()
    b = replay.FIFO(3, capacity=64)
    b.add_many(X, y)
    s = b.sample(20, replace=False)
    assert len(set(s.slots.tolist())) == 20
    for row, t, slot in zip(s.features, s.targets, s.slots):
        assert row.tolist() == X[slot].tolist() and t == y[slot]
    assert np.all(s.is_weights == 1.0)


def test_prioritized_sampling_follows_priorities():
    require(replay.Prioritized)
    b = replay.Prioritized(1, capacity=4, alpha=1.0, seed=3)
    b.add_many(np.zeros((4, 1)), np.zeros(4))
    b.update_priorities([0, 1, 2, 3], [1.0, 2.0, 3.0, 4.0])
    drawn = np.concatenate([b.sample(4).slots for _ in range(5000)])
    counts = np.bincount(drawn, minlength=4) / drawn.size
    assert np.allclose(counts, [0.1, 0.2, 0.3, 0.4], atol=0.015)
    s = b.sample(4)
    assert s.is_weights.max() == 1.0


def test_pickled_buffer_samples_identically():
    require(replay.Prioritized)
    X, y = _data()
    b = replay.Prioritized(3, capacity=32)
    b.add_many(X, y)
    c = pickle.loads(pickle.dumps(b))
    assert type(c) is replay.Prioritized and c.n_features == 3 and len(c) == 32
    assert b.sample(16).slots.tolist() == c.sample(16).slots.tolist()


def test_errors_leave_the_buffer_unchanged():
    require(replay.FIFO)
    X, y = _data()
    b = replay.FIFO(3, capacity=10)
    with pytest.raises(errors.StateError):
        b.sample(1)
    with pytest.raises(errors.DimensionError):
        b.add([1.0, 2.0], 0.0)
    bad = X.copy()
    bad[7, 1] = np.nan
    with pytest.raises(errors.NonFiniteError):
        b.add_many(bad, y)
    assert len(b) == 0
    with pytest.raises(errors.InvalidArgumentError):
        b.add(X[0], 1.0, weight=-1.0)
    with pytest.raises(errors.KindError):
        b.update_priorities([0], [1.0])
