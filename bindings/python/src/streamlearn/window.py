"""Keyed event-time windows (sl_window): per-key aggregates over tumbling,
hopping, session, sliding and count windows, with a watermark.

    >>> from streamlearn import window
    >>> w = window.Tumbling(["count", "mean", "max"], size=60_000, allowed_lateness=5_000)
    >>> w.push("pump-7", ts_ms, 3.2)          # False when the event was late
    >>> w.push_many(keys, ts, values)         # numpy columns, one C call
    >>> w.flush()                             # end of stream: close every window
    >>> w.poll()                              # structured array: key, start, end, count, mean, max

    >>> s = window.Sliding(["mean", "std"], size=5_000)
    >>> s.push(7, ts_ms, 1.5); s.query(7)     # {'mean': .., 'std': ..}

Aggregates are named ("count", "sum", "mean", "var", "std", "min", "max",
"first", "last", "ewma", "rate", "quantile"); a result is a dict (or the
fields of a structured array) by value name ("q0.99" for quantiles).
Keys are non-negative ints (< 2**64), or str / bytes (str is UTF-8, so
"a" and b"a" are one key; results give keys back as str once a str key was
pushed, else as bytes). Timestamps are ints in one unit (milliseconds
recommended), and every duration parameter is in that unit.

Closed tumbling / hopping / session windows go to `on_window(key, start,
end, values)` when that callback is set, else to a queue that `poll()`
empties. `on_late(key, ts, value, watermark)` and `on_evict(key,
last_seen, why)` report refused events and removed keys. An exception in a
callback is re-raised by the call that ran it (an on_window exception
stops delivery: the remaining windows come with the next call); a callback
must not call into its own window (StateError).
"""
import ctypes
import inspect
import numbers

import numpy as np

from . import _lib
from ._callback import ErrorSlot, Trampoline
from ._handle import Handle
from .errors import DimensionError, InvalidArgumentError, NonFiniteError

AGGREGATES = ("count", "sum", "mean", "var", "std", "min", "max", "first", "last", "ewma", "rate", "quantile")
_EVICT_WHY = ("expired", "evicted")
_push = _lib.sl_window_push
_push_bytes = _lib.sl_window_push_bytes
_INT64_MIN = -(2 ** 63)


def aggregate_mask(aggregates):
    """The SL_WINDOW_AGG_* bit mask of a list of aggregate names (or an int mask as is)."""
    if isinstance(aggregates, numbers.Integral):
        return int(aggregates)
    if isinstance(aggregates, str):
        aggregates = [aggregates]
    mask = 0
    for name in aggregates:
        if name not in AGGREGATES:
            raise InvalidArgumentError.make(f"unknown aggregate {name!r}; choose from {', '.join(AGGREGATES)}")
        mask |= 1 << AGGREGATES.index(name)
    return mask


