"""Reductions that ignore NaNs: np.nansum, nanprod, nanmean, nanvar, nanstd,
nanmax, nanmin, nanargmax and nanargmin over a whole array, written as
Python that ember compiles.

Float arrays follow NumPy's recipe: NaNs replaced by the operation's
identity (0 for sums, 1 for products, -inf/+inf for arg-extrema), then the
ordinary reduction; sums keep NumPy's pairwise order, so results agree with
NumPy's bit for bit. Int and bool arrays have no NaNs and go straight to the
ordinary reduction, as in NumPy. An all-NaN (or empty) input gives NaN for
means, variances and extrema (NumPy warns), and ValueError for arg-extrema.
"""

import functools

import numpy as np

from ember.lib.joining import fail
from ember.lib.statistics import _axis_index, lanes_along
from ember.types import core as t
from ember.types.typeof import to_dtype
from ember.typing.registry import LIBRARY_OPTIONS, Impl, bind, register

_EMPTY_FMAX = "zero-size array to reduction operation fmax which has no identity"
_EMPTY_FMIN = "zero-size array to reduction operation fmin which has no identity"


def _library(py_impl):
    impl = Impl(None, None, py_impl=py_impl)
    impl.callee_options = LIBRARY_OPTIONS
    return impl


# ---- float implementations -------------------------------------------------------------

def replaced(a, value):
    """a's elements in C order, NaNs replaced by `value` (of a's dtype), as a new 1-D
    array: summed as a plain array, it keeps NumPy's pairwise order exactly."""
    flat = a.ravel()
    out = np.empty(flat.size, dtype=flat.dtype)
    for i in range(flat.size):
        x = flat[i]
        out[i] = value if x != x else x
    return out


@functools.cache
def _nansum(work):
    def nansum(a, axis=None, ddof=0):
        return np.sum(replaced(a, work(0)))  # zero of a's dtype: no upcast
    return nansum


@functools.cache
def _nanprod(work):
    def nanprod(a, axis=None, ddof=0):
        return np.prod(replaced(a, work(1)))
    return nanprod


@functools.cache
def _nanmean(work):
    def nanmean(a, axis=None, ddof=0):
        count = np.sum(a == a)  # the non-NaN elements
        return work(np.sum(replaced(a, work(0))) / count)
    return nanmean


@functools.cache
def _nanvar(work, root):
    def nanvar(a, axis=None, ddof=0):
        count = np.sum(a == a)  # the non-NaN elements
        mean = work(np.sum(replaced(a, work(0))) / count)
        deviations = replaced(a, mean) - mean
        dof = count - ddof
        if dof <= 0:
            return work(np.nan)
        var = work(np.sum(deviations * deviations) / dof)
        if root:
            return work(np.sqrt(var))
        return var
    return nanvar


def _extremum(a, sign, name):
    """The largest (sign 1) or smallest (sign -1) non-NaN element; NaN if none."""
    flat = a.ravel()
    if flat.size == 0:
        fail(ValueError, name)
    best = flat[0]
    for i in range(flat.size):
        x = flat[i]
        if best != best or (x == x and (x > best if sign > 0 else x < best)):
            best = x
    return best


def nanmax_float(a, axis=None, ddof=0):
    return _extremum(a, 1, _EMPTY_FMAX)


def nanmin_float(a, axis=None, ddof=0):
    return _extremum(a, -1, _EMPTY_FMIN)


def _arg_extremum(a, sign, name):
    """NumPy's: NaNs as -inf (argmax) or +inf (argmin), the first of equals wins."""
    flat = a.ravel()
    if flat.size == 0:
        fail(ValueError, name)
    found = -1
    best = flat[0]
    for i in range(flat.size):
        x = flat[i]
        if x == x and (found < 0 or (x > best if sign > 0 else x < best)):
            best = x
            found = i
    if found < 0:
        fail(ValueError, "All-NaN slice encountered")
    if sign > 0 and best == -np.inf or sign < 0 and best == np.inf:
        for i in range(found):  # a NaN before it counts as the same infinity
            if flat[i] != flat[i]:
                return i
    return found


def nanargmax_float(a, axis=None, ddof=0):
    return _arg_extremum(a, 1, "attempt to get argmax of an empty sequence")


def nanargmin_float(a, axis=None, ddof=0):
    return _arg_extremum(a, -1, "attempt to get argmin of an empty sequence")


# ---- along an axis ----------------------------------------------------------------------
# Sums keep NumPy's order along the axis through np.sum(x, axis) of the array
# with NaNs replaced; extrema reduce each lane (copied out) with the
# whole-array function. A 1-D array uses the whole-array form.

@functools.cache
def _one_axis(whole):
    """The whole-array function for 1-D arrays, after checking the axis."""
    def reduce_1d(a, axis=None, ddof=0):
        _axis_index(axis, 1)
        return whole(a, None, ddof)
    return reduce_1d


@functools.cache
def _nansum_along(work, multiply):
    def nansum_along(a, axis=None, ddof=0):
        if multiply:
            return np.prod(replaced(a, work(1)).reshape(a.shape), axis)
        return np.sum(replaced(a, work(0)).reshape(a.shape), axis)
    return nansum_along


@functools.cache
def _nanmean_along(dtype):
    def nanmean_along(a, axis=None, ddof=0):
        total = np.sum(replaced(a, dtype.type(0)).reshape(a.shape), axis)
        return (total / np.sum(a == a, axis)).astype(dtype)  # computed as float64, as NumPy
    return nanmean_along


