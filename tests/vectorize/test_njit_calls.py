"""Calling vectorized functions from compiled code: the scalar kernel on
scalars, elementwise (fused) on arrays; results as the Python kernel gives."""

import numpy as np

import ember


@ember.vectorize
def shifted_square(x, y):
    return (x - y) * (x - y)


@ember.vectorize(["float64(float64)", "int64(int64)"])
def halve(x):
    return x / 2 if x > 0 else x


def test_scalars_and_arrays_in_njit():
    @ember.njit
    def use(a, b, s):
        return shifted_square(a, b) + halve(s), shifted_square(s, 1.5), halve(a)
    a, b = np.arange(6.0), np.linspace(0, 1, 6)
    arrays, scalar, halves = use(a, b, 3.0)
    np.testing.assert_array_equal(arrays, (a - b) ** 2 + 1.5)
    assert scalar == shifted_square.py_func(3.0, 1.5)
    np.testing.assert_array_equal(halves, a / 2)


def test_integer_arrays_and_broadcasting():
    @ember.njit
    def use(a, row):
        return shifted_square(a, row)
    a, row = np.arange(12).reshape(3, 4), np.arange(4)
    got = use(a, row)
    np.testing.assert_array_equal(got, (a - row) ** 2)
    assert got.dtype == np.int64


def test_in_a_loop():
    @ember.njit
    def total(a):
        s = 0.0
        for x in a:
            s += halve(x)
        return s
    a = np.linspace(-3, 3, 11)
    assert total(a) == sum(x / 2 if x > 0 else x for x in a.tolist())
