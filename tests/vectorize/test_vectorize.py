"""@vectorize against NumPy: the same Python kernel run through np.vectorize
(or NumPy's own ufunc) is the reference."""

import math

import numpy as np
import pytest

import ember
from ember.types import float32, float64, int64

DTYPES = [np.int64, np.int32, np.float32, np.float64]
RNG = np.random.default_rng(0)


def values(dtype, shape=(37,)):
    if np.issubdtype(dtype, np.integer):
        return RNG.integers(-50, 50, size=shape).astype(dtype)
    if dtype == np.complex128:
        return RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)
    return RNG.standard_normal(shape).astype(dtype)


def poly(x, y):
    return x * x - 3 * y + 1


def reference(func, *args, otypes):
    return np.vectorize(func, otypes=otypes)(*args)


@pytest.mark.parametrize("dtype", DTYPES + [np.complex128])
def test_eager_matches_numpy_per_dtype(dtype):
    name = np.dtype(dtype).name
    ufunc = ember.vectorize([f"{name}({name}, {name})"])(poly)
    a, b = values(dtype), values(dtype)
    assert isinstance(ufunc, np.ufunc) and ufunc.nin == 2 and ufunc.nout == 1
    got = ufunc(a, b)
    assert got.dtype == dtype
    # NumPy's array arithmetic in this dtype is the reference. Scalar code
    # follows Numba's typing, where `3 * y` of a float32 y is a float64 (NumPy
    # keeps float32), and complex products may be fused: a few ulps apart.
    if dtype in (np.float32, np.complex128):
        tolerance = 1e-6 if dtype == np.float32 else 1e-15
        np.testing.assert_allclose(got, poly(a, b), rtol=tolerance, atol=tolerance)
        return
    np.testing.assert_array_equal(got, poly(a, b))
    if dtype in (np.int64, np.float64, np.complex128):
        np.testing.assert_array_equal(got, reference(poly, a, b, otypes=[dtype]))


def test_eager_several_signatures_pick_by_numpy_rules():
    ufunc = ember.vectorize(["int64(int64, int64)", "float64(float64, float64)"])(poly)
    assert ufunc.types == ["ll->l", "dd->d"] and ufunc.ntypes == 2
    ints, floats = values(np.int64), values(np.float64)
    np.testing.assert_array_equal(ufunc(ints, ints), poly(ints, ints))
    np.testing.assert_array_equal(ufunc(floats, ints), poly(floats, ints.astype(float)))
    assert ufunc(np.int32(3), np.int32(2)) == poly(3, 2)  # int32 -> the int64 loop


def test_signature_objects_and_single_signature():
    objects = ember.vectorize([float64(float64, float64), float32(float32, float32)])(poly)
    assert objects.types == ["dd->d", "ff->f"]
    single = ember.vectorize("int64(int64, int64)")(poly)
    assert single.types == ["ll->l"]
    one = ember.vectorize(int64(int64, int64))(poly)
    assert one(7, 2) == poly(7, 2)


def test_bool_loop():
    def xor(a, b):
        return a != b
    ufunc = ember.vectorize(["boolean(boolean, boolean)"])(xor)
    a, b = RNG.random(64) < 0.5, RNG.random(64) < 0.5
    got = ufunc(a, b)
    assert got.dtype == np.bool_
    np.testing.assert_array_equal(got, a ^ b)


@pytest.mark.parametrize("dtype", DTYPES + [np.bool_])
def test_dynamic_compiles_per_input_types(dtype):
    @ember.vectorize
    def affine(x):
        return x * 2 + 1
    x = values(dtype) if dtype != np.bool_ else RNG.random(20) < 0.5
    expected = np.asarray([affine.py_func(v) for v in x.tolist()])
    got = affine(x)
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert affine.ntypes == 1 and affine.nin == 1 and affine.nout == 1


