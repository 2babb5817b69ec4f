"""Sorting: np.sort, a.sort() in place, np.argsort and a.argsort(), written
as Python that ember compiles.

One algorithm serves all of them: a stable bottom-up merge sort (insertion
sort on short runs) of one lane at a time, copied into a contiguous buffer.
Being stable, argsort orders equal keys by position, which equals NumPy's
kind='stable'; every `kind` is accepted and gives that order. NaNs sort
last, and complex numbers lexicographically, in NumPy's order.
"""

import numpy as np

from ember.errors import TypingError
from ember.lib.joining import array_arg, as_3d, bind_arguments, normalize_axis
from ember.types import core as t
from ember.typing.registry import Impl, register

# Runs shorter than this are sorted by insertion before merging.
RUN = 16

# ---- the order of elements ---------------------------------------------------------------


def less(x, y):
    """Compiled code only: x sorts before y, in NumPy's order for x's type."""
    raise NotImplementedError("less() exists in compiled code only")


def less_ordered(x, y):
    return x < y


def less_float(x, y):
    return x < y or (y != y and x == x)  # NaN is greater than every number


def less_complex(x, y):
    """NumPy's order: [R + Rj, R + nanj, nan + Rj, nan + nanj]."""
    xr, xi, yr, yi = x.real, x.imag, y.real, y.imag
    if xr < yr:
        return xi == xi or yi != yi
    if xr > yr:
        return yi != yi and xi == xi
    if xr == yr or (xr != xr and yr != yr):
        return xi < yi or (yi != yi and xi == xi)
    return yr != yr


@register(less)
def type_less(args, kws):
    """NumPy's sort order of two numbers (internal)"""
    if kws or len(args) != 2 or not isinstance(args[0], t.Number):
        return None
    if isinstance(args[0], t.Float):
        return Impl(None, None, py_impl=less_float)
    if isinstance(args[0], t.Complex):
        return Impl(None, None, py_impl=less_complex)
    return Impl(None, None, py_impl=less_ordered)


# ---- merge sort of a contiguous buffer, carrying indices along when idx is not None ---------

def insertion_sort(keys, idx, lo, hi):
    for i in range(lo + 1, hi):
        key = keys[i]
        if idx is not None:
            item = idx[i]
        j = i - 1
        while j >= lo and less(key, keys[j]):
            keys[j + 1] = keys[j]
            if idx is not None:
                idx[j + 1] = idx[j]
            j -= 1
        keys[j + 1] = key
        if idx is not None:
            idx[j + 1] = item


def merge(src, src_idx, dst, dst_idx, lo, mid, hi):
    """Merge the sorted runs src[lo:mid] and src[mid:hi] into dst[lo:hi]; on ties
    the left run goes first, which keeps the sort stable."""
    i, j = lo, mid
    for k in range(lo, hi):
        if j >= hi or (i < mid and not less(src[j], src[i])):
            dst[k] = src[i]
            if src_idx is not None:
                dst_idx[k] = src_idx[i]
            i += 1
        else:
            dst[k] = src[j]
            if src_idx is not None:
                dst_idx[k] = src_idx[j]
            j += 1


def merge_sort(keys, idx, spare, spare_idx):
    """Sort keys (and idx with it) in place; spare buffers are as long as keys."""
    n = keys.shape[0]
    for lo in range(0, n, RUN):
        insertion_sort(keys, idx, lo, min(lo + RUN, n))
    src, dst, src_idx, dst_idx = keys, spare, idx, spare_idx
    width = RUN
    passes = 0
    while width < n:
        for lo in range(0, n, 2 * width):
            merge(src, src_idx, dst, dst_idx, lo, min(lo + width, n), min(lo + 2 * width, n))
        src, dst, src_idx, dst_idx = dst, src, dst_idx, src_idx
        width *= 2
        passes += 1
    if passes % 2 == 1:  # the result is in the spare buffers
        for i in range(n):
            keys[i] = spare[i]
            if idx is not None:
                idx[i] = spare_idx[i]


# ---- lanes along an axis ---------------------------------------------------------------------

def sort_lanes(out, axis):
    """Sort the C-contiguous array `out` in place along `axis`."""
    view = as_3d(out, axis)
    outer, n, inner = view.shape
    keys = np.empty(n, dtype=out.dtype)
    spare = np.empty(n, dtype=out.dtype)
    for i in range(outer):
        for k in range(inner):
            for j in range(n):
                keys[j] = view[i, j, k]
            merge_sort(keys, None, spare, None)
            for j in range(n):
                view[i, j, k] = keys[j]


