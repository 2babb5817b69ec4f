"""Miscellaneous numerics: np.interp and np.cross, written as Python that
ember compiles.

interp is NumPy's C algorithm step for step (float64 throughout; the last
sample point with xp[j] <= x, the slope recomputed from the other end when
the first try gives NaN), so results agree with NumPy's bit for bit.
cross computes whole columns as array expressions, so that float32 vectors
are multiplied and subtracted in float32 as NumPy does.
"""

import functools

import numpy as np

from ember.lib.joining import fail
from ember.types import core as t
from ember.types.typeof import to_dtype
from ember.typing.registry import Impl, bind, register
from ember.typing.unify import promote

_REALS = (t.Boolean, t.Integer, t.Float)


def _element(ty):
    return ty.dtype if isinstance(ty, t.Array) else ty


# ---- interp ---------------------------------------------------------------------------

def interp_point(x, xp, fp, lval, rval):
    n = xp.shape[0]
    if n == 1:  # NumPy compares without a NaN test here: a NaN x gives fp[0]
        return lval if x < xp[0] else (rval if x > xp[0] else float(fp[0]))
    if x != x:
        return x
    if x > xp[n - 1]:
        return rval
    if x < xp[0]:
        return lval
    lo = 0
    hi = n
    while lo < hi:  # j: the last index with xp[j] <= x
        mid = (lo + hi) >> 1
        if x >= xp[mid]:
            lo = mid + 1
        else:
            hi = mid
    j = lo - 1
    if j == n - 1 or xp[j] == x:
        return float(fp[j])
    y0 = float(fp[j])
    y1 = float(fp[j + 1])
    slope = (y1 - y0) / (float(xp[j + 1]) - float(xp[j]))
    result = slope * (x - xp[j]) + y0
    if result != result:  # NaN in one direction: try the other
        result = slope * (x - xp[j + 1]) + y1
        if result != result and y0 == y1:
            result = y0
    return result


def _ends(xp, fp, left, right):
    if xp.shape[0] == 0:
        fail(ValueError, "array of sample points is empty")
    if xp.shape[0] != fp.shape[0]:
        fail(ValueError, "fp and xp are not of the same length.")
    if left is None:
        lval = float(fp[0])
    else:
        lval = float(left)
    if right is None:
        rval = float(fp[fp.shape[0] - 1])
    else:
        rval = float(right)
    return lval, rval


def interp_scalar(x, xp, fp, left=None, right=None, period=None):
    lval, rval = _ends(xp, fp, left, right)
    return interp_point(float(x), xp, fp, lval, rval)


def interp_array(x, xp, fp, left=None, right=None, period=None):
    lval, rval = _ends(xp, fp, left, right)
    out = np.empty(x.shape)
    flat = out.ravel()
    values = x.ravel()
    for i in range(values.size):
        flat[i] = interp_point(float(values[i]), xp, fp, lval, rval)
    return out


@register(np.interp)
def type_interp(args, kws):
    """interp(x, xp, fp, left=None, right=None): x a real number or array, 1-D real xp, fp

    -> float64; xp must be increasing (not checked, as in NumPy); left and right real numbers;
    complex fp and period= are not supported."""
    bound = bind(args, kws, ("x", "xp", "fp", "left", "right", "period"), required=3)
    if bound is None:
        return None
    types = bound[0]
    if not isinstance(_element(types["x"]), _REALS):
        return None
    if not all(isinstance(types[p], t.Array) and types[p].ndim == 1
               and isinstance(types[p].dtype, _REALS) for p in ("xp", "fp")):
        return None
    if not all(isinstance(types.get(p, t.none), _REALS + (t.NoneType,)) for p in ("left", "right")):
        return None
    if not isinstance(types.get("period", t.none), t.NoneType):
        return None
    return Impl(None, None,
                py_impl=interp_array if isinstance(types["x"], t.Array) else interp_scalar)


# ---- cross ----------------------------------------------------------------------------

_CROSS_DIMENSION = "incompatible dimensions for cross product\n(dimension must be 3)"


@functools.cache
def _cross_rows(dtype):
    """cross(a, b) of 2-D arrays of 3-vectors (rows), one of them possibly one row."""
    def cross_rows(a, b):
        if a.shape[1] != 3 or b.shape[1] != 3:
            fail(ValueError, _CROSS_DIMENSION)
        if a.shape[0] != b.shape[0] and a.shape[0] != 1 and b.shape[0] != 1:
            fail(ValueError, "shape mismatch: objects cannot be broadcast to a single shape")
        out = np.empty((max(a.shape[0], b.shape[0]), 3), dtype=dtype)
        out[:, 0] = a[:, 1] * b[:, 2] - a[:, 2] * b[:, 1]
        out[:, 1] = a[:, 2] * b[:, 0] - a[:, 0] * b[:, 2]
        out[:, 2] = a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]
        return out
    return cross_rows


@functools.cache
def _cross(dtype, ndims):
    rows = _cross_rows(dtype)
    if ndims == (1, 1):
        def cross(a, b):
            return rows(a[None, :], b[None, :])[0]
    elif ndims == (1, 2):
        def cross(a, b):
            return rows(a[None, :], b)
    elif ndims == (2, 1):
        def cross(a, b):
            return rows(a, b[None, :])
    else:
        def cross(a, b):
            return rows(a, b)
    return cross


@register(np.cross)
def type_cross(args, kws):
    """cross(a, b): 3-vectors, 1-D or 2-D arrays of them as rows (one row broadcasts)

    int, float and complex arrays; 2-vectors, axis= and axisa/axisb/axisc are not
    supported."""
    if kws or len(args) != 2:
        return None
    a, b = args
    if not all(isinstance(x, t.Array) and x.ndim in (1, 2)
               and isinstance(x.dtype, (t.Integer, t.Float, t.Complex)) for x in (a, b)):
        return None
    dtype = to_dtype(promote(a.dtype, b.dtype))
    return Impl(None, None, py_impl=_cross(dtype, (a.ndim, b.ndim)))
