"""NumPy's ufunc C API through ctypes: a ufunc object from compiled loops.

The functions come from the capsule `numpy._core._multiarray_umath._UFUNC_API`,
by their index in NumPy's ufunc API table (numpy/__ufunc_api.h):
PyUFunc_FromFuncAndData is entry 1, PyUFunc_FromFuncAndDataAndSignature 31.
The ufunc keeps pointers to the loop, data and type arrays and to its name and
doc strings; a tuple holding all of them becomes the ufunc's `obj` field,
which NumPy releases when the ufunc is deallocated.
"""

import ctypes

import numpy as np

FROM_FUNC_AND_DATA = 1
FROM_FUNC_AND_DATA_AND_SIGNATURE = 31
# PyUFuncObject (numpy/ufuncobject.h, 64-bit): PyObject_HEAD, nin, nout,
# nargs, identity, functions, data, ntypes, reserved1, name, types, doc, ptr,
# then `PyObject *obj`.
UFUNC_OBJ_OFFSET = 88

IDENTITIES = {0: 0, 1: 1, "reorderable": -2, None: -1}  # PyUFunc_Zero/One/ReorderableNone/None

_ARGS = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
         ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
_table = []


def _api(index, extra=()):
    if not _table:
        from numpy._core import _multiarray_umath

        get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
        get_pointer.restype = ctypes.c_void_p
        get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
        address = get_pointer(_multiarray_umath._UFUNC_API, None)
        _table.append(ctypes.cast(address, ctypes.POINTER(ctypes.c_void_p)))
    prototype = ctypes.PYFUNCTYPE(ctypes.py_object, *_ARGS, *extra)
    return prototype(_table[0][index])


def identity_code(identity):
    try:
        return IDENTITIES[identity]
    except (KeyError, TypeError):
        raise ValueError(f"identity must be 0, 1, 'reorderable' or None, not {identity!r}"
                         ) from None


def make_ufunc(name, doc, loops, nin, nout, identity=None, layout=None, keepalive=()):
    """A new np.ufunc. `loops` is a list of (loop address, dtypes of the
    nin + nout arguments); `layout` a gufunc signature such as "(n)->()"."""
    ntypes = len(loops)
    functions = (ctypes.c_void_p * ntypes)(*[address for address, _ in loops])
    data = (ctypes.c_void_p * ntypes)()
    types = (ctypes.c_char * (ntypes * (nin + nout)))(
        *[bytes([np.dtype(d).num]) for _, dtypes in loops for d in dtypes])
    name_buffer = ctypes.create_string_buffer(name.encode())
    doc_buffer = ctypes.create_string_buffer((doc or "").encode())
    args = [ctypes.addressof(functions), ctypes.addressof(data), ctypes.addressof(types),
            ntypes, nin, nout, identity_code(identity), name_buffer, doc_buffer, 0]
    if layout is None:
        ufunc = _api(FROM_FUNC_AND_DATA)(*args)
    else:
        layout_buffer = ctypes.create_string_buffer(layout.encode())
        keepalive = (*keepalive, layout_buffer)
        ufunc = _api(FROM_FUNC_AND_DATA_AND_SIGNATURE, [ctypes.c_char_p])(*args, layout_buffer)
    _hold(ufunc, (functions, data, types, name_buffer, doc_buffer, *keepalive))
    return ufunc


def _hold(ufunc, objects):
    """Make `objects` live exactly as long as `ufunc` (its `obj` field)."""
    slot = ctypes.c_void_p.from_address(id(ufunc) + UFUNC_OBJ_OFFSET)
    assert slot.value is None, "PyUFuncObject layout changed"
    holder = tuple(objects)
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(holder))
    slot.value = id(holder)
