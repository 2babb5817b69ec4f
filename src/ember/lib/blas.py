"""BLAS routines for compiled code, found at compile time in SciPy's
`scipy.linalg.cython_blas.__pyx_capi__` capsules (SciPy is optional).

Each routine a module uses is registered with LLVM under the name
`ember_blas_<routine>` (llvmlite.binding.add_symbol), so generated code
declares and calls it like any C function. cython_blas takes every argument
by pointer, Fortran style, with 32-bit `int` sizes.

This lives in lib/ rather than runtime/ because lib/ may not import runtime/
(tests/test_imports.py); it only looks addresses up, there is no C code.
"""

import ctypes
import threading

_lock = threading.Lock()
_capsules = None  # routine name -> capsule; {} when SciPy is missing
_registered = {}  # routine name -> symbol name
_keepalive = []  # the module whose function pointers generated code calls


def _load():
    global _capsules
    if _capsules is None:
        try:
            from scipy.linalg import cython_blas
        except Exception:  # noqa: BLE001 - any import failure means "no BLAS"
            _capsules = {}
        else:
            _keepalive.append(cython_blas)
            _capsules = dict(cython_blas.__pyx_capi__)
    return _capsules


def available():
    """Whether SciPy's BLAS can be called (scipy importable, ddot present)."""
    return "ddot" in _load()


def address(routine):
    """The function pointer of a cython_blas routine ('dgemm'), or None."""
    capsule = _load().get(routine)
    if capsule is None:
        return None
    get_name = ctypes.pythonapi.PyCapsule_GetName
    get_name.restype, get_name.argtypes = ctypes.c_char_p, [ctypes.py_object]
    get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    get_pointer.restype, get_pointer.argtypes = ctypes.c_void_p, [ctypes.py_object,
                                                                   ctypes.c_char_p]
    return get_pointer(capsule, get_name(capsule))


def symbol(routine):
    """The symbol name generated code may call for `routine`; registered with
    LLVM on first use. Raises LookupError when SciPy does not provide it."""
    with _lock:
        name = _registered.get(routine)
        if name is None:
            pointer = address(routine)
            if not pointer:
                raise LookupError(f"BLAS routine {routine} is not available (is SciPy "
                                  "installed?)")
            import llvmlite.binding as llvm

            name = f"ember_blas_{routine}"
            llvm.add_symbol(name, pointer)
            _registered[routine] = name
        return name
