"""The CPython C API as compiled code sees it: symbol addresses for the JIT,
object layouts, and turning a native entry point into a builtin function."""

import ctypes

import numpy as np

# Functions the generated entry wrappers call.
C_API = (
    "PyLong_AsLongLongAndOverflow", "PyLong_AsUnsignedLongLong", "PyLong_FromLongLong",
    "PyLong_FromUnsignedLongLong", "PyFloat_FromDouble", "PyComplex_FromDoubles",
    "PyBool_FromLong", "PyTuple_New", "PyTuple_SetItem", "PyErr_Format", "PyErr_SetNone",
    "PyErr_Occurred", "PyErr_Clear", "Py_IncRef", "Py_DecRef", "PyType_IsSubtype",
    "PyObject_Vectorcall", "PyErr_SetObject", "PyCapsule_New", "PyCapsule_GetPointer",
    "PyErr_NoMemory", "PyType_GenericAlloc", "PyGILState_Ensure", "PyGILState_Release",
    "PyGILState_Check",
)

# CPython 3.10-3.13 (64-bit) object layouts, checked by tests/runtime.
OB_TYPE = 8
SCALAR_VALUE = 16      # PyFloatObject.ob_fval, PyComplexObject.cval, NumPy scalars' obval
TUPLE_SIZE = 16
TUPLE_ITEMS = 24
CAPSULE_POINTER = 16   # PyCapsule.pointer
BOX_CAPSULE = 16       # the one slot of a @jitclass box (ember.jitclasses.boxing.Box)
# NumPy 2 PyArrayObject and PyArray_Descr fields.
ARRAY_DATA, ARRAY_NDIM, ARRAY_DIMS, ARRAY_STRIDES = 16, 24, 32, 40
ARRAY_DESCR, ARRAY_FLAGS = 56, 64
DESCR_BYTEORDER, DESCR_TYPE_NUM = 26, 28
NPY_C_CONTIGUOUS, NPY_F_CONTIGUOUS, NPY_WRITEABLE = 0x1, 0x2, 0x400


def symbol_addresses():
    return {name: ctypes.cast(getattr(ctypes.pythonapi, name), ctypes.c_void_p).value
            for name in C_API}


def type_nums(dtype):
    """Every NumPy type number meaning `dtype` (int64 is both 'l' and 'q' on Linux)."""
    dtype = np.dtype(dtype)
    return sorted({np.dtype(c).num for c in np.typecodes["All"]
                   if c not in "OSUVMm" and np.dtype(c) == dtype})


class _PyMethodDef(ctypes.Structure):
    _fields_ = [("ml_name", ctypes.c_char_p), ("ml_meth", ctypes.c_void_p),
                ("ml_flags", ctypes.c_int), ("ml_doc", ctypes.c_char_p)]


METH_KEYWORDS, METH_FASTCALL = 0x2, 0x80
_new_cfunction = ctypes.pythonapi.PyCFunction_NewEx
_new_cfunction.restype = ctypes.py_object
_new_cfunction.argtypes = [ctypes.c_void_p, ctypes.py_object, ctypes.py_object]


def make_builtin(name, address, keepalive, self_object=None, keywords=False):
    """A builtin function object calling the native `address` (METH_FASTCALL).

    The method definition must outlive the function: it goes into `keepalive`.
    `self_object` is what the native function receives as its first argument.
    """
    flags = METH_FASTCALL | (METH_KEYWORDS if keywords else 0)
    method_def = _PyMethodDef(name.encode(), address, flags, None)
    keepalive.append(method_def)
    return _new_cfunction(ctypes.addressof(method_def), self_object, None)


# NumPy C API functions the entry wrapper calls, by index in the _ARRAY_API table
# (numpy/__multiarray_api.h).
NUMPY_API = {"PyArray_DescrFromType": 45, "PyArray_NewFromDescr": 94,
             "PyArray_SetBaseObject": 282}


def numpy_api_addresses():
    """ember_<name> -> address of each NumPy C API function compiled code calls."""
    from numpy._core import _multiarray_umath

    capsule = _multiarray_umath._ARRAY_API
    get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    get_pointer.restype = ctypes.c_void_p
    get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    table = ctypes.cast(get_pointer(capsule, None), ctypes.POINTER(ctypes.c_void_p))
    return {f"ember_{name}": table[index] for name, index in NUMPY_API.items()}
