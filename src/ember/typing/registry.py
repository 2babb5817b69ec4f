"""The one registry through which typing resolves every call.

Keys are the callee itself (`math.sin`, `abs`, `np.sqrt`) or, for
attributes and methods, `("attr", TypeClass, name)` / `("method", TypeClass,
name)`. A registered *typer* receives the argument types and returns an
`Impl`, or raises TypingError naming what is supported. Domain modules in
`ember.lib` fill the table; they are imported on the first lookup, so
`import ember` stays cheap.
"""

import difflib
import importlib

_DOMAINS = ("ember.lib.builtins", "ember.lib.mathlib", "ember.lib.numbers", "ember.lib.creation",
            "ember.lib.ufuncs", "ember.lib.reductions",
            "ember.lib.manipulation", "ember.lib.random",
            "ember.lib.statistics",
            "ember.lib.joining",
            "ember.lib.matrices",
            "ember.lib.sorting",
            "ember.lib.linalg",
            "ember.lib.linalg_solve",
            "ember.lib.linalg_decompositions",
            "ember.lib.logic", "ember.lib.searching", "ember.lib.setops",
            "ember.lib.order_statistics", "ember.lib.nanfunctions", "ember.lib.numeric",
            "ember.lib.shapes", "ember.lib.ranges",
            "ember.lib.lists")  # last: it extends typers of other domains (len, min, ...)
_TABLE = {}
_loaded = False


class Impl:
    """How a typed call is carried out.

    Either `emit(cg, args)` generates LLVM inline (an intrinsic), or
    `py_impl` is a plain Python function that ember compiles like user code.
    Arguments are converted to `arg_types` before either sees them.
    """

    def __init__(self, return_type, arg_types, emit=None, py_impl=None, lazy_args=False):
        self.return_type = return_type
        # None: a py_impl whose own signature (defaults, keywords) takes the call
        self.arg_types = None if arg_types is None else tuple(arg_types)
        self.emit, self.py_impl = emit, py_impl
        self.typed = None  # the TypedFunction of py_impl, filled by typing
        # emit receives array expressions unevaluated (codegen.lazy), e.g. reductions
        self.lazy_args = lazy_args
        self.elementwise = False  # see `elementwise`

    def __repr__(self):
        return f"Impl({self.return_type}({', '.join(map(str, self.arg_types))}))"


def register(*keys):
    """Decorator: `@register(math.sin)` over a typer `(args, kws) -> Impl`."""
    def decorate(typer):
        for key in keys:
            _TABLE[key] = typer
        return typer
    return decorate


def extend(*keys):
    """Decorator: a typer tried before the one another domain registered for
    each key (`len` of a list before `len` of an array); it returns None to
    leave the call to that one."""
    def decorate(typer):
        for key in keys:
            previous = _TABLE.get(key)
            if previous is None:
                _TABLE[key] = typer
                continue
            _TABLE[key] = _chained(typer, previous)
        return typer
    return decorate


def _chained(first, previous):
    def typer(args, kws):
        impl = first(args, kws)
        return impl if impl is not None else previous(args, kws)
    before = ((previous.__doc__ or "").strip().splitlines() or [""])[0]
    typer.__doc__ = f"{before}; {(first.__doc__ or '').strip()}"
    if hasattr(previous, "literals"):
        typer.literals = previous.literals
    return typer


def lookup(key):
    _load_domains()
    own = getattr(key, "_ember_typer", None)  # a user's ufunc (ember.vectorizer) carries its own
    if own is not None:
        return own
    try:
        return _TABLE.get(key)
    except TypeError:  # an unhashable callee
        return None


