"""np.linalg decompositions and what is built on them: cholesky, qr, eigh,
eigvalsh, eig, eigvals, svd, lstsq, pinv, matrix_rank, cond and norm.

All but norm (and cond, matrix_rank, pinv, built on svd) need LAPACK
(ember.lib.lapack, through SciPy); without SciPy they are a TypingError that
says so. norm of vectors and its 'fro', 1, -1, inf and -inf matrix norms are
plain loops; its 2, -2 and 'nuc' matrix norms take the SVD and raise
ValueError at run time without SciPy (`ord` may be a run-time number, as in
Numba).

Conventions as in ember.lib.linalg_solve: NumPy's dtypes (integers as
float64), column-major copies (inputs are never modified), matrix results in
Fortran order, NumPy's exceptions (LinAlgError "Matrix is not positive
definite", "SVD did not converge", "Eigenvalues did not converge"...).

eig/eigvals of a real matrix return complex arrays always (complex64 for
float32): NumPy returns a real array when every eigenvalue is real, which
static typing cannot follow; the values are NumPy's.
"""

import numpy as np

from ember.errors import TypingError
from ember.lib import lapack
from ember.lib.linalg import _cast
from ember.lib.linalg_solve import (
    array_operand,
    bound_arguments,
    check_square,
    complex_dtype,
    fail,
    fortran_copy,
    linalg_dtype,
    machine_eps,
    needs_lapack,
    real_dtype,
    typed,
    vector_copy,
    work_dtype,
)
from ember.types import core as t
from ember.typing.registry import literal_arguments, literal_value, register


def _lwork(work):
    """The workspace size a LAPACK query wrote into work[0]. Query arrays start
    zeroed: a real routine does not write the workspaces only the complex one
    takes (rwork), and garbage there once asked for an absurd allocation."""
    return max(int(abs(work[0])), 1)


# ---- cholesky, qr ------------------------------------------------------------------------

def _cholesky(a):
    check_square(a)
    c = fortran_copy(a, work_dtype(a))
    n = c.shape[0]
    info = lapack.potrf(lapack.L, n, c, max(n, 1))
    if info > 0:
        raise np.linalg.LinAlgError("Matrix is not positive definite")
    for j in range(1, n):
        for i in range(j):
            c[i, j] = 0
    return c


def _householder(a):
    """(a's QR reflectors in Fortran order, tau) from ?geqrf."""
    dtype = work_dtype(a)
    h = fortran_copy(a, dtype)
    m, n = h.shape
    tau = np.empty(max(min(m, n), 1), dtype)
    work = np.zeros(1, dtype)
    lapack.geqrf(m, n, h, max(m, 1), tau, work, -1)
    work = np.empty(_lwork(work), dtype)
    lapack.geqrf(m, n, h, max(m, 1), tau, work, work.shape[0])
    return h, tau


def _r_factor(h, rows):
    m, n = h.shape
    r = np.zeros((n, rows), h.dtype).T
    for j in range(n):
        for i in range(min(j + 1, rows)):
            r[i, j] = h[i, j]
    return r


def _q_factor(h, tau, columns):
    m, n = h.shape
    k = min(m, n)
    q = np.zeros((columns, m), h.dtype).T
    for j in range(min(n, columns)):
        for i in range(m):
            q[i, j] = h[i, j]
    work = np.zeros(1, h.dtype)
    lapack.orgqr(m, columns, k, q, max(m, 1), tau, work, -1)
    work = np.empty(_lwork(work), h.dtype)
    lapack.orgqr(m, columns, k, q, max(m, 1), tau, work, work.shape[0])
    return q


def _qr_reduced(a, mode="reduced"):
    h, tau = _householder(a)
    k = min(h.shape[0], h.shape[1])
    return _q_factor(h, tau, k), _r_factor(h, k)


def _qr_complete(a, mode="complete"):
    h, tau = _householder(a)
    m = h.shape[0]
    return _q_factor(h, tau, m), _r_factor(h, m)


def _qr_r(a, mode="r"):
    h, tau = _householder(a)
    return _r_factor(h, min(h.shape[0], h.shape[1]))


# ---- eigh, eigvalsh ------------------------------------------------------------------------

