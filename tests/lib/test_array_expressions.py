"""Array expressions compiled by ember against NumPy: hypothesis generates
expression trees over arrays of several dtypes and broadcastable shapes, and
the compiled result must equal NumPy's in values, dtype and shape."""

import importlib.util
import itertools
import pathlib
import tempfile
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ember
from ember.runtime import stats

DTYPES = ["int32", "int64", "float32", "float64"]
BINARY = ["+", "-", "*", "/", "//", "%", "<", ">=", "==", "!="]
UNARY = ["-{}", "np.abs({})", "np.sqrt(np.abs({}))", "np.sin({})", "np.exp(-np.abs({}))",
         "np.floor({})", "np.square({})"]
FUNCTIONS = ["np.minimum({}, {})", "np.maximum({}, {})", "np.where({} > {}, 1.5, -2)"]
_counter = itertools.count()
_directory = pathlib.Path(tempfile.mkdtemp(prefix="ember_arrays_"))


def expressions(depth):
    """Expression texts. NumPy functions apply only to subexpressions holding an
    array: on a plain Python number NumPy returns a *strong* NumPy scalar (NEP 50),
    which ember's scalars do not model (see README)."""
    return _expressions(depth).map(lambda pair: pair[0])


def _expressions(depth):
    leaf = st.sampled_from([("a", True), ("b", True), ("c", True), ("2", False),
                            ("0.5", False), ("3", False)])
    if depth == 0:
        return leaf
    sub = _expressions(depth - 1)
    arrays = sub.filter(lambda pair: pair[1])
    binary = st.builds(lambda op, x, y: (f"({x[0]} {op} {y[0]})", x[1] or y[1]),
                       st.sampled_from(BINARY), sub, sub)
    unary = st.builds(lambda f, x: (f.format(x[0]), True), st.sampled_from(UNARY), arrays)
    calls = st.builds(lambda f, x, y: (f.format(x[0], y[0]), True),
                      st.sampled_from(FUNCTIONS), arrays, arrays)
    return st.one_of(leaf, binary, unary, calls)


def compile_expression(text):
    return compile_source(f"def f(a, b, c):\n    return {text}\n")


def compile_source(source):
    """Write `source` (defining f) to a real file: ember reads source through inspect."""
    path = _directory / f"expr_{next(_counter)}.py"
    path.write_text(f"import numpy as np\n\n\n{source}")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


shapes = st.sampled_from([((4,), (4,), ()), ((3, 4), (4,), (3, 1)), ((2, 1, 3), (4, 3), (1,)),
                          ((0,), (1,), ()), ((5,), (1,), (5,))])


@settings(max_examples=100, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(text=expressions(3), dtypes=st.tuples(*[st.sampled_from(DTYPES)] * 3), shape=shapes,
       seed=st.integers(0, 2**16))
def test_compiled_expressions_equal_numpy(text, dtypes, shape, seed):
    rs = np.random.RandomState(seed)
    a, b, c = (_array(rs, s, d) for s, d in zip(shape, dtypes))
    func = compile_expression(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            want = func(a, b, c)
        except (ValueError, TypeError, ZeroDivisionError, OverflowError):
            return  # NumPy refuses it (e.g. int ** negative int): not compared here
        before = stats().alive
        try:
            got = ember.njit(func)(a, b, c)
        except ember.errors.TypingError as exc:
            pytest.fail(f"{text} with {dtypes}: {exc}")
    want, got = np.asarray(want), np.asarray(got)
    rtol = 2e-6 if "float32" in dtypes else 1e-12
    if want.dtype == np.float16:  # ember has no float16: float32 instead (README)
        want, rtol = want.astype(np.float32), 1e-3
    assert got.dtype == want.dtype, (text, dtypes, got.dtype, want.dtype)
    assert got.shape == want.shape, (text, dtypes)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=0, equal_nan=True,
                               err_msg=f"{text} with {dtypes}")
    del got
    assert stats().alive == before


def _array(rs, shape, dtype):
    if dtype.startswith("int"):
        return np.asarray(rs.randint(-5, 6, size=shape)).astype(dtype)
    return np.asarray(rs.randn(*shape) * 3).astype(dtype)


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(text=expressions(4), dtypes=st.tuples(*[st.sampled_from(DTYPES)] * 3), shape=shapes,
       seed=st.integers(0, 2**16))
def test_compiled_expressions_equal_numpy_long(text, dtypes, shape, seed):
    test_compiled_expressions_equal_numpy.hypothesis.inner_test(text, dtypes, shape, seed)


@pytest.mark.parametrize("dtype", [np.float32, np.int8, np.int32, np.uint8, np.bool_])
def test_numpy_functions_treat_python_scalars_as_weak(dtype):
    """NEP 50: np.maximum(int8_array, 1) stays int8, np.where(c, 0, f32) float32."""
    a = (np.arange(6) % 3).astype(dtype)
    funcs = [lambda x: np.add(x, 1), lambda x: np.maximum(x, 0), lambda x: np.where(x > 0, 0, x),
             lambda x: np.minimum(2, x), lambda x: np.add(x, 0.5)]
    for func in funcs:
        got, want = ember.njit(func)(a), func(a)
        assert got.dtype == want.dtype and np.array_equal(got, want), (dtype, got, want)


def test_invert_of_a_bool_array_is_logical_not():
    mask = np.array([True, False, True])
    got = ember.njit(lambda m, a: (~m, a[~(a > 1)]))(mask, np.arange(4))
    assert got[0].dtype == np.bool_ and np.array_equal(got[0], ~mask)
    assert np.array_equal(got[1], np.arange(4)[~(np.arange(4) > 1)])
