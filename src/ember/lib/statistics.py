"""Statistics in compiled code: the axis= forms of the reductions (sum, prod,
min, max, mean, var, std, argmin, argmax, any, all), cumsum/cumprod, diff,
bincount, histogram, cov and corrcoef.

Everything here is plain Python that ember compiles, over a few small
intrinsics: a runtime check with a formatted message, a shape without (or
with a resized) runtime axis, the result dtype of a reduction, and helpers
whose implementation the argument types pick (_finish, _as_2d). An axis
computation views the array as (outer, n, inner) with the axis in the
middle, so one kernel serves every ndim; a non-C-contiguous array is copied
first. The (outer, inner) result is then reshaped, a view, without the axis
or, for a literal keepdims=True, with it as size 1 (_finish). Sums follow
NumPy's order (pairwise along a contiguous axis), so float results agree
with NumPy's bit for bit on C arrays. Whole-array
reductions stay in reductions.py: the typers here wrap its typers and
delegate to them when no axis is given.
"""

import functools
import math

import numpy as np
from llvmlite import ir
from numpy.exceptions import AxisError

from ember.codegen import casts
from ember.codegen import models as m
from ember.errors import TypingError
from ember.lib.reductions import _accumulator_type  # also registers the typers we wrap
from ember.types import core as t
from ember.types.typeof import to_dtype
from ember.typing import registry
from ember.typing.registry import LIBRARY_OPTIONS, Impl, bind, register

_INTS = (t.Integer, t.Boolean)
_REALS = (t.Integer, t.Boolean, t.Float)


# ---- intrinsics -----------------------------------------------------------------------

def _check(ok, exc_class, message, *values):
    """Compiled code only: raise exc_class(message % values) unless ok."""
    raise NotImplementedError("_check exists in compiled code only")


@register(_check)
def _type_check(args, kws):
    """a runtime check raising exc_class(message % int values) (internal)"""
    if kws or len(args) < 3 or len(args) > 3 + m.EXC_ARGS:
        return None
    cls, message, values = args[1], args[2], args[3:]
    if not (isinstance(cls, t.CompileTimeValue) and isinstance(message, t.CompileTimeValue)
            and all(isinstance(v, _INTS) for v in values)):
        return None

    def emit(cg, llvm_values):
        ok = casts.truth(cg.builder, llvm_values[0], args[0])
        ints = [casts.cast(cg.builder, v, ty, t.int64) for v, ty in zip(llvm_values[3:], values)]
        cg.check(ok, cls.value, message.value, ints)
        return ir.Constant(m.i8, None)
    return Impl(t.none, args, emit=emit)


def _without_axis(shape, axis):
    """Compiled code only: `shape` with entry `axis` removed."""
    raise NotImplementedError("_without_axis exists in compiled code only")


def _with_axis(shape, axis, size):
    """Compiled code only: `shape` with entry `axis` replaced by `size`."""
    raise NotImplementedError("_with_axis exists in compiled code only")


def _shape_typer(drop):
    def typer(args, kws):
        """a shape tuple with one runtime axis removed or resized (internal)"""
        count = 2 if drop else 3
        if kws or len(args) != count or not isinstance(args[0], t.Tuple):
            return None
        if not all(isinstance(x, _INTS) for x in args[0].types + tuple(args[1:])):
            return None
        ndim = len(args[0])
        result = t.Tuple([t.int64] * (ndim - 1 if drop else ndim))

        def emit(cg, values):
            bld = cg.builder
            entries = [casts.cast(bld, bld.extract_value(values[0], k), ty, t.int64)
                       for k, ty in enumerate(args[0].types)]
            axis = casts.cast(bld, values[1], args[1], t.int64)
            if drop:  # entry k of the result is shape[k] before the axis, shape[k + 1] after
                picked = [bld.select(bld.icmp_signed("<", ir.Constant(m.i64, k), axis),
                                     entries[k], entries[k + 1]) for k in range(ndim - 1)]
            else:
                size = casts.cast(bld, values[2], args[2], t.int64)
                picked = [bld.select(bld.icmp_signed("==", ir.Constant(m.i64, k), axis),
                                     size, entries[k]) for k in range(ndim)]
            out = ir.Constant(m.value_type(result), None)
            for k, value in enumerate(picked):
                out = bld.insert_value(out, value, k)
            return out
        return Impl(result, args, emit=emit)
    return typer


register(_without_axis)(_shape_typer(True))
register(_with_axis)(_shape_typer(False))


def _result_dtype(a, kind):
    """Compiled code only: the dtype NumPy gives reduction `kind` of array `a`."""
    raise NotImplementedError("_result_dtype exists in compiled code only")


def reduction_dtype(dtype, kind):
    """The result scalar type of reduction `kind` over elements of `dtype`."""
    if kind == "cumsum":
        kind = "sum"
    result = _accumulator_type(dtype, kind)
    if kind in ("var", "std") and isinstance(result, t.Complex):
        return result.part
    return result


@register(_result_dtype)
def _type_result_dtype(args, kws):
    """the dtype of a reduction's result, as a compile-time constant (internal)"""
    if kws or len(args) != 2 or not isinstance(args[0], t.Array):
        return None
    dtype = to_dtype(reduction_dtype(args[0].dtype, args[1].value))
    return Impl(t.CompileTimeValue(dtype, "dtype"), args,
                emit=lambda cg, values: ir.Constant(m.i8, None))


# Kernels whose every index comes from the shapes of their own arrays run
# without bounds checks; the data-dependent indexes of bincount and histogram
# keep them.
def _library(py_impl):
    """An implementation that returns new memory (or a scalar) and proves its indexes."""
    impl = Impl(None, None, py_impl=py_impl)
    impl.callee_options = LIBRARY_OPTIONS
    impl.fresh = True
    return impl


