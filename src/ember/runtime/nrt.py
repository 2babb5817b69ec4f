"""The memory runtime, emitted as LLVM IR (no C compiler): reference-counted
blocks for arrays allocated by compiled code and @jitclass instances.

A block is one allocation: a 64-byte header `{i64 refcount, i8* data,
i64 size, i8* raw, void(i8*)* destructor}` followed by the data, 64-byte
aligned; `raw` is what the C allocator returned (what `free` takes). The
destructor is NULL for arrays; a @jitclass instance's releases its fields,
and a block adopting an ndarray from Python (`ember_nrt_adopt`, so that an
instance field owns it) drops its reference to the ndarray. Zero-filled blocks come from
calloc, which hands out fresh pages untouched: np.zeros then costs no pass
over memory, and the pages are first touched by whoever writes them (in
parallel, by every thread). Compiled code holds a
pointer to the header (the array's `meminfo`); incref/decref are emitted
inline in every module (codegen/refcount.py) and call `ember_nrt_free` when
the count drops to zero. Arrays handed to Python own their block through a
capsule whose destructor drops the reference. Allocation and free counts
are kept for leak tests (`stats()`).
"""

import ctypes

from llvmlite import ir

from ember.codegen import models as m

HEADER = 64
ALLOC, FREE, DESTRUCTOR = "ember_nrt_alloc", "ember_nrt_free", "ember_nrt_capsule_destructor"
ALLOC_ZEROED = "ember_nrt_alloc_zeroed"
ADOPT, ADOPT_PARALLEL = "ember_nrt_adopt", "ember_nrt_adopt_parallel"
ALLOC_OBJECT = "ember_nrt_alloc_object"
ADOPT_TABLE = 64  # entries of the table of adopted ndarrays (a power of two)
_COUNTERS = ("ember_nrt_allocs", "ember_nrt_frees")
meminfo_type = ir.LiteralStructType([m.i64, m.i8p, m.i64, m.i8p, m.i8p])
DESTRUCTOR_FIELD = 4
destructor_type = ir.FunctionType(m.void, [m.i8p])


def emit_runtime(module):
    """Define the runtime's functions and counters in `module`."""
    llvm = module.llvm
    counters = {}
    for name in _COUNTERS:
        glob = ir.GlobalVariable(llvm, m.i64, name)
        glob.initializer = ir.Constant(m.i64, 0)
        counters[name] = glob
    aligned_alloc = ir.Function(llvm, ir.FunctionType(m.i8p, [m.i64, m.i64]), "aligned_alloc")
    calloc = ir.Function(llvm, ir.FunctionType(m.i8p, [m.i64, m.i64]), "calloc")
    free = ir.Function(llvm, ir.FunctionType(m.void, [m.i8p]), "free")
    _emit_alloc(llvm, ALLOC, counters["ember_nrt_allocs"], lambda bld, total: bld.call(
        aligned_alloc, [ir.Constant(m.i64, HEADER), total]))
    # calloc aligns to 16 bytes only: ask for one header more and align by hand.
    _emit_alloc(llvm, ALLOC_ZEROED, counters["ember_nrt_allocs"], lambda bld, total: bld.call(
        calloc, [ir.Constant(m.i64, 1), bld.add(total, ir.Constant(m.i64, HEADER))]),
        align=True)
    # Small objects (@jitclass instances, adopted ndarrays): zeroed, 16-byte
    # aligned is enough, and malloc's small bins are much faster than aligned_alloc.
    _emit_alloc(llvm, ALLOC_OBJECT, counters["ember_nrt_allocs"], lambda bld, total: bld.call(
        calloc, [ir.Constant(m.i64, 1), total]), exact=True)
    free_fn = _emit_free(llvm, free, counters["ember_nrt_frees"])
    _emit_capsule_destructor(llvm, free_fn)
    _emit_adopt(llvm)


