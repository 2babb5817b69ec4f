"""Matrix construction and index queries: np.eye, identity, triu, tril, diag,
trace, meshgrid, nonzero (function and method) and the one-argument form of
np.where, written as Python that ember compiles."""

import numpy as np

from ember.errors import TypingError
from ember.lib.joining import array_arg, as_3d, bind_arguments, generate
from ember.lib.ufuncs import type_where as type_where_elementwise
from ember.types import core as t
from ember.typing.registry import Impl, register

_INTS = (t.Integer, t.Boolean)


def _int_arg(name, types, argument, optional=False):
    ty = types.get(argument, t.int64)
    allowed = _INTS + ((t.NoneType,) if optional else ())
    if not isinstance(ty, allowed):
        kind = "an int or None" if optional else "an int"
        raise TypingError(f"{name}() argument '{argument}' must be {kind}, not {ty}")


# ---- eye, identity -----------------------------------------------------------------------

def set_diagonal(out, k, value):
    """out[i, i + k] = value along the k-th diagonal of a 2-D array."""
    rows, cols = out.shape
    for i in range(max(0, -k), min(rows, cols - k)):
        out[i, i + k] = value


def eye_impl(N, M=None, k=0, dtype=float):
    if M is None:
        out = np.zeros((N, N), dtype=dtype)
    else:
        out = np.zeros((N, M), dtype=dtype)
    set_diagonal(out, k, 1)
    return out


def identity_impl(n, dtype=float):
    return eye_impl(n, None, 0, dtype)


@register(np.eye)
def type_eye(args, kws):
    """eye(N, M=None, k=0, dtype=float): ints N, M, k; dtype a NumPy/Python type or string"""
    bound = bind_arguments("np.eye", args, kws, ("N", "M", "k", "dtype"))
    if bound is None:
        return None
    _int_arg("np.eye", bound, "N")
    _int_arg("np.eye", bound, "M", optional=True)
    _int_arg("np.eye", bound, "k")
    return Impl(None, None, py_impl=eye_impl)


@register(np.identity)
def type_identity(args, kws):
    """identity(n, dtype=float): an int n; dtype a NumPy/Python type or string"""
    bound = bind_arguments("np.identity", args, kws, ("n", "dtype"))
    if bound is None:
        return None
    _int_arg("np.identity", bound, "n")
    return Impl(None, None, py_impl=identity_impl)


# ---- triu, tril ---------------------------------------------------------------------------

def zero_triangle(out, k, lower):
    """Zero, in each matrix of the last two axes, the part below diagonal k
    (`lower`: above it), as triu (tril) leaves it."""
    view = as_3d(out, out.ndim - 2)
    batch, rows, cols = view.shape
    for b in range(batch):
        for i in range(rows):
            start = i + k + 1 if lower else 0
            stop = cols if lower else i + k
            for j in range(max(start, 0), min(stop, cols)):
                view[b, i, j] = 0
    return out


def rows_of(v):
    """The (n, n) matrix whose every row is the 1-D array v (triu of a vector)."""
    n = v.shape[0]
    out = np.empty((n, n), dtype=v.dtype)
    for i in range(n):
        for j in range(n):
            out[i, j] = v[j]
    return out


def triu_impl(m, k=0):
    return zero_triangle(np.copy(m), k, False)


def tril_impl(m, k=0):
    return zero_triangle(np.copy(m), k, True)


def triu_vector(m, k=0):
    return zero_triangle(rows_of(m), k, False)


def tril_vector(m, k=0):
    return zero_triangle(rows_of(m), k, True)


def _triangle(name, matrix_impl, vector_impl):
    def typer(args, kws):
        """(m, k=0): the last two axes of m (a 1-D m is repeated as the rows of a square)"""
        bound = bind_arguments(name, args, kws, ("m", "k"))
        if bound is None:
            return None
        m_type = array_arg(name, bound["m"], "m", min_ndim=1)
        _int_arg(name, bound, "k")
        return Impl(None, None, py_impl=vector_impl if m_type.ndim == 1 else matrix_impl)
    typer.__doc__ = name[3:] + typer.__doc__
    return typer


