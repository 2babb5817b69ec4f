"""np.linalg in compiled code, compared with NumPy on the same inputs: LAPACK
(SciPy's cython_lapack) and, for solve/inv/det/slogdet/matrix_power, the LU
loops used without SciPy.

Typing is cached per function and argument types, so each path compiles its
own copy of a test function (`compiled`), with ember.lib.lapack.USE_LAPACK set
while it compiles.

Tolerances: the test matrices are random with n added to the diagonal, so
their condition numbers stay below ~10; a backward-stable algorithm is then
within a few hundred ulps of NumPy's result: 1e-10 relative for float64 and
complex128, 1e-4 for float32 and complex64. Eigenvectors and singular vectors
are compared up to each column's sign or phase, and by reconstruction.
"""

import types

import numpy as np
import pytest

import ember
from ember.errors import TypingError
from ember.lib import lapack
from ember.runtime import stats

needs_scipy = pytest.mark.skipif(not lapack.available(), reason="SciPy's LAPACK is missing")
PATHS = [pytest.param(True, id="lapack", marks=needs_scipy), pytest.param(False, id="loops")]
FLOATS = [np.float64, np.float32, np.complex128, np.complex64]
DTYPES = FLOATS + [np.int64]


@pytest.fixture(autouse=True)
def no_leaks():
    before = stats().alive
    yield
    assert stats().alive == before, "compiled code leaked arrays"


_compiled = {}


def compiled(func, use_lapack, monkeypatch=None):
    """A dispatcher of a copy of `func` private to one path (compiled on the first call,
    so the caller keeps lapack.USE_LAPACK set as wanted while calling it)."""
    key = (func, use_lapack)
    if key not in _compiled:
        clone = types.FunctionType(func.__code__, func.__globals__, func.__name__,
                                   func.__defaults__, func.__closure__)
        _compiled[key] = ember.njit(clone)
    return _compiled[key]


@pytest.fixture(params=PATHS)
def use_lapack(request, monkeypatch):
    monkeypatch.setattr(lapack, "USE_LAPACK", request.param)
    return request.param


@pytest.fixture
def with_lapack(monkeypatch):
    if not lapack.available():
        pytest.skip("SciPy's LAPACK is missing")
    monkeypatch.setattr(lapack, "USE_LAPACK", True)
    return True


def tolerance(dtype):
    if np.dtype(dtype) in (np.float32, np.complex64):
        return {"rtol": 1e-4, "atol": 1e-4}
    return {"rtol": 1e-10, "atol": 1e-10}


def data(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind in "iu":
        return rng.integers(-5, 6, size=shape).astype(dtype)
    values = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        values = values + 1j * rng.standard_normal(shape)
    return values.astype(dtype)


def square(n, dtype, seed=0):
    """A well-conditioned n x n matrix (random, n on the diagonal)."""
    return (data((n, n), dtype, seed) + n * np.eye(n, dtype=np.int64)).astype(dtype)


def hermitian(n, dtype, seed=0):
    a = data((n, n), dtype, seed)
    return (a + a.conj().T + 2 * n * np.eye(n)).astype(dtype)


def close(got, want, dtype):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    if got.ndim:
        assert got.dtype == want.dtype, (got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, **tolerance(dtype))


def all_close(got, want, dtype):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        close(g, w, dtype)


# ---- solve, inv, det, slogdet, matrix_power ------------------------------------------------

def solvers(a, b, bb):
    return (np.linalg.solve(a, b), np.linalg.solve(a, bb), np.linalg.inv(a), np.linalg.det(a),
            np.linalg.slogdet(a)[0], np.linalg.slogdet(a)[1], np.linalg.matrix_power(a, 3),
            np.linalg.matrix_power(a, 0), np.linalg.matrix_power(a, 1))


def inverse_powers(a):
    return np.linalg.matrix_power(a, -1), np.linalg.matrix_power(a, -4)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [0, 1, 4, 9])
def test_solvers_against_numpy(use_lapack, dtype, n):
    a, b, bb = square(n, dtype), data(n, dtype, 1), data((n, 3), dtype, 2)
    work = np.result_type(dtype, np.float64) if np.dtype(dtype).kind == "i" else dtype
    all_close(compiled(solvers, use_lapack)(a, b, bb), solvers(a, b, bb), work)
    if np.dtype(dtype).kind != "i":
        all_close(compiled(inverse_powers, use_lapack)(a), inverse_powers(a), work)


