"""np.linalg.solve, inv, det, slogdet and matrix_power of 2-D arrays.

With SciPy, LAPACK does the work (ember.lib.lapack: ?gesv, ?getrf); without
it (or with `EMBER_BLAS=0`), an LU factorisation with partial pivoting
written below as plain Python, compiled like user code. Which one is decided
when a call is typed (see ember.lib.lapack).

Inputs are converted as NumPy's linalg does: integers and bools to float64,
float32/float64/complex64/complex128 kept (mixed operands: their common
type). LAPACK overwrites its arguments and reads Fortran order, so every
routine works on a column-major copy (`fortran_copy`, any input layout);
inputs are never modified. Matrix results are Fortran-ordered arrays (as in
Numba; NumPy's are C-ordered): the values are NumPy's.

Errors are NumPy's: np.linalg.LinAlgError("Singular matrix"), "Last 2
dimensions of the array must be square", ValueError for mismatched right-hand
sides. inv, det and slogdet also take a 3-D stack of matrices (the 2-D
function on each); other stacks are a TypingError.

The helpers here (`work_dtype`, `fortran_copy`, `check_square`, `typed`)
serve ember.lib.linalg_decompositions too.
"""

import numpy as np
from llvmlite import ir

from ember.codegen import models as m
from ember.errors import TypingError
from ember.lib import lapack
from ember.lib.dtypes import dtype_type
from ember.lib.linalg import _cast, _library
from ember.types import core as t
from ember.types.typeof import from_dtype, to_dtype
from ember.typing.registry import Impl, bind, register

_INT_MAX = lapack.INT_MAX
_NUMBERS = (t.Integer, t.Float, t.Complex, t.Boolean)


# ---- typing helpers --------------------------------------------------------------------

def linalg_dtype(*types):
    """The dtype np.linalg computes in for these operands (ember type): NumPy's
    common type, integers and bools as float64."""
    dtypes = [to_dtype(ty.dtype if isinstance(ty, t.Array) else ty) for ty in types]
    common = np.result_type(*dtypes)
    if common.kind in "biu":
        common = np.dtype(np.float64)
    return from_dtype(common)


def array_operand(name, ty, what="a", ndims=(2,)):
    """Check one array argument of np.linalg.`name`; a TypingError says what fits."""
    supported = " or ".join(f"{n}-D" for n in ndims)
    if not isinstance(ty, t.Array):
        raise TypingError(f"np.linalg.{name}() argument '{what}' must be a {supported} array, "
                          f"not {ty}")
    if not isinstance(ty.dtype, _NUMBERS):
        raise TypingError(f"np.linalg.{name}() needs an array of numbers (bool, int, "
                          f"float32/64, complex64/128), not {ty}")
    if ty.ndim not in ndims:
        extra = ("" if ty.ndim <= 2 else
                 "; stacks of matrices are not supported in compiled code" if 3 not in ndims
                 else "; stacks with more than one stacking axis are not supported")
        raise TypingError(f"np.linalg.{name}() supports {supported} arrays in compiled code; "
                          f"'{what}' is {ty.ndim}-D ({ty}){extra}")
    return ty


def bound_arguments(name, args, kws, names, required=1):
    """bind() with a TypingError naming an unsupported keyword."""
    bound = bind(args, kws, names, required)
    if bound is None:
        extra = sorted(set(kws) - set(names))
        if extra:
            raise TypingError(f"np.linalg.{name}() argument '{extra[0]}' is not supported in "
                              "compiled code")
        raise TypingError(f"np.linalg.{name}() takes arguments ({', '.join(names)}); "
                          f"{len(names[:required])} required")
    return bound[0]


def needs_lapack(name):
    raise TypingError(f"np.linalg.{name}() needs SciPy (its LAPACK) in compiled code; "
                      "install scipy (EMBER_BLAS=0 also turns LAPACK off)")


def typed(py_impl):
    """The Impl of a library function written in Python."""
    return _library(py_impl)


# ---- intrinsics the implementations call -----------------------------------------------

def work_dtype(*arrays):
    """Compiled code only: the dtype np.linalg computes in (see linalg_dtype)."""
    raise NotImplementedError


def real_dtype(dtype):
    """Compiled code only: the real dtype of a (complex) dtype."""
    raise NotImplementedError


