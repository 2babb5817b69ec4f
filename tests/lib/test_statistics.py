"""Statistics in compiled code (ember.lib.statistics), compared with NumPy:
reductions along an axis, cumsum/cumprod, diff, bincount, histogram, cov,
corrcoef; with leak checks.

Compiling is the expensive part, so each wrapper below calls many functions
at once and is compiled for a few chosen (dtype, ndim, layout) types; the
shapes and axes vary freely within one compiled type.
"""

import re

import numpy as np
import pytest
from numpy.exceptions import AxisError

import ember
from ember.errors import TypingError
from ember.runtime import stats

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's empty means


@pytest.fixture(autouse=True)
def no_leaks():
    before = stats().alive
    yield
    assert stats().alive == before, "compiled code leaked arrays"


def data(shape, dtype, seed=0):
    """Small integers (ties included), quarter steps for floats: sums are exact."""
    rng = np.random.default_rng(seed)
    if np.dtype(dtype) == np.bool_:
        return rng.integers(0, 2, shape).astype(np.bool_)
    if np.dtype(dtype).kind == "f":
        return (rng.integers(-8, 9, shape) / 4).astype(dtype)
    return rng.integers(-3, 4, shape).astype(dtype)


def tolerance(*arrays):
    return 1e-5 if any(np.asarray(x).dtype == np.float32 for x in arrays) else 1e-12


def same(got, want, rtol):
    """Equal values (to rtol for floats), types, shapes and dtypes."""
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            same(g, w, rtol)
        return
    assert isinstance(got, np.ndarray) == isinstance(want, np.ndarray), (got, want)
    if isinstance(want, np.ndarray):
        assert got.shape == want.shape and got.dtype == want.dtype, (got, want)
    if np.asarray(want).dtype.kind in "fc":
        np.testing.assert_allclose(got, want, rtol=rtol, atol=0)
    else:
        np.testing.assert_array_equal(got, want)


def compare(jitted, *args):
    """jitted(*args) as its Python function under NumPy, or the same exception."""
    try:
        want = jitted.py_func(*args)
    except Exception as exc:  # the compiled function must raise it too
        with pytest.raises(type(exc), match=re.escape(str(exc))):
            jitted(*args)
        return
    got = jitted(*args)
    same(got, want, tolerance(*args))
    del got


# ---- reductions along an axis --------------------------------------------------------------

@ember.njit
def reductions(a, ax):
    return (np.sum(a, axis=ax), a.sum(ax), np.prod(a, axis=ax), a.prod(ax),
            np.mean(a, axis=ax), a.mean(ax), np.var(a, axis=ax), a.var(ax, ddof=1),
            np.std(a, axis=ax, ddof=1), a.std(axis=ax), np.any(a, axis=ax), a.all(ax),
            np.min(a, ax), a.max(axis=ax), np.amin(a, axis=ax), np.amax(a, ax),
            np.argmin(a, axis=ax), a.argmax(ax))


@ember.njit
def few_reductions(a, ax):
    return np.sum(a, axis=ax), np.var(a, ax, ddof=1), np.argmax(a, ax), a.min(ax)


def axes(ndim):
    """Every axis, negative ones, and one out of range at each end."""
    return range(-ndim - 1, ndim + 1)


@pytest.mark.parametrize("shape,dtype", [
    ((2, 3, 4), np.float64), ((0, 3, 2), np.float64), ((1, 1, 1), np.float64),
    ((3, 4), np.int32), ((1, 5), np.int32), ((4, 0), np.int32),
    ((5,), np.int64), ((1,), np.int64), ((0,), np.int64)])
def test_reductions_along_every_axis(shape, dtype):
    a = data(shape, dtype)
    for ax in axes(a.ndim):
        compare(reductions, a, ax)


@pytest.mark.parametrize("a", [
    np.asfortranarray(data((3, 4), np.float64)),    # F layout
    data((6, 4), np.float32)[::2],                  # strided rows
    data((3, 6), np.float32)[:, ::2],               # strided columns
    data((3, 4), np.bool_), data((1, 0), np.bool_)])
def test_reductions_on_layouts_and_dtypes(a):
    for ax in axes(a.ndim):
        compare(few_reductions, a, ax)


def test_nan_propagates_and_first_nan_wins():
    a = data((3, 4, 2), np.float64)
    a[1, 2, 0] = a[2, 0, 1] = np.nan
    for ax in (0, 1, 2):
        compare(reductions, a, ax)


