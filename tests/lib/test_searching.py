"""np.count_nonzero, flatnonzero, argwhere, searchsorted and digitize in
compiled code (lib/searching.py) against NumPy: ints, floats with NaN,
bools, empty and non-contiguous arrays, both sides, sorter=, decreasing
bins and the errors; with leak checks."""

import numpy as np
import pytest

import ember
from ember.errors import TypingError
from ember.runtime import stats

rng = np.random.default_rng(3)


@pytest.fixture(autouse=True)
def no_leaks():
    before = stats().alive
    yield
    assert stats().alive == before, "compiled code leaked arrays"


def check(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if isinstance(w, np.ndarray):
            np.testing.assert_array_equal(g, w, strict=True)
        else:
            assert g == w, (g, w)


@ember.njit
def nonzeros(a):
    return np.count_nonzero(a), np.flatnonzero(a), np.argwhere(a)


@pytest.mark.parametrize("a", [
    rng.integers(-1, 2, (3, 4)),
    rng.integers(-1, 2, (4, 6))[::2, 1::2],
    np.zeros((0, 3), np.int64),
])
def test_nonzero_ints(a):
    check(nonzeros(a), nonzeros.py_func(a))


def test_nonzero_floats_and_bools():
    a = np.array([[0.0, np.nan], [-0.0, 2.5], [np.inf, 0.0]])
    check(nonzeros(a), nonzeros.py_func(a))
    b = rng.random(7) < 0.5
    check(nonzeros(b), nonzeros.py_func(b))


@ember.njit
def searches(a, v, shuffled, order):
    return (np.searchsorted(a, v), np.searchsorted(a, v, side="right"),
            np.searchsorted(a, v, "left"), a.searchsorted(v, side="right"),
            np.searchsorted(a, v[0]), np.searchsorted(a, v[-1], side="right"),
            np.searchsorted(shuffled, v, sorter=order))


@pytest.mark.parametrize("a, v", [
    (np.array([1.0, 2.0, 2.0, 2.0, 3.5, np.inf, np.nan]),
     np.array([2.0, np.nan, -np.inf, 0.5, 3.5, 9.0, np.inf])),
    (np.sort(rng.integers(0, 5, 40)), rng.integers(-1, 7, (3, 5)).astype(np.float64)),
    (np.array([], dtype=np.float64), np.array([1.0, np.nan])),
])
def test_searchsorted(a, v):
    permutation = rng.permutation(a.size)
    args = a, v, a[permutation], np.argsort(permutation)
    check(searches(*args), searches.py_func(*args))


def test_searchsorted_int_array_for_nan_finds_its_end():
    @ember.njit
    def find(a, x):
        return np.searchsorted(a, x), np.searchsorted(a, np.full(3, x))
    a = np.arange(5)
    check(find(a, np.nan), find.py_func(a, np.nan))


def test_searchsorted_bad_sorter_and_side():
    @ember.njit
    def with_sorter(a, s):
        return np.searchsorted(a, 1.0, sorter=s)
    with pytest.raises(ValueError, match="Sorter index out of range"):
        with_sorter(np.ones(3), np.array([0, 1, 5]))

    @ember.njit
    def bad_side(a):
        return np.searchsorted(a, 1.0, side="middle")
    with pytest.raises(TypingError, match=r"searchsorted\(\) does not support arguments"):
        bad_side(np.ones(3))


@ember.njit
def digitized(x, bins):
    return np.digitize(x, bins), np.digitize(x, bins, right=True), np.digitize(x[0], bins), \
        np.digitize(x, bins[::-1]), np.digitize(x, bins[::-1], True)


@pytest.mark.parametrize("x, bins", [
    (np.array([-1.0, 0.0, 0.5, 1.0, 2.5, 4.0, 10.0, np.nan]), np.array([0.0, 1.0, 1.0, 2.5, 4.0])),
    (rng.integers(-2, 8, (2, 6)).astype(np.float64), np.array([0.0, 2.0, 5.0])),
    (np.array([1.0, 2.0]), np.array([3.0, 3.0, 3.0])),
    (np.array([1.0]), np.zeros(0)),
])
def test_digitize(x, bins):
    check(digitized(x, bins), digitized.py_func(x, bins))


def test_digitize_ints():
    x, bins = rng.integers(-3, 12, 20), np.array([0, 3, 3, 9])
    check(digitized(x, bins), digitized.py_func(x, bins))


def test_digitize_rejects_unordered_bins():
    with pytest.raises(ValueError, match="bins must be monotonically increasing or decreasing"):
        digitized(np.ones(2), np.array([0.0, 2.0, 1.0]))
