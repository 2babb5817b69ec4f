"""The CPython and NumPy object layouts the generated entry code reads."""

import ctypes

import numpy as np

from ember.codegen import trampoline
from ember.runtime import cpython as capi


def read(address, ctype):
    return ctype.from_address(address).value


def test_array_fields():
    a = np.arange(12.0).reshape(3, 4)[:, ::2]
    base = id(a)
    assert read(base + capi.ARRAY_DATA, ctypes.c_void_p) == a.ctypes.data
    assert read(base + capi.ARRAY_NDIM, ctypes.c_int32) == 2
    dims = read(base + capi.ARRAY_DIMS, ctypes.c_void_p)
    strides = read(base + capi.ARRAY_STRIDES, ctypes.c_void_p)
    assert [read(dims + 8 * k, ctypes.c_int64) for k in range(2)] == list(a.shape)
    assert [read(strides + 8 * k, ctypes.c_int64) for k in range(2)] == list(a.strides)
    descr = read(base + capi.ARRAY_DESCR, ctypes.c_void_p)
    assert descr == id(a.dtype)
    assert read(descr + capi.DESCR_TYPE_NUM, ctypes.c_int32) == a.dtype.num
    flags = read(base + capi.ARRAY_FLAGS, ctypes.c_int32)
    assert bool(flags & capi.NPY_WRITEABLE) and not flags & capi.NPY_C_CONTIGUOUS


def test_scalar_and_tuple_fields():
    value = 2.75
    assert read(id(value) + capi.SCALAR_VALUE, ctypes.c_double) == value
    assert read(id(np.float32(1.5)) + capi.SCALAR_VALUE, ctypes.c_float) == 1.5
    tup = (10, 20)
    assert read(id(tup) + capi.TUPLE_SIZE, ctypes.c_int64) == 2
    assert read(id(tup) + capi.TUPLE_ITEMS + 8, ctypes.c_void_p) == id(tup[1])
    assert read(id(value) + capi.OB_TYPE, ctypes.c_void_p) == id(float)


def test_builtin_function_fields():
    method_def = read(id(len) + trampoline.CFUNCTION_ML, ctypes.c_void_p)
    name = read(method_def, ctypes.c_char_p)
    assert name == b"len"
    assert read(method_def + trampoline.METHODDEF_METH, ctypes.c_void_p)


def test_int64_type_numbers_cover_long_and_longlong():
    nums = capi.type_nums(np.int64)
    assert np.dtype("l").num in nums and np.dtype("q").num in nums