# ---- shared helpers (compiled) ---------------------------------------------------------

def _axis_index(axis, ndim):
    """A valid axis in [0, ndim), counting negative values from the end."""
    _check(-ndim <= axis < ndim, AxisError,
           "axis %lld is out of bounds for array of dimension %lld", axis, ndim)
    if axis < 0:
        return axis + ndim
    return axis


def _as_3d(a, axis):
    """`a` as (outer, n, inner) around `axis`: a view when C-contiguous, else a copy."""
    outer = 1
    inner = 1
    for k in range(a.ndim):
        if k < axis:
            outer *= a.shape[k]
        elif k > axis:
            inner *= a.shape[k]
    return a.reshape((outer, a.shape[axis], inner))


def _prepare(a, axis):
    """The (outer, n, inner) form of `a` around `axis`, and the axis in [0, ndim)."""
    ax = _axis_index(axis, a.ndim)
    return _as_3d(a, ax), ax


@functools.cache
def lanes_along(whole, dtype):
    """Compiled code: (a, axis) -> whole(lane) of every lane of `a` along
    `axis` (each copied out contiguous), shaped as NumPy's reduction along it."""
    def along(a, axis):
        v, ax = _prepare(a, axis)
        outer, n, inner = v.shape
        out = np.empty((outer, inner), dtype=dtype)
        lane = np.empty(n, dtype=a.dtype)
        for i in range(outer):
            for k in range(inner):
                for j in range(n):
                    lane[j] = v[i, j, k]
                out[i, k] = whole(lane)
        return _finish(out, a.shape, ax, False)
    return along


def _finish(out, shape, axis, keepdims):
    """Compiled code only: the (outer, inner) result `out` given the shape of the
    reduced array without `axis` (a scalar when the source was 1-D), or with
    `axis` of size 1 when keepdims is a literal True (a view of `out` either way)."""
    raise NotImplementedError("_finish exists in compiled code only")


def _finish_scalar(out, shape, axis, keepdims):
    return out[0, 0]


def _finish_array(out, shape, axis, keepdims):
    return out.reshape(_without_axis(shape, axis))


def _finish_kept(out, shape, axis, keepdims):
    return out.reshape(_with_axis(shape, axis, 1))


@register(_finish)
def _type_finish(args, kws):
    """the result of a reduction along an axis (internal)"""
    if kws or len(args) != 4 or not isinstance(args[1], t.Tuple):
        return None
    if registry.literal_value(args[3], False):  # the default False is a plain bool
        return Impl(None, None, py_impl=_finish_kept)
    return Impl(None, None, py_impl=_finish_scalar if len(args[1]) == 1 else _finish_array)


# ---- reductions along an axis: kernels over (outer, n, inner) --------------------------

def _add_into(v, out):
    """Sums in NumPy's order: row after row across the axis, or pairwise along
    a contiguous last axis, so that float sums agree with NumPy's bit for bit."""
    if v.shape[2] == 1:
        rows = v.reshape((v.shape[0], v.shape[1]))  # a C view: unit stride along the axis
        for i in range(v.shape[0]):
            out[i, 0] = _pairwise_sum(rows, i, 0, v.shape[1], out[i, 0])
        return
    for i in range(v.shape[0]):
        for k in range(v.shape[1]):
            for j in range(v.shape[2]):
                out[i, j] += v[i, k, j]


def _pairwise_sum(v, i, lo, n, zero):
    """zero + v[i, lo:lo + n] as NumPy's pairwise_sum: eight running sums in
    blocks of up to 128 values, halves of larger ranges summed separately."""
    if n < 8:
        total = zero
        for k in range(lo, lo + n):
            total += v[i, k]
        return total
    if n > 128:
        half = n // 2
        half -= half % 8
        return _pairwise_sum(v, i, lo, half, zero) + _pairwise_sum(v, i, lo + half, n - half,
                                                                   zero)
    r0, r1, r2, r3 = zero + v[i, lo], zero + v[i, lo + 1], zero + v[i, lo + 2], \
        zero + v[i, lo + 3]
    r4, r5, r6, r7 = zero + v[i, lo + 4], zero + v[i, lo + 5], zero + v[i, lo + 6], \
        zero + v[i, lo + 7]
    end = lo + n - n % 8
    for k in range(lo + 8, end, 8):
        r0, r1, r2, r3 = r0 + v[i, k], r1 + v[i, k + 1], r2 + v[i, k + 2], \
            r3 + v[i, k + 3]
        r4, r5, r6, r7 = r4 + v[i, k + 4], r5 + v[i, k + 5], r6 + v[i, k + 6], \
            r7 + v[i, k + 7]
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for k in range(end, lo + n):
        total += v[i, k]
    return total


def _multiply_into(v, out):
    for i in range(v.shape[0]):
        for k in range(v.shape[1]):
            for j in range(v.shape[2]):
                out[i, j] *= v[i, k, j]


def _first_row(v, name):
    _check(v.shape[1] > 0, ValueError, name)
    return v[:, 0, :].copy()


def _minimum_into(v, out):
    for i in range(v.shape[0]):
        for k in range(1, v.shape[1]):
            for j in range(v.shape[2]):
                x = v[i, k, j]
                if x < out[i, j] or x != x:  # NaN propagates, as np.minimum
                    out[i, j] = x


def _maximum_into(v, out):
    for i in range(v.shape[0]):
        for k in range(1, v.shape[1]):
            for j in range(v.shape[2]):
                x = v[i, k, j]
                if x > out[i, j] or x != x:
                    out[i, j] = x