def _syevd(a, jobz, uplo):
    """(eigenvalues ascending, eigenvectors or a's overwritten copy) from ?syevd/?heevd."""
    check_square(a)
    dtype = work_dtype(a)
    v = fortran_copy(a, dtype)
    n = v.shape[0]
    w = np.empty(n, real_dtype(dtype))
    work = np.zeros(1, dtype)
    rwork = np.zeros(1, real_dtype(dtype))
    iwork = np.zeros(1, np.int32)
    lapack.syevd(jobz, uplo, n, v, max(n, 1), w, work, -1, rwork, -1, iwork, -1)
    work = np.empty(_lwork(work), dtype)
    rwork = np.empty(_lwork(rwork), real_dtype(dtype))
    iwork = np.empty(_lwork(iwork), np.int32)
    info = lapack.syevd(jobz, uplo, n, v, max(n, 1), w, work, work.shape[0], rwork,
                        rwork.shape[0], iwork, iwork.shape[0])
    if info > 0:
        raise np.linalg.LinAlgError("Eigenvalues did not converge")
    return w, v


def _eigh(uplo):
    def eigh(a, UPLO="L"):
        return _syevd(a, lapack.V, uplo)
    return eigh


def _eigvalsh(uplo):
    def eigvalsh(a, UPLO="L"):
        w, v = _syevd(a, lapack.N, uplo)
        return w
    return eigvalsh


_EIGH = {"L": _eigh(lapack.L), "U": _eigh(lapack.U)}
_EIGVALSH = {"L": _eigvalsh(lapack.L), "U": _eigvalsh(lapack.U)}


# ---- eig, eigvals -------------------------------------------------------------------------

def _geev(a, jobvr):
    """(wr, wi, VR or a dummy) from ?geev; for complex input wr holds the eigenvalues."""
    check_square(a)
    dtype = work_dtype(a)
    h = fortran_copy(a, dtype)
    n = h.shape[0]
    vn = n if jobvr == lapack.V else 1
    wr = np.empty(max(n, 1), dtype)
    wi = np.empty(max(n, 1), dtype)
    vl = np.zeros(1, dtype)
    vr = np.empty((vn, vn), dtype).T
    rwork = np.empty(max(2 * n, 1), real_dtype(dtype))
    work = np.zeros(1, dtype)
    lapack.geev(lapack.N, jobvr, n, h, max(n, 1), wr, wi, vl, 1, vr, max(vn, 1), work, -1,
                rwork)
    work = np.empty(_lwork(work), dtype)
    info = lapack.geev(lapack.N, jobvr, n, h, max(n, 1), wr, wi, vl, 1, vr, max(vn, 1), work,
                       work.shape[0], rwork)
    if info > 0:
        raise np.linalg.LinAlgError("Eigenvalues did not converge")
    return wr[:n], wi[:n], vr


def _real_eigenvalues(wr, wi):
    n = wr.shape[0]
    w = np.empty(n, complex_dtype(wr.dtype))
    for j in range(n):
        w[j] = complex(wr[j], wi[j])
    return w


def _complex_eigenvalues(w, wi):
    return w


def _real_eigenvectors(wi, vr):
    """Complex eigenvectors from ?geev's real VR: a pair j, j+1 of conjugate
    eigenvalues keeps v_j = VR[:, j] + i VR[:, j+1] and v_j+1 = conj(v_j)."""
    n = vr.shape[0]
    v = np.empty((n, n), complex_dtype(vr.dtype)).T
    j = 0
    while j < n:
        if wi[j] == 0 or j + 1 == n:
            for i in range(n):
                v[i, j] = vr[i, j]
            j += 1
        else:
            for i in range(n):
                v[i, j] = complex(vr[i, j], vr[i, j + 1])
                v[i, j + 1] = complex(vr[i, j], -vr[i, j + 1])
            j += 2
    return v


def _complex_eigenvectors(wi, vr):
    return vr


def _eig_of(values, vectors):
    def eig(a):
        wr, wi, vr = _geev(a, lapack.V)
        return values(wr, wi), vectors(wi, vr)
    return eig


def _eigvals_of(values):
    def eigvals(a):
        wr, wi, vr = _geev(a, lapack.N)
        return values(wr, wi)
    return eigvals


_EIG = {False: _eig_of(_real_eigenvalues, _real_eigenvectors),
        True: _eig_of(_complex_eigenvalues, _complex_eigenvectors)}