@pytest.mark.parametrize("dtype", [np.float64, np.complex64])
def test_larger_systems(use_lapack, dtype):
    """Beyond linalg_solve._SMALL, solve allocates x and the factors apart."""
    a, b, bb = square(40, dtype), data(40, dtype, 1), data((40, 3), dtype, 2)
    all_close(compiled(solvers, use_lapack)(a, b, bb)[:3], solvers(a, b, bb)[:3], dtype)


def test_mixed_dtypes_promote_as_numpy(use_lapack):
    a, b = square(5, np.float32), data(5, np.complex128, 1)
    got = compiled(solvers, use_lapack)(a, b, data((5, 2), np.int32))
    close(got[0], np.linalg.solve(a, b), np.complex128)
    close(got[1], np.linalg.solve(a, data((5, 2), np.int32)), np.float64)


def test_determinants_of_singular_matrices(use_lapack):
    def dets(a):
        return np.linalg.det(a), np.linalg.slogdet(a)
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    det, (sign, logdet) = compiled(dets, use_lapack)(singular)
    assert det == 0.0 and sign == 0.0 and logdet == -np.inf
    complex_singular = singular.astype(np.complex128)
    det, (sign, logdet) = compiled(dets, use_lapack)(complex_singular)
    assert det == 0 and sign == 0 and logdet == -np.inf
    big = square(30, np.float64) * 100.0  # det overflows; slogdet does not
    _, (sign, logdet) = compiled(dets, use_lapack)(big)
    want = np.linalg.slogdet(big)
    assert sign == want[0] and np.isclose(logdet, want[1], rtol=1e-12)


def layouts(c, f, strided, reversed_, v):
    return (np.linalg.solve(f, v), np.linalg.inv(strided), np.linalg.det(reversed_),
            np.linalg.solve(c, strided), np.linalg.inv(f))


def test_layouts_and_inputs_left_alone(use_lapack):
    n = 6
    big = square(3 * n, np.float64)
    c, f = square(n, np.float64, 1), np.asfortranarray(square(n, np.float64, 2))
    strided = big[::3, ::3]
    reversed_ = big[::-1, ::-1][:n, :n]
    v = data(3 * n, np.float64)[::3]
    args = (c, f, strided, reversed_, v)
    assert [ember.typeof(x).layout for x in args[:4]] == ["C", "F", "A", "A"]
    before = [x.copy() for x in args]
    all_close(compiled(layouts, use_lapack)(*args), layouts(*args), np.float64)
    for x, y in zip(args, before):
        np.testing.assert_array_equal(x, y)


def solve(a, b):
    return np.linalg.solve(a, b)


def inv(a):
    return np.linalg.inv(a)


def det(a):
    return np.linalg.det(a)


def test_singular_matrix_raises_linalgerror(use_lapack):
    singular = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
    zero = np.zeros((3, 3))
    for a in (zero, singular, singular.astype(np.complex64)):
        with pytest.raises(np.linalg.LinAlgError, match="^Singular matrix$"):
            np.linalg.inv(a)
        with pytest.raises(np.linalg.LinAlgError, match="^Singular matrix$"):
            compiled(inv, use_lapack)(a)
    with pytest.raises(np.linalg.LinAlgError, match="^Singular matrix$"):
        compiled(solve, use_lapack)(zero, np.ones(3))


@pytest.mark.parametrize("func", [solve, inv, det])
def test_non_square_raises_as_numpy(use_lapack, func):
    a = np.ones((2, 3))
    args = (a, np.ones(2)) if func is solve else (a,)
    with pytest.raises(np.linalg.LinAlgError) as want:
        func(*args)
    with pytest.raises(np.linalg.LinAlgError) as got:
        compiled(func, use_lapack)(*args)
    assert str(got.value) == str(want.value)


@pytest.mark.parametrize("b_shape", [(2,), (2, 2)])
def test_right_hand_side_mismatch_message(use_lapack, b_shape):
    args = (np.eye(3), np.ones(b_shape))
    with pytest.raises(ValueError) as want:
        solve(*args)
    with pytest.raises(ValueError) as got:
        compiled(solve, use_lapack)(*args)
    assert str(got.value) == str(want.value)


