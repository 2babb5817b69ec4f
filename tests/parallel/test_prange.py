"""prange under parallel=True: every result equals the serial compilation's."""

import numpy as np
import pytest

import ember


def both(func):
    """The function compiled with and without parallel=True."""
    return ember.njit(parallel=True)(func), ember.njit(func)


def reductions(a):
    total = 0.0
    product = 1.0
    count = 0
    smallest = 1e300
    largest = -1e300
    bits = 0
    mask = -1
    down = 100.0
    for i in ember.prange(a.shape[0]):
        x = a[i]
        total += x
        product *= 1.0 + x / 1000.0
        count += 1
        smallest = min(smallest, x)
        largest = max(largest, x)
        bits |= i
        mask &= ~(i & 4)
        down -= x
    return total, product, count, smallest, largest, bits, mask, down


@pytest.mark.parametrize("n", [0, 1, 7, 1000])
def test_every_reduction_kind_equals_serial(n):
    parallel, serial = both(reductions)
    a = np.random.RandomState(n).rand(n) * 10
    got, want = parallel(a), serial(a)
    assert got[2:7] == want[2:7]
    assert got[0] == pytest.approx(want[0], rel=1e-12)  # sums may be reordered
    assert got[7] == pytest.approx(want[7], rel=1e-12)  # `down -= x` is a float sum too
    assert got[1] == pytest.approx(want[1], rel=1e-12)
    assert got[0] == pytest.approx(np.sum(a), rel=1e-12)
    assert parallel.overloads[next(iter(parallel.overloads))].typed.parallel_loops


def distinct_writes(out):
    for i in ember.prange(out.shape[0]):
        v = i * 3
        out[i] = v * v + 1


def test_distinct_element_writes_are_bit_identical():
    parallel, serial = both(distinct_writes)
    a, b = np.zeros(10_001), np.zeros(10_001)
    for _ in range(20):
        parallel(a)
        serial(b)
        np.testing.assert_array_equal(a, b)


def raises(a):
    s = 0
    for i in ember.prange(len(a)):
        if a[i] > 5:
            raise ValueError("element too big")
        s += a[i]
    return s


def test_exception_inside_parallel_body_reaches_caller():
    parallel, _ = both(raises)
    assert parallel(np.arange(5)) == 10
    with pytest.raises(ValueError, match="element too big"):
        parallel(np.arange(10))
    assert parallel(np.arange(4)) == 6  # the runtime survives


def dependent(a):
    last = 0.0
    for i in ember.prange(len(a)):
        a[i] = a[i] + last  # reads the previous iteration: must stay serial
        last = a[i]
    return last


def test_loop_carried_dependence_stays_serial():
    parallel, serial = both(dependent)
    a, b = np.arange(6.0), np.arange(6.0)
    assert parallel(a) == serial(b)
    np.testing.assert_array_equal(a, b)
    assert not parallel.overloads[next(iter(parallel.overloads))].typed.parallel_loops


def nested(n):
    out = np.zeros((n, n))
    for i in ember.prange(n):
        for j in ember.prange(n):
            out[i, j] = i * n + j
    return out


def test_nested_prange_outer_parallel_inner_serial():
    parallel, serial = both(nested)
    np.testing.assert_array_equal(parallel(7), serial(7))


def test_prange_without_parallel_is_range():
    @ember.njit
    def f(n):
        s = 0
        for i in ember.prange(n):
            s += i
        return s
    assert f(10) == 45


def private_arrays(a):
    total = 0.0
    for i in ember.prange(a.shape[0]):
        row = a[i] * 2.0
        total += np.sum(row)
    return total


def test_private_array_temporaries():
    parallel, serial = both(private_arrays)
    a = np.random.RandomState(0).rand(50, 4)
    assert parallel(a) == pytest.approx(serial(a), rel=1e-12)


def escape_time(width, height):
    """Privates first assigned inside inner loops (Numba privatises these too)."""
    out = np.zeros((height, width), np.int64)
    for row in ember.prange(height):
        ci = -1.5 + 3.0 * row / height
        for col in range(width):
            zr = 0.0
            zi = 0.0
            k = 0
            while k < 50 and zr * zr + zi * zi <= 4.0:
                zr, zi = zr * zr - zi * zi - 2.0 + 3.0 * col / width, 2.0 * zr * zi + ci
                k += 1
            out[row, col] = k
    return out


def test_variables_assigned_in_inner_loops_are_private():
    parallel, serial = both(escape_time)
    np.testing.assert_array_equal(parallel(40, 30), serial(40, 30))
    assert parallel.overloads[next(iter(parallel.overloads))].typed.parallel_loops


def carried_through_inner_loop(n):
    out = np.zeros(n)
    for i in ember.prange(n):
        for j in range(2):
            if i > 0 and j == 0:
                out[i] = last  # noqa: F821 - the previous iteration's value
            last = i * 10.0 + j  # noqa: F841 - read in the next iteration
    return out


def test_value_carried_from_previous_iteration_stays_serial():
    parallel, serial = both(carried_through_inner_loop)
    np.testing.assert_array_equal(parallel(100), serial(100))
    assert not parallel.overloads[next(iter(parallel.overloads))].typed.parallel_loops


def thread_ids(n):
    seen = np.zeros(n, np.int64)
    total = 0
    for i in ember.prange(n):
        seen[i] = ember.get_thread_id()
        total += i
    return seen, total, ember.get_num_threads()