_EIGVALS = {False: _eigvals_of(_real_eigenvalues), True: _eigvals_of(_complex_eigenvalues)}


# ---- svd -----------------------------------------------------------------------------------

def _gesdd(a, jobz, full):
    """(u, s, vt) of a from ?gesdd; u and vt are dummies when jobz is N."""
    dtype = work_dtype(a)
    h = fortran_copy(a, dtype)
    m, n = h.shape
    k = min(m, n)
    s = np.empty(max(k, 1), real_dtype(dtype))
    ucols = m if full else k
    vrows = n if full else k
    if jobz == lapack.N:
        ucols = 1
        vrows = 1
    u = np.empty((ucols, m if jobz != lapack.N else 1), dtype).T
    vt = np.empty((n if jobz != lapack.N else 1, vrows), dtype).T
    if k == 0:  # LAPACK does not take empty matrices here: NumPy's results
        return _identity_or_empty(u), s[:0], _identity_or_empty(vt)
    # rwork: the complex routine's (LAPACK 3.7's bound, every jobz); unused by the real one
    lrwork = max(7 * k, k * max(5 * k + 7, 2 * max(m, n) + 2 * k + 1))
    rwork = np.empty(lrwork if lapack.is_complex(dtype) else 1, real_dtype(dtype))
    iwork = np.empty(8 * k, np.int32)
    work = np.zeros(1, dtype)
    lapack.gesdd(jobz, m, n, h, max(m, 1), s, u, max(u.shape[0], 1), vt, max(vrows, 1), work,
                 -1, rwork, iwork)
    work = np.empty(_lwork(work), dtype)
    info = lapack.gesdd(jobz, m, n, h, max(m, 1), s, u, max(u.shape[0], 1), vt, max(vrows, 1),
                        work, work.shape[0], rwork, iwork)
    if info > 0:
        raise np.linalg.LinAlgError("SVD did not converge")
    return u, s, vt


def _identity_or_empty(x):
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            x[i, j] = 1 if i == j else 0
    return x


def _svd_full(a, full_matrices=True, compute_uv=True, hermitian=False):
    return _gesdd(a, lapack.A, True)


def _svd_reduced(a, full_matrices=False, compute_uv=True, hermitian=False):
    return _gesdd(a, lapack.S, False)


def singular_values(a):
    u, s, vt = _gesdd(a, lapack.N, False)
    return s


def _svd_values(a, full_matrices=True, compute_uv=False, hermitian=False):
    return singular_values(a)


# ---- lstsq, pinv, matrix_rank, cond --------------------------------------------------------

def _gelsd(a, b, bb, nrhs, rcond):
    """Least squares into bb (b's copy, max(m, n) rows); (residuals, rank, s)."""
    dtype = bb.dtype
    h = fortran_copy(a, dtype)
    m, n = h.shape
    k = min(m, n)
    if b.shape[0] != m:
        raise np.linalg.LinAlgError("Incompatible dimensions")
    s = np.empty(max(k, 1), real_dtype(dtype))
    rank = np.zeros(1, np.int32)
    if rcond is None:
        cut = machine_eps(real_dtype(dtype)) * max(m, n)
    else:
        cut = rcond * 1.0
    ld = max(m, n, 1)
    work = np.zeros(1, dtype)
    rwork = np.zeros(1, real_dtype(dtype))
    iwork = np.zeros(1, np.int32)
    if k > 0:
        lapack.gelsd(m, n, nrhs, h, max(m, 1), bb, ld, s, cut, rank, work, -1, rwork, iwork)
        work = np.empty(_lwork(work), dtype)
        rwork = np.empty(_lwork(rwork), real_dtype(dtype))
        iwork = np.empty(_lwork(iwork), np.int32)
        info = lapack.gelsd(m, n, nrhs, h, max(m, 1), bb, ld, s, cut, rank, work,
                            work.shape[0], rwork, iwork)
        if info > 0:
            raise np.linalg.LinAlgError("SVD did not converge in Linear Least Squares")
    # else an empty a: x is zero (bb's rows below m are zeros), the residuals b's norms
    r = rank[0]
    full = r == n and m > n
    residuals = np.zeros(nrhs if full else 0, real_dtype(dtype))
    if full:
        for j in range(nrhs):
            total = 0.0
            for i in range(n, m):
                total += abs(bb[i, j]) ** 2
            residuals[j] = total
    return residuals, int(r), s[:k]