def _argmin_into(v, best, out):
    for i in range(v.shape[0]):
        for k in range(1, v.shape[1]):
            for j in range(v.shape[2]):
                x = v[i, k, j]
                b = best[i, j]
                if x < b or x != x and b == b:  # the first NaN wins
                    best[i, j] = x
                    out[i, j] = k


def _argmax_into(v, best, out):
    for i in range(v.shape[0]):
        for k in range(1, v.shape[1]):
            for j in range(v.shape[2]):
                x = v[i, k, j]
                b = best[i, j]
                if x > b or x != x and b == b:
                    best[i, j] = x
                    out[i, j] = k


def _any_into(v, out):
    for i in range(v.shape[0]):
        for k in range(v.shape[1]):
            for j in range(v.shape[2]):
                if v[i, k, j] != 0:
                    out[i, j] = True


def _all_into(v, out):
    for i in range(v.shape[0]):
        for k in range(v.shape[1]):
            for j in range(v.shape[2]):
                if v[i, k, j] == 0:
                    out[i, j] = False


def _mean_of(v, dtype):
    out = np.zeros((v.shape[0], v.shape[2]), dtype=dtype)
    _add_into(v, out)
    out /= v.shape[1]  # an array division: an empty axis gives nan, as NumPy
    return out


def _var_of(v, dtype, ddof):
    """NumPy's two-pass variance: the mean, then the mean squared deviation
    (summed in NumPy's order, as in _add_into)."""
    mean = _mean_of(v, dtype)
    out = np.zeros((v.shape[0], v.shape[2]), dtype=dtype)
    if v.shape[2] == 1:
        squares = np.empty((1, v.shape[1]), dtype=dtype)
        for i in range(v.shape[0]):
            for k in range(v.shape[1]):
                d = v[i, k, 0] - mean[i, 0]
                squares[0, k] = d * d
            out[i, 0] = _pairwise_sum(squares, 0, 0, v.shape[1], out[i, 0])
    else:
        for i in range(v.shape[0]):
            for k in range(v.shape[1]):
                for j in range(v.shape[2]):
                    d = v[i, k, j] - mean[i, j]
                    out[i, j] += d * d
    out /= max(v.shape[1] - ddof, 0)
    return out


# ---- reductions along an axis: NumPy's signatures ----------------------------------------

def sum_along(a, axis, keepdims=False):
    v, ax = _prepare(a, axis)
    out = np.zeros((v.shape[0], v.shape[2]), dtype=_result_dtype(a, "sum"))
    _add_into(v, out)
    return _finish(out, a.shape, ax, keepdims)


def prod_along(a, axis, keepdims=False):
    v, ax = _prepare(a, axis)
    out = np.ones((v.shape[0], v.shape[2]), dtype=_result_dtype(a, "prod"))
    _multiply_into(v, out)
    return _finish(out, a.shape, ax, keepdims)


_EMPTY_MIN = "zero-size array to reduction operation minimum which has no identity"
_EMPTY_MAX = "zero-size array to reduction operation maximum which has no identity"


def min_along(a, axis, keepdims=False):
    v, ax = _prepare(a, axis)
    out = _first_row(v, _EMPTY_MIN)
    _minimum_into(v, out)
    return _finish(out, a.shape, ax, keepdims)


def max_along(a, axis, keepdims=False):
    v, ax = _prepare(a, axis)
    out = _first_row(v, _EMPTY_MAX)
    _maximum_into(v, out)
    return _finish(out, a.shape, ax, keepdims)


def argmin_along(a, axis, keepdims=False):
    v, ax = _prepare(a, axis)
    best = _first_row(v, "attempt to get argmin of an empty sequence")
    out = np.zeros((v.shape[0], v.shape[2]), dtype=np.int64)
    _argmin_into(v, best, out)
    return _finish(out, a.shape, ax, keepdims)


def argmax_along(a, axis, keepdims=False):
    v, ax = _prepare(a, axis)
    best = _first_row(v, "attempt to get argmax of an empty sequence")
    out = np.zeros((v.shape[0], v.shape[2]), dtype=np.int64)
    _argmax_into(v, best, out)
    return _finish(out, a.shape, ax, keepdims)


def any_along(a, axis, keepdims=False):
    v, ax = _prepare(a, axis)
    out = np.zeros((v.shape[0], v.shape[2]), dtype=np.bool_)
    _any_into(v, out)
    return _finish(out, a.shape, ax, keepdims)


def all_along(a, axis, keepdims=False):
    v, ax = _prepare(a, axis)
    out = np.ones((v.shape[0], v.shape[2]), dtype=np.bool_)
    _all_into(v, out)
    return _finish(out, a.shape, ax, keepdims)


def mean_along(a, axis, keepdims=False):
    v, ax = _prepare(a, axis)
    return _finish(_mean_of(v, _result_dtype(a, "mean")), a.shape, ax, keepdims)


def var_along(a, axis, ddof=0, keepdims=False):
    v, ax = _prepare(a, axis)
    return _finish(_var_of(v, _result_dtype(a, "var"), ddof), a.shape, ax, keepdims)


def std_along(a, axis, ddof=0, keepdims=False):
    v, ax = _prepare(a, axis)
    return _finish(np.sqrt(_var_of(v, _result_dtype(a, "var"), ddof)), a.shape, ax, keepdims)


_ALONG = {"sum": sum_along, "prod": prod_along, "min": min_along, "max": max_along,
          "argmin": argmin_along, "argmax": argmax_along, "any": any_along, "all": all_along,
          "mean": mean_along, "var": var_along, "std": std_along}

