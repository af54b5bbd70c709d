"""Online linear models (sl_model linear and EWC kinds), shaped like River's
`river.linear_model`: learn_one(x: dict, y), predict_one(x),
predict_proba_one(x) (classifiers), and learn_many / predict_many on numpy
arrays in one C call each. Parameters are keywords checked by the C
library's table (each class's docstring, or `Class.parameters()`); the
feature-name mapping is described in streamlearn._model.
"""
import ctypes
import inspect

import numpy as np

from . import _lib
from ._model import Classifier, Regressor
from ._hashing import Hasher
from .errors import DimensionError, InvalidArgumentError


class _Linear:
    """Weights of a linear kind: one row of n_features weights per output
    (class, for softmax) plus one intercept per output. With hashing=True,
    dict features go through the hashing trick (streamlearn._hashing) into
    2**bits weights: any feature names, including new ones at any time,
    and str values as one-hot indicators; dicts only (no learn_many)."""

    def __init__(self, *, features=None, hashing=False, bits=20, **params):
        if hashing:
            if features is not None:
                raise InvalidArgumentError.make("features= and hashing=True exclude each other")
            self._hasher = Hasher(bits)
        super().__init__(features=features, **params)

    @classmethod
    def _extra_parameters(cls):
        P = inspect.Parameter
        return super()._extra_parameters() + (P("hashing", P.KEYWORD_ONLY, default=False),
                                              P("bits", P.KEYWORD_ONLY, default=20))

    def get_weights(self):
        """(W, b): W an (outputs x n_features) array, b the intercepts."""
        n = ctypes.c_size_t()
        st = _lib.sl_model_weights(self._h, None, 0, ctypes.byref(n))
        if st not in (_lib.OK, _lib.EBUFFER):
            self._fail(st)
        flat = np.empty(n.value)
        self._call("weights", flat.ctypes.data, n.value, ctypes.byref(n))
        outputs = n.value // (self._n + 1)
        return flat[: outputs * self._n].reshape(outputs, self._n), flat[outputs * self._n:]

    def set_weights(self, W, b):
        """Sets the weights and intercepts (the shapes get_weights gives). Returns self."""
        W0, b0 = self.get_weights()
        W, b = np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if W.size != W0.size or b.size != b0.size:
            raise DimensionError.make(f"weights take W of shape {W0.shape} and b of shape {b0.shape}")
        flat = np.concatenate([W.ravel(), b.ravel()])
        self._call("set_weights", flat.ctypes.data, flat.shape[0])
        return self

    @property
    def weights(self):
        """{feature: weight}, like River's; for several outputs {label: {feature: weight}}.
        With hashing=True, {index: weight} over the non-zero weights."""
        W, _ = self.get_weights()
        if self._hasher is not None:
            rows = [{int(i): float(w[i]) for i in np.flatnonzero(w)} for w in W]
        else:
            rows = [dict(zip(self._names, w.tolist())) for w in W]
        return rows[0] if len(rows) == 1 else {self._labels.decode(i): r for i, r in enumerate(rows)}

    @property
    def intercept(self):
        """The intercept, like River's; for several outputs {label: intercept}."""
        _, b = self.get_weights()
        return b[0] if len(b) == 1 else {self._labels.decode(i): v for i, v in enumerate(b.tolist())}


class _EWC(_Linear):
    def consolidate(self):
        """Closes the current task: its Fisher information and the current
        weights become the anchor the penalty pulls towards. Returns self."""
        self._call("consolidate")
        return self


class LinearRegression(_Linear, Regressor):
    """Linear regression by SGD (squared or Huber loss), like river.linear_model.LinearRegression."""

    _kind = "linear_regression"


class LogisticRegression(_Linear, Classifier):
    """Binary logistic regression by SGD, like river.linear_model.LogisticRegression."""

    _kind = "logistic_regression"
    _binary = True


class SoftmaxRegression(_Linear, Classifier):
    """Multiclass softmax regression by SGD, like river.linear_model.SoftmaxRegression."""

    _kind = "softmax_regression"


class LinearSVM(_Linear, Classifier):
    """Binary linear SVM by SGD on the hinge loss (River: LogisticRegression(loss=optim.losses.Hinge()))."""

    _kind = "linear_svm"
    _binary = True


class PAClassifier(_Linear, Classifier):
    """Passive-aggressive binary classifier, like river.linear_model.PAClassifier."""

    _kind = "pa_classifier"
    _binary = True


class PARegressor(_Linear, Regressor):
    """Passive-aggressive regressor, like river.linear_model.PARegressor."""

    _kind = "pa_regressor"


class EWCLinearRegression(_EWC, Regressor):
    """Linear regression with an elastic weight consolidation penalty; consolidate() at task boundaries."""

    _kind = "ewc_linear"


class EWCLogisticRegression(_EWC, Classifier):
    """Logistic regression with an elastic weight consolidation penalty; consolidate() at task boundaries."""

    _kind = "ewc_logistic"
    _binary = True
