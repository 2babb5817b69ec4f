"""Methods of numbers: complex.conjugate, np.conj on scalars, NumPy scalar types
called as conversions (np.float32(x), np.int64(x))."""

import numpy as np
from llvmlite import ir

from ember.codegen import casts
from ember.types import core as t
from ember.types.typeof import from_dtype
from ember.typing.registry import Impl, elementwise, register


def _conjugate(args, kws):
    """any number; real numbers are returned unchanged"""
    if kws or len(args) != 1 or not isinstance(args[0], t.Number):
        return None
    x = args[0]
    if not isinstance(x, t.Complex):
        return Impl(x, [x], emit=lambda cg, a: a[0])
    return Impl(x, [x], emit=_emit_conjugate)


def _emit_conjugate(cg, args):
    bld = cg.builder
    value = args[0]
    return bld.insert_value(value, bld.fneg(bld.extract_value(value, 1)), 1)


for _cls in (t.Complex, t.Float, t.Integer, t.Boolean):
    register(("method", _cls, "conjugate"))(_conjugate)
register(np.conj, np.conjugate)(elementwise(_conjugate))


def _scalar_constructor(numpy_type):
    target = from_dtype(numpy_type)

    def typer(args, kws):
        """converts a number (wrapping like NumPy's C casts)"""
        if kws or len(args) > 1:
            return None
        if not args:
            return Impl(target, [], emit=lambda cg, a: ir.Constant(
                cg.constant(0, target).type, None))
        x = args[0]
        if not isinstance(x, t.Number) or (isinstance(x, t.Complex) and
                                           not isinstance(target, t.Complex)):
            return None
        return Impl(target, [x], emit=lambda cg, a: casts.cast(cg.builder, a[0], x, target))
    return typer


for _numpy_type in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16,
                    np.uint32, np.uint64, np.float32, np.float64, np.complex64,
                    np.complex128):
    register(_numpy_type)(_scalar_constructor(_numpy_type))
