"""The Python-facing objects: eager ufuncs (real np.ufunc instances), the
dynamic ufunc that compiles a loop per new input types, and the typing of
calls to either from compiled code."""

import threading

import numpy as np

from ember.errors import EmberError
from ember.types import core as t
from ember.vectorizer import build, capi
from ember.vectorizer.signatures import Layout, guvectorize_signature, vectorize_signature

TARGETS = ("cpu", "parallel")
_OPTIONS = {"nopython", "cache", "fastmath", "boundscheck", "forceobj", "nogil", "error_model",
            "writable_args", "target_backend"}


def check_options(target, options):
    if target not in TARGETS:
        raise ValueError(f"vectorize target must be one of {TARGETS}, not {target!r}")
    unknown = set(options) - _OPTIONS
    if unknown:
        raise TypeError(f"unknown vectorize option(s) {sorted(unknown)}; ember accepts "
                        f"target, identity and {', '.join(sorted(_OPTIONS))}")


def _python_function(func):
    """The Python function of a kernel (a jitted dispatcher's own too)."""
    func = getattr(func, "py_func", func)
    if not hasattr(func, "__code__"):
        raise TypeError(f"@vectorize and @guvectorize take a Python function, not {func!r}")
    return func


def _nin(py_func):
    code = py_func.__code__
    if code.co_flags & 0x0C:  # *args / **kwargs
        raise TypeError(f"{py_func.__name__}: a ufunc kernel takes a fixed number of "
                        "positional arguments")
    return code.co_argcount


def eager_ufunc(py_func, signatures, identity, target, options):
    """A real np.ufunc with one compiled loop per signature, in the order given."""
    py_func = _python_function(py_func)
    parallel = target == "parallel"
    nin = _nin(py_func)
    compiled = []
    for signature in signatures:
        arg_types, return_type = vectorize_signature(signature)
        if len(arg_types) != nin:
            raise TypeError(f"signature {signature!r} has {len(arg_types)} arguments but "
                            f"{py_func.__name__} takes {nin}")
        compiled.append(build.compile_elementwise(py_func, arg_types, return_type, options,
                                                  parallel))
    ufunc = capi.make_ufunc(py_func.__name__, py_func.__doc__,
                            [(loop.address, loop.dtypes) for loop in compiled], nin, 1,
                            identity, keepalive=[loop.keepalive for loop in compiled])
    _register_for_compiled_code(ufunc, py_func, options,
                                [(loop.signature.args, loop.signature.return_type)
                                 for loop in compiled])
    return ufunc


def eager_gufunc(py_func, signatures, layout, identity, target, options):
    """A real generalized np.ufunc (signature `layout`) with one loop per signature."""
    py_func = _python_function(py_func)
    layout = Layout(layout)
    if _nin(py_func) != len(layout.args):
        raise TypeError(f"layout {layout.text!r} has {len(layout.args)} arguments but "
                        f"{py_func.__name__} takes {_nin(py_func)}")
    compiled = []
    for signature in signatures:
        arg_types = guvectorize_signature(signature, layout)
        compiled.append(build.compile_gufunc(py_func, arg_types, layout, options,
                                             target == "parallel"))
    return capi.make_ufunc(py_func.__name__, py_func.__doc__,
                           [(loop.address, loop.dtypes) for loop in compiled], layout.nin,
                           layout.nout, identity, layout.text,
                           keepalive=[loop.keepalive for loop in compiled])


def _input_dtype(value):
    """The dtype a dynamic ufunc compiles for: Python scalars as Numba types them."""
    if isinstance(value, (bool, np.bool_)):
        return np.dtype(np.bool_)
    if type(value) is int:
        return np.dtype(np.int64)
    return np.asarray(value).dtype


def _is_missing_loop(exc):
    """NumPy's TypeError for inputs no loop takes (a plain TypeError from the
    legacy type resolver of ufuncs built with PyUFunc_FromFuncAndData)."""
    return (type(exc).__name__ == "_UFuncNoLoopError"
            or "not supported for the input types" in str(exc))


