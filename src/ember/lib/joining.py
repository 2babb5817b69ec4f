"""Joining and rearranging arrays: np.concatenate, stack, vstack, hstack,
atleast_1d/2d/3d, repeat, tile, roll, flip, fliplr and flipud, written as
Python that ember compiles.

Two techniques carry the module, and matrices.py and sorting.py reuse them:
- Work along a runtime axis goes through a 3-D view (before the axis, along
  it, after it) of a C-contiguous array (`as_3d`), so one implementation
  serves every ndim and every axis.
- A tuple of arrays with different dtypes or layouts is heterogeneous, and
  compiled code cannot loop over it. Such functions are generated per tuple
  length from a source template (`generate`): the loop is unrolled in text.
"""

import linecache

import numpy as np
from llvmlite import ir

from ember.codegen import casts
from ember.codegen import models as m
from ember.errors import TypingError
from ember.types import core as t
from ember.types.typeof import to_dtype
from ember.typing.registry import Impl, bind, register
from ember.typing.unify import promote

AxisError = np.exceptions.AxisError
_INTS = (t.Integer, t.Boolean)

# ---- shared helpers ------------------------------------------------------------------

_GENERATED = {}


def generate(source, scope, **constants):
    """The function that `source` (one `def`) defines, run in `scope` (a module's
    globals) plus `constants`. Its text goes into linecache under a unique name,
    so ember reads it like any other source. Cached per text and constants."""
    key = (source, scope["__name__"], tuple(sorted(constants.items())))
    entry = _GENERATED.get(key)
    if entry is None:
        filename = f"<{scope['__name__']} generated #{len(_GENERATED)}>"
        namespace = dict(scope, **constants)
        exec(compile(source, filename, "exec"), namespace)
        name = source.split("(", 1)[0].split()[-1]
        entry = _GENERATED[key] = (namespace[name], filename)
    function, filename = entry
    # re-registered on every use: anything may have cleared linecache meanwhile
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return function


def fail(exc_class, message, *values):
    """Compiled code only: raise exc_class(message % values), values being ints
    (at most three, formatted with %lld)."""
    raise NotImplementedError("fail() exists in compiled code only")


@register(fail)
def type_fail(args, kws):
    """raise an exception with a message formatted from ints (internal)"""
    if kws or not 2 <= len(args) <= 2 + m.EXC_ARGS or not all(
            isinstance(a, _INTS) for a in args[2:]):
        return None
    exc_class, message = args[0], args[1]
    if not (isinstance(exc_class, t.CompileTimeValue) and isinstance(message, t.CompileTimeValue)
            and message.kind == "str"):
        return None

    def emit(cg, values):
        ints = [casts.cast(cg.builder, v, ty, t.int64) for v, ty in zip(values[2:], args[2:])]
        cg.check(ir.Constant(m.i1, 0), exc_class.value, message.value, ints)
        return ir.Constant(m.i8, None)
    return Impl(t.none, args, emit=emit)


def normalize_axis(axis, ndim):
    if axis < -ndim or axis >= ndim:
        fail(AxisError, "axis %lld is out of bounds for array of dimension %lld", axis, ndim)
    return axis + ndim if axis < 0 else axis


def replace_item(items, index, value):
    """Compiled code only: the tuple `items` with items[index] = value (index at run time)."""
    raise NotImplementedError("replace_item() exists in compiled code only")


def insert_item(items, index, value):
    """Compiled code only: the tuple `items` with `value` inserted before items[index]."""
    raise NotImplementedError("insert_item() exists in compiled code only")


def _tuple_typer(kind):
    def typer(args, kws):
        """a tuple of ints with one item replaced or inserted at a runtime index (internal)"""
        if kws or len(args) != 3 or not isinstance(args[0], t.Tuple):
            return None
        n = len(args[0])
        if kind == "replace":
            parts = [f"value if index == {k} else items[{k}]" for k in range(n)]
        elif n == 0:
            parts = ["value"]
        else:  # item k of the result: items[k] before the index, items[k - 1] after it
            parts = [f"value if index == {k} else (items[{min(k, n - 1)}] if {k} < index "
                     f"else items[{max(k - 1, 0)}])" for k in range(n + 1)]
        source = (f"def {kind}_item(items, index, value):\n"
                  f"    return ({''.join(p + ', ' for p in parts)})\n")
        return Impl(None, None, py_impl=generate(source, globals()))
    return typer


