"""Test setup. The tests run against the installed package (`pip install
./bindings/python`, then `python -m pytest` in bindings/python) or, when it
is not installed, against src/ with the library named by
$STREAMLEARN_LIBRARY (an in-tree `make` build)."""
import os
import sys

import numpy as np
import pytest

try:
    import streamlearn  # noqa: F401
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    import streamlearn  # noqa: F401


def require(cls):
    """Skips the test when the loaded library lacks the class's kind."""
    if cls._kind_id is None:
        pytest.skip(f"the library has no {cls._noun} kind '{cls._kind}'")


def streams():
    """Seeded real-valued streams whose mean rises and falls: name -> array."""
    r = np.random.default_rng(11)
    abrupt = np.concatenate([r.normal(m, 1, 2000) for m in (0.0, 1.5, 0.0)])
    several = np.concatenate([r.normal(m, 1, 1500) for m in (0.0, 2.0, -1.0, 1.0)])
    t = np.arange(7000)
    ramp = r.normal(0, 1, 7000) + np.clip((t - 2000) / 1500, 0, 1) * 2.0 - np.clip((t - 4500) / 1500, 0, 1) * 3.0
    return {"abrupt": abrupt, "several": several, "ramp": ramp}


def binary_streams():
    """Seeded 0 / 1 error streams whose rate steps up: name -> array."""
    r = np.random.default_rng(12)
    step = np.concatenate([(r.random(3000) < p) for p in (0.1, 0.35)]).astype(float)
    steps = np.concatenate([(r.random(2500) < p) for p in (0.05, 0.2, 0.1, 0.4)]).astype(float)
    return {"step": step, "steps": steps}