def stacked(a):
    return np.linalg.inv(a), np.linalg.det(a), np.linalg.slogdet(a)


@pytest.mark.parametrize("dtype", [np.float64, np.complex64, np.int64])
def test_stacks_of_matrices(use_lapack, dtype):
    a = np.stack([square(3, dtype, seed) for seed in range(5)])[:, ::-1]
    work = np.float64 if np.dtype(dtype).kind == "i" else dtype
    got, want = compiled(stacked, use_lapack)(a), stacked(a)
    all_close(got[:2], want[:2], work)
    all_close(got[2], want[2], work)
    empty = compiled(stacked, use_lapack)(np.zeros((0, 2, 2), dtype))
    assert empty[0].shape == (0, 2, 2) and empty[1].shape == (0,)
    singular = a.copy()
    singular[3] = 0
    with pytest.raises(np.linalg.LinAlgError, match="^Singular matrix$"):
        compiled(stacked, use_lapack)(singular)
    with pytest.raises(np.linalg.LinAlgError, match="must be square"):
        compiled(stacked, use_lapack)(np.zeros((2, 2, 3), dtype))


def power(a, n):
    return np.linalg.matrix_power(a, n)


def test_matrix_power_runtime_exponents():
    a = square(4, np.float64)
    for n in (0, 1, 2, 5, 8, -3):
        close(compiled(power, True)(a, n), np.linalg.matrix_power(a, n), np.float64)
    ints = data((3, 3), np.int64)
    for n in (0, 1, 2, 7):
        np.testing.assert_array_equal(compiled(power, True)(ints, n),
                                      np.linalg.matrix_power(ints, n))
    with pytest.raises(ValueError, match="negative power"):
        compiled(power, True)(ints, -1)


# ---- decompositions ------------------------------------------------------------------------

def cholesky(a):
    return np.linalg.cholesky(a)


@pytest.mark.parametrize("dtype", FLOATS)
def test_cholesky(with_lapack, dtype):
    a = hermitian(6, dtype)
    before = a.copy()
    close(compiled(cholesky, True)(a), np.linalg.cholesky(a), dtype)
    np.testing.assert_array_equal(a, before)
    ints = np.array([[4, 2], [2, 3]])
    close(compiled(cholesky, True)(ints), np.linalg.cholesky(ints), np.float64)


def test_cholesky_not_positive_definite(with_lapack):
    with pytest.raises(np.linalg.LinAlgError, match="^Matrix is not positive definite$"):
        compiled(cholesky, True)(-np.eye(3))


def qrs(a):
    q, r = np.linalg.qr(a)
    qc, rc = np.linalg.qr(a, mode="complete")
    return q, r, qc, rc, np.linalg.qr(a, "r")


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (5, 5)])
def test_qr(with_lapack, dtype, shape):
    a = data(shape, dtype)
    got, want = compiled(qrs, True)(a), qrs(a)
    for q, r in ((got[0], got[1]), (got[2], got[3])):
        close(q @ r, a, dtype)  # a reconstruction, and NumPy's factors up to column signs
        close(q.conj().T @ q, np.eye(q.shape[1], dtype=dtype), dtype)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype
    # R's rows (Q's columns) agree with NumPy's up to a unit factor each
    for g, w in ((got[1], want[1]), (got[3], want[3]), (got[4], want[4])):
        close(np.abs(g), np.abs(w), dtype)


def unit_columns(got, want, dtype):
    """Columns equal up to a factor of modulus 1 (sign or phase)."""
    for j in range(want.shape[1]):
        k = np.argmax(np.abs(want[:, j]))
        phase = got[k, j] / want[k, j]
        assert np.isclose(abs(phase), 1, **tolerance(dtype))
        np.testing.assert_allclose(got[:, j], phase * want[:, j], **tolerance(dtype))


def eighs(a):
    w, v = np.linalg.eigh(a)
    wu, vu = np.linalg.eigh(a, UPLO="U")
    return w, v, wu, vu, np.linalg.eigvalsh(a)


