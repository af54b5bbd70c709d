"""Online learners (sl_model) with River's dict API and a numpy batch API.

A C model has a fixed number of features. The Python object maps feature
names to indices, fixed by the first call that sees features (learn_one,
predict_one, learn_many, predict_many; or `features=[...]` at
construction), in the order of that first dict's keys. Afterwards:
  - a feature missing from a dict counts as 0 (as in River's linear models),
  - an unknown feature is ignored by predict_* and refused by learn_one
    (DimensionError: the model has no weight for it).
Until then the object holds a one-feature model, so parameters are checked
by the C table at construction and can be read and set.

Class labels (classifiers): a bool or non-negative int label is its own
class index (False = 0, True = 1), as the C library expects; with labels of
any other type (str, ...) the first label seen is class 0, the next new one
class 1, and so on. The mode is set by the first label.
"""
import ctypes
import inspect
import numbers
import operator

import numpy as np

from . import _lib
from ._handle import Handle
from ._hashing import Hasher
from .errors import DimensionError, InvalidArgumentError, NotSupportedError

_learn = _lib.sl_model_learn
_predict = _lib.sl_model_predict
_proba = _lib.sl_model_predict_proba
_predict_learn = _lib.sl_model_predict_learn
_proba_learn = _lib.sl_model_predict_proba_learn
_CLASSIFICATION = 1


class _Labels:
    """Label <-> class index, in the mode the first label sets (see module doc)."""

    def __init__(self, labels=None, binary=False):
        self.labels = {}  # index -> label
        self.index = {}  # label -> index
        self.by_index = None  # True: labels are indices; None: not decided
        self.binary = binary  # a binary kind: False / True until other labels are seen
        for i, label in (labels or {}).items():
            self.add(label, i)

    def add(self, label, i):
        self.labels[i], self.index[label] = label, i

    def _is_index(self, y):
        return isinstance(y, (numbers.Integral, np.bool_)) and y >= 0

    def encode(self, y):
        i = self.index.get(y)
        if i is not None:
            return i
        if self.by_index is None:
            self.by_index = self._is_index(y)
        if self.by_index:
            if not self._is_index(y):
                raise InvalidArgumentError.make(f"label {y!r}: this model's labels are class indices (ints or bools)")
            i = int(y)
        else:
            i = len(self.labels)
        self.add(y, i)
        return i

    def encode_many(self, y):
        """encode() over an array, as a float64 array; integer arrays in index mode without a loop."""
        arr = np.asarray(y)
        if arr.dtype.kind in "biu" and self.by_index is not False:
            for label in np.unique(arr).tolist():
                self.encode(label)
            if self.by_index:
                return arr.astype(np.float64)
        return np.fromiter((self.encode(v) for v in arr.tolist()), np.float64, arr.shape[0])

    def decode(self, i):
        i = int(i)
        if i in self.labels:
            return self.labels[i]
        return bool(i) if self.booleans else (i if self.by_index else None)

    @property
    def booleans(self):
        """Classes are False / True: bool labels, or a binary kind before any label."""
        if any(isinstance(label, (bool, np.bool_)) for label in self.index):
            return True
        return self.binary and not self.index

    def classes(self):
        """Indices and labels to report probabilities for."""
        known = dict(self.labels)
        if self.booleans:  # River's binary classifiers report both
            known.setdefault(0, False)
            known.setdefault(1, True)
        return sorted(known.items())

    def state(self):
        return {"labels": dict(self.labels), "by_index": self.by_index, "binary": self.binary}

    @classmethod
    def from_state(cls, s):
        out = cls(s["labels"], s["binary"])
        out.by_index = s["by_index"]
        return out


