"""Python values -> ember types, and NumPy dtypes <-> ember scalar types."""

import numpy as np

from ember.types import core as t

_DTYPE_TO_TYPE = {
    np.dtype(np.bool_): t.boolean,
    np.dtype(np.int8): t.int8, np.dtype(np.int16): t.int16,
    np.dtype(np.int32): t.int32, np.dtype(np.int64): t.int64,
    np.dtype(np.uint8): t.uint8, np.dtype(np.uint16): t.uint16,
    np.dtype(np.uint32): t.uint32, np.dtype(np.uint64): t.uint64,
    np.dtype(np.float32): t.float32, np.dtype(np.float64): t.float64,
    np.dtype(np.complex64): t.complex64, np.dtype(np.complex128): t.complex128,
}
_TYPE_TO_DTYPE = {v: k for k, v in _DTYPE_TO_TYPE.items()}


class UnsupportedValue(TypeError):
    """A Python value that compiled code cannot take."""


def from_dtype(dtype):
    dtype = np.dtype(dtype)
    try:
        return _DTYPE_TO_TYPE[dtype]
    except KeyError:
        raise UnsupportedValue(f"NumPy dtype {dtype} is not supported in compiled code") from None


def to_dtype(scalar_type):
    return _TYPE_TO_DTYPE[scalar_type]


def array_layout(arr):
    flags = arr.flags
    if flags.c_contiguous:
        return "C"
    if flags.f_contiguous:
        return "F"
    return "A"


def typeof_array(arr):
    if not arr.dtype.isnative:
        raise UnsupportedValue(f"non-native byte order {arr.dtype} is not supported")
    return t.Array(from_dtype(arr.dtype), arr.ndim, array_layout(arr),
                   readonly=not arr.flags.writeable)


_EXACT = {bool: t.boolean, int: t.int64, float: t.float64, complex: t.complex128,
          type(None): t.none}


def register_class(pytype, ty):
    """Values of exactly `pytype` (a @jitclass's boxes) have type `ty`."""
    _EXACT[pytype] = ty


def typeof(value):
    """The ember type of a Python argument value (as the dispatcher sees it)."""
    exact = _EXACT.get(type(value))
    if exact is not None:
        return exact
    if isinstance(value, np.ndarray):
        return typeof_array(value)
    if isinstance(value, np.generic):
        return from_dtype(value.dtype)
    if isinstance(value, tuple):
        return t.Tuple([typeof(v) for v in value])
    if isinstance(value, bool):
        return t.boolean
    if isinstance(value, int):
        return t.int64
    if isinstance(value, float):
        return t.float64
    if isinstance(value, list):
        return typeof_list(value)
    raise UnsupportedValue(
        f"arguments of type {type(value).__name__} are not supported; compiled functions "
        "take numbers, NumPy arrays and scalars, None, and tuples and lists of these")


def typeof_list(value):
    """A list's type: its items' types unified (int and float give float)."""
    if not value and getattr(value, "_item_type", None) is not None:
        return t.List(value._item_type)  # typed.List.empty_list(item_type)
    if not value:
        raise UnsupportedValue("an empty list has no item type compiled code could use; "
                               "pass a list with at least one item")
    item = typeof(value[0])
    names = {type(value[0]).__name__}
    for other in value[1:]:
        try:
            other_type = typeof(other)
        except UnsupportedValue:
            other_type = None
        if other_type != item:
            merged = None if other_type is None else _unify_items(item, other_type)
            if merged is None:
                names.add(type(other).__name__)
                raise UnsupportedValue(f"a list mixing items of types "
                                       f"{' and '.join(sorted(names))} cannot be passed: a list "
                                       "in compiled code holds one item type")
            item = merged
    if isinstance(item, t.List) and not item.decided:
        raise UnsupportedValue("a list holding empty lists has no item type compiled code "
                               "could use")
    return t.List(item)


def _unify_items(a, b):
    """Numbers promote as NumPy's types do (bool with int gives int64); arrays
    of one dtype and ndim keep any layout; tuples item by item."""
    if isinstance(a, t.Number) and isinstance(b, t.Number):
        if isinstance(a, t.Boolean) or isinstance(b, t.Boolean):
            a = t.int64 if isinstance(a, t.Boolean) else a
            b = t.int64 if isinstance(b, t.Boolean) else b
        return from_dtype(np.promote_types(to_dtype(a), to_dtype(b)))
    if isinstance(a, t.Array) and isinstance(b, t.Array) and (a.dtype, a.ndim) == (
            b.dtype, b.ndim):
        return t.Array(a.dtype, a.ndim, a.layout if a.layout == b.layout else "A",
                       a.readonly or b.readonly)
    if isinstance(a, t.Tuple) and isinstance(b, t.Tuple) and len(a) == len(b):
        items = [x if x == y else _unify_items(x, y) for x, y in zip(a.types, b.types)]
        return None if None in items else t.Tuple(items)
    if isinstance(a, t.List) and isinstance(b, t.List):
        item = _unify_items(a.dtype, b.dtype)
        return None if item is None else t.List(item)
    return None
