"""Allocating arrays and looping over their elements in generated code."""

from llvmlite import ir

from ember.codegen import casts, indexing
from ember.codegen import models as m
from ember.types import core as t


def allocate(cg, ty, shape, zeroed=False):
    """A new C- (or F-) contiguous array of type `ty` and the given shape (i64
    values); all bytes zero when `zeroed`."""
    bld = cg.builder
    zero = ir.Constant(m.i64, 0)
    nbytes = ir.Constant(m.i64, m.itemsize(ty.dtype))
    overflow = ir.Constant(m.i1, 0)
    for size in shape:
        cg.check(bld.icmp_signed(">=", size, zero), ValueError,
                 "negative dimensions are not allowed")
        product = cg.call_intrinsic("llvm.umul.with.overflow", [nbytes, size],
                                    ir.LiteralStructType([m.i64, m.i1]))
        nbytes = bld.extract_value(product, 0)
        overflow = bld.or_(overflow, bld.extract_value(product, 1))
    cg.check(bld.not_(overflow), ValueError, "array is too big; `arr.size * arr.dtype.itemsize` "
             "is larger than the maximum possible size")
    name = "ember_nrt_alloc_zeroed" if zeroed else "ember_nrt_alloc"
    alloc = cg.module.llvm.globals.get(name) or ir.Function(
        cg.module.llvm, ir.FunctionType(m.i8p, [m.i64]), name)
    meminfo = bld.call(alloc, [nbytes])
    cg.check(bld.icmp_unsigned("!=", meminfo, ir.Constant(m.i8p, None)), MemoryError,
             "cannot allocate %lld bytes", [nbytes])
    data_field = bld.gep(bld.bitcast(meminfo, m.i8p.as_pointer()), [ir.Constant(m.i32, 1)])
    data = bld.bitcast(bld.load(data_field), m.storage_type(ty.dtype).as_pointer())
    out = ir.Constant(m.value_type(ty), None)
    out = bld.insert_value(out, meminfo, m.ARRAY_MEMINFO)
    out = bld.insert_value(out, data, m.ARRAY_DATA)
    for k, (size, stride) in enumerate(zip(shape, contiguous_strides(cg, ty, shape))):
        out = bld.insert_value(out, size, [m.ARRAY_SHAPE, k])
        out = bld.insert_value(out, stride, [m.ARRAY_STRIDES, k])
    return out


def contiguous_strides(cg, ty, shape):
    bld = cg.builder
    stride = ir.Constant(m.i64, m.itemsize(ty.dtype))
    order = range(len(shape) - 1, -1, -1) if ty.layout != "F" else range(len(shape))
    strides = [None] * len(shape)
    for k in order:
        strides[k] = stride
        stride = bld.mul(stride, shape[k])
    return strides


def nested_loop(cg, shape, body, outer=None):
    """Emit loops over every index of `shape`, calling body(indices) innermost;
    the outermost index runs over [lo, hi) when `outer` = (lo, hi) is given."""
    bld = cg.builder
    indices = []

    def level(k):
        if k == len(shape):
            body(indices)
            return
        counter = cg.alloca(m.i64, f"i{k}")
        first, stop = outer if outer is not None and k == 0 else (ir.Constant(m.i64, 0),
                                                                  shape[k])
        bld.store(first, counter)
        head = cg.func.append_basic_block(f"loop{k}.head")
        inner = cg.func.append_basic_block(f"loop{k}.body")
        end = cg.func.append_basic_block(f"loop{k}.end")
        bld.branch(head)
        bld.position_at_end(head)
        i = bld.load(counter)
        bld.cbranch(bld.icmp_signed("<", i, stop), inner, end)
        bld.position_at_end(inner)
        indices.append(i)
        level(k + 1)
        indices.pop()
        bld.store(bld.add(bld.load(counter), ir.Constant(m.i64, 1)), counter)
        bld.branch(head)
        bld.position_at_end(end)
    level(0)


def element_pointer(cg, arr, ty, indices):
    """Address of arr[indices] for in-range indices (no checks)."""
    return indexing.raw_element_pointer(cg, arr, ty, indices)


def fill(cg, arr, ty, value, value_type):
    value = casts.cast(cg.builder, value, value_type, ty.dtype)
    shape = indexing.shape_of(cg.builder, arr, ty.ndim)
    nested_loop(cg, shape, lambda idx: indexing.store_element(
        cg.builder, element_pointer(cg, arr, ty, idx), value, ty.dtype, ty.dtype))


def shape_values(cg, value, ty):
    """An int or a tuple of ints as a list of i64 sizes."""
    if isinstance(ty, t.Tuple):
        return [casts.cast(cg.builder, cg.builder.extract_value(value, i), item, t.int64)
                for i, item in enumerate(ty.types)]
    return [casts.cast(cg.builder, value, ty, t.int64)]