def similar_methods(callee):
    """For an unsupported method ("method", receiver type, name): registered
    methods of the same receiver with close names, as `.name()` (a typo's hint)."""
    if not (isinstance(callee, tuple) and len(callee) == 3 and callee[0] == "method"):
        return []
    _load_domains()
    names = {key[2] for key in _TABLE if isinstance(key, tuple) and len(key) == 3
             and key[0] == "method" and key[1] is callee[1]}
    return [f".{name}()" for name in difflib.get_close_matches(callee[2], names, n=3,
                                                                cutoff=0.75)]


def _load_domains():
    global _loaded
    if not _loaded:
        _loaded = True
        for name in _DOMAINS:
            importlib.import_module(name)


# Compile options of library code that proves its own indexes in range (from
# the shapes of its own arrays, or by construction) and follows NumPy's error
# model: set as an Impl's `callee_options`.
LIBRARY_OPTIONS = {"error_model": "numpy", "fastmath": False, "boundscheck": False}


def cold(py_func):
    """Mark library code compiled from Python as rarely run (MT19937's
    regeneration, once per 624 draws): codegen keeps it out of line, so the
    hot caller stays small enough to inline into user loops."""
    py_func._ember_inline = "cold"
    return py_func


def inline_always(py_func):
    """Mark library code compiled from Python to be inlined at every call
    (a random draw inside a user's loop: LLVM's cost model stops just short,
    and the call would keep the thread's generator state from being hoisted)."""
    py_func._ember_inline = "always"
    return py_func


def _options_of(self, caller_options):
    """Compile options of a compiled callee: a jitted function's own, else the caller's."""
    own = getattr(self, "callee_options", None)
    return caller_options if own is None else own


Impl.options_of = _options_of
Impl.arg_nodes = ()
Impl.kw_nodes = {}
Impl.binding = ()


def literal_arguments(**positions):
    """Decorator over a typer whose result type depends on an argument's value
    (`keepdims=True`): a constant True or False given for one of these
    parameters, by keyword or at the positional index given (a method's
    receiver counts as 0), reaches the typer as `CompileTimeValue(value,
    "literal")`; any other argument keeps its plain type."""
    def decorate(typer):
        typer.literals = positions
        return typer
    return decorate


def literal_value(ty, default=None):
    """The value of a literal argument (see `literal_arguments`), else `default`."""
    from ember.types import core as t

    if isinstance(ty, t.CompileTimeValue) and ty.kind == "literal":
        return ty.value
    return default


def bind(args, kws, names, required=1):
    """Match argument types to parameter `names` like a Python call.

    Returns (types by name, names in the order codegen receives the values)
    or None when the call does not fit.
    """
    if len(args) > len(names) or set(kws) - set(names[len(args):]):
        return None
    by_name = dict(zip(names, args))
    by_name.update(kws)
    if any(name not in by_name for name in names[:required]):
        return None
    return by_name, list(names[:len(args)]) + list(kws)


def elementwise(typer):
    """Extend a scalar typer to arrays, NumPy-ufunc style: with any array
    argument, the scalar function applies to every element (broadcast), as
    one fused loop. The scalar typer sees the element types."""
    def array_typer(args, kws):
        from ember.types import core as t
        from ember.typing.ops import elementwise_dtype, weak_scalar_type

        arrays = [a for a in list(args) + list(kws.values()) if isinstance(a, t.Array)]
        if not arrays:
            return typer(args, kws)
        common = elementwise_dtype(list(args) + list(kws.values()))

        def element(a):
            if isinstance(a, t.Array):
                return a.dtype if len(arrays) == 1 else common
            return weak_scalar_type(a, common)
        scalar = typer(tuple(element(a) for a in args), {k: element(v) for k, v in kws.items()})
        if scalar is None or scalar.emit is None and scalar.py_impl is None:
            return None
        ndim = max(a.ndim for a in arrays)
        impl = Impl(t.Array(scalar.return_type, ndim, "C"), scalar.arg_types, scalar.emit,
                    scalar.py_impl)
        impl.elementwise, impl.scalar = True, scalar
        return impl
    array_typer.__doc__ = typer.__doc__
    return array_typer
