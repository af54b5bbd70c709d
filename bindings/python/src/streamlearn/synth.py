"""Seeded synthetic streams (sl_stream), named like River's
`river.datasets.synth`:

    >>> for x, y in synth.SEA(variant=1, seed=7).take(3):   # River-style dicts
    ...     print(x, y)
    >>> X, y = synth.Agrawal().next_many(100_000)            # one C call

Rows come from the library's own RNG, so they are not River's rows; the
concepts and feature distributions are the same (docs/streams.md). The
same kind, parameters and seed give the same rows everywhere, and a pickled
stream resumes the exact sequence. Class targets come as ints, regression
targets as floats.
"""
import ctypes
import inspect
import itertools

import numpy as np

from . import _lib
from ._callback import Trampoline
from ._handle import Handle
from .errors import error


class Stream(Handle):
    """Base of every generator; `Stream.from_bytes(b)` loads any kind."""

    _noun = "stream"

    def __init__(self, **params):
        kind = self._require_kind()
        self._adopt(lambda out: _lib.sl_stream_new(out, kind, None), params)

    def _attach(self, h):
        super()._attach(h)
        self._info = _lib.StreamInfo()
        _lib.sl_stream_describe(h, ctypes.byref(self._info))
        name = ctypes.create_string_buffer(256)
        self.feature_names = []
        for i in range(self._info.n_features):
            _lib.sl_stream_feature(h, i, name, len(name), None)
            self.feature_names.append(_lib.text(name.value))

    @property
    def n_features(self):
        return self._info.n_features

    @property
    def n_classes(self):
        """Number of classes; 0 for a regression stream."""
        return self._info.n_classes

    def next_many(self, rows):
        """The next `rows` rows: (X float64 rows x n_features, y), one C call."""
        X = np.empty((rows, self.n_features))
        y = np.empty(rows)
        self._call("next", X.ctypes.data, self.n_features, y.ctypes.data, rows)
        return X, (y.astype(np.int64) if self.n_classes else y)

    def take(self, n, chunk=1024):
        """Yields the next `n` rows as (dict of feature name -> value, target), like River."""
        names = self.feature_names
        while n > 0:
            X, y = self.next_many(min(n, chunk))
            n -= len(y)
            for row, t in zip(X.tolist(), y.tolist()):
                yield dict(zip(names, row)), t

    def __iter__(self):
        return itertools.chain.from_iterable(self.take(1024) for _ in itertools.count())

    def label(self, x):
        """The noise-free label the current concept gives features `x` (a
        sequence, or a dict by feature name). NotSupportedError for streams
        without a closed-form concept."""
        if isinstance(x, dict):
            x = [x[k] for k in self.feature_names]
        row = np.ascontiguousarray(x, dtype=np.float64)
        y = ctypes.c_double()
        self._call("label", row.ctypes.data, row.shape[0], ctypes.byref(y))
        return int(y.value) if self.n_classes else y.value

    def write_csv(self, file, rows):
        """Writes the next `rows` rows as CSV (header: the feature names, then
        "y") to a binary file object, through the C write callback; an
        exception from file.write is re-raised here. Returns self."""
        def write(_user, buf, n):
            file.write(ctypes.string_at(buf, n))

        t = Trampoline(_lib.WRITE_FN, write)
        st = _lib.sl_stream_write_csv(self._h, rows, t.c, None)
        t.check()
        if st != _lib.OK:
            self._fail(st)
        return self

    def reset(self):
        """Restarts the stream: the same rows again from the first. Returns self."""
        self._call("reset")
        return self


def _stream(name, kind, summary):
    return type(name, (Stream,), {"_kind": kind, "__doc__": summary, "__module__": __name__})


SEA = _stream("SEA", "sea", "SEA concepts (Street & Kim 2001), like river.datasets.synth.SEA.")
Agrawal = _stream("Agrawal", "agrawal", "Agrawal loan applicants, like river.datasets.synth.Agrawal.")
Hyperplane = _stream("Hyperplane", "hyperplane", "Rotating hyperplane, like river.datasets.synth.Hyperplane.")
RandomRBF = _stream("RandomRBF", "random_rbf", "Random radial basis functions (with drift when change_speed > 0), "
                    "like river.datasets.synth.RandomRBF / RandomRBFDrift.")
STAGGER = _stream("STAGGER", "stagger", "STAGGER concepts, like river.datasets.synth.STAGGER.")
LED = _stream("LED", "led", "LED digits (with drift when n_drift_features > 0), like river.datasets.synth.LED.")
Sine = _stream("Sine", "sine", "Sine concepts, like river.datasets.synth.Sine.")
Friedman = _stream("Friedman", "friedman", "Friedman #1 regression (with drift_type), "
                   "like river.datasets.synth.Friedman / FriedmanDrift.")


class ConceptDriftStream(Stream):
    """Blends `stream` into `drift_stream` around `position` over `width`
    rows (a sigmoid), like river.datasets.synth.ConceptDriftStream. With no
    streams: River's default, Agrawal function 0 drifting to function 2.
    The new stream takes over the two streams given: they are closed."""

    _kind = "concept_drift"

    def __init__(self, stream=None, drift_stream=None, **params):
        if stream is None and drift_stream is None:
            super().__init__(**params)
            return
        h = ctypes.c_void_p()
        st = _lib.sl_stream_concept_drift(ctypes.byref(h), stream._h, drift_stream._h, None)
        if st != _lib.OK:
            raise error(st)
        stream._h = drift_stream._h = None  # owned by the new stream now
        try:
            self._apply(h, params)
        except BaseException:
            _lib.sl_stream_free(h)
            raise
        self._attach(h)

    @classmethod
    def _extra_parameters(cls):
        return tuple(inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
                     for n in ("stream", "drift_stream"))
