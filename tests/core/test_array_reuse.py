"""`x = <array expression>` computes into the array x holds when nothing else
can see it (codegen/lazy.materialize_reusing): one allocation instead of one
per iteration, and never a change anyone can observe."""

import numpy as np
import pytest

import ember
from ember.runtime import stats


@pytest.fixture(autouse=True)
def no_leaks():
    before = stats().alive
    yield
    assert stats().alive == before, "compiled code leaked arrays"


def allocations(func, *args):
    before = stats().allocs
    result = func(*args)
    return result, stats().allocs - before


@ember.njit
def logistic(x, r, steps):
    for _ in range(steps):
        x = r * x * (1.0 - x)
    return x


def test_a_dying_array_is_reused():
    x = np.random.default_rng(0).random(1000)
    original = x.copy()
    got, count = allocations(logistic, x, 3.7, 20)
    np.testing.assert_array_equal(got, logistic.py_func(original, 3.7, 20))
    np.testing.assert_array_equal(x, original)  # the caller's array is never written
    assert count == 1


def keeps_alias(x):
    x = x * 1.0
    y = x
    x = x * 2.0
    return x, y


def keeps_view(x):
    x = x * 1.0
    v = x[1:]
    x = x * 2.0
    return x, v


def keeps_tuple(x):
    x = x * 1.0
    t = (x, 0)
    x = x + 1.0
    return x, t[0]


def reversed_operand(x):
    x = x * 1.0
    x = x + x[::-1]
    return x, x


def other_shape(x):
    x = x * 1.0
    x = x[:3] * 2.0
    return x, x


def broadcast_row(m):
    m = m * 1.0
    m = m + m[0]
    return m, m


@pytest.mark.parametrize("func", [keeps_alias, keeps_view, keeps_tuple, reversed_operand,
                                  other_shape])
def test_arrays_others_can_see_are_not_overwritten(func):
    x = np.arange(6.0)
    for got, want in zip(ember.njit(func)(x), func(np.arange(6.0))):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(x, np.arange(6.0))


def test_an_operand_broadcast_from_the_same_array_is_read_first():
    m = np.arange(12.0).reshape(3, 4)
    for got, want in zip(ember.njit(broadcast_row)(m), broadcast_row(m)):
        np.testing.assert_array_equal(got, want)


def reassigned_while_iterated(x):
    x = x * 1.0
    total = 0.0
    for v in x:
        total += v
        x = x * 2.0
    return total, x


def reassigned_while_enumerated(x):
    x = x + 0.0
    total = 0.0
    for i, v in enumerate(x):
        total += i * v
        x = x * 3.0
        if total > 100.0:
            return total, x
    return total, x


@pytest.mark.parametrize("func", [reassigned_while_iterated, reassigned_while_enumerated])
def test_a_loop_keeps_the_array_it_iterates_over(func):
    x = np.arange(6.0)
    for got, want in zip(ember.njit(func)(x), func(np.arange(6.0))):
        np.testing.assert_array_equal(got, want)