# NumPy's parameter names, so that any argument binds as it would in NumPy
_PARAMETERS = {
    "sum": ("a", "axis", "dtype", "out", "keepdims", "initial", "where"),
    "prod": ("a", "axis", "dtype", "out", "keepdims", "initial", "where"),
    "min": ("a", "axis", "out", "keepdims", "initial", "where"),
    "max": ("a", "axis", "out", "keepdims", "initial", "where"),
    "mean": ("a", "axis", "dtype", "out", "keepdims", "where"),
    "var": ("a", "axis", "dtype", "out", "ddof", "keepdims", "where", "mean", "correction"),
    "std": ("a", "axis", "dtype", "out", "ddof", "keepdims", "where", "mean", "correction"),
    "argmin": ("a", "axis", "out", "keepdims"),
    "argmax": ("a", "axis", "out", "keepdims"),
    "any": ("a", "axis", "out", "keepdims", "where"),
    "all": ("a", "axis", "out", "keepdims", "where"),
}
# kinds whose kernels compare or square elements: no complex arrays
_REAL_ONLY = ("min", "max", "argmin", "argmax", "var", "std")


def _callee(key):
    return f"array.{key[2]}()" if isinstance(key, tuple) else f"np.{key.__name__}()"


def _check_axis_type(name, axis):
    if isinstance(axis, t.Tuple):
        raise TypingError(f"{name}: a tuple of axes is not supported; give one int axis")
    if not isinstance(axis, t.Integer):
        raise TypingError(f"{name}: axis must be an int or None, not {axis}")


def _check_keepdims(name, types):
    """keepdims changes the result's ndim, so it must be known when typing."""
    keepdims = types.get("keepdims")
    if keepdims is not None and registry.literal_value(keepdims) not in (True, False):
        raise TypingError(f"{name}: keepdims must be a literal True or False, not {keepdims}")


def _type_along(kind, name, types):
    source = types["a"]
    allowed = ("a", "axis", "ddof", "keepdims") if kind in ("var", "std") else (
        "a", "axis", "keepdims")
    extra = [p for p in types if p not in allowed]
    if extra:
        raise TypingError(f"{name} along an axis supports only "
                          f"{', '.join(p + '=' for p in allowed[1:])}; "
                          f"{', '.join(extra)}= is not supported")
    _check_axis_type(name, types["axis"])
    if source.ndim == 0:
        raise TypingError(f"{name}: axis= needs an array of at least one dimension")
    if kind in _REAL_ONLY and isinstance(source.dtype, t.Complex):
        raise TypingError(f"{name} along an axis does not support complex arrays")
    if not isinstance(types.get("ddof", t.int64), _REALS):
        raise TypingError(f"{name}: ddof must be a number, not {types['ddof']}")
    return _library(_ALONG[kind])


def _with_axis_form(kind, key):
    whole = registry._TABLE[key]
    name = _callee(key)

    @registry.literal_arguments(keepdims=_PARAMETERS[kind].index("keepdims"))
    def typer(args, kws):
        bound = bind(args, kws, _PARAMETERS[kind])
        if bound is None or not isinstance(bound[0]["a"], t.Array):
            return whole(args, kws)
        _check_keepdims(name, bound[0])
        axis = bound[0].get("axis", t.none)
        if isinstance(axis, t.NoneType):
            return whole(args, kws)
        return _type_along(kind, name, bound[0])
    ddof = ", ddof=" if kind in ("var", "std") else ""
    unsupported = [p for p in _PARAMETERS[kind] if p not in ("a", "axis", "ddof", "keepdims")]
    typer.__doc__ = (f"whole array, or along one int axis= (negative counts from the end)"
                     f"{ddof}; keepdims= a literal True/False; {', '.join(unsupported)} "
                     "not supported")
    return typer


_REDUCTIONS = {
    "sum": (np.sum,), "prod": (np.prod,), "mean": (np.mean,), "var": (np.var,),
    "std": (np.std,), "min": (np.min, np.amin), "max": (np.max, np.amax),
    "argmin": (np.argmin,), "argmax": (np.argmax,), "any": (np.any,), "all": (np.all,),
}

for _kind, _functions in _REDUCTIONS.items():
    for _key in _functions + (("method", t.Array, _kind),):
        register(_key)(_with_axis_form(_kind, _key))


# ---- cumsum, cumprod -------------------------------------------------------------------

def _cumulate_flat(flat, out, multiply):
    if flat.size > 0:
        out[0] = flat[0]
    for i in range(1, flat.size):
        if multiply:
            out[i] = out[i - 1] * flat[i]
        else:
            out[i] = out[i - 1] + flat[i]


def _cumulate_3d(v, out, multiply):
    for i in range(v.shape[0]):
        if v.shape[1] > 0:
            for j in range(v.shape[2]):
                out[i, 0, j] = v[i, 0, j]
        for k in range(1, v.shape[1]):
            for j in range(v.shape[2]):
                if multiply:
                    out[i, k, j] = out[i, k - 1, j] * v[i, k, j]
                else:
                    out[i, k, j] = out[i, k - 1, j] + v[i, k, j]


def cumsum_flat(a, axis=None):
    flat = a.ravel()
    out = np.empty(flat.size, dtype=_result_dtype(a, "sum"))
    _cumulate_flat(flat, out, False)
    return out


def cumprod_flat(a, axis=None):
    flat = a.ravel()
    out = np.empty(flat.size, dtype=_result_dtype(a, "prod"))
    _cumulate_flat(flat, out, True)
    return out


