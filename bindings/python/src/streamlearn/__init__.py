"""streamlearn: Python bindings (ctypes) for libstreamlearn, online machine
learning on live data streams in C.

Modules: drift (change detectors), linear_model and tree (online learners),
replay (replay buffers), synth (seeded synthetic streams), window (keyed
event-time windows), pipeline (the streaming loop), stream (the CSV
reader), errors (the exceptions). The shared library is found through
$STREAMLEARN_LIBRARY, then the package directory, then the system.
"""
from . import _lib, drift, errors, linear_model, pipeline, replay, stream, synth, tree, window
from .errors import StreamlearnError

__version__ = _lib.version
library_path = _lib.path


def available():
    """{handle type: [kind names]} of the loaded library (kinds it was built with)."""
    out = {}
    for noun in _lib.NOUNS:
        if _lib.has(f"sl_{noun}_kind_name"):
            name = _lib.fn(noun, "kind_name")
            out[noun] = [k for k in (_lib.text(name(i)) for i in range(64)) if k]
    return out


__all__ = ["drift", "errors", "linear_model", "pipeline", "replay", "stream", "synth", "tree", "window",
           "StreamlearnError", "available", "library_path"]
