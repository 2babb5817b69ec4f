"""Functions defined inside compiled functions (lambda-lifted: the enclosing
variables they read are passed at each call), against the same code run by
Python."""

import numpy as np
import pytest

import ember


def check(func, *args):
    assert ember.njit(func)(*args) == func(*args)


def closures_see_values_at_call_time(a, k):
    scale = 2.0

    def weight(x, p=2):
        return scale * x ** p + k

    def total(arr):  # calls a sibling: receives what the sibling reads
        s = 0.0
        for v in arr:
            s += weight(v)
        return s
    first = total(a)
    scale = 10.0
    return first + weight(1.0, p=3) + weight(x=2.0)


def recursion(n):
    def fact(m):
        if m <= 1:
            return 1
        return m * fact(m - 1)
    return fact(n)


def nested(n):
    offset = 3

    def outer(x):
        def inner(y):
            return y + offset  # read two levels up
        return inner(x) * 2
    total = 0
    for i in range(n):
        total += outer(i)
    return total


def shadowing(x):
    y = 100

    def f(y):  # the parameter, not the enclosing y
        z = y * 2  # a local of f
        return z
    z = 5
    return f(x) + y + z


def defined_in_a_loop(n):
    acc = 0
    for i in range(n):
        def step(v):
            return v + i  # noqa: B023 (the value of i at the call, as in Python)
        acc = step(acc)
    return acc


@pytest.mark.parametrize("func, args", [
    (closures_see_values_at_call_time, (np.arange(4.0), 1)),
    (recursion, (10,)), (nested, (5,)), (shadowing, (7,)), (defined_in_a_loop, (6,))])
def test_inner_functions_equal_python(func, args):
    check(func, *args)


def returns_the_function(n):
    def sq(x):
        return x * x
    return sq


def decorated(n):
    @staticmethod
    def f(x):
        return x
    return f(n)


def star_args(n):
    def f(*xs):
        return len(xs)
    return f(n)


def assigns_nonlocal(n):
    total = 0

    def add(x):
        nonlocal total
        total += x
    add(n)
    return total


@pytest.mark.parametrize("func, message", [
    (returns_the_function, "can only be called"), (decorated, "decorated"),
    (star_args, "plain parameters"), (assigns_nonlocal, "nonlocal")])
def test_unsupported_inner_functions_are_clear_errors(func, message):
    with pytest.raises(ember.errors.UnsupportedError, match=message):
        ember.njit(func)(3)