def test_errors_along_an_axis():
    with pytest.raises(AxisError, match="axis 2 is out of bounds for array of dimension 2"):
        reductions(data((2, 2), np.int32), 2)
    with pytest.raises(AxisError, match="axis -3 is out of bounds for array of dimension 2"):
        reductions(data((2, 2), np.int32), -3)
    with pytest.raises(ValueError, match="zero-size array to reduction operation minimum"):
        reductions(np.zeros((3, 0), np.int32), 1)
    with pytest.raises(ValueError, match="attempt to get argmax of an empty sequence"):
        few_reductions(np.zeros((3, 0), np.bool_), 1)


def test_float_sums_agree_with_numpy_bit_for_bit():
    # NumPy's order: pairwise along the contiguous last axis, row by row otherwise
    rng = np.random.default_rng(4)
    a = rng.standard_normal((3, 300, 5)) * 10.0 ** rng.integers(-3, 4, (3, 300, 5))
    for ax in (0, 1, 2, -1):
        got, want = reductions(a, ax), reductions.py_func(a, ax)
        for k in (0, 4, 6):  # sum, mean, var
            np.testing.assert_array_equal(got[k], want[k])
        del got


@ember.njit
def tuple_axis(a):
    return np.sum(a, axis=(0, 1))


@ember.njit
def keepdims_variable(a, keep):
    return a.mean(axis=0, keepdims=keep)


@ember.njit
def keepdims_whole_variable(a, keep):
    return np.sum(a, keepdims=keep)


@ember.njit
def keepdims_int(a):
    return np.max(a, axis=0, keepdims=1)


@ember.njit
def dtype_argument(a):
    return np.sum(a, axis=0, dtype=np.float32)


@ember.njit
def complex_min(a):
    return np.min(a, axis=0)


def test_unsupported_arguments_are_typing_errors():
    with pytest.raises(TypingError, match="tuple of axes"):
        tuple_axis(np.ones((2, 2)))
    for func in (keepdims_variable, keepdims_whole_variable):
        with pytest.raises(TypingError, match=r"keepdims must be a literal True or False, "
                                              "not bool"):
            func(np.ones((2, 2)), True)
    with pytest.raises(TypingError, match=r"np.max\(\): keepdims must be a literal True or "
                                          "False, not int64"):
        keepdims_int(np.ones((2, 2)))
    with pytest.raises(TypingError, match="dtype= is not supported"):
        dtype_argument(np.ones((2, 2)))
    with pytest.raises(TypingError, match="does not support complex arrays"):
        complex_min(np.ones((2, 2), complex))


@ember.njit
def whole(a):
    return np.sum(a), a.max(), np.var(a, ddof=1), np.argmin(a, axis=None)


def test_whole_array_forms_still_work():
    a = data((3, 4), np.float64)
    same(whole(a), whole.py_func(a), 1e-12)


# ---- keepdims ------------------------------------------------------------------------------------

@ember.njit
def kept_along(a, ax):
    return (np.sum(a, axis=ax, keepdims=True), a.sum(ax, keepdims=True),
            np.prod(a, ax, keepdims=True), a.prod(axis=ax, keepdims=True),
            np.mean(a, axis=ax, keepdims=True), a.mean(ax, keepdims=True),
            np.var(a, axis=ax, keepdims=True), a.var(ax, ddof=1, keepdims=True),
            np.std(a, axis=ax, keepdims=True, ddof=1), a.std(axis=ax, keepdims=True),
            np.any(a, axis=ax, keepdims=True), a.all(ax, keepdims=True),
            np.min(a, ax, keepdims=True), a.max(axis=ax, keepdims=True),
            np.amin(a, axis=ax, keepdims=True), np.amax(a, ax, keepdims=True),
            np.argmin(a, axis=ax, keepdims=True), a.argmax(ax, keepdims=True),
            np.sum(a, axis=ax, keepdims=False), a.argmin(ax, keepdims=False))


@ember.njit
def kept_whole(a):
    return (np.sum(a, keepdims=True), a.prod(keepdims=True), np.mean(a, keepdims=True),
            a.var(keepdims=True, ddof=1), np.std(a, axis=None, keepdims=True),
            np.any(a, keepdims=True), a.all(keepdims=True), np.min(a, keepdims=True),
            a.max(keepdims=True), np.argmin(a, keepdims=True), a.argmax(None, keepdims=True),
            np.sum(a, keepdims=False), a.max(keepdims=False))


@ember.njit
def kept_sums(a, ax):
    """The reductions with an identity: defined on empty arrays too."""
    return (np.sum(a, axis=ax, keepdims=True), a.prod(ax, keepdims=True),
            a.mean(axis=ax, keepdims=True), np.any(a, ax, keepdims=True),
            np.sum(a, keepdims=True), np.all(a, keepdims=True))