class Model(Handle):
    """Base of every learner; `Model.from_bytes(b)` loads any kind (features 0..n-1)."""

    _noun = "model"
    _binary = False  # a binary classifier kind (classes 0 and 1 only)
    _hasher = None  # a _hashing.Hasher when dict features go through the hashing trick

    def __init__(self, *, features=None, **params):
        kind = self._require_kind()
        self._names = None
        self._labels = _Labels(binary=self._binary)
        n = 1 if self._hasher is None else self._hasher.n
        self._adopt(lambda out: _lib.sl_model_new(out, kind, n, None), params)
        if features is not None:
            self._fix(list(features))

    @classmethod
    def _extra_parameters(cls):
        return (inspect.Parameter("features", inspect.Parameter.KEYWORD_ONLY, default=None),)

    def _attach(self, h):
        super()._attach(h)
        n, task = ctypes.c_size_t(), ctypes.c_int()
        _lib.sl_model_info(h, ctypes.byref(task), ctypes.byref(n))
        self._n = n.value
        self._classifier = task.value == _CLASSIFICATION
        self._x = (ctypes.c_double * (n.value if self._hasher is None else 1))()
        self._x_at = ctypes.addressof(self._x)
        self._y = ctypes.c_double()
        self._y_at = ctypes.addressof(self._y)
        self._p = (ctypes.c_double * 2)()
        if self._hasher is not None:
            return
        if not hasattr(self, "_names"):  # loaded by from_bytes: features are 0..n-1
            self._names = list(range(n.value))
            self._labels = _Labels(binary=self._binary)
        if self._names is not None:
            self._index = {k: i for i, k in enumerate(self._names)}
            # The values of a dict holding exactly the model's features, as a
            # tuple in index order (itemgetter: ~3x faster than a Python loop).
            self._values = operator.itemgetter(*self._names) if len(self._names) > 1 else (
                lambda x, k=self._names[0]: (x[k],))

    def _fix(self, names):
        """Fixes the feature names: replaces the one-feature model by one over `names`."""
        if len(set(names)) != len(names) or not names:
            raise InvalidArgumentError.make("feature names must be unique and at least one")
        kind, params = self._kind_id, self.get_params()
        old = self._h
        self._h = None
        try:
            self._names = list(names)
            self._adopt(lambda out: _lib.sl_model_new(out, kind, len(names), None), params)
        except BaseException:
            self._names, self._h = None, old
            raise
        _lib.sl_model_free(old)

    @property
    def features(self):
        """The feature names in index order, or None before they are fixed."""
        return None if self._names is None else tuple(self._names)

    # ---- dict API -----------------------------------------------------------------

    def _fill(self, x, strict):
        """Copies dict `x` into the input row (see the module doc for missing /
        unknown names); returns the row's address."""
        if self._names is None:
            self._fix(list(x))
        names = self._names
        if len(x) == len(names):
            try:
                self._x[:] = self._values(x)
                return self._x_at
            except KeyError:
                pass
        row, index = [0.0] * len(names), self._index
        for k, v in x.items():
            i = index.get(k)
            if i is not None:
                row[i] = v
            elif strict:
                raise DimensionError.make(f"feature {k!r} is not one of the model's {len(names)} fixed features")
        self._x[:] = row
        return self._x_at

    def learn_one(self, x, y, w=1.0):
        """Learns one example: `x` a dict of feature name -> number, `y` the
        target (a class label for classifiers), `w` its weight. Returns self."""
        if self._hasher is not None:
            i, v, nnz = self._hasher.fill(x)
            st = _lib.sl_model_learn_sparse(self._h, i, v, nnz, self._target(y), w)
        else:
            row = self._fill(x, True)
            st = _learn(self._h, row, self._n, self._labels.encode(y) if self._classifier else y, w)
        if st:
            self._fail(st)
        return self

    def _target(self, y):
        return self._labels.encode(y) if self._classifier else y

    def _predict_row(self, x):
        if self._hasher is not None:
            i, v, nnz = self._hasher.fill(x)
            st = _lib.sl_model_predict_sparse(self._h, i, v, nnz, self._y_at)
        else:
            row = self._fill(x, False)  # first: it may fix the features, replacing the handle
            st = _predict(self._h, row, self._n, self._y_at)
        if st:
            self._fail(st)
        return self._y.value

    def _predict_learn_row(self, x, y, w):
        """The prediction for `x` made before learning (x, y, w): one C call
        (sl_model_predict_learn), two with the hashing trick."""
        if self._hasher is not None:
            p = self._predict_row(x)
            self.learn_one(x, y, w)
            return p
        row = self._fill(x, True)
        st = _predict_learn(self._h, row, self._n, self._labels.encode(y) if self._classifier else y, w, self._y_at)
        if st:
            self._fail(st)
        return self._y.value

    # ---- numpy API ------------------------------------------------------------------

    def _matrix(self, X):
        """X as a C-contiguous float64 matrix in the model's feature order (no
        copy when it already is one). A DataFrame-like X is matched by column name."""
        if self._hasher is not None:
            raise NotSupportedError.make("a model with hashing=True takes dicts (learn_one / predict_one), not matrices")
        columns = getattr(X, "columns", None)
        if columns is not None:
            if self._names is None:
                self._fix(list(columns))
            X = X[self._names].to_numpy()
        X = np.ascontiguousarray(X, dtype=np.float64)
        if X.ndim != 2:
            raise DimensionError.make(f"X must be 2-D (rows x features), not {X.ndim}-D")
        if self._names is None:
            self._fix(list(range(X.shape[1])))
        if X.shape[1] != self._n:
            raise DimensionError.make(f"X has {X.shape[1]} columns, the model takes {self._n}")
        return X

    def learn_many(self, X, y, w=None):
        """Learns every row of X (rows x features) with targets y and weights
        w (None: all 1), in one C call. Every row is checked first: on an
        error nothing was learned. Returns self."""
        X = self._matrix(X)
        y = self._labels.encode_many(y) if self._classifier else np.ascontiguousarray(y, dtype=np.float64)
        if y.shape != (X.shape[0],) or (w is not None and np.shape(w) != y.shape):
            raise DimensionError.make(f"y (and w) must hold one value per row of X ({X.shape[0]})")
        w = None if w is None else np.ascontiguousarray(w, dtype=np.float64)
        self._call("learn_many", X.ctypes.data, X.shape[0], X.shape[1], y.ctypes.data,
                   None if w is None else w.ctypes.data)
        return self

    def _predict_matrix(self, X):
        X = self._matrix(X)
        out = np.empty(X.shape[0], dtype=np.float64)
        self._call("predict_many", X.ctypes.data, X.shape[0], X.shape[1], out.ctypes.data)
        return out

    def reset(self):
        """Forgets everything learned; keeps the parameters, features and labels. Returns self."""
        self._call("reset")
        return self

    # ---- pickling ----------------------------------------------------------------------

    def __getstate__(self):
        return {"checkpoint": self.to_bytes(), "features": self._names, "labels": self._labels.state(),
                "hashing": None if self._hasher is None else self._hasher.bits}

    def __setstate__(self, state):
        if state.get("hashing"):
            self._hasher = Hasher(state["hashing"])
        self._names = state["features"]
        self._labels = _Labels.from_state(state["labels"])
        super().__setstate__(state)