class DUFunc:
    """A dynamic ufunc (Numba's DUFunc): compiles a loop for each new
    combination of input types on call, then calls NumPy's ufunc machinery.
    Inputs an existing loop can take by NumPy's safe casting use it."""

    _ember_vectorized = True

    def __init__(self, py_func, identity, target, options):
        py_func = _python_function(py_func)
        self.py_func, self._identity = py_func, identity
        self._parallel, self._options = target == "parallel", options
        self.__name__ = py_func.__name__
        self.__qualname__ = py_func.__qualname__
        self.__doc__ = py_func.__doc__
        self.__module__ = py_func.__module__
        self.__wrapped__ = py_func
        self.nin = _nin(py_func)
        capi.identity_code(identity)
        self._loops = {}
        self._lock = threading.Lock()
        self.ufunc = None
        _register_for_compiled_code(self, py_func, options, None)

    # ---- compiling ----------------------------------------------------------------

    def add(self, input_types):
        """Compile the loop for these input types (dtypes, ember types or a
        vectorize signature string) unless it exists."""
        if isinstance(input_types, str) or isinstance(input_types, t.Signature):
            arg_types, return_type = vectorize_signature(input_types)
        else:
            arg_types, return_type = tuple(_ember_type(x) for x in input_types), None
        if len(arg_types) != self.nin:
            raise TypeError(f"{self.__name__} takes {self.nin} inputs, not {len(arg_types)}")
        with self._lock:
            if arg_types in self._loops:
                return
            loop = build.compile_elementwise(self.py_func, arg_types, return_type,
                                             self._options, self._parallel)
            self._loops[arg_types] = loop
            loops = list(self._loops.values())
            self.ufunc = capi.make_ufunc(self.__name__, self.__doc__,
                                         [(lp.address, lp.dtypes) for lp in loops], self.nin, 1,
                                         self._identity, keepalive=[lp.keepalive for lp in loops])

    def _run(self, method, inputs, *args, **kwargs):
        """ufunc.method(*args, **kwargs); first compiles for `inputs`' dtypes when
        no loop takes them."""
        if self.ufunc is not None:
            try:
                return getattr(self.ufunc, method)(*args, **kwargs)
            except TypeError as exc:
                if not _is_missing_loop(exc):
                    raise
        try:
            self.add([_input_dtype(x) for x in inputs])
        except EmberError as exc:
            raise exc.with_traceback(None) from None
        return getattr(self.ufunc, method)(*args, **kwargs)

    # ---- the ufunc interface ----------------------------------------------------------

    def __call__(self, *args, **kwargs):
        return self._run("__call__", args[:self.nin], *args, **kwargs)

    def reduce(self, array, *args, **kwargs):
        return self._run("reduce", (array,) * self.nin, array, *args, **kwargs)

    def accumulate(self, array, *args, **kwargs):
        return self._run("accumulate", (array,) * self.nin, array, *args, **kwargs)

    def reduceat(self, array, *args, **kwargs):
        return self._run("reduceat", (array,) * self.nin, array, *args, **kwargs)

    def outer(self, a, b, **kwargs):
        return self._run("outer", (a, b), a, b, **kwargs)

    def at(self, a, indices, b=None):
        inputs = (a,) if b is None else (a, b)
        return self._run("at", inputs, a, indices, *(() if b is None else (b,)))

    nout = 1
    nargs = property(lambda self: self.nin + 1)
    ntypes = property(lambda self: len(self._loops))
    types = property(lambda self: self.ufunc.types if self.ufunc is not None else [])
    identity = property(lambda self: self._ufunc_or_empty().identity)
    signature = None

    def _ufunc_or_empty(self):
        if self.ufunc is None:
            return capi.make_ufunc(self.__name__, self.__doc__, [], self.nin, 1, self._identity)
        return self.ufunc

    def inspect_llvm(self):
        """{signature: optimised LLVM IR} of every loop compiled so far."""
        return {loop.signature: loop.llvm_text for loop in self._loops.values()}

    def __repr__(self):
        return f"<ember.DUFunc '{self.__name__}'>"