register(replace_item)(_tuple_typer("replace"))
register(insert_item)(_tuple_typer("insert"))


def outer_inner(shape, axis):
    """The number of elements before and after `axis` in C order."""
    outer = 1
    inner = 1
    for d in range(len(shape)):
        if d < axis:
            outer *= shape[d]
        elif d > axis:
            inner *= shape[d]
    return outer, inner


def as_3d(a, axis):
    """`a` viewed as (before axis, along axis, after axis): a view when `a` is
    C-contiguous, else a C copy."""
    outer, inner = outer_inner(a.shape, axis)
    return a.reshape((outer, a.shape[axis], inner))


def array_arg(name, ty, argument="a", min_ndim=0):
    """The typer's check of an array argument: a TypingError naming it otherwise."""
    if not isinstance(ty, t.Array):
        raise TypingError(f"{name}() argument '{argument}' must be an array, not {ty}")
    if ty.ndim < min_ndim:
        raise TypingError(f"{name}() argument '{argument}' must have at least {min_ndim} "
                          f"dimension(s), not {ty.ndim}")
    return ty


def bind_arguments(name, args, kws, names, required=1):
    """Argument types by parameter name, as `registry.bind`; a keyword outside
    `names` is a TypingError naming it (None for other misfits)."""
    extra = sorted(set(kws) - set(names))
    if extra:
        raise TypingError(f"{name}() argument '{extra[0]}' is not supported")
    bound = bind(args, kws, names, required)
    return None if bound is None else bound[0]


def int_or_none(name, ty, argument):
    if not isinstance(ty, _INTS + (t.NoneType,)):
        raise TypingError(f"{name}() argument '{argument}' must be an int or None, not {ty}")
    return ty


# ---- concatenate, stack, vstack, hstack ------------------------------------------------

def joined_size(first, a, axis, message):
    """a.shape[axis], after checking that every other dimension matches `first`."""
    for d in range(first.ndim):
        if d != axis and a.shape[d] != first.shape[d]:
            fail(ValueError, message, d, first.shape[d], a.shape[d])
    return a.shape[axis]


def copy_into(target, source, start):
    """target[:, start:start + n, :] = source for 3-D arrays. Explicit loops:
    they compile several times faster than a 3-D slice assignment."""
    outer, n, inner = source.shape
    if inner == 1:  # along the last axis: a loop of one iteration innermost runs slowly
        for i in range(outer):
            for j in range(n):
                target[i, start + j, 0] = source[i, j, 0]
        return
    for i in range(outer):
        for j in range(n):
            for k in range(inner):
                target[i, start + j, k] = source[i, j, k]


def place(target, a, axis, start):
    """Copy `a` into the 3-D view `target` from `start` along the middle axis."""
    copy_into(target, as_3d(a, axis), start)
    return start + a.shape[axis]


def same_shape(first, a):
    for d in range(first.ndim):
        if a.shape[d] != first.shape[d]:
            fail(ValueError, "all input arrays must have the same shape")


def expand(a, axis):
    """`a` with a new axis of length 1 at `axis` (a view when `a` is C-contiguous)."""
    return a.reshape(insert_item(a.shape, axis, 1))


def same(a):
    return a


def new_axis_first(a):
    return a[None]


def new_axes_2(a):
    return a[None, None]


def new_axes_3(a):
    return a[None, None, None]


def new_row(a):
    return a[None, :]


def new_row_and_column(a):
    return a[None, :, None]


def new_last(a):
    return a[:, :, None]


# atleast_Nd of an array of each ndim below N: a view with axes of length 1 added
_ATLEAST = {1: (new_axis_first,), 2: (new_axes_2, new_row),
            3: (new_axes_3, new_row_and_column, new_last)}


def _mismatch(index):
    return ("all the input array dimensions except for the concatenation axis must match "
            "exactly, but along dimension %lld, the array at index 0 has size %lld and the "
            f"array at index {index} has size %lld")


