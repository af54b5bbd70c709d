"""Our detectors through ctypes, run over a whole stream in one call."""
import ctypes

import numpy as np

from sl import check, declare, lib

_new = declare("sl_drift_new", ctypes.c_int, ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_void_p)
_free = declare("sl_drift_free", None, ctypes.c_void_p)
_set_str = declare("sl_drift_set_str", ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p)
_stat = declare("sl_drift_stat", ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_double))
_many = declare("sl_drift_update_many", ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(ctypes.c_double),
                ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t), ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t),
                ctypes.POINTER(ctypes.c_size_t), ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t))
_kind = declare("sl_drift_kind_from_name", ctypes.c_int, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int))


class Detector:
    """One sl_drift handle of kind `name` with parameters `params`."""

    def __init__(self, name, **params):
        kind = ctypes.c_int()
        check(_kind(name.encode(), ctypes.byref(kind)), name)
        self.h = ctypes.c_void_p()
        check(_new(ctypes.byref(self.h), kind.value, None), "sl_drift_new")
        for k, v in params.items():
            v = str(v).lower() if isinstance(v, bool) else v if isinstance(v, str) else repr(v)
            check(_set_str(self.h, k.encode(), v.encode()), k)

    def __del__(self):
        if getattr(self, "h", None):
            _free(self.h)

    def run(self, xs):
        """Feeds `xs`; returns (drift indices, warning indices), 0-based."""
        xs = np.ascontiguousarray(xs, dtype=np.float64)
        n = len(xs)
        drift = (ctypes.c_size_t * max(n, 1))()
        warn = (ctypes.c_size_t * max(n, 1))()
        nd, nw = ctypes.c_size_t(), ctypes.c_size_t()
        check(_many(self.h, xs.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), n, drift, n, ctypes.byref(nd),
                    warn, n, ctypes.byref(nw)), "sl_drift_update_many")
        return list(drift[: nd.value]), list(warn[: nw.value])

    def stat(self, name):
        v = ctypes.c_double()
        check(_stat(self.h, name.encode(), ctypes.byref(v)), name)
        return v.value
