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
ADOPT = "ember_nrt_adopt"
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
    free_fn = _emit_free(llvm, free, counters["ember_nrt_frees"])
    _emit_capsule_destructor(llvm, free_fn)
    _emit_adopt(llvm)


def _emit_alloc(llvm, name, counter, allocate, align=False):
    """`name(size)`: a block with room for `size` bytes, or null."""
    fn = ir.Function(llvm, ir.FunctionType(m.i8p, [m.i64]), name)
    bld = ir.IRBuilder(fn.append_basic_block())
    (size,) = fn.args
    # aligned_alloc needs a multiple of the alignment.
    total = bld.and_(bld.add(size, ir.Constant(m.i64, 2 * HEADER - 1)),
                     ir.Constant(m.i64, -HEADER))
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
    fields). Its destructor drops the reference, taking the GIL: the last
    reference may go in a thread of the pool."""
    gil_ensure = ir.Function(llvm, ir.FunctionType(m.i32, []), "PyGILState_Ensure")
    gil_release = ir.Function(llvm, ir.FunctionType(m.void, [m.i32]), "PyGILState_Release")
    alloc = llvm.globals[ALLOC]

    def python_call(bld, name, obj):
        state = bld.call(gil_ensure, [])
        fn = llvm.globals.get(name) or ir.Function(llvm, destructor_type, name)
        bld.call(fn, [obj])
        bld.call(gil_release, [state])

    release = ir.Function(llvm, destructor_type, "ember_nrt_release_pyobject")
    release.linkage = "internal"
    bld = ir.IRBuilder(release.append_basic_block())
    slot = bld.bitcast(bld.gep(release.args[0], [ir.Constant(m.i64, HEADER)]),
                       m.i8p.as_pointer())
    python_call(bld, "Py_DecRef", bld.load(slot))
    bld.ret_void()

    fn = ir.Function(llvm, ir.FunctionType(m.i8p, [m.i8p]), ADOPT)
    bld = ir.IRBuilder(fn.append_basic_block())
    block = bld.call(alloc, [ir.Constant(m.i64, 8)])
    with bld.if_then(bld.icmp_unsigned("==", block, ir.Constant(m.i8p, None)), likely=False):
        bld.ret(block)
    python_call(bld, "Py_IncRef", fn.args[0])
    bld.store(fn.args[0], bld.bitcast(bld.gep(block, [ir.Constant(m.i64, HEADER)]),
                                      m.i8p.as_pointer()))
    header = bld.bitcast(block, meminfo_type.as_pointer())
    bld.store(bld.bitcast(release, m.i8p), bld.gep(header, [
        ir.Constant(m.i32, 0), ir.Constant(m.i32, DESTRUCTOR_FIELD)]))
    bld.ret(block)


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


FUNCTIONS = (ALLOC, ALLOC_ZEROED, FREE, DESTRUCTOR, ADOPT)
COUNTERS = _COUNTERS
_loaded = []  # the Runtime, once the CPU target has JIT-compiled it


def loaded(runtime):
    _loaded.append(runtime)


def stats():
    """Allocations and frees made by compiled code so far (for leak checks)."""
    return _loaded[0].stats() if _loaded else Stats(0, 0)