def argsort_lanes(a, axis):
    """The int64 indices that sort `a` along `axis`, ties in order of position."""
    source = as_3d(a, axis)
    outer, n, inner = source.shape
    out = np.empty(a.shape, dtype=np.int64)
    target = as_3d(out, axis)
    keys = np.empty(n, dtype=a.dtype)
    spare = np.empty(n, dtype=a.dtype)
    idx = np.empty(n, dtype=np.int64)
    spare_idx = np.empty(n, dtype=np.int64)
    for i in range(outer):
        for k in range(inner):
            for j in range(n):
                keys[j] = source[i, j, k]
                idx[j] = j
            merge_sort(keys, idx, spare, spare_idx)
            for j in range(n):
                target[i, j, k] = idx[j]
    return out


def sort_impl(a, axis=-1, kind=None):
    out = np.copy(a)
    sort_lanes(out, normalize_axis(axis, a.ndim))
    return out


def sort_flat(a, axis=-1, kind=None):
    out = a.flatten()
    sort_lanes(out, 0)
    return out


def sort_in_place(a, axis=-1, kind=None):
    sort_lanes(a, normalize_axis(axis, a.ndim))


def sort_copy_back(a, axis=-1, kind=None):
    a[...] = sort_impl(a, axis)


def argsort_impl(a, axis=-1, kind=None):
    return argsort_lanes(a, normalize_axis(axis, a.ndim))


def argsort_flat(a, axis=-1, kind=None):
    return argsort_lanes(a.ravel(), 0)


# ---- typing ------------------------------------------------------------------------------------

def _check_arguments(name, args, kws, method=False):
    """The array, and whether axis is None; a TypingError naming a bad argument."""
    types = bind_arguments(name, args, kws, ("a", "axis", "kind"))
    if types is None:
        return None
    a = array_arg(name, types["a"])
    axis = types.get("axis", t.int64)
    if not isinstance(axis, (t.Integer, t.Boolean, t.NoneType)) or (
            method and isinstance(axis, t.NoneType)):
        raise TypingError(f"{name}() argument 'axis' must be an int{'' if method else ' or None'}"
                          f", not {axis}")
    kind = types.get("kind", t.none)
    if not isinstance(kind, t.NoneType) and not (
            isinstance(kind, t.CompileTimeValue) and kind.kind == "str"
            and kind.value[:1].lower() in ("q", "h", "m", "s")):
        raise TypingError(f"{name}() argument 'kind': sort kind must be one of 'quick', 'heap', "
                          f"or 'stable' (got {getattr(kind, 'value', kind)!r})")
    if a.ndim == 0 and not isinstance(axis, t.NoneType):
        raise TypingError(f"{name}() of a 0-d array needs axis=None")
    return a, isinstance(axis, t.NoneType)


@register(np.sort)
def type_sort(args, kws):
    """sort(a, axis=-1, kind=None): a sorted copy; axis an int or None; NaNs last

    axis=None sorts the flattened array; every kind gives the same (stable) result."""
    checked = _check_arguments("np.sort", args, kws)
    if checked is None:
        return None
    return Impl(None, None, py_impl=sort_flat if checked[1] else sort_impl)


@register(("method", t.Array, "sort"))
def type_sort_method(args, kws):
    """a.sort(axis=-1, kind=None) in place; NaNs last"""
    checked = _check_arguments("a.sort", args, kws, method=True)
    if checked is None:
        return None
    a = checked[0]
    if a.readonly:
        raise TypingError("a.sort(): the array is read-only")
    return Impl(None, None, py_impl=sort_in_place if a.layout == "C" else sort_copy_back)


@register(np.argsort, ("method", t.Array, "argsort"))
def type_argsort(args, kws):
    """argsort(a, axis=-1, kind=None): int64 indices, ties in stable order; NaNs last

    Ties are ordered stably, by position, which equals NumPy's kind='stable' whatever
    `kind` says (NumPy's default quicksort may order ties differently); axis an int or
    None (flattened)."""
    checked = _check_arguments("np.argsort", args, kws)
    if checked is None:
        return None
    return Impl(None, None, py_impl=argsort_flat if checked[1] else argsort_impl)
