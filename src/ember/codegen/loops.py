"""for-loops: every iterable becomes a count `k in [0, n)` and, per source,
the item at position k. That canonical form is what LLVM's loop
vectoriser recognises."""

from llvmlite import ir

from ember.codegen import indexing, lists, refcount
from ember.codegen import models as m
from ember.types import core as t
from ember.typing.ops import iteration_type


def emit_for(cg, s):
    iter_type = cg.types[s.iter]
    iterable = cg.expr(s.iter)
    if refcount.is_refcounted(iter_type):
        # The loop holds its own reference: the body may reassign the variable
        # it iterates over, and the old array must live (unchanged) until the end.
        refcount.incref(cg, iterable, iter_type)
        cg.new_reference(iterable, iter_type)
    if isinstance(iter_type, t.IteratorType) and iter_type.kind in _NESTED:
        return _emit_nested_for(cg, s, iterable, iter_type)
    source = _source(cg, iterable, iter_type)
    bld = cg.builder
    counter = cg.alloca(m.i64, "k")
    bld.store(ir.Constant(m.i64, 0), counter)
    head = cg.func.append_basic_block("for.head")
    body = cg.func.append_basic_block("for.body")
    latch = cg.func.append_basic_block("for.latch")
    end = cg.func.append_basic_block("for.end")
    bld.branch(head)
    bld.position_at_end(head)
    k = bld.load(counter)
    bld.cbranch(bld.icmp_signed("<", k, source.length()), body, end)
    bld.position_at_end(body)
    cg.store_target(s.target, source.item(k), iteration_type(iter_type, s))
    cg.loop_stack.append((latch, end))
    cg.block(s.body)
    cg.loop_stack.pop()
    if not cg.builder.block.is_terminated:
        cg.builder.branch(latch)
    cg.builder.position_at_end(latch)
    cg.builder.store(cg.builder.add(cg.builder.load(counter), ir.Constant(m.i64, 1)), counter)
    cg.builder.branch(head)
    cg.builder.position_at_end(end)


def _emit_nested_for(cg, s, iterable, iter_type):
    """np.ndindex / np.ndenumerate: one loop per axis, the body inside the
    innermost (`continue` steps the last index, `break` leaves them all)."""
    bld = cg.builder
    source_type = iter_type.sources[0]
    source = bld.extract_value(iterable, 0)
    if isinstance(source_type, t.Array):
        shape = indexing.shape_of(bld, source, source_type.ndim)
    else:
        shape = [bld.extract_value(source, k) for k in range(len(source_type))]
    done = cg.func.append_basic_block("ndfor.end")
    counters, heads, latches = [], [], []
    for size in shape:
        counter = cg.alloca(m.i64, "nd")
        bld.store(ir.Constant(m.i64, 0), counter)
        head, body, latch = (cg.func.append_basic_block(f"ndfor.{part}")
                             for part in ("head", "body", "latch"))
        bld.branch(head)
        bld.position_at_end(head)
        bld.cbranch(bld.icmp_signed("<", bld.load(counter), size), body,
                    latches[-1] if latches else done)
        bld.position_at_end(body)
        counters.append(counter)
        heads.append(head)
        latches.append(latch)
    indices = [bld.load(c) for c in counters]
    index_type = t.Tuple([t.int64] * len(indices))
    item = pack_values(bld, indices, index_type)
    item_type = iteration_type(iter_type, s)
    if iter_type.kind == "ndenumerate":
        pointer = indexing.raw_element_pointer(cg, source, source_type, indices)
        item = pack_values(bld, [item, indexing.load_element(bld, pointer, source_type.dtype)],
                            item_type)
    cg.store_target(s.target, item, item_type)
    cg.loop_stack.append((latches[-1], done))
    cg.block(s.body)
    cg.loop_stack.pop()
    if not bld.block.is_terminated:
        bld.branch(latches[-1])
    for counter, head, latch in zip(counters, heads, latches):
        bld.position_at_end(latch)
        bld.store(bld.add(bld.load(counter), ir.Constant(m.i64, 1)), counter)
        bld.branch(head)
    bld.position_at_end(done)


