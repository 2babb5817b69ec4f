"""Products of vectors and matrices: np.dot, np.matmul (and so `a @ b`),
np.vdot and np.outer on scalars, 1-D and 2-D arrays.

float32, float64, complex64 and complex128 products call BLAS (?dot, ?dotu,
?dotc, ?gemv, ?gemm) through SciPy's cython_blas function pointers
(ember.lib.blas) when SciPy is importable; integer results, and every dtype
when SciPy is missing or BLAS is switched off, use compiled loops written
below as plain Python (C-contiguous copies of strided operands, i-k-j loop
order so that the innermost loop streams along rows, four partial sums in
vector products). Mixed dtypes are first converted to NumPy's result type
(`np.result_type`, so int32 . int32 stays int32 and wraps as NumPy does);
results are new C-contiguous arrays, and np.dot/np.matmul/np.vdot of two
vectors give a scalar. Shape errors raise NumPy's ValueError messages.

Which path is taken is decided when a call is typed (compiled):

- `EMBER_BLAS=0` in the environment (read once, when this module is first
  imported) turns BLAS off;
- `ember.lib.linalg.USE_BLAS` is the same switch as a module flag. Typing is
  cached per function and argument types, so flipping it affects functions
  compiled afterwards for new argument types (tests compile a fresh copy of
  a function per path).

BLAS layouts: an operand whose memory BLAS can read as a column-major matrix
(C- or F-contiguous, or rows/columns with a gap: any positive leading
dimension) is passed as is with the matching transpose flag; other strides
(negative, zero, not unit along either axis) are copied to C order first.
Contiguous operands reach the implementations typed 'C' or 'F', so the
copy is compiled only for strided ('A') operands. cython_blas takes C int
sizes: vector products go in pieces; a matrix dimension beyond 2**31 - 1
raises ValueError on the BLAS path.

The "shapes ... not aligned" message of np.dot has more numbers than the
exception record holds (three), so it is formatted with snprintf into a
buffer of the compiled module: two threads failing in the same module at
the same moment could see each other's message.
"""

import functools
import platform

import numpy as np
from llvmlite import ir

from ember import config
from ember.codegen import indexing, refcount
from ember.codegen import models as m
from ember.errors import TypingError
from ember.lib import blas
from ember.lib.creation import copy_array
from ember.lib.dtypes import dtype_type
from ember.types import core as t
from ember.types.typeof import from_dtype, to_dtype
from ember.typing.registry import LIBRARY_OPTIONS, Impl, bind, register

USE_BLAS = config.USE_BLAS

# ?dotu/?dotc return a complex value; declared with the x86-64 C ABI, so
# elsewhere complex vector products use the compiled loop.
_COMPLEX_RETURN_ABI = platform.machine().lower() in ("x86_64", "amd64")

_INT_MAX = 2**31 - 1  # cython_blas sizes are C ints
_NUMBERS = (t.Integer, t.Float, t.Complex, t.Boolean)
_BLAS_PREFIX = {t.float32: "s", t.float64: "d", t.complex64: "c", t.complex128: "z"}


def _blas_on():
    return USE_BLAS and blas.available()


# ---- intrinsics the implementations below call ----------------------------------------

def _result_dtype(a, b):
    """Compiled code only: NumPy's result dtype of two operands, at compile time."""
    raise NotImplementedError


def _as_dtype(x, dtype):
    """Compiled code only: x itself when of `dtype`, else a C-contiguous converted copy."""
    raise NotImplementedError


def _cast(value, dtype):
    """Compiled code only: a scalar converted to `dtype`."""
    raise NotImplementedError


def _c_contiguous(x):
    """Compiled code only: x (typed C-contiguous) when it is, else a C-contiguous copy."""
    raise NotImplementedError


def _operand(x, dtype):
    """Compiled code only: x converted to `dtype` (a copy only when the dtype differs),
    typed with layout 'A' so that one compiled product serves every layout."""
    raise NotImplementedError


def _copy_if(x, flag):
    """Compiled code only: a C-contiguous copy of x when `flag`, else x itself."""
    raise NotImplementedError