def cumsum_along(a, axis=None):
    v, ax = _prepare(a, axis)
    out = np.empty(v.shape, dtype=_result_dtype(a, "sum"))
    _cumulate_3d(v, out, False)
    return out.reshape(a.shape)


def cumprod_along(a, axis=None):
    v, ax = _prepare(a, axis)
    out = np.empty(v.shape, dtype=_result_dtype(a, "prod"))
    _cumulate_3d(v, out, True)
    return out.reshape(a.shape)


def _cumulative(flat_impl, along_impl):
    def typer(args, kws):
        """flattened when axis is None, else along one int axis=; dtype, out not supported"""
        bound = bind(args, kws, ("a", "axis", "dtype", "out"))
        if bound is None or not isinstance(bound[0]["a"], t.Array):
            return None
        types = bound[0]
        name = f"np.{flat_impl.__name__.split('_')[0]}()"
        extra = [p for p in types if p not in ("a", "axis")]
        if extra:
            raise TypingError(f"{name}: {', '.join(extra)}= is not supported")
        if isinstance(types.get("axis", t.none), t.NoneType):
            return _library(flat_impl)
        _check_axis_type(name, types["axis"])
        if types["a"].ndim == 0:
            raise TypingError(f"{name}: axis= needs an array of at least one dimension")
        return _library(along_impl)
    return typer


register(np.cumsum, ("method", t.Array, "cumsum"))(_cumulative(cumsum_flat, cumsum_along))
register(np.cumprod, ("method", t.Array, "cumprod"))(_cumulative(cumprod_flat, cumprod_along))


# ---- diff ------------------------------------------------------------------------------

def _difference(work, length, bools):
    """One differencing pass in place: work[:, k] = work[:, k + 1] - work[:, k]."""
    for i in range(work.shape[0]):
        for k in range(length):
            for j in range(work.shape[2]):
                if bools:  # NumPy differences booleans with not_equal
                    work[i, k, j] = work[i, k + 1, j] != work[i, k, j]
                else:
                    work[i, k, j] = work[i, k + 1, j] - work[i, k, j]


def _diff(a, n, axis, bools):
    if n == 0:  # before any other check, as NumPy
        return a.copy()
    _check(n >= 0, ValueError, "order must be non-negative but got %lld", n)
    v, ax = _prepare(a, axis)
    work = v.copy()
    size = v.shape[1]
    steps = min(n, size)
    for step in range(steps):
        _difference(work, size - 1 - step, bools)
    length = size - steps
    return work[:, :length, :].reshape(_with_axis(a.shape, ax, length))


def diff_impl(a, n=1, axis=-1):
    return _diff(a, n, axis, False)


def diff_bool(a, n=1, axis=-1):
    return _diff(a, n, axis, True)


def _edge(a, value, axis):
    """prepend/append as NumPy takes it: an array as given, a number broadcast to
    a's shape with `axis` of length 1."""
    raise NotImplementedError("_edge exists in compiled code only")


def _edge_array(a, value, axis):
    return value


def _edge_number(a, value, axis):
    return np.full(_with_axis(a.shape, axis, 1), value)


@register(_edge)
def _type_edge(args, kws):
    """diff's prepend/append value as an array (internal)"""
    if kws or len(args) != 3:
        return None
    if isinstance(args[1], t.Array):
        return Impl(None, None, py_impl=_edge_array)
    return Impl(None, None, py_impl=_edge_number) if isinstance(args[1], t.Number) else None


def _edged(bools):
    def diff_edged(a, n=1, axis=-1, prepend=None, append=None):
        ax = _axis_index(axis, a.ndim)
        if prepend is None:
            joined = np.concatenate((a, _edge(a, append, ax)), ax)
        elif append is None:
            joined = np.concatenate((_edge(a, prepend, ax), a), ax)
        else:
            joined = np.concatenate((_edge(a, prepend, ax), a, _edge(a, append, ax)), ax)
        return _diff(joined, n, ax, bools)
    return diff_edged


diff_edged, diff_edged_bool = _edged(False), _edged(True)


def _edge_type(a, value):
    """The array type prepend/append adds to a's dtype, or None when it does not fit."""
    if isinstance(value, t.NoneType):
        return t.Array(a.dtype, a.ndim)
    if isinstance(value, t.Array) and value.ndim == a.ndim:
        return value
    if isinstance(value, t.Number):
        return t.Array(value, a.ndim)
    return None


@register(np.diff)
def type_diff(args, kws):
    """n= (default 1) and axis= (default -1) as ints; prepend=, append= numbers or arrays

    prepend/append arrays need a's ndim; numbers are broadcast along the axis."""
    bound = bind(args, kws, ("a", "n", "axis", "prepend", "append"))
    if bound is None or not isinstance(bound[0]["a"], t.Array):
        return None
    types = bound[0]
    if types["a"].ndim == 0:
        raise TypingError("np.diff() requires input that is at least one dimensional")
    if not isinstance(types.get("n", t.int64), t.Integer):
        raise TypingError(f"np.diff(): n must be an int, not {types['n']}")
    if "axis" in types:
        _check_axis_type("np.diff()", types["axis"])
    edges = [_edge_type(types["a"], types.get(p, t.none)) for p in ("prepend", "append")]
    if None in edges:
        return None
    boolean = all(isinstance(x.dtype, t.Boolean) for x in [types["a"]] + edges)
    if not all(isinstance(types.get(p, t.none), t.NoneType) for p in ("prepend", "append")):
        return _library(diff_edged_bool if boolean else diff_edged)
    return _library(diff_bool if boolean else diff_impl)


# ---- bincount --------------------------------------------------------------------------