def fail(exc_class, message, *values):
    """Compiled code only: raise exc_class(message % values); integer values (%lld)."""
    raise NotImplementedError


def complex_dtype(dtype):
    """Compiled code only: the complex dtype of a real dtype's precision."""
    raise NotImplementedError


def machine_eps(dtype):
    """Compiled code only: the machine epsilon of a (real) dtype, as a float64."""
    raise NotImplementedError


def _no_value(cg, values):
    return ir.Constant(m.i8, None)


@register(fail)
def _type_fail(args, kws):
    """(internal)"""
    exc_class, message = args[0].value, args[1].value
    if len(args) - 2 > m.EXC_ARGS:
        return None

    def emit(cg, values):
        cg.check(ir.Constant(m.i1, 0), exc_class, message, values[2:])
        return _no_value(cg, values)
    return Impl(t.none, list(args[:2]) + [t.int64] * (len(args) - 2), emit=emit)


@register(work_dtype)
def _type_work_dtype(args, kws):
    """(internal)"""
    return Impl(t.CompileTimeValue(to_dtype(linalg_dtype(*args)), "dtype"), args,
                emit=_no_value)


@register(real_dtype)
def _type_real_dtype(args, kws):
    """(internal)"""
    dtype = dtype_type(args[0])
    real = dtype.part if isinstance(dtype, t.Complex) else dtype
    return Impl(t.CompileTimeValue(to_dtype(real), "dtype"), args, emit=_no_value)


@register(complex_dtype)
def _type_complex_dtype(args, kws):
    """(internal)"""
    dtype = to_dtype(dtype_type(args[0]))
    return Impl(t.CompileTimeValue(np.result_type(dtype, np.complex64), "dtype"), args,
                emit=_no_value)


@register(machine_eps)
def _type_machine_eps(args, kws):
    """(internal)"""
    eps = float(np.finfo(to_dtype(dtype_type(args[0]))).eps)
    return Impl(t.float64, args, emit=lambda cg, values: ir.Constant(m.f64, eps))


# ---- helpers compiled with the implementations -----------------------------------------

def check_square(a):
    if a.shape[0] != a.shape[1]:
        raise np.linalg.LinAlgError("Last 2 dimensions of the array must be square")


def check_size(n):
    if n > _INT_MAX:
        raise ValueError("np.linalg: a dimension beyond 2**31 - 1 is too large for LAPACK "
                         "(32-bit sizes)")


def fortran_copy(a, dtype):
    """A column-major copy of 2-D `a` converted to `dtype`, for LAPACK to overwrite."""
    m, n = a.shape
    check_size(m)
    check_size(n)
    w = np.empty((n, m), dtype)
    for j in range(n):
        for i in range(m):
            w[j, i] = a[i, j]
    return w.T


def vector_copy(b, dtype):
    n = b.shape[0]
    check_size(n)
    w = np.empty(n, dtype)
    for i in range(n):
        w[i] = b[i]
    return w


def identity(n, dtype):
    w = np.zeros((n, n), dtype)
    for i in range(n):
        w[i, i] = 1
    return w


def _check_rhs_vector(a, b):
    if b.shape[0] != a.shape[0]:
        fail(ValueError, "solve1: Input operand 1 has a mismatch in its core dimension 0, "
             "with gufunc signature (m,m),(m)->(m) (size %lld is different from %lld)",
             b.shape[0], a.shape[0])


def _check_rhs_matrix(a, b):
    if b.shape[0] != a.shape[0]:
        fail(ValueError, "solve: Input operand 1 has a mismatch in its core dimension 0, "
             "with gufunc signature (m,m),(m,n)->(m,n) (size %lld is different from %lld)",
             b.shape[0], a.shape[0])


# ---- LAPACK ------------------------------------------------------------------------------

def _gesv(a, x, nrhs):
    """Solve a @ x = (x on entry) in place; a is a converted copy, overwritten."""
    n = a.shape[0]
    ipiv = np.empty(max(n, 1), np.int32)
    info = lapack.gesv(n, nrhs, a, max(n, 1), ipiv, x, max(n, 1))
    if info > 0:
        raise np.linalg.LinAlgError("Singular matrix")


