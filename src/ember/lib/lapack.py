"""LAPACK routines for compiled code: SciPy's `scipy.linalg.cython_lapack`
function pointers (SciPy is optional), declared and called from a table.

Each routine family below is one entry: its argument kinds, and the names of
its real and complex routines. Compiled code calls the family's stub
(`getrf(m, n, a, lda, ipiv)`); the prefix (s, d, c, z) comes from the dtype
of the first array argument, and the routine's `info` comes back as an int64.
The argument kinds, in the order LAPACK takes them:

- `c`: a character option (`'N'`, `'V'`, `'L'`...), given as its code (the
  constants below: `V`, `N`...);
- `i`: an int64 size, passed to LAPACK as a 32-bit int;
- `r`: a real scalar (rcond), passed as the routine's real type;
- `a`: an array, passed as its data pointer. LAPACK reads and writes it in
  Fortran order and overwrites it: callers pass arrays they own (copies).

Every argument goes by pointer; `info`, the last one, is added here. Routines
are registered with LLVM as `ember_lapack_<routine>` on first use.

`USE_LAPACK` (the `EMBER_BLAS` setting, read in `ember.config`) and
`available()` decide, when a call is typed, whether np.linalg functions use
LAPACK: tests flip the flag, or empty `_capsules` to act as if SciPy were
missing, and compile fresh functions.
"""

import threading

from llvmlite import ir

from ember import config
from ember.codegen import models as m
from ember.lib import blas
from ember.types import core as t
from ember.typing.registry import Impl, register

USE_LAPACK = config.USE_BLAS
INT_MAX = 2**31 - 1  # cython_lapack sizes are C ints

# Character options, as compiled code passes them.
A, L, N, S, T, U, V = (ord(c) for c in "ALNSTUV")

_lock = threading.Lock()
_capsules = None  # routine name -> capsule; {} when SciPy is missing
_registered = {}  # routine name -> symbol name
_keepalive = []
_PREFIX = {t.float32: "s", t.float64: "d", t.complex64: "c", t.complex128: "z"}


def _load():
    global _capsules
    if _capsules is None:
        module = None
        try:
            module = blas.extension_module("scipy.linalg.cython_lapack")
        except Exception:  # noqa: BLE001 - any import failure means "no LAPACK"
            module = None
        if module is None:
            _capsules = {}
        else:
            _keepalive.append(module)
            _capsules = dict(module.__pyx_capi__)
    return _capsules


def available():
    """Whether SciPy's LAPACK can be called (scipy importable, dgetrf present)."""
    return "dgetrf" in _load()


def enabled():
    """Whether np.linalg functions compiled now use LAPACK."""
    return USE_LAPACK and available()


def _symbol(routine):
    with _lock:
        name = _registered.get(routine)
        if name is None:
            capsule = _load().get(routine)
            if capsule is None:
                raise LookupError(f"LAPACK routine {routine} is not available (is SciPy "
                                  "installed?)")
            import llvmlite.binding as llvm

            name = f"ember_lapack_{routine}"
            llvm.add_symbol(name, blas.capsule_pointer(capsule))
            _registered[routine] = name
        return name


