"""Creating arrays: np.empty, zeros, ones, full and their _like forms, arange,
linspace, copy."""

import numpy as np
from llvmlite import ir

from ember.codegen import arrays, casts, indexing
from ember.codegen import models as m
from ember.lib.dtypes import dtype_type
from ember.types import core as t
from ember.typing.registry import Impl, bind, register

_INTS = (t.Integer, t.Boolean)


def _fresh(impl):
    """Marks calls returning newly allocated memory, which aliases nothing."""
    impl.fresh = True
    return impl


def _shape_ok(ty):
    if isinstance(ty, _INTS):
        return True
    return isinstance(ty, t.Tuple) and all(isinstance(x, _INTS) for x in ty.types)


def _ndim(shape_type):
    return len(shape_type) if isinstance(shape_type, t.Tuple) else 1


def _new_array(kind, fill_name=None):
    names = ("shape", "fill_value", "dtype") if kind == "full" else ("shape", "dtype")

    def typer(args, kws):
        """shape as an int or tuple of ints; dtype= a NumPy/Python type or string"""
        bound = bind(args, kws, names, required=2 if kind == "full" else 1)
        if bound is None or not _shape_ok(bound[0]["shape"]):
            return None
        types, order = bound
        default = t.float64
        if kind == "full":
            fill_type = types["fill_value"]
            if not isinstance(fill_type, t.Number):
                return None
            default = t.int64 if isinstance(fill_type, t.Integer) else fill_type
        dtype = dtype_type(types.get("dtype"), default)
        result = t.Array(dtype, _ndim(types["shape"]), "C")
        arg_types = [types[name] for name in order]

        def emit(cg, values):
            by_name = dict(zip(order, values))
            shape = arrays.shape_values(cg, by_name["shape"], types["shape"])
            out = arrays.allocate(cg, result, shape)
            if kind == "zeros":
                _memset_zero(cg, out, result, shape)
            elif kind == "ones":
                arrays.fill(cg, out, result, ir.Constant(m.i64, 1), t.int64)
            elif kind == "full":
                arrays.fill(cg, out, result, by_name["fill_value"], types["fill_value"])
            return out
        return _fresh(Impl(result, arg_types, emit=emit))
    return typer


def _memset_zero(cg, arr, ty, shape):
    bld = cg.builder
    nbytes = ir.Constant(m.i64, m.itemsize(ty.dtype))
    for size in shape:
        nbytes = bld.mul(nbytes, size)
    data = bld.bitcast(bld.extract_value(arr, m.ARRAY_DATA), m.i8p)
    fn = cg.module.llvm.globals.get("llvm.memset.p0i8.i64") or ir.Function(
        cg.module.llvm, ir.FunctionType(m.void, [m.i8p, m.i8, m.i64, m.i1]),
        "llvm.memset.p0i8.i64")
    bld.call(fn, [data, ir.Constant(m.i8, 0), nbytes, ir.Constant(m.i1, 0)])


for _kind, _function in (("empty", np.empty), ("zeros", np.zeros), ("ones", np.ones),
                         ("full", np.full)):
    register(_function)(_new_array(_kind))


def _like(kind):
    names = ("a", "fill_value", "dtype") if kind == "full" else ("a", "dtype")

    def typer(args, kws):
        """an array; dtype= overrides its dtype"""
        bound = bind(args, kws, names, required=2 if kind == "full" else 1)
        if bound is None or not isinstance(bound[0]["a"], t.Array):
            return None
        types, order = bound
        source = types["a"]
        dtype = dtype_type(types.get("dtype"), source.dtype)
        result = t.Array(dtype, source.ndim, "F" if source.layout == "F" else "C")

        def emit(cg, values):
            by_name = dict(zip(order, values))
            shape = indexing.shape_of(cg.builder, by_name["a"], source.ndim)
            out = arrays.allocate(cg, result, shape)
            if kind == "zeros":
                _memset_zero(cg, out, result, shape)
            elif kind == "ones":
                arrays.fill(cg, out, result, ir.Constant(m.i64, 1), t.int64)
            elif kind == "full":
                arrays.fill(cg, out, result, by_name["fill_value"], types["fill_value"])
            return out
        return _fresh(Impl(result, [types[name] for name in order], emit=emit))
    return typer


for _kind, _function in (("empty", np.empty_like), ("zeros", np.zeros_like),
                         ("ones", np.ones_like), ("full", np.full_like)):
    register(_function)(_like(_kind))


@register(np.arange)
def type_arange(args, kws):
    """arange(stop), (start, stop[, step]) of ints or floats; dtype="""
    bound = bind(args, kws, ("start", "stop", "step", "dtype"))
    if bound is None:
        return None
    types, order = bound
    numbers = [types[n] for n in ("start", "stop", "step") if n in types]
    if not all(isinstance(x, (t.Integer, t.Float, t.Boolean)) for x in numbers):
        return None
    default = t.float64 if any(isinstance(x, t.Float) for x in numbers) else t.int64
    dtype = dtype_type(types.get("dtype"), default)
    result = t.Array(dtype, 1, "C")
    arg_types = [t.float64 if n != "dtype" else types[n] for n in order]
    if default == t.int64:
        arg_types = [t.int64 if n != "dtype" else types[n] for n in order]
    return _fresh(Impl(result, arg_types, emit=lambda cg, values: _emit_arange(
        cg, dict(zip(order, values)), result, default)))


