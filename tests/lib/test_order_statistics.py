"""np.ptp, median, percentile, quantile and average in compiled code
(lib/order_statistics.py) against NumPy, bit for bit: int64, int8 (ptp
wraps), float64, float32 (results in float32), NaNs, empty and
non-contiguous arrays, scalar and array q, weights=; the errors; with leak
checks."""

import numpy as np
import pytest

import ember
from ember.errors import TypingError
from ember.runtime import stats

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's empty means
rng = np.random.default_rng(13)
Q = np.array([0.0, 12.5, 33.3, 50.0, 71.0, 100.0])


@pytest.fixture(autouse=True)
def no_leaks():
    before = stats().alive
    yield
    assert stats().alive == before, "compiled code leaked arrays"


def check(got, want):
    assert len(got) == len(want)
    for k, (g, w) in enumerate(zip(got, want)):
        if isinstance(w, np.ndarray):
            np.testing.assert_array_equal(g, w, strict=True, err_msg=str(k))
        else:  # NumPy scalars come back as Python numbers, rounded to their dtype
            assert np.asarray(w).dtype.type(g) == w or np.isnan(g) and np.isnan(w), (k, g, w)


@ember.njit
def orders(a, q):
    return (np.ptp(a), np.ptp(a, 0), np.ptp(a, axis=-1), np.median(a), np.percentile(a, 40),
            np.percentile(a, q), np.quantile(a, 0.3), np.quantile(a, q / 100),
            np.percentile(a, 100), np.quantile(a, 0))


@pytest.mark.parametrize("a", [
    rng.standard_normal((5, 7)),
    rng.standard_normal((6, 8)).astype(np.float32)[::2, 1::2],
    rng.integers(-50, 50, (4, 5)),
    np.array([[-100, 100, 3], [7, 0, -128]], dtype=np.int8),
    np.array([[1.0, np.inf], [2.0, 3.0]]),
])
def test_orders(a):
    check(orders(a, Q), orders.py_func(a, Q))


def test_nans_give_nan():
    a = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]])
    check(orders(a, Q), orders.py_func(a, Q))


def test_even_and_odd_medians():
    @ember.njit
    def median(a):
        return np.median(a)
    for a in (np.arange(6.0), np.float32([1.1, 2.3, 0.7, 9.1]), np.array([np.inf, 1.0])):
        check((median(a),), (np.median(a),))
    assert np.isnan(median(np.zeros(0)))


def test_quantile_errors():
    with pytest.raises(ValueError, match=r"Percentiles must be in the range \[0, 100\]"):
        orders(np.ones((2, 2)), np.array([50.0, 101.0]))
    with pytest.raises(ValueError, match=r"Percentiles must be in the range \[0, 100\]"):
        orders(np.ones((2, 2)), np.array([np.nan]))

    @ember.njit
    def quantile(a, q):
        return np.quantile(a, q)
    with pytest.raises(ValueError, match=r"Quantiles must be in the range \[0, 1\]"):
        quantile(np.ones(3), -0.5)
    with pytest.raises(IndexError, match="index -1 is out of bounds for axis 0 with size 0"):
        quantile(np.zeros(0), 0.5)

    @ember.njit
    def nearest(a):
        return np.percentile(a, 50, method="nearest")
    with pytest.raises(TypingError, match=r"percentile\(\) does not support arguments"):
        nearest(np.ones(3))


@ember.njit
def averages(a, w):
    return np.average(a), np.average(a, 0), np.average(a, weights=w), np.average(a, 1, w), \
        np.average(a, axis=0, weights=w)


@pytest.mark.parametrize("a, w", [
    (rng.standard_normal((4, 6)), rng.random((4, 6))),
    (rng.standard_normal((4, 6)).astype(np.float32), rng.random((4, 6)).astype(np.float32)),
    (rng.integers(-9, 9, (6, 5))[::2], rng.integers(1, 4, (3, 5))),
])
def test_average(a, w):
    check(averages(a, w), averages.py_func(a, w))


def test_average_errors():
    with pytest.raises(ZeroDivisionError, match="Weights sum to zero"):
        averages(np.ones((2, 2)), np.array([[1.0, -1.0], [-1.0, 1.0]]))
    with pytest.raises(TypeError, match="Axis must be specified when shapes of a and weights"):
        averages(np.ones((2, 2)), np.ones((2, 3)))


@ember.njit
def orders_along(a, axis):
    return np.median(a, axis), np.percentile(a, 37.5, axis), np.quantile(a, 0.9, axis=axis)


@pytest.mark.parametrize("a", [
    rng.standard_normal((5, 8)),
    rng.standard_normal((4, 6, 5)).astype(np.float32)[:, ::2],
])
def test_along_an_axis(a):
    a.flat[3] = np.nan  # one lane gives NaN
    for axis in range(-1, a.ndim):
        got, want = orders_along(a, axis), orders_along.py_func(a, axis)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w, strict=True)
