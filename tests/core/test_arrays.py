"""NumPy array arguments: dtypes, layouts, indexing, bounds checks."""

import numpy as np
import pytest

import ember

DTYPES = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
          np.uint64, np.float32, np.float64, np.complex64, np.complex128]


@ember.njit
def total(a):
    s = a[0] * 0
    for i in range(a.shape[0]):
        s += a[i]
    return s


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_dtype_reads(dtype):
    a = (np.arange(1, 8) % 3).astype(dtype)
    assert total(a) == total.py_func(a)


@ember.njit
def sum2d(a):
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            s += a[i, j]
    return s


@pytest.mark.parametrize("make", [
    lambda b: b, lambda b: b.T, lambda b: b[::2, 1::3], lambda b: np.asfortranarray(b),
    lambda b: b[:, ::-1],
])
def test_layouts_c_f_strided(make):
    a = make(np.arange(42.0).reshape(6, 7))
    assert sum2d(a) == a.sum()


@ember.njit
def attrs(a):
    return a.shape, a.ndim, a.size, len(a), a.strides, a.itemsize, a.nbytes


def test_array_attributes():
    for a in (np.zeros((3, 4, 5)), np.zeros(7, np.int16), np.zeros((2, 3))[:, ::2]):
        assert attrs(a) == (a.shape, a.ndim, a.size, len(a), a.strides, a.itemsize, a.nbytes)


@ember.njit
def write(a, i, j, v):
    a[i, j] = v
    a[-1, -1] += v
    return a[i, j]



def dtype_questions(a, b):
    return (a.dtype == np.int64, a.dtype == np.float64, a.dtype != np.float32,
            a.dtype == "float64", a.dtype.type is np.float64, a.dtype == b.dtype,
            a.dtype is not b.dtype, np.int32 == a.dtype)


@pytest.mark.parametrize("dtypes", [("f8", "f4"), ("i8", "i8"), ("f4", "f4"), ("i4", "f8")])
def test_dtype_comparisons_are_decided_while_compiling(dtypes):
    a, b = (np.ones(2, dtype=d) for d in dtypes)
    assert ember.njit(dtype_questions)(a, b) == dtype_questions(a, b)


@pytest.mark.parametrize("dtype", [np.int32, np.float32, np.float64, np.complex128])
def test_element_and_augmented_assignment(dtype):
    a = np.zeros((3, 4), dtype=dtype)
    b = a.copy()
    write(a, 1, 2, 5)
    write.py_func(b, 1, 2, 5)
    np.testing.assert_array_equal(a, b)


def test_bool_arrays_store_and_load():
    @ember.njit
    def flip(a):
        for i in range(len(a)):
            a[i] = not a[i]
    a = np.array([True, False, True])
    flip(a)
    assert a.tolist() == [False, True, False]


@ember.njit
def get(a, i):
    return a[i]


def test_negative_indices_and_bounds_errors():
    a = np.arange(5.0)
    assert get(a, -1) == 4.0 and get(a, -5) == 0.0
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 with size 5"):
        get(a, 5)
    with pytest.raises(IndexError):
        get(a, -6)


def test_boundscheck_false_removes_checks():
    @ember.njit(boundscheck=False)
    def unchecked(a, i):
        return a[i]
    a = np.arange(5.0)
    assert unchecked(a, 2) == 2.0 and unchecked(a, -1) == 4.0
    assert "IndexError" not in str(unchecked.inspect_llvm(unchecked.signatures[0]))


def test_redundant_checks_pass_keeps_loops_check_free():
    @ember.njit
    def summed(a):
        s = 0.0
        for i in range(len(a)):
            s += a[i]
        return s
    summed(np.arange(4.0))
    llvm = summed.inspect_llvm(summed.signatures[0])
    assert "out of bounds" not in llvm  # the only index is provably in range


def test_rows_iteration_and_subarrays():
    @ember.njit
    def row_sums(a):
        out = 0.0
        for row in a:
            for v in row:
                out += v
        return out + a[1][2] + a[1, 2]
    a = np.arange(12.0).reshape(3, 4)
    assert row_sums(a) == row_sums.py_func(a)


def test_slicing_views_share_memory():
    @ember.njit
    def fill(a):
        v = a[1:-1:2]
        for i in range(len(v)):
            v[i] = 9
        return len(v), a[::-1][0], a[-3:][0]
    a = np.arange(10)
    b = a.copy()
    assert fill(a) == fill.py_func(b)
    np.testing.assert_array_equal(a, b)


def test_global_arrays_are_read_only_constants():
    weights = np.array([1.0, 2.0, 3.0])

    @ember.njit
    def dot(a):
        s = 0.0
        for i in range(3):
            s += a[i] * weights[i]
        return s
    assert dot(np.ones(3)) == 6.0

    @ember.njit
    def mutate():
        weights[0] = 5.0
    with pytest.raises(ember.errors.TypingError, match="read-only"):
        mutate()


def test_readonly_argument_arrays_are_accepted_for_reading():
    a = np.arange(4.0)
    a.setflags(write=False)
    assert total(a) == 6.0


def test_large_index_arithmetic_is_64_bit():
    @ember.njit
    def offset(a, i, j):
        return a[i, j]
    big = np.lib.stride_tricks.as_strided(np.zeros(1), shape=(2**20, 2**20), strides=(0, 0))
    assert offset(big, 2**20 - 1, 2**20 - 1) == 0.0