def _lstsq_matrix(a, b, rcond=None):
    dtype = work_dtype(a, b)
    m, n = a.shape
    nrhs = b.shape[1]
    bb = np.zeros((nrhs, max(m, n, 1)), dtype).T
    for j in range(nrhs):
        for i in range(min(b.shape[0], bb.shape[0])):
            bb[i, j] = b[i, j]
    residuals, rank, s = _gelsd(a, b, bb, nrhs, rcond)
    return bb[:n], residuals, rank, s


def _lstsq_vector(a, b, rcond=None):
    dtype = work_dtype(a, b)
    m, n = a.shape
    bb = np.zeros((1, max(m, n, 1)), dtype).T
    for i in range(min(b.shape[0], bb.shape[0])):
        bb[i, 0] = b[i]
    residuals, rank, s = _gelsd(a, b, bb, 1, rcond)
    return vector_copy(bb[:n, 0], dtype), residuals, rank, s


def _pinv(a, rcond=None, hermitian=False):
    dtype = work_dtype(a)
    m, n = a.shape
    u, s, vt = _gesdd(a, lapack.S, False)
    k = s.shape[0]
    if rcond is None:
        cutoff = machine_eps(real_dtype(dtype)) * max(m, n) * (s[0] if k > 0 else 0.0)
    else:
        cutoff = rcond * (s[0] if k > 0 else 0.0)
    out = np.zeros((n, m), dtype)
    for p in range(k):
        if s[p] > cutoff:
            scale = 1 / s[p]
            for j in range(m):
                ujp = np.conj(u[j, p]) * scale
                for i in range(n):
                    out[i, j] += np.conj(vt[p, i]) * ujp
    return out


def _matrix_rank(a, tol=None):
    s = singular_values(a)
    m, n = a.shape
    if s.shape[0] == 0:
        return 0
    if tol is None:
        limit = s[0] * max(m, n) * machine_eps(s.dtype)
    else:
        limit = tol * 1.0
    rank = 0
    for i in range(s.shape[0]):
        if s[i] > limit:
            rank += 1
    return rank


def _vector_rank(a, tol=None):
    for i in range(a.shape[0]):
        if a[i] != 0:
            return 1
    return 0


def _cond_none(x, p=None):
    check_square(x)
    s = singular_values(x)
    return s[0] / s[s.shape[0] - 1]


def _cond_number(x, p):
    check_square(x)
    if p == 2 or p == -2:
        s = singular_values(x)
        if p == 2:
            return s[0] / s[s.shape[0] - 1]
        return s[s.shape[0] - 1] / s[0]
    return _matrix_norm_number(x, p) * _matrix_norm_number(np.linalg.inv(x), p)


def _cond_fro(x, p):
    check_square(x)
    return _frobenius(x) * _frobenius(np.linalg.inv(x))


# ---- norm ----------------------------------------------------------------------------------

def _vector_norm(x, ord=None):
    n = x.shape[0]
    dtype = real_dtype(work_dtype(x))
    if ord is None:
        return _two_norm(x)
    if ord == 2:
        return _two_norm(x)
    if ord == np.inf or ord == -np.inf:
        if n == 0:
            raise ValueError("zero-size array to reduction operation maximum which has no "
                             "identity")
        best = abs(x[0]) * 1.0
        for i in range(1, n):
            size = abs(x[i])
            if ord > 0 and size > best or ord < 0 and size < best or size != size:
                best = size
        return _cast(best, dtype)
    total = 0.0
    if ord == 0:
        for i in range(n):
            if x[i] != 0:
                total += 1
        return _cast(total, dtype)
    if ord == 1:
        for i in range(n):
            total += abs(x[i])
        return _cast(total, dtype)
    for i in range(n):
        total += abs(x[i]) ** ord
    return _cast(total ** (1.0 / ord), dtype)


def _two_norm(x):
    total = 0.0
    for i in range(x.shape[0]):
        total += abs(x[i]) ** 2
    return _cast(np.sqrt(total), real_dtype(work_dtype(x)))


def _frobenius(x):
    total = 0.0
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            total += abs(x[i, j]) ** 2
    return _cast(np.sqrt(total), real_dtype(work_dtype(x)))