def _check_dot(a, b):
    """Compiled code only: NumPy's 'shapes ... not aligned' ValueError."""
    raise NotImplementedError


def _check_matmul(a, b):
    """Compiled code only: NumPy's matmul core dimension ValueError."""
    raise NotImplementedError


def _check_vdot(a, b):
    """Compiled code only: np.vdot's size ValueError."""
    raise NotImplementedError


def _gemm(transa, transb, m, n, k, a, lda, b, ldb, c, ldc):
    """Compiled code only: c = op(a) op(b) (BLAS ?gemm, column-major, alpha 1, beta 0);
    a trans flag is 0 for 'N', 1 for 'T'."""
    raise NotImplementedError


def _gemv(trans, m, n, a, lda, x, incx, y, incy):
    """Compiled code only: y = op(a) x (BLAS ?gemv, alpha 1, beta 0)."""
    raise NotImplementedError


def _dotu(n, x, incx, y, incy):
    """Compiled code only: sum x[i] y[i] (BLAS ?dot / ?dotu)."""
    raise NotImplementedError


def _dotc(n, x, incx, y, incy):
    """Compiled code only: sum conj(x[i]) y[i] (BLAS ?dotc)."""
    raise NotImplementedError


def _numpy_dtype(ty):
    return to_dtype(ty.dtype if isinstance(ty, t.Array) else ty)


def _promote(a, b):
    """NumPy's result type of two operands (arrays or scalars), as an ember type."""
    return from_dtype(np.result_type(_numpy_dtype(a), _numpy_dtype(b)))


def _dtype_value(ty):
    return t.CompileTimeValue(to_dtype(ty), "dtype")


def _no_value(cg, values):
    return ir.Constant(m.i8, None)


@register(_result_dtype)
def _type_result_dtype(args, kws):
    """(internal)"""
    return Impl(_dtype_value(_promote(*args)), args, emit=_no_value)


@register(_as_dtype)
def _type_as_dtype(args, kws):
    """(internal)"""
    source, dtype = args
    target = dtype_type(dtype)
    if source.dtype == target:
        def same(cg, values):
            refcount.incref(cg, values[0], source)  # the caller's new reference
            return values[0]
        return Impl(source, args, emit=same)
    result = t.Array(target, source.ndim, "C")
    impl = Impl(result, args, emit=lambda cg, values: copy_array(cg, values[0], source, result))
    impl.fresh = True
    return impl


@register(_cast)
def _type_cast(args, kws):
    """(internal)"""
    target = dtype_type(args[1])
    return Impl(target, [target, args[1]], emit=lambda cg, values: values[0])


def _c_strided(cg, value, ty):
    """An i1: whether the array's strides are C-contiguous (ignoring axes of length <= 1)."""
    bld = cg.builder
    shape = indexing.shape_of(bld, value, ty.ndim)
    strides = indexing.strides_of(bld, value, ty.ndim)
    expected = ir.Constant(m.i64, m.itemsize(ty.dtype))
    ok = ir.Constant(m.i1, 1)
    one = ir.Constant(m.i64, 1)
    for k in range(ty.ndim - 1, -1, -1):
        fine = bld.or_(bld.icmp_signed("<=", shape[k], one),
                       bld.icmp_signed("==", strides[k], expected))
        ok = bld.and_(ok, fine)
        expected = bld.mul(expected, shape[k])
    return ok


def _copy_or_keep(cg, value, source, result, copy):
    """`value` (a new reference) when not `copy` (an i1), else a C-contiguous copy."""
    bld = cg.builder
    slot = cg.alloca(m.value_type(result))
    with bld.if_else(copy) as (make_copy, keep):
        with make_copy:
            bld.store(copy_array(cg, value, source, source.copy(layout="C", readonly=False)),
                      slot)
        with keep:
            refcount.incref(cg, value, source)
            bld.store(value, slot)
    return bld.load(slot)


