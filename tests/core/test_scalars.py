"""Scalar arithmetic, comparisons and builtins: compiled vs CPython."""

import math
import operator

import pytest

import ember

INTS = [-7, -3, -1, 0, 1, 2, 5, 13]
FLOATS = [-2.5, -1.0, -0.0, 0.0, 0.5, 3.0, 7.25, math.inf, -math.inf, math.nan]
BINOPS = ["+", "-", "*", "/", "//", "%"]


def _compile_binop(op):
    namespace = {}
    src = f"def f(a, b):\n    return a {op} b\n"
    path = _write_module(f"binop_{BINOPS.index(op) if op in BINOPS else ord(op[0])}", src)
    exec(compile(src, path, "exec"), namespace)
    return ember.njit(namespace["f"])


_written = {}


def _write_module(name, src):
    """Generated functions need a real file: ember reads source via inspect."""
    import linecache
    import tempfile

    path = _written.get(name)
    if path is None:
        handle = tempfile.NamedTemporaryFile("w", suffix=f"_{name}.py", delete=False)
        handle.write(src)
        handle.close()
        path = _written[name] = handle.name
        linecache.checkcache(path)
    return path


def _same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) and math.isnan(b):
            return True
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return a == b and type(a) is type(b)


def _outcome(func, *args):
    try:
        return ("ok", func(*args))
    except Exception as exc:  # the exception type is part of the behaviour
        return ("raise", type(exc))


def _check(compiled, reference, *args):
    got, want = _outcome(compiled, *args), _outcome(reference, *args)
    if got[0] == want[0] == "ok":
        assert _same(got[1], want[1]), (args, got, want)
    else:
        assert got == want, (args, got, want)


@pytest.mark.parametrize("op", BINOPS)
def test_int_binops_match_python(op):
    compiled = _compile_binop(op)
    reference = compiled.py_func
    for a in INTS:
        for b in INTS:
            _check(compiled, reference, a, b)


@pytest.mark.parametrize("op", BINOPS)
def test_float_binops_match_python(op):
    compiled = _compile_binop(op)
    reference = compiled.py_func
    for a in FLOATS:
        for b in FLOATS:
            _check(compiled, reference, a, b)


@pytest.mark.parametrize("op", ["&", "|", "^", "<<", ">>"])
def test_bitwise_ops_match_python(op):
    compiled = _compile_binop(op)
    for a in INTS:
        for b in (0, 1, 3, 7):
            _check(compiled, compiled.py_func, a, b)
    _check(compiled, compiled.py_func, True, False)


def test_int_wraps_on_overflow():
    @ember.njit
    def mul(a, b):
        return a * b
    assert mul(2**62, 4) == 0
    assert mul(-(2**63), -1) == -(2**63)


def test_int_power_and_negative_exponent():
    @ember.njit
    def power(a, b):
        return a ** b

    @ember.njit
    def literal_negative(a):
        return a ** -2
    assert power(3, 4) == 81 and power(-2, 5) == -32 and power(7, 0) == 1
    assert literal_negative(2) == 0.25
    with pytest.raises(ValueError):
        power(2, -1)


def test_complex_arithmetic_matches_python():
    @ember.njit
    def ops(a, b):
        return a + b, a - b, a * b, a / b, a == b, abs(a), a ** 2, a ** b
    for a, b in [(1 + 2j, 3 - 1j), (-0.5j, 2.0 + 0j), (2 + 0j, 0.5 + 0.5j)]:
        got, want = ops(a, b), ops.py_func(a, b)
        for g, w in zip(got, want):
            assert g == pytest.approx(w, rel=1e-12)
    with pytest.raises(ZeroDivisionError):
        ops(1j, 0j)


def test_chained_comparison_evaluates_middle_once():
    @ember.njit
    def chain(a, b, c):
        return a < b <= c, a == b != c, 0 <= a < 10 > b

    for args in [(1, 2, 2), (2, 2, 3), (5, 1, 9), (-1, 0, 0)]:
        assert chain(*args) == chain.py_func(*args)


