"""@vectorize and @guvectorize: compiled scalar (or core) kernels turned into
real NumPy ufuncs through NumPy's C API.

    signatures.py  signature strings/objects and gufunc layouts -> ember types
    loops.py       the LLVM inner loop NumPy calls, around the compiled kernel
    capi.py        PyUFunc_FromFuncAndData(AndSignature) through ctypes
    ufuncs.py      eager ufuncs, the dynamic ufunc, calls from compiled code

Nothing here loads at `import ember`: the decorators import it on use.
"""
