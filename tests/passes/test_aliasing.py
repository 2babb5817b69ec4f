"""In-place assignments proved not to overlap what they read (passes/aliasing.py)
skip the run-time overlap check; every other one keeps NumPy's semantics."""

import numpy as np
import pytest

import ember
from ember.runtime import stats


@pytest.fixture(autouse=True)
def no_leaks():
    before = stats().alive
    yield
    assert stats().alive == before, "compiled code leaked arrays"


def disjoint_count(dispatcher):
    typed = next(iter(dispatcher.overloads.values())).typed
    return len(typed.disjoint_updates)


def check(func, *args, disjoint):
    jitted = ember.njit(func)
    np.testing.assert_array_equal(jitted(*args), func(*args))
    assert disjoint_count(jitted) == disjoint


def nbody(pos, mass):
    acc = np.zeros_like(pos)
    for i in range(pos.shape[0]):
        for j in range(pos.shape[0]):
            if i != j:
                dx = pos[j] - pos[i]
                acc[i] += mass[j] * dx / np.sum(dx * dx) ** 1.5
    return acc


def slices_of_arguments(x):
    out = np.empty(x.shape[0] - 1)
    out[:] = x[1:] - x[:-1]
    out += x[:-1]
    return out


def test_fresh_targets_updated_from_other_arrays():
    pos = np.random.default_rng(0).standard_normal((6, 3))
    check(nbody, pos, np.arange(1.0, 7.0), disjoint=1)
    check(slices_of_arguments, np.arange(8.0) ** 2, disjoint=2)


def shifted_view(n):
    a = np.arange(float(n))
    b = a[1:]
    a[:-1] += b
    return a


def reversed_copy(n):
    a = np.arange(float(n))
    v = a[::-1]
    a[:] = v
    return a


def through_a_loop(n):
    a = np.arange(float(n * 2)).reshape((n, 2))
    for row in a:
        a[n - 1] += row
    return a


def _tail(x):
    return x[1:]


tail = ember.njit(_tail)


def through_a_call(n):
    a = np.arange(float(n))
    a[:-1] = tail(a)
    return a


def through_a_tuple(n):
    a = np.arange(float(n))
    p, q = a[1:], a[:-1]
    a[:-1] = p + 0 * q
    return a


def through_walrus(n):
    a = np.arange(float(n))
    if (w := a[::-1])[0] > 0:
        a[:] = w
    return a


def reassigned_from_an_argument(x, flag):
    a = np.zeros(x.shape[0])
    if flag:
        a = x
    a[1:] += x[:-1]
    return a


def argument_target(x):
    x[1:] += x[:-1]
    return x


@pytest.mark.parametrize("func", [shifted_view, reversed_copy, through_a_loop, through_a_call,
                                  through_a_tuple, through_walrus])
def test_views_of_the_target_keep_numpy_semantics(func):
    check(func, 6, disjoint=0)


def test_targets_that_may_be_arguments_keep_numpy_semantics():
    jitted = ember.njit(reassigned_from_an_argument)
    for flag in (False, True):
        np.testing.assert_array_equal(jitted(np.arange(5.0), flag),
                                      reassigned_from_an_argument(np.arange(5.0), flag))
    assert disjoint_count(jitted) == 0
    x, y = np.arange(6.0), np.arange(6.0)
    np.testing.assert_array_equal(ember.njit(argument_target)(x), argument_target(y))