register(np.triu)(_triangle("np.triu", triu_impl, triu_vector))
register(np.tril)(_triangle("np.tril", tril_impl, tril_vector))


# ---- diag, trace ---------------------------------------------------------------------------

def diag_from_vector(v, k=0):
    n = v.shape[0] + abs(k)
    out = np.zeros((n, n), dtype=v.dtype)
    row, col = max(-k, 0), max(k, 0)
    for i in range(v.shape[0]):
        out[i + row, i + col] = v[i]
    return out


def diag_of_matrix(v, k=0):
    rows, cols = v.shape
    row, col = max(-k, 0), max(k, 0)
    count = max(min(rows - row, cols - col), 0)
    out = np.empty(count, dtype=v.dtype)
    for i in range(count):
        out[i] = v[i + row, i + col]
    return out


@register(np.diag)
def type_diag(args, kws):
    """diag(v, k=0): 1-D v -> 2-D array; 2-D v -> its k-th diagonal (a copy, not a view)

    NumPy returns the diagonal as a read-only view; a copy holds the same values."""
    bound = bind_arguments("np.diag", args, kws, ("v", "k"))
    if bound is None:
        return None
    v = array_arg("np.diag", bound["v"], "v")
    _int_arg("np.diag", bound, "k")
    if v.ndim not in (1, 2):
        raise TypingError(f"np.diag(): Input must be 1- or 2-d, not {v.ndim}-d.")
    return Impl(None, None, py_impl=diag_from_vector if v.ndim == 1 else diag_of_matrix)


def trace_impl(a, offset=0):
    return diag_of_matrix(a, offset).sum()


@register(np.trace, ("method", t.Array, "trace"))
def type_trace(args, kws):
    """trace(a, offset=0) of a 2-D array, summed as np.sum would (ints as int64)"""
    bound = bind_arguments("np.trace", args, kws, ("a", "offset"))
    if bound is None:
        return None
    a = array_arg("np.trace", bound["a"])
    _int_arg("np.trace", bound, "offset")
    if a.ndim != 2:
        raise TypingError(f"np.trace() supports 2-D arrays only, not {a.ndim}-d")
    return Impl(None, None, py_impl=trace_impl)


# ---- meshgrid ------------------------------------------------------------------------------

def spread(v, shape, axis):
    """A C array of `shape` holding v[j] wherever the index along `axis` is j."""
    out = np.empty(shape, dtype=v.dtype)
    target = as_3d(out, axis)
    outer, n, inner = target.shape
    for i in range(outer):
        for j in range(n):
            for k in range(inner):
                target[i, j, k] = v[j]
    return out


def _meshgrid_source(count, indexing):
    """meshgrid of `count` arrays: grid k varies along axis k ('ij'); 'xy'
    swaps the first two axes, as NumPy does."""
    axes = list(range(count))
    if indexing == "xy" and count > 1:
        axes[0], axes[1] = 1, 0
    lengths = [f"v{axes.index(d)}.shape[0], " for d in range(count)]
    params = "".join(f"x{k}, " for k in range(count))
    lines = [f"def meshgrid({params}indexing='xy'):"]
    lines += [f"    v{k} = x{k}.ravel()" for k in range(count)]
    lines.append(f"    shape = ({''.join(lengths)})")
    grids = "".join(f"spread(v{k}, shape, {axes[k]}), " for k in range(count))
    lines.append(f"    return ({grids})")
    return "\n".join(lines) + "\n"


