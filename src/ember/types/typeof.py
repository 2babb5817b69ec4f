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
    raise UnsupportedValue(
        f"arguments of type {type(value).__name__} are not supported; compiled functions "
        "take numbers, NumPy arrays and scalars, None and tuples of these")