# family -> (argument kinds, real routine, complex routine); the names without prefix.
_FAMILIES = {
    "gesv": ("iiaiaai", "gesv", "gesv"),  # n nrhs A lda ipiv B ldb
    "getrf": ("iiaia", "getrf", "getrf"),  # m n A lda ipiv
    "getri": ("iaiaai", "getri", "getri"),  # n A lda ipiv work lwork
    "getrs": ("ciiaiaai", "getrs", "getrs"),  # trans n nrhs A lda ipiv B ldb
    "potrf": ("ciai", "potrf", "potrf"),  # uplo n A lda
    "geqrf": ("iiaiaai", "geqrf", "geqrf"),  # m n A lda tau work lwork
    "orgqr": ("iiiaiaai", "orgqr", "ungqr"),  # m n k A lda tau work lwork
    # jobz uplo n A lda w work lwork iwork liwork
    "syevd": ("cciaiaaiai", "syevd", None),
    # jobz uplo n A lda w work lwork rwork lrwork iwork liwork
    "heevd": ("cciaiaaiaiai", None, "heevd"),
    # jobz m n A lda s U ldu VT ldvt work lwork iwork
    "gesdd_real": ("ciiaiaaiaiaia", "gesdd", None),
    # jobz m n A lda s U ldu VT ldvt work lwork rwork iwork
    "gesdd_complex": ("ciiaiaaiaiaiaa", None, "gesdd"),
    # m n nrhs A lda B ldb s rcond rank work lwork iwork
    "gelsd_real": ("iiiaiaiaraaia", "gelsd", None),
    # m n nrhs A lda B ldb s rcond rank work lwork rwork iwork
    "gelsd_complex": ("iiiaiaiaraaiaa", None, "gelsd"),
    # jobvl jobvr n A lda wr wi VL ldvl VR ldvr work lwork
    "geev_real": ("cciaiaaaiaiai", "geev", None),
    # jobvl jobvr n A lda w VL ldvl VR ldvr work lwork rwork
    "geev_complex": ("cciaiaaiaiaia", None, "geev"),
}


def _routine_name(family, dtype):
    kinds, real, complex_ = _FAMILIES[family]
    name = complex_ if isinstance(dtype, t.Complex) else real
    return None if name is None else _PREFIX[dtype] + name


def _typer(family):
    kinds = _FAMILIES[family][0]

    def typer(args, kws):
        """(internal)"""
        if kws or len(args) != len(kinds):
            return None
        arrays = [a for a, k in zip(args, kinds) if k == "a"]
        if not all(isinstance(a, t.Array) for a in arrays) or arrays[0].dtype not in _PREFIX:
            return None
        dtype = arrays[0].dtype
        routine = _routine_name(family, dtype)
        if routine is None:
            return None
        real = dtype.part if isinstance(dtype, t.Complex) else dtype
        arg_types = [a if k == "a" else real if k == "r" else t.int64
                     for a, k in zip(args, kinds)]

        def emit(cg, values):
            return _call(cg, routine, kinds, values, real)
        return Impl(t.int64, arg_types, emit=emit)
    return typer


def _call(cg, routine, kinds, values, real):
    """Call `routine` with each value by reference; its info as an i64."""
    bld = cg.builder
    name = _symbol(routine)
    fn = cg.module.llvm.globals.get(name)
    if fn is None:
        fn = ir.Function(cg.module.llvm, ir.FunctionType(m.void, [m.i8p] * (len(kinds) + 1)),
                         name)
    refs = []
    for kind, value in zip(kinds, values):
        if kind == "a":
            refs.append(bld.bitcast(bld.extract_value(value, m.ARRAY_DATA), m.i8p))
            continue
        if kind == "c":
            value = bld.trunc(value, m.i8)
        elif kind == "i":
            value = bld.trunc(value, m.i32)
        slot = cg.alloca(value.type)
        bld.store(value, slot)
        refs.append(bld.bitcast(slot, m.i8p))
    info = cg.alloca(m.i32)
    bld.store(ir.Constant(m.i32, 0), info)
    bld.call(fn, refs + [bld.bitcast(info, m.i8p)])
    return bld.sext(bld.load(info), m.i64)


def _stub(family):
    def stub(*args):
        raise NotImplementedError("compiled code only")
    stub.__name__ = stub.__qualname__ = family
    stub.__doc__ = f"Compiled code only: LAPACK ?{family}; returns info."
    register(stub)(_typer(family))
    return stub


gesv = _stub("gesv")
getrf = _stub("getrf")
getri = _stub("getri")
getrs = _stub("getrs")
potrf = _stub("potrf")
geqrf = _stub("geqrf")
orgqr = _stub("orgqr")
syevd = _stub("syevd")
heevd = _stub("heevd")
gesdd_real = _stub("gesdd_real")
gesdd_complex = _stub("gesdd_complex")
gelsd_real = _stub("gelsd_real")
gelsd_complex = _stub("gelsd_complex")
geev_real = _stub("geev_real")
geev_complex = _stub("geev_complex")