_NESTED = ("ndindex", "ndenumerate")


def pack_values(bld, values, ty):
    """A struct value of type `ty` from its items."""
    packed = ir.Constant(m.value_type(ty), None)
    for i, value in enumerate(values):
        packed = bld.insert_value(packed, value, i)
    return packed


class _Source:
    """An iterable as a length and the item at position k; `length()` is
    emitted in the loop's head (a list's may change while the body runs, as
    Python's list iterator checks it at each step)."""

    def __init__(self, length, item):
        self.length, self.item = length, item


def _iterator_source(cg, value, ty):
    """enumerate/zip: the shortest length, items packed into a tuple."""
    bld = cg.builder
    subs = [_source(cg, bld.extract_value(value, i), sub) for i, sub in enumerate(ty.sources)]

    def length():
        shortest = subs[0].length()
        for sub in subs[1:]:
            size = sub.length()
            shortest = bld.select(bld.icmp_signed("<", size, shortest), size, shortest)
        return shortest
    item_type = iteration_type(ty, None)

    def item(k):
        values = [sub.item(k) for sub in subs]
        if ty.kind == "enumerate":
            values = [k] + values
        packed = ir.Constant(m.value_type(item_type), None)
        for i, v in enumerate(values):
            packed = bld.insert_value(packed, v, i)
        return packed
    return _Source(length, item)


def _source(cg, value, ty):
    bld = cg.builder
    if isinstance(ty, t.IteratorType):
        return _iterator_source(cg, value, ty)
    if isinstance(ty, t.RangeType):
        start, stop, step = (bld.extract_value(value, i) for i in range(3))
        count = range_length(cg, start, stop, step)
        return _Source(lambda: count, lambda k: bld.add(start, bld.mul(k, step)))
    if isinstance(ty, t.Array):
        length = bld.extract_value(value, [m.ARRAY_SHAPE, 0])
        return _Source(lambda: length, lambda k: _array_item(cg, value, ty, k))
    if isinstance(ty, t.List):
        return _Source(lambda: lists.size(bld, value, ty),
                       lambda k: lists.get(cg, value, ty, k, owned=False))
    if isinstance(ty, t.Tuple):
        return _Source(lambda: ir.Constant(m.i64, len(ty)),
                       lambda k: _tuple_item(cg, value, ty, k))
    raise NotImplementedError(f"iteration over {ty}")


def _array_item(cg, value, ty, k):
    node = _SafeIndex()
    cg.typed.safe_indexes.add((node, 0))
    try:
        return indexing.getitem_int(cg, value, ty, k, node)
    finally:
        cg.typed.safe_indexes.discard((node, 0))


class _SafeIndex:
    """Marks an index the loop itself keeps in range."""


def _tuple_item(cg, value, ty, k):
    bld = cg.builder
    slot = cg.alloca(m.value_type(ty))
    bld.store(value, slot)
    first = bld.bitcast(slot, m.value_type(ty.types[0]).as_pointer())
    return bld.load(bld.gep(first, [k]))


def range_length(cg, start, stop, step):
    """len(range(start, stop, step)) for a nonzero step."""
    bld = cg.builder
    zero, one = ir.Constant(m.i64, 0), ir.Constant(m.i64, 1)
    if isinstance(step, ir.Constant) and step.constant == 1:
        span = bld.sub(stop, start)
        return bld.select(bld.icmp_signed(">", span, zero), span, zero)
    negative = bld.icmp_signed("<", step, zero)
    span = bld.select(negative, bld.sub(start, stop), bld.sub(stop, start))
    abs_step = bld.select(negative, bld.neg(step), step)
    count = bld.add(bld.sdiv(bld.sub(span, one), abs_step), one)
    return bld.select(bld.icmp_signed(">", span, zero), count, zero)
