"""Array expressions outside loops under parallel=True: split across the
pool, and always equal to the serial compilation (and to NumPy)."""

import numpy as np
import pytest

import ember
from ember.codegen.outline import PARALLEL_MIN_ELEMENTS

BIG = 4 * PARALLEL_MIN_ELEMENTS


def both(func):
    return ember.njit(parallel=True)(func), ember.njit(func)


def splits(dispatcher):
    """Whether some compiled signature hands a loop to the thread pool."""
    return any("ember_parallel_for" in text for text in dispatcher.inspect_llvm().values())


def sin_plus_cos(a):
    return np.sin(a) + np.cos(a)


@pytest.mark.parametrize("shape", [(BIG,), (3, BIG // 3), (BIG // 7, 7), (5,), (0,)])
def test_elementwise_expression_equals_serial_and_numpy(shape):
    parallel, serial = both(sin_plus_cos)
    a = np.random.RandomState(0).standard_normal(shape)
    np.testing.assert_array_equal(parallel(a), serial(a))
    # ember's sin and cos are within 2 ulp of NumPy's, not always equal
    np.testing.assert_allclose(parallel(a), sin_plus_cos(a), rtol=0, atol=2e-15)
    assert splits(parallel) and not splits(serial)


def subtract_mean(data, mean):
    data -= mean
    return data


def test_broadcast_in_place_update():
    # Numba's parfors raise a TypingError on this one.
    parallel, serial = both(subtract_mean)
    data = np.random.RandomState(1).rand(BIG // 100, 100)
    mean = data.mean(axis=0)
    np.testing.assert_array_equal(parallel(data.copy(), mean), subtract_mean(data.copy(), mean))
    np.testing.assert_array_equal(parallel(data.copy(), mean), serial(data.copy(), mean))


def add_reversed(y, alpha, k):
    y[:k] += alpha * np.flip(y[:k])
    return y


def gauss_seidel_sweep(a):
    a[1:-1, 1:-1] = (a[:-2, 1:-1] + a[2:, 1:-1] + a[1:-1, :-2] + a[1:-1, 2:]
                     + a[1:-1, 1:-1]) / 5
    return a


def test_updates_that_read_what_they_write_keep_numpy_semantics():
    # Numba's parfors give wrong results on both (the operands overlap the target).
    parallel = ember.njit(parallel=True)(add_reversed)
    y = np.random.RandomState(2).rand(BIG)
    np.testing.assert_array_equal(parallel(y.copy(), 0.5, BIG - 5), add_reversed(y.copy(), 0.5,
                                                                                 BIG - 5))
    sweep = ember.njit(parallel=True)(gauss_seidel_sweep)
    a = np.random.RandomState(3).rand(400, 400)
    np.testing.assert_array_equal(sweep(a.copy()), gauss_seidel_sweep(a.copy()))


def test_results_do_not_depend_on_the_thread_count():
    parallel = ember.njit(parallel=True)(sin_plus_cos)
    a = np.linspace(-100, 100, BIG)
    try:
        ember.set_num_threads(1)
        one = parallel(a)
    finally:
        ember.set_num_threads(ember.config.NUM_THREADS)
    np.testing.assert_array_equal(parallel(a), one)


def test_array_expressions_inside_prange_run_on_their_thread():
    @ember.njit(parallel=True)
    def rows(a):
        out = np.zeros(a.shape[0])
        for i in ember.prange(a.shape[0]):
            out[i] = np.sum(np.sqrt(a[i] * a[i] + 1.0))
        return out
    a = np.random.RandomState(4).rand(50, BIG // 50)
    np.testing.assert_allclose(rows(a), np.sqrt(a * a + 1.0).sum(axis=1), rtol=1e-12)
    # Only the prange body goes to the pool: no loop inside it is outlined again.
    defined = [line for text in rows.inspect_llvm().values() for line in text.splitlines()
               if line.startswith("define")]
    assert not any(".split" in line for line in defined)


def moments(a):
    return a.sum(), np.mean(a), a.std(), np.var(a), np.sum(np.sqrt(np.abs(a)) * 2.0)


@pytest.mark.parametrize("n", [10, 1000, BIG, 1_000_003])
def test_float_reductions_equal_serial_and_numpy_bit_for_bit(n):
    # The split follows NumPy's pairwise halving, so even the rounding agrees.
    parallel, serial = both(moments)
    a = np.random.RandomState(n).standard_normal(n)
    assert parallel(a) == serial(a) == moments(a)
    assert splits(parallel)


def complex_sum(a):
    return a.sum()


def test_complex_sum_splits_bit_for_bit():
    parallel = ember.njit(parallel=True)(complex_sum)
    a = np.random.RandomState(5).standard_normal(BIG) * (1 - 2j)
    assert parallel(a) == complex_sum(a)
    try:
        ember.set_num_threads(1)
        assert parallel(a) == complex_sum(a)
    finally:
        ember.set_num_threads(ember.config.NUM_THREADS)


def integer_reductions(a):
    return (a.sum(), a.max(), a.min(), np.prod(a > -5), a.argmax(), np.any(a > 5000),
            np.all(a < 10**9), np.sum(a * 2 + 1))


def test_reductions_that_accumulate_never_race():
    parallel = ember.njit(parallel=True)(integer_reductions)
    a = np.random.RandomState(9).randint(-1000, 1000, 4 * BIG)
    expected = integer_reductions(a)
    for _ in range(10):
        assert parallel(a) == expected
