"""Finds libstreamlearn and declares every C function the package calls.

This is the only module that touches ctypes declarations: each function of
the C API gets its `argtypes` and `restype` here, once, so a wrong type is
caught by ctypes instead of corrupting memory.

The library is looked for, in order, at
  1. $STREAMLEARN_LIBRARY (a path to the shared library),
  2. the package directory (where `pip install` puts the one it builds),
  3. the system (ctypes.util.find_library("streamlearn")).

A function the loaded library does not export (an older library, or one
built without a module) is replaced by a stub that raises NotSupportedError
when called; `has(name)` tells whether it is there.
"""
import ctypes
import ctypes.util
import os
import sys
from ctypes import POINTER, c_char_p, c_double, c_int, c_int64, c_size_t, c_uint, c_uint64, c_void_p

# The C library's major version this package is written against.
ABI_MAJOR = 1

_NAMES = {"darwin": ("libstreamlearn.dylib",), "win32": ("streamlearn.dll", "libstreamlearn.dll")}


def _locate():
    """Returns the path (or system name) of the library to load."""
    env = os.environ.get("STREAMLEARN_LIBRARY")
    if env:
        if not os.path.exists(env):
            raise ImportError(f"STREAMLEARN_LIBRARY={env!r} does not exist")
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    for name in _NAMES.get(sys.platform, ("libstreamlearn.so",)):
        path = os.path.join(here, name)
        if os.path.exists(path):
            return path
    found = ctypes.util.find_library("streamlearn")
    if found:
        return found
    raise ImportError(
        "libstreamlearn not found: set STREAMLEARN_LIBRARY to the shared library, "
        "install the package with `pip install ./bindings/python`, or install the C library"
    )


path = _locate()
_dll = ctypes.CDLL(path)

# ---- C types -------------------------------------------------------------------

c_double_p = POINTER(c_double)
c_size_p = POINTER(c_size_t)
c_int_p = POINTER(c_int)
c_handle = c_void_p  # every sl_X * handle: opaque
c_handle_p = POINTER(c_void_p)
# Passed by address (an int): batch arrays (numpy's arr.ctypes.data: no copy
# and, unlike arr.ctypes.data_as(), no ctypes cast objects in reference
# cycles) and the buffers of the per-event calls (ctypes.addressof of a
# buffer made once), which costs ~0.3 us less per call than POINTER types.
c_array = c_void_p

# sl_status values the package tests for by number (common.h SL_STATUS_MAP).
OK = 0
EINVAL = -1
ERANGE = -6
ESTATE = -7
ELATE = -8
ENOTFOUND = -17
EIO = -13
ECALLBACK = -18
EBUFFER = -19


class ParamInfo(ctypes.Structure):
    """sl_param_info: one row of a kind's parameter table (read-only)."""

    _fields_ = [
        ("name", c_char_p),
        ("type", c_int),
        ("default_value", c_double),
        ("min_value", c_double),
        ("max_value", c_double),
        ("choices", c_char_p),
        ("doc", c_char_p),
        ("flags", c_uint),
    ]


class CheckpointInfo(ctypes.Structure):
    """sl_checkpoint_info, filled by sl_checkpoint_inspect()."""

    _fields_ = [
        ("handle_type", c_char_p),
        ("kind", c_int),
        ("format_version", c_uint),
        ("flags", c_uint),
        ("stored_bytes", c_uint64),
        ("payload_bytes", c_uint64),
        ("header_ok", c_int),
        ("payload_ok", c_int),
    ]


class ReplayBatch(ctypes.Structure):
    """sl_replay_batch: where sl_replay_sample() writes (arrays by address)."""

    _fields_ = [
        ("struct_size", c_size_t),
        ("rows", c_size_t),
        ("n_features", c_size_t),
        ("features", c_array),
        ("targets", c_array),
        ("weights", c_array),
        ("timestamps", c_array),
        ("keys", c_array),
        ("slots", c_array),
        ("is_weights", c_array),
    ]