def _joiner(n, dtype):
    """join(arrays, axis): concatenation of a tuple of n arrays into `dtype`."""
    lines = ["def join(arrays, axis=0):",
             "    first = arrays[0]",
             "    axis = normalize_axis(axis, first.ndim)",
             "    total = first.shape[axis]"]
    lines += [f"    total += joined_size(first, arrays[{i}], axis, MISMATCH_{i})"
              for i in range(1, n)]
    lines += ["    out = np.empty(replace_item(first.shape, axis, total), dtype=DTYPE)",
              "    target = as_3d(out, axis)",
              "    start = 0"]
    lines += [f"    start = place(target, arrays[{i}], axis, start)" for i in range(n)]
    lines += ["    return out"]
    messages = {f"MISMATCH_{i}": _mismatch(i) for i in range(1, n)}
    return generate("\n".join(lines) + "\n", globals(), DTYPE=to_dtype(dtype), **messages)


def _forward(name, signature, parts, call):
    """`def name(tup, ...): return join((parts(tup[0]), ...), axis)`, per tuple length."""
    tup = signature.split(",")[0]
    items = "".join(f"{parts}({tup}[{i}]), " for i in range(call["n"]))
    source = f"def {name}({signature}):\n    return join(({items}), {call['axis']})\n"
    return generate(source, globals(), join=call["join"])


def _array_tuple(name, ty):
    if not isinstance(ty, t.Tuple) or not all(isinstance(x, t.Array) for x in ty.types):
        raise TypingError(f"{name}() takes a tuple of arrays, not {ty}")
    if not ty.types:
        verb = "stack" if name == "np.stack" else "concatenate"
        raise TypingError(f"{name}(): need at least one array to {verb}")
    return ty.types


def _same_ndim(name, types):
    for i, ty in enumerate(types):
        if ty.ndim != types[0].ndim:
            raise TypingError(f"{name}(): all the input arrays must have same number of "
                              f"dimensions, but the array at index 0 has {types[0].ndim} "
                              f"dimension(s) and the array at index {i} has {ty.ndim} "
                              "dimension(s)")


def _common_dtype(types):
    dtype = types[0].dtype
    for ty in types[1:]:
        dtype = promote(dtype, ty.dtype)
    return dtype


@register(np.concatenate)
def type_concatenate(args, kws):
    """concatenate(arrays, axis=0): a tuple of arrays; axis an int or None (flattened)"""
    bound = bind_arguments("np.concatenate", args, kws, ("arrays", "axis"))
    if bound is None:
        return None
    types = _array_tuple("np.concatenate", bound["arrays"])
    axis = int_or_none("np.concatenate", bound.get("axis", t.int64), "axis")
    join = _joiner(len(types), _common_dtype(types))
    if isinstance(axis, t.NoneType):
        call = {"n": len(types), "axis": 0, "join": join}
        return Impl(None, None, py_impl=_forward("concatenate", "arrays, axis=None", "ravel", call))
    _same_ndim("np.concatenate", types)
    if types[0].ndim == 0:
        raise TypingError("np.concatenate(): zero-dimensional arrays cannot be concatenated")
    return Impl(None, None, py_impl=join)


def ravel(a):
    return a.ravel()


def _stacker(n, ndim, join):
    lines = ["def stack(arrays, axis=0):",
             "    axis = normalize_axis(axis, arrays[0].ndim + 1)"]
    # 0-d arrays always match (and compiled code cannot index their empty shape)
    lines += [f"    same_shape(arrays[0], arrays[{i}])" for i in range(1, n if ndim else 1)]
    items = "".join(f"expand(arrays[{i}], axis), " for i in range(n))
    lines += [f"    return join(({items}), axis)"]
    return generate("\n".join(lines) + "\n", globals(), join=join)


