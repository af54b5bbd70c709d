"""Change detectors (sl_drift), shaped like River's `river.drift`.

    >>> from streamlearn import drift
    >>> ph = drift.PageHinkley(threshold=20)
    >>> for i, x in enumerate(stream):
    ...     if ph.update(x).drift_detected:
    ...         print("drift at", i)

`update(x)` feeds one value and returns the detector; `drift_detected` and
`warning_detected` tell the state after it. `update_many(values)` feeds a
whole numpy array in one C call and returns the indices where drift fired.
Parameters are keywords, checked by the C library's table (see each
class's docstring, or `Class.parameters()`).
"""
import ctypes

import numpy as np

from . import _lib
from ._handle import Handle

_DETECTED, _WARNING = 2, 1
_update = _lib.sl_drift_update


class DriftDetector(Handle):
    """Base of every detector; `DriftDetector.from_bytes(b)` loads any kind."""

    _noun = "drift"

    def __init__(self, **params):
        kind = self._require_kind()
        self._adopt(lambda out: _lib.sl_drift_new(out, kind, None), params)

    def _attach(self, h):
        super()._attach(h)
        self._state = ctypes.c_int()
        self._state_p = ctypes.addressof(self._state)
        _lib.sl_drift_state_of(h, ctypes.byref(self._state))

    def update(self, x):
        """Feeds one value; returns self. Raises NonFiniteError for NaN / inf,
        InvalidArgumentError for a binary detector given other than 0 / 1."""
        st = _update(self._h, x, self._state_p)
        if st:
            self._fail(st)
        return self

    @property
    def drift_detected(self):
        """True when the latest update signalled a drift."""
        return self._state.value == _DETECTED

    @property
    def warning_detected(self):
        """True when the latest update is in the warning zone (detectors that have one)."""
        return self._state.value == _WARNING

    def update_many(self, values, return_warnings=False):
        """Feeds every value of a 1-D array in one C call (no copy when it is
        already contiguous float64). Returns the 0-based indices where drift
        fired (int64 array); with return_warnings=True, (drift, warnings).
        Every value is checked first: on an error nothing was fed."""
        x = np.ascontiguousarray(values, dtype=np.float64)
        if x.ndim != 1:
            x = x.reshape(-1)
        n = x.shape[0]
        drift_at = np.empty(n, dtype=np.uintp)
        warn_at = np.empty(n if return_warnings else 0, dtype=np.uintp)
        nd, nw = ctypes.c_size_t(), ctypes.c_size_t()
        self._call("update_many", x.ctypes.data, n, drift_at.ctypes.data, n, ctypes.byref(nd),
                   warn_at.ctypes.data if return_warnings else None, warn_at.shape[0], ctypes.byref(nw))
        _lib.sl_drift_state_of(self._h, ctypes.byref(self._state))
        drift = drift_at[: nd.value].astype(np.int64)
        return (drift, warn_at[: nw.value].astype(np.int64)) if return_warnings else drift

    def reset(self):
        """Forgets everything seen, keeping the parameters; returns self."""
        self._call("reset")
        self._state.value = 0
        return self


class ADWIN(DriftDetector):
    """ADWIN: adaptive windowing (Bifet & Gavalda 2007), like river.drift.ADWIN."""

    _kind = "adwin"


class PageHinkley(DriftDetector):
    """Page-Hinkley test (Page 1954), like river.drift.PageHinkley."""

    _kind = "page_hinkley"


class KSWIN(DriftDetector):
    """KSWIN: Kolmogorov-Smirnov windowing (Raab et al. 2020), like river.drift.KSWIN."""

    _kind = "kswin"


class DDM(DriftDetector):
    """DDM (Gama et al. 2004) on 0 / 1 errors, like river.drift.binary.DDM."""

    _kind = "ddm"


class EDDM(DriftDetector):
    """EDDM (Baena-Garcia et al. 2006) on 0 / 1 errors, like river.drift.binary.EDDM."""

    _kind = "eddm"


class HDDMA(DriftDetector):
    """HDDM-A (Frias-Blanco et al. 2015), like river.drift.binary.HDDMA."""

    _kind = "hddm_a"


class HDDMW(DriftDetector):
    """HDDM-W (Frias-Blanco et al. 2015), like river.drift.binary.HDDMW."""

    _kind = "hddm_w"
