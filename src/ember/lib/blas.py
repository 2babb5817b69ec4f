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
import importlib.machinery
import importlib.util
import os
import sys
import threading

_lock = threading.Lock()
_capsules = None  # routine name -> capsule; {} when SciPy is missing
_registered = {}  # routine name -> symbol name
_keepalive = []  # the module whose function pointers generated code calls


def _load():
    global _capsules
    if _capsules is None:
        module = _cython_blas()
        if module is None:
            _capsules = {}
        else:
            _keepalive.append(module)
            _capsules = dict(module.__pyx_capi__)
    return _capsules


def _cython_blas():
    """scipy.linalg.cython_blas, or None without SciPy."""
    try:
        return extension_module("scipy.linalg.cython_blas")
    except Exception:  # noqa: BLE001 - any import failure means "no BLAS"
        return None


def extension_module(name):
    """SciPy's extension module `name` (scipy.linalg.cython_blas, cython_lapack).

    `import scipy.linalg` costs about 150 ms (all of SciPy's linear algebra);
    the extension module alone needs only the `scipy` package. So unless
    scipy.linalg is imported already, the extension is loaded from its file.
    It is then taken out of sys.modules again: a later import of it goes
    through scipy.linalg as usual and gets this same module object (Cython
    keeps one per process), with the package attribute set. Raises ImportError
    (or any error of the import) without SciPy.
    """
    if "scipy.linalg" not in sys.modules:
        try:
            return _extension_alone(name)
        except Exception:  # noqa: BLE001 - fall back to the ordinary import
            pass
    return importlib.import_module(name)


def _extension_alone(name):
    """Load the extension module `name` without importing its parent package."""
    package, _, leaf = name.rpartition(".")
    top = importlib.util.find_spec(package.partition(".")[0])
    if top is None or not top.submodule_search_locations:
        raise ImportError(name)
    folder = os.path.join(top.submodule_search_locations[0], *package.split(".")[1:])
    paths = [os.path.join(folder, leaf + suffix)
             for suffix in importlib.machinery.EXTENSION_SUFFIXES]
    path = next(p for p in paths if os.path.exists(p))
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    module = importlib.util.module_from_spec(
        importlib.util.spec_from_file_location(name, path, loader=loader))
    loader.exec_module(module)
    if sys.modules.get(name) is module:
        del sys.modules[name]
    return module


def available():
    """Whether SciPy's BLAS can be called (scipy importable, ddot present)."""
    return "ddot" in _load()


def address(routine):
    """The function pointer of a cython_blas routine ('dgemm'), or None."""
    capsule = _load().get(routine)
    return None if capsule is None else capsule_pointer(capsule)


def capsule_pointer(capsule):
    """The pointer a Cython `__pyx_capi__` capsule holds."""
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