@pytest.mark.parametrize("dtype", FLOATS)
def test_eigh(with_lapack, dtype):
    a = hermitian(7, dtype)
    got, want = compiled(eighs, True)(a), eighs(a)
    for k in (0, 2, 4):
        close(got[k], want[k], dtype)
    for k in (1, 3):
        unit_columns(got[k], want[k], dtype)
        close(a @ got[k], got[k] * got[k - 1], dtype)


def eigs(a):
    w, v = np.linalg.eig(a)
    return w, v, np.linalg.eigvals(a)


@pytest.mark.parametrize("dtype", FLOATS)
def test_eig(with_lapack, dtype):
    a = data((6, 6), dtype)  # real matrices of this seed have complex pairs
    w, v, values = compiled(eigs, True)(a)
    want_w, want_v = np.linalg.eig(a)
    complex_dtype = np.result_type(dtype, np.complex64)
    assert w.dtype == v.dtype == values.dtype == complex_dtype
    assert np.iscomplexobj(want_w)
    order, want_order = np.argsort(w), np.argsort(want_w)  # (real, imag) order
    close(w[order], want_w[want_order], dtype)
    close(values, w, dtype)
    unit_columns(v[:, order], want_v[:, want_order], dtype)
    close(a @ v, v * w, dtype)


def test_eig_of_a_real_matrix_with_real_eigenvalues_is_complex(with_lapack):
    a = hermitian(4, np.float64)
    w, v, values = compiled(eigs, True)(a)
    want_w = np.linalg.eigvals(a)
    assert want_w.dtype == np.float64 and w.dtype == np.complex128  # documented difference
    close(np.sort(w.real), np.sort(want_w), np.float64)
    assert not w.imag.any()


def svds(a):
    u, s, vh = np.linalg.svd(a)
    ur, sr, vhr = np.linalg.svd(a, full_matrices=False)
    return u, s, vh, ur, sr, vhr, np.linalg.svd(a, compute_uv=False)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (5, 5), (0, 3)])
def test_svd(with_lapack, dtype, shape):
    a = data(shape, dtype)
    before = a.copy()
    got, want = compiled(svds, True)(a), svds(a)
    np.testing.assert_array_equal(a, before)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, w.shape, g.dtype, w.dtype)
    for k in (1, 4, 6):
        close(got[k], want[k], dtype)
    u, s, vh = got[3], got[4], got[5]
    close((u * s) @ vh, a, dtype)
    k = min(shape)
    unit_columns(got[0][:, :k], want[0][:, :k], dtype)
    unit_columns(got[5].conj().T, want[5].conj().T, dtype)
    close(got[0].conj().T @ got[0], np.eye(shape[0], dtype=dtype), dtype)
    close(got[2] @ got[2].conj().T, np.eye(shape[1], dtype=dtype), dtype)


def lstsqs(a, b, bb):
    return np.linalg.lstsq(a, b), np.linalg.lstsq(a, bb, rcond=1e-3)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(8, 3), (3, 8), (4, 4)])
def test_lstsq(with_lapack, dtype, shape):
    a = data(shape, dtype)
    b, bb = data(shape[0], dtype, 1), data((shape[0], 2), dtype, 2)
    got, want = compiled(lstsqs, True)(a, b, bb), lstsqs(a, b, bb)
    for g, w in zip(got, want):
        close(g[0], w[0], dtype)
        close(g[1], w[1], dtype)
        assert g[2] == w[2]
        close(g[3], w[3], dtype)


def test_lstsq_of_a_rank_deficient_matrix(with_lapack):
    a = data((6, 3), np.float64)
    a[:, 2] = a[:, 0] + a[:, 1]
    b = data(6, np.float64, 1)
    got, want = compiled(lstsqs, True)(a, b, b.reshape(6, 1)), lstsqs(a, b, b.reshape(6, 1))
    assert got[0][2] == want[0][2] == 2 and got[0][1].shape == (0,)
    close(got[0][0], want[0][0], np.float64)


def test_lstsq_incompatible_dimensions(with_lapack):
    with pytest.raises(np.linalg.LinAlgError, match="^Incompatible dimensions$"):
        compiled(lstsqs, True)(np.ones((3, 2)), np.ones(2), np.ones((3, 1)))