def _emit_arange(cg, values, result, number_type):
    bld = cg.builder
    if "stop" not in values:  # arange(stop)
        start, stop = cg.constant(0, number_type), values["start"]
    else:
        start, stop = values["start"], values["stop"]
    step = values.get("step", cg.constant(1, number_type))
    if isinstance(number_type, t.Integer):
        cg.check(bld.icmp_signed("!=", step, ir.Constant(m.i64, 0)), ZeroDivisionError,
                 "division by zero")
        span = bld.sub(stop, start)
        # ceil(span / step) for either sign of step
        length = bld.sdiv(bld.add(span, bld.sub(step, bld.select(
            bld.icmp_signed(">", step, ir.Constant(m.i64, 0)), ir.Constant(m.i64, 1),
            ir.Constant(m.i64, -1)))), step)
    else:
        cg.check(bld.fcmp_unordered("!=", step, ir.Constant(m.f64, 0.0)), ZeroDivisionError,
                 "division by zero")
        quotient = bld.fdiv(bld.fsub(stop, start), step)
        length = bld.fptosi(cg.call_intrinsic("llvm.ceil", [quotient]), m.i64)
    length = bld.select(bld.icmp_signed("<", length, ir.Constant(m.i64, 0)),
                        ir.Constant(m.i64, 0), length)
    out = arrays.allocate(cg, result, [length])

    def body(idx):
        k = casts.cast(bld, idx[0], t.int64, number_type)
        value = (bld.add(start, bld.mul(k, step)) if isinstance(number_type, t.Integer)
                 else bld.fadd(start, bld.fmul(k, step)))
        indexing.store_element(bld, arrays.element_pointer(cg, out, result, idx), value,
                               number_type, result.dtype)
    arrays.nested_loop(cg, [length], body)
    return out


@register(np.linspace)
def type_linspace(args, kws):
    """linspace(start, stop, num=50, endpoint=True) of real numbers"""
    bound = bind(args, kws, ("start", "stop", "num", "endpoint"), required=2)
    if bound is None:
        return None
    types, order = bound
    kinds = {"start": (t.Integer, t.Float, t.Boolean), "stop": (t.Integer, t.Float, t.Boolean),
             "num": _INTS, "endpoint": (t.Boolean,)}
    if not all(isinstance(types[n], kinds[n]) for n in order):
        return None
    want = {"start": t.float64, "stop": t.float64, "num": t.int64, "endpoint": t.boolean}
    result = t.Array(t.float64, 1, "C")
    return _fresh(Impl(result, [want[n] for n in order], emit=lambda cg, values: _emit_linspace(
        cg, dict(zip(order, values)), result)))


def _emit_linspace(cg, values, result):
    bld = cg.builder
    start, stop = values["start"], values["stop"]
    num = values.get("num", ir.Constant(m.i64, 50))
    endpoint = values.get("endpoint", ir.Constant(m.i1, 1))
    cg.check(bld.icmp_signed(">=", num, ir.Constant(m.i64, 0)), ValueError,
             "Number of samples, %lld, must be non-negative.", [num])
    intervals = bld.select(endpoint, bld.sub(num, ir.Constant(m.i64, 1)), num)
    divisor = bld.sitofp(bld.select(bld.icmp_signed(">", intervals, ir.Constant(m.i64, 0)),
                                    intervals, ir.Constant(m.i64, 1)), m.f64)
    step = bld.fdiv(bld.fsub(stop, start), divisor)
    out = arrays.allocate(cg, result, [num])

    def body(idx):
        # NumPy computes start + k*step, and sets the last sample to stop exactly.
        k = bld.sitofp(idx[0], m.f64)
        value = bld.fadd(start, bld.fmul(k, step))
        last = bld.and_(endpoint, bld.icmp_signed("==", idx[0], bld.sub(num, ir.Constant(
            m.i64, 1))))
        value = bld.select(bld.and_(last, bld.icmp_signed(">", num, ir.Constant(m.i64, 1))),
                           stop, value)
        bld.store(value, arrays.element_pointer(cg, out, result, idx))
    arrays.nested_loop(cg, [num], body)
    return out


def _copy(args, kws):
    """a copy in C order (a.copy(), np.copy(a))"""
    if kws or len(args) != 1 or not isinstance(args[0], t.Array):
        return None
    source = args[0]
    result = source.copy(layout="C", readonly=False)
    return _fresh(Impl(result, [source], emit=lambda cg, values: copy_array(
        cg, values[0], source, result)))


def copy_array(cg, value, source, result):
    shape = indexing.shape_of(cg.builder, value, source.ndim)
    out = arrays.allocate(cg, result, shape)

    def body(idx):
        item = indexing.load_element(cg.builder, arrays.element_pointer(cg, value, source, idx),
                                     source.dtype)
        indexing.store_element(cg.builder, arrays.element_pointer(cg, out, result, idx), item,
                               source.dtype, result.dtype)
    arrays.nested_loop(cg, shape, body)
    return out


register(np.copy, ("method", t.Array, "copy"))(_copy)


@register(np.dtype)
def type_dtype(args, kws):
    """np.dtype(name or type) as a compile-time constant"""
    if kws or len(args) != 1:
        return None
    dtype = dtype_type(args[0])
    from ember.types.typeof import to_dtype

    result = t.CompileTimeValue(to_dtype(dtype), "dtype")
    return Impl(result, args, emit=lambda cg, values: ir.Constant(m.i8, None))
