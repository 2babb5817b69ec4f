"""Counting and searching: np.count_nonzero, np.flatnonzero, np.argwhere,
np.searchsorted and np.digitize, written as Python that ember compiles.

searchsorted is a binary search in NumPy's sort order (NaN after every
number), decided by the common type of the array and the values, as NumPy
converts both to it: an int array searched for NaN finds its end.
"""

import numpy as np

from ember.lib.joining import fail
from ember.lib.matrices import nonzero_coordinates
from ember.lib.sorting import less_complex, less_float, less_ordered
from ember.types import core as t
from ember.typing.registry import Impl, bind, register

_REALS = (t.Boolean, t.Integer, t.Float)
_NUMBERS = _REALS + (t.Complex,)


def _element(ty):
    return ty.dtype if isinstance(ty, t.Array) else ty


# ---- count_nonzero, flatnonzero, argwhere --------------------------------------------

def count_nonzero_impl(a, axis=None, keepdims=False):
    return np.sum(a != 0)


@register(np.count_nonzero)
def type_count_nonzero(args, kws):
    """count_nonzero(a): the number of nonzero elements of a whole array -> int64

    axis= and keepdims= are not supported."""
    bound = bind(args, kws, ("a", "axis", "keepdims"))
    if bound is None or set(bound[0]) != {"a"}:
        return None
    a = bound[0]["a"]
    if not isinstance(a, t.Array) or not isinstance(a.dtype, _NUMBERS):
        return None
    return Impl(None, None, py_impl=count_nonzero_impl)


def flatnonzero_impl(a):
    flat = a.ravel()
    count = 0
    for i in range(flat.size):
        if flat[i] != 0:
            count += 1
    out = np.empty(count, dtype=np.int64)
    k = 0
    for i in range(flat.size):
        if flat[i] != 0:
            out[k] = i
            k += 1
    return out


@register(np.flatnonzero)
def type_flatnonzero(args, kws):
    """flatnonzero(a): int64 indices of the nonzero elements of a.ravel()"""
    bound = bind(args, kws, ("a",))
    if bound is None or not isinstance(bound[0]["a"], t.Array):
        return None
    return Impl(None, None, py_impl=flatnonzero_impl)


def argwhere_impl(a):
    return nonzero_coordinates(a).T.copy()


@register(np.argwhere)
def type_argwhere(args, kws):
    """argwhere(a): an int64 (count, a.ndim) array of the nonzero elements' indices (a.ndim >= 1)"""
    bound = bind(args, kws, ("a",))
    if bound is None or not isinstance(bound[0]["a"], t.Array) or bound[0]["a"].ndim == 0:
        return None
    return Impl(None, None, py_impl=argwhere_impl)


# ---- searchsorted ---------------------------------------------------------------------

def before(x, y):
    """Compiled code only: x sorts before y in NumPy's order for their common type."""
    raise NotImplementedError("before() exists in compiled code only")


@register(before)
def type_before(args, kws):
    """NumPy's sort order of two numbers of their common type (internal)"""
    if kws or len(args) != 2 or not all(isinstance(a, _NUMBERS) for a in args):
        return None
    if any(isinstance(a, t.Complex) for a in args):
        return Impl(None, None, py_impl=less_complex)
    if any(isinstance(a, t.Float) for a in args):
        return Impl(None, None, py_impl=less_float)
    return Impl(None, None, py_impl=less_ordered)


def search(a, v, sorter, right):
    """The number of a's elements that sort before v (right: not after v),
    a (read through sorter when given) being sorted."""
    lo = 0
    hi = a.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if sorter is None:
            x = a[mid]
        else:
            x = a[sorter[mid]]
        if before(v, x) if right else not before(x, v):
            hi = mid
        else:
            lo = mid + 1
    return lo


def search_all(a, v, sorter, right):
    """search() for every element of the array v: an int64 array of v's shape."""
    out = np.empty(v.shape, dtype=np.int64)
    flat = out.ravel()
    values = v.ravel()
    for i in range(values.size):
        flat[i] = search(a, values[i], sorter, right)
    return out