class GUFunc:
    """A dynamic generalized ufunc (Numba's, from a layout alone): compiles a
    loop for each new combination of argument types on call. As in Numba,
    the call passes the outputs too: their dtypes are part of the loop, and
    a loop is compiled for the exact dtypes given (no casting to another)."""

    _ember_vectorized = True

    def __init__(self, py_func, layout, identity, target, options):
        py_func = _python_function(py_func)
        self.py_func, self.layout = py_func, Layout(layout)
        if _nin(py_func) != len(self.layout.args):
            raise TypeError(f"layout {self.layout.text!r} has {len(self.layout.args)} arguments "
                            f"but {py_func.__name__} takes {_nin(py_func)}")
        self._identity, self._options = identity, options
        self._parallel = target == "parallel"
        self.__name__, self.__doc__ = py_func.__name__, py_func.__doc__
        self.__wrapped__ = py_func
        capi.identity_code(identity)
        self._loops = {}
        self._lock = threading.Lock()
        self.ufunc = None

    nin = property(lambda self: self.layout.nin)
    nout = property(lambda self: self.layout.nout)
    signature = property(lambda self: self.layout.text)
    ntypes = property(lambda self: len(self._loops))
    types = property(lambda self: self.ufunc.types if self.ufunc is not None else [])

    def add(self, arg_types):
        """Compile the loop for these argument types (ember types, outputs included)."""
        arg_types = tuple(arg_types)
        with self._lock:
            if arg_types in self._loops:
                return
            self._loops[arg_types] = build.compile_gufunc(self.py_func, arg_types, self.layout,
                                                          self._options, self._parallel)
            loops = list(self._loops.values())
            self.ufunc = capi.make_ufunc(
                self.__name__, self.__doc__, [(lp.address, lp.dtypes) for lp in loops],
                self.nin, self.nout, self._identity, self.layout.text,
                keepalive=[lp.keepalive for lp in loops])

    def __call__(self, *args, **kwargs):
        outputs = kwargs.get("out")
        outputs = (outputs,) if isinstance(outputs, np.ndarray) else tuple(outputs or ())
        operands = args + outputs
        if len(operands) != len(self.layout.args):
            raise TypeError(f"{self.__name__} is a dynamic gufunc: call it with its "
                            f"{self.nin} inputs and its {self.nout} output arrays "
                            f"(layout {self.layout.text!r})")
        arg_types = tuple(self._arg_types(operands))
        if arg_types not in self._loops:  # exact types: outputs cast to nothing else
            try:
                self.add(arg_types)
            except EmberError as exc:
                raise exc.with_traceback(None) from None
        if "signature" not in kwargs and "dtype" not in kwargs:
            # NumPy would take the first loop the inputs cast to: name this one.
            kwargs["signature"] = tuple(self._loops[arg_types].dtypes)
        return self.ufunc(*args, **kwargs)

    def _arg_types(self, operands):
        """Scalars for inputs with no core dimension; arrays of the core ndim
        (1 for an output with none) for the rest."""
        arg_types = []
        for i, (value, dims) in enumerate(zip(operands, self.layout.args)):
            dtype = _ember_type(_input_dtype(value))
            if not dims and i < self.nin:
                arg_types.append(dtype)
            else:
                arg_types.append(t.Array(dtype, max(len(dims), 1), "A"))
        return arg_types

    def __repr__(self):
        return f"<ember.GUFunc '{self.__name__}' {self.layout.text}>"


def _ember_type(value):
    from ember.types.typeof import from_dtype

    if isinstance(value, t.Type):
        return value
    return from_dtype(np.dtype(value))


# ---- calls from compiled code -----------------------------------------------------


def _register_for_compiled_code(callee, py_func, options, signatures):
    """Let @njit code call the ufunc: on scalars it calls the kernel; on arrays
    it is elementwise, fused like NumPy's own ufuncs. An eager ufunc converts
    the arguments to its first signature NumPy's safe casting allows."""
    from ember.typing.registry import Impl, elementwise, register

    nin = _nin(py_func)

    def scalar_typer(args, kws):
        if kws or len(args) != nin or not all(isinstance(a, t.Number) for a in args):
            return None
        if signatures is None:
            return Impl(None, args, py_impl=py_func)
        for arg_types, return_type in signatures:
            if all(_safe_cast(a, b) for a, b in zip(args, arg_types)):
                return Impl(return_type, arg_types, py_impl=py_func)
        return None
    scalar_typer.__doc__ = "numbers, elementwise over arrays"
    array_typer = elementwise(scalar_typer)

    def typer(args, kws):
        impl = array_typer(args, kws)
        if impl is not None:
            impl.callee_options = build.kernel_options(options)
        return impl
    try:
        callee._ember_typer = typer  # what typing.registry.lookup looks for first
    except AttributeError:  # a NumPy whose ufuncs take no attributes
        register(callee)(typer)


def _safe_cast(source, target):
    from ember.types.typeof import to_dtype

    return np.can_cast(to_dtype(source), to_dtype(target), "safe")
