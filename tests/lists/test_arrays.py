"""Lists of arrays (items reference counted), and np.array/np.asarray of
lists against NumPy."""

import numpy as np
import pytest

import ember

from .helpers import check, same


def zeros_list(n):
    return [np.zeros(3) + i for i in range(n)]


def append_arrays(n):
    out = []
    for i in range(n):
        out.append(np.arange(i))
    out.pop(0)
    out.insert(1, np.ones(2, dtype=np.int64))
    total = 0
    for a in out:
        total += a.sum()
    return out, total


def arrays_through_operations(n):
    rows = [np.full(2, float(i)) for i in range(n)]
    both = rows + rows[::-1]
    both[0] = both[-1] * 10
    return both, len(both * 2)


@pytest.mark.parametrize("func", [zeros_list, append_arrays, arrays_through_operations])
def test_lists_of_arrays(func):
    check(func, 4)


@ember.njit
def stack(rows):
    total = np.zeros(rows[0].shape[0])
    for r in rows:
        total += r
    rows.append(total)
    return total


def test_list_of_arrays_argument_is_reflected():
    rows = [np.ones(3), np.arange(3.0)]
    total = stack(rows)
    assert len(rows) == 3 and rows[2] is not None and np.array_equal(rows[2], total)
    assert np.array_equal(total, [1.0, 2.0, 3.0])


def to_array(values):
    return np.array(values), np.asarray(values)


def to_array_dtype(values):
    return np.array(values, dtype=np.float32)


def nested_literal(x):
    return np.array([[1, 2], [3, x]]), np.array([[1.5, 2.5, 3.5]])


@pytest.mark.parametrize("values", [[1, 2, 3], [1.5, -2.0], [True, False], [1j, 2.0]])
def test_np_array_of_list_matches_numpy(values):
    check(to_array, values)
    check(to_array_dtype, values) if not isinstance(values[0], complex) else None


def test_np_array_of_nested_literal_is_2d():
    check(nested_literal, 4)
    check(nested_literal, 4.5)


def ragged(n):
    return np.array([[1, 2], [3] * n])


def test_ragged_nested_lists_are_a_value_error():
    with pytest.raises(ValueError):
        ember.njit(ragged)(3)
    assert same(ember.njit(ragged)(2), ragged(2))
