"""Views with new axes or axes moved, and other array manipulation:
np.expand_dims, np.squeeze (with axis=), np.swapaxes, np.moveaxis,
np.ascontiguousarray, np.asfortranarray, np.take (flat indices), np.append,
array.fill, array.take, array.swapaxes, array.squeeze (with axis=).

expand_dims, squeeze, swapaxes and moveaxis are views, as in NumPy: their
shape and strides are computed as tuples in compiled Python and handed to
one intrinsic, `strided_view`, which builds an array sharing `a`'s memory.
"""

import numpy as np
from llvmlite import ir

from ember.codegen import casts, indexing, refcount
from ember.codegen import models as m
from ember.lib.joining import fail, insert_item, normalize_axis, replace_item
from ember.lib.statistics import _without_axis
from ember.types import core as t
from ember.types.typeof import to_dtype
from ember.typing.registry import Impl, bind, register

_INTS = (t.Integer, t.Boolean)
_NUMBERS = (t.Boolean, t.Integer, t.Float, t.Complex)


# ---- the view intrinsic -----------------------------------------------------------------

def strided_view(a, shape, strides):
    """Compiled code only: a view of a's memory with this shape and these byte strides
    (both tuples of ints of one length), layout 'A'."""
    raise NotImplementedError("strided_view() exists in compiled code only")


@register(strided_view)
def type_strided_view(args, kws):
    """a view with the given shape and strides (internal)"""
    if kws or len(args) != 3 or not isinstance(args[0], t.Array):
        return None
    shape, strides = args[1], args[2]
    if not (isinstance(shape, t.Tuple) and isinstance(strides, t.Tuple)
            and len(shape) == len(strides)
            and all(isinstance(x, _INTS) for x in shape.types + strides.types)):
        return None
    source = args[0]
    result = t.Array(source.dtype, len(shape), "A", source.readonly)

    def emit(cg, values):
        bld = cg.builder

        def ints(value, ty):
            return [casts.cast(bld, bld.extract_value(value, k), item, t.int64)
                    for k, item in enumerate(ty.types)]
        view = indexing.make_view(cg, values[0], ir.Constant(m.i64, 0), ints(values[1], shape),
                                  ints(values[2], strides), result)
        refcount.incref(cg, view, result)
        return view
    return Impl(result, args, emit=emit)


# ---- expand_dims, squeeze, swapaxes, moveaxis ---------------------------------------------

def expand_dims_impl(a, axis):
    ax = normalize_axis(axis, a.ndim + 1)
    return strided_view(a, insert_item(a.shape, ax, 1), insert_item(a.strides, ax, a.itemsize))


def squeeze_impl(a, axis=None):
    ax = normalize_axis(axis, a.ndim)
    if a.shape[ax] != 1:
        fail(ValueError, "cannot select an axis to squeeze out which has size not equal to one")
    return strided_view(a, _without_axis(a.shape, ax), _without_axis(a.strides, ax))


def swapaxes_impl(a, axis1, axis2):
    i = normalize_axis(axis1, a.ndim)
    j = normalize_axis(axis2, a.ndim)
    shape = replace_item(replace_item(a.shape, i, a.shape[j]), j, a.shape[i])
    strides = replace_item(replace_item(a.strides, i, a.strides[j]), j, a.strides[i])
    return strided_view(a, shape, strides)


def moveaxis_impl(a, source, destination):
    s = normalize_axis(source, a.ndim)
    d = normalize_axis(destination, a.ndim)
    shape = insert_item(_without_axis(a.shape, s), d, a.shape[s])
    strides = insert_item(_without_axis(a.strides, s), d, a.strides[s])
    return strided_view(a, shape, strides)


def _ints(types, *names):
    return all(isinstance(types.get(name, t.int64), t.Integer) for name in names)


@register(np.expand_dims)
def type_expand_dims(args, kws):
    """expand_dims(a, axis): a view with a new axis of length 1; axis one int"""
    bound = bind(args, kws, ("a", "axis"), required=2)
    if bound is None or not isinstance(bound[0]["a"], t.Array) or not _ints(bound[0], "axis"):
        return None
    return Impl(None, None, py_impl=expand_dims_impl)


@register(np.squeeze, ("method", t.Array, "squeeze"))
def type_squeeze(args, kws):
    """squeeze(a, axis): a view without axis `axis` (one int, of length 1)

    Without axis= the result's ndim would depend on the shape's values, which
    compiled code must know in advance: give the axis."""
    bound = bind(args, kws, ("a", "axis"), required=2)
    if bound is None or not isinstance(bound[0]["a"], t.Array) or bound[0]["a"].ndim == 0:
        return None
    if not _ints(bound[0], "axis"):
        return None
    return Impl(None, None, py_impl=squeeze_impl)


@register(np.swapaxes, ("method", t.Array, "swapaxes"))
def type_swapaxes(args, kws):
    """swapaxes(a, axis1, axis2): a view with two axes (ints) exchanged"""
    bound = bind(args, kws, ("a", "axis1", "axis2"), required=3)
    if bound is None or not isinstance(bound[0]["a"], t.Array) or bound[0]["a"].ndim == 0:
        return None
    if not _ints(bound[0], "axis1", "axis2"):
        return None
    return Impl(None, None, py_impl=swapaxes_impl)


@register(np.moveaxis)
def type_moveaxis(args, kws):
    """moveaxis(a, source, destination): a view with one axis moved; source, destination ints

    Tuples of axes are not supported."""
    bound = bind(args, kws, ("a", "source", "destination"), required=3)
    if bound is None or not isinstance(bound[0]["a"], t.Array) or bound[0]["a"].ndim == 0:
        return None
    if not _ints(bound[0], "source", "destination"):
        return None
    return Impl(None, None, py_impl=moveaxis_impl)


