"""Advanced indexing: boolean masks and integer arrays, get and set.

`a[mask]` copies the selected elements (C order) into a new 1-D array;
`a[mask] = v` writes a scalar or, in order, the elements of a 1-D array;
`a[idx]` gathers along the first axis; `a[idx] = v` scatters.
"""

from llvmlite import ir

from ember.codegen import arrays, casts, indexing, lazy
from ember.codegen import models as m
from ember.types import core as t


def getitem(cg, value, ty, index, index_type, result_type):
    if isinstance(index_type.dtype, t.Boolean):
        return _mask_get(cg, value, ty, index, index_type, result_type)
    return _take(cg, value, ty, index, index_type, result_type)


def _check_mask_shape(cg, value, ty, mask, mask_type):
    bld = cg.builder
    for k, (a, b) in enumerate(zip(indexing.shape_of(bld, value, ty.ndim),
                                   indexing.shape_of(bld, mask, mask_type.ndim))):
        cg.check(bld.icmp_signed("==", a, b), IndexError,
                 "boolean index did not match indexed array along axis %lld; size of axis is "
                 "%lld but size of corresponding boolean axis is %lld",
                 [ir.Constant(m.i64, k), a, b])


def _count(cg, mask, mask_type):
    bld = cg.builder
    slot = cg.alloca(m.i64)
    bld.store(ir.Constant(m.i64, 0), slot)

    def body(idx):
        chosen = indexing.load_element(bld, arrays.element_pointer(cg, mask, mask_type, idx),
                                       t.boolean)
        bld.store(bld.add(bld.load(slot), bld.zext(chosen, m.i64)), slot)
    arrays.nested_loop(cg, indexing.shape_of(bld, mask, mask_type.ndim), body)
    return bld.load(slot)


def _for_selected(cg, value, ty, mask, mask_type, visit):
    """visit(element pointer, k) for each selected element, k counting from 0."""
    bld = cg.builder
    counter = cg.alloca(m.i64)
    bld.store(ir.Constant(m.i64, 0), counter)

    def body(idx):
        chosen = indexing.load_element(bld, arrays.element_pointer(cg, mask, mask_type, idx),
                                       t.boolean)
        with bld.if_then(chosen):
            k = bld.load(counter)
            visit(arrays.element_pointer(cg, value, ty, idx), k)
            bld.store(bld.add(k, ir.Constant(m.i64, 1)), counter)
    arrays.nested_loop(cg, indexing.shape_of(bld, value, ty.ndim), body)


def _mask_get(cg, value, ty, mask, mask_type, result_type):
    _check_mask_shape(cg, value, ty, mask, mask_type)
    out = arrays.allocate(cg, result_type, [_count(cg, mask, mask_type)])

    def visit(ptr, k):
        item = indexing.load_element(cg.builder, ptr, ty.dtype)
        target = arrays.element_pointer(cg, out, result_type, [k])
        indexing.store_element(cg.builder, target, item, ty.dtype, result_type.dtype)
    _for_selected(cg, value, ty, mask, mask_type, visit)
    return out


def _index_values(cg, value, ty, index, index_type):
    """The integer index array's entries, wrapped and checked against axis 0."""
    bld = cg.builder
    length = indexing.shape_of(bld, value, ty.ndim)[0]

    def entry(k):
        raw = indexing.load_element(bld, arrays.element_pointer(cg, index, index_type, [k]),
                                    index_type.dtype)
        raw = casts.cast(bld, raw, index_type.dtype, t.int64)
        return indexing.wrap_and_check(cg, raw, length, 0, None, 0)
    return indexing.shape_of(bld, index, 1)[0], entry


def _take(cg, value, ty, index, index_type, result_type):
    bld = cg.builder
    count, entry = _index_values(cg, value, ty, index, index_type)
    shape = [count] + indexing.shape_of(bld, value, ty.ndim)[1:]
    out = arrays.allocate(cg, result_type, shape)

    def body(idx):
        source = arrays.element_pointer(cg, value, ty, [entry(idx[0])] + idx[1:])
        item = indexing.load_element(bld, source, ty.dtype)
        indexing.store_element(bld, arrays.element_pointer(cg, out, result_type, idx), item,
                               ty.dtype, result_type.dtype)
    arrays.nested_loop(cg, shape, body)
    return out


def setitem(cg, value, ty, index, index_type, source, source_type):
    """a[mask] = source / a[idx] = source (a scalar or an array expression)."""
    source = lazy.as_lazy(cg, source, source_type)
    if source.leaves:  # NumPy evaluates the right-hand side first
        materialized = lazy.materialize(cg, source)
        source_type = source.ty.copy(layout="C", readonly=False)
        cg.new_reference(materialized, source_type)
        source = lazy.from_array(cg, materialized, source_type)
    element_type = lazy.element_type(source.ty)
    bld = cg.builder
    if isinstance(index_type.dtype, t.Boolean):
        _check_mask_shape(cg, value, ty, index, index_type)

        def visit(ptr, k):
            item = source.element([k] if source.shape else [])
            indexing.store_element(bld, ptr, item, element_type, ty.dtype)
        if source.shape:
            selected = _count(cg, index, index_type)
            cg.check(bld.icmp_signed("==", source.shape[0], selected), ValueError,
                     "NumPy boolean array indexing assignment cannot assign %lld input values "
                     "to the %lld output values where the mask is true",
                     [source.shape[0], selected])
        _for_selected(cg, value, ty, index, index_type, visit)
        return
    count, entry = _index_values(cg, value, ty, index, index_type)
    shape = [count] + indexing.shape_of(bld, value, ty.ndim)[1:]

    def body(idx):
        own = idx[len(idx) - len(source.shape):] if source.shape else []
        item = source.element(own)
        target = arrays.element_pointer(cg, value, ty, [entry(idx[0])] + idx[1:])
        indexing.store_element(bld, target, item, element_type, ty.dtype)
    arrays.nested_loop(cg, shape, body)