_SMALL = 32  # systems up to this size are solved in one allocation


def _solve_vector_lapack(a, b):
    check_square(a)
    _check_rhs_vector(a, b)
    dtype = work_dtype(a, b)
    n = a.shape[0]
    if n > _SMALL:
        x = vector_copy(b, dtype)
        _gesv(fortran_copy(a, dtype), x, 1)
        return x
    # Small systems (a loop of 4x4 solves): allocation is most of the cost, so x, the
    # factors and the pivots share one buffer (x first: the result is a view of it).
    # The pivots are written as 32-bit ints into elements of `dtype`, and never read.
    buf = np.empty(n * n + 2 * n + 1, dtype)
    x = buf[:n]
    for i in range(n):
        x[i] = b[i]
    lu = buf[n:n + n * n].reshape((n, n)).T
    for j in range(n):
        for i in range(n):
            lu[i, j] = a[i, j]
    info = lapack.gesv(n, 1, lu, max(n, 1), buf[n + n * n:], x, max(n, 1))
    if info > 0:
        raise np.linalg.LinAlgError("Singular matrix")
    return x


def _solve_matrix_lapack(a, b):
    check_square(a)
    _check_rhs_matrix(a, b)
    dtype = work_dtype(a, b)
    x = fortran_copy(b, dtype)
    _gesv(fortran_copy(a, dtype), x, b.shape[1])
    return x


def _inv_lapack(a):
    """?getrf then ?getri (as Numba; about 1.4x faster than NumPy's ?gesv against the
    identity at 200x200)."""
    check_square(a)
    dtype = work_dtype(a)
    n = a.shape[0]
    x = fortran_copy(a, dtype)
    ipiv = np.empty(max(n, 1), np.int32)
    if lapack.getrf(n, n, x, max(n, 1), ipiv) > 0:
        raise np.linalg.LinAlgError("Singular matrix")
    work = np.zeros(1, dtype)
    lapack.getri(n, x, max(n, 1), ipiv, work, -1)
    work = np.empty(max(int(abs(work[0])), 1), dtype)
    lapack.getri(n, x, max(n, 1), ipiv, work, work.shape[0])
    return x


def _lu_lapack(a):
    """(LU factors in Fortran order, LAPACK's pivots: 1-based int32)."""
    check_square(a)
    dtype = work_dtype(a)
    n = a.shape[0]
    lu = fortran_copy(a, dtype)
    ipiv = np.empty(max(n, 1), np.int32)
    lapack.getrf(n, n, lu, max(n, 1), ipiv)  # info > 0: an exact zero on U's diagonal
    return lu, ipiv


# ---- LU with partial pivoting, for machines without SciPy ------------------------------

def _lu_loops(a):
    """(LU factors of a, row pivots): L unit lower, U upper, as LAPACK's getrf."""
    check_square(a)
    lu = fortran_copy(a, work_dtype(a))
    return lu, _factor(lu)


def _factor(lu):
    """Factor lu in place (partial pivoting); the row pivots."""
    n = lu.shape[0]
    piv = np.empty(n, np.int64)
    for k in range(n):
        p = k
        best = abs(lu[k, k])
        for i in range(k + 1, n):
            size = abs(lu[i, k])
            if size > best:
                best = size
                p = i
        piv[k] = p
        if best == 0:
            continue
        if p != k:
            for j in range(n):
                lu[k, j], lu[p, j] = lu[p, j], lu[k, j]
        pivot = lu[k, k]
        for i in range(k + 1, n):
            lu[i, k] = lu[i, k] / pivot
        for j in range(k + 1, n):
            f = lu[k, j]
            if f != 0:
                for i in range(k + 1, n):  # down a column: contiguous in Fortran order
                    lu[i, j] -= lu[i, k] * f
    return piv


def _lu_solve_into(lu, piv, x):
    """Overwrite the columns of 2-D x with lu^-1 x; LinAlgError when U is singular."""
    n = lu.shape[0]
    for k in range(n):
        if lu[k, k] == 0:
            raise np.linalg.LinAlgError("Singular matrix")
    for c in range(x.shape[1]):
        for k in range(n):
            p = piv[k]
            if p != k:
                x[k, c], x[p, c] = x[p, c], x[k, c]
        for k in range(n):
            xk = x[k, c]
            for i in range(k + 1, n):
                x[i, c] -= lu[i, k] * xk
        for k in range(n - 1, -1, -1):
            x[k, c] = x[k, c] / lu[k, k]
            xk = x[k, c]
            for i in range(k):
                x[i, c] -= lu[i, k] * xk