def _norm_fro(x, ord=None):
    return _frobenius(x)


def _norm_nuc(x, ord=None):
    s = singular_values(x)
    total = 0.0
    for i in range(s.shape[0]):
        total += s[i]
    return _cast(total, s.dtype)


def _abs_sums(x, axis):
    """Sums of |x| down columns (axis 0) or along rows (axis 1)."""
    m, n = x.shape
    sums = np.zeros(n if axis == 0 else m)
    for i in range(m):
        for j in range(n):
            if axis == 0:
                sums[j] += abs(x[i, j])
            else:
                sums[i] += abs(x[i, j])
    return sums


def _no_svd(x):
    if x.shape[0] >= 0:  # always: typed as returning the singular values
        raise ValueError("np.linalg.norm(x, 2), norm(x, -2) and norm(x, 'nuc') of a matrix "
                         "need SciPy (its LAPACK) in compiled code")
    return np.empty(0, real_dtype(work_dtype(x)))


def _matrix_norms(svd_values):
    """(norm(x, ord) for a number ord, norm(x, ord=None)) of matrices, taking singular
    values from `svd_values`."""
    def number(x, ord):
        dtype = real_dtype(work_dtype(x))
        if ord == 2 or ord == -2:
            s = svd_values(x)
            if s.shape[0] == 0:
                raise ValueError("zero-size array to reduction operation maximum which has "
                                 "no identity")
            return _cast(s[0] if ord == 2 else s[s.shape[0] - 1], dtype)
        if ord == 1 or ord == -1:
            sums = _abs_sums(x, 0)
        elif ord == np.inf or ord == -np.inf:
            sums = _abs_sums(x, 1)
        else:
            raise ValueError("Invalid norm order for matrices.")
        if sums.shape[0] == 0:
            raise ValueError("zero-size array to reduction operation maximum which has no "
                             "identity")
        return _cast(sums.max() if ord > 0 else sums.min(), dtype)

    def norm(x, ord=None):
        if ord is None:
            return _frobenius(x)
        return number(x, ord)
    return number, norm


_matrix_norm_number, _MATRIX_NORM = _matrix_norms(singular_values)
_MATRIX_NORM_NO_SVD = _matrix_norms(_no_svd)[1]


def _no_svd_norm(x, ord=None):
    _no_svd(x)
    return _cast(0, real_dtype(work_dtype(x)))


def _fro_of_vector(x, ord=None):
    if x.shape[0] >= 0:  # always: typed as returning a norm
        raise ValueError("Invalid norm order 'fro' for vectors")
    return _cast(0, real_dtype(work_dtype(x)))


def _nuc_of_vector(x, ord=None):
    if x.shape[0] >= 0:
        raise ValueError("Invalid norm order 'nuc' for vectors")
    return _cast(0, real_dtype(work_dtype(x)))


# ---- typing --------------------------------------------------------------------------------

def _lapack_operand(name, args, kws, names=("a",)):
    types = bound_arguments(name, args, kws, names)
    if not lapack.enabled():
        needs_lapack(name)
    array_operand(name, types[names[0]])
    return types


def _literal_bool(name, what, ty, default):
    if ty is None:
        return default
    value = literal_value(ty)
    if not isinstance(value, bool):
        raise TypingError(f"np.linalg.{name}() argument '{what}' must be a constant True or "
                          f"False in compiled code, not {ty}")
    return value


def _constant_string(name, what, ty, default, choices):
    if ty is None:
        return default
    value = getattr(ty, "value", None) if isinstance(ty, t.CompileTimeValue) else None
    if value not in choices:
        raise TypingError(f"np.linalg.{name}() argument '{what}' must be one of "
                          f"{', '.join(map(repr, choices))} (a constant), not {ty}")
    return value


def _optional_number(name, what, ty):
    if ty is not None and not isinstance(ty, (t.NoneType, t.Integer, t.Float, t.Boolean)):
        raise TypingError(f"np.linalg.{name}() argument '{what}' must be a real number or "
                          f"None, not {ty}")


@register(np.linalg.cholesky)
def type_cholesky(args, kws):
    """cholesky(a): square 2-D -> lower L with a = L L^H; LAPACK ?potrf (needs SciPy)"""
    _lapack_operand("cholesky", args, kws)
    return typed(_cholesky)


