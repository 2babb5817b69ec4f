"""Fused array expressions.

An elementwise expression over arrays (`a * b + np.sin(c)`) is not computed
when it is emitted: it becomes a `Lazy` value, its shape and a function
computing one element. Nested operations compose these functions, so a
whole expression tree becomes one loop with no temporary arrays. The loop is
emitted by whoever consumes the value: a reduction (`np.sum(expr)`
allocates nothing), an assignment into existing memory (`a[:] = expr`,
`a += expr`), or `materialize`, which allocates the result.
"""

from llvmlite import ir

from ember.codegen import arrays, casts, indexing, outline
from ember.codegen import models as m
from ember.types import core as t

_exact = [False]  # while emitting a loop where no operand is broadcast (see loop)


class Lazy:
    """An array-valued expression: type, shape (i64 values), element(indices)."""

    def __init__(self, ty, shape, element, leaves):
        self.ty, self.shape, self.element, self.leaves = ty, shape, element, leaves


def from_array(cg, value, ty):
    """A real array as a Lazy leaf. Dimensions of size 1 get stride 0, so the
    same element function serves broadcasting."""
    bld = cg.builder
    shape = indexing.shape_of(bld, value, ty.ndim)
    strides = indexing.strides_of(bld, value, ty.ndim)
    one, zero = ir.Constant(m.i64, 1), ir.Constant(m.i64, 0)
    effective = [bld.select(bld.icmp_signed("==", s, one), zero, st)
                 for s, st in zip(shape, strides)]
    data = bld.bitcast(bld.extract_value(value, m.ARRAY_DATA), m.i8p)
    contiguous = ty.layout == "C"

    def element(indices):
        indices = indices[len(indices) - ty.ndim:]
        if _exact[0]:  # no dimension of size 1 is broadcast: plain indexing
            ptr = indexing.raw_element_pointer(cg, value, ty, indices)
        elif contiguous:
            # Unit inner stride known at compile time: the loop can vectorise.
            mapped = [bld.select(bld.icmp_signed("==", s, one), zero, i)
                      for s, i in zip(shape, indices)]
            ptr = indexing.raw_element_pointer(cg, value, ty, mapped)
        else:
            offset = zero
            for i, stride in zip(indices, effective):
                offset = bld.add(offset, bld.mul(i, stride))
            ptr = bld.bitcast(bld.gep(data, [offset]),
                              m.storage_type(ty.dtype).as_pointer())
        return indexing.load_element(bld, ptr, ty.dtype)
    return Lazy(ty, shape, element, [(value, ty)])


def from_scalar(value, ty):
    return Lazy(ty, [], lambda indices: value, [])


def as_lazy(cg, value, ty):
    if isinstance(value, Lazy):
        return value
    if isinstance(ty, t.Array):
        return from_array(cg, value, ty)
    return from_scalar(value, ty)


def element_type(ty):
    return ty.dtype if isinstance(ty, t.Array) else ty


def broadcast_shape(cg, shapes):
    """NumPy broadcasting of runtime shapes; mismatches raise ValueError."""
    bld = cg.builder
    ndim = max((len(s) for s in shapes), default=0)
    one = ir.Constant(m.i64, 1)
    result = []
    for k in range(ndim):
        sizes = [s[len(s) - ndim + k] for s in shapes if len(s) - ndim + k >= 0]
        size = sizes[0]
        for other in sizes[1:]:
            compatible = bld.or_(bld.or_(bld.icmp_signed("==", size, other),
                                         bld.icmp_signed("==", size, one)),
                                 bld.icmp_signed("==", other, one))
            cg.check(compatible, ValueError, "operands could not be broadcast together "
                     "(sizes %lld and %lld on an axis)", [size, other])
            size = bld.select(bld.icmp_signed("==", size, one), other, size)
        result.append(size)
    return result


