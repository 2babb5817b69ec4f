"""np.isclose, np.allclose and np.array_equal in compiled code (lib/logic.py)
against NumPy: ints, floats (float32 compared in float32), bools, NaN and
inf, broadcasting, keywords; with leak checks."""

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


@ember.njit
def closeness(a, b):
    return (np.isclose(a, b), np.isclose(a, b, equal_nan=True), np.isclose(a, b, 0.01, 0.5),
            np.isclose(a, b, atol=0.0, rtol=1e-3), np.allclose(a, b),
            np.allclose(a, b, equal_nan=True), np.allclose(a, b, rtol=0.5, atol=1.0),
            np.array_equal(a, b), np.array_equal(a, b, equal_nan=True))


def check(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if isinstance(w, np.ndarray):
            np.testing.assert_array_equal(g, w, strict=True)
        else:
            assert g == w and isinstance(g, (bool, np.bool_)), (g, w)


SPECIAL = np.array([0.0, 1.0, np.nan, np.inf, -np.inf, 1e-9, 1.0 + 1e-6, 3.0, np.nan, 2.0])


@pytest.mark.parametrize("a, b", [
    (SPECIAL, SPECIAL),
    (SPECIAL, SPECIAL[::-1].copy()),
    (SPECIAL, SPECIAL + 1e-7),
    (SPECIAL.reshape(2, 5), SPECIAL.reshape(2, 5)[::-1]),     # non-contiguous
    (np.array([]), np.array([])),
])
def test_floats(a, b):
    check(closeness(a, b), closeness.py_func(a, b))


def test_float32_tolerances_in_float32():
    rng = np.random.default_rng(1)
    a = rng.random(200).astype(np.float32)
    b = (a * (1 + rng.choice([-1, 1], 200) * np.float32(1e-5))).astype(np.float32)
    check(closeness(a, b), closeness.py_func(a, b))


def test_ints_bools_and_broadcasting():
    a = np.arange(-3, 9).reshape(3, 4)
    check(closeness(a, a[0]), closeness.py_func(a, a[0]))
    check(closeness(a, a * 1.0 + 0.4), closeness.py_func(a, a * 1.0 + 0.4))
    bools = np.array([True, False, True])
    check(closeness(bools, bools[::-1]), closeness.py_func(bools, bools[::-1]))


def test_numbers():
    @ember.njit
    def numbers(x, y):
        return np.isclose(x, y), np.allclose(x, y), np.isclose(x, y, equal_nan=True), \
            np.array_equal(x, y)
    for x, y in [(1.0, 1.0 + 1e-9), (np.nan, np.nan), (1.0, 1.1), (np.inf, np.inf)]:
        assert numbers(x, y) == tuple(bool(v) for v in numbers.py_func(x, y))


def test_array_equal_shapes():
    @ember.njit
    def equal(a, b, c):
        return np.array_equal(a, b), np.array_equal(a, c), np.array_equal(a, a[:1])
    a = np.ones((2, 3))
    assert equal(a, np.ones((3, 2)), np.ones(6)) == (False, False, False)
    assert equal(a, np.ones((2, 3), np.int64), a[None]) == (True, False, False)


def test_unsupported_arguments():
    @ember.njit
    def bad(a):
        return np.isclose(a, a, equal_nan=1.5)
    with pytest.raises(TypingError, match=r"isclose\(\) does not support arguments"):
        bad(np.ones(2))
