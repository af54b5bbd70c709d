"""The streaming loop (sl_pipeline): events -> window and raw features ->
model -> served prediction; labels, arriving later by event id -> metrics ->
drift detector -> policy -> learning, a shadow challenger, snapshots and
rollback. One C call per event or per label, or per batch.

    >>> from streamlearn import drift, linear_model, pipeline, window
    >>> p = pipeline.Pipeline(fields=["temp", "load"], model=linear_model.LogisticRegression(),
    ...                       drift=drift.ADWIN(), metric_window=500)
    >>> p.add_raw_feature("load")
    >>> p.add_window_feature(window.Sliding(["mean", "std"], size=60_000), "temp")
    >>> y_hat = p.push(event_id, "pump-7", ts_ms, {"temp": 71.2, "load": 0.8})
    >>> p.push_label(event_id, True)              # when the truth arrives
    >>> p.metrics()["accuracy_window"]

Ownership: the handles given to a Pipeline (model, challenger, drift,
replay, and each window of add_window_feature) become the pipeline's, as
in C: their Python objects stop working (their calls raise StateError) and
are freed with the pipeline. The layout (raw features, then each window's
values) and the handles are fixed by the first push (or save); a model
whose features are not fixed yet is sized to the layout then, with the
layout's names (`feature_names`). Labels are the champion's: a bool / int
label is its class index, other labels are numbered as they come.

Keys are non-negative ints or str / bytes (hashed with sl_hash_bytes, so
callbacks see the 64-bit hash); ids are non-negative ints.

Callbacks: on_prediction(Prediction), on_expired(Prediction, why: "ttl" |
"evicted"), on_drift(Drift), on_model_change(ModelChange). An exception in
one is re-raised by the push / push_label that ran it, after the C call
finished (the event or label was processed). They may read the pipeline
(metrics(), stats()) but not push into it (StateError). Checkpoints and
pickles do not hold callbacks: set them again after a load.
"""
import ctypes
import inspect
import numbers
from collections import namedtuple

import numpy as np

from . import _lib
from ._callback import ErrorSlot, Trampoline
from ._handle import _REGISTRY, Handle
from ._model import Model, _Labels
from .drift import DriftDetector
from .errors import DimensionError, DuplicateError, InvalidArgumentError, StateError, error
from .replay import ReplayBuffer
from .window import Window

Prediction = namedtuple("Prediction", "id key ts y confidence challenger_y model_version")
Prediction.__doc__ = """A served prediction: y is the champion's (a label for classifiers),
confidence the probability of y (NaN for regressors), challenger_y the
shadow model's (None without one)."""
Drift = namedtuple("Drift", "label_index event_id state action metrics")
Drift.__doc__ = """A drift signal: state "warning" or "drift", action the policy applied
("alert", "reset", "consolidate", "replay"), metrics a dict at that moment."""
ModelChange = namedtuple("ModelChange", "version reason label_index score_before score_reference metrics")
ModelChange.__doc__ = """A model change (the audit trail): reason "promoted", "rolled_back",
"reset", "consolidated" or "retrained"; version the new model version."""

_STATES = {1: "warning", 2: "drift"}
_POLICIES = ("alert", "reset", "consolidate", "replay")
_REASONS = ("promoted", "rolled_back", "reset", "consolidated", "retrained")
_EXPIRY = ("ttl", "evicted")
_ROLES = (("model", Model), ("challenger", Model), ("drift", DriftDetector), ("replay", ReplayBuffer))
_OWNER = "a Pipeline"
_push = _lib.sl_pipeline_push
_push_label = _lib.sl_pipeline_push_label


def _metrics(m):
    """An sl_pipeline_metrics as a dict."""
    out = {"events": m.events, "labels": m.labels, "model_version": m.model_version}
    out.update((f, getattr(m, f)) for f in _lib.METRIC_FIELDS)
    return out


