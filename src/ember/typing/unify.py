"""Numeric promotion and unification of types.

Promotion of numbers follows NumPy's table (`np.promote_types`), so scalar
and array arithmetic agree; bools in arithmetic count as int64, as in Python.
Unification merges the types a variable takes at different assignments
(int then float -> float), as Numba does.
"""

import numpy as np

from ember.types import core as t
from ember.types.typeof import from_dtype, to_dtype


def promote(a, b):
    """The type two numbers are converted to before an arithmetic operation."""
    if a == b:
        return a
    return from_dtype(np.promote_types(to_dtype(a), to_dtype(b)))


def arithmetic_type(a, b):
    """Operand type for + - * etc.: bools act as int64 (True + True == 2)."""
    a = t.int64 if isinstance(a, t.Boolean) else a
    b = t.int64 if isinstance(b, t.Boolean) else b
    return promote(a, b)


def unify(a, b):
    """A type that can hold values of both a and b, or None if there is none."""
    if a is None or a == b:
        return b
    if b is None:
        return a
    if isinstance(a, t.Number) and isinstance(b, t.Number):
        if isinstance(a, t.Boolean) or isinstance(b, t.Boolean):
            return arithmetic_type(a, b)
        return promote(a, b)
    if isinstance(a, t.Tuple) and isinstance(b, t.Tuple) and len(a) == len(b):
        items = [unify(x, y) for x, y in zip(a.types, b.types)]
        return None if None in items else t.Tuple(items)
    if isinstance(a, t.List) and isinstance(b, t.List):  # only an undecided list refines
        if a.dtype is None or b.dtype is None:
            return b if a.dtype is None else a
        inner = unify(a.dtype, b.dtype) if isinstance(a.dtype, (t.List, t.Tuple)) else None
        return None if inner is None else t.List(inner)
    if isinstance(a, t.Array) and isinstance(b, t.Array):
        if (a.dtype, a.ndim) == (b.dtype, b.ndim):
            layout = a.layout if a.layout == b.layout else "A"
            return t.Array(a.dtype, a.ndim, layout, a.readonly or b.readonly)
    return None
