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

A kind marked `+` goes to the complex routine only (rwork), `-` to the real
one only (geev's wi): compiled code passes every argument, so that one
implementation serves real and complex dtypes.

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


# family -> (argument kinds, real routine, complex routine), names without the prefix.
# A kind marked + is passed to the complex routine only, - to the real one only:
# compiled code passes them all (a dummy where unused) and one implementation
# serves both.
_FAMILIES = {
    "gesv": ("i i a i a a i", "gesv", "gesv"),  # n nrhs A lda ipiv B ldb
    "getrf": ("i i a i a", "getrf", "getrf"),  # m n A lda ipiv
    "getri": ("i a i a a i", "getri", "getri"),  # n A lda ipiv work lwork
    "potrf": ("c i a i", "potrf", "potrf"),  # uplo n A lda
    "geqrf": ("i i a i a a i", "geqrf", "geqrf"),  # m n A lda tau work lwork
    "orgqr": ("i i i a i a a i", "orgqr", "ungqr"),  # m n k A lda tau work lwork
    # jobz uplo n A lda w work lwork rwork lrwork iwork liwork
    "syevd": ("c c i a i a a i +a +i a i", "syevd", "heevd"),
    # jobz m n A lda s U ldu VT ldvt work lwork rwork iwork
    "gesdd": ("c i i a i a a i a i a i +a a", "gesdd", "gesdd"),
    # m n nrhs A lda B ldb s rcond rank work lwork rwork iwork
    "gelsd": ("i i i a i a i a r a a i +a a", "gelsd", "gelsd"),
    # jobvl jobvr n A lda w(r) wi VL ldvl VR ldvr work lwork rwork
    "geev": ("c c i a i a -a a i a i a i +a", "geev", "geev"),
}


def _routine_name(family, dtype):
    kinds, real, complex_ = _FAMILIES[family]
    return _PREFIX[dtype] + (complex_ if isinstance(dtype, t.Complex) else real)


def _typer(family):
    tokens = _FAMILIES[family][0].split()

    def typer(args, kws):
        """(internal)"""
        if kws or len(args) != len(tokens):
            return None
        arrays = [a for a, k in zip(args, tokens) if k.endswith("a")]
        if not all(isinstance(a, t.Array) for a in arrays) or arrays[0].dtype not in _PREFIX:
            return None
        dtype = arrays[0].dtype
        complex_ = isinstance(dtype, t.Complex)
        routine = _routine_name(family, dtype)
        real = dtype.part if complex_ else dtype
        arg_types = [a if k.endswith("a") else real if k == "r" else t.int64
                     for a, k in zip(args, tokens)]
        passed = [not (k[0] == "+" and not complex_ or k[0] == "-" and complex_)
                  for k in tokens]
        kinds = "".join(k[-1] for k, keep in zip(tokens, passed) if keep)

        def emit(cg, values):
            return _call(cg, routine, kinds, [v for v, keep in zip(values, passed) if keep])
        return Impl(t.int64, arg_types, emit=emit)
    return typer


def _call(cg, routine, kinds, values):
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
potrf = _stub("potrf")
geqrf = _stub("geqrf")
orgqr = _stub("orgqr")
syevd = _stub("syevd")
gesdd = _stub("gesdd")
gelsd = _stub("gelsd")
geev = _stub("geev")


def is_complex(dtype):
    """Compiled code only: whether a dtype is complex (a constant)."""
    raise NotImplementedError


@register(is_complex)
def _type_is_complex(args, kws):
    """(internal)"""
    from ember.lib.dtypes import dtype_type

    value = isinstance(dtype_type(args[0]), t.Complex)
    return Impl(t.boolean, args, emit=lambda cg, values: ir.Constant(m.i1, value))
