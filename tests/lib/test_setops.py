"""np.unique and np.isin in compiled code (lib/setops.py) against NumPy:
ints, floats with NaNs (one NaN in unique, NaN never `in`), bools, empty
and non-contiguous arrays, invert=; with leak checks."""

import numpy as np
import pytest

import ember
from ember.runtime import stats

rng = np.random.default_rng(5)


@pytest.fixture(autouse=True)
def no_leaks():
    before = stats().alive
    yield
    assert stats().alive == before, "compiled code leaked arrays"


@ember.njit
def sets(a, b):
    return np.unique(a), np.isin(a, b), np.isin(a, b, invert=True), np.isin(b, a)


def check(got, want):
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w, strict=True)


@pytest.mark.parametrize("a, b", [
    (rng.integers(-3, 4, (4, 5)), rng.integers(0, 6, 7)),
    (rng.integers(-3, 4, (6, 5))[::2, ::-1], rng.integers(0, 6, (2, 2))),
    (np.zeros((0, 2), np.int64), rng.integers(0, 3, 4)),
])
def test_ints(a, b):
    check(sets(a, b), sets.py_func(a, b))


def test_floats_with_nans():
    a = np.array([[2.5, np.nan, -np.inf], [np.nan, 2.5, 0.0], [-0.0, 1.0, np.inf]])
    b = np.array([np.nan, 0.0, np.inf, 7.0])
    check(sets(a, b), sets.py_func(a, b))


def test_bools_and_mixed_dtypes():
    a = rng.random(9) < 0.5
    check(sets(a, np.array([True])), sets.py_func(a, np.array([True])))

    @ember.njit
    def mixed(a, b, x):
        return np.isin(a, b), np.isin(x, b), np.isin(x, b, invert=True)
    a, b = rng.integers(0, 5, 8), np.array([1.0, 2.5, 4.0])
    got, want = mixed(a, b, 4), mixed.py_func(a, b, 4)
    np.testing.assert_array_equal(got[0], want[0], strict=True)
    assert got[1:] == (True, False)  # NumPy: 0-d arrays


def test_unique_with_index_inverse_counts():
    @ember.njit
    def parts(a):
        return (np.unique(a, return_counts=True), np.unique(a, True, True, True),
                np.unique(a, return_inverse=True), np.unique(a, return_index=False))
    for a in (np.array([[3.0, 1.0], [1.0, np.nan]]), np.array([np.nan, 1.0, np.nan, -0.0, 0.0]),
              rng.integers(0, 4, (3, 5)).astype(np.float64)[:, ::2], np.zeros((0, 2))):
        got, want = parts(a), parts.py_func(a)
        for g, w in zip(got[:3], want[:3]):
            for gg, ww in zip(g, w):
                np.testing.assert_array_equal(gg, ww, strict=True)
        np.testing.assert_array_equal(got[3], want[3], strict=True)
