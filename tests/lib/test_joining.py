"""Joining and rearranging arrays in compiled code (lib/joining.py), compared
with NumPy on several dtypes, shapes and layouts, with leak checks. Each
wrapper is compiled once per signature and reused across shapes."""

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
    """Equal values, dtypes and shapes, through nested tuples."""
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            same(g, w)
        return
    np.testing.assert_array_equal(got, want, strict=True)


def check(jitted, *args):
    same(jitted(*args), jitted.py_func(*args))


# ---- concatenate, stack, vstack, hstack ------------------------------------------------

@ember.njit
def concat_axis(a, b, axis):
    return np.concatenate((a, b), axis)


@ember.njit
def joins(a, b):
    return (np.stack((a, b), axis=-1), np.concatenate((a, b)),
            np.concatenate((a, b), axis=None), np.concatenate((a, b, a), -1),
            np.concatenate((b,)), np.stack((a, a)), np.vstack((a, b)), np.hstack((a, b)),
            np.atleast_1d(a), np.atleast_2d(a), np.atleast_3d(a))


def ints_and_floats(shape_a, shape_b):
    """int64 with float64, both C-ordered (promoted to float64)."""
    a = np.arange(np.prod(shape_a), dtype=np.int64).reshape(shape_a)
    return a, np.arange(np.prod(shape_b), dtype=np.float64).reshape(shape_b) / 4


def strided_and_bool(shape_a, shape_b):
    """float32 strided with bool Fortran-ordered (promoted to float32)."""
    rows, cols = shape_a
    a = np.arange(4 * rows * cols, dtype=np.float32).reshape(2 * rows, 2 * cols)[::2, ::2]
    return a, np.asfortranarray(np.arange(np.prod(shape_b)).reshape(shape_b) % 3 == 0)


# Arrays with a dimension of length 0 or 1 are C-contiguous whatever their strides,
# so the layout variants use (3, 4) and (2, 3) shapes; the small shapes go through
# the C signature already compiled (one compile per signature keeps the file fast).
@pytest.mark.parametrize("make, rows", [(ints_and_floats, 3), (ints_and_floats, 1),
                                        (ints_and_floats, 0), (strided_and_bool, 3)])
def test_concatenate_along_each_axis(make, rows):
    for axis, shape_b in ((0, (2, 4)), (1, (rows, 2)), (-1, (rows, 2)), (-2, (2, 4))):
        a, b = make((rows, 4), shape_b)
        check(concat_axis, a, b, axis)


@pytest.mark.parametrize("make, shape", [(ints_and_floats, (2, 3)), (ints_and_floats, (1, 1)),
                                         (ints_and_floats, (0, 3)), (strided_and_bool, (2, 3))])
def test_stack_forms(make, shape):
    check(joins, *make(shape, shape))


@pytest.mark.parametrize("n", [0, 1, 5])
def test_one_dimensional_forms(n):
    check(joins, np.arange(n, dtype=np.int32), np.arange(n, dtype=np.complex128) * 1j)


def test_result_is_a_new_c_array():
    a, b = ints_and_floats((2, 3), (2, 3))
    got = concat_axis(a, b, 1)
    assert got.flags.c_contiguous and not np.shares_memory(got, a)


def test_concatenate_mismatched_shapes_raise_value_error():
    a, b = ints_and_floats((2, 3), (3, 2))
    with pytest.raises(ValueError, match="along dimension 1, the array at index 0 has size 3 "
                       "and the array at index 1 has size 2"):
        concat_axis(a, b, 0)


@pytest.mark.parametrize("axis", [2, -3])
def test_concatenate_axis_out_of_range_raises_axis_error(axis):
    a, b = ints_and_floats((2, 3), (2, 3))
    with pytest.raises(np.exceptions.AxisError, match=f"axis {axis} is out of bounds for array "
                       "of dimension 2"):
        concat_axis(a, b, axis)


def test_stack_of_different_shapes_raises_value_error():
    with pytest.raises(ValueError, match="all input arrays must have the same shape"):
        joins(*ints_and_floats((2, 3), (2, 4)))


def concat_ndims(a, b):
    return np.concatenate((a, b))


def concat_list(a, b):
    return np.concatenate(a)


