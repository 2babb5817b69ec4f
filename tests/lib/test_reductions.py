"""Whole-array float and complex sums (ember.lib.reductions) add in NumPy's
pairwise order: sum, mean, var and std equal NumPy's bit for bit over 1-D
arrays (any stride), C/F-contiguous arrays of any dimension and 1-D array
expressions; a sum whose elements are cast (the mean of integers) adds
NumPy's 8192-element buffers one by one as NumPy does. Other views are summed
pairwise row by row: close to NumPy, not always equal.

The lengths cross every boundary of NumPy's scheme: under one group of eight
running sums, whole groups, the 128-element block, the halving of longer
ranges, and the 8192-element cast buffer.
"""

import numpy as np
import pytest

import ember
from ember.runtime import stats

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's empty means

LENGTHS = [0, 1, 3, 7, 8, 9, 15, 16, 17, 50, 127, 128, 129, 130, 255, 256, 257, 1000, 4097,
           8191, 8193, 20000, 100_003]


@pytest.fixture(autouse=True)
def no_leaks():
    before = stats().alive
    yield
    assert stats().alive == before, "compiled code leaked arrays"


def spread(n, seed):
    """Signed values over 16 orders of magnitude: any change of order shows."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n) * 10.0 ** rng.uniform(-8, 8, n)


@ember.njit
def sums(a):
    return np.sum(a), a.mean(), np.var(a), a.std(), np.var(a, ddof=1)


@ember.njit
def sum_and_mean(a):
    return a.sum(), np.mean(a)


@ember.njit
def fused(a, b):
    return np.sum(a * b), np.mean(a - 2.0 * b)


def assert_same(got, want):
    for g, w in zip(got, want):
        assert g == w or (np.isnan(g) and np.isnan(w)), (got, want)


@pytest.mark.parametrize("n", LENGTHS)
def test_float64_sums_equal_numpy(n):
    a = spread(n, n)
    assert_same(sums(a), sums.py_func(a))
    strided = spread(3 * n, n + 1)[::3]
    assert_same(sums(strided), sums.py_func(strided))
    backwards = a[::-1]
    assert_same(sum_and_mean(backwards), sum_and_mean.py_func(backwards))


@pytest.mark.parametrize("n", LENGTHS)
def test_float32_complex_and_integer_sums_equal_numpy(n):
    a32 = spread(n, n).astype(np.float32)
    assert_same(sums(a32), sums.py_func(a32))
    z = spread(n, n) + 1j * spread(n, n + 7)
    assert_same(sum_and_mean(z), sum_and_mean.py_func(z))
    ints = np.random.default_rng(n).integers(-10**15, 10**15, n)
    assert_same(sums(ints), sums.py_func(ints))


@pytest.mark.parametrize("n", LENGTHS)
def test_one_dimensional_expressions_equal_numpy(n):
    a, b = spread(n, n), spread(n, n + 3)
    assert_same(fused(a, b), fused.py_func(a, b))


@pytest.mark.parametrize("shape", [(3, 4), (300, 301), (1, 5), (0, 3), (2, 3, 130), (70, 1)])
def test_contiguous_arrays_of_any_dimension_equal_numpy(shape):
    a = spread(int(np.prod(shape)), 5).reshape(shape)
    assert_same(sums(a), sums.py_func(a))
    f = np.asfortranarray(a)
    assert_same(sums(f), sums.py_func(f))


def test_other_views_are_close():
    big = spread(40 * 300, 9).reshape(40, 300)
    view = big[3:37, 5:290]
    for got, want in zip(sums(view), sums.py_func(view)):
        assert got == pytest.approx(want, rel=1e-12, abs=1e-6)


@ember.njit
def windows(x, w):
    out = np.empty(x.shape[0] - w + 1)
    for i in range(out.shape[0]):
        out[i] = np.mean(x[i:i + w])
    return out


def test_rolling_window_means_equal_numpy():
    x = spread(2000, 11)
    for w in (1, 5, 8, 50, 129, 300):
        np.testing.assert_array_equal(windows(x, w), windows.py_func(x, w))


def test_signed_zeros_nan_and_inf():
    zeros = np.array([-0.0] * 20)
    for a in (zeros, zeros[:3], np.array([np.inf, 1.0, -np.inf] * 5), np.array([1.0, np.nan] * 9),
              np.array([1e308] * 16)):
        assert_same(sums(a), sums.py_func(a))
        assert str(sums(a)[0]) == str(sums.py_func(a)[0])  # the sign of a zero too


SCALAR_REDUCTIONS = [np.sum, np.prod, np.mean, np.var, np.std, np.min, np.max, np.amin,
                     np.amax, np.argmin, np.argmax, np.any, np.all]


@pytest.mark.parametrize("reduce", SCALAR_REDUCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("value", [3, -2.5, True, 0, 0.0])
def test_reductions_of_a_scalar_equal_numpy(reduce, value):
    """NumPy reduces a scalar as a 0-d array: np.sum(3) is 3."""
    compiled = ember.njit(lambda x: reduce(x))
    got, want = compiled(value), reduce(value)
    assert got == want and type(got) is type(want.item())


@pytest.mark.parametrize("reduce", [np.sum, np.prod, np.mean, np.var], ids=lambda f: f.__name__)
def test_reductions_of_a_complex_scalar_equal_numpy(reduce):
    got, want = ember.njit(lambda x: reduce(x))(1 + 2j), reduce(1 + 2j)
    assert got == want


@pytest.mark.parametrize("shape", [(3, 5), (4, 33), (2, 3, 50), (130, 7)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sums_of_expressions_over_whole_arrays_equal_numpy(shape, dtype):
    """np.sum(a * b) reads the C-contiguous operands in memory order, as NumPy
    sums the temporary it builds: bit for bit (and broadcast operands still work)."""
    rng = np.random.default_rng(7)
    a, b = (rng.standard_normal(shape).astype(dtype) for _ in range(2))
    row = rng.standard_normal(shape[-1]).astype(dtype)
    compiled = ember.njit(lambda x, y, r: (np.sum(x * y), np.mean(x - y), np.sum(x * r)))
    got = compiled(a, b, row)
    assert got[0] == np.sum(a * b) and got[1] == np.mean(a - b)
    assert got[2] == pytest.approx(np.sum(a * row), rel=1e-5)