def test_boolean_operators_short_circuit_and_return_operands():
    @ember.njit
    def logic(a, b):
        return (a and b), (a or b), (not a), (a > 0 and 10 // a > 1)

    for a, b in [(0, 3), (2, 0), (4, 5), (0, 0)]:
        assert logic(a, b) == logic.py_func(a, b)


def test_conditional_expression_unifies_types():
    @ember.njit
    def pick(c, a, b):
        return a if c else b
    assert pick(True, 1, 2.5) == 1.0 and pick(False, 1, 2.5) == 2.5


BUILTIN_CASES = [
    ("abs", (-3,)), ("abs", (-2.5,)), ("abs", (3 + 4j,)), ("min", (3, 1.5)),
    ("max", (2, 9, 4)), ("round", (2.5,)), ("round", (3.5,)), ("round", (-2.675, 2)),
    ("int", (7.9,)), ("int", (-7.9,)), ("float", (3,)), ("bool", (0.0,)), ("bool", (2,)),
    ("complex", (1.5, -2)), ("divmod", (-7, 2)), ("divmod", (7.5, -2.0)), ("pow", (3, 4)),
    ("pow", (2.0, 0.5)), ("pow", (3, 5, 7)),
]


@pytest.mark.parametrize("name,args", BUILTIN_CASES)
def test_builtins_match_python(name, args):
    params = ", ".join(f"a{i}" for i in range(len(args)))
    src = f"def f({params}):\n    return {name}({params})\n"
    namespace = {}
    path = _write_module(f"builtin_{name}_{len(args)}", src)
    exec(compile(src, path, "exec"), namespace)
    compiled = ember.njit(namespace["f"])
    got, want = compiled(*args), namespace["f"](*args)
    assert got == pytest.approx(want) and type(got) is type(want)


MATH_UNARY = ["sqrt", "exp", "log", "log10", "log2", "log1p", "expm1", "sin", "cos", "tan",
              "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "atanh", "erf",
              "erfc", "gamma", "lgamma", "floor", "ceil", "trunc", "fabs", "degrees",
              "radians", "isnan", "isinf", "isfinite"]


@pytest.mark.parametrize("name", MATH_UNARY)
def test_math_functions_match_math_module(name):
    src = f"import math\n\ndef f(x):\n    return math.{name}(x)\n"
    namespace = {}
    path = _write_module(f"math_{name}", src)
    exec(compile(src, path, "exec"), namespace)
    compiled = ember.njit(namespace["f"])
    for x in (0.25, 0.5, 0.9, 1.5, 3.0):
        try:
            want = namespace["f"](x)
        except ValueError:
            continue
        got = compiled(x)
        assert got == pytest.approx(want, rel=1e-14, abs=1e-300), (name, x)
        assert type(got) is type(want)


def test_math_binary_functions_and_constants():
    @ember.njit
    def f(x, y):
        return (math.atan2(x, y), math.hypot(x, y), math.copysign(x, y), math.fmod(x, y),
                math.pow(x, y), math.log(x, y), math.pi, math.e, math.gcd(12, 18),
                math.factorial(6), math.isclose(x, x + 1e-12))
    got, want = f(2.0, 3.0), f.py_func(2.0, 3.0)
    assert got == pytest.approx(want, rel=1e-14)


def test_cmath_functions():
    import cmath

    @ember.njit
    def f(z):
        return cmath.sqrt(z), cmath.exp(z), cmath.log(z), cmath.phase(z), cmath.polar(z)
    for z in (1 + 1j, -2 + 0.5j, 3 - 4j):
        got, want = f(z), f.py_func(z)
        assert got[:4] == pytest.approx(want[:4], rel=1e-13)
        assert got[4] == pytest.approx(want[4], rel=1e-13)


def test_operator_table_is_complete():
    from ember.frontend.operators import BINOPS as TABLE

    assert set(TABLE.values()) >= {"+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&",
                                   "|", "^"}
    assert operator.add(1, 2) == 3