def test_dynamic_uses_existing_loops_by_safe_casting_then_compiles():
    @ember.vectorize
    def half(x):
        return x / 2
    half(np.arange(4.0))
    assert half.types == ["d->d"]
    np.testing.assert_array_equal(half(np.arange(4, dtype=np.int32)), np.arange(4) / 2)
    assert half.types == ["d->d"]  # int32 casts safely to float64
    got = half(np.arange(3, dtype=np.complex128) * 1j)
    np.testing.assert_array_equal(got, np.arange(3) * 1j / 2)
    assert half.types == ["d->d", "D->D"]


def test_names_and_doc():
    def documented(x):
        """Doubles x."""
        return 2 * x
    eager = ember.vectorize(["float64(float64)"])(documented)
    dynamic = ember.vectorize()(documented)
    assert eager.__name__ == dynamic.__name__ == "documented"
    assert "Doubles x." in eager.__doc__ and dynamic.__doc__ == "Doubles x."


def test_scalars_in_scalar_out():
    eager = ember.vectorize(["float64(float64, float64)"])(poly)
    dynamic = ember.vectorize(poly)
    for ufunc in (eager, dynamic):
        result = ufunc(2.5, 1.0)
        assert np.ndim(result) == 0 and result == poly(2.5, 1.0)


@pytest.mark.parametrize("shapes", [((3, 1), (1, 4)), ((2, 3, 4), (4,)), ((5,), ()),
                                    ((0, 3), (3,))])
def test_broadcasting(shapes):
    a, b = values(np.float64, shapes[0]), values(np.float64, shapes[1])
    for ufunc in (ember.vectorize(["float64(float64, float64)"])(poly), ember.vectorize(poly)):
        got = ufunc(a, b)
        np.testing.assert_array_equal(got, poly(a, b))


def test_strided_and_fortran_inputs():
    ufunc = ember.vectorize(["float64(float64, float64)"])(poly)
    a = values(np.float64, (40, 30))
    b = np.asfortranarray(values(np.float64, (40, 30)))
    np.testing.assert_array_equal(ufunc(a[::3, ::2], b[::3, ::2]), poly(a[::3, ::2], b[::3, ::2]))
    np.testing.assert_array_equal(ufunc(a.T, b.T), poly(a.T, b.T))


def test_out_argument():
    ufunc = ember.vectorize(["float64(float64, float64)"])(poly)
    a, b = values(np.float64), values(np.float64)
    out = np.empty_like(a)
    assert ufunc(a, b, out=out) is out
    np.testing.assert_array_equal(out, poly(a, b))
    strided = np.zeros(2 * a.size)
    ufunc(a, b, out=strided[::2])
    np.testing.assert_array_equal(strided[::2], poly(a, b))
    assert not strided[1::2].any()
    ufunc(a, b, out=a)  # in place
    np.testing.assert_array_equal(a, out)


@pytest.mark.parametrize("identity", [0, "reorderable", None])
def test_reduce_accumulate_outer_at(identity):
    def add(x, y):
        return x + y
    a = values(np.int64, (6, 7))
    for ufunc in (ember.vectorize(["int64(int64, int64)"], identity=identity)(add),
                  ember.vectorize(identity=identity)(add)):
        np.testing.assert_array_equal(ufunc.reduce(a), np.add.reduce(a))
        np.testing.assert_array_equal(ufunc.reduce(a, axis=1), np.add.reduce(a, axis=1))
        np.testing.assert_array_equal(ufunc.accumulate(a), np.add.accumulate(a))
        np.testing.assert_array_equal(ufunc.outer(a[0], a[1]), np.add.outer(a[0], a[1]))
        got, expected = a.copy(), a.copy()
        ufunc.at(got, ([0, 0, 2], [1, 1, 3]), 5)
        np.add.at(expected, ([0, 0, 2], [1, 1, 3]), 5)
        np.testing.assert_array_equal(got, expected)
        if identity == 0:
            assert ufunc.reduce(np.zeros(0, np.int64)) == 0 and ufunc.identity == 0
        if identity == "reorderable":
            np.testing.assert_array_equal(ufunc.reduce(a, axis=None), a.sum())


