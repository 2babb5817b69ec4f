"""The Python-facing compiled function: one specialisation per argument
types, compiled lazily on first call (or eagerly from signatures), a fast
path that goes straight into the native entry, and introspection."""

import collections
import inspect
import os
import sys
import threading
import warnings

from ember import config
from ember.errors import ArgumentTypeError, EmberError, EmberFallbackWarning
from ember.types import core as t
from ember.types.typeof import UnsupportedValue, typeof


class _Miss:
    """Returned by a native entry when the arguments are not its types."""

    def __repr__(self):
        return "<ember MISS>"


MISS = _Miss()


RAISE = object()  # marks `(RAISE, exc)` results of the slow path
_EMBER_DIR = os.path.dirname(os.path.abspath(__file__))


_JIT_OPTIONS = {
    "nopython", "forceobj", "nogil", "cache", "parallel", "fastmath", "error_model",
    "boundscheck", "inline", "locals", "debug", "looplift", "no_rewrites", "no_cpython_wrapper",
    "no_cfunc_wrapper", "target", "_nrt", "pipeline_class", "_dbg_extend_lifetimes",
    "_dbg_optnone", "writable_args", "target_backend",
}


def check_options(options):
    unknown = set(options) - _JIT_OPTIONS
    if unknown:
        raise TypeError(f"unknown jit option(s) {sorted(unknown)}; ember accepts Numba's "
                        f"options: {', '.join(sorted(_JIT_OPTIONS))}")
    if options.get("error_model", "python") not in ("python", "numpy"):
        raise ValueError("error_model must be 'python' or 'numpy'")


