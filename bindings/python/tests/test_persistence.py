"""Save / load and pickling: a restored detector goes on exactly as the
original; bad checkpoints are refused with the status; exceptions raised in
the file callbacks reach the caller."""
import copy
import io
import pickle

import numpy as np
import pytest
from conftest import require, streams

from streamlearn import _lib, drift, errors

KINDS = [drift.ADWIN, drift.PageHinkley, drift.KSWIN, drift.DDM, drift.EDDM, drift.HDDMA, drift.HDDMW]


def _feed(cls):
    xs = streams()["several"]
    return (xs > 0.5).astype(float) if cls in (drift.DDM, drift.EDDM, drift.HDDMA, drift.HDDMW) else xs


@pytest.mark.parametrize("cls", KINDS, ids=lambda c: c.__name__)
def test_pickle_mid_stream_continues_identically(cls):
    require(cls)
    xs = _feed(cls)
    a = cls()
    a.update_many(xs[:2500])
    b = pickle.loads(pickle.dumps(a))
    assert type(b) is cls and b.get_params() == a.get_params()
    assert b.drift_detected == a.drift_detected
    ra, wa = a.update_many(xs[2500:], return_warnings=True)
    rb, wb = b.update_many(xs[2500:], return_warnings=True)
    assert ra.tolist() == rb.tolist() and wa.tolist() == wb.tolist()
    assert a.to_bytes() == b.to_bytes()


def test_copy_and_deepcopy_are_independent():
    a = drift.PageHinkley()
    a.update_many(np.zeros(50))
    for b in (copy.copy(a), copy.deepcopy(a)):
        b.update(0.0)
        assert b.stat("n") == 51 and a.stat("n") == 50


def test_from_bytes_on_the_base_class_gives_the_kind():
    a = drift.PageHinkley(threshold=9)
    b = drift.DriftDetector.from_bytes(a.to_bytes())
    assert type(b) is drift.PageHinkley and b.threshold == 9


def test_from_bytes_of_another_kind_is_a_kind_error():
    require(drift.DDM)
    with pytest.raises(errors.KindError) as e:
        drift.PageHinkley.from_bytes(drift.DDM().to_bytes())
    assert "ddm" in e.value.detail


def test_damaged_checkpoints_are_refused():
    good = drift.PageHinkley().to_bytes()
    with pytest.raises(errors.CorruptError):
        drift.PageHinkley.from_bytes(good[:-1])
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0x10
    with pytest.raises(errors.CorruptError):
        drift.PageHinkley.from_bytes(bytes(flipped))
    with pytest.raises(errors.StreamlearnError):
        drift.PageHinkley.from_bytes(b"")


def test_save_and_load_through_file_callbacks():
    a = drift.PageHinkley(delta=0.5)
    a.update_many(np.arange(10.0))
    f = io.BytesIO()
    a.save(f)
    assert f.getvalue() == a.to_bytes()
    f.seek(0)
    b = drift.PageHinkley.load(f)
    assert b.to_bytes() == a.to_bytes()
    f = io.BytesIO(a.to_bytes()[:-3])
    with pytest.raises(errors.CorruptError):
        drift.PageHinkley.load(f)


class Boom(Exception):
    pass


class _Failing(io.RawIOBase):
    def write(self, b):
        raise Boom("disk full")

    def read(self, n=-1):
        raise Boom("cable cut")


def test_exception_in_write_callback_reaches_the_caller():
    with pytest.raises(Boom, match="disk full"):
        drift.PageHinkley().save(_Failing())


def test_exception_in_read_callback_reaches_the_caller():
    with pytest.raises(Boom, match="cable cut"):
        drift.PageHinkley.load(_Failing())


def test_compressed_checkpoint_or_not_supported():
    a = drift.PageHinkley()
    a.update_many(np.arange(100.0))
    if _lib.sl_has_compression():
        assert drift.PageHinkley.from_bytes(a.to_bytes(compress=True)).to_bytes() == a.to_bytes()
    else:
        with pytest.raises(errors.NotSupportedError):
            a.to_bytes(compress=True)
