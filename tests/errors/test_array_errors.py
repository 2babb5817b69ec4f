"""Wrong input to array code: NumPy's run-time errors, clear compile-time errors."""

import numpy as np
import pytest

import ember
from ember.errors import TypingError


@ember.njit
def add(a, b):
    return a + b


def test_broadcast_mismatch_is_value_error():
    with pytest.raises(ValueError, match="could not be broadcast"):
        add(np.ones(3), np.ones(4))


def test_slice_assignment_shape_mismatch():
    @ember.njit
    def put(a, b):
        a[1:3] = b
    with pytest.raises(ValueError, match="broadcast"):
        put(np.zeros(5), np.ones(3))


def test_unsupported_pad_mode_names_the_modes():
    @ember.njit
    def pad(a):
        return np.pad(a, 1, mode="maximum")
    with pytest.raises(TypingError, match="maximum.*constant, edge, reflect"):
        pad(np.ones(3))


def test_wrong_dtype_argument():
    @ember.njit
    def make(n):
        return np.zeros(n, dtype="not a dtype")
    with pytest.raises(TypingError, match="dtype"):
        make(3)


def test_shape_must_be_integers():
    @ember.njit
    def make(n):
        return np.zeros(n)
    with pytest.raises(TypingError, match="numpy.zeros"):
        make(2.5)


def test_mask_shape_mismatch_is_index_error():
    @ember.njit
    def pick(a, m):
        return a[m]
    with pytest.raises(IndexError, match="boolean index did not match"):
        pick(np.arange(4.0), np.ones(3, dtype=np.bool_))


def test_integer_index_array_out_of_range():
    @ember.njit
    def take(a, i):
        return a[i]
    with pytest.raises(IndexError, match="out of bounds"):
        take(np.arange(4.0), np.array([0, 7]))


def test_in_place_float_into_int_array_is_a_typing_error():
    @ember.njit
    def bump(a):
        a += 0.5
    with pytest.raises(TypingError, match="same_kind"):
        bump(np.arange(3))


def test_reshape_size_mismatch():
    @ember.njit
    def shape(a):
        return a.reshape((4, 4))
    with pytest.raises(ValueError, match="cannot reshape array of size 6"):
        shape(np.arange(6))


def test_min_of_empty_array():
    @ember.njit
    def smallest(a):
        return a.min()
    with pytest.raises(ValueError, match="zero-size array"):
        smallest(np.zeros(0))
