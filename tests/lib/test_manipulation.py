"""Shape changes in compiled code (ember.lib.manipulation), compared with
NumPy: reshape (to and from 0-d arrays, -1, empty arrays) over C, F and
strided sources; with leak checks."""

import numpy as np
import pytest

import ember
from ember.errors import TypingError
from ember.runtime import stats


@pytest.fixture(autouse=True)
def no_leaks():
    before = stats().alive
    yield
    assert stats().alive == before, "compiled code leaked arrays"


def same(got, want):
    """Equal values, shapes and dtypes, item by item."""
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert isinstance(g, np.ndarray) == isinstance(w, np.ndarray), (g, w)
        assert np.shape(g) == np.shape(w) and np.asarray(g).dtype == np.asarray(w).dtype, (g, w)
        np.testing.assert_array_equal(g, w)


@ember.njit
def to_zero_d(a):
    return a.reshape(()), np.reshape(a, ()), a.reshape(1).reshape(())


@pytest.mark.parametrize("a", [
    np.array([5.0]), np.array([[7]], np.int16), np.ones((1, 1, 1), np.float32),
    np.array([True]), np.array([1 + 2j]),
    np.asfortranarray(np.full((1, 1), 3.5)),       # F layout
    np.arange(10.0)[3:4],                           # a slice: offset data
    np.arange(10)[::-7][1:2],                       # negative stride
    np.arange(20.0).reshape(4, 5)[1:2, ::7]])       # strided 2-D
def test_reshape_one_element_to_zero_d(a):
    same(to_zero_d(a), to_zero_d.py_func(a))


@ember.njit
def from_zero_d(a):
    b = a.reshape(())
    return b.reshape(1), b.reshape((1, 1)), b.reshape(-1), np.reshape(b, (1, -1, 1)), b.ravel()


def test_reshape_from_zero_d():
    for a in (np.array([[3]]), np.array([2.5], np.float32)):
        same(from_zero_d(a), from_zero_d.py_func(a))
    zero_d = np.array(4.0)
    same(from_zero_d(zero_d), from_zero_d.py_func(zero_d))


@ember.njit
def write_through(a):
    b = a.reshape(())
    b[()] = 5
    return a, b


def test_zero_d_reshape_is_a_view():
    got = write_through(np.array([[1.0]]))
    same(got, write_through.py_func(np.array([[1.0]])))
    del got


@ember.njit
def of_empty(a):
    return a.reshape((0,)), a.reshape((3, 0)), a.reshape((0, 1, 3)), np.reshape(a, (-1, 3))


def test_reshape_empty_arrays():
    a = np.zeros((0, 3))
    same(of_empty(a), of_empty.py_func(a))


@ember.njit
def flat_to_zero_d(a):
    return a.reshape(())


def test_reshape_to_zero_d_needs_one_element():
    for a in (np.ones(3), np.zeros(0)):
        with pytest.raises(ValueError, match=f"cannot reshape array of size {a.size}"):
            flat_to_zero_d(a)


@ember.njit
def no_shape(a):
    return a.reshape()


def test_reshape_without_a_shape_is_a_typing_error():
    with pytest.raises(TypingError, match=r"array.reshape\(\) does not support arguments"):
        no_shape(np.ones(1))