def _emit_alloc(llvm, name, counter, allocate, align=False, exact=False):
    """`name(size)`: a block with room for `size` bytes, or null; `exact`: no
    rounding of the size to the alignment."""
    fn = ir.Function(llvm, ir.FunctionType(m.i8p, [m.i64]), name)
    bld = ir.IRBuilder(fn.append_basic_block())
    (size,) = fn.args
    # aligned_alloc needs a multiple of the alignment.
    total = bld.and_(bld.add(size, ir.Constant(m.i64, 2 * HEADER - 1)),
                     ir.Constant(m.i64, -HEADER))
    if exact:
        total = bld.add(size, ir.Constant(m.i64, HEADER))
    too_big = bld.icmp_unsigned(">", size, ir.Constant(m.i64, 2**62))
    with bld.if_then(too_big, likely=False):
        bld.ret(ir.Constant(m.i8p, None))
    raw = allocate(bld, total)
    with bld.if_then(bld.icmp_unsigned("==", raw, ir.Constant(m.i8p, None)), likely=False):
        bld.ret(raw)
    block = raw
    if align:
        address = bld.ptrtoint(raw, m.i64)
        aligned = bld.and_(bld.add(address, ir.Constant(m.i64, HEADER - 1)),
                           ir.Constant(m.i64, -HEADER))
        block = bld.gep(raw, [bld.sub(aligned, address)])
    header = bld.bitcast(block, meminfo_type.as_pointer())
    zero = ir.Constant(m.i32, 0)
    bld.store(ir.Constant(m.i64, 1), bld.gep(header, [zero, zero]))
    bld.store(bld.gep(block, [ir.Constant(m.i64, HEADER)]),
              bld.gep(header, [zero, ir.Constant(m.i32, 1)]))
    bld.store(size, bld.gep(header, [zero, ir.Constant(m.i32, 2)]))
    bld.store(raw, bld.gep(header, [zero, ir.Constant(m.i32, 3)]))
    bld.store(ir.Constant(m.i8p, None), bld.gep(header, [zero, ir.Constant(m.i32, 4)]))
    bld.atomic_rmw("add", counter, ir.Constant(m.i64, 1), "monotonic")
    bld.ret(block)


def _emit_free(llvm, free, counter):
    fn = ir.Function(llvm, ir.FunctionType(m.void, [m.i8p]), FREE)
    bld = ir.IRBuilder(fn.append_basic_block())
    bld.atomic_rmw("add", counter, ir.Constant(m.i64, 1), "monotonic")
    header = bld.bitcast(fn.args[0], meminfo_type.as_pointer())
    destructor = bld.load(bld.gep(header, [ir.Constant(m.i32, 0),
                                           ir.Constant(m.i32, DESTRUCTOR_FIELD)]))
    with bld.if_then(bld.icmp_unsigned("!=", destructor, ir.Constant(m.i8p, None)),
                     likely=False):
        bld.call(bld.bitcast(destructor, destructor_type.as_pointer()), [fn.args[0]])
    raw = bld.gep(header, [ir.Constant(m.i32, 0), ir.Constant(m.i32, 3)])
    bld.call(free, [bld.load(raw)])
    bld.ret_void()
    return fn


def _emit_capsule_destructor(llvm, free_fn):
    """PyCapsule destructor of arrays given to Python: drop their reference."""
    get_pointer = ir.Function(llvm, ir.FunctionType(m.i8p, [m.i8p, m.i8p]),
                              "PyCapsule_GetPointer")
    fn = ir.Function(llvm, ir.FunctionType(m.void, [m.i8p]), DESTRUCTOR)
    bld = ir.IRBuilder(fn.append_basic_block())
    meminfo = bld.call(get_pointer, [fn.args[0], ir.Constant(m.i8p, None)])
    count = bld.bitcast(meminfo, m.i64.as_pointer())
    old = bld.atomic_rmw("sub", count, ir.Constant(m.i64, 1), "acq_rel")
    with bld.if_then(bld.icmp_unsigned("==", old, ir.Constant(m.i64, 1))):
        bld.call(free_fn, [meminfo])
    bld.ret_void()


