"""Hoeffding trees (sl_model tree kinds), shaped like River's `river.tree`.

Nominal features, as in River, are those whose values are strings (seen in
the first dict) or that are named in `nominal=[...]`; the binding maps each
category to a code 0, 1, 2, ... in order of appearance (at most the
"max_nominal_values" parameter per feature; beyond it learning is an
InvalidArgumentError). Every other feature is numeric.
"""
import ctypes
import inspect
from collections import namedtuple

import numpy as np

from . import _lib
from ._model import Classifier

Node = namedtuple("Node", "kind depth feature value")
Node.__doc__ = """One node of a tree in preorder: kind 'leaf' (value: the weight it
has seen), 'numeric' (x[feature] <= value goes to the first child),
'nominal_binary' (x[feature] == value goes first) or 'nominal_multiway'
(value: its number of children); depth from the root (0)."""

_NODE_KINDS = ("leaf", "numeric", "nominal_binary", "nominal_multiway")


class _Tree(Classifier):
    def __init__(self, *, features=None, nominal=(), **params):
        self._codes = {name: {} for name in nominal}  # nominal feature -> {category: code}
        super().__init__(features=features, **params)

    @classmethod
    def _extra_parameters(cls):
        return super()._extra_parameters() + (
            inspect.Parameter("nominal", inspect.Parameter.KEYWORD_ONLY, default=()),)

    def _attach(self, h):
        if not hasattr(self, "_codes"):  # loaded by from_bytes: all numeric
            self._codes = {}
        super()._attach(h)

    def _fix(self, names):
        super()._fix(names)
        idx = np.array([i for i, n in enumerate(names) if n in self._codes], dtype=np.uintp)
        if idx.size:
            self._call("set_nominal", idx.ctypes.data, idx.size)

    def _fill(self, x, strict):
        if self._names is None:
            for k, v in x.items():
                if isinstance(v, str):
                    self._codes.setdefault(k, {})
        if self._codes:
            x = {k: (self._codes[k].setdefault(v, len(self._codes[k])) if k in self._codes else v)
                 for k, v in x.items()}
        return super()._fill(x, strict)

    def nodes(self):
        """The tree's nodes in preorder, as Node tuples (feature by name, a
        nominal split's value as its category)."""
        out, i = [], 0
        kind, depth, feature, value = ctypes.c_int(), ctypes.c_size_t(), ctypes.c_size_t(), ctypes.c_double()
        decode = {k: {c: v for v, c in codes.items()} for k, codes in self._codes.items()}
        while _lib.sl_model_tree_node(self._h, i, ctypes.byref(kind), ctypes.byref(depth), ctypes.byref(feature),
                                      ctypes.byref(value)) == _lib.OK:
            name = None if kind.value == 0 else self._names[feature.value]
            v = value.value
            if kind.value == 2:
                v = decode[name].get(int(v), int(v))
            out.append(Node(_NODE_KINDS[kind.value], depth.value, name, v))
            i += 1
        return out

    def __getstate__(self):
        return {**super().__getstate__(), "codes": self._codes}

    def __setstate__(self, state):
        self._codes = state["codes"]
        super().__setstate__(state)


class HoeffdingTreeClassifier(_Tree):
    """Hoeffding tree (VFDT) classifier, like river.tree.HoeffdingTreeClassifier."""

    _kind = "hoeffding_tree"


class HoeffdingAdaptiveTreeClassifier(_Tree):
    """Hoeffding adaptive tree classifier, like river.tree.HoeffdingAdaptiveTreeClassifier."""

    _kind = "hoeffding_adaptive_tree"