@register(_c_contiguous)
def _type_c_contiguous(args, kws):
    """(internal)"""
    (source,) = args
    result = source.copy(layout="C")

    def emit(cg, values):
        if source.layout == "C":
            refcount.incref(cg, values[0], source)
            return values[0]
        contiguous = _c_strided(cg, values[0], source)
        return _copy_or_keep(cg, values[0], source, result, cg.builder.not_(contiguous))
    return Impl(result, args, emit=emit)


@register(_operand)
def _type_operand(args, kws):
    """(internal)"""
    source, dtype = args
    target = dtype_type(dtype)
    same = source.dtype == target
    # Contiguous operands stay typed so: BLAS reads them as they are, and no
    # copy for other layouts is compiled (see _copy_if).
    layout = "C" if not same else source.layout if source.layout in ("C", "F") else "A"
    result = t.Array(target, source.ndim, layout)

    def emit(cg, values):
        if same:
            refcount.incref(cg, values[0], source)  # the caller's new reference
            return values[0]
        return copy_array(cg, values[0], source, result)
    return Impl(result, args, emit=emit)


@register(_copy_if)
def _type_copy_if(args, kws):
    """(internal)"""
    source = args[0]
    if source.layout in ("C", "F"):
        # Every caller asks for a copy only of memory BLAS cannot read, and BLAS
        # reads any contiguous operand (sizes over 2**31 - 1 are refused first):
        # the copy loop is not compiled for these.
        def keep(cg, values):
            refcount.incref(cg, values[0], source)
            return values[0]
        return Impl(source, [source, t.boolean], emit=keep)
    result = source.copy(layout="A")
    return Impl(result, [source, t.boolean], emit=lambda cg, values: _copy_or_keep(
        cg, values[0], source, result, values[1]))


def _message_buffer(cg):
    """A module-wide buffer for messages formatted at run time (read by the entry
    wrapper right after the call fails)."""
    name = "ember.linalg.message"
    glob = cg.module.llvm.globals.get(name)
    if glob is None:
        glob = ir.GlobalVariable(cg.module.llvm, ir.ArrayType(m.i8, 256), name)
        glob.linkage = "internal"
        glob.initializer = ir.Constant(glob.value_type, None)
    return cg.builder.bitcast(glob, m.i8p)


def _raise_formatted(cg, exc_class, fmt, values):
    """Raise exc_class(fmt % values) with any number of i64 values (snprintf)."""
    bld = cg.builder
    snprintf = cg.module.llvm.globals.get("snprintf") or ir.Function(
        cg.module.llvm, ir.FunctionType(m.i32, [m.i8p, m.i64, m.i8p], var_arg=True), "snprintf")
    buffer = _message_buffer(cg)
    bld.call(snprintf, [buffer, ir.Constant(m.i64, 256), cg.module.cstring(fmt)] + list(values))
    cg.raise_exception(exc_class, "%s", [bld.ptrtoint(buffer, m.i64)])


def _inner_sizes(cg, values, a, b):
    bld = cg.builder
    shape_a = indexing.shape_of(bld, values[0], a.ndim)
    shape_b = indexing.shape_of(bld, values[1], b.ndim)
    inner_b = shape_b[0] if b.ndim == 1 else shape_b[b.ndim - 2]
    return shape_a, shape_b, shape_a[a.ndim - 1], inner_b


def _shape_format(ndim):
    return "(" + ",".join(["%lld"] * ndim) + ("," if ndim == 1 else "") + ")"


@register(_check_dot)
def _type_check_dot(args, kws):
    """(internal)"""
    a, b = args
    fmt = (f"shapes {_shape_format(a.ndim)} and {_shape_format(b.ndim)} not aligned: "
           f"%lld (dim {a.ndim - 1}) != %lld (dim {max(b.ndim - 2, 0)})")

    def emit(cg, values):
        bld = cg.builder
        shape_a, shape_b, ka, kb = _inner_sizes(cg, values, a, b)
        with bld.if_then(bld.icmp_signed("!=", ka, kb), likely=False):
            _raise_formatted(cg, ValueError, fmt, shape_a + shape_b + [ka, kb])
            bld.position_at_end(cg.func.append_basic_block("unreachable"))
            bld.unreachable()
        return ir.Constant(m.i8, None)
    return Impl(t.none, args, emit=emit)


