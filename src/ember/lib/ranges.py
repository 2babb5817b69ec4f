"""Numerical ranges on a log scale: np.logspace and np.geomspace, written as
Python that ember compiles over np.linspace, in NumPy's steps (geomspace:
log10 of the ends, logspace, then the ends set exactly and the sign
restored). Powers and logarithms are ember's, so values may differ from
NumPy's in the last bit.
"""

import numpy as np

from ember.lib.joining import fail
from ember.types import core as t
from ember.typing.registry import Impl, bind, register

_REALS = (t.Boolean, t.Integer, t.Float)


def logspace_impl(start, stop, num=50, endpoint=True, base=10.0):
    return np.power(float(base), np.linspace(start, stop, num, endpoint))


def geomspace_impl(start, stop, num=50, endpoint=True):
    if start == 0 or stop == 0:
        fail(ValueError, "Geometric sequence cannot include zero")
    sign = 1.0 if start > 0 else -1.0
    first = float(start) / sign
    last = float(stop) / sign
    result = np.power(10.0, np.linspace(np.log10(first), np.log10(last), num, endpoint))
    if num > 0:
        result[0] = first
        if num > 1 and endpoint:
            result[num - 1] = last
    result *= sign
    return result


def _fits(types, reals, ints=("num",), bools=("endpoint",)):
    return (all(isinstance(types.get(p, t.float64), _REALS) for p in reals)
            and all(isinstance(types.get(p, t.int64), (t.Integer, t.Boolean)) for p in ints)
            and all(isinstance(types.get(p, t.boolean), t.Boolean) for p in bools))


@register(np.logspace)
def type_logspace(args, kws):
    """logspace(start, stop, num=50, endpoint=True, base=10.0) of real numbers -> float64

    dtype= and axis= are not supported."""
    bound = bind(args, kws, ("start", "stop", "num", "endpoint", "base"), required=2)
    if bound is None or not _fits(bound[0], ("start", "stop", "base")):
        return None
    return Impl(None, None, py_impl=logspace_impl)


@register(np.geomspace)
def type_geomspace(args, kws):
    """geomspace(start, stop, num=50, endpoint=True) of real numbers of one sign -> float64

    Ends of opposite signs give NaNs inside (NumPy: complex results); zero raises
    ValueError; dtype= and axis= are not supported."""
    bound = bind(args, kws, ("start", "stop", "num", "endpoint"), required=2)
    if bound is None or not _fits(bound[0], ("start", "stop")):
        return None
    return Impl(None, None, py_impl=geomspace_impl)
