"""Handles are freed on close(), at the end of a `with` block and when
collected; a million calls leak nothing on either side of the boundary."""
import gc
import tracemalloc
import weakref

import numpy as np
from conftest import require

from streamlearn import drift


def _rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4


def test_context_manager_closes():
    with drift.PageHinkley() as ph:
        ph.update(1.0)
        assert ph._h is not None
    assert ph._h is None


def test_collected_object_frees_its_handle():
    ph = drift.PageHinkley()
    ref = weakref.ref(ph)
    del ph
    gc.collect()
    assert ref() is None


def test_create_and_collect_many_does_not_grow_memory():
    cls = drift.ADWIN if drift.ADWIN._kind_id is not None else drift.PageHinkley
    for _ in range(2000):  # warm up the allocators
        cls().update(1.0)
    before = _rss_kib()
    for _ in range(100_000):
        cls().update(1.0)
    gc.collect()
    # an ADWIN holds ~1 KiB of C memory: a leak would add ~100 MiB here
    assert _rss_kib() - before < 16 * 1024


def test_a_million_updates_leak_nothing():
    ph = drift.PageHinkley()
    values = [float(i % 7) for i in range(1000)]
    for v in values:
        ph.update(v)
    c_bytes = ph.stat("bytes")
    gc.collect()
    tracemalloc.start()
    snap = tracemalloc.take_snapshot()
    update = ph.update
    for _ in range(1000):
        for v in values:
            update(v)
    gc.collect()
    grown = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(snap, "filename"))
    tracemalloc.stop()
    assert grown < 64 * 1024
    assert ph.stat("bytes") == c_bytes and ph.stat("n") > 0


def test_a_thousand_batches_leak_nothing():
    require(drift.ADWIN)
    d = drift.ADWIN()
    xs = np.random.default_rng(0).normal(0, 1, 1000)
    d.update_many(xs)
    c_bytes = d.stat("bytes")
    gc.collect()
    tracemalloc.start()
    snap = tracemalloc.take_snapshot()
    for _ in range(1000):
        d.update_many(xs, return_warnings=True)
    gc.collect()
    grown = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(snap, "filename"))
    tracemalloc.stop()
    assert grown < 64 * 1024
    assert d.stat("bytes") == c_bytes


def test_model_dict_api_leaks_nothing():
    from streamlearn import linear_model

    require(linear_model.LogisticRegression)
    m = linear_model.LogisticRegression()
    xs = [{"a": float(i % 5), "b": float(i % 3) - 1.0, "c": 0.5} for i in range(1000)]
    for i, x in enumerate(xs):
        m.learn_one(x, i % 2 == 0)
    c_bytes = m.stat("bytes")
    gc.collect()
    tracemalloc.start()
    snap = tracemalloc.take_snapshot()
    for _ in range(100):
        for i, x in enumerate(xs):
            m.predict_proba_one(x)
            m.learn_one(x, i % 2 == 0)
    gc.collect()
    grown = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(snap, "filename"))
    tracemalloc.stop()
    assert grown < 64 * 1024
    assert m.stat("bytes") == c_bytes