@pytest.mark.parametrize("a", [
    data((2, 3, 4), np.float64), data((3, 4), np.int32), data((5,), np.int64),
    data((1, 1), np.float32), data((3, 4), np.bool_),
    np.asfortranarray(data((3, 4), np.float64)),    # F layout
    data((6, 4), np.float32)[::2],                  # strided rows
    data((3, 6), np.uint8)[:, ::-2]])               # strided columns, backwards
def test_keepdims_along_every_axis_and_whole(a):
    for ax in axes(a.ndim):
        compare(kept_along, a, ax)
    compare(kept_whole, a)


@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0), (2, 0, 3)])
def test_keepdims_on_empty_arrays(shape):
    a = data(shape, np.float64)
    for ax in axes(a.ndim):
        compare(kept_sums, a, ax)
    compare(kept_whole, a)  # min of nothing: the same ValueError


@ember.njit
def kept_zero_d(a):
    return np.sum(a, keepdims=True), a.max(keepdims=True), np.argmin(a, keepdims=True)


@ember.njit
def kept_fused(a, b):
    return np.sum(a * b, keepdims=True), np.mean(a - b, keepdims=True), (a + b).max(keepdims=True)


def test_keepdims_of_zero_d_arrays_expressions_and_complex():
    compare(kept_zero_d, np.array(2.5))
    a, b = data((3, 4), np.float64), data((4,), np.float64, seed=1)
    compare(kept_fused, a, b)
    z = data((3, 4), np.float64) + 1j * data((3, 4), np.float64, seed=2)
    compare(kept_sums, z, 1)


@ember.njit
def kept_view_is_writable(a):
    s = np.sum(a, axis=1, keepdims=True)
    s[0, 0] = -1.0
    return a - s


def test_keepdims_result_broadcasts_back():
    a = data((3, 4), np.float64)
    compare(kept_view_is_writable, a)


# ---- cumsum, cumprod, diff ---------------------------------------------------------------------

@ember.njit
def cumulative(a, ax):
    return (np.cumsum(a), a.cumsum(ax), np.cumprod(a, axis=ax), a.cumprod(),
            np.diff(a), np.diff(a, 2, ax), np.diff(a, n=3, axis=ax), np.diff(a, 0, ax))


@pytest.mark.parametrize("shape,dtype,layout", [
    ((2, 3, 4), np.float64, "C"), ((2, 0, 3), np.float64, "C"), ((1, 1, 1), np.float64, "C"),
    ((3, 4), np.int32, "F"), ((6, 3), np.int32, "F"), ((5,), np.bool_, "C"),
    ((1,), np.bool_, "C")])
def test_cumulative_and_diff(shape, dtype, layout):
    a = data(shape, dtype)
    if layout == "F":
        a = np.asfortranarray(a)
    for ax in axes(a.ndim):
        compare(cumulative, a, ax)


@ember.njit
def diff(a, n, ax):
    return np.diff(a, n, ax)


def test_diff_errors():
    compare(diff, np.arange(5.0), -1, 0)
    compare(diff, np.arange(5.0), 0, 3)  # n=0 returns before the axis is checked
    compare(diff, np.arange(5.0), 9, 0)


# ---- bincount ----------------------------------------------------------------------------

@ember.njit
def counts(x, w, minlength):
    return (np.bincount(x), np.bincount(x, w), np.bincount(x, minlength=minlength),
            np.bincount(x, weights=w, minlength=minlength))


@pytest.mark.parametrize("x,w", [
    (np.array([0, 3, 3, 1, 7]), np.array([0.5, 1, 2, 3, -1])),
    (np.array([2, 2, 0], dtype=np.int32)[::-1], np.array([1, 2, 3], dtype=np.float32)),
    (np.array([0]), np.array([2.5]))])
def test_bincount(x, w):
    for minlength in (0, 3, 12):
        compare(counts, x, w, minlength)


def test_bincount_of_nothing():
    # NumPy gives int64 zeros here even with weights; ember gives the float64 of weights
    x, w = np.zeros(0, dtype=np.int64), np.zeros(0)
    got, want = counts(x, w, 2), counts.py_func(x, w, 2)
    same((got[0], got[2]), (want[0], want[2]), 0)
    same((got[1], got[3]), (np.zeros(0), np.zeros(2)), 0)
    del got


def test_bincount_errors():
    x, w = np.array([1, 2]), np.ones(2)
    compare(counts, np.array([1, -1]), w, 0)
    compare(counts, x, w, -1)
    compare(counts, x, np.ones(3), 0)


# ---- histogram -------------------------------------------------------------------------------