class Dispatcher:
    """A jitted function: call it like the Python function it wraps."""

    _ember_dispatcher = True

    def __init__(self, py_func, options, signatures=()):
        check_options(options)
        self.py_func = py_func
        self.targetoptions = dict(options)
        self.__name__ = py_func.__name__
        self.__qualname__ = py_func.__qualname__
        self.__doc__ = py_func.__doc__
        self.__module__ = py_func.__module__
        self.__wrapped__ = py_func
        self.overloads = {}
        self._lock = threading.RLock()
        self._eager = bool(signatures)
        self._jit_disabled = config.DISABLE_JIT
        self._keepalive = []
        self._cache = None  # the FunctionCache of cache=True, False when uncacheable
        self.stats = CompileStats(None, collections.Counter(), collections.Counter())
        # A class of its own, so that `__call__` can be a builtin bound to this
        # dispatcher: calls go from the interpreter straight into native code.
        self.__class__ = type(type(self).__name__, (type(self),), {"__module__": __name__})
        self._install(None)
        for signature in signatures:
            self.compile(signature)

    @property
    def nopython(self):
        return bool(self.targetoptions.get("nopython")) and not self.targetoptions.get(
            "forceobj")

    def codegen_options(self):
        opts = self.targetoptions
        boundscheck = opts.get("boundscheck")
        return {"error_model": opts.get("error_model", "python"),
                "fastmath": bool(opts.get("fastmath")),
                "parallel": bool(opts.get("parallel")),
                "boundscheck": config.BOUNDSCHECK if boundscheck is None else bool(boundscheck)}

    # ---- calling ----------------------------------------------------------------

    def __call__(self, *args, **kwargs):
        """Used only until the native call path is installed (see _install)."""
        result = self._slow_entry(*args, **kwargs)
        if type(result) is tuple and len(result) == 2 and result[0] is RAISE:
            raise result[1]
        return result

    def _install(self, entry):
        """Route calls of this dispatcher to `entry` (a specialisation's wrapper)."""
        cls = type(self)
        if self._jit_disabled:
            cls.__call__ = staticmethod(self.py_func)
            return
        from ember.pipeline import trampoline_address
        from ember.runtime.cpython import make_builtin

        address = trampoline_address(MISS, RAISE)
        # Method definitions are never dropped: a call through the builtin
        # this replaces may still be running (it compiled this specialisation),
        # and deallocating that builtin reads its PyMethodDef.
        cls.__call__ = make_builtin(self.__name__, address, self._keepalive,
                                    (self._slow_entry, entry), keywords=True)

    def _slow_entry(self, *args, **kwargs):
        try:
            if kwargs:
                args = self._bind(args, kwargs)
            return self._slow_call(args)
        except BaseException as exc:  # noqa: B036 - re-raised by the trampoline
            return (RAISE, _without_ember_frames(exc))

    def _bind(self, args, kwargs):
        bound = inspect.signature(self.py_func).bind(*args, **kwargs)
        bound.apply_defaults()
        return bound.args

    def _slow_call(self, args):
        if self._jit_disabled or self.targetoptions.get("forceobj"):
            return self.py_func(*args)
        args = self._with_defaults(args)
        try:
            types = tuple(typeof(a) for a in args)
        except UnsupportedValue as exc:
            return self._unsupported_argument(args, exc)
        spec = self.overloads.get(types)
        if spec is None:
            if self._eager:
                spec, args = self._match_eager(types, args)
            else:
                spec = self._compile_or_fallback(types)
        if spec is _OBJECT_MODE:
            return self.py_func(*args)
        self._install(spec.entry)
        result = spec.entry(*args)
        if result is MISS:
            raise EmberError(f"internal error: the compiled {self.__name__}{spec.signature} "
                             f"rejected arguments of types {types}")
        return result

    def _with_defaults(self, args):
        n_params = self.py_func.__code__.co_argcount
        if len(args) < n_params and self.py_func.__defaults__:
            return self._bind(args, {})
        return args

    def _unsupported_argument(self, args, exc):
        if not self.nopython:
            self._warn_fallback(str(exc))
            return self.py_func(*args)
        raise ArgumentTypeError(f"{self.__name__}() cannot take{self._which_argument(args)} "
                                f"in compiled code: {exc}") from None

    def _which_argument(self, args):
        """' argument NAME (a TYPE)' for the first argument compiled code cannot take."""
        names = list(inspect.signature(self.py_func).parameters)
        for name, value in zip(names, args):
            try:
                typeof(value)
            except UnsupportedValue:
                return f" argument '{name}' (a {type(value).__name__})"
        return " these arguments"

    def _compile_or_fallback(self, types):
        try:
            return self.compile(types)
        except EmberError as exc:
            if self.nopython:
                raise exc.with_traceback(None) from None
            self._warn_fallback(str(exc))
            self.overloads[types] = _OBJECT_MODE
            return _OBJECT_MODE

    def _warn_fallback(self, message):
        warnings.warn(EmberFallbackWarning(
            f"{self.__name__} could not be compiled and runs as plain Python (object mode "
            f"fallback of @jit; use @njit to make this an error):\n{message}"),
            stacklevel=_user_stacklevel())

    def _match_eager(self, types, args):
        """Eager dispatchers only run their compiled signatures, converting scalars."""
        for spec_types, spec in self.overloads.items():
            if spec is not _OBJECT_MODE and _convertible(types, spec_types):
                return spec, tuple(_convert(a, ty) for a, ty in zip(args, spec_types))
        listed = ", ".join(str(s.signature) for s in self.overloads.values())
        raise TypeError(f"{self.__name__}() has no compiled signature for argument types "
                        f"({', '.join(map(str, types))}); compiled signatures: {listed}")

    # ---- compiling ----------------------------------------------------------------

    def compile(self, signature):
        """Compile for a signature (argument types, a Signature or a signature string)."""
        from ember.pipeline import compile_specialisation

        arg_types, return_type = parse_signature(signature)
        with self._lock:
            spec = self.overloads.get(arg_types)
            if spec is not None:
                return spec
            cache = self._function_cache()
            spec = compile_specialisation(self.py_func, arg_types, self.codegen_options(), MISS,
                                          return_type, cache)
            if cache:
                counts = self.stats.cache_hits if spec.from_cache else self.stats.cache_misses
                counts[arg_types] += 1
            self.overloads[arg_types] = spec
            return spec

    def _function_cache(self):
        """The on-disk cache of cache=True (targets/cpu/cache.py), or None."""
        if self._cache is None and self.targetoptions.get("cache"):
            from ember.targets.cpu import cache

            try:
                self._cache = cache.FunctionCache(self.py_func)
                self.stats = self.stats._replace(cache_path=self._cache.folder)
            except cache.Uncacheable as exc:
                cache.warn_uncacheable(self.py_func, exc)
                self._cache = False
        return self._cache or None

    # ---- introspection --------------------------------------------------------------

    @property
    def signatures(self):
        return [types for types, spec in self.overloads.items() if spec is not _OBJECT_MODE]

    nopython_signatures = property(lambda self: [s.signature for s in self._native()])

    def _native(self):
        return [s for s in self.overloads.values() if s is not _OBJECT_MODE]

    def _select(self, signature):
        specs = self._native()
        if signature is None:
            return specs
        types = parse_signature(signature)[0]
        return [s for s in specs if s.typed.arg_types == types]

    def inspect_llvm(self, signature=None):
        specs = {s.typed.arg_types: s.llvm_text for s in self._select(signature)}
        return next(iter(specs.values())) if signature is not None else specs

    def inspect_asm(self, signature=None):
        specs = {s.typed.arg_types: s.assembly() for s in self._select(signature)}
        return next(iter(specs.values())) if signature is not None else specs

    def inspect_types(self, signature=None, file=None, pretty=False):
        from ember.ir.annotate import annotate

        out = file or sys.stdout
        specs = self._select(signature)
        if not specs:
            print(f"{self.__name__}: no compiled signatures yet (call it first)", file=out)
        for spec in specs:
            if spec.from_cache:
                print(f"# {self.__name__} {spec.signature}: loaded from the on-disk cache; "
                      "types inferred again", file=out)
                print(annotate(self.py_func, spec.typed.typed(self.py_func)), file=out)
                continue
            print(annotate(self.py_func, spec.typed), file=out)

    def disable_jit(self):
        """Run the Python function from now on (for debugging); enable_jit() undoes it."""
        self._jit_disabled = True
        self._install(None)

    def enable_jit(self):
        self._jit_disabled = config.DISABLE_JIT
        native = self._native()
        self._install(native[-1].entry if native else None)

    def __repr__(self):
        return f"<ember.Dispatcher {self.__qualname__}>"

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        import functools

        return functools.partial(self, obj)


