"""streamlearn: Python bindings (ctypes) for libstreamlearn, online machine
learning on live data streams in C.

Modules: drift (change detectors), linear_model and tree (online learners),
errors (the exceptions). The shared library is found through
$STREAMLEARN_LIBRARY, then the package directory, then the system.
"""
from . import _lib, drift, errors
from .errors import StreamlearnError

__version__ = _lib.version
library_path = _lib.path

__all__ = ["drift", "errors", "StreamlearnError", "library_path"]
