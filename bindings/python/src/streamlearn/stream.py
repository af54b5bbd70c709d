"""Reading numeric CSV in chunks with the C library's reader (sl_csv_*).

    >>> from streamlearn import stream
    >>> with stream.CSVReader("data.csv", target="y") as r:
    ...     for X, y in r.batches(10_000):         # numpy, one C call per batch
    ...         model.learn_many(X, y)
    >>> for x, y in stream.iter_csv("data.csv", target="y"):   # River-style dicts
    ...     model.learn_one(x, y)

A source is a path (str or os.PathLike), a bytes-like object (read in
place) or a binary file object (read through the C read callback; an
exception from its read() is re-raised). The header names the columns; one
is the target (default the last; a name, an index, or None for none), the
others are the features in file order. Numbers are parsed without the C
locale; a record is at most 65536 bytes.

A bad row (wrong field count, missing value "", "NA" or "?", NaN / inf, not
a number) raises, after the good rows before it were returned, the
StreamlearnError of its kind with `.line` (1-based, the header is line 1);
reading can go on after it. With errors="skip" bad rows are skipped and
listed in `reader.skipped` as (line, status name, detail).
"""
import ctypes
import os

import numpy as np

from . import _lib
from ._callback import Trampoline
from .errors import InvalidArgumentError, error

_LAST = object()


class CSVReader:
    """A chunked CSV reader over a path, bytes or a binary file object."""

    def __init__(self, source, target=_LAST, errors="raise"):
        if errors not in ("raise", "skip"):
            raise InvalidArgumentError.make(f"errors must be 'raise' or 'skip', not {errors!r}")
        self._h = None
        self._errors = errors
        self.skipped = []
        self._pending_error = None
        h = ctypes.c_void_p()
        self._read = None
        if isinstance(source, (str, os.PathLike)):
            st = _lib.sl_csv_open_path(ctypes.byref(h), os.fsencode(source), None)
        elif isinstance(source, (bytes, bytearray, memoryview)):
            self._data = bytes(source)  # must outlive the reader
            st = _lib.sl_csv_open_mem(ctypes.byref(h), self._data, len(self._data), None)
        elif hasattr(source, "read"):
            def read(_user, buf, cap):
                data = source.read(cap)
                ctypes.memmove(buf, data, len(data))
                return len(data)

            self._read = Trampoline(_lib.CSV_READ_FN, read, fail=-1)
            st = _lib.sl_csv_open(ctypes.byref(h), self._read.c, None, None)
            self._read.check()
        else:
            raise InvalidArgumentError.make(f"a CSV source is a path, bytes or a binary file, not {type(source).__name__}")
        if st:
            raise error(st, f"opening the CSV {source!r:.80}")
        self._h = h
        n, name = ctypes.c_size_t(), ctypes.c_char_p()
        _lib.sl_csv_columns(h, ctypes.byref(n))
        self.columns = []
        for i in range(n.value):
            _lib.sl_csv_column_name(h, i, ctypes.byref(name))
            self.columns.append(_lib.text(name.value))
        if target is _LAST:
            self.target = self.columns[-1]
        elif target is None:
            self._check(_lib.sl_csv_set_target(h, None))
            self.target = None
        elif isinstance(target, int):
            self._check(_lib.sl_csv_set_target_index(h, target))
            self.target = self.columns[target]
        else:
            self._check(_lib.sl_csv_set_target(h, str(target).encode()))
            self.target = str(target)
        self.feature_names = [c for i, c in enumerate(self.columns)
                              if self.target is None or i != self._target_index()]
        self.n_features = _lib.sl_csv_n_features(h)

    def _target_index(self):
        return self.columns.index(self.target)

    def _check(self, st):
        """Raises (closing the reader) when choosing the target failed."""
        if st:
            e = error(st, _lib.text(_lib.sl_csv_last_error(self._h)))
            self.close()
            raise e

    def next_many(self, rows):
        """Up to `rows` rows (fewer only at the end): (X float64 rows x
        n_features, y float64, or None without a target)."""
        if self._h is None:
            raise InvalidArgumentError.make("the reader is closed")
        if self._pending_error is not None:
            e, self._pending_error = self._pending_error, None
            raise e
        X = np.empty((rows, self.n_features))
        y = np.empty(rows) if self.target is not None else None
        at = 0
        got = ctypes.c_size_t()
        while at < rows:
            want = rows - at
            st = _lib.sl_csv_next(self._h, X[at:].ctypes.data, self.n_features,
                                  y[at:].ctypes.data if y is not None else None, want, ctypes.byref(got))
            if self._read is not None:
                self._read.check()
            at += got.value
            if st == _lib.OK:
                if got.value < want:
                    break  # end of input
                continue
            line = _lib.sl_csv_error_line(self._h)
            if self._errors == "skip" and st != _lib.EIO:  # a failed read stops reading
                self.skipped.append((line, _lib.text(_lib.sl_status_name(st)),
                                     _lib.text(_lib.sl_csv_last_error(self._h))))
                continue
            e = error(st, _lib.text(_lib.sl_csv_last_error(self._h)))
            e.line = line
            if at == 0:
                raise e
            self._pending_error = e  # the good rows first
            break
        return X[:at], (y[:at] if y is not None else None)

    def batches(self, rows=8192):
        """Yields (X, y) batches of `rows` until the end of input."""
        while True:
            X, y = self.next_many(rows)
            if len(X):
                yield X, y
            if len(X) < rows and self._pending_error is None:
                return

    def __iter__(self):
        """Yields (dict of feature name -> value, target) rows, like river.stream.iter_csv."""
        names = self.feature_names
        for X, y in self.batches(1024):
            ys = y.tolist() if y is not None else [None] * len(X)
            for row, t in zip(X.tolist(), ys):
                yield dict(zip(names, row)), t

    def close(self):
        """Closes the reader (and its file). Idempotent."""
        h, self._h = self._h, None
        if h is not None:
            _lib.sl_csv_free(h)

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def iter_csv(source, target=_LAST, errors="raise"):
    """Yields (x: dict, y) per row of a CSV source, like river.stream.iter_csv
    (numbers only; see CSVReader)."""
    with CSVReader(source, target, errors) as r:
        yield from r
