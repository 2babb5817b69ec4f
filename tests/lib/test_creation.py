"""Array creation in compiled code, compared with NumPy, with leak checks."""

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


def check(func, *args):
    got, want = ember.njit(func)(*args), func(*args)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
        assert np.asarray(g).dtype == np.asarray(w).dtype
    del got


def shapes(n):
    return (np.zeros(n), np.zeros((n, 2)), np.ones((2, n), dtype=np.int32),
            np.full(n, 3), np.full((n, n), 2.5, dtype=np.float32), np.empty(0),
            np.zeros(n, dtype=int), np.ones(n, dtype=complex), np.zeros(n, np.bool_),
            np.zeros((), np.float64))


def test_empty_zeros_ones_full():
    check(shapes, 3)


def likes(a):
    return (np.zeros_like(a), np.ones_like(a), np.full_like(a, 7), np.empty_like(a).shape,
            np.zeros_like(a, dtype=np.float32))


@pytest.mark.parametrize("a", [np.arange(6.0).reshape(2, 3), np.arange(4, dtype=np.int16),
                               np.ones((3, 2)).T])
def test_like_functions(a):
    check(likes, a)


def ranges(n):
    return (np.arange(n), np.arange(2, n), np.arange(n, 0, -2), np.arange(0.5, 3.0, 0.5),
            np.arange(1, n, dtype=np.float64), np.linspace(0, 1, n), np.linspace(-2, 3),
            np.linspace(0, 1, 5, endpoint=False), np.linspace(1, 2, 1))


@pytest.mark.parametrize("n", [0, 1, 7])
def test_arange_and_linspace(n):
    check(ranges, n)


def copies(a):
    b = a.copy()
    b[0, 0] = 100
    return b, np.copy(a[:, ::2]), a


def test_copy_is_independent():
    a = np.arange(12.0).reshape(3, 4)
    check(copies, a.copy())


def test_dtype_argument_forms():
    @ember.njit
    def forms(n):
        a = np.zeros(n, dtype="float32")
        b = np.zeros(n, np.int8)
        c = np.zeros(n, dtype=a.dtype)
        d = np.zeros(n, dtype=np.dtype("uint16"))
        return a, b, c, d
    got = forms(2)
    assert [x.dtype for x in got] == [np.float32, np.int8, np.float32, np.uint16]


def from_the_arrays_dtype(a, b):
    d = a.dtype
    scalar = d.type(3)
    return (np.full(2, a.dtype.type(7)), np.full(1, scalar / d.type(2)), np.zeros(3, a.dtype),
            np.ones((2, 2), dtype=d), b.astype(a.dtype), np.zeros(2, a.dtype.type),
            np.full_like(b, 4, dtype=a.dtype), np.full(2, a.dtype.type(b[1])))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int8, np.uint16, np.int64,
                                   np.complex64, np.bool_])
def test_the_arrays_dtype_as_type_and_argument(dtype):
    check(from_the_arrays_dtype, np.zeros(3, dtype), np.array([1.0, 2.0, 0.0]))


def test_full_takes_the_fill_values_dtype():
    def fills(a):
        return (np.full(2, a[0]), np.full(2, np.uint8(3)), np.full(2, 3), np.full(2, True),
                np.full((1, 2), np.float32(0.5)))
    check(fills, np.ones(2, np.int16))


def test_unknown_dtype_attribute_is_a_typing_error():
    @ember.njit
    def kind(a):
        return a.dtype.kind(1)
    with pytest.raises(TypingError, match="unknown attribute 'kind'"):
        kind(np.ones(2))


def test_negative_dimensions_raise_value_error():
    @ember.njit
    def bad(n):
        return np.zeros(n)
    with pytest.raises(ValueError, match="negative dimensions"):
        bad(-1)


def test_huge_allocation_raises_memory_error():
    @ember.njit
    def huge(n):
        return np.empty(n)
    with pytest.raises(MemoryError, match="cannot allocate"):
        huge(2**55)

    @ember.njit
    def overflowing(n):
        return np.empty((n, n))
    with pytest.raises(ValueError, match="array is too big"):
        overflowing(2**40)


def test_exceptions_free_arrays_on_the_way_out():
    @ember.njit
    def fails(n):
        a = np.zeros(n)
        b = np.ones((n, n))
        if n > 2:
            raise ValueError("boom")
        return a, b
    before = stats()
    with pytest.raises(ValueError):
        fails(5)
    after = stats()
    assert after.allocs - before.allocs == 2 and after.frees - before.frees == 2


def test_returned_arrays_are_freed_by_python():
    @ember.njit
    def make(n):
        return np.arange(n)
    before = stats()
    result = make(10)
    assert stats().alive == before.alive + 1
    del result
    assert stats().alive == before.alive


def test_many_calls_keep_memory_flat():
    @ember.njit
    def churn(n):
        total = 0.0
        for i in range(n):
            a = np.zeros(4)
            a[0] = i
            total += a[0]
        return total
    before = stats()
    for _ in range(100):
        churn(10_000)
    after = stats()
    assert after.allocs - before.allocs == 1_000_000
    assert after.alive == before.alive


def test_views_of_arguments_keep_their_base():
    @ember.njit
    def tail(a):
        return a[1:]
    a = np.arange(5.0)
    view = tail(a)
    assert view.base is a
    view[0] = 42
    assert a[1] == 42


def test_fused_reduction_of_a_window_allocates_nothing():
    @ember.njit
    def convolve2d(image, kernel):
        M, N = image.shape
        K, L = kernel.shape
        result = np.zeros((M - K + 1, N - L + 1))
        for i in range(result.shape[0]):
            for j in range(result.shape[1]):
                result[i, j] = np.sum(image[i:i + K, j:j + L] * kernel)
        return result
    image, kernel = np.random.rand(30, 40), np.random.rand(3, 3)
    before = stats().allocs
    got = convolve2d(image, kernel)
    assert stats().allocs - before == 1  # the result only
    np.testing.assert_allclose(got, convolve2d.py_func(image, kernel), rtol=1e-12)


def test_round_like_numpy():
    @ember.njit
    def rounds(a, b):
        return np.round(a), np.round(a, 2), np.around(a, -1), a.round(1), np.round(b)
    a = np.array([0.5, 1.5, 2.675, -12.345, 155.0])
    b = np.arange(5)
    for got, want in zip(rounds(a, b), rounds.py_func(a, b)):
        np.testing.assert_array_equal(got, want)
        assert got.dtype == want.dtype