@ember.njit
def histograms(a, w, edges):
    return (np.histogram(a), np.histogram(a, 7, (0.25, 0.75)), np.histogram(a, bins=5, weights=w),
            np.histogram(a, edges), np.histogram(a, 3, range=(0.5, 0.5)))


EDGES = np.array([0.0, 0.1, 0.5, 0.5, 1.0])


@pytest.mark.parametrize("a", [
    np.linspace(0, 1, 101),                           # values on the edges
    np.linspace(0, 1, 101).astype(np.float32),
    np.random.default_rng(1).random(300).astype(np.float32),
    np.arange(20).reshape(4, 5),                       # ints, 2-D: flattened
    np.full(3, 0.5), np.full((3, 1), 7), np.zeros(0), np.zeros(0, np.float32)])
def test_histogram(a):
    w = np.arange(a.size, dtype=np.float64).reshape(a.shape) * 0.5
    compare(histograms, a, w, EDGES)


def test_histogram_weights_sum_per_block():
    a = np.random.default_rng(2).random(70_000)
    w = np.random.default_rng(3).random(70_000)
    compare(histograms, a, w, EDGES)


@ember.njit
def histogram_range(a, bins, lo, hi):
    return np.histogram(a, bins, (lo, hi))


def test_histogram_errors():
    a = np.arange(4.0)
    compare(histogram_range, a, 0, 0.0, 1.0)
    compare(histogram_range, a, 3, 2.0, 1.0)
    compare(histogram_range, a, 10**6, 0.0, 1e-310)
    with pytest.raises(ValueError, match="supplied range .*is not finite"):
        histogram_range(a, 3, 0.0, np.inf)
    with pytest.raises(ValueError, match="autodetected range .*is not finite"):
        histograms(np.array([0.0, np.nan]), np.ones(2), EDGES)
    compare(histograms, a, np.ones(3), EDGES)
    compare(histograms, a, np.ones(4), EDGES[::-1].copy())


# ---- cov, corrcoef ---------------------------------------------------------------------------

@ember.njit
def covariances(m):
    return (np.cov(m), np.cov(m, rowvar=False), np.cov(m, bias=True), np.cov(m, ddof=3),
            np.corrcoef(m), np.corrcoef(m, rowvar=False))


@ember.njit
def joint_covariances(m, y, rowvar):
    return np.cov(m, y, rowvar), np.corrcoef(m, y, rowvar)


def close(got, want):
    """Covariances to 1e-12 of the matrix's scale (sums in another order than BLAS)."""
    for g, w in zip(got, want):
        # a 2-D m with one row gives a 1 x 1 matrix, not NumPy's 0-d array (as Numba)
        w = np.asarray(w).reshape(np.shape(g))
        scale = np.nanmax(np.abs(w), initial=0) if w.size else 0
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14 * scale)


@pytest.mark.parametrize("m", [
    data((3, 6), np.float64, 1) + 0.1, data((1, 5), np.float64, 2), data((6,), np.float64, 3),
    data((1,), np.float64, 4), np.zeros((2, 0)), np.asfortranarray(data((4, 4), np.int64, 5))])
def test_cov_and_corrcoef(m):
    got = covariances(m)
    close(got, covariances.py_func(m))
    assert [np.ndim(g) for g in got] == [0 if m.ndim == 1 else 2] * len(got)
    del got


@pytest.mark.parametrize("m,y", [
    (data((3, 6), np.float64, 6), data((3, 12), np.float64, 7)[:, ::2]),
    (data((6,), np.float64, 8), data((6,), np.float64, 9))])
def test_cov_and_corrcoef_of_two(m, y):
    for rowvar in (True, False):
        got = joint_covariances(m, y, rowvar)
        close(got, joint_covariances.py_func(m, y, rowvar))
        del got


def test_cov_mismatched_observations():
    compare(joint_covariances, data((3, 6), np.float64), data((2, 10), np.float64)[:, ::2], True)


def test_diff_prepend_and_append():
    @ember.njit
    def edged(a, p):
        return (np.diff(a, prepend=0), np.diff(a, 2, 0, append=1.5),
                np.diff(a, axis=0, prepend=p, append=p), np.diff(a, prepend=p.T[:3]))
    a, p = np.arange(12).reshape(3, 4) ** 2, np.ones((1, 4))
    for got, want in zip(edged(a, p), edged.py_func(a, p)):
        np.testing.assert_array_equal(got, want, strict=True)

    @ember.njit
    def edged_bools(b):
        return np.diff(b, prepend=False), np.diff(b, append=1)
    b = np.array([[True, False], [True, True]])
    for got, want in zip(edged_bools(b), edged_bools.py_func(b)):
        np.testing.assert_array_equal(got, want, strict=True)