@register(np.meshgrid)
def type_meshgrid(args, kws):
    """meshgrid(*xi, indexing='xy'): arrays (raveled), indexing 'xy' or 'ij'; copies"""
    if set(kws) - {"indexing"}:
        raise TypingError(f"np.meshgrid() keyword '{sorted(set(kws) - {'indexing'})[0]}' is "
                          "not supported; only indexing= is")
    for k, ty in enumerate(args):
        array_arg("np.meshgrid", ty, f"x{k + 1}")
    indexing = kws.get("indexing")
    value = "xy" if indexing is None else getattr(indexing, "value", None)
    if value not in ("xy", "ij"):
        raise TypingError("np.meshgrid(): Valid values for `indexing` are 'xy' and 'ij'.")
    if not args:
        raise TypingError("np.meshgrid() needs at least one array")
    return Impl(None, None, py_impl=generate(_meshgrid_source(len(args), value), globals()))


# ---- nonzero, where(condition) ---------------------------------------------------------------

def nonzero_coordinates(a):
    """A (ndim, count) array: column c holds the index of the c-th nonzero element
    of `a` in C order."""
    flat = a.ravel()
    count = 0
    for p in range(flat.size):
        if flat[p] != 0:
            count += 1
    coords = np.empty((a.ndim, count), dtype=np.int64)
    c = 0
    for p in range(flat.size):
        if flat[p] != 0:
            rest = p
            for d in range(a.ndim - 1, -1, -1):
                coords[d, c] = rest % a.shape[d]
                rest //= a.shape[d]
            c += 1
    return coords


def _nonzero_source(ndim):
    rows = "".join(f"coords[{d}], " for d in range(ndim))
    return (f"def nonzero(a):\n    coords = nonzero_coordinates(a)\n"
            f"    return ({rows})\n")


@register(np.nonzero, ("method", t.Array, "nonzero"))
def type_nonzero(args, kws):
    """nonzero(a): a tuple of int64 index arrays, one per dimension (a.ndim >= 1)"""
    if kws or len(args) != 1:
        return None
    a = array_arg("np.nonzero", args[0])
    if a.ndim == 0:
        raise TypingError("np.nonzero(): Calling nonzero on 0d arrays is not allowed. Use "
                          "np.atleast_1d(scalar).nonzero() instead.")
    return Impl(None, None, py_impl=generate(_nonzero_source(a.ndim), globals()))


@register(np.where)
def type_where(args, kws):
    """where(condition) as np.nonzero, or where(condition, x, y) elementwise"""
    if len(args) == 1 and not kws:
        return type_nonzero(args, kws)
    return type_where_elementwise(args, kws)


# ---- triu_indices, tril_indices --------------------------------------------------------------

def triangle_indices(n, k, m, upper):
    """Row-major (rows, cols) of the elements with j - i >= k (upper) or <= k."""
    if m is None:
        cols = n
    else:
        cols = m
    count = 0
    for i in range(n):
        for j in range(cols):
            if (j - i >= k) if upper else (j - i <= k):
                count += 1
    rows_out = np.empty(count, dtype=np.int64)
    cols_out = np.empty(count, dtype=np.int64)
    c = 0
    for i in range(n):
        for j in range(cols):
            if (j - i >= k) if upper else (j - i <= k):
                rows_out[c] = i
                cols_out[c] = j
                c += 1
    return rows_out, cols_out


def triu_indices_impl(n, k=0, m=None):
    return triangle_indices(n, k, m, True)


def tril_indices_impl(n, k=0, m=None):
    return triangle_indices(n, k, m, False)


def _triangle_indices_typer(py_impl):
    def typer(args, kws):
        """triu_indices(n, k=0, m=None) / tril_indices: ints -> (rows, cols) int64 arrays"""
        types = bind_arguments(py_impl.__name__.split("_impl")[0], args, kws, ("n", "k", "m"))
        if types is None:
            return None
        if not all(isinstance(types.get(p, t.int64), _INTS) for p in ("n", "k")) or (
                not isinstance(types.get("m", t.none), _INTS + (t.NoneType,))):
            return None
        return Impl(None, None, py_impl=py_impl)
    return typer


register(np.triu_indices)(_triangle_indices_typer(triu_indices_impl))
register(np.tril_indices)(_triangle_indices_typer(tril_indices_impl))