class StreamInfo(ctypes.Structure):
    """sl_stream_info, filled by sl_stream_describe()."""

    _fields_ = [("n_features", c_size_t), ("n_classes", c_size_t), ("n_nominal", c_size_t), ("rows", c_uint64)]


# sl_write_fn / sl_read_fn: int (*)(void *user, [const] void *buf, size_t len)
WRITE_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t)
READ_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t)

# sl_csv_read_fn: long (*)(void *user, void *buf, size_t cap)
CSV_READ_FN = ctypes.CFUNCTYPE(ctypes.c_long, c_void_p, c_void_p, c_size_t)


class WindowKey(ctypes.Structure):
    """sl_window_key: what window callbacks see of a key (bytes NULL: integer key)."""

    _fields_ = [("id", c_uint64), ("bytes", c_void_p), ("len", c_size_t)]


# sl_window_cb, sl_window_late_cb, sl_window_evict_cb
WINDOW_FN = ctypes.CFUNCTYPE(c_int, POINTER(WindowKey), c_int64, c_int64, c_double_p, c_size_t, c_void_p)
WINDOW_LATE_FN = ctypes.CFUNCTYPE(c_int, POINTER(WindowKey), c_int64, c_double, c_int64, c_void_p)
WINDOW_EVICT_FN = ctypes.CFUNCTYPE(c_int, POINTER(WindowKey), c_int64, c_int, c_void_p)


class Event(ctypes.Structure):
    """sl_event: one event pushed into a pipeline."""

    _fields_ = [("struct_size", c_size_t), ("id", c_uint64), ("key", c_uint64), ("ts", c_int64),
                ("values", c_void_p), ("n_values", c_size_t)]


class Prediction(ctypes.Structure):
    """sl_prediction: a served prediction."""

    _fields_ = [("struct_size", c_size_t), ("id", c_uint64), ("key", c_uint64), ("ts", c_int64),
                ("y", c_double), ("confidence", c_double), ("challenger_y", c_double),
                ("model_version", c_uint64)]


METRIC_FIELDS = ("accuracy", "log_loss", "mae", "rmse", "accuracy_window", "log_loss_window", "mae_window",
                 "rmse_window", "challenger_accuracy_window", "challenger_log_loss_window",
                 "challenger_mae_window", "challenger_rmse_window")


class PipelineMetrics(ctypes.Structure):
    """sl_pipeline_metrics."""

    _fields_ = [("struct_size", c_size_t), ("events", c_uint64), ("labels", c_uint64),
                ("model_version", c_uint64)] + [(f, c_double) for f in METRIC_FIELDS]


class DriftInfo(ctypes.Structure):
    """sl_pipeline_drift_info (on_drift)."""

    _fields_ = [("struct_size", c_size_t), ("label_index", c_uint64), ("event_id", c_uint64), ("state", c_int),
                ("action", c_int), ("metrics", POINTER(PipelineMetrics))]


class ModelChange(ctypes.Structure):
    """sl_pipeline_change (on_model_change)."""

    _fields_ = [("struct_size", c_size_t), ("version", c_uint64), ("reason", c_int), ("label_index", c_uint64),
                ("score_before", c_double), ("score_reference", c_double),
                ("metrics", POINTER(PipelineMetrics))]


PREDICTION_FN = ctypes.CFUNCTYPE(c_int, POINTER(Prediction), c_void_p)
EXPIRED_FN = ctypes.CFUNCTYPE(c_int, POINTER(Prediction), c_int, c_void_p)
DRIFT_FN = ctypes.CFUNCTYPE(c_int, POINTER(DriftInfo), c_void_p)
CHANGE_FN = ctypes.CFUNCTYPE(c_int, POINTER(ModelChange), c_void_p)


class PipelineCallbacks(ctypes.Structure):
    """sl_pipeline_callbacks."""

    _fields_ = [("struct_size", c_size_t), ("on_prediction", PREDICTION_FN), ("on_expired", EXPIRED_FN),
                ("on_drift", DRIFT_FN), ("on_model_change", CHANGE_FN), ("user", c_void_p)]


