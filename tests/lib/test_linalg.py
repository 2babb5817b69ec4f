"""np.dot, np.matmul (`@`), np.vdot and np.outer in compiled code, compared with
NumPy, on both paths: BLAS (SciPy's cython_blas) and the compiled loops.

Typing is cached per function and argument types, so each path compiles its
own copy of a test function (`compiled`), with ember.lib.linalg.USE_BLAS set
while it compiles.
"""

import os
import subprocess
import sys
import types

import numpy as np
import pytest

import ember
from ember.errors import TypingError
from ember.lib import blas, linalg
from ember.runtime import stats

PATHS = [pytest.param(True, id="blas", marks=pytest.mark.skipif(
    not blas.available(), reason="SciPy's BLAS is not installed")),
    pytest.param(False, id="loops")]
DTYPES = [np.float32, np.float64, np.complex64, np.complex128, np.int32, np.int64]


@pytest.fixture(autouse=True)
def no_leaks():
    before = stats().alive
    yield
    assert stats().alive == before, "compiled code leaked arrays"


@pytest.fixture(params=PATHS)
def use_blas(request, monkeypatch):
    monkeypatch.setattr(linalg, "USE_BLAS", request.param)
    return request.param


_compiled = {}


def compiled(func, use_blas):
    """A dispatcher of a copy of `func` private to one path."""
    key = (func, use_blas)
    if key not in _compiled:
        clone = types.FunctionType(func.__code__, func.__globals__, func.__name__,
                                   func.__defaults__, func.__closure__)
        _compiled[key] = ember.njit(clone)
    return _compiled[key]


def tolerance(dtype):
    dtype = np.dtype(dtype)
    if dtype.kind in "iub":
        return {"rtol": 0, "atol": 0}
    if dtype in (np.float32, np.complex64):
        return {"rtol": 2e-5, "atol": 1e-5}
    return {"rtol": 1e-12, "atol": 1e-12}