@register(np.linalg.qr)
def type_qr(args, kws):
    """qr(a, mode='reduced', 'complete' or 'r'): 2-D; LAPACK ?geqrf, ?orgqr/?ungqr (needs SciPy)"""
    types = _lapack_operand("qr", args, kws, ("a", "mode"))
    mode = _constant_string("qr", "mode", types.get("mode"), "reduced",
                            ("reduced", "complete", "r"))
    return typed({"reduced": _qr_reduced, "complete": _qr_complete, "r": _qr_r}[mode])


@register(np.linalg.eigh)
def type_eigh(args, kws):
    """eigh(a, UPLO='L'): Hermitian 2-D -> (w, v); LAPACK ?syevd/?heevd (needs SciPy)"""
    types = _lapack_operand("eigh", args, kws, ("a", "UPLO"))
    uplo = _constant_string("eigh", "UPLO", types.get("UPLO"), "L", ("L", "U"))
    return typed(_EIGH[uplo])


@register(np.linalg.eigvalsh)
def type_eigvalsh(args, kws):
    """eigvalsh(a, UPLO='L'): Hermitian 2-D -> w; LAPACK ?syevd/?heevd (needs SciPy)"""
    types = _lapack_operand("eigvalsh", args, kws, ("a", "UPLO"))
    uplo = _constant_string("eigvalsh", "UPLO", types.get("UPLO"), "L", ("L", "U"))
    return typed(_EIGVALSH[uplo])


@register(np.linalg.eig)
def type_eig(args, kws):
    """eig(a): square 2-D -> complex (w, v), also for real a; LAPACK ?geev (needs SciPy)"""
    types = _lapack_operand("eig", args, kws)
    return typed(_EIG[isinstance(linalg_dtype(types["a"]), t.Complex)])


@register(np.linalg.eigvals)
def type_eigvals(args, kws):
    """eigvals(a): square 2-D -> complex w even for real a (see eig); LAPACK ?geev (needs SciPy)"""
    types = _lapack_operand("eigvals", args, kws)
    return typed(_EIGVALS[isinstance(linalg_dtype(types["a"]), t.Complex)])


@register(np.linalg.svd)
@literal_arguments(full_matrices=1, compute_uv=2, hermitian=3)
def type_svd(args, kws):
    """svd(a, full_matrices=True, compute_uv=True): 2-D, constant flags; ?gesdd (needs SciPy)"""
    types = _lapack_operand("svd", args, kws, ("a", "full_matrices", "compute_uv", "hermitian"))
    full = _literal_bool("svd", "full_matrices", types.get("full_matrices"), True)
    uv = _literal_bool("svd", "compute_uv", types.get("compute_uv"), True)
    if _literal_bool("svd", "hermitian", types.get("hermitian"), False):
        raise TypingError("np.linalg.svd(hermitian=True) is not supported in compiled code")
    if not uv:
        return typed(_svd_values)
    return typed(_svd_full if full else _svd_reduced)


@register(np.linalg.lstsq)
def type_lstsq(args, kws):
    """lstsq(a, b, rcond=None): a 2-D, b 1-D or 2-D; LAPACK ?gelsd (needs SciPy)"""
    types = bound_arguments("lstsq", args, kws, ("a", "b", "rcond"), required=2)
    if not lapack.enabled():
        needs_lapack("lstsq")
    a = array_operand("lstsq", types["a"])
    b = array_operand("lstsq", types["b"], "b", (1, 2))
    linalg_dtype(a, b)
    _optional_number("lstsq", "rcond", types.get("rcond"))
    return typed(_lstsq_vector if b.ndim == 1 else _lstsq_matrix)


@register(np.linalg.pinv)
@literal_arguments(hermitian=2)
def type_pinv(args, kws):
    """pinv(a, rcond=None): 2-D; through the SVD (needs SciPy); no hermitian=True, no rtol="""
    types = _lapack_operand("pinv", args, kws, ("a", "rcond", "hermitian"))
    _optional_number("pinv", "rcond", types.get("rcond"))
    if _literal_bool("pinv", "hermitian", types.get("hermitian"), False):
        raise TypingError("np.linalg.pinv(hermitian=True) is not supported in compiled code")
    return typed(_pinv)