class Window(Handle):
    """Base of every window kind; `Window.from_bytes(b)` loads any kind."""

    _noun = "window"

    def __init__(self, aggregates=("count", "mean"), *, on_window=None, on_late=None, on_evict=None, **params):
        kind = self._require_kind()
        mask = aggregate_mask(aggregates)
        self._adopt(lambda out: _lib.sl_window_new(out, kind, mask, None), params)
        if on_window or on_late or on_evict:
            self.set_callbacks(on_window, on_late, on_evict)

    @classmethod
    def _extra_parameters(cls):
        P = inspect.Parameter
        return (P("aggregates", P.POSITIONAL_OR_KEYWORD, default=("count", "mean")),) + tuple(
            P(n, P.KEYWORD_ONLY, default=None) for n in ("on_window", "on_late", "on_evict"))

    def _attach(self, h):
        super()._attach(h)
        self._text = None  # None: no byte key yet; True: str keys; False: bytes keys
        self._slot = ErrorSlot()
        self._callbacks = None
        self._layout()

    def _layout(self):
        """Reads the result layout (it follows "aggregates" and "n_quantiles")."""
        n = _lib.sl_window_n_values(self._h)
        name = ctypes.c_char_p()
        self.value_names = []
        for i in range(n):
            _lib.sl_window_value_name(self._h, i, ctypes.byref(name))
            self.value_names.append(_lib.text(name.value))
        self._out = np.empty(n)
        self._out_at = self._out.ctypes.data

    # ---- parameters: "aggregates" by names ------------------------------------------

    def _set_one(self, h, name, value):
        if name == "aggregates":
            value = aggregate_mask(value)
        return super()._set_one(h, name, value)

    def set_params(self, **params):
        super().set_params(**params)
        self._layout()
        return self

    def get_params(self):
        out = super().get_params()
        out["aggregates"] = [a for i, a in enumerate(AGGREGATES) if out["aggregates"] >> i & 1]
        return out

    # ---- keys ----------------------------------------------------------------------------

    def _key_bytes(self, key):
        """A str / bytes key as bytes (and the key mode fixed by the first one)."""
        if isinstance(key, str):
            if self._text is None:
                self._text = True
            return key.encode()
        if isinstance(key, (bytes, bytearray, memoryview)):
            if self._text is None:
                self._text = False
            return bytes(key)
        raise InvalidArgumentError.make(f"a key is a non-negative int, a str or bytes, not {type(key).__name__}")

    def _int_key(self, key):
        """`key` as an int key, or None when it is a str / bytes key."""
        if isinstance(key, numbers.Integral) and not isinstance(key, bool):
            key = int(key)
            if not 0 <= key < 2 ** 64:
                raise InvalidArgumentError.make(f"integer key {key} is outside [0, 2**64)")
            return key
        return None

    def _key_out(self, raw):
        """A key as the library reports it (bytes or None, and the id) in the user's terms."""
        data, ident = raw
        if data is None:
            return ident
        return data.decode("utf-8", "surrogateescape") if self._text else data

    def _c_key(self, kp):
        k = kp.contents
        return self._key_out((ctypes.string_at(k.bytes, k.len) if k.bytes else None, k.id))

    # ---- events ------------------------------------------------------------------------------

    def push(self, key, ts, value):
        """Adds one event. Returns True, or False when it was late (behind the
        watermark: refused, on_late called, the "late" statistic counts it).
        Raises NonFiniteError (NaN / inf value), CapacityError (the poll
        queue is full: poll(); or key_cap reached with key_full="refuse"),
        InvalidArgumentError (bad key or timestamp), or what a callback raised."""
        if type(key) is int and key >= 0:
            st = _push(self._h, key, ts, value)
        else:
            k = self._int_key(key)
            if k is not None:
                st = _push(self._h, k, ts, value)
            else:
                b = self._key_bytes(key)
                st = _push_bytes(self._h, b, len(b), ts, value)
        if st or self._slot.error is not None:
            return self._settle(st)
        return True

    def _settle(self, st):
        """After a C call: re-raises a callback's exception, then the status's (ELATE: False)."""
        self._slot.check()
        if st == _lib.ELATE:
            return False
        if st:
            self._fail(st)
        return True

    def push_many(self, keys, ts, values):
        """Adds events given as columns, in order; returns how many were late.
        Integer keys (a numpy array or a list of ints) go in one C call;
        str / bytes keys one call each. Every value is checked first (NaN /
        inf: nothing added). On another failure the events before it stay
        added and the exception's `n_done` tells how many were handled."""
        ts = np.ascontiguousarray(ts, dtype=np.int64)
        values = np.ascontiguousarray(values, dtype=np.float64)
        k = np.asarray(keys)
        n = ts.shape[0]
        if ts.ndim != 1 or values.shape != (n,) or k.shape != (n,):
            raise DimensionError.make(f"keys, ts and values must be 1-D of one length, not {k.shape}, "
                                      f"{ts.shape}, {values.shape}")
        if k.dtype.kind not in "iu":
            return self._push_each(k.tolist(), ts.tolist(), values)
        if k.dtype.kind == "i" and n and k.min() < 0:
            raise InvalidArgumentError.make("integer keys must be non-negative")
        k = np.ascontiguousarray(k, dtype=np.uint64)
        done, late = ctypes.c_size_t(), ctypes.c_size_t()
        st = _lib.sl_window_push_many(self._h, k.ctypes.data, ts.ctypes.data, values.ctypes.data, n,
                                      ctypes.byref(done), ctypes.byref(late))
        if st or self._slot.error is not None:
            self._raise_partial(st, done.value)
        return late.value

    def _push_each(self, keys, ts, values):
        if not np.isfinite(values).all():
            raise NonFiniteError.make("a value is NaN or infinite; nothing was added")
        late = 0
        for i, (key, t, v) in enumerate(zip(keys, ts, values.tolist())):
            try:
                late += not self.push(key, t, v)
            except BaseException as e:
                e.n_done = i
                raise
        return late

    def _raise_partial(self, st, done):
        try:
            self._slot.check()
            self._fail(st)
        except BaseException as e:
            e.n_done = done
            raise

    def flush(self):
        """End of stream: closes every open tumbling / hopping / session window
        and emits it (callback or queue). Events may follow. Raises
        CapacityError when the queue filled (poll, then flush again). Returns self."""
        st = _lib.sl_window_flush(self._h)
        if st or self._slot.error is not None:
            self._settle(st)
        return self

    # ---- results ------------------------------------------------------------------------------

    def query(self, key):
        """The current window of `key` (sliding and count kinds) as {value name: float}.
        Raises NotFoundError for an unknown key, KindError for the other kinds."""
        k = self._int_key(key)
        if k is not None:
            st = _lib.sl_window_query(self._h, k, self._out_at, self._out.shape[0])
        else:
            b = self._key_bytes(key)
            st = _lib.sl_window_query_bytes(self._h, b, len(b), self._out_at, self._out.shape[0])
        if st:
            self._fail(st)
        return dict(zip(self.value_names, self._out.tolist()))

    def poll(self, max_windows=None, as_dicts=False):
        """Takes closed windows out of the queue, oldest first (all of them,
        or at most `max_windows`): a structured numpy array with fields key,
        start, end and one per value name (key: uint64, or object holding
        str / bytes once byte keys were pushed); with as_dicts=True a list of
        dicts with the same names."""
        n_values = self._out.shape[0]
        width = int(self.get_params()["key_bytes_max"])
        parts, left = [], max_windows
        while left is None or left > 0:
            cap = max(int(self.stat("queued")), 1) if left is None else left
            keys, starts, ends = np.empty(cap, np.uint64), np.empty(cap, np.int64), np.empty(cap, np.int64)
            vals = np.empty((cap, n_values))
            kb, kl = np.empty((cap, width), np.uint8), np.zeros(cap, np.uintp)
            got = ctypes.c_size_t()
            self._call("poll", keys.ctypes.data, starts.ctypes.data, ends.ctypes.data, vals.ctypes.data, cap,
                       ctypes.byref(got), kb.ctypes.data if width else None, kl.ctypes.data if width else None)
            m = got.value
            parts.append((keys[:m], kb[:m], kl[:m], starts[:m], ends[:m], vals[:m]))
            left = None if left is None else left - m
            if m < cap:
                break
        byte_keys = self._text is not None or any(p[2].any() for p in parts)
        if byte_keys and self._text is None:  # a loaded window: bytes keys
            self._text = False
        fields = [("key", object if byte_keys else np.uint64), ("start", np.int64), ("end", np.int64)]
        out = np.empty(sum(len(p[0]) for p in parts), dtype=fields + [(v, np.float64) for v in self.value_names])
        at = 0
        for keys, kb, kl, starts, ends, vals in parts:
            m = len(keys)
            if byte_keys:
                keys = [self._key_out((kb[i, : kl[i]].tobytes() if kl[i] else None, int(keys[i]))) for i in range(m)]
            out["key"][at: at + m] = keys
            out["start"][at: at + m] = starts
            out["end"][at: at + m] = ends
            for j, v in enumerate(self.value_names):
                out[v][at: at + m] = vals[:, j]
            at += m
        if as_dicts:
            names = out.dtype.names
            return [dict(zip(names, row)) for row in out.tolist()]
        return out

    @property
    def watermark(self):
        """The watermark (newest timestamp minus allowed_lateness); None before any event."""
        wm = ctypes.c_int64()
        self._call("watermark", ctypes.byref(wm))
        return None if wm.value == _INT64_MIN else wm.value

    # ---- callbacks ------------------------------------------------------------------------------

    def set_callbacks(self, on_window=None, on_late=None, on_evict=None):
        """Sets (or, with None, clears) the three callbacks:
        on_window(key, start, end, values: dict), on_late(key, ts, value,
        watermark), on_evict(key, last_seen, why: "expired" | "evicted").
        Without on_window, closed windows go to the poll queue. Returns self."""
        slot = self._slot
        tramps = (
            Trampoline(_lib.WINDOW_FN, self._guard(lambda kp, s, e, v, n, _u: on_window(
                self._c_key(kp), s, e, dict(zip(self.value_names, v[:n])))), slot=slot) if on_window else None,
            Trampoline(_lib.WINDOW_LATE_FN, self._guard(lambda kp, t, v, wm, _u: on_late(
                self._c_key(kp), t, v, wm)), slot=slot) if on_late else None,
            Trampoline(_lib.WINDOW_EVICT_FN, self._guard(lambda kp, t, why, _u: on_evict(
                self._c_key(kp), t, _EVICT_WHY[why])), slot=slot) if on_evict else None,
        )
        protos = (_lib.WINDOW_FN, _lib.WINDOW_LATE_FN, _lib.WINDOW_EVICT_FN)
        self._call("set_callbacks", *(t.c if t else p() for t, p in zip(tramps, protos)), None)
        self._callbacks = tramps if any(tramps) else None  # kept alive while C may call them
        return self

    def _guard(self, fn):
        """`fn` run with the handle hidden: a callback calling into its own
        window gets StateError instead of corrupting it. Returns None (go on)."""
        def call(*args):
            h, self._h, self._gone = self._h, None, "a window callback cannot call into its own window"
            try:
                fn(*args)
            finally:
                self._h, self._gone = h, None

        return call

    # ---- pickling ------------------------------------------------------------------------------

    def __getstate__(self):
        return {**super().__getstate__(), "text": self._text}

    def __setstate__(self, state):
        super().__setstate__(state)
        self._text = state["text"]


class Tumbling(Window):
    """Fixed, non-overlapping windows [k*size, (k+1)*size) per key, emitted when the watermark passes their end."""

    _kind = "tumbling"


class Hopping(Window):
    """Windows of `size` starting every `slide` per key, emitted when the watermark passes their end."""

    _kind = "hopping"


class Sliding(Window):
    """The events of each key in (newest - size, newest]; read with query(key)
    (River: utils.TimeRolling per key)."""

    _kind = "sliding"


class Session(Window):
    """Bursts of each key separated by at least `gap`, emitted when the watermark passes last + gap."""

    _kind = "session"


class Count(Window):
    """The last `count` events of each key; read with query(key) (River: utils.Rolling per key)."""

    _kind = "count"