def _emit_adopt(llvm):
    """`ember_nrt_adopt(ndarray)`: a block owning a reference to an ndarray
    from Python, for arrays stored where they outlive the call (@jitclass
    fields); `ember_nrt_adopt_parallel` is the same for code in a parallel
    region. The block's destructor drops the reference.

    Serial code reuses a live block adopting the same ndarray, found in a
    small direct-mapped table that only serial code reads (one instance per
    row of a Python array then costs no allocation for its array fields).

    In a parallel region the pool's workers run without the GIL while the
    region's caller holds it, so the ndarray's count is changed atomically
    there (nothing else touches it meanwhile: the caller waits in the
    region), and the table entry is cleared with a compare-and-swap. The
    ndarray's last reference, which frees it, can only go where the GIL is
    held: the call's caller keeps every ndarray it passed alive."""
    table = ir.GlobalVariable(llvm, ir.ArrayType(m.i8p, ADOPT_TABLE), "ember_nrt_adopted")
    table.linkage = "internal"
    table.initializer = ir.Constant(table.value_type, None)
    helpers = _AdoptHelpers(llvm, table)
    release = ir.Function(llvm, destructor_type, "ember_nrt_release_pyobject")
    release.linkage = "internal"
    bld = ir.IRBuilder(release.append_basic_block())
    (block,) = release.args
    obj = bld.load(helpers.adopted_object(bld, block))
    bld.cmpxchg(helpers.table_slot(bld, obj), block, ir.Constant(m.i8p, None), "monotonic",
                "monotonic")
    helpers.decref(bld, obj)
    bld.ret_void()
    _emit_adopt_entry(llvm, ADOPT, release, helpers, use_table=True)
    _emit_adopt_entry(llvm, ADOPT_PARALLEL, release, helpers, use_table=False)


class _AdoptHelpers:
    def __init__(self, llvm, table):
        self.llvm, self.table = llvm, table
        self.gil_check = ir.Function(llvm, ir.FunctionType(m.i32, []), "PyGILState_Check")
        self.py_decref = ir.Function(llvm, destructor_type, "Py_DecRef")

    def table_slot(self, bld, obj):
        index = bld.and_(bld.lshr(bld.ptrtoint(obj, m.i64), ir.Constant(m.i64, 4)),
                         ir.Constant(m.i64, ADOPT_TABLE - 1))
        return bld.gep(self.table, [ir.Constant(m.i32, 0), index])

    def adopted_object(self, bld, block):
        return bld.bitcast(bld.gep(block, [ir.Constant(m.i64, HEADER)]), m.i8p.as_pointer())

    def refcount(self, bld, obj):
        return bld.bitcast(obj, m.i64.as_pointer())  # ob_refcnt, at offset 0

    def decref(self, bld, obj):
        """Drop a reference atomically; the last one through Py_DecRef (GIL held)."""
        fn = bld.function
        retry, last, done = (fn.append_basic_block(n) for n in ("retry", "last", "done"))
        bld.branch(retry)
        bld.position_at_end(retry)
        count = bld.load_atomic(self.refcount(bld, obj), "monotonic", 8)
        is_last = bld.icmp_signed("<=", count, ir.Constant(m.i64, 1))
        exchange = fn.append_basic_block("exchange")
        bld.cbranch(is_last, last, exchange)
        bld.position_at_end(exchange)
        swapped = bld.cmpxchg(self.refcount(bld, obj), count,
                              bld.sub(count, ir.Constant(m.i64, 1)), "monotonic", "monotonic")
        bld.cbranch(bld.extract_value(swapped, 1), done, retry)
        bld.position_at_end(last)
        held = bld.icmp_signed("!=", bld.call(self.gil_check, []), ir.Constant(m.i32, 0))
        with bld.if_then(held, likely=True):  # else unreachable in practice: leave it alive
            bld.call(self.py_decref, [obj])
        bld.branch(done)
        bld.position_at_end(done)


