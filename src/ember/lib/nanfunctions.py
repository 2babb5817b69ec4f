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


# ---- int and bool arrays: the ordinary reductions ------------------------------------

def nansum_int(a, axis=None, ddof=0):
    return np.sum(a)


def nanprod_int(a, axis=None, ddof=0):
    return np.prod(a)


def nanmean_int(a, axis=None, ddof=0):
    return np.mean(a)


def nanvar_int(a, axis=None, ddof=0):
    return np.var(a, ddof=ddof)


def nanstd_int(a, axis=None, ddof=0):
    return np.std(a, ddof=ddof)


def nanmax_int(a, axis=None, ddof=0):
    return np.max(a)


def nanmin_int(a, axis=None, ddof=0):
    return np.min(a)


def nanargmax_int(a, axis=None, ddof=0):
    return np.argmax(a)


def nanargmin_int(a, axis=None, ddof=0):
    return np.argmin(a)


# ---- typing ---------------------------------------------------------------------------

def _work(dtype):
    return to_dtype(dtype).type


_FUNCTIONS = {
    np.nansum: (lambda dtype: _nansum(_work(dtype)), nansum_int, ()),
    np.nanprod: (lambda dtype: _nanprod(_work(dtype)), nanprod_int, ()),
    np.nanmean: (lambda dtype: _nanmean(_work(dtype)), nanmean_int, ()),
    np.nanvar: (lambda dtype: _nanvar(_work(dtype), False), nanvar_int, ("ddof",)),
    np.nanstd: (lambda dtype: _nanvar(_work(dtype), True), nanstd_int, ("ddof",)),
    np.nanmax: (nanmax_float, nanmax_int, ()),
    np.nanmin: (nanmin_float, nanmin_int, ()),
    np.nanargmax: (nanargmax_float, nanargmax_int, ()),
    np.nanargmin: (nanargmin_float, nanargmin_int, ()),
}

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
    floats, ints, extra = _FUNCTIONS[function]

    def typer(args, kws):
        bound = bind(args, kws, _PARAMETERS[function])
        if bound is None or len(args) > 2 or set(kws) - {"axis", "ddof"}:
            return None  # the implementations take (a, axis=None, ddof=0)
        types = bound[0]
        a = types["a"]
        if not isinstance(a, t.Array) or not isinstance(a.dtype, (t.Boolean, t.Integer, t.Float)):
            return None
        if not isinstance(types.get("axis", t.none), t.NoneType):
            return None
        if set(types) - {"a", "axis"} - set(extra):
            return None
        if not isinstance(types.get("ddof", t.int64), (t.Integer, t.Boolean)):
            return None
        if not isinstance(a.dtype, t.Float):
            return Impl(None, None, py_impl=ints)
        if floats in (nanmax_float, nanmin_float,
                      nanargmax_float, nanargmin_float):
            return _library(floats)
        return _library(floats(a.dtype))
    ddof = ", ddof=0" if extra else ""
    typer.__doc__ = (f"{function.__name__}(a{ddof}): a whole int, bool or float array, NaNs "
                     "ignored; no axis= or other keywords")
    return typer


for _function in _FUNCTIONS:
    register(_function)(_typer(_function))
