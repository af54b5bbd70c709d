"""The hashing trick for dict features (linear models with hashing=True).

A feature named `k` with a numeric value v becomes the pair (h(k), v); one
with a str value s becomes (h("k=s"), 1.0), a one-hot indicator, as in
Vowpal Wabbit. h is the C library's sl_hash_bytes(UTF-8 name, seed 0)
modulo 2**bits, so a C or Go program hashing the same names gets the same
indices. Indices of names already seen are cached (the cache is cleared
past 2**20 names, so it stays bounded on high-cardinality features);
repeated indices add up in the model.
"""
import ctypes

from . import _lib
from .errors import InvalidArgumentError

_CACHE_MAX = 1 << 20


class Hasher:
    def __init__(self, bits):
        if not isinstance(bits, int) or not 1 <= bits <= 30:
            raise InvalidArgumentError.make(f"bits must be an int in [1, 30], not {bits!r}")
        self.bits = bits
        self.n = 1 << bits
        self._mask = self.n - 1
        self._cache = {}
        self._grow(64)

    def _grow(self, cap):
        self._idx = (ctypes.c_uint32 * cap)()
        self._val = (ctypes.c_double * cap)()
        self._at = (ctypes.addressof(self._idx), ctypes.addressof(self._val))

    def index(self, name):
        """The weight index of feature name `name` (any object; non-str by str())."""
        i = self._cache.get(name)
        if i is None:
            b = (name if isinstance(name, str) else str(name)).encode("utf-8", "surrogatepass")
            i = _lib.sl_hash_bytes(b, len(b), 0) & self._mask
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            self._cache[name] = i
        return i

    def fill(self, x):
        """Writes dict `x` as (index, value) pairs; returns (indices address, values address, count)."""
        index, idx, val = self.index, [], []
        for k, v in x.items():
            if isinstance(v, str):
                k, v = f"{k}={v}", 1.0
            idx.append(index(k))
            val.append(v)
        n = len(idx)
        if n > len(self._idx):
            self._grow(max(n, 2 * len(self._idx)))
        self._idx[:n] = idx
        self._val[:n] = val
        return self._at[0], self._at[1], n
