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
    """reshape's shape: one int, one tuple of ints, or several ints."""
    if len(args) == 1 and isinstance(args[0], t.Tuple):
        items = args[0].types
    else:
        items = args
    if not items or not all(isinstance(x, _INTS) for x in items):
        return None
    return len(items)


def _reshape(args, kws):
    """a.reshape(shape) / np.reshape(a, shape); one dimension may be -1"""
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
