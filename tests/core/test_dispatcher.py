"""The dispatcher: specialisation, eager signatures, options, introspection,
fallback, thread safety."""

import sys
import threading
import warnings

import numpy as np
import pytest

import ember
from ember import types


def test_lazy_compiles_one_specialisation_per_signature():
    @ember.njit
    def f(x):
        return x + 1
    assert f(1) == 2 and f(1.5) == 2.5 and f(2) == 3
    assert set(f.signatures) == {(types.int64,), (types.float64,)}


def test_eager_signature_strings_and_lists():
    @ember.jit("float64(float64, float64)")
    def add(a, b):
        return a + b
    assert add.signatures == [(types.float64, types.float64)]
    assert add(1, 2) == 3.0 and isinstance(add(1, 2), float)

    @ember.njit(["int64(int64)", types.float64(types.float64)])
    def twice(x):
        return 2 * x
    assert twice(3) == 6 and twice(1.5) == 3.0
    with pytest.raises(TypeError, match="compiled signatures"):
        twice(1j)


def test_eager_array_signatures_accept_contiguous_and_strided():
    @ember.njit("float64(float64[:])")
    def s(a):
        t = 0.0
        for v in a:
            t += v
        return t
    a = np.arange(6.0)
    assert s(a) == 15.0 and s(a[::2]) == 6.0


def test_every_numba_option_is_accepted():
    options = dict(nopython=True, nogil=True, cache=True, parallel=True, fastmath=True,
                   error_model="numpy", boundscheck=True, inline="always", locals={},
                   debug=True, forceobj=False, looplift=True)
    f = ember.jit(**options)(lambda_free)
    assert f(3) == 9
    with pytest.raises(TypeError, match="unknown jit option"):
        ember.jit(not_an_option=True)(lambda_free)


def lambda_free(x):
    return x * x


def test_error_model_numpy_gives_inf_instead_of_raising():
    @ember.njit(error_model="numpy")
    def div(a, b):
        return a / b, a // b if isinstance_free(b) else 0
    assert div(1.0, 0.0)[0] == np.inf


def isinstance_free(b):
    return b == b


def test_fastmath_changes_generated_code():
    @ember.njit(fastmath=True)
    def dot(a, b):
        s = 0.0
        for i in range(len(a)):
            s += a[i] * b[i]
        return s
    a = np.arange(100.0)
    assert dot(a, a) == pytest.approx(np.dot(a, a))
    assert "fast" in dot.inspect_llvm(dot.signatures[0])


def test_jit_falls_back_to_python_with_warning():
    @ember.jit
    def uses_dict(x):
        d = {1: "one", 2: "two"}
        return d.get(x, "unknown")
    with pytest.warns(ember.errors.EmberFallbackWarning, match="dict literal"):
        assert uses_dict(2) == "two"
    assert uses_dict(7) == "unknown"


def test_njit_raises_instead_of_falling_back():
    @ember.njit
    def uses_dict(x):
        return {1: 2}[x]
    with pytest.raises(ember.errors.UnsupportedError, match="dict literal"):
        uses_dict(1)


def test_introspection():
    @ember.njit
    def f(a, n):
        total = 0.0
        for i in range(n):
            total += a[i]
        return total
    f(np.ones(3), 3)
    sig = f.signatures[0]
    assert "define" in f.inspect_llvm(sig)
    assert isinstance(f.inspect_asm(sig), str) and f.inspect_asm(sig)
    import io

    out = io.StringIO()
    f.inspect_types(file=out)
    text = out.getvalue()
    assert "total: float64" in text and "array(float64, 1d, C)" in text
    assert f.py_func(np.ones(3), 3) == 3.0


def test_disable_jit_runs_python():
    @ember.njit
    def f(x):
        return 1 / x
    with pytest.raises(ZeroDivisionError):
        f(0)
    f.disable_jit()
    with pytest.raises(ZeroDivisionError):
        f(0)
    assert f(4) == 0.25
    f.enable_jit()
    assert f(2) == 0.5


def test_compiles_once_under_concurrent_first_calls():
    @ember.njit
    def work(n):
        s = 0
        for i in range(n):
            s += i
        return s
    results, errors = [], []

    def call(n):
        try:
            results.append(work(n) == n * (n - 1) // 2)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
    threads = [threading.Thread(target=call, args=(1000 + i,)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors and all(results) and len(results) == 8
    assert len(work.signatures) == 1


def test_unsupported_argument_type_is_a_clear_error():
    @ember.njit
    def f(x):
        return x
    with pytest.raises(ember.errors.TypingError, match="dict"):
        f({1: 2})


def test_jit_with_unsupported_argument_falls_back():
    @ember.jit
    def f(x):
        return len(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert f("abc") == 3


def test_dispatcher_looks_like_the_function():
    @ember.njit
    def documented(x):
        """Docs."""
        return x
    assert documented.__name__ == "documented" and documented.__doc__ == "Docs."
    assert isinstance(documented, ember.dispatcher.Dispatcher)


def test_disable_jit_environment(monkeypatch):
    monkeypatch.setattr(ember.config, "DISABLE_JIT", True)

    @ember.njit
    def f(x):
        return {1: x}[1]  # not compilable: proves the Python function ran
    assert f(5) == 5


def test_lambdas_compile_like_functions():
    add_one = ember.njit(lambda x: x + 1)
    scale, shift = ember.njit(lambda a, b: a * b), ember.njit(lambda c: c - 0.5)
    assert add_one(1) == 2 and scale(2, 3.5) == 7.0 and shift(2) == 1.5
    data = [(3, 0.5), (1, 2.5), (2, 1.5)]
    compiled = sorted(data,
                      key=ember.njit(lambda pair: -pair[0] * pair[1]))
    assert compiled == sorted(data, key=lambda pair: -pair[0] * pair[1])


@pytest.mark.skipif(sys.version_info < (3, 11), reason="bytecode positions: Python 3.11+")
def test_lambdas_sharing_lines_and_parameters_each_compile_their_own():
    funcs = [lambda x: x + 1, lambda x: x - 1, lambda x: (x, 2)[0] * 2,
             lambda x: -x, lambda x: x // 2 if x > 0 else x]
    for func in funcs:
        assert ember.njit(func)(7) == func(7)
        assert ember.njit(func)(-3) == func(-3)


@pytest.mark.skipif(sys.version_info >= (3, 11), reason="before Python 3.11 only")
def test_two_lambdas_with_the_same_parameters_on_one_line_are_refused():
    first, _ = ember.njit(lambda x: x + 1), ember.njit(lambda x: x - 1)
    with pytest.raises(ember.errors.UnsupportedError, match="which lambda"):
        first(1)