class Regressor(Model):
    """A learner of real-valued targets."""

    def predict_one(self, x):
        """The prediction for dict `x` (float)."""
        return self._predict_row(x)

    def predict_learn_one(self, x, y, w=1.0):
        """Progressive validation in one C call: returns predict_one(x) as it
        was before learning, then learns (x, y, w) as learn_one does."""
        return self._predict_learn_row(x, y, w)

    def predict_many(self, X):
        """Predictions for every row of X (float64 array), in one C call."""
        return self._predict_matrix(X)


class Classifier(Model):
    """A learner of class labels."""

    def predict_one(self, x):
        """The most probable label for dict `x` (None before any label was seen)."""
        return self._labels.decode(self._predict_row(x))

    def predict_learn_one(self, x, y, w=1.0):
        """Progressive validation in one C call: returns predict_one(x) as it
        was before learning, then learns (x, y, w) as learn_one does."""
        return self._labels.decode(self._predict_learn_row(x, y, w))

    def _proba_room(self, classes):
        need = classes[-1][0] + 1
        if len(self._p) < need:
            self._p = (ctypes.c_double * need)()
        return need

    def predict_proba_one(self, x):
        """{label: probability} over the labels seen so far ({} before any)."""
        classes = self._labels.classes()
        if not classes:
            return {}
        need = self._proba_room(classes)
        if self._hasher is not None:
            i, v, nnz = self._hasher.fill(x)
            st = _lib.sl_model_predict_proba_sparse(self._h, i, v, nnz, ctypes.addressof(self._p), need)
        else:
            row = self._fill(x, False)  # first: it may fix the features, replacing the handle
            st = _proba(self._h, row, self._n, ctypes.addressof(self._p), need)
        if st:
            self._fail(st)
        return {label: self._p[i] for i, label in classes}

    def predict_proba_learn_one(self, x, y, w=1.0):
        """predict_proba_one(x) as it was before learning (x, y, w), in one C
        call (two with the hashing trick). The labels reported are those
        seen before `y`."""
        if self._hasher is not None:
            p = self.predict_proba_one(x)
            self.learn_one(x, y, w)
            return p
        classes = self._labels.classes()
        row = self._fill(x, True)
        target = self._labels.encode(y)
        if not classes:
            self.learn_one(x, y, w)
            return {}
        need = self._proba_room(classes)
        st = _proba_learn(self._h, row, self._n, target, w, ctypes.addressof(self._p), need)
        if st:
            self._fail(st)
        return {label: self._p[i] for i, label in classes}

    def predict_many(self, X):
        """Most probable labels for every row of X (numpy array), in one C call."""
        idx = self._predict_matrix(X)
        if self._labels.booleans:
            return idx.astype(bool)
        if self._labels.by_index is not False:
            return idx.astype(np.int64)
        return np.asarray([self._labels.decode(i) for i in idx])
