"""Arrays and tuples in generated code: element addresses (with bounds
checks), views, attributes, and constant arrays frozen from globals."""

from llvmlite import ir

from ember.codegen import casts
from ember.codegen import models as m
from ember.ir import nodes as n
from ember.types import core as t
from ember.typing.ops import index_parts, transposed_type


def shape_of(bld, arr, ndim):
    return [bld.extract_value(arr, [m.ARRAY_SHAPE, k]) for k in range(ndim)]


def strides_of(bld, arr, ndim):
    return [bld.extract_value(arr, [m.ARRAY_STRIDES, k]) for k in range(ndim)]


def load_element(bld, ptr, dtype):
    value = bld.load(ptr)
    if isinstance(dtype, t.Boolean):
        return bld.icmp_unsigned("!=", value, ir.Constant(m.i8, 0))
    return value


def store_element(bld, ptr, value, value_type, dtype):
    value = casts.cast(bld, value, value_type, dtype)
    if isinstance(dtype, t.Boolean):
        value = bld.zext(value, m.i8)
    bld.store(value, ptr)


def wrap_and_check(cg, index, length, axis, node, dim):
    """Negative indices count from the end; out of range raises IndexError."""
    bld = cg.builder
    safe = node is not None and (node, dim) in cg.typed.safe_indexes
    if safe:
        return index
    zero = ir.Constant(m.i64, 0)
    if node is not None and (node, dim, "nonnegative") in cg.typed.safe_indexes:
        wrapped = index  # no select: keeps the access pattern plain for the vectoriser
    else:
        wrapped = bld.select(bld.icmp_signed("<", index, zero), bld.add(index, length), index)
    if cg.boundscheck:
        in_range = bld.icmp_unsigned("<", wrapped, length)
        cg.check(in_range, IndexError,
                 "index %lld is out of bounds for axis %lld with size %lld",
                 [index, ir.Constant(m.i64, axis), length])
    return wrapped


def element_offset(cg, arr, arr_type, indices, node):
    """Data pointer of the element at `indices`, after wrapping and bounds checks."""
    shape = shape_of(cg.builder, arr, arr_type.ndim)
    checked = [wrap_and_check(cg, idx, shape[k], k, node, k) for k, idx in enumerate(indices)]
    return raw_element_pointer(cg, arr, arr_type, checked)


def raw_element_pointer(cg, arr, arr_type, checked):
    """Data pointer of the element at in-range indices."""
    bld = cg.builder
    ndim = arr_type.ndim
    shape = shape_of(bld, arr, ndim)
    data = bld.extract_value(arr, m.ARRAY_DATA)
    if not checked:
        return data
    if arr_type.layout in ("C", "F") and len(checked) == ndim:
        # Contiguous: compute a linear element index so LLVM sees unit stride.
        order = range(ndim) if arr_type.layout == "C" else reversed(range(ndim))
        linear = None
        for k in order:
            linear = checked[k] if linear is None else bld.add(bld.mul(linear, shape[k]),
                                                                checked[k])
        return bld.gep(data, [linear], inbounds=True)
    strides = strides_of(bld, arr, ndim)
    offset = ir.Constant(m.i64, 0)
    for k, idx in enumerate(checked):
        offset = bld.add(offset, bld.mul(idx, strides[k]))
    raw = bld.gep(bld.bitcast(data, m.i8p), [offset], inbounds=True)
    return bld.bitcast(raw, data.type)


def int_indices(cg, index, index_type):
    parts = index_parts(index_type)
    if isinstance(index_type, t.Tuple):
        values = [cg.builder.extract_value(index, i) for i in range(len(parts))]
    else:
        values = [index]
    return [casts.cast(cg.builder, v, p, t.int64) for v, p in zip(values, parts)]


def element_pointer(cg, arr, arr_type, index, index_type, node):
    """Pointer to a single element `arr[index]` and the element type."""
    indices = int_indices(cg, index, index_type)
    return element_offset(cg, arr, arr_type, indices, node), arr_type.dtype