@register(np.linalg.matrix_rank)
def type_matrix_rank(args, kws):
    """matrix_rank(A, tol=None): 1-D or 2-D; through the SVD for 2-D (needs SciPy)"""
    types = bound_arguments("matrix_rank", args, kws, ("A", "tol"))
    a = array_operand("matrix_rank", types["A"], "A", (1, 2))
    _optional_number("matrix_rank", "tol", types.get("tol"))
    if a.ndim == 1:
        return typed(_vector_rank)
    if not lapack.enabled():
        needs_lapack("matrix_rank")
    return typed(_matrix_rank)


@register(np.linalg.cond)
def type_cond(args, kws):
    """cond(x, p=None): square 2-D; p None, +-1, +-2, +-inf, 'fro' (needs SciPy)"""
    types = bound_arguments("cond", args, kws, ("x", "p"))
    array_operand("cond", types["x"], "x")
    if not lapack.enabled():
        needs_lapack("cond")
    p = types.get("p")
    if isinstance(p, t.CompileTimeValue):
        _constant_string("cond", "p", p, None, ("fro",))
        return typed(_cond_fro)
    _optional_number("cond", "p", p)
    return typed(_cond_none if p is None or isinstance(p, t.NoneType) else _cond_number)


def _full_signature(norm):
    """norm(x, ord) as np.linalg.norm's signature (axis=None, keepdims=False: checked
    while typing)."""
    def full(x, ord=None, axis=None, keepdims=False):
        return norm(x, ord)
    return full


def _norm_along_axis(x, ord=None, axis=None, keepdims=False):
    """Vector norms of a 2-D array's columns (axis 0) or rows (axis 1)."""
    ax = axis + 2 if axis < 0 else axis
    if ax != 0 and ax != 1:
        fail(np.exceptions.AxisError, "axis %lld is out of bounds for array of dimension 2",
             axis)
    m, n = x.shape
    count = n if ax == 0 else m
    out = np.empty(count, real_dtype(work_dtype(x)))
    for k in range(count):
        if ax == 0:
            out[k] = _vector_norm(x[:, k], ord)
        else:
            out[k] = _vector_norm(x[k], ord)
    return out


_NORMS = {impl: _full_signature(impl) for impl in (
    _fro_of_vector, _nuc_of_vector, _norm_fro, _norm_nuc, _no_svd_norm, _vector_norm,
    _MATRIX_NORM, _MATRIX_NORM_NO_SVD)}


@register(np.linalg.norm)
@literal_arguments(keepdims=3)
def type_norm(args, kws):
    """norm(x, ord=None, axis=None): 1-D, 2-D; int axis: vector norms; ord +-2, 'nuc' need SciPy"""
    types = bound_arguments("norm", args, kws, ("x", "ord", "axis", "keepdims"))
    x = array_operand("norm", types["x"], "x", (1, 2))
    keepdims = types.get("keepdims")
    if keepdims is not None and literal_value(keepdims) is not False:
        raise TypingError("np.linalg.norm(keepdims=True) is not supported in compiled code")
    axis = types.get("axis")
    order = types.get("ord")
    if axis is not None and not isinstance(axis, t.NoneType):
        if not isinstance(axis, t.Integer) or x.ndim != 2:
            raise TypingError(f"np.linalg.norm() supports axis=None, or an int axis of a 2-D "
                              f"array (the vector norms of its rows or columns), not axis of "
                              f"type {axis} for {x}")
        if isinstance(order, t.CompileTimeValue):
            raise TypingError("np.linalg.norm() with an int axis takes a number ord (vector "
                              "norms), not 'fro' or 'nuc'")
        _optional_number("norm", "ord", order)
        return typed(_norm_along_axis)
    if isinstance(order, t.CompileTimeValue):
        name = _constant_string("norm", "ord", order, None, ("fro", "nuc"))
        if x.ndim == 1:
            return typed(_NORMS[_fro_of_vector if name == "fro" else _nuc_of_vector])
        if name == "fro":
            return typed(_NORMS[_norm_fro])
        return typed(_NORMS[_norm_nuc if lapack.enabled() else _no_svd_norm])
    _optional_number("norm", "ord", order)
    if x.ndim == 1:
        return typed(_NORMS[_vector_norm])
    return typed(_NORMS[_MATRIX_NORM if lapack.enabled() else _MATRIX_NORM_NO_SVD])
