"""Exceptions: every failed C call raises a StreamlearnError subclass.

One subclass per sl_status (named in `BY_STATUS`), each also deriving from
the built-in exception a Python user would expect (ValueError for bad input,
MemoryError, LookupError, ...), so `except ValueError` works too. An
exception carries:
  status  the C status number (negative),
  name    its identifier ("EINVAL"),
  detail  the handle's last-error text (sl_X_last_error), "" if none.
"""
from . import _lib


class StreamlearnError(Exception):
    """A libstreamlearn call failed. See `status`, `name` and `detail`."""

    status = None  # set on each subclass
    name = "UNKNOWN"

    def __init__(self, message, status=None, name=None, detail=""):
        Exception.__init__(self, message)
        self.message = message
        if status is not None:
            self.status = status
        if name is not None:
            self.name = name
        self.detail = detail

    def __str__(self):
        return self.message

    @classmethod
    def make(cls, detail=""):
        """An instance of this class for a failure found on the Python side."""
        return error(cls.status, detail)


def _subclass(name, number, *bases):
    return type(name, (StreamlearnError,) + bases, {"status": number, "__module__": __name__})


# sl_status identifier -> (class name, number, extra built-in bases). The C
# library's SL_STATUS_MAP is the authority; tests check the two agree.
_TABLE = {
    "EINVAL": ("InvalidArgumentError", -1, ValueError),
    "ENOMEM": ("OutOfMemoryError", -2, MemoryError),
    "EDIM": ("DimensionError", -3, ValueError),
    "ENONFINITE": ("NonFiniteError", -4, ValueError),
    "EPARAM": ("UnknownParameterError", -5, LookupError),
    "ERANGE": ("ParameterRangeError", -6, ValueError),
    "ESTATE": ("StateError", -7, RuntimeError),
    "ELATE": ("LateEventError", -8, ValueError),
    "EDUP": ("DuplicateError", -9, ValueError),
    "ECORRUPT": ("CorruptError", -10, ValueError),
    "EVERSION": ("VersionError", -11, ValueError),
    "ENOTSUP": ("NotSupportedError", -12, NotImplementedError),
    "EIO": ("StreamIOError", -13, OSError),
    "EFULL": ("CapacityError", -14, RuntimeError),
    "ETYPE": ("ParameterTypeError", -15, TypeError),
    "EKIND": ("KindError", -16, LookupError),
    "ENOTFOUND": ("NotFoundError", -17, LookupError),
    "ECALLBACK": ("CallbackError", -18, RuntimeError),
    "EBUFFER": ("BufferTooSmallError", -19, ValueError),
}

BY_STATUS = {}
for _name, (_cls, _num, _base) in _TABLE.items():
    _c = _subclass(_cls, _num, _base)
    _c.name = _name
    BY_STATUS[_num] = _c
    globals()[_cls] = _c

__all__ = ["StreamlearnError", "BY_STATUS", "error"] + [c for c, _, _ in _TABLE.values()]


def error(status, detail=""):
    """The exception for C status `status`, with `detail` (the handle's last error)."""
    name = _lib.text(_lib.sl_status_name(status))
    text = _lib.text(_lib.sl_strerror(status))
    message = f"{name}: {text}" + (f": {detail}" if detail else "")
    cls = BY_STATUS.get(status, StreamlearnError)
    return cls(message, status=status, name=name, detail=detail)