def getitem(cg, e):
    impl = cg.typed.calls.get(e)
    if impl is not None:  # np.mgrid[...] and the like
        values = [cg.constant(None, t.none) if node is None else cg.expr(node)
                  for node in impl.arg_nodes]
        types = [t.none if node is None else cg.types[node] for node in impl.arg_nodes]
        return cg.emit_impl(impl, values, types)
    value_type, index_type = cg.types[e.value], cg.types[e.index]
    value = cg.expr(e.value)
    if isinstance(value_type, t.Tuple):
        return tuple_getitem(cg, value, value_type, e)
    parts = index_parts(index_type)
    if len(parts) == 1 and isinstance(parts[0], t.Array):
        from ember.codegen import advanced

        taken = advanced.getitem(cg, value, value_type, cg.expr(e.index), parts[0], cg.types[e])
        return cg.new_reference(taken, cg.types[e])  # a new array, owned by the statement
    if not all(isinstance(p, (t.Integer, t.Boolean)) for p in parts):
        return slice_view(cg, value, value_type, e, cg.types[e])
    index = cg.expr(e.index)
    indices = int_indices(cg, index, index_type)
    if len(indices) == value_type.ndim:
        ptr = element_offset(cg, value, value_type, indices, e)
        return load_element(cg.builder, ptr, value_type.dtype)
    return subarray(cg, value, value_type, indices, e, cg.types[e])


def getitem_int(cg, value, value_type, index, node):
    if value_type.ndim == 1:
        ptr = element_offset(cg, value, value_type, [index], node)
        return load_element(cg.builder, ptr, value_type.dtype)
    result = t.Array(value_type.dtype, value_type.ndim - 1, "A")
    return subarray(cg, value, value_type, [index], node, result)


def subarray(cg, arr, arr_type, indices, node, result_type):
    """`a[i]` of an n-d array: a view of the remaining dimensions."""
    bld = cg.builder
    ndim = arr_type.ndim
    shape, strides = shape_of(bld, arr, ndim), strides_of(bld, arr, ndim)
    checked = [wrap_and_check(cg, idx, shape[k], k, node, k) for k, idx in enumerate(indices)]
    offset = ir.Constant(m.i64, 0)
    for k, idx in enumerate(checked):
        offset = bld.add(offset, bld.mul(idx, strides[k]))
    rest = range(len(indices), ndim)
    return make_view(cg, arr, offset, [shape[k] for k in rest], [strides[k] for k in rest],
                     result_type)


def make_view(cg, arr, byte_offset, shape, strides, result_type):
    bld = cg.builder
    out = ir.Constant(m.value_type(result_type), None)
    out = bld.insert_value(out, bld.extract_value(arr, m.ARRAY_MEMINFO), m.ARRAY_MEMINFO)
    out = bld.insert_value(out, bld.extract_value(arr, m.ARRAY_PARENT), m.ARRAY_PARENT)
    data = bld.extract_value(arr, m.ARRAY_DATA)
    raw = bld.gep(bld.bitcast(data, m.i8p), [byte_offset])
    out = bld.insert_value(out, bld.bitcast(raw, data.type), m.ARRAY_DATA)
    for k, (size, stride) in enumerate(zip(shape, strides)):
        out = bld.insert_value(out, size, [m.ARRAY_SHAPE, k])
        out = bld.insert_value(out, stride, [m.ARRAY_STRIDES, k])
    return out