@register(_check_matmul)
def _type_check_matmul(args, kws):
    """(internal)"""
    a, b = args

    def emit(cg, values):
        _, _, ka, kb = _inner_sizes(cg, values, a, b)
        cg.check(cg.builder.icmp_signed("==", ka, kb), ValueError,
                 "matmul: Input operand 1 has a mismatch in its core dimension 0, with "
                 "gufunc signature (n?,k),(k,m?)->(n?,m?) (size %lld is different from %lld)",
                 [kb, ka])
        return ir.Constant(m.i8, None)
    return Impl(t.none, args, emit=emit)


@register(_check_vdot)
def _type_check_vdot(args, kws):
    """(internal)"""
    a, b = args

    def emit(cg, values):
        bld = cg.builder
        sizes = []
        for value, ty in zip(values, args):
            size = ir.Constant(m.i64, 1)
            for extent in indexing.shape_of(bld, value, ty.ndim):
                size = bld.mul(size, extent)
            sizes.append(size)
        cg.check(bld.icmp_signed("==", sizes[0], sizes[1]), ValueError,
                 "cannot reshape array of size %lld into shape (%lld,)", [sizes[1], sizes[0]])
        return ir.Constant(m.i8, None)
    return Impl(t.none, args, emit=emit)


# ---- calling BLAS ---------------------------------------------------------------------

def _blas_function(cg, routine, return_type, arg_types):
    name = blas.symbol(routine)
    fn = cg.module.llvm.globals.get(name)
    if fn is None:
        fn = ir.Function(cg.module.llvm, ir.FunctionType(return_type, arg_types), name)
    return fn


def _by_reference(cg, value):
    slot = cg.alloca(value.type)
    cg.builder.store(value, slot)
    return slot


def _int_ref(cg, value):
    return _by_reference(cg, cg.builder.trunc(value, m.i32))


def _trans_ref(cg, flag):
    bld = cg.builder
    char = bld.select(bld.icmp_signed("!=", flag, ir.Constant(m.i64, 0)),
                      ir.Constant(m.i8, ord("T")), ir.Constant(m.i8, ord("N")))
    return _by_reference(cg, char)


def _data(cg, value):
    return cg.builder.extract_value(value, m.ARRAY_DATA)


def _blas_arrays(args, positions):
    arrays = [args[i] for i in positions]
    if not all(isinstance(a, t.Array) for a in arrays):
        return None
    dtype = arrays[0].dtype
    if dtype not in _BLAS_PREFIX or any(a.dtype != dtype for a in arrays):
        return None
    return dtype


def _blas_arg_types(args, positions):
    return [a if i in positions else t.int64 for i, a in enumerate(args)]


@register(_gemm)
def _type_gemm(args, kws):
    """(internal)"""
    positions = (5, 7, 9)
    dtype = _blas_arrays(args, positions)
    if dtype is None:
        return None

    def emit(cg, values):
        transa, transb, mm, nn, kk, a, lda, b, ldb, c, ldc = values
        ptr = m.storage_type(dtype).as_pointer()
        i32p, i8p = m.i32.as_pointer(), m.i8p
        fn = _blas_function(cg, _BLAS_PREFIX[dtype] + "gemm", m.void,
                            [i8p, i8p, i32p, i32p, i32p, ptr, ptr, i32p, ptr, i32p, ptr, ptr,
                             i32p])
        alpha = _by_reference(cg, cg.constant(1, dtype))
        beta = _by_reference(cg, cg.constant(0, dtype))
        cg.builder.call(fn, [_trans_ref(cg, transa), _trans_ref(cg, transb), _int_ref(cg, mm),
                             _int_ref(cg, nn), _int_ref(cg, kk), alpha, _data(cg, a),
                             _int_ref(cg, lda), _data(cg, b), _int_ref(cg, ldb), beta,
                             _data(cg, c), _int_ref(cg, ldc)])
        return ir.Constant(m.i8, None)
    return Impl(t.none, _blas_arg_types(args, positions), emit=emit)


