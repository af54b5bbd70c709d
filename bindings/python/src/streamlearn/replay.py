"""Replay buffers (sl_replay): bounded stores of past examples to learn from
again. River has no counterpart; the API is numpy-first:

    >>> buf = replay.Prioritized(4, capacity=10_000, alpha=0.6)
    >>> buf.add_many(X, y)                  # one C call
    >>> b = buf.sample(32)                  # one C call, a Batch of arrays
    >>> buf.update_priorities(b.slots, np.abs(errors))

Each buffer holds rows of a fixed number of features, given at creation.
"""
import ctypes
import inspect
from collections import namedtuple

import numpy as np

from . import _lib
from ._handle import Handle
from .errors import DimensionError

Batch = namedtuple("Batch", "features targets weights timestamps keys slots is_weights")
Batch.__doc__ = "A sample: numpy arrays with one entry (features: one row) per record drawn."

Record = namedtuple("Record", "features target weight timestamp key")


def _vector(v, n, dtype, name):
    """`v` as a contiguous 1-D array of `n` entries, or None when v is None."""
    if v is None:
        return None
    a = np.ascontiguousarray(v, dtype=dtype)
    if a.shape != (n,):
        raise DimensionError.make(f"{name} must hold {n} values, not shape {a.shape}")
    return a


def _address(a):
    return None if a is None else a.ctypes.data


class ReplayBuffer(Handle):
    """Base of every buffer; `ReplayBuffer.from_bytes(b)` loads any kind."""

    _noun = "replay"

    def __init__(self, n_features, **params):
        kind = self._require_kind()
        self._adopt(lambda out: _lib.sl_replay_new(out, kind, n_features, None), params)

    @classmethod
    def _extra_parameters(cls):
        return (inspect.Parameter("n_features", inspect.Parameter.POSITIONAL_OR_KEYWORD),)

    def _attach(self, h):
        super()._attach(h)
        self.n_features = int(self.stat("n_features"))
        self._slot = ctypes.c_size_t()
        self._slot_p = ctypes.byref(self._slot)

    def _row(self, x):
        row = np.ascontiguousarray(x, dtype=np.float64)
        if row.shape != (self.n_features,):
            raise DimensionError.make(f"a row holds {self.n_features} values, not shape {row.shape}")
        return row

    def add(self, x, target, weight=1.0, timestamp=0, key=0):
        """Offers one record; returns its slot, or None when the buffer chose
        not to keep it (reservoir, class_balanced)."""
        row = self._row(x)
        self._call("add", row.ctypes.data, self.n_features, target, weight, timestamp, key, self._slot_p)
        slot = self._slot.value
        return None if slot == ctypes.c_size_t(-1).value else slot

    def add_many(self, X, targets, weights=None, timestamps=None, keys=None):
        """Offers every row of X in one C call; returns the slots (int64 array,
        -1 where a record was not kept). Every record is checked first: on an
        error nothing was added."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise DimensionError.make(f"X must be rows x {self.n_features}, not shape {X.shape}")
        n = X.shape[0]
        t = _vector(targets, n, np.float64, "targets")
        w = _vector(weights, n, np.float64, "weights")
        ts = _vector(timestamps, n, np.int64, "timestamps")
        k = _vector(keys, n, np.uint64, "keys")
        slots = np.empty(n, dtype=np.uintp)
        self._call("add_many", X.ctypes.data, n, self.n_features, t.ctypes.data, _address(w), _address(ts),
                   _address(k), slots.ctypes.data)
        return slots.astype(np.int64)

    def sample(self, k, replace=True):
        """Draws k records (with replacement, or k distinct ones) into a Batch,
        in one C call. The buffer's RNG advances; the records stay."""
        b = Batch(np.empty((k, self.n_features)), np.empty(k), np.empty(k), np.empty(k, np.int64),
                  np.empty(k, np.uint64), np.empty(k, np.uintp), np.empty(k))
        c = _lib.ReplayBatch(ctypes.sizeof(_lib.ReplayBatch), k, self.n_features,
                             *(a.ctypes.data for a in b))
        self._call("sample", k, 1 if replace else 0, ctypes.byref(c))
        return b._replace(slots=b.slots.astype(np.int64))

    def update_priorities(self, slots, priorities):
        """Sets the priorities of sampled slots (prioritized buffers)."""
        s = np.ascontiguousarray(slots, dtype=np.uintp)
        p = _vector(priorities, s.shape[0], np.float64, "priorities")
        self._call("update_priorities", s.ctypes.data, p.ctypes.data, s.shape[0])
        return self

    def get(self, slot):
        """The record in `slot`, as a Record."""
        x = np.empty(self.n_features)
        t, w = ctypes.c_double(), ctypes.c_double()
        ts, k = ctypes.c_int64(), ctypes.c_uint64()
        self._call("get", slot, x.ctypes.data, self.n_features, ctypes.byref(t), ctypes.byref(w),
                   ctypes.byref(ts), ctypes.byref(k))
        return Record(x, t.value, w.value, ts.value, k.value)

    def __len__(self):
        n = ctypes.c_size_t()
        self._call("size", ctypes.byref(n))
        return n.value

    def clear(self):
        """Forgets every record, keeping parameters, storage and the RNG state; returns self."""
        self._call("clear")
        return self


class FIFO(ReplayBuffer):
    """The latest `capacity` records."""

    _kind = "fifo"


class Reservoir(ReplayBuffer):
    """A uniform sample of every record added (Vitter's algorithm R)."""

    _kind = "reservoir"


class Prioritized(ReplayBuffer):
    """Prioritized replay (Schaul et al. 2016, proportional), with importance-sampling weights."""

    _kind = "prioritized"


class ClassBalanced(ReplayBuffer):
    """Class-balanced reservoir sampling (Chrysakis & Moens 2020); targets are class ids."""

    _kind = "class_balanced"