def derived(a, s):
    return (np.linalg.pinv(a), np.linalg.pinv(a, 0.5), np.linalg.matrix_rank(a),
            np.linalg.matrix_rank(s), np.linalg.matrix_rank(a, 1.5), np.linalg.cond(s),
            np.linalg.cond(s, 1), np.linalg.cond(s, -np.inf), np.linalg.cond(s, 2),
            np.linalg.cond(s, -2), np.linalg.cond(s, "fro"))


@pytest.mark.parametrize("dtype", FLOATS)
def test_pinv_matrix_rank_cond(with_lapack, dtype):
    a = data((6, 4), dtype)
    s = square(5, dtype)
    s[4] = 0
    s = s + 1e-3 * np.eye(5, dtype=dtype)  # conditioned worse, not singular
    got, want = compiled(derived, True)(a, s), derived(a, s)
    for k, (g, w) in enumerate(zip(got, want)):
        # cond multiplies two norms of an inverse: an error of cond(s) ~ 1e4 ulps
        scale = 1e4 if k >= 5 else 1
        np.testing.assert_allclose(g, w, rtol=tolerance(dtype)["rtol"] * scale,
                                   atol=tolerance(dtype)["atol"])
    v = np.zeros(3)
    assert compiled(derived, True)(a, s)[2] == 4
    assert np.linalg.matrix_rank(v) == compiled(lambda x: np.linalg.matrix_rank(x), True)(v)


def norms(v, a):
    return (np.linalg.norm(v), np.linalg.norm(v, 1), np.linalg.norm(v, 2), np.linalg.norm(v, 3),
            np.linalg.norm(v, 0.5), np.linalg.norm(v, 0), np.linalg.norm(v, np.inf),
            np.linalg.norm(v, -np.inf), np.linalg.norm(a), np.linalg.norm(a, "fro"),
            np.linalg.norm(a, "nuc"), np.linalg.norm(a, 1), np.linalg.norm(a, -1),
            np.linalg.norm(a, 2), np.linalg.norm(a, -2), np.linalg.norm(a, np.inf),
            np.linalg.norm(a, -np.inf), np.linalg.norm(a.T, None))


@pytest.mark.parametrize("dtype", DTYPES)
def test_norms(with_lapack, dtype):
    v, a = data(7, dtype), data((5, 3), dtype, 1)
    got, want = compiled(norms, True)(v, a), norms(v, a)
    work = np.float64 if np.dtype(dtype).kind == "i" else dtype
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, **tolerance(work))


def axis_norms(a):
    return (np.linalg.norm(a, axis=1), np.linalg.norm(a, axis=0), np.linalg.norm(a, 1, -1),
            np.linalg.norm(a, np.inf, 0), np.linalg.norm(a, 3, axis=-2),
            np.linalg.norm(a, axis=None, keepdims=False))


@pytest.mark.parametrize("dtype", [np.float32, np.complex128, np.int64])
def test_norms_along_an_axis(dtype):
    a = data((5, 3), dtype)[:, ::-1]
    work = np.float64 if np.dtype(dtype).kind == "i" else dtype
    got, want = compiled(axis_norms, True)(a), axis_norms(a)
    for g, w in zip(got[:-1], want[:-1]):
        close(g, w, work)
    np.testing.assert_allclose(got[-1], want[-1], **tolerance(work))
    with pytest.raises(np.exceptions.AxisError, match="^axis 2 is out of bounds for array of "
                                                      "dimension 2$"):
        compiled(norm_axis, True)(a, 2)


def norm_axis(x, axis):
    return np.linalg.norm(x, axis=axis)


def norm_ord(x, order):
    return np.linalg.norm(x, order)


def test_invalid_norm_orders(with_lapack):
    with pytest.raises(ValueError, match=r"^Invalid norm order for matrices\.$"):
        compiled(norm_ord, True)(np.ones((2, 2)), 3)
    with pytest.raises(ValueError, match="^Invalid norm order 'fro' for vectors$"):
        compiled(lambda x: np.linalg.norm(x, "fro"), True)(np.ones(2))


# ---- typing errors ---------------------------------------------------------------------

