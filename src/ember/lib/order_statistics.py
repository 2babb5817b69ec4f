"""Order statistics and weighted averages: np.ptp, np.median, np.percentile,
np.quantile and np.average, written as Python that ember compiles.

Results follow NumPy's arithmetic step for step, in NumPy's dtypes. Scalar
arithmetic in compiled code is done in float64 (Numba's rule) and then
rounded to the result's dtype: for one +, -, * or / of float32 values that
double rounding is exact, so float32 results equal NumPy's float32 ones.
percentile/quantile use NumPy's default method, 'linear' (Hyndman & Fan's
7th), with NumPy's lerp (from the upper end when the weight is >= 0.5);
a scalar q counts as a Python number (NumPy's weak promotion: float32 data
give float32), an array q as float64.
"""

import functools

import numpy as np

from ember.lib.joining import fail
from ember.lib.statistics import _finish, _prepare, lanes_along
from ember.types import core as t
from ember.types.typeof import to_dtype
from ember.typing.registry import LIBRARY_OPTIONS, Impl, bind, register
from ember.typing.unify import promote

_INTS = (t.Boolean, t.Integer)
_REALS = (t.Boolean, t.Integer, t.Float)


def _library(py_impl):
    """Library code in NumPy's error model: a float division by zero gives inf/nan."""
    impl = Impl(None, None, py_impl=py_impl)
    impl.callee_options = LIBRARY_OPTIONS
    return impl


def _scalar_type(dtype):
    """The NumPy scalar type that rounds a value to `dtype` (np.float32, np.int8...)."""
    return to_dtype(dtype).type


def _is_array(ty, kinds=_REALS):
    return isinstance(ty, t.Array) and isinstance(ty.dtype, kinds)


# ---- ptp ------------------------------------------------------------------------------

@functools.cache
def _ptp(elem):
    def ptp(a, axis=None, out=None, keepdims=False):
        return elem(a.max() - a.min())  # NumPy subtracts in a's dtype (ints wrap)
    return ptp


def ptp_along(a, axis=None, out=None, keepdims=False):
    return np.max(a, axis) - np.min(a, axis)


@register(np.ptp)
def type_ptp(args, kws):
    """ptp(a, axis=None): max - min of an int or float array, whole or along one int axis

    In a's dtype (ints wrap, as in NumPy); out= and keepdims= are not supported."""
    bound = bind(args, kws, ("a", "axis", "out", "keepdims"))
    if bound is None or set(bound[0]) - {"a", "axis"}:
        return None
    a, axis = bound[0]["a"], bound[0].get("axis", t.none)
    if not _is_array(a, (t.Integer, t.Float)):
        return None
    if isinstance(axis, t.NoneType):
        return Impl(None, None, py_impl=_ptp(_scalar_type(a.dtype)))
    if not isinstance(axis, t.Integer) or a.ndim == 0:
        return None
    return Impl(None, None, py_impl=ptp_along)


# ---- median ---------------------------------------------------------------------------

@functools.cache
def _median(work):
    """median in the result's precision `work` (np.float32 or np.float64)."""
    def median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
        values = np.sort(a, None)
        n = values.size
        if n == 0:
            return work(np.nan)
        if values[n - 1] != values[n - 1]:  # NaNs sort last: any NaN gives NaN
            return work(values[n - 1])
        half = n // 2
        if n % 2 == 1:
            return work(values[half])
        return work(work(work(values[half - 1]) + work(values[half])) / 2)  # NumPy's mean
    return median


@functools.cache
def _median_along(work):
    along = lanes_along(_median(work), work)

    def median_along(a, axis=None, out=None, overwrite_input=False, keepdims=False):
        return along(a, axis)
    return median_along


