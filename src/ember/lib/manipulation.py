"""Changing array shape and order: reshape (with -1), ravel, flatten,
transpose and .T. Views share memory (and hold a reference to it); a
non-contiguous array is copied where NumPy would copy."""

import numpy as np
from llvmlite import ir

from ember.codegen import indexing, refcount
from ember.codegen import models as m
from ember.lib.creation import copy_array
from ember.types import core as t
from ember.typing.ops import transposed_type
from ember.typing.registry import Impl, register

_INTS = (t.Integer, t.Boolean)


def _shape_args(args):
    """reshape's shape: one int, one tuple of ints (`()`: 0-d), or several ints."""
    if not args:
        return None
    items = args[0].types if len(args) == 1 and isinstance(args[0], t.Tuple) else args
    if not all(isinstance(x, _INTS) for x in items):
        return None
    return len(items)


def _reshape(args, kws):
    """a.reshape(shape) / np.reshape(a, shape); one dimension may be -1; () gives 0-d"""
    if kws or len(args) < 2 or not isinstance(args[0], t.Array):
        return None
    source, shape_types = args[0], args[1:]
    ndim = _shape_args(shape_types)
    if ndim is None:
        return None
    result = t.Array(source.dtype, ndim, "C", source.readonly)
    return Impl(result, args, emit=lambda cg, values: _emit_reshape(
        cg, values[0], source, values[1:], shape_types, result))


def _emit_reshape(cg, value, source, shape_values, shape_types, result):
    bld = cg.builder
    if len(shape_types) == 1 and isinstance(shape_types[0], t.Tuple):
        sizes = [bld.extract_value(shape_values[0], i) for i in range(len(shape_types[0]))]
        kinds = shape_types[0].types
    else:
        sizes, kinds = list(shape_values), shape_types
    from ember.codegen import casts

    sizes = [casts.cast(bld, s, k, t.int64) for s, k in zip(sizes, kinds)]
    contiguous = _contiguous_source(cg, value, source)
    total = _size(bld, indexing.shape_of(bld, contiguous, source.ndim))
    sizes = _infer_minus_one(cg, sizes, total)
    cg.check(bld.icmp_signed("==", _size(bld, sizes), total), ValueError,
             "cannot reshape array of size %lld into the requested shape", [total])
    view = _c_view(cg, contiguous, source, sizes, result)
    if contiguous is value:
        refcount.incref(cg, view, result)  # a new reference to the same memory
    return view


def _contiguous_source(cg, value, source):
    """The array itself when C-contiguous (known from its type), else a copy."""
    if source.layout == "C":
        return value
    copy = copy_array(cg, value, source, source.copy(layout="C", readonly=False))
    return copy


def _size(bld, sizes):
    total = ir.Constant(m.i64, 1)
    for size in sizes:
        total = bld.mul(total, size)
    return total


def _infer_minus_one(cg, sizes, total):
    bld = cg.builder
    minus_one = ir.Constant(m.i64, -1)
    known = ir.Constant(m.i64, 1)
    for size in sizes:
        known = bld.mul(known, bld.select(bld.icmp_signed("==", size, minus_one),
                                          ir.Constant(m.i64, 1), size))
    safe = bld.select(bld.icmp_signed("==", known, ir.Constant(m.i64, 0)),
                      ir.Constant(m.i64, 1), known)
    inferred = bld.sdiv(total, safe)
    return [bld.select(bld.icmp_signed("==", s, minus_one), inferred, s) for s in sizes]


def _c_view(cg, value, source, sizes, result):
    bld = cg.builder
    strides = [None] * len(sizes)
    stride = ir.Constant(m.i64, m.itemsize(source.dtype))
    for k in range(len(sizes) - 1, -1, -1):
        strides[k] = stride
        stride = bld.mul(stride, sizes[k])
    return indexing.make_view(cg, value, ir.Constant(m.i64, 0), sizes, strides, result)


register(np.reshape, ("method", t.Array, "reshape"))(_reshape)