def _bincount_length(x, minlength):
    _check(minlength >= 0, ValueError, "'minlength' must not be negative")
    length = minlength
    for i in range(x.shape[0]):
        _check(x[i] >= 0, ValueError, "'list' argument must have no negative elements")
        if x[i] >= length:
            length = x[i] + 1
    return length


def bincount_impl(x, weights=None, minlength=0):
    length = _bincount_length(x, minlength)
    if weights is None:
        counts = np.zeros(length, dtype=np.int64)
        for i in range(x.shape[0]):
            counts[x[i]] += 1
        return counts
    _check(weights.shape[0] == x.shape[0], ValueError,
           "The weights and list don't have the same length.")
    sums = np.zeros(length)
    for i in range(x.shape[0]):
        sums[x[i]] += weights[i]
    return sums


@register(np.bincount)
def type_bincount(args, kws):
    """1-D array of non-negative ints; weights= a 1-D real array; minlength= an int"""
    bound = bind(args, kws, ("x", "weights", "minlength"))
    if bound is None or not isinstance(bound[0]["x"], t.Array):
        return None
    types = bound[0]
    x = types["x"]
    if x.ndim != 1 or not _safe_as_int64(x.dtype):
        raise TypingError(f"np.bincount() takes a 1-D array of ints, not {x}")
    weights = types.get("weights", t.none)
    if not isinstance(weights, t.NoneType) and not (
            isinstance(weights, t.Array) and weights.ndim == 1
            and isinstance(weights.dtype, _REALS)):
        raise TypingError(f"np.bincount(): weights must be a 1-D real array, not {weights}")
    if not isinstance(types.get("minlength", t.int64), t.Integer):
        raise TypingError(f"np.bincount(): minlength must be an int, not {types['minlength']}")
    impl = Impl(None, None, py_impl=bincount_impl)
    impl.fresh = True
    return impl


def _safe_as_int64(dtype):
    """Can NumPy cast `dtype` to intp under the 'safe' rule?"""
    if isinstance(dtype, t.Boolean):
        return True
    return isinstance(dtype, t.Integer) and (dtype.signed or dtype.bits < 64)


# ---- histogram ---------------------------------------------------------------------------
# NumPy's own algorithm, so that values on bin edges land where NumPy puts them:
# edges from linspace, a bin index from the scaled offset, then corrected by
# one against the edges. Its arithmetic runs in the edges' dtype (float32 for
# float32 data), with the range's Python floats cast to it (NEP 50).

_BLOCK = 65536  # NumPy sums weights per block of this many values


def _expanded(lo, hi, half):
    """An empty range widened by half on each side, as NumPy does."""
    if lo == hi:
        return lo - half, hi + half
    return lo, hi


def _supplied_edges(bounds):
    lo = float(bounds[0])
    hi = float(bounds[1])
    _check(not lo > hi, ValueError, "max must be larger than min in range parameter.")
    _check(math.isfinite(lo) and math.isfinite(hi), ValueError,
           "supplied range is not finite")
    return _expanded(lo, hi, 0.5)


def _detected_edges(a, half):
    """a.min(), a.max() widened when equal; `half` is 0.5 in the edges' precision."""
    lo = a.min()
    hi = a.max()
    _check(math.isfinite(lo) and math.isfinite(hi), ValueError,
           "autodetected range is not finite")
    return _expanded(lo, hi, half)


def _fill_edges(edges, lo, hi, bins):
    """NumPy's linspace(lo, hi, bins + 1), in the precision of lo and hi."""
    for i in range(bins + 1):
        edges[i] = i  # the sample numbers, in the edges' precision
    delta = hi - lo
    step = delta / edges[bins]
    for i in range(bins + 1):
        if step == 0:  # NumPy's branch for denormal steps
            edges[i] = edges[i] / edges[bins] * delta + lo
        else:
            edges[i] = edges[i] * step + lo
    edges[bins] = hi
    for i in range(bins):
        _check(edges[i] < edges[i + 1], ValueError, "Too many bins for data range. "
               "Cannot create %lld finite-sized bins.", bins)


def _uniform_bin(x, lo, denom, scale, edges, bins):
    k = int((x - lo) / denom * scale)
    if k == bins:
        k -= 1
    if x < edges[k]:
        k -= 1
    if x >= edges[k + 1] and k != bins - 1:
        k += 1
    return k


def _count_uniform(flat, lo, hi, edges, bins):
    hist = np.zeros(bins, dtype=np.int64)
    denom = hi - lo
    scale = edges[0] * 0 + bins  # bins in the edges' precision
    for i in range(flat.size):
        x = flat[i]
        if x >= lo and x <= hi:
            hist[_uniform_bin(x, lo, denom, scale, edges, bins)] += 1
    return hist


def _weigh_uniform(flat, weights, lo, hi, edges, bins):
    hist = np.zeros(bins, dtype=weights.dtype)
    block = np.zeros(bins)
    denom = hi - lo
    scale = edges[0] * 0 + bins
    for start in range(0, flat.size, _BLOCK):
        block[:] = 0.0
        for i in range(start, min(start + _BLOCK, flat.size)):
            x = flat[i]
            if x >= lo and x <= hi:
                block[_uniform_bin(x, lo, denom, scale, edges, bins)] += weights[i]
        hist += block.astype(weights.dtype)
    return hist


def _uniform_histogram(a, weights, lo, hi, edges, bins):
    if weights is None:
        return _count_uniform(a.ravel(), lo, hi, edges, bins), edges
    return _weigh_uniform(a.ravel(), weights.ravel(), lo, hi, edges, bins), edges