def slice_view(cg, arr, arr_type, e, result_type):
    """Basic indexing with slices, integers, None and `...`: a view sharing memory."""
    bld = cg.builder
    items = e.index.items if isinstance(e.index, n.TupleExpr) else [e.index]
    shape, strides = shape_of(bld, arr, arr_type.ndim), strides_of(bld, arr, arr_type.ndim)
    consumed = sum(1 for item in items if not _is_newaxis(cg, item) and not _is_ellipsis(item))
    offset = ir.Constant(m.i64, 0)
    new_shape, new_strides = [], []
    axis = 0
    for item in items:
        if _is_ellipsis(item):
            for _ in range(arr_type.ndim - consumed):
                new_shape.append(shape[axis])
                new_strides.append(strides[axis])
                axis += 1
        elif _is_newaxis(cg, item):
            new_shape.append(ir.Constant(m.i64, 1))
            new_strides.append(ir.Constant(m.i64, 0))
        elif isinstance(item, n.SliceExpr):
            start, length, step = slice_bounds(cg, item, shape[axis])
            offset = bld.add(offset, bld.mul(start, strides[axis]))
            new_shape.append(length)
            new_strides.append(bld.mul(strides[axis], step))
            axis += 1
        else:
            idx = casts.cast(bld, cg.expr(item), cg.types[item], t.int64)
            idx = wrap_and_check(cg, idx, shape[axis], axis, None, axis)
            offset = bld.add(offset, bld.mul(idx, strides[axis]))
            axis += 1
    new_shape += shape[axis:]
    new_strides += strides[axis:]
    return make_view(cg, arr, offset, new_shape, new_strides, result_type)


def _is_newaxis(cg, item):
    return isinstance(cg.types.get(item), t.NoneType)


def _is_ellipsis(item):
    return isinstance(item, n.Const) and item.value is Ellipsis


def slice_bounds(cg, item, length):
    """Python's slice.indices(): (start, count, step) clamped to `length`."""
    bld = cg.builder
    zero, one = ir.Constant(m.i64, 0), ir.Constant(m.i64, 1)

    def part(node, default):
        if node is None or isinstance(cg.types[node], t.NoneType):
            return None if default is None else default
        return casts.cast(bld, cg.expr(node), cg.types[node], t.int64)

    step = part(item.step, one)
    cg.check(bld.icmp_signed("!=", step, zero), ValueError, "slice step cannot be zero")
    negative = bld.icmp_signed("<", step, zero)
    minus_one = ir.Constant(m.i64, -1)
    lower = bld.select(negative, minus_one, zero)
    upper = bld.select(negative, bld.sub(length, one), length)

    def clamp(value, default):
        if value is None:
            return default
        wrapped = bld.add(value, length)
        value = bld.select(bld.icmp_signed("<", value, zero),
                           bld.select(bld.icmp_signed("<", wrapped, lower), lower, wrapped),
                           bld.select(bld.icmp_signed(">", value, upper), upper, value))
        return value

    start = clamp(part(item.start, None), bld.select(negative, upper, lower))
    stop = clamp(part(item.stop, None), bld.select(negative, lower, upper))
    span = bld.select(negative, bld.sub(start, stop), bld.sub(stop, start))
    abs_step = bld.select(negative, bld.neg(step), step)
    count = bld.sdiv(bld.add(span, bld.sub(abs_step, one)), abs_step)
    count = bld.select(bld.icmp_signed("<", count, zero), zero, count)
    return start, count, step


def tuple_getitem(cg, value, value_type, e):
    from ember.typing.ops import constant_slice

    window = constant_slice(e.index)
    if window is not None:  # t[1:], t[:-1]: a shorter tuple
        positions = range(len(value_type))[window]
        out = ir.Constant(m.value_type(cg.types[e]), None)
        for i, k in enumerate(positions):
            out = cg.builder.insert_value(out, cg.builder.extract_value(value, k), i)
        return out
    index = e.index
    const = None
    if isinstance(index, n.Const):
        const = index.value
    elif isinstance(index, n.UnaryOp) and isinstance(index.operand, n.Const):
        const = -index.operand.value
    if const is not None:
        return cg.builder.extract_value(value, const % len(value_type))
    bld = cg.builder
    slot = cg.alloca(m.value_type(value_type))
    bld.store(value, slot)
    idx = casts.cast(bld, cg.expr(index), cg.types[index], t.int64)
    length = ir.Constant(m.i64, len(value_type))
    idx = wrap_and_check(cg, idx, length, 0, None, 0)
    first = bld.bitcast(slot, m.value_type(value_type.types[0]).as_pointer())
    return bld.load(bld.gep(first, [idx]))