@functools.cache
def _nanvar_along(dtype, root):
    def nanvar_along(a, axis=None, ddof=0):
        filled = replaced(a, dtype.type(0)).reshape(a.shape)
        count = np.sum(a == a, axis, keepdims=True)
        mean = (np.sum(filled, axis, keepdims=True) / count).astype(dtype)
        deviations = np.where(a == a, filled - mean, dtype.type(0))
        dof = np.sum(a == a, axis) - ddof
        var = (np.sum(deviations * deviations, axis) / dof).astype(dtype)
        var[dof <= 0] = np.nan
        if root:
            return np.sqrt(var).astype(dtype)
        return var
    return nanvar_along


@functools.cache
def _lanes(whole, dtype):
    """whole() of each lane of `a` along `axis`, into an array of `dtype`."""
    def whole_lane(lane):
        return whole(lane, None, 0)
    along = lanes_along(whole_lane, dtype)

    def lanes(a, axis=None, ddof=0):
        return along(a, axis)
    return lanes


# ---- int and bool arrays: the ordinary reductions ------------------------------------

def nansum_int(a, axis=None, ddof=0):
    return np.sum(a, axis)


def nanprod_int(a, axis=None, ddof=0):
    return np.prod(a, axis)


def nanmean_int(a, axis=None, ddof=0):
    return np.mean(a, axis)


def nanvar_int(a, axis=None, ddof=0):
    return np.var(a, axis, ddof=ddof)


def nanstd_int(a, axis=None, ddof=0):
    return np.std(a, axis, ddof=ddof)


def nanmax_int(a, axis=None, ddof=0):
    return np.max(a, axis)


def nanmin_int(a, axis=None, ddof=0):
    return np.min(a, axis)


def nanargmax_int(a, axis=None, ddof=0):
    return np.argmax(a, axis)


def nanargmin_int(a, axis=None, ddof=0):
    return np.argmin(a, axis)


# ---- typing ---------------------------------------------------------------------------

def _work(dtype):
    return to_dtype(dtype).type


def _whole(function, dtype):
    """The whole-array implementation for float `dtype`."""
    work = _work(dtype)
    return {np.nansum: lambda: _nansum(work), np.nanprod: lambda: _nanprod(work),
            np.nanmean: lambda: _nanmean(work), np.nanvar: lambda: _nanvar(work, False),
            np.nanstd: lambda: _nanvar(work, True), np.nanmax: lambda: nanmax_float,
            np.nanmin: lambda: nanmin_float, np.nanargmax: lambda: nanargmax_float,
            np.nanargmin: lambda: nanargmin_float}[function]()


def _along(function, dtype):
    """The implementation along an axis (ndim >= 2) for float `dtype`."""
    np_dtype = to_dtype(dtype)
    if function in (np.nansum, np.nanprod):
        return _nansum_along(np_dtype.type, function is np.nanprod)
    if function is np.nanmean:
        return _nanmean_along(np_dtype)
    if function in (np.nanvar, np.nanstd):
        return _nanvar_along(np_dtype, function is np.nanstd)
    arg = function in (np.nanargmax, np.nanargmin)
    return _lanes(_whole(function, dtype), np.dtype(np.int64) if arg else np_dtype)


_INT_FORMS = {np.nansum: nansum_int, np.nanprod: nanprod_int, np.nanmean: nanmean_int,
              np.nanvar: nanvar_int, np.nanstd: nanstd_int, np.nanmax: nanmax_int,
              np.nanmin: nanmin_int, np.nanargmax: nanargmax_int, np.nanargmin: nanargmin_int}

# NumPy's parameter names (those after `a` are accepted only when left out)
_PARAMETERS = {
    np.nansum: ("a", "axis", "dtype", "out", "keepdims", "initial", "where"),
    np.nanprod: ("a", "axis", "dtype", "out", "keepdims", "initial", "where"),
    np.nanmean: ("a", "axis", "dtype", "out", "keepdims", "where"),
    np.nanvar: ("a", "axis", "dtype", "out", "ddof", "keepdims", "where"),
    np.nanstd: ("a", "axis", "dtype", "out", "ddof", "keepdims", "where"),
    np.nanmax: ("a", "axis", "out", "keepdims", "initial", "where"),
    np.nanmin: ("a", "axis", "out", "keepdims", "initial", "where"),
    np.nanargmax: ("a", "axis", "out", "keepdims"),
    np.nanargmin: ("a", "axis", "out", "keepdims"),
}


def _typer(function):
    has_ddof = "ddof" in _PARAMETERS[function]

    def typer(args, kws):
        bound = bind(args, kws, _PARAMETERS[function])
        if bound is None or len(args) > 2 or set(kws) - {"axis", "ddof"}:
            return None  # the implementations take (a, axis=None, ddof=0)
        types = bound[0]
        a, axis = types["a"], types.get("axis", t.none)
        if not isinstance(a, t.Array) or not isinstance(a.dtype, (t.Boolean, t.Integer, t.Float)):
            return None
        if not isinstance(axis, (t.NoneType, t.Integer)) or (
                isinstance(axis, t.Integer) and a.ndim == 0):
            return None
        if not isinstance(types.get("ddof", t.int64), (t.Integer, t.Boolean)):
            return None
        if not isinstance(a.dtype, t.Float):
            return Impl(None, None, py_impl=_INT_FORMS[function])
        whole = _whole(function, a.dtype)
        if isinstance(axis, t.NoneType):
            return _library(whole)
        return _library(_one_axis(whole) if a.ndim == 1 else _along(function, a.dtype))
    ddof = ", ddof=0" if has_ddof else ""
    typer.__doc__ = (f"{function.__name__}(a, axis=None{ddof}): int, bool or float arrays, "
                     "NaNs ignored; whole or along one int axis; no other keywords")
    return typer


for _function in _PARAMETERS:
    register(_function)(_typer(_function))
