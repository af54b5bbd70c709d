"""Shared by the conformance tests: loads the shared library named by
$SL_LIBRARY (make test-conformance sets it) and declares the calls the
tests use. Tests compare our results with River / scikit-learn in the same
process, on the same data."""
import ctypes
import os

lib = ctypes.CDLL(os.environ["SL_LIBRARY"])

c_double_p = ctypes.POINTER(ctypes.c_double)
c_size_p = ctypes.POINTER(ctypes.c_size_t)

lib.sl_status_name.restype = ctypes.c_char_p
lib.sl_status_name.argtypes = [ctypes.c_int]


def check(status, what=""):
    """Raises AssertionError naming the status when a call failed."""
    if status != 0:
        raise AssertionError(f"{what}: {lib.sl_status_name(status).decode()}")


def declare(name, restype, *argtypes):
    """Declares one C function's types and returns it."""
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


def doubles(values):
    """A ctypes double array holding `values`."""
    return (ctypes.c_double * len(values))(*values)
