"""Statements: loops, branches, returns, exceptions, tuples, calls between functions."""

import numpy as np
import pytest

import ember


def check(func, *args):
    compiled = ember.njit(func)
    assert compiled(*args) == func(*args)
    return compiled


def loops(n):
    total = 0
    i = 0
    while True:
        i += 1
        if i % 3 == 0:
            continue
        if i > n:
            break
        total += i
    for j in range(n, 0, -2):
        total -= j
    for j in range(2, 20, 3):
        if j == 14:
            break
        total += j * 2
    return total


def test_loops_with_break_continue_and_steps():
    for n in (0, 1, 7, 20):
        check(loops, n)


def first_divisor(n):
    """for ... else with a break in a nested if, a nested loop's own break
    (which must not skip the else) and a while ... else."""
    found = -1
    for d in range(2, n):
        for k in range(3):
            if k == 1:
                break  # the inner loop's: the outer else still runs
        if n % d == 0:
            found = d
            break
    else:
        found = 0
    steps = 0
    while steps < n:
        steps += 3
        if steps == 9:
            break
    else:
        steps = -steps
    return found, steps


def test_for_and_while_else_run_when_no_break():
    for n in (2, 3, 4, 9, 13, 25, 49):
        check(first_divisor, n)


def classify(x):
    if x < 0:
        return -1
    elif x == 0:
        return 0
    return 1


def test_early_and_multiple_returns():
    for x in (-2.5, 0, 3):
        check(classify, x)


def mixed_returns(x):
    if x > 0:
        return 1
    return 2.5


def test_returns_of_different_numeric_types_unify():
    compiled = ember.njit(mixed_returns)
    assert compiled(1) == 1.0 and isinstance(compiled(1), float)
    assert compiled(-1) == 2.5


def variable_changes_type(n):
    x = 0
    for i in range(n):
        x = x + 0.5 * i
    return x


def test_variable_int_then_float_unifies_to_float():
    compiled = check(variable_changes_type, 5)
    assert isinstance(compiled(5), float)


def tuples(a, b):
    t = (a, b, a + b)
    x, y, z = t
    u = t + (1.5,)
    a, b = b, a
    return t[0] + t[-1], (x, y, z), u[3], (a, b), len(u)


def test_tuple_build_index_unpack_swap_return():
    check(tuples, 2, 5)


def nested(n):
    count = 0
    for i in range(n):
        for j in range(i):
            if (i + j) % 2:
                continue
            count += 1
    return count


def test_nested_loops():
    check(nested, 10)


def loop_over_tuple():
    s = 0
    for v in (1, 2, 3):
        s += v
    return s


def test_for_over_tuple():
    check(loop_over_tuple)


def enumerate_zip(n):
    s = 0
    for i, v in enumerate(range(10, 10 + n)):
        s += i * v
    for a, b in zip(range(n), range(5, 100, 7)):
        s += a * b
    return s


def test_enumerate_and_zip():
    check(enumerate_zip, 6)


def raises(x):
    if x > 3:
        raise ValueError("x is too big")
    if x < 0:
        raise KeyError
    return x


def test_raise_reaches_caller_with_type_and_message():
    compiled = ember.njit(raises)
    assert compiled(2) == 2
    with pytest.raises(ValueError, match="x is too big"):
        compiled(5)
    with pytest.raises(KeyError):
        compiled(-1)


def asserts(x):
    assert x > 0, "must be positive"
    assert x < 100
    return x


def test_assert():
    compiled = ember.njit(asserts)
    assert compiled(5) == 5
    with pytest.raises(AssertionError, match="must be positive"):
        compiled(-1)
    with pytest.raises(AssertionError):
        compiled(200)


@ember.njit
def square(x):
    return x * x


@ember.njit
def add_default(a, b=10, c=0.5):
    return a + b * c


@ember.njit
def calls(x):
    return square(x) + add_default(x) + add_default(x, c=2) + add_default(1, 2, 3)


