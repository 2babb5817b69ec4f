"""@guvectorize against NumPy: real generalized ufuncs with core dimensions."""

import numpy as np
import pytest

import ember
from ember.types import float32, float64, int64, void

RNG = np.random.default_rng(1)


def moving_sum(a, w, out):
    acc = 0
    for i in range(a.shape[0]):
        acc += a[i] * w
        out[i] = acc


def row_norm(a, out):
    total = 0.0
    for x in a:
        total += x * x
    out[0] = np.sqrt(total)


def matvec(m, v, out):
    for i in range(m.shape[0]):
        acc = 0.0
        for j in range(m.shape[1]):
            acc += m[i, j] * v[j]
        out[i] = acc


SUM_SIGNATURES = ["void(float64[:], float64, float64[:])", "void(int64[:], int64, int64[:])"]


def test_moving_sum_is_a_real_gufunc():
    gufunc = ember.guvectorize(SUM_SIGNATURES, "(n),()->(n)")(moving_sum)
    assert isinstance(gufunc, np.ufunc)
    assert gufunc.signature == "(n),()->(n)" and gufunc.types == ["dd->d", "ll->l"]
    assert (gufunc.nin, gufunc.nout, gufunc.__name__) == (2, 1, "moving_sum")
    a = RNG.standard_normal((5, 9))
    np.testing.assert_allclose(gufunc(a, 2.0), np.cumsum(a * 2.0, axis=1), rtol=1e-14)
    ints = RNG.integers(-9, 9, size=(3, 4, 6))
    weights = np.array([1, 2, 3, 4])  # broadcast over the loop dimensions (3, 4)
    np.testing.assert_array_equal(gufunc(ints, weights),
                                  np.cumsum(ints * weights[:, None], axis=-1))


def test_moving_sum_on_strided_views_and_out():
    gufunc = ember.guvectorize(SUM_SIGNATURES, "(n),()->(n)")(moving_sum)
    a = RNG.standard_normal((8, 20))[::2, ::3]
    out = np.zeros((4, 20))[:, ::3]
    assert gufunc(a, 1.5, out=out) is out
    np.testing.assert_allclose(out, np.cumsum(a * 1.5, axis=1), rtol=1e-14)
    np.testing.assert_allclose(gufunc(a.T, 1.0, axis=0), np.cumsum(a.T, axis=0), rtol=1e-14)


@pytest.mark.parametrize("target", ["cpu", "parallel"])
def test_row_norm_to_scalar(target):
    gufunc = ember.guvectorize([void(float64[:], float64[:]), void(float32[:], float32[:])],
                               "(n)->()", target=target)(row_norm)
    a = RNG.standard_normal((3000, 17))
    np.testing.assert_allclose(gufunc(a), np.linalg.norm(a, axis=1), rtol=1e-14)
    np.testing.assert_allclose(gufunc(a[:, ::2]), np.linalg.norm(a[:, ::2], axis=1), rtol=1e-14)
    single = a.astype(np.float32)
    assert gufunc(single).dtype == np.float32
    np.testing.assert_allclose(gufunc(single), np.linalg.norm(single, axis=1), rtol=1e-5)
    assert gufunc(a[0]) == pytest.approx(np.linalg.norm(a[0]))


def test_parallel_gufunc_equals_cpu_bit_for_bit():
    signature = ["void(float64[:, :], float64[:], float64[:])"]
    cpu = ember.guvectorize(signature, "(m,n),(n)->(m)")(matvec)
    parallel = ember.guvectorize(signature, "(m,n),(n)->(m)", target="parallel")(matvec)
    m, v = RNG.standard_normal((400, 30, 20)), RNG.standard_normal((400, 20))
    expected = cpu(m, v)
    np.testing.assert_array_equal(parallel(m, v), expected)
    np.testing.assert_allclose(expected, np.einsum("kij,kj->ki", m, v), rtol=1e-12,
                               atol=1e-14)


def test_two_dimensional_core():
    gufunc = ember.guvectorize(["void(float64[:, :], float64[:], float64[:])"],
                               "(m,n),(n)->(m)")(matvec)
    m, v = RNG.standard_normal((4, 3, 5)), RNG.standard_normal(5)
    np.testing.assert_allclose(gufunc(m, v), m @ v, rtol=1e-14)
    np.testing.assert_allclose(gufunc(np.asfortranarray(m[0]), v), m[0] @ v, rtol=1e-14)


def test_int_signature_objects():
    gufunc = ember.guvectorize([void(int64[:], int64, int64[:])], "(n),()->(n)")(moving_sum)
    np.testing.assert_array_equal(gufunc(np.arange(5), 3), np.cumsum(np.arange(5) * 3))


def test_kernel_exception_reaches_the_caller():
    def checked(a, out):
        for i in range(a.shape[0]):
            if a[i] < 0:
                raise ValueError("negative input")
            out[i] = a[i]
    gufunc = ember.guvectorize(["void(float64[:], float64[:])"], "(n)->(n)")(checked)
    np.testing.assert_array_equal(gufunc(np.arange(4.0)), np.arange(4.0))
    with pytest.raises(ValueError, match="negative input"):
        gufunc(np.array([[1.0, 2.0], [3.0, -1.0]]))


def test_dynamic_gufunc_compiles_per_argument_types():
    gufunc = ember.guvectorize("(n),()->(n)")(moving_sum)
    a = RNG.standard_normal((4, 6))
    out = np.empty_like(a)
    gufunc(a, 2.0, out)
    np.testing.assert_allclose(out, np.cumsum(a * 2.0, axis=1), rtol=1e-14)
    ints, int_out = RNG.integers(-9, 9, size=(3, 5)), np.empty((3, 5), np.int64)
    gufunc(ints, 3, int_out)
    np.testing.assert_array_equal(int_out, np.cumsum(ints * 3, axis=1))
    assert gufunc.types == ["dd->d", "ll->l"] and gufunc.signature == "(n),()->(n)"
    norms = np.empty(4)
    ember.guvectorize("(n)->()", target="parallel")(row_norm)(a, out=norms)
    np.testing.assert_allclose(norms, np.linalg.norm(a, axis=1), rtol=1e-14)


def test_dynamic_gufunc_needs_its_outputs():
    gufunc = ember.guvectorize("(n)->()")(row_norm)
    with pytest.raises(TypeError, match="call it with its 1 inputs and its 1 output arrays"):
        gufunc(np.ones(3))