def _ravel(copy_always):
    def typer(args, kws):
        """a 1-D array of all elements in C order (a view when possible for ravel)"""
        if kws or len(args) != 1 or not isinstance(args[0], t.Array):
            return None
        source = args[0]
        result = t.Array(source.dtype, 1, "C", source.readonly and not copy_always)

        def emit(cg, values):
            value = values[0]
            if copy_always and source.layout == "C":
                value = copy_array(cg, value, source, source.copy(readonly=False))
                total = _size(cg.builder, indexing.shape_of(cg.builder, value, source.ndim))
                return _c_view(cg, value, source, [total], result)
            contiguous = _contiguous_source(cg, value, source)
            total = _size(cg.builder, indexing.shape_of(cg.builder, contiguous, source.ndim))
            view = _c_view(cg, contiguous, source, [total], result)
            if contiguous is value:
                refcount.incref(cg, view, result)
            return view
        return Impl(result, args, emit=emit)
    return typer


register(np.ravel, ("method", t.Array, "ravel"))(_ravel(False))
register(("method", t.Array, "flatten"))(_ravel(True))


def _transpose(args, kws):
    """reverses the axes (a view); explicit axes are not supported yet"""
    if kws or len(args) != 1 or not isinstance(args[0], t.Array):
        return None
    result = transposed_type(args[0])

    def emit(cg, values):
        view = indexing.transpose_view(cg, values[0], args[0])
        refcount.incref(cg, view, result)
        return view
    return Impl(result, args, emit=emit)


register(np.transpose, ("method", t.Array, "transpose"))(_transpose)


# ---- np.pad --------------------------------------------------------------------------

PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


@register(np.pad)
def type_pad(args, kws):
    """pad_width as int, (before, after) or per axis; mode constant, edge, reflect,
    symmetric or wrap; constant_values= a number"""
    from ember.errors import TypingError
    from ember.typing.registry import bind

    bound = bind(args, kws, ("array", "pad_width", "mode", "constant_values"), required=2)
    if bound is None or not isinstance(bound[0]["array"], t.Array):
        return None
    types, order = bound
    source = types["array"]
    mode = types.get("mode")
    mode_name = "constant" if mode is None else getattr(mode, "value", None)
    if mode_name not in PAD_MODES:
        raise TypingError(f"np.pad mode {mode_name!r} is not supported; supported modes: "
                          f"{', '.join(PAD_MODES)}")
    widths = _pad_width_layout(types["pad_width"], source.ndim)
    if widths is None:
        raise TypingError(f"np.pad pad_width of type {types['pad_width']} is not supported: "
                          "use an int, (before, after) or one such pair per axis")
    constant = types.get("constant_values", t.int64)
    if not isinstance(constant, (t.Integer, t.Float, t.Boolean, t.Complex)):
        return None
    result = t.Array(source.dtype, source.ndim, "C")
    impl = Impl(result, [types[n] for n in order], emit=lambda cg, values: _emit_pad(
        cg, dict(zip(order, values)), source, result, widths, mode_name, constant))
    impl.fresh = True
    return impl


def _pad_width_layout(ty, ndim):
    """Per axis, the paths (tuple indices) to its before and after widths."""
    if isinstance(ty, _INTS):
        return [((), ())] * ndim
    if not isinstance(ty, t.Tuple):
        return None
    if all(isinstance(x, _INTS) for x in ty.types):
        if len(ty) == 1:
            return [((0,), (0,))] * ndim
        if len(ty) == 2:
            return [((0,), (1,))] * ndim
        return None
    if all(isinstance(x, t.Tuple) and len(x) in (1, 2) and all(
            isinstance(y, _INTS) for y in x.types) for x in ty.types):
        pairs = [((k, 0), (k, len(x) - 1)) for k, x in enumerate(ty.types)]
        if len(pairs) == 1:
            return pairs * ndim
        return pairs if len(pairs) == ndim else None
    return None