@register(np.stack)
def type_stack(args, kws):
    """stack(arrays, axis=0): a tuple of arrays of one shape, joined along a new axis"""
    bound = bind_arguments("np.stack", args, kws, ("arrays", "axis"))
    if bound is None:
        return None
    types = _array_tuple("np.stack", bound["arrays"])
    axis = bound.get("axis", t.int64)
    if not isinstance(axis, _INTS):
        raise TypingError(f"np.stack() argument 'axis' must be an int, not {axis}")
    if any(ty.ndim != types[0].ndim for ty in types):
        raise TypingError("np.stack(): all input arrays must have the same shape")
    join = _joiner(len(types), _common_dtype(types))
    return Impl(None, None, py_impl=_stacker(len(types), types[0].ndim, join))


def _stack_along(name, promote_to, pick_axis, doc):
    def typer(args, kws):
        bound = bind_arguments(name, args, kws, ("tup",))
        if bound is None:
            return None
        types = _array_tuple(name, bound["tup"])
        promoted = [max(ty.ndim, promote_to) for ty in types]
        if any(nd != promoted[0] for nd in promoted):
            _same_ndim(name, [ty.copy(ndim=nd) for ty, nd in zip(types, promoted)])
        call = {"n": len(types), "axis": pick_axis(promoted[0]),
                "join": _joiner(len(types), _common_dtype(types))}
        parts = f"np.atleast_{promote_to}d"
        return Impl(None, None, py_impl=_forward(name[3:], "tup", parts, call))
    typer.__doc__ = doc
    return typer


register(np.vstack)(_stack_along(
    "np.vstack", 2, lambda ndim: 0,
    "vstack(tup): a tuple of arrays joined along axis 0 (1-D arrays as rows)"))
register(np.hstack)(_stack_along(
    "np.hstack", 1, lambda ndim: 0 if ndim == 1 else 1,
    "hstack(tup): a tuple of arrays joined along axis 1 (axis 0 if they are 1-D)"))


def _atleast(ndim):
    def typer(args, kws):
        """atleast_Nd(a) of one array: a view with axes of length 1 added"""
        if kws or len(args) != 1:
            return None
        a = array_arg(f"np.atleast_{ndim}d", args[0])
        return Impl(None, None, py_impl=_ATLEAST[ndim][a.ndim] if a.ndim < ndim else same)
    typer.__doc__ = typer.__doc__.replace("N", str(ndim), 1)
    return typer


register(np.atleast_1d)(_atleast(1))
register(np.atleast_2d)(_atleast(2))
register(np.atleast_3d)(_atleast(3))


# ---- repeat, tile, roll ------------------------------------------------------------------

def repeat_along(a, counts, axis):
    """Each element of `a` along `axis` repeated counts[j] (or counts[0]) times."""
    source = as_3d(a, axis)
    outer, n, inner = source.shape
    if counts.size != 1 and counts.size != n:
        fail(ValueError, "operands could not be broadcast together with shape (%lld,) (%lld,)",
             n, counts.size)
    step = 0 if counts.size == 1 else 1
    total = 0
    for j in range(n):
        if counts[j * step] < 0:
            fail(ValueError, "repeats may not contain negative values.")
        total += counts[j * step]
    out = np.empty(replace_item(a.shape, axis, total), dtype=a.dtype)
    target = as_3d(out, axis)
    for i in range(outer):
        start = 0
        for j in range(n):
            for r in range(counts[j * step]):
                for k in range(inner):
                    target[i, start + r, k] = source[i, j, k]
            start += counts[j * step]
    return out


def repeat_impl(a, repeats, axis=None):
    counts = repeats.ravel()
    if axis is None:
        return repeat_along(a.ravel(), counts, 0)
    return repeat_along(a, counts, normalize_axis(axis, a.ndim))


def repeat_scalar_impl(a, repeats, axis=None):
    if repeats < 0:
        fail(ValueError, "negative dimensions are not allowed")
    return repeat_impl(a, np.full(1, repeats, dtype=np.int64), axis)


