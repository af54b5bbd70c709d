"""Online linear models (sl_model linear and EWC kinds), shaped like River's
`river.linear_model`: learn_one(x: dict, y), predict_one(x),
predict_proba_one(x) (classifiers), and learn_many / predict_many on numpy
arrays in one C call each. Parameters are keywords checked by the C
library's table (each class's docstring, or `Class.parameters()`); the
feature-name mapping is described in streamlearn._model.
"""
from ._model import Classifier, Regressor


class LinearRegression(Regressor):
    """Linear regression by SGD (squared or Huber loss), like river.linear_model.LinearRegression."""

    _kind = "linear_regression"


class LogisticRegression(Classifier):
    """Binary logistic regression by SGD, like river.linear_model.LogisticRegression."""

    _kind = "logistic_regression"


class SoftmaxRegression(Classifier):
    """Multiclass softmax regression by SGD, like river.linear_model.SoftmaxRegression."""

    _kind = "softmax_regression"


class LinearSVM(Classifier):
    """Binary linear SVM by SGD on the hinge loss."""

    _kind = "linear_svm"


class PAClassifier(Classifier):
    """Passive-aggressive binary classifier, like river.linear_model.PAClassifier."""

    _kind = "pa_classifier"


class PARegressor(Regressor):
    """Passive-aggressive regressor, like river.linear_model.PARegressor."""

    _kind = "pa_regressor"


class EWCLinearRegression(Regressor):
    """Linear regression with an elastic weight consolidation penalty."""

    _kind = "ewc_linear"


class EWCLogisticRegression(Classifier):
    """Logistic regression with an elastic weight consolidation penalty."""

    _kind = "ewc_logistic"