def test_calls_between_jitted_functions_with_defaults_and_keywords():
    assert calls(3) == calls.py_func(3)
    assert add_default(1, c=3) == 31
    assert add_default(a=2) == 7.0


@ember.njit
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def test_self_recursion():
    assert fib(20) == 6765


def helper_not_jitted(x):
    return x * 3 + 1


@ember.njit
def uses_plain_helper(x):
    return helper_not_jitted(x)


def test_plain_python_helpers_are_compiled_too():
    assert uses_plain_helper(4) == 13


SCALE = 3
TABLE = (1, 2, 3)


def test_globals_and_closures_frozen_at_compile_time():
    offset = 10

    @ember.njit
    def f(x):
        return x * SCALE + offset + TABLE[1]
    assert f(2) == 18
    offset = 1000  # noqa: F841 - closures are frozen: no effect after compiling


def walrus(n):
    total = 0
    while (n := n - 1) > 0:
        total += n
    return total


def test_named_expression():
    check(walrus, 6)


def by_ndim(a):
    if a.ndim == 1:
        return a[0]
    return a[0, 0]


def test_branches_on_ndim_are_decided_at_compile_time():
    import numpy as np

    compiled = ember.njit(by_ndim)
    assert compiled(np.arange(3.0)) == 0.0 and compiled(np.ones((2, 2))) == 1.0


def tuple_slices(a):
    t = (1, 2.5, 3)
    return a.shape[:-1], a.shape[1:], t[::2], t[-2:]


def test_tuple_slices_with_literal_bounds():
    import numpy as np

    a = np.zeros((2, 3, 4))
    assert ember.njit(tuple_slices)(a) == tuple_slices(a)


def by_kind(x):
    if isinstance(x, np.ndarray):
        return x.sum() * 1.0  # a scalar has no .sum(): this branch must not be typed for one
    elif isinstance(x, (bool, np.bool_)):
        return -1.0
    elif not isinstance(x, float):
        return x * 3.0
    return x * 2.0


def by_dtype(a):
    if a.dtype == np.int64:
        return (a ^ 1).sum() * 1.0  # bitwise: typed only for integer arrays
    elif a.dtype.type is np.float32 or a.dtype == "float16":
        return float(a.sum())
    elif a.ndim != 1:
        return -1.0
    return a.sum() * 2.0


@pytest.mark.parametrize("value", [np.arange(4.0), np.ones((2, 2), np.int32), 3, 2.5, True])
def test_isinstance_is_decided_by_types_and_prunes_branches(value):
    check(by_kind, value)


@pytest.mark.parametrize("dtype", ["i8", "f4", "f8", "i4", "c16"])
def test_dtype_tests_prune_the_branches_of_other_dtypes(dtype):
    check(by_dtype, np.arange(6).astype(dtype))
    check(by_dtype, np.arange(6).astype(dtype).reshape(2, 3))


def test_isinstance_of_an_undecidable_class_is_a_typing_error():
    @ember.njit
    def f(n):
        return isinstance(range(n), range)
    with pytest.raises(ember.errors.TypingError, match="isinstance"):
        f(3)


def nd_loops(a):
    s = 0.0
    for idx in np.ndindex(a.shape):
        s += a[idx] * (idx[0] + 1)
    for i, j in np.ndindex(2, 3):
        if j == 1:
            continue
        s += i * 10 + j
    for index, v in np.ndenumerate(a):
        if v > 7:
            break
        s += v * index[0] - index[-1]
    return s


@pytest.mark.parametrize("a", [
    np.arange(12.0).reshape(3, 4), np.arange(12.0).reshape(3, 4).T, np.arange(5.0),
    np.arange(24.0).reshape(2, 3, 4)[:, ::2], np.zeros((0, 3)), np.ones((2, 1, 2))])
def test_ndindex_and_ndenumerate_loops_equal_python(a):
    check(nd_loops, a)
