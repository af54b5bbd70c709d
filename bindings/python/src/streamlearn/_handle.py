"""The base every Python handle class stands on.

A Handle owns one C handle (sl_drift *, sl_model *, ...) and gives it the
calls every handle shares (SL_HANDLE_API in common.h): parameters by name,
validated by the C parameter table; statistics; save / load to bytes or a
file object; pickling through the checkpoint; freeing on close(), at the
end of a `with` block, or when the object is collected.

A concrete class names its handle type and kind:

    class PageHinkley(DriftDetector):
        _kind = "page_hinkley"

and gets, from the C library's table, its docstring, its signature and its
keyword validation. A kind the loaded library lacks still defines a class;
creating one raises KindError.
"""
import ctypes
import inspect
import numbers
from collections import namedtuple

from . import _lib
from ._callback import Trampoline
from .errors import KindError, ParameterTypeError, error

Param = namedtuple("Param", "name type default min max choices doc fixed_after_start")
Param.__doc__ = "One row of a kind's parameter table (sl_param_info), in Python terms."

_PYTYPE = {_lib.PARAM_DOUBLE: "float", _lib.PARAM_INT: "int", _lib.PARAM_BOOL: "bool", _lib.PARAM_ENUM: "str"}

# (handle type, kind id) -> the Python class for it; loading picks from here.
_REGISTRY = {}


def kind_id(noun, name):
    """The C kind id of `name` for handle type `noun`, or None when absent
    (also when the library was built without that handle type)."""
    k = ctypes.c_int()
    if not _lib.has(f"sl_{noun}_kind_from_name"):
        return None
    if _lib.fn(noun, "kind_from_name")(name.encode(), ctypes.byref(k)) != _lib.OK:
        return None
    return k.value


def kind_params(noun, kind):
    """The parameter table of kind id `kind`, as a tuple of Param."""
    rows = []
    info = ctypes.POINTER(_lib.ParamInfo)()
    get = _lib.fn(noun, "kind_param")
    while get(kind, len(rows), ctypes.byref(info)) == _lib.OK:
        r = info.contents
        p = Param(_lib.text(r.name), _PYTYPE.get(r.type, "float"), r.default_value, r.min_value, r.max_value,
                  tuple(_lib.text(r.choices).split("|")) if r.choices else None, _lib.text(r.doc),
                  bool(r.flags & _lib.PARAM_FIXED_AFTER_START))
        rows.append(p._replace(default=_convert(p, p.default), min=_convert(p, p.min), max=_convert(p, p.max)))
    return tuple(rows)


def _describe(cls):
    """The class docstring: the class's own summary, then the C table."""
    summary = inspect.cleandoc(cls.__dict__.get("__doc__") or cls.__name__)
    if cls._kind_id is None:
        return f"{summary}\n\nNot available: the loaded library ({_lib.path}) has no {cls._noun} kind '{cls._kind}'."
    lines = [summary, "", "Parameters", "----------"]
    for p in cls._params:
        if p.choices:
            head = f"{p.name} : {{{', '.join(repr(c) for c in p.choices)}}}, default {p.default!r}"
        else:
            head = f"{p.name} : {p.type}, default {p.default!r}, in [{p.min!r}, {p.max!r}]"
        lines += [head, f"    {p.doc}" + (" (fixed once data has been seen)" if p.fixed_after_start else "")]
    extra = cls.__dict__.get("_extra_doc")
    if extra:
        lines += [inspect.cleandoc(extra)]
    return "\n".join(lines)