@register(np.median)
def type_median(args, kws):
    """median(a, axis=None): of an int or float array, whole or along one int axis

    NaN where a NaN is present; float32 data give float32, others float64; out= and
    keepdims= are not supported."""
    bound = bind(args, kws, ("a", "axis", "out", "overwrite_input", "keepdims"))
    if bound is None or set(bound[0]) - {"a", "axis", "overwrite_input"}:
        return None
    a, axis = bound[0]["a"], bound[0].get("axis", t.none)
    if not _is_array(a) or not isinstance(axis, (t.NoneType, t.Integer)):
        return None
    work = _work_type(a.dtype, True)
    if isinstance(axis, t.Integer):
        return None if a.ndim == 0 else _library(_median_along(work))
    return _library(_median(work))


def _work_type(dtype, weak):
    """The precision NumPy interpolates in: float32 data with a weak (Python) q
    stay float32, everything else is float64."""
    single = isinstance(dtype, t.Float) and dtype.bits == 32
    return np.float32 if single and weak else np.float64


# ---- percentile, quantile -------------------------------------------------------------

def _quantile_of_sorted(values, q, elem, work):
    """NumPy's 'linear' quantile q in [0, 1] of the sorted 1-D `values`."""
    n = values.shape[0]
    if values[n - 1] != values[n - 1]:
        return work(values[n - 1])
    virtual = (n - 1) * q
    if virtual >= n - 1:  # NumPy takes index -1 for both ends, and gamma from it
        below = n - 1
        above = n - 1
        gamma = virtual + 1.0
    else:
        below = int(np.floor(virtual))
        above = below + 1
        gamma = virtual - below
    a = values[below]
    b = values[above]
    diff = elem(b - a)  # in the data's dtype
    result = work(work(a) + work(work(diff) * work(gamma)))
    if gamma >= 0.5:
        result = work(work(b) - work(work(diff) * work(1.0 - gamma)))
    return result


def _sorted_data(a):
    values = np.sort(a, None)
    if values.size == 0:
        fail(IndexError, "index -1 is out of bounds for axis 0 with size 0")
    return values


@functools.cache
def _quantile(elem, work, scale, message, array_q, along=False):
    def valid(q):
        if not (0.0 <= q <= 1.0):
            fail(ValueError, message)
        return q

    if along:
        def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                     keepdims=False):
            fraction = valid(q / scale)
            v, ax = _prepare(a, axis)
            outer, n, inner = v.shape
            result = np.empty((outer, inner), dtype=work)
            lane = np.empty(n, dtype=a.dtype)
            for i in range(outer):
                for k in range(inner):
                    for j in range(n):
                        lane[j] = v[i, j, k]
                    result[i, k] = _quantile_of_sorted(_sorted_data(lane), fraction, elem,
                                                       work)
            return _finish(result, a.shape, ax, False)
    elif array_q:
        def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                     keepdims=False):
            fractions = q / scale  # NumPy: true_divide(q, 100) for percentile
            for i in range(fractions.size):
                valid(fractions.ravel()[i])
            values = _sorted_data(a)
            result = np.empty(q.shape)
            flat = result.ravel()
            ratios = fractions.ravel()
            for i in range(ratios.size):
                flat[i] = _quantile_of_sorted(values, ratios[i], elem, work)
            return result
    else:
        def quantile(a, q, axis=None, out=None, overwrite_input=False, method="linear",
                     keepdims=False):
            fraction = valid(q / scale)
            return _quantile_of_sorted(_sorted_data(a), fraction, elem, work)
    return quantile


def _quantile_typer(scale, message):
    def typer(args, kws):
        bound = bind(args, kws, ("a", "q", "axis", "out", "overwrite_input", "method",
                                 "keepdims"), required=2)
        if bound is None:
            return None
        types = bound[0]
        a, q = types["a"], types["q"]
        if set(types) - {"a", "q", "overwrite_input", "method", "axis"}:
            return None
        if getattr(types.get("method"), "value", "linear") != "linear":
            return None
        if not _is_array(a, (t.Integer, t.Float)):
            return None
        if not (isinstance(q, _REALS) or _is_array(q)):
            return None
        array_q = isinstance(q, t.Array)
        axis = types.get("axis", t.none)
        along = isinstance(axis, t.Integer) and not array_q and a.ndim > 0
        if not (along or isinstance(axis, t.NoneType)):
            return None
        return _library(_quantile(_scalar_type(a.dtype), _work_type(a.dtype, not array_q),
                                  scale, message, array_q, along))
    return typer