def _check_histogram_args(a, bins, weights):
    if weights is not None:
        _check(weights.shape == a.shape, ValueError, "weights should have the same shape as a.")
    _check(bins >= 1, ValueError, "`bins` must be positive, when an integer")


def histogram_float64(a, bins=10, range=None, density=None, weights=None):
    _check_histogram_args(a, bins, weights)
    if range is None:
        lo, hi = 0.0, 1.0
        if a.size > 0:
            lo, hi = _detected_edges(a, 0.5)
    else:
        lo, hi = _supplied_edges(range)
    edges = np.empty(bins + 1)
    _fill_edges(edges, float(lo), float(hi), bins)
    return _uniform_histogram(a, weights, float(lo), float(hi), edges, bins)


def histogram_float32(a, bins=10, range=None, density=None, weights=None):
    _check_histogram_args(a, bins, weights)
    edges = np.empty(bins + 1, dtype=np.float32)
    if range is None and a.size > 0:
        lo, hi = _detected_edges(a, np.float32(0.5))  # float32: NumPy computes the edges in float32
        _fill_edges(edges, lo, hi, bins)
        return _uniform_histogram(a, weights, lo, hi, edges, bins)
    if range is None:
        lo64, hi64 = 0.0, 1.0
    else:
        lo64, hi64 = _supplied_edges(range)
    # Python-float bounds: linspace in float64, then the edges cast to float32
    wide = np.empty(bins + 1)
    _fill_edges(wide, lo64, hi64, bins)
    edges[:] = wide
    return _uniform_histogram(a, weights, np.float32(lo64), np.float32(hi64), edges, bins)


def _edge_bin(x, edges):
    """The bin of x between monotonic edges (the last bin includes its right edge)."""
    last = edges.shape[0] - 1
    if x == edges[last]:
        return last - 1
    low = 0
    high = edges.shape[0]
    while low < high:  # the number of edges <= x
        mid = (low + high) // 2
        if edges[mid] <= x:
            low = mid + 1
        else:
            high = mid
    return low - 1


def histogram_edges(a, bins=10, range=None, density=None, weights=None):
    for i in range_of(bins.shape[0] - 1):
        _check(not bins[i] > bins[i + 1], ValueError,
               "`bins` must increase monotonically, when an array")
    hist = np.zeros(max(bins.shape[0] - 1, 0), dtype=np.int64)
    flat = a.ravel()
    for i in range_of(flat.size):
        k = _edge_bin(flat[i], bins)
        if 0 <= k < hist.shape[0]:
            hist[k] += 1
    return hist, bins


range_of = range  # histogram's parameter `range` hides the builtin in its body


@register(np.histogram)
def type_histogram(args, kws):
    """bins= an int with range=(lo, hi) and weights= optional, or a 1-D array of edges; no density=

    Edges and bin assignment follow NumPy's algorithm exactly (float32 data in
    float32). An array of edges does not take weights= yet.
    """
    bound = bind(args, kws, ("a", "bins", "range", "density", "weights"))
    if bound is None or not isinstance(bound[0]["a"], t.Array):
        return None
    types = bound[0]
    a, bins = types["a"], types.get("bins", t.int64)
    weights = types.get("weights", t.none)
    if not isinstance(a.dtype, (t.Integer, t.Float)):
        raise TypingError(f"np.histogram(): data of {a.dtype} is not supported; give ints "
                          "or floats")
    if not isinstance(types.get("density", t.none), t.NoneType):
        raise TypingError("np.histogram(): density= is not supported")
    if not isinstance(weights, t.NoneType) and not (
            isinstance(weights, t.Array) and isinstance(weights.dtype, (t.Integer, t.Float))):
        raise TypingError(f"np.histogram(): weights must be an int or float array, not {weights}")
    if isinstance(bins, t.Array) and bins.ndim == 1 and isinstance(bins.dtype, _REALS):
        if not isinstance(weights, t.NoneType):
            raise TypingError("np.histogram(): weights= with an array of bins is not supported")
        return Impl(None, None, py_impl=histogram_edges)
    if not isinstance(bins, t.Integer):
        raise TypingError(f"np.histogram(): bins must be an int or a 1-D array, not {bins}")
    bounds = types.get("range", t.none)
    if not isinstance(bounds, t.NoneType) and not (
            isinstance(bounds, t.Tuple) and len(bounds) == 2
            and all(isinstance(x, _REALS) for x in bounds.types)):
        raise TypingError(f"np.histogram(): range must be (lo, hi), not {bounds}")
    single = isinstance(a.dtype, t.Float) and a.dtype.bits == 32
    return Impl(None, None, py_impl=histogram_float32 if single else histogram_float64)


# ---- cov, corrcoef -------------------------------------------------------------------------
# Variables are rows of a float64 matrix (observations along columns); 1-D
# inputs are one variable. As in Numba, a 1-D m without y gives a scalar and
# any other input a 2-D matrix (NumPy squeezes a 1 x 1 result to 0-d).

def _as_2d(m):
    """Compiled code only: m as a 2-D array, a 1-D m as one row."""
    raise NotImplementedError("_as_2d exists in compiled code only")


def _row(m):
    return m.reshape((1, m.shape[0]))


def _same(m):
    return m


@register(_as_2d)
def _type_as_2d(args, kws):
    """a 1-D or 2-D array as 2-D (internal)"""
    if kws or len(args) != 1 or not isinstance(args[0], t.Array):
        return None
    return Impl(None, None, py_impl=_row if args[0].ndim == 1 else _same)