@register(np.repeat, ("method", t.Array, "repeat"))
def type_repeat(args, kws):
    """repeat(a, repeats, axis=None): repeats an int or a 1-D int array; axis an int or None"""
    types = bind_arguments("np.repeat", args, kws, ("a", "repeats", "axis"), required=2)
    if types is None:
        return None
    array_arg("np.repeat", types["a"])
    int_or_none("np.repeat", types.get("axis", t.none), "axis")
    repeats = types["repeats"]
    if isinstance(repeats, _INTS):
        return Impl(None, None, py_impl=repeat_scalar_impl)
    if isinstance(repeats, t.Array) and repeats.ndim <= 1 and isinstance(repeats.dtype, _INTS):
        return Impl(None, None, py_impl=repeat_impl)
    raise TypingError(f"np.repeat() argument 'repeats' must be an int or a 1-D array of ints, "
                      f"not {repeats}")


def tile_axis(a, axis, reps):
    """`a` repeated whole `reps` times along `axis` (a new C array)."""
    source = as_3d(a, axis)
    n = source.shape[1]
    out = np.empty(replace_item(a.shape, axis, n * reps), dtype=a.dtype)
    target = as_3d(out, axis)
    for r in range(reps):
        copy_into(target, source, r * n)
    return out


def _tiler(ndim, nreps, reps_is_int):
    """tile(A, reps) for an A of `ndim` dimensions and `nreps` repetition counts:
    A gains leading axes of length 1 (or reps leading 1s) to the same length,
    then each given axis is tiled in turn."""
    depth = max(ndim, nreps)
    shape = ["1"] * (depth - ndim) + [f"A.shape[{k}]" for k in range(ndim)]
    lines = ["def tile(A, reps):",
             f"    c0 = A.reshape(({''.join(s + ', ' for s in shape)}))" if depth > ndim
             else "    c0 = A"]
    for k in range(nreps):
        axis = depth - nreps + k
        count = "reps" if reps_is_int else f"reps[{k}]"
        lines.append(f"    c{k + 1} = tile_axis(c{k}, {axis}, {count})")
    lines.append(f"    return c{nreps}")
    return generate("\n".join(lines) + "\n", globals())


@register(np.tile)
def type_tile(args, kws):
    """tile(A, reps): reps an int or a non-empty tuple of ints"""
    bound = bind_arguments("np.tile", args, kws, ("A", "reps"), required=2)
    if bound is None:
        return None
    a = array_arg("np.tile", bound["A"], "A")
    reps = bound["reps"]
    if isinstance(reps, _INTS):
        return Impl(None, None, py_impl=_tiler(a.ndim, 1, True))
    if isinstance(reps, t.Tuple) and reps.types and all(isinstance(x, _INTS) for x in reps.types):
        return Impl(None, None, py_impl=_tiler(a.ndim, len(reps), False))
    raise TypingError(f"np.tile() argument 'reps' must be an int or a non-empty tuple of ints, "
                      f"not {reps}")


def roll_along(a, shift, axis):
    source = as_3d(a, axis)
    outer, n, inner = source.shape
    out = np.empty(a.shape, dtype=a.dtype)
    if n == 0:
        return out
    offset = shift % n
    target = as_3d(out, axis)
    copy_into(target, source[:, :n - offset, :], offset)
    copy_into(target, source[:, n - offset:, :], 0)
    return out


def roll_flat(a, shift, axis=None):
    return roll_along(a.ravel(), shift, 0).reshape(a.shape)


def roll_impl(a, shift, axis=None):
    return roll_along(a, shift, normalize_axis(axis, a.ndim))


def _roller(count, shift_is_int):
    """roll along a tuple of `count` axes, shifting each in turn."""
    lines = ["def roll(a, shift, axis=None):", "    c0 = a"]
    for k in range(count):
        amount = "shift" if shift_is_int else f"shift[{k}]"
        lines.append(f"    c{k + 1} = roll_along(c{k}, {amount}, normalize_axis(axis[{k}], "
                     "a.ndim))")
    lines.append(f"    return c{count}")
    return generate("\n".join(lines) + "\n", globals())