def concat_scalars(a, b):
    return np.concatenate((a[0], b[0]))


def stack_axis_float(a, b):
    return np.stack((a, b), axis=1.5)


@pytest.mark.parametrize("func, message", [
    (concat_ndims, "the array at index 0 has 1 dimension"),
    (concat_list, "takes a tuple of arrays"),
    (concat_scalars, "takes a tuple of arrays"),
    (stack_axis_float, "'axis' must be an int"),
])
def test_unsupported_arguments_are_typing_errors(func, message):
    with pytest.raises(TypingError, match=message):
        ember.njit(func)(np.zeros(2), np.zeros((2, 2)))


# ---- repeat, tile, roll, flip ----------------------------------------------------------------

@ember.njit
def rearranged(a, counts):
    return (np.repeat(a, 2), np.repeat(a, 3, axis=0), np.repeat(a, counts, axis=-1),
            a.repeat(0), np.tile(a, 2), np.tile(a, (2, 1)), np.tile(a, (1, 2, 3)),
            np.roll(a, 1), np.roll(a, -4, axis=-1), np.roll(a, 7, 0),
            np.roll(a, (1, 2), axis=(0, -1)), np.flip(a), np.flip(a, 0), np.flip(a, -1),
            np.flip(a, (0, 1)), np.fliplr(a), np.flipud(a))


@ember.njit
def rearranged_1d(a, counts):
    return (np.repeat(a, 2), np.repeat(a, counts), np.tile(a, 3), np.tile(a, (2, 2)),
            np.roll(a, -1), np.roll(a, 3, axis=0), np.flip(a), np.flipud(a))


def layouts_2d(shape):
    """int64 C in every shape; float64 Fortran and bool strided where the shape keeps
    that layout."""
    rows, cols = shape
    base = np.arange(rows * cols).reshape(rows, cols)
    if min(shape) < 2:
        return (base,)
    strided = np.arange(4 * rows * cols).reshape(2 * rows, 2 * cols)[::2, ::2] % 3 == 1
    return base, np.asfortranarray(base * 0.5), strided


@pytest.mark.parametrize("shape", [(2, 3), (1, 1), (0, 3), (3, 0)])
def test_repeat_tile_roll_flip_2d(shape):
    for a in layouts_2d(shape):
        check(rearranged, a, np.arange(a.shape[1]) % 3)


@pytest.mark.parametrize("n", [0, 1, 5])
def test_repeat_tile_roll_flip_1d(n):
    a = (np.arange(n) * (1 - 2j))
    check(rearranged_1d, a, np.arange(n) % 2 + 1)
    check(rearranged_1d, a, np.array([2]))


def test_flip_returns_a_view():
    a = np.arange(6).reshape(2, 3)
    flipped = rearranged(a, np.ones(3, np.int64))[11]
    assert np.shares_memory(flipped, a)


@ember.njit
def repeat_counts(a, counts):
    return np.repeat(a, counts)


@ember.njit
def tile_by(a, n):
    return np.tile(a, (n, 2))


@pytest.mark.parametrize("call, message", [
    (lambda: repeat_counts(np.zeros(3), np.array([1, 2])),
     r"operands could not be broadcast together with shape \(3,\) \(2,\)"),
    (lambda: repeat_counts(np.zeros(2), np.array([1, -1])), "may not contain negative"),
    (lambda: rearranged_1d(np.zeros(2, complex), np.array([-1])), "may not contain negative"),
    (lambda: tile_by(np.zeros(2), -1), "negative dimensions are not allowed"),
])
def test_bad_counts_raise_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def fliplr_1d(a):
    return np.fliplr(a)


def tile_float(a):
    return np.tile(a, 1.5)


def roll_mismatch(a):
    return np.roll(a, (1, 2), axis=(0,))


@pytest.mark.parametrize("func, message", [
    (fliplr_1d, "Input must be >= 2-d"),
    (tile_float, "'reps' must be an int or a non-empty tuple of ints"),
    (roll_mismatch, "np.roll.. does not support"),
])
def test_rearranging_typing_errors(func, message):
    with pytest.raises(TypingError, match=message):
        ember.njit(func)(np.zeros(3))
