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
            default = fill_type  # NumPy: the fill value's own dtype (int64 for a Python int)
        dtype = dtype_type(types.get("dtype"), default)
        result = t.Array(dtype, _ndim(types["shape"]), "C")
        arg_types = [types[name] for name in order]

        def emit(cg, values):
            by_name = dict(zip(order, values))
            shape = arrays.shape_values(cg, by_name["shape"], types["shape"])
            return _filled(cg, result, shape, kind, by_name, types)
        return _fresh(Impl(result, arg_types, emit=emit))
    return typer


def _filled(cg, result, shape, kind, values, types):
    """A new array for np.empty/zeros/ones/full (and their _like forms).
    Zeros come from the allocator already zero: no pass over the memory."""
    out = arrays.allocate(cg, result, shape, zeroed=kind == "zeros")
    if kind == "ones":
        arrays.fill(cg, out, result, ir.Constant(m.i64, 1), t.int64)
    elif kind == "full":
        arrays.fill(cg, out, result, values["fill_value"], types["fill_value"])
    return out


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
            return _filled(cg, result, shape, kind, by_name, types)
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


# ---- np.mgrid[...] and np.ogrid[...] --------------------------------------------

def _grid(dense):
    def typer(args, kws):
        """slices start:stop:step; a complex step Nj means N points, stop included"""
        parts = [args[i:i + 3] for i in range(0, len(args), 3)]
        reals = (t.Integer, t.Float, t.Boolean, t.NoneType)
        for start, stop, step in parts:
            if not (isinstance(start, reals) and isinstance(stop, reals)
                    and isinstance(step, reals + (t.Complex,))):
                return None
        floating = any(isinstance(x, (t.Float, t.Complex)) for x in args)
        dtype = t.float64 if floating else t.int64
        k = len(parts)
        if dense:
            result = t.Array(dtype, k + 1 if k > 1 else 1, "C")
        else:
            result = t.Array(dtype, 1, "C") if k == 1 else t.Tuple(
                [t.Array(dtype, k, "C")] * k)
        impl = Impl(result, args, emit=lambda cg, values: _emit_grid(
            cg, values, args, result, dtype, dense, impl.multiple_slices))
        impl.multiple_slices = True
        return impl
    return typer


def _axis(cg, start, stop, step, types, dtype):
    """(count, value at index i) of one mgrid slice."""
    bld = cg.builder

    def real(value, ty, default):
        if isinstance(ty, t.NoneType):
            return cg.constant(default, dtype)
        return casts.cast(bld, value, ty, dtype)
    start_type, stop_type, step_type = types
    first, last = real(start, start_type, 0), real(stop, stop_type, 0)
    if isinstance(step_type, t.Complex):
        magnitude = cg.call_external("hypot", m.f64, [bld.extract_value(step, 0),
                                                      bld.extract_value(step, 1)])
        count = bld.fptosi(magnitude, m.i64)
        span = bld.fsub(casts.cast(bld, last, dtype, t.float64),
                        casts.cast(bld, first, dtype, t.float64))
        denominator = bld.sitofp(bld.sub(count, ir.Constant(m.i64, 1)), m.f64)
        delta = bld.fdiv(span, denominator)
        return count, lambda i: bld.fadd(bld.fmul(bld.sitofp(i, m.f64), delta),
                                         casts.cast(bld, first, dtype, t.float64))
    delta = real(step, step_type, 1)
    if dtype == t.float64:
        count = bld.fptosi(cg.call_intrinsic("llvm.ceil", [bld.fdiv(bld.fsub(last, first),
                                                                       delta)]), m.i64)
        value = lambda i: bld.fadd(bld.fmul(bld.sitofp(i, m.f64), delta), first)  # noqa: E731
    else:
        cg.check(bld.icmp_signed("!=", delta, ir.Constant(m.i64, 0)), ValueError,
                 "slice step cannot be zero")
        span = bld.sub(last, first)
        adjust = bld.select(bld.icmp_signed(">", delta, ir.Constant(m.i64, 0)),
                            ir.Constant(m.i64, 1), ir.Constant(m.i64, -1))
        count = bld.sdiv(bld.add(span, bld.sub(delta, adjust)), delta)
        value = lambda i: bld.add(bld.mul(i, delta), first)  # noqa: E731
    count = bld.select(bld.icmp_signed("<", count, ir.Constant(m.i64, 0)),
                       ir.Constant(m.i64, 0), count)
    return count, value


def _emit_grid(cg, values, types, result, dtype, dense, multiple):
    axes = [_axis(cg, *values[i:i + 3], types[i:i + 3], dtype)
            for i in range(0, len(values), 3)]
    counts = [count for count, _ in axes]
    bld = cg.builder
    if len(axes) == 1 and not multiple:
        out = arrays.allocate(cg, t.Array(dtype, 1, "C"), counts)
        _fill_grid(cg, out, t.Array(dtype, 1, "C"), counts, lambda idx: axes[0][1](idx[0]))
        return out
    if dense:
        out = arrays.allocate(cg, result, [ir.Constant(m.i64, len(axes))] + counts)
        _fill_grid(cg, out, result, [ir.Constant(m.i64, len(axes))] + counts,
                   lambda idx: _select_axis(bld, axes, idx))
        return out
    packed = ir.Constant(m.value_type(result), None)
    one = ir.Constant(m.i64, 1)
    for k, (count, value) in enumerate(axes):
        shape = [count if j == k else one for j in range(len(axes))]
        part_type = result.types[k]
        part = arrays.allocate(cg, part_type, shape)
        _fill_grid(cg, part, part_type, shape, lambda idx, value=value, k=k: value(idx[k]))
        packed = bld.insert_value(packed, part, k)
    return packed


def _select_axis(bld, axes, idx):
    """mgrid's element [k, i0, i1, ...] is axis k's value at i_k."""
    result = axes[0][1](idx[1])
    for k in range(1, len(axes)):
        chosen = bld.icmp_signed("==", idx[0], ir.Constant(m.i64, k))
        result = bld.select(chosen, axes[k][1](idx[1 + k]), result)
    return result


def _fill_grid(cg, out, ty, shape, value):
    def body(idx):
        ptr = arrays.element_pointer(cg, out, ty, idx)
        indexing.store_element(cg.builder, ptr, value(idx), ty.dtype, ty.dtype)
    arrays.nested_loop(cg, shape, body)


register(("index", type(np.mgrid)))(_grid(True))
register(("index", type(np.ogrid)))(_grid(False))


# ---- astype ------------------------------------------------------------------------

@register(("method", t.Array, "astype"))
def type_astype(args, kws):
    """a.astype(dtype): a new C-contiguous array converted element by element"""
    bound = bind(args, kws, ("a", "dtype"), required=2)
    if bound is None or not isinstance(bound[0]["a"], t.Array):
        return None
    types, order = bound
    source = types["a"]
    result = t.Array(dtype_type(types["dtype"]), source.ndim, "C")
    return _fresh(Impl(result, [types[n] for n in order], emit=lambda cg, values: copy_array(
        cg, dict(zip(order, values))["a"], source, result)))
