"""NumPy's elementwise functions beyond math: abs, sign, square, minimum and
maximum, arithmetic as functions, real/imag, where, clip. Each is a scalar
typer made elementwise over arrays (one fused loop, with broadcasting)."""

import numpy as np
from llvmlite import ir

from ember.codegen import arith, casts
from ember.codegen import models as m
from ember.types import core as t
from ember.typing.ops import NUMBER, binop_type
from ember.typing.registry import Impl, elementwise, register
from ember.typing.unify import arithmetic_type

REALS = (t.Integer, t.Float, t.Boolean)


def _one_number(args, kws, kinds=NUMBER):
    return not kws and len(args) == 1 and isinstance(args[0], kinds)


@register(np.abs, np.absolute)
@elementwise
def type_abs(args, kws):
    """numbers; complex -> float"""
    from ember.lib.builtins import type_abs as scalar_abs

    if _one_number(args, kws) and isinstance(args[0], t.Boolean):
        return Impl(t.boolean, args, emit=lambda cg, a: a[0])
    return scalar_abs(args, kws)


@register(np.negative)
@elementwise
def type_negative(args, kws):
    """numbers"""
    if not _one_number(args, kws):
        return None
    ty = args[0]
    return Impl(ty, [ty], emit=lambda cg, a: arith.negate(cg, a[0], ty))


@register(np.square)
@elementwise
def type_square(args, kws):
    """numbers"""
    if not _one_number(args, kws):
        return None
    ty = t.int8 if isinstance(args[0], t.Boolean) else args[0]  # NumPy squares bools as int8
    return Impl(ty, [ty], emit=lambda cg, a: arith.binop(cg, "*", a[0], a[0], ty))


@register(np.sign)
@elementwise
def type_sign(args, kws):
    """real numbers: -1, 0 or 1 (nan for nan)"""
    if not _one_number(args, kws, REALS):
        return None
    ty = args[0]
    return Impl(ty, [ty], emit=lambda cg, a: _emit_sign(cg, a[0], ty))


def _emit_sign(cg, value, ty):
    bld = cg.builder
    zero, one = cg.constant(0, ty), cg.constant(1, ty)
    minus = arith.negate(cg, one, ty)
    positive = arith.compare(cg, ">", value, zero, ty)
    negative = arith.compare(cg, "<", value, zero, ty)
    result = bld.select(positive, one, bld.select(negative, minus, zero))
    if isinstance(ty, t.Float):
        result = bld.select(bld.fcmp_unordered("uno", value, value), value, result)
    return result


def _binary(op):
    def typer(args, kws):
        """two numbers, with NumPy's type promotion"""
        if kws or len(args) != 2 or not all(isinstance(a, NUMBER) for a in args):
            return None
        result = binop_type(op, args[0], args[1], None, None)
        operand = t.float64 if op == "/" and isinstance(result, t.Float) and not any(
            isinstance(a, t.Float) for a in args) else arithmetic_type(*args)
        return Impl(result, [operand, operand],
                    emit=lambda cg, a: arith.binop(cg, op, a[0], a[1], operand))
    return typer


for _op, _functions in (("+", (np.add,)), ("-", (np.subtract,)), ("*", (np.multiply,)),
                        ("/", (np.divide, np.true_divide)), ("//", (np.floor_divide,)),
                        ("%", (np.mod, np.remainder))):
    register(*_functions)(elementwise(_binary(_op)))


def _extremum(op, nan_propagates):
    def typer(args, kws):
        """two real numbers; NaN handling as NumPy's"""
        if kws or len(args) != 2 or not all(isinstance(a, REALS) for a in args):
            return None
        ty = arithmetic_type(*args) if not all(isinstance(a, t.Boolean) for a in args) \
            else t.boolean
        return Impl(ty, [ty, ty], emit=lambda cg, a: _emit_extremum(cg, op, a, ty,
                                                                    nan_propagates))
    return typer


