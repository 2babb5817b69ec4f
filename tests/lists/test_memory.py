"""No leaks: lists created, grown, copied, returned, passed in and dropped on
exceptions release their blocks (ember.runtime.stats) and the arrays and
Python objects they hold."""

import gc
import sys

import numpy as np
import pytest

import ember
from ember.runtime import stats


@pytest.fixture(autouse=True)
def no_leaks():
    gc.collect()
    before = stats().alive
    yield
    gc.collect()
    assert stats().alive == before, "compiled code leaked memory"


@ember.njit
def grow_copy_drop(n):
    values = []
    for i in range(n):
        values.append(i)
    copied = values.copy() + values[1:] * 2
    values = [0]
    return len(copied)


@ember.njit
def arrays_grown_and_dropped(n):
    rows = [np.zeros(3) for _ in range(n)]
    for i in range(n):
        rows.append(np.ones(i))
    rows.pop()
    rows.insert(0, rows[-1])
    rows.clear()
    rows.append(np.zeros(2))
    return len(rows)


@ember.njit
def returned(n):
    return [np.arange(i) for i in range(n)], [[i] * i for i in range(n)]


@ember.njit
def raises_midway(n):
    rows = [np.zeros(4) for _ in range(n)]
    values = [1.0, 2.0]
    if n > 2:
        raise ValueError("midway")
    return len(rows) + len(values)


@ember.njit
def passed_in(rows, values):
    rows.append(np.ones(2))
    values.pop()
    return len(rows)


def test_growing_copying_dropping_frees_everything():
    assert grow_copy_drop(100) == 298
    assert arrays_grown_and_dropped(10) == 1


def test_returned_lists_keep_their_arrays_alive_until_python_drops_them():
    arrays, nested = returned(5)
    assert stats().alive >= 4
    assert [len(a) for a in arrays] == [0, 1, 2, 3, 4] and nested[3] == [3, 3, 3]
    del arrays, nested


def test_exceptions_drop_lists_and_their_items():
    with pytest.raises(ValueError):
        raises_midway(5)
    assert raises_midway(2) == 4


def test_arguments_are_released_and_python_objects_not_leaked():
    array = np.ones(3)
    rows = [array, np.zeros(3)]
    values = [1.5, 2.5, 3.5]
    count = sys.getrefcount(array)
    for _ in range(3):
        passed_in(rows, values)
        rows.pop()
    assert sys.getrefcount(array) == count
    assert values == []
    with pytest.raises(TypeError):
        passed_in([np.ones(2)], [1.5, "x"])


@ember.njit
def sum_rows(rows):
    return len(rows)


def test_a_miss_on_a_later_argument_releases_earlier_lists():
    sum_rows([[1.0, 2.0], [3.0]])
    # the second row cannot be a list of float64: the entry misses, releasing the first
    assert sum_rows([[1.0, 2.0], [3j]]) == 2


@ember.njit
def in_tuples(pair, rows):
    pair[0].append(1.0)
    return len(pair[0]) + len(rows[0][1])


def test_lists_inside_tuple_arguments_are_released():
    assert in_tuples(([1.0], 2), [(1, [1, 2]), (2, [3])]) == 4