def combine(cg, result_type, operands, compute):
    """An elementwise operation: element = compute([operand elements])."""
    bld = cg.builder
    shape = broadcast_shape(cg, [op.shape for op in operands])
    ndim = len(shape)
    one, zero = ir.Constant(m.i64, 1), ir.Constant(m.i64, 0)

    def element(indices):
        values = []
        for op in operands:
            own = indices[ndim - len(op.shape):]
            if _exact[0] or _is_leaf(op):
                values.append(op.element(own))  # leaves broadcast through strides
            else:
                own = [bld.select(bld.icmp_signed("==", s, one), zero, i)
                       for s, i in zip(op.shape, own)]
                values.append(op.element(own))
        return compute(values)
    leaves = [leaf for op in operands for leaf in op.leaves]
    lazy = Lazy(result_type, shape, element, leaves)
    lazy.composite = True
    return lazy


def map_elements(lazy, ty, fn):
    """The Lazy whose elements are fn(element of lazy), of type ty."""
    mapped = Lazy(ty, lazy.shape, lambda indices: fn(lazy.element(indices)), lazy.leaves)
    mapped.composite = getattr(lazy, "composite", False)
    return mapped


def _is_leaf(op):
    return not getattr(op, "composite", False)


def materialize(cg, lazy):
    """Allocate the result and compute every element into it."""
    out = arrays.allocate(cg, lazy.ty, lazy.shape)
    store_into(cg, out, lazy.ty, lazy)
    return out


def materialize_reusing(cg, lazy, old, old_type):
    """materialize(lazy) as a new reference, computed into `old` (the array a
    variable holds, about to be replaced by the result) when nothing else can
    see old's memory: its block has no other reference, it has the result's
    shape, and no operand reads it other than element for element (the
    same view). `x = r * x * (1.0 - x)` in a loop then reuses one block
    instead of allocating and freeing one per iteration. old_type must have
    lazy.ty's dtype, dimensions and C layout."""
    bld = cg.builder
    reuse = cg.alloca(m.i1)
    bld.store(ir.Constant(m.i1, 0), reuse)
    meminfo = bld.extract_value(old, m.ARRAY_MEMINFO)
    with bld.if_then(bld.icmp_unsigned("!=", meminfo, ir.Constant(meminfo.type, None))):
        count = bld.load(bld.bitcast(meminfo, m.i64.as_pointer()))
        alone = bld.icmp_signed("==", count, ir.Constant(m.i64, 1))
        for size, wanted in zip(indexing.shape_of(bld, old, old_type.ndim), lazy.shape):
            alone = bld.and_(alone, bld.icmp_signed("==", size, wanted))
        for leaf, leaf_type in lazy.leaves:
            alone = bld.and_(alone, bld.not_(overlaps(cg, old, old_type, leaf, leaf_type)))
        bld.store(alone, reuse)
    # The loop is emitted in both branches: writing to the very array a
    # vectorised loop reads is safe element for element, but LLVM proves it
    # only where the two pointers are one value (else it runs a scalar loop).
    destination = cg.alloca(m.value_type(lazy.ty))
    with bld.if_else(bld.load(reuse)) as (same, new):
        with same:
            from ember.codegen import refcount

            refcount.incref(cg, old, old_type)
            store_into(cg, old, lazy.ty, lazy)
            bld.store(old, destination)
        with new:
            bld.store(materialize(cg, lazy), destination)
    return bld.load(destination)


