"""Matrix construction and index queries in compiled code (lib/matrices.py),
compared with NumPy on several dtypes, shapes and layouts, with leak checks.
Each wrapper is compiled once per signature and reused across shapes."""

import numpy as np
import pytest

import ember
from ember.errors import TypingError
from ember.runtime import stats


@pytest.fixture(autouse=True)
def no_leaks():
    before = stats().alive
    yield
    assert stats().alive == before, "compiled code leaked arrays"


def same(got, want):
    """Equal values, dtypes and shapes, through nested tuples."""
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            same(g, w)
        return
    np.testing.assert_array_equal(got, want, strict=True)


def check(jitted, *args):
    same(jitted(*args), jitted.py_func(*args))


@ember.njit
def constructed(n):
    return (np.eye(n), np.eye(n, n + 2, 1, np.int32), np.eye(n, k=-1, dtype=np.bool_),
            np.eye(n, 2, -5), np.eye(n, M=None, k=n), np.identity(n),
            np.identity(n, np.complex128), np.eye(n, dtype="float32"))


@pytest.mark.parametrize("n", [0, 1, 4])
def test_eye_and_identity(n):
    check(constructed, n)


def test_negative_size_raises_value_error():
    with pytest.raises(ValueError, match="negative dimensions are not allowed"):
        constructed(-1)


@ember.njit
def matrix_ops(a, v):
    return (np.triu(a), np.tril(a), np.triu(a, 1), np.tril(a, -1), np.triu(a, -9),
            np.tril(v, 1), np.triu(v), np.diag(v), np.diag(v, 2), np.diag(v, -1), np.diag(a),
            np.diag(a, 1), np.diag(a, -2), np.diag(a, 7), np.trace(a), a.trace(-1),
            np.nonzero(a), a.nonzero(), np.nonzero(v), np.where(a), np.where(v),
            np.where(a != 0, a, 0))


def int_c(shape):
    return np.arange(np.prod(shape), dtype=np.int64).reshape(shape) % 4


@pytest.mark.parametrize("shape", [(3, 4), (4, 3), (1, 1), (0, 3), (2, 0)])
def test_matrix_ops_on_c_arrays(shape):
    check(matrix_ops, int_c(shape), int_c(shape[1:]))


def test_matrix_ops_on_fortran_and_strided_arrays():
    a = np.asfortranarray(int_c((3, 4)) * 0.5)
    v = np.arange(10.0)[::3] % 2
    check(matrix_ops, a, v)


def test_matrix_ops_on_bool_and_complex():
    a = int_c((6, 8))[::2, ::2] == 1
    v = np.array([1j, 0, 2 + 0j, 0j])
    check(matrix_ops, a, v)


def test_triangles_of_stacked_matrices():
    @ember.njit
    def stacked(a):
        return np.triu(a, 1), np.tril(a)
    check(stacked, np.arange(24.0).reshape(2, 3, 4))


@ember.njit
def grids(x, y, z):
    return (np.meshgrid(x), np.meshgrid(x, y), np.meshgrid(x, y, indexing="ij"),
            np.meshgrid(x, y, z), np.meshgrid(x, y, z, indexing="ij"))


@pytest.mark.parametrize("sizes", [(3, 2, 4), (1, 1, 1), (0, 2, 1)])
def test_meshgrid(sizes):
    x, y, z = (np.arange(n) for n in sizes)
    check(grids, x, y * 0.5, (z + 1j)[::-1])


def diag_3d(a):
    return np.diag(a.reshape((1, 1, a.size)))


def trace_1d(a):
    return np.trace(a)


def nonzero_0d(a):
    return np.nonzero(np.zeros(()))


def meshgrid_bad_indexing(a):
    return np.meshgrid(a, a, indexing="yx")


def meshgrid_sparse(a):
    return np.meshgrid(a, a, sparse=True)


def eye_float_columns(a):
    return np.eye(2, 1.5)


def triu_scalar(a):
    return np.triu(a[0])


@pytest.mark.parametrize("func, message", [
    (diag_3d, "Input must be 1- or 2-d"),
    (trace_1d, "supports 2-D arrays only"),
    (nonzero_0d, "Calling nonzero on 0d arrays is not allowed"),
    (meshgrid_bad_indexing, "Valid values for `indexing` are 'xy' and 'ij'"),
    (meshgrid_sparse, "keyword 'sparse' is not supported"),
    (eye_float_columns, "argument 'M' must be an int or None"),
    (triu_scalar, "argument 'm' must be an array"),
])
def test_unsupported_arguments_are_typing_errors(func, message):
    with pytest.raises(TypingError, match=message):
        ember.njit(func)(np.ones(1))