def hash_key(key):
    """The 64-bit key the pipeline uses for `key`: an int as is, a str (UTF-8) or bytes by sl_hash_bytes(., 0)."""
    if isinstance(key, numbers.Integral) and not isinstance(key, bool):
        if not 0 <= key < 2 ** 64:
            raise InvalidArgumentError.make(f"integer key {key} is outside [0, 2**64)")
        return int(key)
    if isinstance(key, str):
        key = key.encode()
    if not isinstance(key, (bytes, bytearray, memoryview)):
        raise InvalidArgumentError.make(f"a key is a non-negative int, a str or bytes, not {type(key).__name__}")
    key = bytes(key)
    return _lib.sl_hash_bytes(key, len(key), 0)


class Pipeline(Handle):
    """The streaming loop: features, prediction, delayed labels, metrics,
    drift policy, challenger, snapshots (see the module doc)."""

    _noun = "pipeline"
    _kind = "default"
    _pending = None

    def __init__(self, n_raw=None, *, model, challenger=None, drift=None, replay=None, fields=None,
                 on_prediction=None, on_expired=None, on_drift=None, on_model_change=None, **params):
        self._require_kind()
        if fields is not None:
            fields = [str(f) for f in fields]
            if n_raw is not None and n_raw != len(fields):
                raise DimensionError.make(f"n_raw is {n_raw} but {len(fields)} fields are named")
            n_raw = len(fields)
        if not isinstance(n_raw, numbers.Integral) or isinstance(n_raw, bool):
            raise InvalidArgumentError.make("give n_raw (the number of raw values per event) or fields=[names]")
        given = {"model": model, "challenger": challenger, "drift": drift, "replay": replay}
        for role, cls in _ROLES:
            obj = given[role]
            if obj is not None and not isinstance(obj, cls):
                raise InvalidArgumentError.make(f"{role} must be a {cls.__name__}, not {type(obj).__name__}")
            if obj is not None and obj._h is None:
                obj._fail(_lib.EINVAL)
        if model is None:
            raise InvalidArgumentError.make("a Pipeline needs a model")
        if any(m is not None and m._hasher is not None for m in (model, challenger)):
            raise InvalidArgumentError.make("a pipeline's features are dense: give it a model without hashing=True")
        if model is challenger:
            raise DuplicateError.make("the model and the challenger must be two objects")
        self._labels, self._classifier = model._labels, model._classifier
        self._adopt(lambda out: _lib.sl_pipeline_new(out, int(n_raw), None), params)
        self.fields = fields or [f"x{i}" for i in range(n_raw)]
        # (role, Python object, C handle) not yet attached in C: attached by _start
        self._pending = [(role, given[role], given[role]._give_away(_OWNER))
                         for role, _ in _ROLES if given[role] is not None]
        self._owned = [o for o in given.values() if o is not None]  # kept for their callbacks and labels
        if on_prediction or on_expired or on_drift or on_model_change:
            self.set_callbacks(on_prediction, on_expired, on_drift, on_model_change)

    @classmethod
    def _extra_parameters(cls):
        P = inspect.Parameter
        return (P("n_raw", P.POSITIONAL_OR_KEYWORD, default=None), P("model", P.KEYWORD_ONLY)) + tuple(
            P(n, P.KEYWORD_ONLY, default=None) for n in ("challenger", "drift", "replay", "fields", "on_prediction",
                                                          "on_expired", "on_drift", "on_model_change"))

    def _attach(self, h):
        super()._attach(h)
        n_raw = int(self.stat("n_raw"))
        self.fields = [f"x{i}" for i in range(n_raw)]
        self._raw, self._windows = [], []  # chosen raw fields; (field, value names) per window
        self._pending = None
        self._owned = []
        self._slot = ErrorSlot()
        self._callbacks = None
        self._row = (ctypes.c_double * n_raw)()
        self._ev = _lib.Event(ctypes.sizeof(_lib.Event), 0, 0, 0, ctypes.addressof(self._row), n_raw)
        self._pred = _lib.Prediction(ctypes.sizeof(_lib.Prediction))
        self._ev_p, self._pred_p = ctypes.byref(self._ev), ctypes.byref(self._pred)
        if not hasattr(self, "_labels"):  # loaded by from_bytes / load: labels are class indices
            self._classifier, binary = self._champion_task()
            self._labels = _Labels(binary=binary)

    def _champion_task(self):
        """(classifier?, binary kind?) of the attached champion (loaded pipelines)."""
        champion = ctypes.c_void_p()
        _lib.sl_pipeline_handles(self._h, ctypes.byref(champion), None, None, None)
        task, n, kind = ctypes.c_int(), ctypes.c_size_t(), ctypes.c_int()
        _lib.sl_model_info(champion, ctypes.byref(task), ctypes.byref(n))
        _lib.sl_model_kind_of(champion, ctypes.byref(kind))
        cls = _REGISTRY.get(("model", kind.value))
        return task.value == 1, bool(cls and cls._binary)

    def close(self):
        """Frees the pipeline and every handle it owns (also those not attached yet)."""
        for _role, obj, h in self._pending or ():
            _lib.fn(obj._noun, "free")(h)
        self._pending = None
        super().close()

    # ---- layout ----------------------------------------------------------------------------

    def _field(self, field):
        if isinstance(field, str):
            if field not in self.fields:
                raise DimensionError.make(f"no raw field {field!r} (fields: {', '.join(self.fields)})")
            return self.fields.index(field)
        return int(field)

    def _before_start(self):
        if self._pending is None:
            raise StateError.make("the layout and handles are fixed once the pipeline started (first push or save)")

    def add_raw_feature(self, field):
        """Adds raw field `field` (a name or an index) to the features, in
        call order (without any call, all raw fields are features). Returns self."""
        self._before_start()
        i = self._field(field)
        self._call("add_raw_feature", i)
        self._raw.append(i)
        return self

    def add_window_feature(self, window, raw_field):
        """Adds a Sliding or Count window fed with raw field `raw_field` (a
        name or an index) of every event, keyed by the event's key; its
        values join the features. The window becomes the pipeline's. A
        window with callbacks is refused (clear them first). Returns self."""
        self._before_start()
        if not isinstance(window, Window):
            raise InvalidArgumentError.make(f"window must be a streamlearn.window.Window, not {type(window).__name__}")
        if window._callbacks is not None:
            raise InvalidArgumentError.make("a window with callbacks cannot feed a pipeline: set_callbacks() to clear")
        i = self._field(raw_field)
        self._call("add_window_feature", window._h, i)
        window._give_away(_OWNER)
        self._windows.append((i, list(window.value_names)))
        self._owned.append(window)
        return self

    @property
    def n_features(self):
        """The size of the feature vector for the layout as it stands."""
        n = ctypes.c_size_t()
        self._call("n_features", ctypes.byref(n))
        return n.value

    @property
    def feature_names(self):
        """The layout's names: the raw fields chosen, then "<field>_<value>" per window value."""
        names = [self.fields[i] for i in (self._raw or range(len(self.fields)))]
        for j, (i, values) in enumerate(self._windows):
            for v in values:
                name = f"{self.fields[i]}_{v}"
                names.append(name if name not in names else f"{name}_{j}")
        return names

    def _start(self):
        """Attaches the handles given at construction (sizing unfixed models to the layout)."""
        names = self.feature_names
        while self._pending:
            role, obj, h = self._pending[0]
            if isinstance(obj, Model) and obj._names is None:
                obj._h, obj._gone = h, None
                try:
                    obj._fix(names)
                finally:
                    h, obj._h, obj._gone = obj._h, None, f"this {type(obj).__name__} belongs to {_OWNER} now"
                self._pending[0] = (role, obj, h)
            self._call(f"set_{role}", h)
            self._pending.pop(0)
        self._pending = None

    # ---- events and labels ---------------------------------------------------------------------

    def push(self, id, key, ts, values, details=False):
        """Pushes event `id` (a non-negative int, unique among pending ones)
        of `key` at time `ts`, raw `values` (a sequence of n_raw numbers, or
        a dict by field name); returns the served prediction (a label for
        classifiers), or with details=True a Prediction. Raises LateEventError
        (behind a window's watermark: nothing changed), DuplicateError (id
        pending), NonFiniteError, DimensionError, or what a callback raised."""
        if self._pending is not None:
            self._start()
        ev = self._ev
        ev.id, ev.key, ev.ts = id, key if type(key) is int else hash_key(key), ts
        if isinstance(values, dict):
            values = [values[f] for f in self.fields]
        if len(values) != len(self._row):
            raise DimensionError.make(f"an event has {len(self._row)} raw values, not {len(values)}")
        self._row[:] = values
        st = _push(self._h, self._ev_p, self._pred_p)
        if st or self._slot.error is not None:
            self._settle(st)
        if details:
            return self._prediction(self._pred)
        y = self._pred.y
        return self._labels.decode(y) if self._classifier else y

    def _settle(self, st):
        self._slot.check()
        if st:
            self._fail(st)

    def push_many(self, ids, keys, ts, values):
        """Pushes events given as columns (values: rows x n_raw), in one C
        call; returns the served predictions (float64 for regressors; for
        classifiers their labels, None / NaN for late events, which are
        skipped). Another failure stops: the exception's `n_done` tells how
        many events were handled."""
        if self._pending is not None:
            self._start()
        ids = np.ascontiguousarray(ids, dtype=np.uint64)
        n = ids.shape[0]
        k = np.asarray(keys)
        if k.dtype.kind in "iu":
            if k.dtype.kind == "i" and n and k.min() < 0:
                raise InvalidArgumentError.make("integer keys must be non-negative")
            k = np.ascontiguousarray(k, dtype=np.uint64)
        else:
            k = np.fromiter((hash_key(x) for x in k.tolist()), np.uint64, k.shape[0])
        ts = np.ascontiguousarray(ts, dtype=np.int64)
        X = np.ascontiguousarray(values, dtype=np.float64)
        if ids.ndim != 1 or k.shape != (n,) or ts.shape != (n,) or X.shape != (n, len(self._row)):
            raise DimensionError.make(f"ids, keys, ts must hold n values and values n x {len(self._row)}")
        y = np.empty(n)
        done, late = ctypes.c_size_t(), ctypes.c_size_t()
        st = _lib.sl_pipeline_push_many(self._h, n, ids.ctypes.data, k.ctypes.data, ts.ctypes.data, X.ctypes.data,
                                        y.ctypes.data, ctypes.byref(done), ctypes.byref(late))
        if st or self._slot.error is not None:
            try:
                self._settle(st)
            except BaseException as e:
                e.n_done = done.value
                raise
        return self._decode_many(y)

    def _decode_many(self, y):
        if not self._classifier:
            return y
        late = np.isnan(y)
        if not late.any() and self._labels.by_index is not False:
            return y.astype(bool) if self._labels.booleans else y.astype(np.int64)
        return np.asarray([None if t else self._labels.decode(v) for v, t in zip(y.tolist(), late.tolist())],
                          dtype=object)

    def push_label(self, id, y):
        """The label of pending event `id`: metrics, drift, policy, learning.
        Returns True, or False when no prediction with that id is pending
        (never pushed, labelled already, or expired; "unmatched_labels"
        counts them). Raises InvalidArgumentError for a class label the model
        cannot take, or what a callback raised."""
        st = _push_label(self._h, id, self._labels.encode(y) if self._classifier else y)
        if st or self._slot.error is not None:
            self._slot.check()
            if st == _lib.ENOTFOUND:
                return False
            if st:
                self._fail(st)
        return True

    def push_labels(self, ids, y):
        """Labels for many events in one C call; returns how many ids were not pending."""
        ids = np.ascontiguousarray(ids, dtype=np.uint64)
        y = self._labels.encode_many(y) if self._classifier else np.ascontiguousarray(y, dtype=np.float64)
        if y.shape != ids.shape or ids.ndim != 1:
            raise DimensionError.make("ids and y must be 1-D of one length")
        done, unmatched = ctypes.c_size_t(), ctypes.c_size_t()
        st = _lib.sl_pipeline_push_labels(self._h, ids.shape[0], ids.ctypes.data, y.ctypes.data, ctypes.byref(done),
                                          ctypes.byref(unmatched))
        if st or self._slot.error is not None:
            try:
                self._settle(st)
            except BaseException as e:
                e.n_done = done.value
                raise
        return unmatched.value

    def metrics(self):
        """The prequential metrics now: events, labels, model_version and the
        faded / windowed accuracy, log_loss, mae, rmse (NaN where they do not apply)."""
        m = _lib.PipelineMetrics(ctypes.sizeof(_lib.PipelineMetrics))
        self._call("read_metrics", ctypes.byref(m))
        return _metrics(m)

    def champion(self):
        """A copy of the champion model (a standalone Model, with the layout's feature names)."""
        return self._model_copy(0)

    def challenger(self):
        """A copy of the challenger model, or None without one."""
        return self._model_copy(1)

    def _model_copy(self, which):
        if self._pending is not None:
            self._start()
        ptr = [ctypes.c_void_p(), ctypes.c_void_p()]
        self._call("handles", ctypes.byref(ptr[0]), ctypes.byref(ptr[1]), None, None)
        if not ptr[which].value:
            return None
        n = ctypes.c_size_t()
        _lib.sl_model_save_mem(ptr[which], 0, None, 0, ctypes.byref(n))
        buf = ctypes.create_string_buffer(n.value)
        st = _lib.sl_model_save_mem(ptr[which], 0, buf, n.value, ctypes.byref(n))
        if st:
            raise error(st)
        m = Model.from_bytes(buf.raw[: n.value])
        names = self.feature_names if len(self.feature_names) == m._n else None
        m.__setstate__({"checkpoint": buf.raw[: n.value], "features": names or list(range(m._n)),
                        "labels": self._labels.state(), "codes": {}})
        return m

    # ---- callbacks ----------------------------------------------------------------------------

    def _prediction(self, p):
        c = p.challenger_y
        challenger = None if c != c else (self._labels.decode(c) if self._classifier else c)
        return Prediction(p.id, p.key, p.ts, self._labels.decode(p.y) if self._classifier else p.y,
                          p.confidence, challenger, p.model_version)

    def set_callbacks(self, on_prediction=None, on_expired=None, on_drift=None, on_model_change=None):
        """Sets (None: clears) the callbacks; see the module doc. Returns self."""
        slot = self._slot
        make = [
            (_lib.PREDICTION_FN, on_prediction, lambda p, _u: on_prediction(self._prediction(p.contents))),
            (_lib.EXPIRED_FN, on_expired, lambda p, why, _u: on_expired(self._prediction(p.contents),
                                                                         _EXPIRY[why])),
            (_lib.DRIFT_FN, on_drift, lambda d, _u: on_drift(self._drift(d.contents))),
            (_lib.CHANGE_FN, on_model_change, lambda c, _u: on_model_change(self._change(c.contents))),
        ]
        tramps = [Trampoline(proto, _ignoring(call), slot=slot) if fn else None for proto, fn, call in make]
        cb = _lib.PipelineCallbacks(ctypes.sizeof(_lib.PipelineCallbacks),
                                    *(t.c if t else proto() for t, (proto, _, _) in zip(tramps, make)), None)
        self._call("set_callbacks", ctypes.byref(cb))
        self._callbacks = tramps if any(tramps) else None  # kept alive while C may call them
        return self

    @staticmethod
    def _drift(d):
        return Drift(d.label_index, d.event_id, _STATES.get(d.state, d.state), _POLICIES[d.action],
                     _metrics(d.metrics.contents))

    @staticmethod
    def _change(c):
        return ModelChange(c.version, _REASONS[c.reason], c.label_index, c.score_before, c.score_reference,
                           _metrics(c.metrics.contents))

    # ---- persistence ---------------------------------------------------------------------------

    def to_bytes(self, compress=False):
        if self._pending is not None:
            self._start()
        return super().to_bytes(compress)

    def save(self, file, compress=False):
        if self._pending is not None:
            self._start()
        return super().save(file, compress)

    def __getstate__(self):
        return {**super().__getstate__(), "fields": self.fields, "raw": self._raw, "windows": self._windows,
                "labels": self._labels.state(), "classifier": self._classifier}

    def __setstate__(self, state):
        super().__setstate__(state)
        self.fields, self._raw, self._windows = state["fields"], state["raw"], state["windows"]
        self._labels, self._classifier = _Labels.from_state(state["labels"]), state["classifier"]

    def __repr__(self):
        if self._h is None:
            return "Pipeline(<closed>)"
        return f"Pipeline(fields={self.fields!r}, features={self.feature_names!r})"


def _ignoring(fn):
    """`fn` with its return value dropped: a Python callback stops nothing by returning."""
    def call(*args):
        fn(*args)

    return call
