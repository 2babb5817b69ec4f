"""Errors: Python's exceptions at run time, clear typing errors at compile
time naming the line."""

import inspect

import pytest

import ember
from ember.errors import TypingError

from .helpers import raises_same


def get(values, i):
    return values[i]


def put(values, i):
    values[i] = 0


def pop_empty(values):
    values.pop()
    return values.pop()


def pop_at(values, i):
    return values.pop(i)


def index_missing(values, x):
    return values.index(x)


def min_empty(n):
    values = [i for i in range(n)]
    return min(values)


@pytest.mark.parametrize("func,args", [
    (get, ([1, 2], 2)), (get, ([1, 2], -3)), (put, ([1.0], 1)), (put, ([1.0], -2)),
    (pop_empty, ([1],)), (pop_at, ([1, 2], 5)), (index_missing, ([1, 2], 3)),
    (index_missing, ([1.5], 2.5)), (min_empty, (0,)),
])
def test_run_time_errors_are_pythons(func, args):
    got, expected = raises_same(func, *args)
    if func in (get, put, pop_empty, pop_at, min_empty) or args[1] == 3:
        assert str(got) == str(expected)


def empty_never_appended():
    values = []
    return len(values)


def test_empty_list_with_unknown_item_type_names_the_line():
    with pytest.raises(TypingError, match="item type of the empty list") as info:
        ember.njit(empty_never_appended)()
    line = inspect.getsourcelines(empty_never_appended)[1] + 1
    assert f"line {line}," in str(info.value)


def returns_empty():
    return []


def test_returning_an_empty_list_is_a_typing_error():
    with pytest.raises(TypingError, match="empty list"):
        ember.njit(returns_empty)()


def mixed_literal(a):
    return [1, a]


def float_into_int_argument(values):
    values.append(1.5)


def lists_of_different_types(a, b):
    return a + b


def test_unsupported_mixes_are_typing_errors():
    with pytest.raises(TypingError, match="do not unify"):
        ember.njit(mixed_literal)((1, 2))
    with pytest.raises(TypingError, match="cannot store a value of type float64"):
        ember.njit(float_into_int_argument)([1, 2])
    with pytest.raises(TypingError, match="list.__add__"):
        ember.njit(lists_of_different_types)([1], [1.5])


def no_bounds_in_a_loop(values):
    total = 0
    for i in range(len(values) + 1):
        total += values[i]
    return total


def test_every_index_is_checked():
    raises_same(no_bounds_in_a_loop, [1, 2, 3])


def float_index(values):
    return values[1.5]


def misspelt_method(values):
    values.apend(1)


def test_typing_errors_name_the_problem():
    with pytest.raises(TypingError, match="list indices must be integers or slices, not "
                       "float64"):
        ember.njit(float_index)([1])
    with pytest.raises(TypingError, match=r"did you mean \.append\(\)"):
        ember.njit(misspelt_method)([1])