def _emit_adopt_entry(llvm, name, release, helpers, use_table):
    fn = ir.Function(llvm, ir.FunctionType(m.i8p, [m.i8p]), name)
    (obj,) = fn.args
    bld = ir.IRBuilder(fn.append_basic_block("entry"))
    slot = helpers.table_slot(bld, obj)
    if use_table:
        # The table is only for the thread holding the GIL: a jitted callee of a
        # parallel body (a jitclass __init__) is compiled as serial code, yet runs
        # on the pool's workers, where a table block may be freed under the reader.
        held = bld.icmp_signed("!=", bld.call(helpers.gil_check, []), ir.Constant(m.i32, 0))
        table, plain = fn.append_basic_block("table"), fn.append_basic_block("plain")
        bld.cbranch(held, table, plain)
        bld.position_at_end(table)  # a live block adopting obj: one more reference to it
        _reuse_adopted(bld, fn, obj, slot, helpers)
        bld.branch(plain)
        bld.position_at_end(plain)
    block = bld.call(llvm.globals[ALLOC_OBJECT], [ir.Constant(m.i64, 8)])
    with bld.if_then(bld.icmp_unsigned("==", block, ir.Constant(m.i8p, None)), likely=False):
        bld.ret(block)
    bld.store(obj, helpers.adopted_object(bld, block))
    header = bld.bitcast(block, meminfo_type.as_pointer())
    bld.store(bld.bitcast(release, m.i8p), bld.gep(header, [
        ir.Constant(m.i32, 0), ir.Constant(m.i32, DESTRUCTOR_FIELD)]))
    bld.atomic_rmw("add", helpers.refcount(bld, obj), ir.Constant(m.i64, 1), "monotonic")
    if use_table:
        with bld.if_then(held):
            bld.store(block, slot)
    bld.ret(block)


def _reuse_adopted(bld, fn, obj, slot, helpers):
    """Return the table's block for obj with one more reference, if it is live."""
    lookup, retry, create = (fn.append_basic_block(n) for n in ("lookup", "retry", "create"))
    cached = bld.load(slot)
    bld.cbranch(bld.icmp_unsigned("!=", cached, ir.Constant(m.i8p, None)), lookup, create)
    bld.position_at_end(lookup)
    same = bld.icmp_unsigned("==", bld.load(helpers.adopted_object(bld, cached)), obj)
    bld.cbranch(same, retry, create)
    bld.position_at_end(retry)  # increment unless the block is being freed
    count_ptr = bld.bitcast(cached, m.i64.as_pointer())
    count = bld.load_atomic(count_ptr, "monotonic", 8)
    increment = fn.append_basic_block("increment")
    bld.cbranch(bld.icmp_signed(">", count, ir.Constant(m.i64, 0)), increment, create)
    bld.position_at_end(increment)
    exchanged = bld.cmpxchg(count_ptr, count, bld.add(count, ir.Constant(m.i64, 1)),
                            "acq_rel", "monotonic")
    reused = fn.append_basic_block("reused")
    bld.cbranch(bld.extract_value(exchanged, 1), reused, retry)
    bld.position_at_end(reused)
    bld.ret(cached)
    bld.position_at_end(create)


class Runtime:
    """The runtime as loaded into the JIT: its function and counter addresses."""

    def __init__(self, addresses):
        self.addresses = addresses

    def stats(self):
        allocs, frees = (ctypes.c_int64.from_address(self.addresses[n]).value
                         for n in _COUNTERS)
        return Stats(allocs, frees)


class Stats:
    """Allocation and free counts of the memory runtime since start-up."""

    def __init__(self, allocs, frees):
        self.allocs, self.frees = allocs, frees

    @property
    def alive(self):
        return self.allocs - self.frees

    def __repr__(self):
        return f"Stats(allocs={self.allocs}, frees={self.frees}, alive={self.alive})"


FUNCTIONS = (ALLOC, ALLOC_ZEROED, ALLOC_OBJECT, FREE, DESTRUCTOR, ADOPT, ADOPT_PARALLEL)
COUNTERS = _COUNTERS
_loaded = []  # the Runtime, once the CPU target has JIT-compiled it


def loaded(runtime):
    _loaded.append(runtime)


def stats():
    """Allocations and frees made by compiled code so far (for leak checks)."""
    return _loaded[0].stats() if _loaded else Stats(0, 0)