def _variables(m, transpose, out, first):
    """Copy m (as 2-D, transposed or not) into rows first... of float64 `out`."""
    x = _as_2d(m)
    rows = x.shape[1] if transpose else x.shape[0]
    cols = x.shape[0] if transpose else x.shape[1]
    _check(cols == out.shape[1], ValueError, "all the input array dimensions except for the "
           "concatenation axis must match exactly, but along dimension 1, the array at index 0 "
           "has size %lld and the array at index 1 has size %lld", out.shape[1], cols)
    for i in range(rows):
        for j in range(cols):
            out[first + i, j] = x[j, i] if transpose else x[i, j]


def _observations(m, y, rowvar):
    """NumPy's X: the rows of m, then those of y, as float64 variables."""
    xm = _as_2d(m)
    turn_m = not rowvar and m.ndim != 1
    rows = xm.shape[1] if turn_m else xm.shape[0]
    cols = xm.shape[0] if turn_m else xm.shape[1]
    if y is None:
        out = np.empty((rows, cols))
        _variables(m, turn_m, out, 0)
        return out
    xy = _as_2d(y)
    turn_y = not rowvar and xy.shape[0] != 1  # NumPy's rule for y differs from m's
    out = np.empty((rows + (xy.shape[1] if turn_y else xy.shape[0]), cols))
    _variables(m, turn_m, out, 0)
    _variables(y, turn_y, out, rows)
    return out


def _covariance(x, ddof):
    """(x - mean) (x - mean)^T / (observations - ddof), as NumPy (inf scale when <= 0)."""
    nvar, nobs = x.shape
    mean = np.zeros(nvar)
    for i in range(nvar):
        for k in range(nobs):
            mean[i] += x[i, k]
    mean /= nobs  # an array division: no observations give nan, as NumPy
    x -= mean[:, None]
    columns = x.T.copy()  # (observations, variables): the inner loop runs along rows
    c = np.zeros((nvar, nvar))
    for i in range(nvar):
        for k in range(nobs):
            xik = x[i, k]
            for j in range(i, nvar):
                c[i, j] += xik * columns[k, j]
        for j in range(i + 1, nvar):
            c[j, i] = c[i, j]
    fact = nobs - ddof
    c *= 1.0 / fact if fact > 0 else math.inf  # NumPy multiplies by 1 / fact
    return c


def _ddof_of(bias, ddof):
    if ddof is None:
        return 0 if bias else 1
    return ddof


def cov_matrix(m, y=None, rowvar=True, bias=False, ddof=None):
    return _covariance(_observations(m, y, rowvar), _ddof_of(bias, ddof))


def cov_scalar(m, y=None, rowvar=True, bias=False, ddof=None):
    return cov_matrix(m, y, rowvar, bias, ddof)[0, 0]


def corrcoef_matrix(x, y=None, rowvar=True):
    c = cov_matrix(x, y, rowvar)
    stddev = np.empty(c.shape[0])
    for i in range(c.shape[0]):
        stddev[i] = math.sqrt(c[i, i])
    c /= stddev[:, None]
    c /= stddev[None, :]
    for i in range(c.shape[0]):
        for j in range(c.shape[1]):
            c[i, j] = min(max(c[i, j], -1.0), 1.0) if c[i, j] == c[i, j] else c[i, j]
    return c


def corrcoef_scalar(x, y=None, rowvar=True):
    c = cov_scalar(x, y, rowvar)
    if c == 0 or math.isinf(c) or c != c:
        return math.nan  # NumPy's c / c
    return 1.0


def _type_cov_args(name, types):
    for p in ("fweights", "aweights", "dtype", "bias", "ddof"):
        if p in types and not isinstance(types[p], t.NoneType) and (
                p not in ("bias", "ddof") or name == "np.corrcoef()"):
            raise TypingError(f"{name}: {p}= is not supported")
    for p in ("m", "x", "y"):
        value = types.get(p, t.none)
        if isinstance(value, t.NoneType):
            continue
        if not isinstance(value, t.Array) or value.ndim not in (1, 2):
            raise TypingError(f"{name}: {p} must be a 1-D or 2-D array, not {value}")
        if not isinstance(value.dtype, _REALS):
            raise TypingError(f"{name}: arrays of {value.dtype} are not supported")
    if not isinstance(types.get("ddof", t.none), (t.NoneType, t.Integer)):
        raise TypingError(f"{name}: ddof must be an int, not {types['ddof']}")
    first = types.get("m", types.get("x"))
    return first.ndim == 1 and isinstance(types.get("y", t.none), t.NoneType)


@register(np.cov)
def type_cov(args, kws):
    """1-D or 2-D real m, y=, rowvar=, bias=, ddof=; no fweights, aweights, dtype

    A 1-D m without y gives a scalar, any other input a 2-D matrix (as Numba;
    NumPy squeezes a 1 x 1 result to a 0-d array).
    """
    bound = bind(args, kws, ("m", "y", "rowvar", "bias", "ddof", "fweights", "aweights",
                             "dtype"))
    if bound is None or not isinstance(bound[0]["m"], t.Array):
        return None
    scalar = _type_cov_args("np.cov()", bound[0])
    return _library(cov_scalar if scalar else cov_matrix)


@register(np.corrcoef)
def type_corrcoef(args, kws):
    """1-D or 2-D real x, y=, rowvar=; a 1-D x alone gives a scalar (as Numba)"""
    bound = bind(args, kws, ("x", "y", "rowvar", "bias", "ddof", "dtype"))
    if bound is None or not isinstance(bound[0]["x"], t.Array):
        return None
    scalar = _type_cov_args("np.corrcoef()", bound[0])
    return _library(corrcoef_scalar if scalar else corrcoef_matrix)