PARAM_DOUBLE, PARAM_INT, PARAM_BOOL, PARAM_ENUM = 1, 2, 3, 4
PARAM_FIXED_AFTER_START = 1
SAVE_COMPRESS = 1

# The handle types; each has the SL_HANDLE_API calls (common.h).
NOUNS = ("window", "model", "drift", "replay", "pipeline", "stream")

# ---- declarations -------------------------------------------------------------------

_S = c_int  # sl_status

_DECLS = [
    ("sl_version_number", c_uint, []),
    ("sl_version_string", c_char_p, []),
    ("sl_strerror", c_char_p, [c_int]),
    ("sl_status_name", c_char_p, [c_int]),
    ("sl_has_compression", c_int, []),
    ("sl_checkpoint_inspect", _S, [c_void_p, c_size_t, POINTER(CheckpointInfo)]),
    ("sl_hash_bytes", c_uint64, [c_void_p, c_size_t, c_uint64]),
    # sl_drift (streamlearn/drift.h)
    ("sl_drift_new", _S, [c_handle_p, c_int, c_void_p]),
    ("sl_drift_update", _S, [c_handle, c_double, c_array]),
    ("sl_drift_update_many", _S,
     [c_handle, c_array, c_size_t, c_array, c_size_t, c_size_p, c_array, c_size_t, c_size_p]),
    ("sl_drift_state_of", _S, [c_handle, c_int_p]),
    ("sl_drift_reset", _S, [c_handle]),
    # sl_model (streamlearn/model.h)
    ("sl_model_new", _S, [c_handle_p, c_int, c_size_t, c_void_p]),
    ("sl_model_info", _S, [c_handle, c_int_p, c_size_p]),
    ("sl_model_learn", _S, [c_handle, c_array, c_size_t, c_double, c_double]),
    ("sl_model_learn_many", _S, [c_handle, c_array, c_size_t, c_size_t, c_array, c_array]),
    ("sl_model_predict", _S, [c_handle, c_array, c_size_t, c_array]),
    ("sl_model_predict_many", _S, [c_handle, c_array, c_size_t, c_size_t, c_array]),
    ("sl_model_predict_proba", _S, [c_handle, c_array, c_size_t, c_array, c_size_t]),
    ("sl_model_reset", _S, [c_handle]),
    ("sl_model_learn_sparse", _S, [c_handle, c_array, c_array, c_size_t, c_double, c_double]),
    ("sl_model_predict_sparse", _S, [c_handle, c_array, c_array, c_size_t, c_array]),
    ("sl_model_predict_proba_sparse", _S, [c_handle, c_array, c_array, c_size_t, c_array, c_size_t]),
    ("sl_model_predict_learn", _S, [c_handle, c_array, c_size_t, c_double, c_double, c_array]),
    ("sl_model_predict_proba_learn", _S, [c_handle, c_array, c_size_t, c_double, c_double, c_array, c_size_t]),
    ("sl_model_weights", _S, [c_handle, c_array, c_size_t, c_size_p]),
    ("sl_model_set_weights", _S, [c_handle, c_array, c_size_t]),
    ("sl_model_consolidate", _S, [c_handle]),
    ("sl_model_set_nominal", _S, [c_handle, c_array, c_size_t]),
    ("sl_model_tree_node", _S, [c_handle, c_size_t, c_int_p, c_size_p, c_size_p, c_double_p]),
    # sl_replay (streamlearn/replay.h)
    ("sl_replay_new", _S, [c_handle_p, c_int, c_size_t, c_void_p]),
    ("sl_replay_add", _S, [c_handle, c_array, c_size_t, c_double, c_double, c_int64, c_uint64, c_size_p]),
    ("sl_replay_add_many", _S,
     [c_handle, c_array, c_size_t, c_size_t, c_array, c_array, c_array, c_array, c_array]),
    ("sl_replay_sample", _S, [c_handle, c_size_t, c_int, POINTER(ReplayBatch)]),
    ("sl_replay_update_priorities", _S, [c_handle, c_array, c_array, c_size_t]),
    ("sl_replay_get", _S,
     [c_handle, c_size_t, c_array, c_size_t, c_double_p, c_double_p, POINTER(c_int64), POINTER(c_uint64)]),
    ("sl_replay_size", _S, [c_handle, c_size_p]),
    ("sl_replay_clear", _S, [c_handle]),
    # sl_stream (streamlearn/stream.h)
    ("sl_stream_new", _S, [c_handle_p, c_int, c_void_p]),
    ("sl_stream_concept_drift", _S, [c_handle_p, c_handle, c_handle, c_void_p]),
    ("sl_stream_describe", _S, [c_handle, POINTER(StreamInfo)]),
    ("sl_stream_feature", _S, [c_handle, c_size_t, c_char_p, c_size_t, POINTER(c_uint)]),
    ("sl_stream_next", _S, [c_handle, c_array, c_size_t, c_array, c_size_t]),
    ("sl_stream_label", _S, [c_handle, c_array, c_size_t, c_double_p]),
    ("sl_stream_reset", _S, [c_handle]),
    ("sl_stream_write_csv", _S, [c_handle, c_size_t, WRITE_FN, c_void_p]),
    # sl_csv (streamlearn/stream.h): not a handle type, so declared in full here
    ("sl_csv_open", _S, [c_handle_p, CSV_READ_FN, c_void_p, c_void_p]),
    ("sl_csv_open_mem", _S, [c_handle_p, c_void_p, c_size_t, c_void_p]),
    ("sl_csv_open_path", _S, [c_handle_p, c_char_p, c_void_p]),
    ("sl_csv_columns", _S, [c_handle, c_size_p]),
    ("sl_csv_column_name", _S, [c_handle, c_size_t, POINTER(c_char_p)]),
    ("sl_csv_set_target", _S, [c_handle, c_char_p]),
    ("sl_csv_set_target_index", _S, [c_handle, c_size_t]),
    ("sl_csv_n_features", c_size_t, [c_handle]),
    ("sl_csv_next", _S, [c_handle, c_array, c_size_t, c_array, c_size_t, c_size_p]),
    ("sl_csv_error_line", c_uint64, [c_handle]),
    ("sl_csv_last_error", c_char_p, [c_handle]),
    ("sl_csv_free", None, [c_handle]),
    # sl_window (streamlearn/window.h)
    ("sl_window_new", _S, [c_handle_p, c_int, c_uint, c_void_p]),
    ("sl_window_set_callbacks", _S, [c_handle, WINDOW_FN, WINDOW_LATE_FN, WINDOW_EVICT_FN, c_void_p]),
    ("sl_window_push", _S, [c_handle, c_uint64, c_int64, c_double]),
    ("sl_window_push_bytes", _S, [c_handle, c_char_p, c_size_t, c_int64, c_double]),
    ("sl_window_push_many", _S, [c_handle, c_array, c_array, c_array, c_size_t, c_size_p, c_size_p]),
    ("sl_window_query", _S, [c_handle, c_uint64, c_array, c_size_t]),
    ("sl_window_query_bytes", _S, [c_handle, c_char_p, c_size_t, c_array, c_size_t]),
    ("sl_window_poll", _S,
     [c_handle, c_array, c_array, c_array, c_array, c_size_t, c_size_p, c_array, c_array]),
    ("sl_window_flush", _S, [c_handle]),
    ("sl_window_n_values", c_size_t, [c_handle]),
    ("sl_window_value_name", _S, [c_handle, c_size_t, POINTER(c_char_p)]),
    ("sl_window_watermark", _S, [c_handle, POINTER(c_int64)]),
    # sl_pipeline (streamlearn/pipeline.h)
    ("sl_pipeline_new", _S, [c_handle_p, c_size_t, c_void_p]),
    ("sl_pipeline_set_model", _S, [c_handle, c_handle]),
    ("sl_pipeline_set_challenger", _S, [c_handle, c_handle]),
    ("sl_pipeline_set_drift", _S, [c_handle, c_handle]),
    ("sl_pipeline_set_replay", _S, [c_handle, c_handle]),
    ("sl_pipeline_add_raw_feature", _S, [c_handle, c_size_t]),
    ("sl_pipeline_add_window_feature", _S, [c_handle, c_handle, c_size_t]),
    ("sl_pipeline_n_features", _S, [c_handle, c_size_p]),
    ("sl_pipeline_set_callbacks", _S, [c_handle, POINTER(PipelineCallbacks)]),
    ("sl_pipeline_push", _S, [c_handle, POINTER(Event), POINTER(Prediction)]),
    ("sl_pipeline_push_many", _S,
     [c_handle, c_size_t, c_array, c_array, c_array, c_array, c_array, c_size_p, c_size_p]),
    ("sl_pipeline_push_label", _S, [c_handle, c_uint64, c_double]),
    ("sl_pipeline_push_labels", _S, [c_handle, c_size_t, c_array, c_array, c_size_p, c_size_p]),
    ("sl_pipeline_read_metrics", _S, [c_handle, POINTER(PipelineMetrics)]),
    ("sl_pipeline_handles", _S, [c_handle, c_handle_p, c_handle_p, c_handle_p, c_handle_p]),
]