type_percentile = register(np.percentile)(_quantile_typer(
    100, "Percentiles must be in the range [0, 100]"))
type_percentile.__doc__ = """percentile(a, q, axis=None): int or float arrays, NumPy's linear method

q a number or an array of numbers in [0, 100] (ValueError otherwise); axis= one int
with a number q; NaN data give NaN; out=, keepdims=, weights= and other methods are
not supported."""
type_quantile = register(np.quantile)(_quantile_typer(
    1, "Quantiles must be in the range [0, 1]"))
type_quantile.__doc__ = """quantile(a, q, axis=None): int or float arrays, NumPy's linear method

q a number or an array of numbers in [0, 1] (ValueError otherwise); axis= one int
with a number q; NaN data give NaN; out=, keepdims=, weights= and other methods are
not supported."""


# ---- average --------------------------------------------------------------------------

def average_plain(a, axis=None, weights=None, returned=False, keepdims=False):
    return np.mean(a)


def average_plain_along(a, axis=None, weights=None, returned=False, keepdims=False):
    return np.mean(a, axis)


def _same_shape(a, weights):
    if a.shape != weights.shape:
        fail(TypeError, "Axis must be specified when shapes of a and weights differ.")


def weighted_values(a, weights, dtype):
    """NumPy's multiply(a, weights, dtype=dtype) as a new array: summed as a plain
    array, it keeps NumPy's summation order exactly."""
    product = np.empty(a.shape, dtype=dtype)
    product[...] = a
    product *= weights
    return product


@functools.cache
def _weighted(dtype, along):
    work = dtype.type

    if along:
        def average(a, axis=None, weights=None, returned=False, keepdims=False):
            if a.shape != weights.shape:
                fail(ValueError, "Shape of weights must be consistent with shape of a "
                     "along specified axis.")
            scale = np.sum(weights.astype(dtype), axis)
            if np.any(scale == 0.0):
                fail(ZeroDivisionError, "Weights sum to zero, can't be normalized")
            return np.sum(weighted_values(a, weights, dtype), axis) / scale
    else:
        def average(a, axis=None, weights=None, returned=False, keepdims=False):
            _same_shape(a, weights)
            scale = np.sum(weights.astype(dtype))
            if scale == 0.0:
                fail(ZeroDivisionError, "Weights sum to zero, can't be normalized")
            return work(np.sum(weighted_values(a, weights, dtype)) / scale)
    return average


@register(np.average)
def type_average(args, kws):
    """average(a, axis=None, weights=None): the (weighted) mean of an int or float array

    axis None or an int; weights an array of a's shape; returned= and keepdims= are
    not supported."""
    bound = bind(args, kws, ("a", "axis", "weights", "returned", "keepdims"))
    if bound is None or set(bound[0]) - {"a", "axis", "weights"}:
        return None
    types = bound[0]
    a, axis, weights = types["a"], types.get("axis", t.none), types.get("weights", t.none)
    if not _is_array(a) or not isinstance(axis, (t.NoneType, t.Integer)):
        return None
    along = isinstance(axis, t.Integer)
    if along and a.ndim == 0:
        return None
    if isinstance(weights, t.NoneType):
        return Impl(None, None, py_impl=average_plain_along if along else average_plain)
    if not _is_array(weights) or weights.ndim != a.ndim:
        return None
    dtype = promote(a.dtype, weights.dtype)
    if isinstance(a.dtype, _INTS) or isinstance(dtype, _INTS):
        dtype = promote(dtype, t.float64)
    return _library(_weighted(to_dtype(dtype), along))
