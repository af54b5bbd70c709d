"""Hoeffding trees (sl_model tree kinds), shaped like River's `river.tree`."""
from ._model import Classifier


class HoeffdingTreeClassifier(Classifier):
    """Hoeffding tree (VFDT) classifier, like river.tree.HoeffdingTreeClassifier."""

    _kind = "hoeffding_tree"


class HoeffdingAdaptiveTreeClassifier(Classifier):
    """Hoeffding adaptive tree classifier, like river.tree.HoeffdingAdaptiveTreeClassifier."""

    _kind = "hoeffding_adaptive_tree"