@pytest.mark.skipif(ember.config.NUM_THREADS < 2, reason="needs 2 or more threads")
def test_thread_count_changes_take_effect_between_calls():
    parallel = ember.njit(parallel=True)(thread_ids)
    try:
        ember.set_num_threads(1)
        seen, total, count = parallel(10_000)
        assert count == 1 and set(seen) == {0} and total == sum(range(10_000))
        ember.set_num_threads(2)
        seen, total, count = parallel(10_000)
        assert count == 2 and set(seen) <= {0, 1} and total == sum(range(10_000))
    finally:
        ember.set_num_threads(ember.config.NUM_THREADS)


def test_one_thread_gives_the_serial_result():
    parallel, serial = both(reductions)
    a = np.random.RandomState(3).standard_normal(5000)
    try:
        ember.set_num_threads(1)
        assert parallel(a) == serial(a)
    finally:
        ember.set_num_threads(ember.config.NUM_THREADS)


def fill_squares(out):
    for i in ember.prange(out.shape[0]):
        out[i] = i * i
    return out.sum()


def test_parallel_function_called_from_several_python_threads():
    import threading

    parallel = ember.njit(parallel=True)(fill_squares)
    expected = sum(i * i for i in range(20_000))
    results, errors = [], []

    def worker():
        try:
            for _ in range(20):
                results.append(parallel(np.zeros(20_000, np.int64)))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and results == [expected] * 80


def test_exceptions_on_every_thread_leave_the_pool_usable():
    parallel = ember.njit(parallel=True)(raises)
    for _ in range(5):
        with pytest.raises(ValueError, match="element too big"):
            parallel(np.tile(np.arange(10), 10_000))  # raises in every chunk
    assert parallel(np.ones(100_000, np.int64)) == 100_000


def column_totals(x):
    acc = np.zeros(x.shape[1], x.dtype)
    for i in ember.prange(x.shape[0]):
        acc += x[i]
    return acc


def scaled_totals(x, limit):
    acc = np.ones(x.shape[1])
    for i in ember.prange(x.shape[0]):
        if x[i, 0] > limit:
            raise ValueError("row over the limit")
        acc -= 2.0 * x[i]
    return acc


def test_whole_array_reductions_equal_serial():
    from ember.runtime import stats

    parallel, serial = both(column_totals)
    ints = np.random.RandomState(6).randint(-1000, 1000, (5000, 7))
    np.testing.assert_array_equal(parallel(ints), serial(ints))  # exact in integers
    floats = np.random.RandomState(7).rand(5000, 7)
    np.testing.assert_allclose(parallel(floats), serial(floats), rtol=1e-12)
    parallel, serial = both(scaled_totals)
    np.testing.assert_allclose(parallel(floats, 2.0), serial(floats, 2.0), rtol=1e-12)
    before = stats()
    with pytest.raises(ValueError, match="over the limit"):
        parallel(floats, 0.5)
    after = stats()
    assert after.allocs - before.allocs == after.frees - before.frees  # partials released


def float_sum(a):
    total = 0.0
    for i in ember.prange(a.shape[0]):
        total += a[i]
    return total


def test_float_sum_reordering_stays_within_the_documented_bound():
    # With several threads a float sum is reassociated (per-thread partials,
    # vector lanes): within n * eps * sum(|x|) of the exact sum. One thread
    # keeps the serial order.
    import math

    parallel, serial = both(float_sum)
    a = np.random.RandomState(8).standard_normal(1_000_003) * 1e3
    exact = math.fsum(a)
    bound = len(a) * np.finfo(float).eps * np.abs(a).sum()
    assert abs(parallel(a) - exact) <= bound
    try:
        ember.set_num_threads(1)
        assert parallel(a) == serial(a)
    finally:
        ember.set_num_threads(ember.config.NUM_THREADS)


def shifted_copy(src, dst, offset):
    for i in ember.prange(src.shape[0]):
        dst[i + offset] = src[i]  # not the loop index itself: checked per element
        dst[i] += 1.0


def test_out_of_range_index_raises_like_serial():
    parallel, serial = both(sin_cos_into)
    a = np.linspace(0, 1, 5000)
    out_p, out_s = np.zeros(5000), np.zeros(5000)
    parallel(a, out_p)
    serial(a, out_s)
    np.testing.assert_array_equal(out_p, out_s)
    with pytest.raises(IndexError, match="out of bounds"):
        parallel(a, np.zeros(4999))  # the last chunk's index is out of range
    with pytest.raises(IndexError, match="out of bounds"):
        parallel(a, np.zeros(10))
    with pytest.raises(IndexError, match="out of bounds"):
        ember.njit(parallel=True)(shifted_copy)(a, np.zeros(5000), 1)


def sin_cos_into(a, out):
    for i in ember.prange(a.shape[0]):
        out[i] = np.sin(a[i]) + np.cos(a[i])


def test_variables_of_branches_pruned_by_types_need_no_privatising():
    def body(a, flag):
        out = np.zeros(a.shape[0])
        for i in ember.prange(a.shape[0]):
            if a.dtype == np.int64:  # decided by types: the branch below is never typed
                p = a[i] * 2
                out[i] = p
            else:
                out[i] = a[i] + flag
        return out
    parallel, serial = ember.njit(parallel=True)(body), ember.njit(body)
    a = np.arange(100000.0)
    assert np.array_equal(parallel(a, 1.5), serial(a, 1.5))
    assert np.array_equal(parallel(a, 1.5), body(a, 1.5))