_OBJECT_MODE = object()
# Numba's `dispatcher.stats`: the cache folder, hits and misses per argument types.
CompileStats = collections.namedtuple("CompileStats", ("cache_path", "cache_hits",
                                                       "cache_misses"))


def _user_stacklevel():
    """The warnings stacklevel of the first frame outside ember (the user's call)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_EMBER_DIR):
        frame, level = frame.f_back, level + 1
    return level


def _without_ember_frames(exc):
    """The exception with ember's own frames cut out of its traceback."""
    kept = []
    tb = exc.__traceback__
    while tb is not None:
        if not tb.tb_frame.f_code.co_filename.startswith(_EMBER_DIR):
            kept.append(tb)
        tb = tb.tb_next
    for current, following in zip(kept, kept[1:] + [None]):
        current.tb_next = following
    return exc.with_traceback(kept[0] if kept else None)


def parse_signature(signature):
    """(argument types, declared return type or None) from any signature form."""
    if isinstance(signature, str):
        import ember.types as types_namespace

        namespace = {k: v for k, v in vars(types_namespace).items() if not k.startswith("_")}
        try:
            signature = eval(signature, {"__builtins__": {}}, namespace)
        except Exception as exc:
            raise TypeError(f"cannot parse signature {signature!r}: {exc}") from None
    if isinstance(signature, t.Signature):
        return tuple(signature.args), (None if signature.return_type == t.none and False
                                       else signature.return_type)
    if isinstance(signature, t.Type):
        return (signature,), None
    if isinstance(signature, (tuple, list)) and all(isinstance(x, t.Type) for x in signature):
        return tuple(signature), None
    raise TypeError(f"not a signature: {signature!r}")


def _convertible(actual, wanted):
    if len(actual) != len(wanted):
        return False
    for a, w in zip(actual, wanted):
        if a == w:
            continue
        if isinstance(a, t.Number) and isinstance(w, t.Number):
            if isinstance(a, t.Complex) and not isinstance(w, t.Complex):
                return False
            continue
        if isinstance(a, t.Array) and isinstance(w, t.Array):
            if (a.dtype, a.ndim) == (w.dtype, w.ndim) and w.layout in (a.layout, "A") and (
                    w.readonly or not a.readonly):
                continue
        return False
    return True


def _convert(value, ty):
    import numpy as np

    from ember.types.typeof import to_dtype

    if isinstance(ty, t.Number) and not isinstance(value, np.ndarray):
        return to_dtype(ty).type(value)
    return value