def tuple_concat(cg, left, left_type, right, right_type, result_type):
    bld = cg.builder
    out = ir.Constant(m.value_type(result_type), None)
    items = [bld.extract_value(left, i) for i in range(len(left_type))]
    items += [bld.extract_value(right, i) for i in range(len(right_type))]
    for i, item in enumerate(items):
        out = bld.insert_value(out, item, i)
    return out


def tuple_compare(cg, op, left, left_type, right, right_type):
    bld = cg.builder
    if op not in ("==", "!="):
        raise NotImplementedError("ordering comparisons of tuples")
    if len(left_type) != len(right_type):
        return ir.Constant(m.i1, op == "!=")
    equal = ir.Constant(m.i1, 1)
    for i, (a, b) in enumerate(zip(left_type.types, right_type.types)):
        same = cg.compare_values("==", bld.extract_value(left, i), a,
                                 bld.extract_value(right, i), b)
        equal = bld.and_(equal, same)
    return equal if op == "==" else bld.not_(equal)


def attribute(cg, value, ty, attr):
    bld = cg.builder
    if isinstance(ty, t.Array):
        if attr == "T":
            return transpose_view(cg, value, ty)
        if attr == "flat":  # typing/ops.flat_type: 1-D as is, else a C array's 1-D view
            if ty.ndim == 1:
                return value
            size = ir.Constant(m.i64, 1)
            for part in shape_of(bld, value, ty.ndim):
                size = bld.mul(size, part)
            stride = ir.Constant(m.i64, m.itemsize(ty.dtype))
            return make_view(cg, value, ir.Constant(m.i64, 0), [size], [stride],
                             t.Array(ty.dtype, 1, "C", ty.readonly))
        if attr in ("shape", "strides"):
            parts = (shape_of if attr == "shape" else strides_of)(bld, value, ty.ndim)
            out = ir.Constant(m.value_type(t.Tuple([t.int64] * ty.ndim)), None)
            for k, part in enumerate(parts):
                out = bld.insert_value(out, part, k)
            return out
        if attr == "ndim":
            return ir.Constant(m.i64, ty.ndim)
        if attr == "itemsize":
            return ir.Constant(m.i64, m.itemsize(ty.dtype))
        size = ir.Constant(m.i64, 1)
        for part in shape_of(bld, value, ty.ndim):
            size = bld.mul(size, part)
        if attr == "size":
            return size
        return bld.mul(size, ir.Constant(m.i64, m.itemsize(ty.dtype)))  # nbytes
    if isinstance(ty, t.Complex):
        return bld.extract_value(value, 0 if attr == "real" else 1)
    if attr == "real":
        return value
    return ir.Constant(m.value_type(ty), None)  # imag of a real number


def constant_array(cg, array, ty):
    """A global NumPy array frozen into the code: its memory is kept alive."""
    cg.module.keepalive.append(array)
    out = ir.Constant(m.value_type(ty), None)
    bld = cg.builder
    out = bld.insert_value(out, cg.module.pointer_constant(id(array)), m.ARRAY_PARENT)
    data = cg.module.pointer_constant(array.ctypes.data)
    out = bld.insert_value(out, bld.bitcast(data, m.storage_type(ty.dtype).as_pointer()),
                           m.ARRAY_DATA)
    for k in range(ty.ndim):
        out = bld.insert_value(out, ir.Constant(m.i64, array.shape[k]), [m.ARRAY_SHAPE, k])
        out = bld.insert_value(out, ir.Constant(m.i64, array.strides[k]), [m.ARRAY_STRIDES, k])
    return out


def transpose_view(cg, value, ty):
    """The array with its axes reversed: a view sharing memory."""
    bld = cg.builder
    shape = shape_of(bld, value, ty.ndim)[::-1]
    strides = strides_of(bld, value, ty.ndim)[::-1]
    return make_view(cg, value, ir.Constant(m.i64, 0), shape, strides, transposed_type(ty))