def _emit_extremum(cg, op, values, ty, nan_propagates):
    bld = cg.builder
    a, b = values
    pick_a = arith.compare(cg, op, a, b, ty)
    result = bld.select(pick_a, a, b)
    if isinstance(ty, t.Float):
        a_nan = bld.fcmp_unordered("uno", a, a)
        b_nan = bld.fcmp_unordered("uno", b, b)
        if nan_propagates:  # minimum/maximum: a NaN wins
            result = bld.select(a_nan, a, bld.select(b_nan, b, result))
        else:  # fmin/fmax: a NaN loses
            result = bld.select(a_nan, b, bld.select(b_nan, a, result))
    return result


register(np.minimum)(elementwise(_extremum("<", True)))
register(np.maximum)(elementwise(_extremum(">", True)))
register(np.fmin)(elementwise(_extremum("<", False)))
register(np.fmax)(elementwise(_extremum(">", False)))


@register(np.power)
@elementwise
def type_power(args, kws):
    """two numbers; integer ** negative integer raises ValueError"""
    from ember.lib.builtins import type_pow

    return type_pow(args, kws)


def _part(index):
    def typer(args, kws):
        """a number: its real or imaginary part"""
        if not _one_number(args, kws):
            return None
        ty = args[0]
        if isinstance(ty, t.Complex):
            return Impl(ty.part, [ty], emit=lambda cg, a: cg.builder.extract_value(a[0], index))
        return Impl(ty, [ty], emit=lambda cg, a: a[0] if index == 0 else cg.constant(0, ty))
    return typer


register(np.real)(elementwise(_part(0)))
register(np.imag)(elementwise(_part(1)))


@register(np.where)
@elementwise
def type_where(args, kws):
    """where(condition, x, y) elementwise; the one-argument form is not supported yet"""
    if kws or len(args) != 3 or not all(isinstance(a, NUMBER) for a in args):
        return None
    ty = arithmetic_type(args[1], args[2]) if not all(
        isinstance(a, t.Boolean) for a in args[1:]) else t.boolean
    return Impl(ty, [t.boolean, ty, ty], emit=lambda cg, a: cg.builder.select(a[0], a[1], a[2]))


@register(np.clip)
@elementwise
def type_clip(args, kws):
    """clip(a, a_min, a_max) of real numbers"""
    if kws or len(args) != 3 or not all(isinstance(a, REALS) for a in args):
        return None
    ty = args[0] if not isinstance(args[0], t.Boolean) else t.int64
    return Impl(ty, [ty, ty, ty], emit=lambda cg, a: _emit_clip(cg, a, ty))


def _emit_clip(cg, values, ty):
    bld = cg.builder
    value, low, high = values
    value = bld.select(arith.compare(cg, "<", value, low, ty), low, value)
    return bld.select(arith.compare(cg, ">", value, high, ty), high, value)


__all__ = ["casts", "ir", "m"]


@register(np.round, np.around, ("method", t.Array, "round"))
def type_round(args, kws):
    """round(a, decimals=0): half to even, as NumPy (scale, rint, unscale)"""
    from ember.typing.registry import bind

    bound = bind(args, kws, ("a", "decimals"))
    if bound is None:
        return None
    types, order = bound
    if not isinstance(types.get("decimals", t.int64), (t.Integer, t.Boolean)):
        return None
    if isinstance(types["a"], t.Array) and isinstance(types["a"].dtype, (t.Integer,
                                                                          t.Boolean)):
        return Impl(None, None, py_impl=round_integers)
    return Impl(None, None, py_impl=round_impl)


def round_integers(a, decimals=0):
    # Integers are already round at decimals >= 0 (NumPy returns a copy).
    if decimals >= 0:
        return a.copy()
    scale = 10 ** -decimals
    return (np.rint(a / scale) * scale).astype(a.dtype)


def round_impl(a, decimals=0):
    if decimals == 0:
        return np.rint(a)
    if decimals > 0:
        scale = 10.0 ** decimals
        return np.rint(a * scale) / scale
    scale = 10.0 ** -decimals
    return np.rint(a / scale) * scale