def check(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape
        if g.ndim:
            assert g.dtype == w.dtype, (g.dtype, w.dtype)
            assert g.flags.c_contiguous
        np.testing.assert_allclose(g, w, **tolerance(w.dtype))


def data(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind in "iu":
        return rng.integers(-9, 10, size=shape).astype(dtype)
    values = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        values = values + 1j * rng.standard_normal(shape)
    return values.astype(dtype)


# ---- every dtype, every pair of dimensions -----------------------------------------------

def products(a, b, v, w):
    return (np.dot(a, b), np.dot(a, v), np.dot(w, a), np.dot(v, v),
            a @ b, a @ v, np.matmul(w, a), v @ v, np.vdot(v, v), np.vdot(a, a), np.outer(w, v))


SIZES = [(4, 3, 5), (1, 1, 1), (0, 3, 5), (4, 0, 5), (4, 3, 0), (0, 0, 0), (7, 17, 9)]


@pytest.mark.parametrize("dtype", DTYPES)
def test_products_of_every_dtype_and_size(use_blas, dtype):
    if use_blas and np.dtype(dtype).kind == "i":
        pytest.skip("integer products never call BLAS")
    func = compiled(products, use_blas)
    for m, k, n in SIZES:
        args = (data((m, k), dtype), data((k, n), dtype, 1), data(k, dtype, 2),
                data(m, dtype, 3))
        check(func(*args), products(*args))


def test_blas_is_called_only_on_the_blas_path(use_blas):
    a = data((3, 3), np.float64)
    func = compiled(products, use_blas)
    func(a, a, a[0], a[0])
    llvm = "".join(func.inspect_llvm().values())
    for routine in ("ddot", "dgemv", "dgemm"):
        assert (f"ember_blas_{routine}" in llvm) == use_blas


# ---- layouts: C, F, gaps between rows or columns, negative and zero strides -------------

def layout_products(c, f, rows, cols, neg, strided, v, v_step, v_neg, v_zero):
    # every matrix kind on each side of a product; vectors with steps, reversed, broadcast
    return (np.dot(c, f), np.dot(f, rows), rows @ cols, np.dot(cols, neg), neg @ strided,
            np.dot(strided, c), np.dot(f, v_step), rows @ v_neg, np.dot(neg, v_zero),
            np.dot(v_step, cols), v_neg @ f, np.dot(v_zero, strided),
            np.dot(v_step, v_neg), np.vdot(v_zero, v), np.vdot(cols, neg), np.outer(f, v_neg))


@pytest.mark.parametrize("use_blas, dtype", [
    pytest.param(True, np.float64, id="blas-float64", marks=PATHS[0].marks),
    pytest.param(False, np.float64, id="loops-float64")])
def test_layouts(use_blas, dtype, monkeypatch):
    monkeypatch.setattr(linalg, "USE_BLAS", use_blas)
    n = 4
    big = data((3 * n, 3 * n), dtype)
    c = big[:n, :n].copy()
    f = np.asfortranarray(data((n, n), dtype, 1))
    rows = big[:n, :n]  # rows n*3 elements apart: a leading dimension BLAS takes
    cols = np.asfortranarray(big)[:n, :n]
    neg = big[n - 1::-1, ::-1][:n, :n]
    strided = big[::3, ::2][:n, :n]
    vector = data(3 * n, dtype, 2)
    v, v_step, v_neg = vector[:n].copy(), vector[::3], vector[n - 1::-1]
    v_zero = np.broadcast_to(vector[1:2], (n,))
    args = (c, f, rows, cols, neg, strided, v, v_step, v_neg, v_zero)
    kinds = [ember.typeof(x).layout for x in args[:6]]
    assert kinds == ["C", "F", "A", "A", "A", "A"]
    check(compiled(layout_products, use_blas)(*args), layout_products(*args))


def single_rows_and_columns(row, col, x):
    return np.dot(row, x), np.dot(x.T, col), row @ col, np.dot(col, row)


def test_single_rows_and_columns_with_odd_strides(use_blas):
    """Axes of length 1 may have any stride; BLAS must still get a valid leading dimension."""
    base = data((6, 10), np.float64)
    row = np.asfortranarray(base)[:1, ::2]  # shape (1, 5), strides (8, 96)
    col = base[:5, 3:4]  # shape (5, 1), strides (80, 8)
    x = data((5, 3), np.float64, 1)
    check(compiled(single_rows_and_columns, use_blas)(row, col, x),
          single_rows_and_columns(row, col, x))


def dot_in_pieces(x, y, limit):
    return linalg._dot_chunks(x, y, False, limit), linalg._dot_chunks(x, y, True, limit)


@pytest.mark.skipif(not blas.available(), reason="SciPy's BLAS is not installed")
def test_long_vectors_go_to_blas_in_pieces():
    """Vectors longer than a C int are summed in pieces (here pieces of 3)."""
    x, y = data(20, np.complex128)[::2], data(10, np.complex128, 1)[::-1]
    got = ember.njit(dot_in_pieces)(x, y, 3)
    check(got, (np.dot(x, y), np.vdot(x, y)))


# ---- dtypes mixed, scalars ------------------------------------------------------------------

def mixed(i32, i64, f32, f64, c64, b):
    return (np.dot(i32, i32), np.dot(i32, f32), np.dot(f32, f64[0]), np.dot(i64[0], c64),
            np.dot(b, i32), np.vdot(f32, c64), np.outer(b, f32), np.outer(b, b))


@pytest.mark.parametrize("use_blas", [blas.available()])
def test_mixed_dtypes_promote_as_numpy(use_blas, monkeypatch):
    monkeypatch.setattr(linalg, "USE_BLAS", use_blas)
    m = data((3, 3), np.float64)
    args = (m.astype(np.int32) * 10, (m * 10).astype(np.int64), m.astype(np.float32), m,
            (m + 1j).astype(np.complex64), m > 0)
    check(compiled(mixed, use_blas)(*args), mixed(*args))


def scalars(s, a, v, z):
    return np.dot(s, a), np.dot(a, s), np.dot(s, v), np.dot(s, 3), np.dot(z, v), np.dot(2.5, z)


def test_dot_with_scalars(use_blas):
    a, v = data((2, 3), np.float32), data(3, np.int32)
    got = compiled(scalars, use_blas)(2, a, v, 1 + 2j)
    want = scalars(2, a, v, 1 + 2j)
    check(got, want)


def test_vector_products_are_scalars(use_blas):
    v = data(5, np.float64)
    got = compiled(products, use_blas)(v.reshape(1, 5), v.reshape(5, 1), v, v[:1])
    assert isinstance(got[3], float) and isinstance(got[8], float)


def test_ints_wrap_as_numpy():
    square = np.full((2, 2), 2**20, np.int32)
    vector = np.full(2, 2**20, np.int32)
    args = (square, square, vector, vector)
    got = compiled(products, False)(*args)
    assert got[0][0, 0] == np.dot(square, square)[0, 0] == 0  # 2 * 2**40 wraps to 0
    check(got, products(*args))


# ---- errors -----------------------------------------------------------------------------

def dot(a, b):
    return np.dot(a, b)


def matmul(a, b):
    return a @ b


def vdot(a, b):
    return np.vdot(a, b)


def dots(a, b, v, w):
    return np.dot(a, b), np.dot(a, v), np.dot(w, a), np.dot(v, w)


def matmuls(a, b, v, w):
    return a @ b, a @ v, w @ a, v @ w


@pytest.mark.parametrize("shapes", [((2, 3), (2, 3), (3,), (2,)),  # matrix . matrix
                                    ((2, 3), (3, 2), (2,), (2,)),  # matrix . vector
                                    ((2, 3), (3, 2), (3,), (3,)),  # vector . matrix
                                    ((2, 3), (3, 2), (3,), (2,))])  # vector . vector
def test_shape_mismatch_messages_match_numpy(shapes):
    """The shapes are checked before either path runs."""
    args = [np.ones(shape) for shape in shapes]
    for func in (dots, matmuls):
        with pytest.raises(ValueError) as want:
            func(*args)
        with pytest.raises(ValueError) as got:
            compiled(func, False)(*args)
        assert str(got.value) == str(want.value)


def test_dot_message_text():
    with pytest.raises(ValueError, match=r"^shapes \(2,3\) and \(2,3\) not aligned: "
                                         r"3 \(dim 1\) != 2 \(dim 0\)$"):
        compiled(dots, False)(np.ones((2, 3)), np.ones((2, 3)), np.ones(3), np.ones(2))


def test_vdot_size_mismatch(use_blas):
    with pytest.raises(ValueError) as want:
        np.vdot(np.ones(3), np.ones(2))
    with pytest.raises(ValueError) as got:
        compiled(vdot, use_blas)(np.ones(3), np.ones(2))
    assert str(got.value) == str(want.value)


@pytest.mark.parametrize("func, args, message", [
    (dot, (np.ones((2, 2, 2)), np.ones(2)), r"np.dot\(\) supports 1-D and 2-D arrays; "
                                             r"operand 0 is 3-D"),
    (matmul, (2.0, np.ones(2)), r"np.matmul\(\) operand 0 is a scalar"),
    (dot, (np.ones(2, np.bool_), np.ones(2, np.bool_)), r"two bool operands"),
    (vdot, (np.ones(2), 1.0), r"np.vdot\(\) operand 1 is a scalar"),
])
def test_unsupported_arguments_are_typing_errors(func, args, message):
    with pytest.raises(TypingError, match=message):
        ember.njit(func)(*args)


def test_out_argument_is_rejected():
    def with_out(a, b, c):
        return np.dot(a, b, out=c)
    with pytest.raises(TypingError, match="argument 'out' is not supported"):
        ember.njit(with_out)(np.ones(2), np.ones(2), np.ones(2))


def test_without_scipy_the_loops_are_used(monkeypatch):
    monkeypatch.setattr(blas, "_capsules", {})  # as if SciPy could not be imported
    monkeypatch.setattr(linalg, "USE_BLAS", True)
    func = compiled(dot, "no scipy")
    a, b = data((3, 4), np.float64), data((4, 2), np.float64, 1)
    check([func(a, b)], [np.dot(a, b)])
    assert "ember_blas_" not in "".join(func.inspect_llvm().values())


def test_environment_switch():
    code = "import ember.lib.linalg as l; print(l.USE_BLAS)"
    for value, expected in (("0", "False"), ("1", "True")):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, env={**os.environ, "EMBER_BLAS": value}).stdout
        assert out.strip() == expected


def test_blas_pointers_come_without_importing_scipy_linalg():
    # cython_blas is loaded alone (scipy.linalg costs ~150 ms to import); a later
    # import of scipy.linalg works as usual and shares the module.
    pytest.importorskip("scipy")
    code = ("import sys; from ember.lib import blas; assert blas.available(); "
            "assert 'scipy.linalg' not in sys.modules; "
            "import scipy.linalg.cython_blas, numpy as np; "
            "assert scipy.linalg.cython_blas is blas._keepalive[0]; "
            "assert scipy.linalg.solve(np.eye(2), np.ones(2)).tolist() == [1.0, 1.0]")
    subprocess.run([sys.executable, "-c", code], check=True)