class Handle:
    """A libstreamlearn handle. Subclasses set `_noun` (handle type) and `_kind`."""

    _noun = None
    _kind = None
    _kind_id = None
    _params = ()
    _h = None  # ctypes.c_void_p while open, None once closed or given away
    _gone = None  # why _h is None when it was given away (see _give_away)

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if "_kind" not in cls.__dict__ or cls._kind is None:
            return
        cls._kind_id = kind_id(cls._noun, cls._kind)
        cls._params = kind_params(cls._noun, cls._kind_id) if cls._kind_id is not None else ()
        cls.__doc__ = _describe(cls)
        extra = list(cls._extra_parameters())
        taken = {e.name for e in extra}
        sig = [inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, default=p.default)
               for p in cls._params if p.name not in taken]
        cls.__signature__ = inspect.Signature(extra + sig)
        if cls._kind_id is not None:
            _REGISTRY.setdefault((cls._noun, cls._kind_id), cls)

    @classmethod
    def _extra_parameters(cls):
        """inspect.Parameter entries the class takes besides the C table's."""
        return ()

    @classmethod
    def parameters(cls):
        """The kind's parameter table (tuple of Param), as the C library defines it."""
        return cls._params

    @classmethod
    def _require_kind(cls):
        if cls._kind_id is None:
            raise KindError.make(f"the loaded library ({_lib.path}) has no {cls._noun} kind '{cls._kind}'")
        return cls._kind_id

    # ---- lifetime ------------------------------------------------------------

    def _attach(self, h):
        """Takes ownership of C handle `h` (a c_void_p). Subclasses add their buffers."""
        self._h = h

    def _adopt(self, create, params):
        """Runs `create(byref(out))`, applies `params`, and attaches; frees on failure."""
        h = ctypes.c_void_p()
        st = create(ctypes.byref(h))
        if st != _lib.OK:
            raise error(st)
        try:
            self._apply(h, params)
        except BaseException:
            _lib.fn(self._noun, "free")(h)
            raise
        self._attach(h)

    def close(self):
        """Frees the C handle now (idempotent). Later calls raise InvalidArgumentError."""
        h, self._h = self._h, None
        if h is not None and h.value:
            _lib.fn(self._noun, "free")(h)

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: the library may already be gone
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _give_away(self, owner):
        """Hands the C handle to `owner` (a phrase: "a Pipeline") that frees it
        from now on; returns it. The object stops freeing it, and its calls
        raise StateError naming the owner."""
        h, self._h = self._h, None
        if h is None:
            self._fail(_lib.EINVAL)
        self._gone = f"this {type(self).__name__} belongs to {owner} now"
        return h

    def _fail(self, status):
        """Raises the exception for `status`, with the handle's last-error detail."""
        if self._h is None:
            if self._gone:
                raise error(_lib.ESTATE, self._gone)
            raise error(status, "the handle is closed")
        raise error(status, _lib.text(_lib.fn(self._noun, "last_error")(self._h)))

    def _call(self, verb, *args):
        """Calls sl_<noun>_<verb>(handle, *args); raises on failure."""
        st = _lib.fn(self._noun, verb)(self._h, *args)
        if st != _lib.OK:
            self._fail(st)

    # ---- parameters ----------------------------------------------------------------

    def _apply(self, h, params):
        """Sets each parameter on C handle `h`; the C table validates names and
        values. A value out of range is tried again after the others, so
        keywords that bound each other (a hopping window's slide <= size)
        work in any order."""
        todo = list(params.items())
        while todo:
            again, first = [], None
            for name, value in todo:
                st = self._set_one(h, name, value)
                if st == _lib.ERANGE:
                    again.append((name, value))
                    first = first or error(st, _lib.text(_lib.fn(self._noun, "last_error")(h)))
                elif st != _lib.OK:
                    raise error(st, _lib.text(_lib.fn(self._noun, "last_error")(h)))
            if len(again) == len(todo):
                raise first
            todo = again

    def _set_one(self, h, name, value):
        n = name.encode()
        if isinstance(value, str):
            return _lib.fn(self._noun, "set_str")(h, n, value.encode())
        if isinstance(value, numbers.Integral):
            if -(2 ** 63) <= int(value) < 2 ** 63:
                return _lib.fn(self._noun, "set_int")(h, n, int(value))
            return _lib.fn(self._noun, "set_double")(h, n, float(value))
        if isinstance(value, numbers.Real):
            return _lib.fn(self._noun, "set_double")(h, n, float(value))
        raise ParameterTypeError.make(f"'{name}' takes a number or a string, not {type(value).__name__}")

    def set_params(self, **params):
        """Sets parameters by name (validated by the C table); returns self.
        Each one is applied in turn: on an error, the ones before it are set."""
        if self._h is None:
            self._fail(_lib.EINVAL)
        self._apply(self._h, params)
        return self

    def get_params(self):
        """The current parameter values, {name: value}."""
        out = {}
        v = ctypes.c_double()
        for p in self._params:
            self._call("get_double", p.name.encode(), ctypes.byref(v))
            out[p.name] = _convert(p, v.value)
        return out

    def __getattr__(self, name):
        # River exposes parameters as attributes (detector.delta); so do we.
        if not name.startswith("_"):
            for p in type(self)._params:
                if p.name == name:
                    return self.get_params()[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # ---- statistics ------------------------------------------------------------------

    def stat(self, name):
        """One statistic of the running handle ("bytes", "n", ...), as a float."""
        v = ctypes.c_double()
        self._call("stat", name.encode(), ctypes.byref(v))
        return v.value

    def stats(self):
        """Every statistic, {name: float}."""
        if self._h is None:
            self._fail(_lib.EINVAL)
        out, name, i = {}, ctypes.c_char_p(), 0
        get = _lib.fn(self._noun, "stat_name")
        while get(self._h, i, ctypes.byref(name)) == _lib.OK:
            out[_lib.text(name.value)] = self.stat(_lib.text(name.value))
            i += 1
        return out

    # ---- persistence ---------------------------------------------------------------------

    def to_bytes(self, compress=False):
        """A framed, checksummed checkpoint of the handle (sl_X_save_mem)."""
        flags = _lib.SAVE_COMPRESS if compress else 0
        n = ctypes.c_size_t()
        st = _lib.fn(self._noun, "save_mem")(self._h, flags, None, 0, ctypes.byref(n))
        if st not in (_lib.OK, _lib.EBUFFER):
            self._fail(st)
        buf = ctypes.create_string_buffer(n.value)
        self._call("save_mem", flags, buf, n.value, ctypes.byref(n))
        return buf.raw[: n.value]

    def save(self, file, compress=False):
        """Writes a checkpoint to a binary file object through the C write
        callback; an exception from file.write is re-raised here."""
        def write(_user, buf, n):
            file.write(ctypes.string_at(buf, n))

        t = Trampoline(_lib.WRITE_FN, write)
        st = _lib.fn(self._noun, "save")(self._h, _lib.SAVE_COMPRESS if compress else 0, t.c, None)
        t.check()
        if st != _lib.OK:
            self._fail(st)

    @classmethod
    def from_bytes(cls, data):
        """The handle saved in `data` (bytes-like). On a concrete class the
        checkpoint must hold that kind (else KindError); on a base class
        (DriftDetector) the class of the saved kind is returned."""
        h = ctypes.c_void_p()
        buf = bytes(data)
        target = cls._loaded(_lib.fn(cls._noun, "load_mem")(ctypes.byref(h), buf, len(buf), None), h)
        obj = target.__new__(target)
        obj._attach(h)
        return obj

    @classmethod
    def load(cls, file):
        """Reads a checkpoint from a binary file object through the C read
        callback; an exception from file.read is re-raised here."""
        def read(_user, buf, n):
            data = file.read(n)
            if len(data) != n:
                return 1
            ctypes.memmove(buf, data, n)

        h = ctypes.c_void_p()
        t = Trampoline(_lib.READ_FN, read)
        st = _lib.fn(cls._noun, "load")(ctypes.byref(h), t.c, None, None)
        t.check()
        target = cls._loaded(st, h)
        obj = target.__new__(target)
        obj._attach(h)
        return obj

    @classmethod
    def _loaded(cls, status, h):
        """The Python class for C handle `h` that a load returned with
        `status`. Raises (freeing `h`) on failure or when the saved kind is
        not a `cls`."""
        if status != _lib.OK:
            raise error(status)
        k = ctypes.c_int()
        _lib.fn(cls._noun, "kind_of")(h, ctypes.byref(k))
        target = _REGISTRY.get((cls._noun, k.value))
        if target is None or not issubclass(target, cls):
            name = _lib.text(_lib.fn(cls._noun, "kind_name")(k.value))
            _lib.fn(cls._noun, "free")(h)
            raise KindError.make(f"the checkpoint holds a {cls._noun} of kind '{name}', not a {cls.__name__}")
        return target

    def __getstate__(self):
        return {"checkpoint": self.to_bytes()}

    def __setstate__(self, state):
        h = ctypes.c_void_p()
        buf = state["checkpoint"]
        type(self)._loaded(_lib.fn(self._noun, "load_mem")(ctypes.byref(h), buf, len(buf), None), h)
        self._attach(h)

    def __repr__(self):
        if self._h is None:
            return f"{type(self).__name__}(<closed>)"
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_params().items())})"


def _convert(p, v):
    """A parameter value read as double, as the Python type of row `p`."""
    if p.type == "float":
        return v
    if p.type == "bool":
        return bool(v)
    if p.type == "str":
        return p.choices[int(v)]
    return int(v)
