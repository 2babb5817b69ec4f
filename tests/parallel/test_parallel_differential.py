"""Differential: hypothesis-generated array expressions, compiled with and
without parallel=True over arrays large enough to be split across threads,
must give bit-identical results (elementwise values, sums, extrema)."""

import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ember
from ember.codegen.outline import PARALLEL_MIN_ELEMENTS
from lib.test_array_expressions import DTYPES, _array, _expressions, compile_source

ROWS = 2 * PARALLEL_MIN_ELEMENTS // 64
# Array-valued only: np.sum of a plain number is not compiled yet.
array_expressions = _expressions(3).filter(lambda pair: pair[1]).map(lambda pair: pair[0])
shapes = st.sampled_from([((ROWS, 64), (64,), (ROWS, 1)), ((4 * PARALLEL_MIN_ELEMENTS,), (1,), ()),
                          ((3, PARALLEL_MIN_ELEMENTS), (PARALLEL_MIN_ELEMENTS,), (3, 1))])


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=array_expressions, dtypes=st.tuples(*[st.sampled_from(DTYPES)] * 3), shape=shapes,
       seed=st.integers(0, 2**16))
def test_parallel_expressions_equal_serial(text, dtypes, shape, seed):
    rs = np.random.RandomState(seed)
    a, b, c = (_array(rs, s, d) for s, d in zip(shape, dtypes))
    func = compile_source(
        f"def f(a, b, c):\n    x = {text}\n    return x, np.sum(x), np.max(x), np.sum({text})\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            func(a, b, c)
        except (ValueError, TypeError, ZeroDivisionError, OverflowError):
            return  # NumPy refuses it: not compared here
        serial = ember.njit(func)(a, b, c)
        parallel = ember.njit(parallel=True)(func)(a, b, c)
    np.testing.assert_array_equal(parallel[0], serial[0], err_msg=text)
    for got, want in zip(parallel[1:], serial[1:]):
        assert got == want or (np.isnan(got) and np.isnan(want)), (text, dtypes, got, want)
