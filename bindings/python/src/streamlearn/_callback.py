"""Python callables as C callbacks.

A Trampoline wraps a callable in a ctypes function pointer of a given
prototype. Exceptions cannot cross C frames, so the trampoline catches
whatever the callable raises, stores it and returns `fail` to the library
(which then stops the operation with a status, SL_EIO or SL_ECALLBACK, or
ignores it where the C callback's return value is ignored); `check`
re-raises the stored exception in the caller after the C call returns,
ahead of the status error. Several trampolines may share one ErrorSlot
(`slot=`), so a caller checks one attribute after a C call that may run
any of them. The object holding the trampoline must keep it alive for as
long as the library may call it: ctypes frees the function pointer with
the Python object.
"""


class ErrorSlot:
    """The first exception a group of callbacks raised, until check()."""

    error = None

    def check(self):
        """Re-raises (once) the exception a callback raised, if any."""
        e, self.error = self.error, None
        if e is not None:
            raise e


class Trampoline(ErrorSlot):
    def __init__(self, proto, fn, fail=1, slot=None):
        box = self if slot is None else slot

        def call(*args):
            try:
                r = fn(*args)
                return 0 if r is None else r
            except BaseException as e:  # re-raised by check(), not swallowed
                if box.error is None:
                    box.error = e
                return fail

        self.c = proto(call)