def store_into(cg, target, target_type, lazy):
    """target[...] = lazy, broadcasting lazy to target's shape."""
    bld = cg.builder
    shape = indexing.shape_of(bld, target, target_type.ndim)
    if len(lazy.shape) > len(shape):
        cg.check(ir.Constant(m.i1, 0), ValueError, "could not broadcast input array into "
                 "an array with fewer dimensions")
        return
    one, zero = ir.Constant(m.i64, 1), ir.Constant(m.i64, 0)
    offset = len(shape) - len(lazy.shape)
    for size, target_size in zip(lazy.shape, shape[offset:]):
        ok = bld.or_(bld.icmp_signed("==", size, target_size), bld.icmp_signed("==", size, one))
        cg.check(ok, ValueError, "could not broadcast input array from size %lld into "
                 "size %lld", [size, target_size])
    source_type = element_type(lazy.ty)

    def body(indices):
        own = indices[offset:]
        if not (_exact[0] or _is_leaf(lazy)):
            own = [bld.select(bld.icmp_signed("==", s, one), zero, i)
                   for s, i in zip(lazy.shape, own)]
        value = lazy.element(own)
        ptr = arrays.element_pointer(cg, target, target_type, indices)
        indexing.store_element(bld, ptr, value, source_type, target_type.dtype)
    loop(cg, lazy, shape, body, independent=True)


def loop(cg, lazy, shape, body, independent=False):
    """Loops over `shape` computing lazy's elements (see versioned).
    `independent`: each iteration writes only its own element and reads
    nothing another writes, so parallel=True may split the loop across
    threads (never so for a loop that accumulates)."""
    run = outline.array_loop if independent else arrays.nested_loop
    versioned(cg, lazy, shape, lambda: run(cg, shape, body))


def versioned(cg, lazy, shape, emit, general=None):
    """Calls emit() to emit the code that reads lazy's elements over `shape`,
    in two versions: one for when no operand is broadcast along a size-1
    dimension (plain indexing, so contiguous loops vectorise) and the general
    one, emitted by general() when given. A lone array over its own shape is
    never broadcast: one version suffices."""
    bld = cg.builder
    own_shape = len(lazy.shape) == len(shape) and all(a is b for a, b in zip(lazy.shape, shape))
    if not lazy.leaves or _is_leaf(lazy) and own_shape:
        _emit_exact(emit, bool(lazy.leaves))
        return
    exact = ir.Constant(m.i1, 1)
    for leaf, leaf_type in lazy.leaves:
        sizes = indexing.shape_of(bld, leaf, leaf_type.ndim)
        for size, full in zip(sizes, shape[len(shape) - leaf_type.ndim:]):
            exact = bld.and_(exact, bld.icmp_signed("==", size, full))
    with bld.if_else(exact, likely=True) as (plain, otherwise):
        with plain:
            _emit_exact(emit, True)
        with otherwise:
            (general or emit)()


def _emit_exact(emit, exact):
    _exact[0] = exact
    try:
        emit()
    finally:
        _exact[0] = False


def flat(cg, value, ty):
    """A C- or F-contiguous array as a 1-D Lazy over its memory order."""
    bld = cg.builder
    size = ir.Constant(m.i64, 1)
    for s in indexing.shape_of(bld, value, ty.ndim):
        size = bld.mul(size, s)
    data = bld.bitcast(bld.extract_value(value, m.ARRAY_DATA),
                       m.storage_type(ty.dtype).as_pointer())

    def element(indices):
        return indexing.load_element(bld, bld.gep(data, [indices[-1]], inbounds=True), ty.dtype)
    return Lazy(ty.copy(ndim=1, layout="C"), [size], element, [])


def flattenable(value):
    """A Lazy of 2+ dimensions over C-contiguous arrays of its own rank: when
    no operand is broadcast (see versioned), flat_exact reads it in memory order."""
    return (isinstance(value, Lazy) and len(value.shape) >= 2 and bool(value.leaves)
            and all(ty.layout == "C" and ty.ndim == len(value.shape) for _, ty in value.leaves))


def flat_exact(cg, lazy):
    """`lazy` (flattenable, no operand broadcast) as a 1-D Lazy in C order:
    flat position k is the index (0, ..., 0, k) of every C-contiguous leaf."""
    bld = cg.builder
    size = ir.Constant(m.i64, 1)
    for s in lazy.shape:
        size = bld.mul(size, s)
    zeros = [ir.Constant(m.i64, 0)] * (len(lazy.shape) - 1)

    def element(indices):
        saved, _exact[0] = _exact[0], True  # plain indexing: valid without broadcasting
        try:
            return lazy.element(zeros + [indices[-1]])
        finally:
            _exact[0] = saved
    return Lazy(lazy.ty.copy(ndim=1, layout="C"), [size], element, [])


