"""The vectorisable transcendental functions (codegen/vecmath.py): accuracy
in ulps against a reference computed in higher precision (long double for
float64, float64 for float32), special values as NumPy, and vectorisation."""

import math
import re

import numpy as np
import pytest

import ember
from ember import config

NAMES = ["sin", "cos", "tan", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p",
         "sinh", "cosh", "tanh", "arctan"]
WIDER = {np.float64: np.longdouble, np.float32: np.float64}
SPECIALS = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 0.5, -0.5, 2.0, 10.0, 1e-300,
            5e-324, -5e-324, 2.2250738585072014e-308, 1e-310, 1e-45, 3e-38, 1e300, -1e300,
            1e38, -1e38, 88.7, 89.0, -103.9, 709.78, 709.79, -745.1, -745.2, 1e22, 2.0 ** 30,
            2.0 ** 30 - 0.5, 1e5, 1e9]


def ordinal(x):
    """Float bit patterns mapped to integers in the order of the values, so
    that the difference of two is their distance in ulps (-0 == +0)."""
    ints = x.view(np.int64 if x.dtype == np.float64 else np.int32).astype(np.int64)
    return np.where(ints < 0, -(ints & np.int64(2 ** (8 * x.itemsize - 1) - 1)), ints)


def ulp_distance(a, b):
    """Ulps between a and b elementwise; 0 where both are NaN."""
    both_nan = np.isnan(a) & np.isnan(b)
    d = np.abs(ordinal(a) - ordinal(b))
    d[np.isnan(a) != np.isnan(b)] = np.iinfo(np.int64).max
    return np.where(both_nan, 0, d)


def reference(name, x):
    """name(x) computed in the wider type, rounded to x's type."""
    with np.errstate(all="ignore"):
        return getattr(np, name)(x.astype(WIDER[x.dtype.type])).astype(x.dtype)


def random_bits(rng, dtype, n):
    """Floats with uniformly random bit patterns: every exponent, both signs."""
    utype = np.uint64 if dtype == np.float64 else np.uint32
    x = rng.integers(0, np.iinfo(utype).max, n, dtype=utype, endpoint=True).view(dtype)
    return x[np.isfinite(x)]


def interesting(name, dtype, rng):
    """Inputs where each function is hard: its reduction boundaries, overflow
    and underflow thresholds, the neighbourhood of 1 for logarithms."""
    n = 20000
    parts = [random_bits(rng, dtype, 4 * n), np.array(SPECIALS, np.float64)]
    if name in ("sin", "cos", "tan"):
        k = np.concatenate([np.arange(-3000, 3000), rng.integers(-2 ** 31, 2 ** 31, n)])
        near = k * (np.pi / 2)
        parts += [near, np.nextafter(near, np.inf), np.nextafter(near, -np.inf),
                  rng.uniform(-1e4, 1e4, n), rng.uniform(-2.0 ** 31, 2.0 ** 31, n),
                  2.0 ** rng.uniform(29.9, 30.1, n), 10.0 ** rng.uniform(10, 308, n)]
    limit = {"exp": 746, "exp2": 1076, "expm1": 746, "sinh": 711, "cosh": 711, "tanh": 22}
    if name in limit:
        top = limit[name] if dtype == np.float64 else limit[name] / 7
        parts += [rng.uniform(-top, top, n), rng.uniform(-1, 1, n),
                  np.linspace(-top, top, n)]
    if name.startswith("log"):
        eps = np.finfo(dtype).eps
        parts += [rng.uniform(0, 4, n), 1 + eps * np.arange(-1000, 1000),
                  10.0 ** np.arange(-30, 31), 2.0 ** np.arange(-1074, 1024)]
    if name == "log1p":
        parts += [rng.uniform(-1, 1, n), 10.0 ** rng.uniform(-30, 0, n)]
    if name == "arctan":
        parts += [rng.uniform(-3, 3, n), np.array([7 / 16, 11 / 16, 19 / 16, 39 / 16])]
    with np.errstate(over="ignore"):
        return np.concatenate([np.asarray(p, np.float64).astype(dtype) for p in parts])


_compiled = {}


