"""Reductions over whole arrays: sum, prod, min, max, mean, var, std, any,
all, argmin, argmax (functions and methods). They consume array
expressions unevaluated (codegen.lazy): `np.sum(a * b)` allocates nothing.
Reductions along an axis are not supported yet."""

import numpy as np
from llvmlite import ir

from ember.codegen import arith, casts, lazy
from ember.codegen import models as m
from ember.types import core as t
from ember.typing.registry import Impl, bind, register


def _accumulator_type(dtype, kind):
    if kind in ("sum", "prod"):
        if isinstance(dtype, t.Boolean) or isinstance(dtype, t.Integer) and dtype.signed:
            return t.int64
        if isinstance(dtype, t.Integer):
            return t.uint64
        return dtype
    if kind in ("mean", "var", "std"):
        return dtype if isinstance(dtype, (t.Float, t.Complex)) else t.float64
    if kind in ("any", "all"):
        return t.boolean
    if kind in ("argmin", "argmax"):
        return t.int64
    return dtype  # min, max


def _typer(kind):
    names = ("a", "axis", "ddof") if kind in ("var", "std") else ("a", "axis")

    def typer(args, kws):
        """whole-array reduction; axis=None only (for now)"""
        bound = bind(args, kws, names)
        if bound is None or not isinstance(bound[0]["a"], t.Array):
            return None
        types, order = bound
        if not isinstance(types.get("axis", t.none), t.NoneType):
            return None
        source = types["a"]
        result = _accumulator_type(source.dtype, kind)
        if kind in ("var", "std") and isinstance(result, t.Complex):
            result = result.part
        if kind in ("min", "max") and isinstance(source.dtype, t.Complex):
            return None

        def emit(cg, values):
            by_name = dict(zip(order, values))
            ddof = by_name.get("ddof")
            if ddof is not None:
                ddof = casts.cast(cg.builder, ddof, types["ddof"], t.float64)
            return _EMITTERS[kind](cg, lazy.as_lazy(cg, by_name["a"], source), source.dtype,
                                   result, ddof)
        return Impl(result, [types[n] for n in order], emit=emit, lazy_args=True)
    return typer


def _loop(cg, values, visit):
    lazy.loop(cg, values, values.shape, lambda idx: visit(values.element(idx), idx))


def _size(cg, values):
    size = ir.Constant(m.i64, 1)
    for s in values.shape:
        size = cg.builder.mul(size, s)
    return size


def _fold(cg, values, dtype, acc_type, init, op):
    slot = cg.alloca(m.value_type(acc_type))
    cg.builder.store(cg.constant(init, acc_type), slot)

    def visit(element, idx):
        item = casts.cast(cg.builder, element, dtype, acc_type)
        cg.builder.store(arith.binop(cg, op, cg.builder.load(slot), item, acc_type), slot)
    _loop(cg, values, visit)
    return cg.builder.load(slot)


def _sum(cg, values, dtype, result, ddof):
    return _fold(cg, values, dtype, result, 0, "+")


def _prod(cg, values, dtype, result, ddof):
    return _fold(cg, values, dtype, result, 1, "*")


def _mean(cg, values, dtype, result, ddof):
    total = _fold(cg, values, dtype, result, 0, "+")
    count = casts.cast(cg.builder, _size(cg, values), t.int64, result)
    saved, cg.error_model = cg.error_model, "numpy"  # mean of nothing is nan
    try:
        return arith.binop(cg, "/", total, count, result)
    finally:
        cg.error_model = saved


def _var(cg, values, dtype, result, ddof):
    bld = cg.builder
    mean_type = dtype if isinstance(dtype, (t.Float, t.Complex)) else t.float64
    mean = _mean(cg, values, dtype, mean_type, None)
    slot = cg.alloca(m.value_type(result))
    bld.store(cg.constant(0, result), slot)

    def visit(element, idx):
        deviation = arith.binop(cg, "-", casts.cast(bld, element, dtype, mean_type), mean,
                                mean_type)
        if isinstance(mean_type, t.Complex):
            re, im = bld.extract_value(deviation, 0), bld.extract_value(deviation, 1)
            square = bld.fadd(bld.fmul(re, re), bld.fmul(im, im))
        else:
            square = bld.fmul(deviation, deviation)
        bld.store(bld.fadd(bld.load(slot), square), slot)
    _loop(cg, values, visit)
    count = bld.sitofp(_size(cg, values), m.value_type(result))
    if ddof is not None:  # NumPy divides by max(n - ddof, 0)
        count = bld.fsub(count, casts.cast(bld, ddof, t.float64, result))
        zero = ir.Constant(count.type, 0.0)
        count = bld.select(bld.fcmp_ordered("<", count, zero), zero, count)
    return bld.fdiv(bld.load(slot), count)


