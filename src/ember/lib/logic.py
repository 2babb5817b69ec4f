"""Comparing arrays as wholes: np.isclose, np.allclose and np.array_equal,
written as Python that ember compiles.

isclose follows NumPy 2's formula, |a - b| <= atol + rtol * |b| where b is
finite, or a == b; b is first made floating (ints and bools as float64) and
the tolerances are cast to b's precision, as NumPy's weak Python floats are,
so float32 inputs are compared in float32 exactly as NumPy compares them.
"""

import functools

import numpy as np

from ember.types import core as t
from ember.typing.registry import Impl, bind, register

_NUMBERS = (t.Boolean, t.Integer, t.Float, t.Complex)


def _element(ty):
    return ty.dtype if isinstance(ty, t.Array) else ty


def _number_or_array(ty):
    return isinstance(_element(ty), _NUMBERS)


def _precision(ty):
    """NumPy's type for b's tolerances: float32 for (complex) float32 b, else float64."""
    part = _element(ty)
    part = part.part if isinstance(part, t.Complex) else part
    return np.float32 if isinstance(part, t.Float) and part.bits == 32 else np.float64


@functools.cache
def _isclose_in(cast):
    """isclose with tolerances computed in `cast` (np.float32 or np.float64)."""
    def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
        y = b * 1.0  # NumPy's result_type(b, 1.0): ints and bools as float64
        tolerance = cast(atol) + cast(rtol) * np.abs(y)
        result = ((np.abs(a - y) <= tolerance) & np.isfinite(y)) | (a == y)
        if equal_nan:
            result = result | (np.isnan(a) & np.isnan(y))
        return result
    return isclose


def allclose_scalar(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return np.isclose(a, b, rtol, atol, equal_nan)


def allclose_array(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return np.all(np.isclose(a, b, rtol, atol, equal_nan))


def _close_arguments(args, kws):
    """(a, b) types when the call fits isclose's signature, else None."""
    bound = bind(args, kws, ("a", "b", "rtol", "atol", "equal_nan"), required=2)
    if bound is None:
        return None
    types = bound[0]
    if not all(_number_or_array(types[p]) for p in ("a", "b", "rtol", "atol") if p in types):
        return None
    if any(isinstance(_element(types[p]), t.Complex) for p in ("rtol", "atol") if p in types):
        return None
    if not isinstance(types.get("equal_nan", t.boolean), t.Boolean):
        return None
    return types["a"], types["b"]


@register(np.isclose)
def type_isclose(args, kws):
    """isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False): numbers or arrays (broadcast)

    Two numbers give a bool (NumPy: a NumPy bool); rtol and atol numbers or arrays,
    equal_nan a bool."""
    checked = _close_arguments(args, kws)
    if checked is None:
        return None
    return Impl(None, None, py_impl=_isclose_in(_precision(checked[1])))


@register(np.allclose)
def type_allclose(args, kws):
    """allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False): numbers or arrays -> bool"""
    checked = _close_arguments(args, kws)
    if checked is None:
        return None
    arrays = any(isinstance(x, t.Array) for x in list(args) + list(kws.values()))
    return Impl(None, None, py_impl=allclose_array if arrays else allclose_scalar)


# ---- array_equal ---------------------------------------------------------------------

def array_equal_impl(a1, a2, equal_nan=False):
    if a1.shape != a2.shape:
        return False
    if equal_nan:
        return np.all((a1 == a2) | (np.isnan(a1) & np.isnan(a2)))
    return np.all(a1 == a2)


def array_equal_numbers(a1, a2, equal_nan=False):
    if equal_nan and a1 != a1 and a2 != a2:
        return True
    return a1 == a2


def never_equal(a1, a2, equal_nan=False):
    return False


@register(np.array_equal)
def type_array_equal(args, kws):
    """array_equal(a1, a2, equal_nan=False): arrays (or numbers) -> bool

    Arrays of different ndim or shape are not equal; equal_nan a bool."""
    bound = bind(args, kws, ("a1", "a2", "equal_nan"), required=2)
    if bound is None:
        return None
    a1, a2 = bound[0]["a1"], bound[0]["a2"]
    if not (_number_or_array(a1) and _number_or_array(a2)) or not isinstance(
            bound[0].get("equal_nan", t.boolean), t.Boolean):
        return None
    ndims = [x.ndim if isinstance(x, t.Array) else 0 for x in (a1, a2)]
    if ndims[0] != ndims[1]:
        return Impl(None, None, py_impl=never_equal)
    if not isinstance(a1, t.Array) and not isinstance(a2, t.Array):
        return Impl(None, None, py_impl=array_equal_numbers)
    if not (isinstance(a1, t.Array) and isinstance(a2, t.Array)):
        return None  # a 0-d array against a number
    return Impl(None, None, py_impl=array_equal_impl)
