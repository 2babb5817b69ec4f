"""Set operations: np.unique (with return_index, return_inverse, return_counts)
and np.isin, written as Python that ember compiles.

Both sort first (sorting.py's stable merge sort, NaNs last) and then walk the
sorted values: unique keeps one of each run of equal values (all NaNs count
as one, NumPy 2's equal_nan=True), isin looks each element up by binary
search. NaN is never `in` anything, as with NumPy's ==.
"""

import numpy as np

from ember.lib.joining import generate
from ember.lib.searching import search
from ember.types import core as t
from ember.typing.registry import Impl, bind, literal_arguments, literal_value, register

_NUMBERS = (t.Boolean, t.Integer, t.Float, t.Complex)


def _element(ty):
    return ty.dtype if isinstance(ty, t.Array) else ty


def _same_value(x, y):
    return x == y or (x != x and y != y)


def unique_impl(ar, return_index=False, return_inverse=False, return_counts=False):
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


def unique_all(ar):
    """(values, first indices, inverse of ar's shape, counts), NaNs as one value."""
    flat = ar.ravel()
    order = np.argsort(flat, kind="stable")
    n = flat.size
    count = 0
    for i in range(n):
        if i == 0 or not _same_value(flat[order[i]], flat[order[i - 1]]):
            count += 1
    values = np.empty(count, dtype=flat.dtype)
    index = np.empty(count, dtype=np.int64)
    counts = np.zeros(count, dtype=np.int64)
    inverse = np.empty(n, dtype=np.int64)
    k = -1
    for i in range(n):
        x = flat[order[i]]
        if i == 0 or not _same_value(x, flat[order[i - 1]]):
            k += 1
            values[k] = x
            index[k] = order[i]
        counts[k] += 1
        inverse[order[i]] = k
    return values, index, inverse.reshape(ar.shape), counts


def _unique_with(flags):
    """unique() returning the values and the parts `flags` (index, inverse, counts) asks for."""
    names = [name for name, wanted in zip(("index", "inverse", "counts"), flags) if wanted]
    source = ("def unique_with(ar, return_index=False, return_inverse=False, "
              "return_counts=False):\n"
              "    values, index, inverse, counts = unique_all(ar)\n"
              f"    return values, {', '.join(names)}\n")
    return generate(source, globals())


@register(np.unique)
@literal_arguments(return_index=1, return_inverse=2, return_counts=3)
def type_unique(args, kws):
    """unique(ar, return_index=, return_inverse=, return_counts=): sorted values, NaNs as one

    The flags must be constant True/False; the inverse has ar's shape (NumPy 2); axis=
    and equal_nan=False are not supported."""
    bound = bind(args, kws, ("ar", "return_index", "return_inverse", "return_counts", "axis"))
    if bound is None or "axis" in bound[0]:
        return None
    ar = bound[0]["ar"]
    if not isinstance(ar, t.Array) or not isinstance(ar.dtype, _NUMBERS):
        return None
    flags = tuple(literal_value(bound[0].get(name, t.CompileTimeValue(False, "literal")), None)
                  for name in ("return_index", "return_inverse", "return_counts"))
    if None in flags:
        return None  # a flag that is not a constant True/False
    if not any(flags):
        return Impl(None, None, py_impl=unique_impl)
    return Impl(None, None, py_impl=_unique_with(flags))


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
