"""Set operations: np.unique and np.isin, written as Python that ember compiles.

Both sort first (sorting.py's stable merge sort, NaNs last) and then walk the
sorted values: unique keeps one of each run of equal values (all NaNs count
as one, NumPy 2's equal_nan=True), isin looks each element up by binary
search. NaN is never `in` anything, as with NumPy's ==.
"""

import numpy as np

from ember.lib.searching import search
from ember.types import core as t
from ember.typing.registry import Impl, bind, register

_NUMBERS = (t.Boolean, t.Integer, t.Float, t.Complex)


def _element(ty):
    return ty.dtype if isinstance(ty, t.Array) else ty


def _same_value(x, y):
    return x == y or (x != x and y != y)


def unique_impl(ar):
    values = np.sort(ar, None)
    n = values.size
    count = 0
    for i in range(n):
        if i == 0 or not _same_value(values[i], values[i - 1]):
            count += 1
    out = np.empty(count, dtype=values.dtype)
    k = 0
    for i in range(n):
        if i == 0 or not _same_value(values[i], values[i - 1]):
            out[k] = values[i]
            k += 1
    return out


@register(np.unique)
def type_unique(args, kws):
    """unique(ar): the sorted unique values of an array, flattened (one NaN for all NaNs)

    return_index, return_inverse, return_counts, axis and equal_nan=False are not
    supported."""
    bound = bind(args, kws, ("ar", "return_index", "return_inverse", "return_counts", "axis"))
    if bound is None or set(bound[0]) != {"ar"}:
        return None
    ar = bound[0]["ar"]
    if not isinstance(ar, t.Array) or not isinstance(ar.dtype, _NUMBERS):
        return None
    return Impl(None, None, py_impl=unique_impl)


def contains(table, x):
    """Is x in the sorted 1-D `table`?"""
    k = search(table, x, None, False)
    return k < table.shape[0] and table[k] == x


def isin_impl(element, test_elements, assume_unique=False, invert=False):
    table = np.sort(test_elements, None)
    out = np.empty(element.shape, dtype=np.bool_)
    flat = out.ravel()
    values = element.ravel()
    for i in range(values.size):
        flat[i] = contains(table, values[i]) != invert
    return out


def isin_scalar(element, test_elements, assume_unique=False, invert=False):
    return contains(np.sort(test_elements, None), element) != invert


@register(np.isin)
def type_isin(args, kws):
    """isin(element, test_elements, assume_unique=False, invert=False): bools, element's shape

    element an array (a number gives a bool; NumPy: a 0-d array); test_elements an
    array of any shape; kind= is not supported."""
    bound = bind(args, kws, ("element", "test_elements", "assume_unique", "invert"), required=2)
    if bound is None:
        return None
    types = bound[0]
    element, tests = types["element"], types["test_elements"]
    if not (isinstance(tests, t.Array) and isinstance(tests.dtype, _NUMBERS)
            and isinstance(_element(element), _NUMBERS)):
        return None
    if not all(isinstance(types.get(p, t.boolean), t.Boolean)
               for p in ("assume_unique", "invert")):
        return None
    return Impl(None, None, py_impl=isin_impl if isinstance(element, t.Array) else isin_scalar)
