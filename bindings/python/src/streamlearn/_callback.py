"""Python callables as C callbacks.

A Trampoline wraps a callable in a ctypes function pointer of a given
prototype. Exceptions cannot cross C frames, so the trampoline catches
whatever the callable raises, stores it and returns `fail` to the library
(which then stops the operation with a status, SL_EIO or SL_ECALLBACK);
`check` re-raises the stored exception in the caller after the C call
returns, ahead of the status error. The object holding the trampoline must
keep it alive for as long as the library may call it: ctypes frees the
function pointer with the Python object.
"""


class Trampoline:
    def __init__(self, proto, fn, fail=1):
        self.error = None

        def call(*args):
            try:
                r = fn(*args)
                return 0 if r is None else r
            except BaseException as e:  # re-raised by check(), not swallowed
                self.error = e
                return fail

        self.c = proto(call)

    def check(self):
        """Re-raises (once) the exception the callable raised, if any."""
        e, self.error = self.error, None
        if e is not None:
            raise e