def test_reduce_without_identity_rejects_empty():
    ufunc = ember.vectorize(["int64(int64, int64)"])(poly)
    with pytest.raises(ValueError):
        ufunc.reduce(np.zeros(0, np.int64))


def test_identity_one():
    def mul(x, y):
        return x * y
    ufunc = ember.vectorize(["float64(float64, float64)"], identity=1)(mul)
    assert ufunc.reduce(np.zeros(0)) == 1.0
    x = values(np.float64)
    np.testing.assert_allclose(ufunc.reduce(x), np.prod(x), rtol=1e-12)


def test_math_kernel():
    def kernel(x):
        return math.exp(-x * x) * math.sin(x) + np.sqrt(abs(x))
    x = np.linspace(-5, 5, 1001)
    got = ember.vectorize(kernel)(x)
    np.testing.assert_allclose(got, np.vectorize(kernel)(x), rtol=1e-14, atol=1e-300)


def test_parallel_equals_cpu_bit_for_bit():
    def kernel(x, y):
        return np.exp(x) * y - np.sin(y) / (1.0 + x * x)
    signature = ["float64(float64, float64)"]
    cpu = ember.vectorize(signature)(kernel)
    parallel = ember.vectorize(signature, target="parallel")(kernel)
    dynamic = ember.vectorize(target="parallel")(kernel)
    x, y = values(np.float64, (300_000,)), values(np.float64, (300_000,))
    expected = cpu(x, y)
    np.testing.assert_array_equal(parallel(x, y), expected)
    np.testing.assert_array_equal(dynamic(x, y), expected)
    np.testing.assert_array_equal(parallel(x[::2], y[::2]), expected[::2])
    np.testing.assert_array_equal(parallel(x[:100], y[:100]), expected[:100])  # serial size
    np.testing.assert_allclose(expected, kernel(x, y), rtol=1e-14, atol=1e-15)


def test_division_by_zero_follows_numpy():
    def div(x, y):
        return x / y
    with np.errstate(divide="ignore", invalid="ignore"):
        got = ember.vectorize(["float64(float64, float64)"])(div)(np.array([1.0, 0.0]), 0.0)
    assert got[0] == np.inf and np.isnan(got[1])


def test_kernel_exception_reaches_the_caller():
    @ember.vectorize
    def checked(x):
        if x > 2:
            raise ValueError("too big")
        return x
    np.testing.assert_array_equal(checked(np.arange(3.0)), np.arange(3.0))
    with pytest.raises(ValueError, match="too big"):
        checked(np.arange(5.0))
    parallel = ember.vectorize(["float64(float64)"], target="parallel")(checked.py_func)
    with pytest.raises(ValueError, match="too big"):
        parallel(np.arange(100_000.0))


def test_options_accepted():
    ufunc = ember.vectorize(["float64(float64)"], nopython=True, cache=True, fastmath=True)(
        lambda x: x + 1.0)
    assert ufunc(1.0) == 2.0


def test_ufunc_outlives_everything_else():
    import gc

    ufunc = ember.vectorize(["float64(float64)"])(lambda x: x * 3.0)
    gc.collect()
    np.testing.assert_array_equal(ufunc(np.arange(5.0)), np.arange(5.0) * 3)
    assert ufunc.__name__ == "<lambda>"


def test_vectorize_over_a_jitted_function():
    jitted = ember.njit(poly)
    for ufunc in (ember.vectorize(jitted), ember.vectorize(["int64(int64, int64)"])(jitted)):
        np.testing.assert_array_equal(ufunc(np.arange(5), 2), poly(np.arange(5), 2))


def test_inspect_llvm_shows_a_vectorised_contiguous_loop():
    @ember.vectorize
    def scale(x):
        return x * 3.0 + 1.0
    scale(np.arange(4.0))
    (signature, text), = scale.inspect_llvm().items()
    assert str(signature) == "float64(float64)" and "x double>" in text