# ---- ascontiguousarray, asfortranarray ----------------------------------------------------

def same_array(a, dtype=None):
    return a


def one_element(a, dtype=None):
    return a.reshape((1,))


def c_copy(a, dtype=None):
    return a.copy()


def converted(a, dtype=None):
    return a.astype(dtype)


def f_copy(a, dtype=None):
    return a.T.copy().T


def _target_dtype(a, types):
    """None when dtype= keeps a's dtype, else the NumPy dtype asked for; False if unusable."""
    dtype = types.get("dtype", t.none)
    if isinstance(dtype, t.NoneType):
        return None
    if not (isinstance(dtype, t.CompileTimeValue) and dtype.kind in ("dtype", "function")):
        return False
    try:
        wanted = np.dtype(dtype.value)
    except TypeError:
        return False
    return None if wanted == to_dtype(a.dtype) else wanted


def _as_layout(layout):
    def typer(args, kws):
        bound = bind(args, kws, ("a", "dtype"))
        if bound is None or not isinstance(bound[0]["a"], t.Array):
            return None
        a = bound[0]["a"]
        wanted = _target_dtype(a, bound[0])
        if wanted is False:
            return None
        if wanted is not None:
            if layout == "F" and a.ndim > 1:
                return None  # a converted copy is C-ordered
            return Impl(None, None, py_impl=converted)
        if a.ndim == 0:
            return Impl(None, None, py_impl=one_element)
        if a.layout == layout or a.ndim == 1 and a.layout == "C":
            return Impl(None, None, py_impl=same_array)
        return Impl(None, None, py_impl=f_copy if layout == "F" and a.ndim > 1 else c_copy)
    return typer


type_ascontiguousarray = register(np.ascontiguousarray)(_as_layout("C"))
type_ascontiguousarray.__doc__ = """\
ascontiguousarray(a, dtype=None): a when typed C-contiguous, else a C copy

A 0-d array gives a 1-element 1-D array, as in NumPy; dtype= converts (a copy)."""
type_asfortranarray = register(np.asfortranarray)(_as_layout("F"))
type_asfortranarray.__doc__ = """\
asfortranarray(a): a when typed Fortran-contiguous, else a Fortran copy

A 0-d array gives a 1-element 1-D array, as in NumPy; dtype= only for 0-d and 1-D a."""


# ---- take ---------------------------------------------------------------------------------

def _flat_index(i, n):
    if i < -n or i >= n:
        fail(IndexError, "index %lld is out of bounds for axis 0 with size %lld", i, n)
    return i + n if i < 0 else i


def take_scalar(a, indices, axis=None, out=None, mode="raise"):
    flat = a.ravel()
    return flat[_flat_index(indices, flat.size)]


def take_array(a, indices, axis=None, out=None, mode="raise"):
    flat = a.ravel()
    taken = np.empty(indices.shape, dtype=flat.dtype)
    result = taken.ravel()
    wanted = indices.ravel()
    for i in range(wanted.size):
        result[i] = flat[_flat_index(wanted[i], flat.size)]
    return taken


@register(np.take, ("method", t.Array, "take"))
def type_take(args, kws):
    """take(a, indices): elements of a.ravel(); indices an int or an int array (its shape)

    Negative indices count from the end; out of range raises IndexError; axis=, out=
    and mode= are not supported."""
    bound = bind(args, kws, ("a", "indices", "axis", "out", "mode"), required=2)
    if bound is None or set(bound[0]) != {"a", "indices"}:
        return None
    a, indices = bound[0]["a"], bound[0]["indices"]
    if not isinstance(a, t.Array):
        return None
    if isinstance(indices, t.Integer):
        return Impl(None, None, py_impl=take_scalar)
    if isinstance(indices, t.Array) and isinstance(indices.dtype, t.Integer):
        return Impl(None, None, py_impl=take_array)
    return None


# ---- append, fill -------------------------------------------------------------------------

def append_arrays(arr, values, axis=None):
    return np.concatenate((arr.ravel(), values.ravel()))


def append_number(arr, values, axis=None):
    return np.concatenate((arr.ravel(), np.full(1, values)))


def append_along(arr, values, axis=None):
    return np.concatenate((arr, values), axis)


@register(np.append)
def type_append(args, kws):
    """append(arr, values, axis=None): arrays (or a number for values) flattened and joined

    With an int axis=, arrays of one ndim joined along it (np.concatenate)."""
    bound = bind(args, kws, ("arr", "values", "axis"), required=2)
    if bound is None:
        return None
    arr, values = bound[0]["arr"], bound[0]["values"]
    axis = bound[0].get("axis", t.none)
    if not isinstance(arr, t.Array):
        return None
    if isinstance(axis, t.Integer):
        if isinstance(values, t.Array) and values.ndim == arr.ndim and arr.ndim > 0:
            return Impl(None, None, py_impl=append_along)
        return None
    if not isinstance(axis, t.NoneType):
        return None
    if isinstance(values, t.Array):
        return Impl(None, None, py_impl=append_arrays)
    if isinstance(values, _NUMBERS):
        return Impl(None, None, py_impl=append_number)
    return None


def fill_impl(a, value):
    a[...] = value


@register(("method", t.Array, "fill"))
def type_fill(args, kws):
    """a.fill(value): every element set to a number (cast to a's dtype), in place"""
    if kws or len(args) != 2 or not isinstance(args[0], t.Array):
        return None
    if args[0].readonly or not isinstance(args[1], _NUMBERS):
        return None
    return Impl(None, None, py_impl=fill_impl)