def _solve_vector_loops(a, b):
    check_square(a)
    _check_rhs_vector(a, b)
    dtype = work_dtype(a, b)
    lu = fortran_copy(a, dtype)
    piv = _factor(lu)
    x = vector_copy(b, dtype)
    _lu_solve_into(lu, piv, x.reshape((x.shape[0], 1)))
    return x


def _solve_matrix_loops(a, b):
    check_square(a)
    _check_rhs_matrix(a, b)
    dtype = work_dtype(a, b)
    lu = fortran_copy(a, dtype)
    piv = _factor(lu)
    x = fortran_copy(b, dtype)
    _lu_solve_into(lu, piv, x)
    return x


def _inv_loops(a):
    check_square(a)
    lu, piv = _lu_loops(a)
    x = identity(a.shape[0], lu.dtype).T
    _lu_solve_into(lu, piv, x)
    return x


# ---- determinants from LU factors --------------------------------------------------------

def _det_from(lu, piv, base):
    n = lu.shape[0]
    d = _cast(1, lu.dtype)
    for k in range(n):
        d *= lu[k, k]
        if piv[k] != k + base:
            d = -d
    return d


def _slogdet_from(lu, piv, base):
    n = lu.shape[0]
    dtype = lu.dtype
    sign = _cast(1, dtype)
    logdet = 0.0
    for k in range(n):
        d = lu[k, k]
        size = abs(d)
        if size == 0:
            return _cast(0, dtype), _cast(-np.inf, real_dtype(dtype))
        sign *= d / size
        logdet += np.log(size)
        if piv[k] != k + base:
            sign = -sign
    return sign, _cast(logdet, real_dtype(dtype))


def _det(lu_of, base):
    """det from the factors of `lu_of`, whose pivots count from `base`."""
    def det(a):
        lu, piv = lu_of(a)
        return _det_from(lu, piv, base)
    return det


def _slogdet(lu_of, base):
    def slogdet(a):
        lu, piv = lu_of(a)
        return _slogdet_from(lu, piv, base)
    return slogdet


_DET = {True: _det(_lu_lapack, 1), False: _det(_lu_loops, 0)}
_SLOGDET = {True: _slogdet(_lu_lapack, 1), False: _slogdet(_lu_loops, 0)}


# ---- matrix_power -------------------------------------------------------------------------

def _power(x, n):
    """x ** n (n >= 1) by binary powering, as NumPy."""
    base = x  # a local: its layout may change (parameters keep their type)
    result = x
    first = True
    while n > 0:
        if n & 1:
            if first:
                result = base
                first = False
            else:
                result = np.dot(result, base)
        n >>= 1
        if n:
            base = np.dot(base, base)
    return result


def _matrix_power(inverse):
    def matrix_power(a, n):
        check_square(a)
        if n == 0:
            return identity(a.shape[0], a.dtype)
        if n < 0:
            return _power(inverse(a), -n)
        return _power(fortran_copy(a, a.dtype), n)
    return matrix_power


def _matrix_power_int(a, n):
    check_square(a)
    if n < 0:
        raise ValueError("np.linalg.matrix_power() of an integer matrix to a negative power is "
                         "not supported in compiled code (NumPy's result would be float64); "
                         "convert the matrix to float first")
    if n == 0:
        return identity(a.shape[0], a.dtype)
    return _power(fortran_copy(a, a.dtype), n)


# ---- stacks of matrices (3-D arrays): the 2-D function on each ---------------------------

def _inv_stack(inverse):
    def inv(a):
        dtype = work_dtype(a)
        out = np.empty((a.shape[0], a.shape[1], a.shape[2]), dtype)
        if a.shape[1] != a.shape[2]:
            raise np.linalg.LinAlgError("Last 2 dimensions of the array must be square")
        for i in range(a.shape[0]):
            out[i] = inverse(a[i])
        return out
    return inv