def _handle_api(noun):
    """The SL_HANDLE_API(noun) declarations of common.h."""
    p = f"sl_{noun}_"
    return [
        (p + "set_double", _S, [c_handle, c_char_p, c_double]),
        (p + "set_int", _S, [c_handle, c_char_p, c_int64]),
        (p + "set_str", _S, [c_handle, c_char_p, c_char_p]),
        (p + "get_double", _S, [c_handle, c_char_p, c_double_p]),
        (p + "get_int", _S, [c_handle, c_char_p, POINTER(c_int64)]),
        (p + "stat", _S, [c_handle, c_char_p, c_double_p]),
        (p + "stat_name", _S, [c_handle, c_size_t, POINTER(c_char_p)]),
        (p + "last_error", c_char_p, [c_handle]),
        (p + "kind_of", _S, [c_handle, c_int_p]),
        (p + "kind_name", c_char_p, [c_int]),
        (p + "kind_from_name", _S, [c_char_p, c_int_p]),
        (p + "kind_param", _S, [c_int, c_size_t, POINTER(POINTER(ParamInfo))]),
        (p + "save", _S, [c_handle, c_uint, WRITE_FN, c_void_p]),
        (p + "save_mem", _S, [c_handle, c_uint, c_void_p, c_size_t, c_size_p]),
        (p + "load", _S, [c_handle_p, READ_FN, c_void_p, c_void_p]),
        (p + "load_mem", _S, [c_handle_p, c_void_p, c_size_t, c_void_p]),
        (p + "free", None, [c_handle]),
    ]


for _noun in NOUNS:
    _DECLS.extend(_handle_api(_noun))

_missing = set()


def _stub(name):
    def missing(*_args):
        from .errors import NotSupportedError

        raise NotSupportedError.make(f"{name}() is not in the loaded library ({path})")

    missing.__name__ = name
    return missing


def _declare():
    """Binds every name of _DECLS in this module: the typed C function or a stub."""
    g = globals()
    for name, restype, argtypes in _DECLS:
        try:
            cfn = getattr(_dll, name)
        except AttributeError:
            _missing.add(name)
            g[name] = _stub(name)
            continue
        cfn.restype = restype
        cfn.argtypes = argtypes
        g[name] = cfn


_declare()


def has(name):
    """True when the loaded library exports C function `name`."""
    return name not in _missing


def text(b):
    """A C string (bytes or None) as str."""
    return b.decode("utf-8", "replace") if b is not None else ""


def fn(noun, verb):
    """The declared C function sl_<noun>_<verb>."""
    return globals()[f"sl_{noun}_{verb}"]


version = text(globals()["sl_version_string"]())
if globals()["sl_version_number"]() // 10000 != ABI_MAJOR:
    raise ImportError(f"{path} is libstreamlearn {version}; this package needs major version {ABI_MAJOR}")