@register(np.roll)
def type_roll(args, kws):
    """roll(a, shift, axis=None): int shift, int or None axis; or a tuple axis (and shifts)

    axis=None rolls the flattened array; with a tuple of axes, shift is an int or a
    tuple of ints of the same length."""
    types = bind_arguments("np.roll", args, kws, ("a", "shift", "axis"), required=2)
    if types is None:
        return None
    array_arg("np.roll", types["a"])
    shift, axis = types["shift"], types.get("axis", t.none)
    int_tuple = isinstance(axis, t.Tuple) and all(isinstance(x, _INTS) for x in axis.types)
    if isinstance(shift, _INTS) and isinstance(axis, (t.NoneType,) + _INTS):
        return Impl(None, None, py_impl=roll_flat if isinstance(axis, t.NoneType) else roll_impl)
    if int_tuple and (isinstance(shift, _INTS) or isinstance(shift, t.Tuple) and len(shift) == len(
            axis) and all(isinstance(x, _INTS) for x in shift.types)):
        return Impl(None, None, py_impl=_roller(len(axis), isinstance(shift, _INTS)))
    raise TypingError(f"np.roll() does not support shift={shift}, axis={axis}: use an int "
                      "shift with an int or None axis, or tuples of ints of one length")


# ---- flip, fliplr, flipud: views with a negative stride --------------------------------------

def _flip_source(ndim, axis_kind):
    """flip for `ndim` dimensions: every axis (None), one runtime axis (int), or a
    tuple of axes (each flipped in turn)."""
    def reversed_at(k):
        return ", ".join("::-1" if d == k else ":" for d in range(ndim))
    if axis_kind == "none":
        all_axes = ", ".join(["::-1"] * ndim) or "..."
        return f"def flip(m, axis=None):\n    return m[{all_axes}]\n"
    if axis_kind == "int":
        lines = ["def flip(m, axis=None):", "    axis = normalize_axis(axis, m.ndim)"]
        lines += [f"    if axis == {k}:\n        return m[{reversed_at(k)}]"
                  for k in range(ndim - 1)]
        lines.append(f"    return m[{reversed_at(ndim - 1)}]")
        return "\n".join(lines) + "\n"
    lines = ["def flip(m, axis=None):", "    c0 = m"]
    lines += [f"    c{k + 1} = flip_axis(c{k}, axis[{k}])" for k in range(axis_kind)]
    lines.append(f"    return c{axis_kind}")
    return "\n".join(lines) + "\n"


def _flipper(ndim, axis_type):
    if isinstance(axis_type, t.NoneType):
        return generate(_flip_source(ndim, "none"), globals())
    flip_axis = generate(_flip_source(ndim, "int"), globals())
    if isinstance(axis_type, _INTS):
        return flip_axis
    return generate(_flip_source(ndim, len(axis_type)), globals(), flip_axis=flip_axis)


@register(np.flip)
def type_flip(args, kws):
    """flip(m, axis=None): a view reversed along every axis, an int axis or a tuple of axes"""
    bound = bind_arguments("np.flip", args, kws, ("m", "axis"))
    if bound is None:
        return None
    m_type = array_arg("np.flip", bound["m"], "m")
    axis = bound.get("axis", t.none)
    if not isinstance(axis, (t.NoneType,) + _INTS) and not (
            isinstance(axis, t.Tuple) and all(isinstance(x, _INTS) for x in axis.types)):
        raise TypingError(f"np.flip() argument 'axis' must be None, an int or a tuple of ints, "
                          f"not {axis}")
    if m_type.ndim == 0 and not isinstance(axis, t.NoneType):
        raise TypingError("np.flip() of a 0-d array takes no axis")
    return Impl(None, None, py_impl=_flipper(m_type.ndim, axis))


def flipud_impl(m):
    return m[::-1, ...]


def fliplr_impl(m):
    return m[:, ::-1, ...]


def _flip_side(name, impl, min_ndim):
    def typer(args, kws):
        if kws or len(args) != 1:
            return None
        m_type = array_arg(name, args[0], "m")
        if m_type.ndim < min_ndim:
            raise TypingError(f"{name}(): Input must be >= {min_ndim}-d.")
        return Impl(None, None, py_impl=impl)
    typer.__doc__ = (f"{name[3:]}(m): a view reversed along axis {min_ndim - 1} "
                     f"(m.ndim >= {min_ndim})")
    return typer


register(np.flipud)(_flip_side("np.flipud", flipud_impl, 1))
register(np.fliplr)(_flip_side("np.fliplr", fliplr_impl, 2))