def _det_stack(det):
    def dets(a):
        if a.shape[1] != a.shape[2]:
            raise np.linalg.LinAlgError("Last 2 dimensions of the array must be square")
        out = np.empty(a.shape[0], work_dtype(a))
        for i in range(a.shape[0]):
            out[i] = det(a[i])
        return out
    return dets


def _slogdet_stack(slogdet):
    def slogdets(a):
        if a.shape[1] != a.shape[2]:
            raise np.linalg.LinAlgError("Last 2 dimensions of the array must be square")
        dtype = work_dtype(a)
        signs = np.empty(a.shape[0], dtype)
        logs = np.empty(a.shape[0], real_dtype(dtype))
        for i in range(a.shape[0]):
            sign, log = slogdet(a[i])
            signs[i] = sign
            logs[i] = log
        return signs, logs
    return slogdets


_STACKS = {"matrices": _inv_stack, "scalars": _det_stack, "pairs": _slogdet_stack}
_stacked_cache = {}


def _stacked(func, kind, ndim):
    """func itself for a 2-D argument; for a 3-D one, func applied to each matrix."""
    if ndim == 2:
        return func
    key = (func, kind)
    if key not in _stacked_cache:
        _stacked_cache[key] = _STACKS[kind](func)
    return _stacked_cache[key]


_INV = {True: _inv_lapack, False: _inv_loops}
_MATRIX_POWER = {True: _matrix_power(_inv_lapack), False: _matrix_power(_inv_loops)}


# ---- typing --------------------------------------------------------------------------------

@register(np.linalg.solve)
def type_solve(args, kws):
    """solve(a, b): a square 2-D, b 1-D or 2-D; LAPACK ?gesv (LU loops without SciPy)"""
    types = bound_arguments("solve", args, kws, ("a", "b"), required=2)
    a = array_operand("solve", types["a"])
    b = array_operand("solve", types["b"], "b", (1, 2))
    linalg_dtype(a, b)
    use = lapack.enabled()
    if b.ndim == 1:
        return typed(_solve_vector_lapack if use else _solve_vector_loops)
    return typed(_solve_matrix_lapack if use else _solve_matrix_loops)


@register(np.linalg.inv)
def type_inv(args, kws):
    """inv(a): square 2-D, or a 3-D stack; LAPACK ?getrf, ?getri (LU loops without SciPy)"""
    types = bound_arguments("inv", args, kws, ("a",))
    a = array_operand("inv", types["a"], ndims=(2, 3))
    return typed(_stacked(_INV[lapack.enabled()], "matrices", a.ndim))


@register(np.linalg.det)
def type_det(args, kws):
    """det(a): square 2-D, or a 3-D stack; LAPACK ?getrf (LU loops without SciPy)"""
    types = bound_arguments("det", args, kws, ("a",))
    a = array_operand("det", types["a"], ndims=(2, 3))
    return typed(_stacked(_DET[lapack.enabled()], "scalars", a.ndim))


@register(np.linalg.slogdet)
def type_slogdet(args, kws):
    """slogdet(a): square 2-D, or a 3-D stack -> (sign, logabsdet); LAPACK ?getrf"""
    types = bound_arguments("slogdet", args, kws, ("a",))
    a = array_operand("slogdet", types["a"], ndims=(2, 3))
    return typed(_stacked(_SLOGDET[lapack.enabled()], "pairs", a.ndim))


@register(np.linalg.matrix_power)
def type_matrix_power(args, kws):
    """matrix_power(a, n): a square 2-D array, n an int; integer matrices: n >= 0"""
    types = bound_arguments("matrix_power", args, kws, ("a", "n"), required=2)
    a = array_operand("matrix_power", types["a"])
    if not isinstance(types["n"], (t.Integer, t.Boolean)):
        raise TypingError(f"np.linalg.matrix_power() exponent must be an integer, not "
                          f"{types['n']}")
    if isinstance(a.dtype, (t.Integer, t.Boolean)):
        if isinstance(a.dtype, t.Boolean):
            raise TypingError("np.linalg.matrix_power() of a bool matrix is not supported in "
                              "compiled code")
        return typed(_matrix_power_int)
    return typed(_MATRIX_POWER[lapack.enabled()])