@register(_gemv)
def _type_gemv(args, kws):
    """(internal)"""
    positions = (3, 5, 7)
    dtype = _blas_arrays(args, positions)
    if dtype is None:
        return None

    def emit(cg, values):
        trans, mm, nn, a, lda, x, incx, y, incy = values
        ptr = m.storage_type(dtype).as_pointer()
        i32p = m.i32.as_pointer()
        fn = _blas_function(cg, _BLAS_PREFIX[dtype] + "gemv", m.void,
                            [m.i8p, i32p, i32p, ptr, ptr, i32p, ptr, i32p, ptr, ptr, i32p])
        alpha = _by_reference(cg, cg.constant(1, dtype))
        beta = _by_reference(cg, cg.constant(0, dtype))
        cg.builder.call(fn, [_trans_ref(cg, trans), _int_ref(cg, mm), _int_ref(cg, nn), alpha,
                             _data(cg, a), _int_ref(cg, lda), _data(cg, x), _int_ref(cg, incx),
                             beta, _data(cg, y), _int_ref(cg, incy)])
        return ir.Constant(m.i8, None)
    return Impl(t.none, _blas_arg_types(args, positions), emit=emit)


def _dot_typer(conjugate):
    def typer(args, kws):
        """(internal)"""
        positions = (1, 3)
        dtype = _blas_arrays(args, positions)
        if dtype is None or isinstance(dtype, t.Complex) and not _COMPLEX_RETURN_ABI:
            return None
        prefix = _BLAS_PREFIX[dtype]
        routine = prefix + ("dot" if isinstance(dtype, t.Float) else
                            "dotc" if conjugate else "dotu")
        value_type = m.value_type(dtype)
        # The C ABI: float complex comes back packed in one vector register.
        native = ir.VectorType(m.f32, 2) if dtype == t.complex64 else value_type

        def emit(cg, values):
            n, x, incx, y, incy = values
            ptr = m.storage_type(dtype).as_pointer()
            i32p = m.i32.as_pointer()
            fn = _blas_function(cg, routine, native, [i32p, ptr, i32p, ptr, i32p])
            bld = cg.builder
            result = bld.call(fn, [_int_ref(cg, n), _data(cg, x), _int_ref(cg, incx),
                                   _data(cg, y), _int_ref(cg, incy)])
            if dtype == t.complex64:
                packed = ir.Constant(value_type, None)
                for i in range(2):
                    packed = bld.insert_value(packed, bld.extract_element(
                        result, ir.Constant(m.i32, i)), i)
                result = packed
            return result
        return Impl(dtype, _blas_arg_types(args, positions), emit=emit)
    return typer


register(_dotu)(_dot_typer(False))
register(_dotc)(_dot_typer(True))


# ---- the implementations, compiled like user code ---------------------------------------
# Operands here already have the result dtype; shapes are checked by the caller.