@pytest.mark.parametrize("func, args, message", [
    (inv, (np.ones(3),), r"np.linalg.inv\(\) supports 2-D or 3-D arrays in compiled code; "
                         r"'a' is 1-D"),
    (cholesky, (np.ones((2, 2, 2)),), r"stacks of matrices are not supported"),
    (det, (np.ones((2, 2, 2, 2)),), r"'a' is 4-D .*more than one stacking axis"),
    (solve, (np.eye(2), np.ones((2, 2, 2))), r"'b' is 3-D"),
    (inv, (2.0,), r"argument 'a' must be a 2-D or 3-D array, not float64"),
    (lambda a: np.linalg.norm(a, axis=(0, 1)), (np.ones((2, 2)),), r"an int axis of a 2-D"),
    (lambda a: np.linalg.norm(a, keepdims=True), (np.ones((2, 2)),), r"keepdims=True"),
    (lambda a: np.linalg.qr(a, mode="raw"), (np.ones((2, 2)),), r"argument 'mode' must be"),
])
def test_unsupported_forms_are_typing_errors(func, args, message):
    with pytest.raises(TypingError, match=message):
        ember.njit(func)(*args)


# ---- without SciPy ---------------------------------------------------------------------

LAPACK_ONLY = {
    "cholesky": lambda x: np.linalg.cholesky(x),
    "qr": lambda x: np.linalg.qr(x),
    "eigh": lambda x: np.linalg.eigh(x),
    "eigvals": lambda x: np.linalg.eigvals(x),
    "svd": lambda x: np.linalg.svd(x),
    "lstsq": lambda x: np.linalg.lstsq(x, x),
    "pinv": lambda x: np.linalg.pinv(x),
    "cond": lambda x: np.linalg.cond(x),
}


def test_without_scipy(monkeypatch):
    """solve/inv/det/slogdet/matrix_power use the LU loops; the LAPACK-only functions are
    a TypingError that names SciPy; norms that need an SVD raise at run time."""
    monkeypatch.setattr(lapack, "_capsules", {})  # as if SciPy could not be imported
    monkeypatch.setattr(lapack, "USE_LAPACK", True)
    a, b, bb = square(5, np.float64), data(5, np.float64, 1), data((5, 2), np.float64, 2)
    func = compiled(solvers, "no scipy")
    all_close(func(a, b, bb), solvers(a, b, bb), np.float64)
    assert "ember_lapack_" not in "".join(func.inspect_llvm().values())
    for name, func in LAPACK_ONLY.items():
        with pytest.raises(TypingError, match=rf"np.linalg.{name}\(\) needs SciPy"):
            ember.njit(func)(a)
    close(compiled(norm_ord, "no scipy")(a, 1), np.linalg.norm(a, 1), np.float64)
    with pytest.raises(ValueError, match="need SciPy"):
        compiled(norm_ord, "no scipy")(a, 2)


# ---- empty matrices --------------------------------------------------------------------

EMPTY_CASES = {
    "inv": lambda a: np.linalg.inv(a),
    "det": lambda a: np.linalg.det(a),
    "slogdet": lambda a: np.linalg.slogdet(a),
    "cholesky": lambda a: np.linalg.cholesky(a),
    "eigh": lambda a: np.linalg.eigh(a),
    "eig": lambda a: np.linalg.eig(a),
    "qr": lambda a: np.linalg.qr(a),
    "svd": lambda a: np.linalg.svd(a),
    "pinv": lambda a: np.linalg.pinv(a),
    "lstsq": lambda a: np.linalg.lstsq(a, np.ones((a.shape[0], 2))),
    "matrix_rank": lambda a: np.linalg.matrix_rank(a),
    "norm": lambda a: np.linalg.norm(a),
}


@pytest.mark.parametrize("shape", [(0, 0), (0, 3), (3, 0)])
def test_empty_matrices(with_lapack, shape):
    a = np.zeros(shape)
    for name, func in EMPTY_CASES.items():
        try:
            want = func(a)
        except np.linalg.LinAlgError as exc:
            with pytest.raises(np.linalg.LinAlgError, match=f"^{exc}$"):
                compiled(func, True)(a)
            continue
        got = compiled(func, True)(a)
        got, want = (got, want) if isinstance(want, tuple) else ((got,), (want,))
        for g, w in zip(got, want):
            assert np.shape(g) == np.shape(w), name
            np.testing.assert_allclose(g, w)
