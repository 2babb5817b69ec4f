"""Scalar replacement of array temporaries (passes/virtual_arrays.py):
applied where safe, never changing results."""

from fractions import Fraction

import numpy as np
import pytest

import ember
from ember.runtime import stats


def virtual_of(dispatcher):
    return next(iter(dispatcher.overloads.values())).typed.virtual_arrays


@ember.njit
def compute_acceleration(pos, mass, G, softening):
    n = pos.shape[0]
    acc = np.zeros_like(pos)
    for i in range(n):
        for j in range(n):
            if i != j:
                dx = pos[j] - pos[i]
                r = np.sqrt(np.sum(dx**2) + softening**2)
                acc[i] += G * mass[j] * dx / r**3
    return acc


def test_nbody_temporaries_use_no_memory():
    rs = np.random.RandomState(0)
    pos, mass = rs.randn(40, 3), rs.rand(40)
    before = stats().allocs
    got = compute_acceleration(pos, mass, 1.0, 0.1)
    assert stats().allocs - before == 1  # only the result
    assert virtual_of(compute_acceleration) == {"dx"}
    want = compute_acceleration.py_func(pos, mass, 1.0, 0.1)
    np.testing.assert_allclose(got, want, rtol=1e-13)


def test_write_to_a_possibly_aliased_array_keeps_the_temporary():
    @ember.njit
    def f(a, b):
        d = a[1:] - a[:-1]
        b[0] = 100.0  # b may be a: d must be computed before this write
        return np.sum(d * 2)
    a = np.arange(5.0)
    assert f(a, a) == f.py_func(np.arange(5.0), np.arange(5.0))
    assert virtual_of(f) == set()


def test_reassigned_operand_keeps_the_temporary():
    @ember.njit
    def f(a):
        d = a * 2
        a = a + 1
        return np.sum(d + a)
    a = np.arange(4.0)
    assert f(a) == f.py_func(a)
    assert virtual_of(f) == set()


def test_non_elementwise_use_keeps_the_temporary():
    @ember.njit
    def f(a):
        d = a * 2
        return d[1] + np.sum(d)
    a = np.arange(4.0)
    assert f(a) == f.py_func(a)
    assert virtual_of(f) == set()


def test_writes_to_fresh_arrays_are_harmless():
    @ember.njit
    def f(a):
        out = np.zeros(a.shape[0])
        d = a * 3
        out[0] = 1.0
        out += d
        return out
    a = np.arange(4.0)
    np.testing.assert_array_equal(f(a), f.py_func(a))
    assert virtual_of(f) == {"d"}


@pytest.mark.parametrize("n", [2, 3, 5, 8])
def test_small_integer_powers_are_correctly_rounded(n):
    @ember.njit
    def power(x, k):
        if k == 2:
            return x**2
        if k == 3:
            return x**3
        if k == 5:
            return x**5
        return x**8
    for x in np.random.RandomState(n).uniform(-50, 50, 300):
        exact = float(Fraction(float(x)) ** n)
        assert power(float(x), n) == exact


def test_small_integer_powers_of_infinities_nan_and_overflow():
    @ember.njit
    def powers(x):
        return x**2, x**3, x**4, x**8
    for x in (np.inf, -np.inf, np.nan, 1e200, -1e200, 1e-200, 0.0, -0.0):
        with np.errstate(all="ignore"):
            want = tuple(np.float64(x) ** n for n in (2, 3, 4, 8))
        np.testing.assert_array_equal(powers(x), want)


def test_small_integer_powers_are_correctly_rounded_at_every_magnitude():
    @ember.njit
    def powers(x):
        return x**3, x**4, x**5, x**6, x**7, x**8
    rng = np.random.default_rng(3)
    for x in rng.standard_normal(400) * 10.0 ** rng.integers(-30, 30, 400):
        for n, got in zip(range(3, 9), powers(float(x))):
            if 1e-300 < abs(x) ** n < 1e300:
                assert got == float(Fraction(float(x)) ** n)