def overlaps(cg, a, a_type, b, b_type):
    """Whether two arrays' memory may overlap in a way that a fused loop would
    not reproduce NumPy's result (the same view is fine)."""
    bld = cg.builder
    lo_a, hi_a = _extent(cg, a, a_type)
    lo_b, hi_b = _extent(cg, b, b_type)
    intersect = bld.and_(bld.icmp_unsigned("<", lo_a, hi_b), bld.icmp_unsigned("<", lo_b, hi_a))
    if a_type.ndim != b_type.ndim:
        return intersect
    same = bld.icmp_unsigned("==", bld.ptrtoint(bld.extract_value(a, m.ARRAY_DATA), m.i64),
                             bld.ptrtoint(bld.extract_value(b, m.ARRAY_DATA), m.i64))
    for k in range(a_type.ndim):
        same = bld.and_(same, bld.icmp_signed(
            "==", bld.extract_value(a, [m.ARRAY_STRIDES, k]),
            bld.extract_value(b, [m.ARRAY_STRIDES, k])))
    return bld.and_(intersect, bld.not_(same))


def _extent(cg, arr, ty):
    bld = cg.builder
    start = bld.ptrtoint(bld.extract_value(arr, m.ARRAY_DATA), m.i64)
    lo, hi = start, bld.add(start, ir.Constant(m.i64, m.itemsize(ty.dtype)))
    zero = ir.Constant(m.i64, 0)
    for k in range(ty.ndim):
        size = bld.extract_value(arr, [m.ARRAY_SHAPE, k])
        span = bld.mul(bld.sub(size, ir.Constant(m.i64, 1)),
                       bld.extract_value(arr, [m.ARRAY_STRIDES, k]))
        empty = bld.icmp_signed("<=", size, zero)
        lo = bld.add(lo, bld.select(bld.icmp_signed("<", span, zero), span, zero))
        hi = bld.add(hi, bld.select(bld.icmp_signed(">", span, zero), span, zero))
        hi = bld.select(empty, lo, hi)
    return lo, hi


def assign(cg, target, target_type, value, value_type, disjoint=False):
    """In-place `target[...] = value` with NumPy's semantics when value reads
    memory the loop writes: the expression then goes to a temporary first.
    `disjoint`: value is known not to read target's memory (passes/aliasing).
    The expression's loop is emitted for both cases: the direct one writes to
    `target` itself, so that LLVM sees the pointer an operand like `a` in
    `a += b` reads and vectorises (through another value it cannot tell the
    two apart, and runs a scalar loop)."""
    lazy = as_lazy(cg, value, value_type)
    if not lazy.leaves or disjoint:
        store_into(cg, target, target_type, lazy)
        return
    bld = cg.builder
    hazard = ir.Constant(m.i1, 0)
    for leaf, leaf_type in lazy.leaves:
        hazard = bld.or_(hazard, overlaps(cg, target, target_type, leaf, leaf_type))
    temp_type = target_type.copy(layout="C", readonly=False)
    with bld.if_else(hazard, likely=False) as (through_temp, direct):
        with through_temp:
            temp = arrays.allocate(cg, temp_type, indexing.shape_of(bld, target,
                                                                    target_type.ndim))
            cg.new_reference(temp, temp_type)  # released with the statement's temporaries
            store_into(cg, temp, temp_type, lazy)
            store_into(cg, target, target_type, from_array(cg, temp, temp_type))
        with direct:
            store_into(cg, target, target_type, lazy)


def cast_element(cg, value, src, dst):
    return casts.cast(cg.builder, value, src, dst)