def _emit_pad(cg, values, source, result, widths, mode, constant_type):
    from ember.codegen import arrays, casts

    bld = cg.builder
    array = values["array"]

    def width(path):
        value = values["pad_width"]
        for i in path:
            value = bld.extract_value(value, i)
        return value
    shape = indexing.shape_of(bld, array, source.ndim)
    befores = [width(before) for before, _ in widths]
    afters = [width(after) for _, after in widths]
    zero = ir.Constant(m.i64, 0)
    for before, after in zip(befores, afters):
        ok = bld.and_(bld.icmp_signed(">=", before, zero), bld.icmp_signed(">=", after, zero))
        cg.check(ok, ValueError, "index can't contain negative values")
    if mode != "constant":
        for k, size in enumerate(shape):
            cg.check(bld.icmp_signed(">", size, zero), ValueError,
                     "can't extend empty axis %lld using modes other than 'constant'",
                     [ir.Constant(m.i64, k)])
    out_shape = [bld.add(bld.add(b, s), a) for b, s, a in zip(befores, shape, afters)]
    out = arrays.allocate(cg, result, out_shape)
    fill = values.get("constant_values")
    fill = cg.constant(0, result.dtype) if fill is None else casts.cast(
        bld, fill, constant_type, result.dtype)

    def body(idx):
        inside = ir.Constant(m.i1, 1)
        sources = []
        for k, o in enumerate(idx):
            i = bld.sub(o, befores[k])
            in_range = bld.and_(bld.icmp_signed(">=", i, zero), bld.icmp_signed("<", i, shape[k]))
            inside = bld.and_(inside, in_range)
            sources.append(_pad_source_index(cg, i, shape[k], mode))
        target = arrays.element_pointer(cg, out, result, idx)
        if mode == "constant":
            with bld.if_else(inside) as (copy, pad):
                with copy:
                    item = indexing.load_element(
                        bld, arrays.element_pointer(cg, array, source, sources), source.dtype)
                    indexing.store_element(bld, target, item, source.dtype, result.dtype)
                with pad:
                    indexing.store_element(bld, target, fill, result.dtype, result.dtype)
        else:
            item = indexing.load_element(
                bld, arrays.element_pointer(cg, array, source, sources), source.dtype)
            indexing.store_element(bld, target, item, source.dtype, result.dtype)
    arrays.nested_loop(cg, out_shape, body)
    return out


def _pad_source_index(cg, i, n, mode):
    """The source index a padded position reads, for i outside [0, n) too."""
    from ember.codegen.arith import int_floordiv_mod

    bld = cg.builder
    zero, one = ir.Constant(m.i64, 0), ir.Constant(m.i64, 1)
    safe_n = bld.select(bld.icmp_signed(">", n, zero), n, one)
    if mode == "constant":
        low = bld.select(bld.icmp_signed("<", i, zero), zero, i)
        return bld.select(bld.icmp_signed(">=", low, safe_n), bld.sub(safe_n, one), low)
    if mode == "edge":
        low = bld.select(bld.icmp_signed("<", i, zero), zero, i)
        return bld.select(bld.icmp_signed(">=", low, n), bld.sub(n, one), low)
    if mode == "wrap":
        return int_floordiv_mod(bld, i, safe_n, True)[1]
    if mode == "reflect":  # mirror without repeating the edge: period 2(n - 1)
        period = bld.mul(ir.Constant(m.i64, 2), bld.sub(n, one))
        period = bld.select(bld.icmp_signed(">", period, zero), period, one)
        j = int_floordiv_mod(bld, i, period, True)[1]
        j = bld.select(bld.icmp_signed(">=", j, n), bld.sub(period, j), j)
        return bld.select(bld.icmp_signed("==", n, one), zero, j)
    period = bld.mul(ir.Constant(m.i64, 2), safe_n)  # symmetric: repeat the edge
    j = int_floordiv_mod(bld, i, period, True)[1]
    return bld.select(bld.icmp_signed(">=", j, n), bld.sub(bld.sub(period, one), j), j)