def compiled(name):
    """An njit function applying np.<name> to an array (one per name)."""
    if name not in _compiled:
        _compiled[name] = ember.njit(_applying(getattr(np, name)))
    return _compiled[name]


def _applying(function):
    def apply(x):
        return function(x)
    return apply


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", NAMES)
def test_within_one_ulp(name, dtype):
    x = interesting(name, dtype, np.random.default_rng(NAMES.index(name)))
    got = compiled(name)(x)
    assert got.dtype == dtype
    ref = reference(name, x)
    distance = ulp_distance(got, ref)
    worst = int(np.argmax(distance))
    assert distance[worst] <= 1, (x[worst], got[worst], ref[worst])
    exact = np.isinf(ref) | (ref == 0)  # infinities and zeros: signs included
    assert np.array_equal(np.signbit(got[exact]), np.signbit(ref[exact]))
    if dtype == np.float64:  # NumPy's float64 functions are within 1 ulp too
        with np.errstate(all="ignore"):
            assert ulp_distance(got, getattr(np, name)(x)).max() <= 2


@pytest.mark.parametrize("name", ["sin", "cos", "tan", "exp", "log", "log10", "atan"])
def test_math_module_scalars(name):
    f = getattr(math, name)
    g = ember.njit(_applying(f))
    for x in [0.5, -2.5, 3, 1e-8, 123456.789, 1e10, 1e300]:
        try:
            expected = f(x)
        except (ValueError, OverflowError):
            continue
        assert ulp_distance(np.array([g(x)]), np.array([expected]))[0] <= 1


def test_float32_stays_float32_and_ints_become_float64():
    @ember.njit
    def f(x):
        return np.sin(x) + np.exp(x)

    assert f(np.ones(4, np.float32)).dtype == np.float32
    assert f(np.arange(4)).dtype == np.float64


def _loop_ir(fn, *args):
    fn(*args)
    return next(iter(fn.inspect_llvm().values()))


def test_loop_vectorises():
    @ember.njit
    def kernel(x, out):
        for i in range(x.shape[0]):
            out[i] = np.sin(x[i]) + np.cos(x[i]) * np.exp(x[i]) - np.log(x[i] + 2.0)

    x = np.linspace(0, 1, 1000)
    out = np.empty_like(x)
    llvm = _loop_ir(kernel, x, out)
    # The user's function: its body calls vector versions, never libm.
    body = llvm[llvm.index("define"):]
    body = body[:body.index("\n}\n")]
    for fname in ("sin", "cos"):
        assert re.search(rf"call <\d+ x double> @\"?ember\.vm\.{fname}\.f64\.v\d+", body)
    assert not re.search(r"@\"?(sin|cos|exp|log)\"?\(", body)
    assert re.search(r"fmul <\d+ x double>", body)  # exp and log inlined, widened
    np.testing.assert_allclose(out, np.sin(x) + np.cos(x) * np.exp(x) - np.log(x + 2.0),
                               rtol=1e-15)


def test_array_expression_vectorises():
    @ember.njit
    def f(a):
        return np.sin(a) + np.cos(a)

    a = np.linspace(-10, 10, 1001).astype(np.float32)
    llvm = _loop_ir(f, a)
    assert re.search(r"call <\d+ x float> @\"?ember\.vm\.sin\.f32\.v\d+", llvm)
    np.testing.assert_allclose(f(a), np.sin(a) + np.cos(a), atol=1e-6)


def test_huge_lanes_among_small_ones():
    # A vector with one huge lane takes the C library path for that lane only.
    x = np.tile([0.5, 1e22, -3.0, 2.0 ** 40, 7.0, -1e300, 1e-300, 4.0], 16)
    for name in ("sin", "cos", "tan"):
        got = compiled(name)(x)
        assert ulp_distance(got, reference(name, x)).max() <= 1


def test_vecmath_switch_uses_the_c_library():
    saved = config.VECMATH
    config.VECMATH = False
    try:
        @ember.njit
        def f(x):
            return np.sin(x) + math.atan(x)

        assert f(0.5) == np.sin(0.5) + math.atan(0.5)
        llvm = next(iter(f.inspect_llvm().values()))
    finally:
        config.VECMATH = saved
    assert "ember.vm." not in llvm
