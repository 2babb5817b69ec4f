"""Sorting in compiled code (lib/sorting.py) compared with NumPy on several
dtypes, shapes and layouts, NaNs and ties included, with leak checks.

ember's argsort is stable whatever `kind` says; NumPy's default quicksort may
order ties differently, so the default argsort is compared with NumPy's
kind='stable' everywhere and with NumPy's default only on inputs without ties.
"""

import numpy as np
import pytest

import ember
from ember.errors import TypingError
from ember.runtime import stats

rng = np.random.default_rng(7)


@pytest.fixture(autouse=True)
def no_leaks():
    before = stats().alive
    yield
    assert stats().alive == before, "compiled code leaked arrays"


def same(got, want):
    np.testing.assert_array_equal(got, want, strict=True)


@ember.njit
def sorts(a, axis):
    b = a.copy()
    b.sort(axis)
    c = a.copy()
    c.sort()
    return (np.sort(a), np.sort(a, axis), np.sort(a, None), np.sort(a, kind="quicksort"), b, c,
            np.argsort(a, axis, kind="stable"), a.argsort(None, kind="stable"),
            np.argsort(a, kind="stable"), np.argsort(a, axis))


def check_sorts(a, has_ties=True):
    """Along axis 0 and -1: the same compiled code (the axis is a runtime value)."""
    for axis in (0, -1):
        got = sorts(a, axis)
        want = sorts.py_func(a, axis)
        for g, w in zip(got[:-1], want[:-1]):
            same(g, w)
        same(got[-1], np.argsort(a, axis, kind="stable"))
        if not has_ties:
            same(got[-1], want[-1])


def with_nans(shape):
    values = rng.integers(0, 6, shape).astype(np.float64)
    values[rng.random(shape) < 0.2] = np.nan
    values[rng.random(shape) < 0.1] = -np.inf
    return values


# One signature per layout: int64 C, float64 Fortran-ordered, complex128 strided.
# Lengths past 16 exercise the merge passes (an odd number of passes at 100).
@pytest.mark.parametrize("shape", [(3, 40), (2, 100), (1, 1), (0, 3), (4, 0)])
def test_ints_with_ties(shape):
    check_sorts(rng.integers(0, 5, shape))


@pytest.mark.parametrize("shape", [(3, 40), (5, 7)])
def test_ints_without_ties_match_the_default_argsort(shape):
    check_sorts(rng.permutation(np.prod(shape)).reshape(shape), has_ties=False)


@pytest.mark.parametrize("shape", [(4, 50), (2, 3)])
def test_floats_with_nans_fortran_order(shape):
    check_sorts(np.asfortranarray(with_nans(shape)))


def test_bools_as_ints():
    check_sorts((rng.random((3, 20)) < 0.5).astype(np.int64))


def test_complex_with_nans_in_both_parts_strided():
    parts = np.array([0.0, 1.0, np.nan, -np.inf])
    with np.errstate(invalid="ignore"):
        a = (rng.choice(parts, (6, 60)) + 1j * rng.choice(parts, (6, 60)))[::2, ::2]
    check_sorts(a)


@ember.njit
def sort_in_place(a):
    a.sort()


def test_sort_method_sorts_a_strided_view_in_place():
    base = rng.integers(0, 9, (4, 50))
    a = base[::2, ::3]
    want = np.sort(a)
    sort_in_place(a)
    same(a, want)
    same(base[::2, ::3], want)


def test_axis_out_of_range_raises_axis_error():
    with pytest.raises(np.exceptions.AxisError, match="axis 2 is out of bounds for array of "
                       "dimension 2"):
        sorts(np.zeros((2, 2), np.int64), 2)


def sort_bad_kind(a):
    return np.sort(a, kind="bogus")


def sort_order(a):
    return np.sort(a, order="x")


def argsort_float_axis(a):
    return np.argsort(a, 1.5)


def sort_read_only(a):
    GLOBAL.sort()


GLOBAL = np.arange(3.0)


@pytest.mark.parametrize("func, message", [
    (sort_bad_kind, "sort kind must be one of 'quick', 'heap', or 'stable' .got 'bogus'."),
    (sort_order, "argument 'order' is not supported"),
    (argsort_float_axis, "argument 'axis' must be an int or None"),
    (sort_read_only, "read-only"),
])
def test_unsupported_arguments_are_typing_errors(func, message):
    with pytest.raises(TypingError, match=message):
        ember.njit(func)(np.ones(3))