def _check_sorter(a, sorter):
    if sorter is not None:
        if sorter.shape[0] != a.shape[0]:
            fail(ValueError, "sorter.size must equal a.size")
        for i in range(sorter.shape[0]):
            if sorter[i] < 0 or sorter[i] >= a.shape[0]:
                fail(ValueError, "Sorter index out of range.")


def searchsorted_left(a, v, side="left", sorter=None):
    _check_sorter(a, sorter)
    return search(a, v, sorter, False)


def searchsorted_right(a, v, side="left", sorter=None):
    _check_sorter(a, sorter)
    return search(a, v, sorter, True)


def searchsorted_left_all(a, v, side="left", sorter=None):
    _check_sorter(a, sorter)
    return search_all(a, v, sorter, False)


def searchsorted_right_all(a, v, side="left", sorter=None):
    _check_sorter(a, sorter)
    return search_all(a, v, sorter, True)


_SEARCHES = {(False, False): searchsorted_left, (True, False): searchsorted_right,
             (False, True): searchsorted_left_all, (True, True): searchsorted_right_all}


@register(np.searchsorted, ("method", t.Array, "searchsorted"))
def type_searchsorted(args, kws):
    """searchsorted(a, v, side='left', sorter=None): 1-D a; v a number or an array -> int64

    side a constant 'left' or 'right'; sorter= a 1-D int array of indices that sort a.
    NaNs sort last, as in NumPy."""
    bound = bind(args, kws, ("a", "v", "side", "sorter"), required=2)
    if bound is None:
        return None
    types = bound[0]
    a, v = types["a"], types["v"]
    if not (isinstance(a, t.Array) and a.ndim == 1 and isinstance(a.dtype, _NUMBERS)
            and isinstance(_element(v), _NUMBERS)):
        return None
    sorter = types.get("sorter", t.none)
    if not isinstance(sorter, t.NoneType) and not (
            isinstance(sorter, t.Array) and sorter.ndim == 1
            and isinstance(sorter.dtype, t.Integer)):
        return None
    side = types.get("side")
    side = "left" if side is None else getattr(side, "value", None)
    if side not in ("left", "right") or not isinstance(side, str):
        return None
    return Impl(None, None, py_impl=_SEARCHES[side == "right", isinstance(v, t.Array)])


# ---- digitize -------------------------------------------------------------------------

def monotonicity(bins):
    """NumPy's check_array_monotonic: 1 increasing (or constant), -1 decreasing, 0 neither."""
    n = bins.shape[0]
    if n == 0:
        return 1
    first = bins[0]
    i = 1
    while i < n and bins[i] == first:
        i += 1
    if i == n:
        return 1
    increasing = first < bins[i]
    for k in range(i + 1, n):
        if (bins[k - 1] > bins[k]) if increasing else (bins[k - 1] < bins[k]):
            return 0
    return 1 if increasing else -1


def digitize_impl(x, bins, right=False):
    mono = monotonicity(bins)
    if mono == 0:
        fail(ValueError, "bins must be monotonically increasing or decreasing")
    if mono == -1:
        return bins.shape[0] - search(bins[::-1], x, None, not right)
    return search(bins, x, None, not right)


def digitize_all(x, bins, right=False):
    mono = monotonicity(bins)
    if mono == 0:
        fail(ValueError, "bins must be monotonically increasing or decreasing")
    if mono == -1:
        return bins.shape[0] - search_all(bins[::-1], x, None, not right)
    return search_all(bins, x, None, not right)


@register(np.digitize)
def type_digitize(args, kws):
    """digitize(x, bins, right=False): x a real number or array, bins a 1-D monotonic array -> int64

    Decreasing bins count from the end, as in NumPy; non-monotonic bins raise ValueError."""
    bound = bind(args, kws, ("x", "bins", "right"), required=2)
    if bound is None:
        return None
    types = bound[0]
    x, bins = types["x"], types["bins"]
    if not (isinstance(bins, t.Array) and bins.ndim == 1 and isinstance(bins.dtype, _REALS)
            and isinstance(_element(x), _REALS)
            and isinstance(types.get("right", t.boolean), (t.Boolean, t.Integer))):
        return None
    return Impl(None, None, py_impl=digitize_all if isinstance(x, t.Array) else digitize_impl)