def _std(cg, values, dtype, result, ddof):
    return cg.call_intrinsic("llvm.sqrt", [_var(cg, values, dtype, result, ddof)])


def _extremum(op):
    """min/max: NaN propagates; an empty array raises ValueError as NumPy does."""
    def emit(cg, values, dtype, result, ddof):
        bld = cg.builder
        name = "minimum" if op == "<" else "maximum"
        cg.check(bld.icmp_signed(">", _size(cg, values), ir.Constant(m.i64, 0)), ValueError,
                 f"zero-size array to reduction operation {name} which has no identity")
        slot = cg.alloca(m.value_type(dtype))
        first = cg.alloca(m.i1)
        bld.store(ir.Constant(m.i1, 1), first)
        bld.store(cg.constant(0, dtype), slot)

        def visit(element, idx):
            current = bld.load(slot)
            better = arith.compare(cg, op, element, current, dtype)
            if isinstance(dtype, t.Float):
                better = bld.or_(better, bld.fcmp_unordered("uno", element, element))
                better = bld.and_(better, bld.fcmp_ordered("ord", current, current))
            take = bld.or_(bld.load(first), better)
            bld.store(bld.select(take, element, current), slot)
            bld.store(ir.Constant(m.i1, 0), first)
        _loop(cg, values, visit)
        return bld.load(slot)
    return emit


def _arg_extremum(op):
    """argmin/argmax: flat index of the first extreme (or first NaN)."""
    def emit(cg, values, dtype, result, ddof):
        bld = cg.builder
        name = "argmin" if op == "<" else "argmax"
        cg.check(bld.icmp_signed(">", _size(cg, values), ir.Constant(m.i64, 0)), ValueError,
                 f"attempt to get {name} of an empty sequence")
        best = cg.alloca(m.value_type(dtype))
        where = cg.alloca(m.i64)
        counter = cg.alloca(m.i64)
        bld.store(ir.Constant(m.i64, 0), counter)
        bld.store(ir.Constant(m.i64, -1), where)
        bld.store(cg.constant(0, dtype), best)

        def visit(element, idx):
            k = bld.load(counter)
            current = bld.load(best)
            better = arith.compare(cg, op, element, current, dtype)
            if isinstance(dtype, t.Float):
                better = bld.or_(better, bld.fcmp_unordered("uno", element, element))
                better = bld.and_(better, bld.fcmp_ordered("ord", current, current))
            take = bld.or_(bld.icmp_signed("<", bld.load(where), ir.Constant(m.i64, 0)), better)
            bld.store(bld.select(take, element, current), best)
            bld.store(bld.select(take, k, bld.load(where)), where)
            bld.store(bld.add(k, ir.Constant(m.i64, 1)), counter)
        _loop(cg, values, visit)
        return bld.load(where)
    return emit


def _logical(is_any):
    def emit(cg, values, dtype, result, ddof):
        bld = cg.builder
        slot = cg.alloca(m.i1)
        bld.store(ir.Constant(m.i1, 0 if is_any else 1), slot)

        def visit(element, idx):
            truth = casts.truth(bld, element, dtype)
            combined = bld.or_ if is_any else bld.and_
            bld.store(combined(bld.load(slot), truth), slot)
        _loop(cg, values, visit)
        return bld.load(slot)
    return emit


_EMITTERS = {
    "sum": _sum, "prod": _prod, "mean": _mean, "var": _var, "std": _std,
    "min": _extremum("<"), "max": _extremum(">"), "argmin": _arg_extremum("<"),
    "argmax": _arg_extremum(">"), "any": _logical(True), "all": _logical(False),
}
_FUNCTIONS = {
    "sum": (np.sum,), "prod": (np.prod,), "mean": (np.mean,), "var": (np.var,),
    "std": (np.std,), "min": (np.min, np.amin), "max": (np.max, np.amax),
    "argmin": (np.argmin,), "argmax": (np.argmax,), "any": (np.any,), "all": (np.all,),
}

for _kind, _functions in _FUNCTIONS.items():
    register(*_functions, ("method", t.Array, _kind))(_typer(_kind))