def _blas_layout(x):
    """How BLAS reads 2-D x: (0, ld) when its memory is the column-major matrix x.T
    (rows with unit stride), (1, ld) when it is x itself; (-1, 0) when neither."""
    r, c = x.shape
    s0, s1 = x.strides
    item = x.itemsize
    if (c <= 1 or s1 == item) and (r <= 1 or (s0 % item == 0 and c * item <= s0
                                              and s0 // item <= _INT_MAX)):
        if r > 1:
            return 0, max(s0 // item, 1)
        return 0, max(c, 1)
    if (r <= 1 or s0 == item) and (c <= 1 or (s1 % item == 0 and r * item <= s1
                                              and s1 // item <= _INT_MAX)):
        if c > 1:
            return 1, max(s1 // item, 1)
        return 1, max(r, 1)
    return -1, 0


def _blas_increment(v):
    """The BLAS increment of 1-D v; 0 when BLAS cannot take it (negative, zero)."""
    s = v.strides[0]
    item = v.itemsize
    if v.shape[0] <= 1:
        return 1
    if s > 0 and s % item == 0 and s // item <= _INT_MAX:
        return s // item
    return 0


def _sum_products(x, y, conjugate):
    """sum x[i] y[i] (x conjugated if asked) with four partial sums, so that the
    additions do not wait on each other."""
    n = x.shape[0]
    s0 = _cast(0, x.dtype)
    s1 = s0
    s2 = s0
    s3 = s0
    i = 0
    while i + 4 <= n:
        if conjugate:
            s0 += x[i].conjugate() * y[i]
            s1 += x[i + 1].conjugate() * y[i + 1]
            s2 += x[i + 2].conjugate() * y[i + 2]
            s3 += x[i + 3].conjugate() * y[i + 3]
        else:
            s0 += x[i] * y[i]
            s1 += x[i + 1] * y[i + 1]
            s2 += x[i + 2] * y[i + 2]
            s3 += x[i + 3] * y[i + 3]
        i += 4
    while i < n:
        if conjugate:
            s0 += x[i].conjugate() * y[i]
        else:
            s0 += x[i] * y[i]
        i += 1
    return _cast((s0 + s1) + (s2 + s3), x.dtype)


def _vv_loop(x, y):
    return _sum_products(_c_contiguous(x), _c_contiguous(y), False)


def _vdotc_loop(x, y):
    return _sum_products(_c_contiguous(x), _c_contiguous(y), True)


def _mv_loop(x, v):
    m, k = x.shape
    xc = _c_contiguous(x)
    vc = _c_contiguous(v)
    out = np.empty(m, dtype=x.dtype)
    for i in range(m):
        out[i] = _sum_products(xc[i], vc, False)
    return out


def _vm_loop(v, y):
    k, n = y.shape
    yc = _c_contiguous(y)
    out = np.zeros(n, dtype=y.dtype)
    for p in range(k):
        vp = v[p]
        for j in range(n):
            out[j] += vp * yc[p, j]
    return out


def _mm_loop(x, y):
    m, k = x.shape
    n = y.shape[1]
    yc = _c_contiguous(y)
    out = np.zeros((m, n), dtype=x.dtype)
    for i in range(m):
        for p in range(k):
            xip = x[i, p]
            for j in range(n):
                out[i, j] += xip * yc[p, j]
    return out


def _dot_chunks(x, y, conjugate, limit):
    """BLAS dot of 1-D x and y in pieces of at most `limit` elements (C int sizes)."""
    n = x.shape[0]
    incx = _blas_increment(x)
    incy = _blas_increment(y)
    xb = _copy_if(x, incx == 0)
    yb = _copy_if(y, incy == 0)
    incx = max(incx, 1)
    incy = max(incy, 1)
    acc = _cast(0, x.dtype)
    for start in range(0, n, limit):
        stop = min(start + limit, n)
        if conjugate:
            acc += _dotc(stop - start, xb[start:stop], incx, yb[start:stop], incy)
        else:
            acc += _dotu(stop - start, xb[start:stop], incx, yb[start:stop], incy)
    return acc


def _vv_blas(x, y):
    return _dot_chunks(x, y, False, _INT_MAX)


def _vdotc_blas(x, y):
    return _dot_chunks(x, y, True, _INT_MAX)


def _check_blas_sizes(m, n, k):
    if m > _INT_MAX or n > _INT_MAX or k > _INT_MAX:
        raise ValueError("matrix dimensions beyond 2**31 - 1 are too large for SciPy's BLAS "
                         "(32-bit sizes); set EMBER_BLAS=0 to use compiled loops")


def _mv_blas(x, v):
    m, k = x.shape
    if m == 0 or k == 0:
        return np.zeros(m, dtype=x.dtype)
    _check_blas_sizes(m, k, 0)
    order, ld = _blas_layout(x)
    xb = _copy_if(x, order < 0)
    if order < 0:
        order, ld = 0, k
    inc = _blas_increment(v)
    vb = _copy_if(v, inc == 0)
    out = np.empty(m, dtype=x.dtype)
    if order == 0:  # the memory holds x.T (k x m), column-major
        _gemv(1, k, m, xb, ld, vb, max(inc, 1), out, 1)
    else:
        _gemv(0, m, k, xb, ld, vb, max(inc, 1), out, 1)
    return out


def _vm_blas(v, y):
    k, n = y.shape
    if n == 0 or k == 0:
        return np.zeros(n, dtype=y.dtype)
    _check_blas_sizes(n, k, 0)
    order, ld = _blas_layout(y)
    yb = _copy_if(y, order < 0)
    if order < 0:
        order, ld = 0, n
    inc = _blas_increment(v)
    vb = _copy_if(v, inc == 0)
    out = np.empty(n, dtype=y.dtype)
    if order == 0:  # the memory holds y.T (n x k): out = y.T v
        _gemv(0, n, k, yb, ld, vb, max(inc, 1), out, 1)
    else:
        _gemv(1, k, n, yb, ld, vb, max(inc, 1), out, 1)
    return out


def _mm_blas(x, y):
    m, k = x.shape
    n = y.shape[1]
    if m == 0 or n == 0 or k == 0:
        return np.zeros((m, n), dtype=x.dtype)
    _check_blas_sizes(m, n, k)
    order_x, ldx = _blas_layout(x)
    order_y, ldy = _blas_layout(y)
    xb = _copy_if(x, order_x < 0)
    yb = _copy_if(y, order_y < 0)
    if order_x < 0:
        order_x, ldx = 0, k
    if order_y < 0:
        order_y, ldy = 0, n
    out = np.empty((m, n), dtype=x.dtype)
    # Row-major out = x y is column-major out.T = y.T x.T; a 0 order means the
    # memory already holds the transpose ('N'), 1 that BLAS must transpose ('T').
    _gemm(order_y, order_x, n, m, k, yb, ldy, xb, ldx, out, n)
    return out


_CORES = {  # (ndim a, ndim b) -> (loop, BLAS)
    (1, 1): (_vv_loop, _vv_blas), (2, 1): (_mv_loop, _mv_blas),
    (1, 2): (_vm_loop, _vm_blas), (2, 2): (_mm_loop, _mm_blas),
}


@functools.lru_cache(maxsize=None)
def _product(check, core):
    """np.dot / np.matmul of arrays: check shapes, convert to the result dtype, multiply."""
    def product(a, b):
        check(a, b)
        dtype = _result_dtype(a, b)
        return core(_operand(a, dtype), _operand(b, dtype))
    return product


@functools.lru_cache(maxsize=None)
def _vdot(core, flatten):
    def vdot(a, b):
        _check_vdot(a, b)
        dtype = _result_dtype(a, b)
        if flatten:
            return core(_operand(a.ravel(), dtype), _operand(b.ravel(), dtype))
        return core(_operand(a, dtype), _operand(b, dtype))
    return vdot


def _scalar_times_array(a, b):
    dtype = _result_dtype(a, b)
    return _as_dtype(b, dtype) * _cast(a, dtype)


def _array_times_scalar(a, b):
    dtype = _result_dtype(a, b)
    return _as_dtype(a, dtype) * _cast(b, dtype)


def _scalar_times_scalar(a, b):
    dtype = _result_dtype(a, b)
    return _cast(a, dtype) * _cast(b, dtype)


def _outer(a, b):
    dtype = _result_dtype(a, b)
    x = _as_dtype(a, dtype).ravel()
    y = _as_dtype(b, dtype).ravel()
    m = x.shape[0]
    n = y.shape[0]
    out = np.empty((m, n), dtype=dtype)
    for i in range(m):
        xi = x[i]
        for j in range(n):
            out[i, j] = xi * y[j]
    return out


# ---- typing: which implementation a call uses ------------------------------------------

def _library(py_impl):
    impl = Impl(None, None, py_impl=py_impl)
    impl.callee_options = LIBRARY_OPTIONS
    impl.fresh = True
    return impl


def _operands(name, args, kws):
    bound = bind(args, kws, ("a", "b"), required=2)
    if bound is None:
        extra = sorted(set(kws) - {"a", "b"})
        if extra:
            raise TypingError(f"np.{name}() argument '{extra[0]}' is not supported in compiled "
                              "code")
        return None
    types = bound[0]
    a, b = types["a"], types["b"]
    for k, ty in enumerate((a, b)):
        dtype = ty.dtype if isinstance(ty, t.Array) else ty
        if not isinstance(dtype, _NUMBERS):
            raise TypingError(f"np.{name}() operand {k} must be a number or an array of "
                              f"numbers, not {ty}")
        if isinstance(ty, t.Array) and ty.ndim == 0:
            raise TypingError(f"np.{name}() of 0-d arrays is not supported")
    return a, b


def _checked_dtype(name, a, b):
    dtype = _promote(a, b)
    if isinstance(dtype, t.Boolean):
        raise TypingError(f"np.{name}() of two bool operands is not supported; convert one "
                          "to an integer dtype")
    return dtype


def _array_product(name, check, a, b):
    for k, ty in enumerate((a, b)):
        if ty.ndim > 2:
            raise TypingError(f"np.{name}() supports 1-D and 2-D arrays; operand {k} is "
                              f"{ty.ndim}-D ({ty})")
    dtype = _checked_dtype(name, a, b)
    loop, fast = _CORES[(a.ndim, b.ndim)]
    use_blas = _blas_on() and dtype in _BLAS_PREFIX and not (
        a.ndim == b.ndim == 1 and isinstance(dtype, t.Complex) and not _COMPLEX_RETURN_ABI)
    return _library(_product(check, fast if use_blas else loop))


@register(np.dot)
def type_dot(args, kws):
    """dot(a, b): numbers, 1-D or 2-D arrays; BLAS for float32/64, complex64/128 with SciPy

    vector . vector is a scalar; no out=."""
    operands = _operands("dot", args, kws)
    if operands is None:
        return None
    a, b = operands
    if not isinstance(a, t.Array) or not isinstance(b, t.Array):
        _checked_dtype("dot", a, b)
        if isinstance(a, t.Array):
            return _library(_array_times_scalar)
        if isinstance(b, t.Array):
            return _library(_scalar_times_array)
        return _library(_scalar_times_scalar)
    return _array_product("dot", _check_dot, a, b)


@register(np.matmul)
def type_matmul(args, kws):
    """matmul(a, b) and a @ b: 1-D or 2-D arrays; BLAS as np.dot; no stacks of matrices yet

    no out=."""
    operands = _operands("matmul", args, kws)
    if operands is None:
        return None
    a, b = operands
    for k, ty in enumerate((a, b)):
        if not isinstance(ty, t.Array):
            raise TypingError(f"np.matmul() operand {k} is a scalar ({ty}); matmul needs arrays "
                              "of 1 or 2 dimensions (use * or np.dot for scalars)")
    return _array_product("matmul", _check_matmul, a, b)


@register(np.vdot)
def type_vdot(args, kws):
    """vdot(a, b): arrays of equal size, flattened; the first conjugated; a scalar result"""
    operands = _operands("vdot", args, kws)
    if operands is None:
        return None
    a, b = operands
    for k, ty in enumerate((a, b)):
        if not isinstance(ty, t.Array):
            raise TypingError(f"np.vdot() operand {k} is a scalar ({ty}); vdot takes arrays")
    dtype = _checked_dtype("vdot", a, b)
    complex_ = isinstance(dtype, t.Complex)
    use_blas = _blas_on() and dtype in _BLAS_PREFIX and (_COMPLEX_RETURN_ABI or not complex_)
    if complex_:
        core = _vdotc_blas if use_blas else _vdotc_loop
    else:
        core = _vv_blas if use_blas else _vv_loop
    return _library(_vdot(core, a.ndim != 1 or b.ndim != 1))


@register(np.outer)
def type_outer(args, kws):
    """outer(a, b): arrays of any shape (flattened) and any number dtype; no out="""
    operands = _operands("outer", args, kws)
    if operands is None:
        return None
    a, b = operands
    for k, ty in enumerate((a, b)):
        if not isinstance(ty, t.Array):
            raise TypingError(f"np.outer() operand {k} is a scalar ({ty}); outer takes arrays")
    return _library(_outer)

