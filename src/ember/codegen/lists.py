"""Lists in compiled code: the few operations library code (ember.lib.lists)
cannot write in Python: allocation, raw item access, resizing, and the
destructor that releases a list's items when its last reference goes.

A list is the meminfo of a runtime block (runtime/nrt.py) whose data is
`models.list_struct`: size, capacity, a malloc'd items buffer and a dirty
flag. Items past `size` and up to `capacity` are undefined; growing zeroes
the new items, so a reference-counted item never stored is NULL (released as
a no-op). Every change sets `dirty` (codegen/entry.py writes a list argument
back into the caller's Python list only when it is set).
"""

import re

from llvmlite import ir

from ember.codegen import casts, refcount
from ember.codegen import models as m
from ember.runtime import nrt
from ember.types import core as t

MIN_CAPACITY = 4


class _Releaser:
    """What refcount.decref needs of a function emitter, inside the destructor:
    `module.llvm` and a builder."""

    def __init__(self, llvm, builder):
        self.module, self.builder = self, builder
        self.llvm = llvm


def _struct_pointer(bld, lst, ty):
    data = bld.gep(lst, [ir.Constant(m.i64, nrt.HEADER)])
    return bld.bitcast(data, m.list_struct(_decided(ty)).as_pointer())


def field_pointer(bld, lst, ty, index):
    return bld.gep(_struct_pointer(bld, lst, ty), [ir.Constant(m.i32, 0),
                                                   ir.Constant(m.i32, index)])


def size(bld, lst, ty):
    return bld.load(field_pointer(bld, lst, ty, m.LIST_SIZE))


def item_pointer(bld, lst, ty, index):
    return bld.gep(bld.load(field_pointer(bld, lst, ty, m.LIST_ITEMS)), [index])


def _decided(ty):
    """Undecided lists are always empty: any item layout serves to read their size."""
    return ty if ty.dtype is not None else t.List(t.int64)


def item_size(ty):
    storage = m.storage_type(_decided(ty).dtype)
    return ir.Constant(storage.as_pointer(), None).gep([ir.Constant(m.i32, 1)]).ptrtoint(m.i64)


# ---- allocation ----------------------------------------------------------------------------

def allocate(cg, ty, count):
    """A new list of `ty` (one reference) with `count` zeroed items; MemoryError on failure."""
    bld = cg.builder
    struct_size = ir.Constant(m.list_struct(_decided(ty)).as_pointer(), None).gep(
        [ir.Constant(m.i32, 1)]).ptrtoint(m.i64)
    alloc = _declare(cg.module.llvm, nrt.ALLOC_OBJECT, ir.FunctionType(m.i8p, [m.i64]))
    block = bld.call(alloc, [struct_size])
    cg.check(bld.icmp_unsigned("!=", block, ir.Constant(m.i8p, None)), MemoryError,
             "cannot allocate a list")
    set_destructor(bld, block, ty)
    if not (isinstance(count, ir.Constant) and count.constant == 0):
        resize(cg, block, ty, count)
    return block


def set_destructor(bld, block, ty):
    """Give the block `ty`'s destructor (an undecided empty list gets one once its
    item type is known: casts.cast from an undecided list type)."""
    header = bld.bitcast(block, nrt.meminfo_type.as_pointer())
    dtor = destructor(bld.module, ty) if ty.dtype is not None else None
    value = bld.bitcast(dtor, m.i8p) if dtor is not None else ir.Constant(m.i8p, None)
    bld.store(value, bld.gep(header, [ir.Constant(m.i32, 0),
                                      ir.Constant(m.i32, nrt.DESTRUCTOR_FIELD)]))


def destructor(llvm, ty):
    """`void dtor(i8* meminfo)`: release every item (if they hold references)
    and free the items buffer; the runtime then frees the block."""
    name = f"ember.list.dtor.{_mangle(ty)}"
    fn = llvm.globals.get(name)
    if fn is not None:
        return fn
    fn = ir.Function(llvm, nrt.destructor_type, name)
    fn.linkage = "internal"
    bld = ir.IRBuilder(fn.append_basic_block())
    (lst,) = fn.args
    if refcount.is_refcounted(ty.dtype):
        release_items(_Releaser(llvm, bld), lst, ty, ir.Constant(m.i64, 0), size(bld, lst, ty))
    items = bld.load(field_pointer(bld, lst, ty, m.LIST_ITEMS))
    bld.call(_libc(llvm, "free", m.void, [m.i8p]), [bld.bitcast(items, m.i8p)])
    bld.ret_void()
    return fn


def release_items(cg, lst, ty, start, stop):
    """Drop the references items [start, stop) hold."""
    for_each(cg.builder, start, stop, lambda k: refcount.decref(
        cg, cg.builder.load(item_pointer(cg.builder, lst, ty, k)), ty.dtype))


def for_each(bld, start, stop, body):
    """Emit `for k in range(start, stop): body(k)` (a phi loop: no stack slot)."""
    fn = bld.function
    before = bld.block
    head, loop, done = (fn.append_basic_block(f"each.{p}") for p in ("head", "body", "end"))
    bld.branch(head)
    bld.position_at_end(head)
    k = bld.phi(m.i64)
    k.add_incoming(start, before)
    bld.cbranch(bld.icmp_signed("<", k, stop), loop, done)
    bld.position_at_end(loop)
    body(k)
    k.add_incoming(bld.add(k, ir.Constant(m.i64, 1)), bld.block)
    bld.branch(head)
    bld.position_at_end(done)


# ---- items ----------------------------------------------------------------------------------

def get(cg, lst, ty, index, owned=True):
    """Item `index` (unchecked); `owned`: a new reference for the caller."""
    bld = cg.builder
    value = bld.load(item_pointer(bld, lst, ty, index))
    if isinstance(ty.dtype, t.Boolean):
        return bld.trunc(value, m.i1)
    if owned:
        refcount.incref(cg, value, ty.dtype)
    return value


def set_item(cg, lst, ty, index, value, value_type):
    """Store item `index` (unchecked): the list takes a reference, drops the old one."""
    bld = cg.builder
    value = casts.cast(bld, value, value_type, ty.dtype)
    ptr = item_pointer(bld, lst, ty, index)
    if isinstance(ty.dtype, t.Boolean):
        value = bld.zext(value, m.i8)
    if refcount.is_refcounted(ty.dtype):
        refcount.incref(cg, value, ty.dtype)
        old = bld.load(ptr)
        bld.store(value, ptr)
        refcount.decref(cg, old, ty.dtype)
    else:
        bld.store(value, ptr)
    mark_dirty(bld, lst, ty)


def mark_dirty(bld, lst, ty):
    bld.store(ir.Constant(m.i64, 1), field_pointer(bld, lst, ty, m.LIST_DIRTY))


def resize(cg, lst, ty, count):
    """Make the list `count` items long: new items zeroed, dropped ones released;
    capacity doubles when it must grow (amortised O(1) appends)."""
    bld = cg.builder
    old = size(bld, lst, ty)
    capacity = bld.load(field_pointer(bld, lst, ty, m.LIST_CAPACITY))
    with bld.if_then(bld.icmp_signed(">", count, capacity), likely=False):
        status = bld.call(_grow_function(cg.module.llvm, ty), [lst, count])
        cg.check(bld.icmp_unsigned("==", status, ir.Constant(m.i32, 0)), MemoryError,
                 "cannot grow a list")
    with bld.if_else(bld.icmp_signed(">", count, old)) as (longer, shorter):
        with longer:
            start = bld.bitcast(item_pointer(bld, lst, ty, old), m.i8p)
            nbytes = bld.mul(bld.sub(count, old), item_size(ty))
            memset = _declare(cg.module.llvm, "llvm.memset.p0i8.i64", ir.FunctionType(
                m.void, [m.i8p, m.i8, m.i64, m.i1]))
            bld.call(memset, [start, ir.Constant(m.i8, 0), nbytes, ir.Constant(m.i1, 0)])
        with shorter:
            if refcount.is_refcounted(ty.dtype):
                release_items(cg, lst, ty, count, old)
    bld.store(count, field_pointer(bld, lst, ty, m.LIST_SIZE))
    mark_dirty(bld, lst, ty)


def _grow_function(llvm, ty):
    """`i32 grow(list, count)`: capacity to max(count, 2 * capacity, 4); 1 if out of memory."""
    name = f"ember.list.grow.{_mangle(ty)}"
    fn = llvm.globals.get(name)
    if fn is not None:
        return fn
    fn = ir.Function(llvm, ir.FunctionType(m.i32, [m.i8p, m.i64]), name)
    fn.linkage = "internal"
    bld = ir.IRBuilder(fn.append_basic_block())
    lst, count = fn.args
    cap_ptr = field_pointer(bld, lst, ty, m.LIST_CAPACITY)
    doubled = bld.mul(bld.load(cap_ptr), ir.Constant(m.i64, 2))
    wanted = bld.select(bld.icmp_signed(">", doubled, count), doubled, count)
    wanted = bld.select(bld.icmp_signed(">", wanted, ir.Constant(m.i64, MIN_CAPACITY)), wanted,
                        ir.Constant(m.i64, MIN_CAPACITY))
    items_ptr = field_pointer(bld, lst, ty, m.LIST_ITEMS)
    realloc = _libc(llvm, "realloc", m.i8p, [m.i8p, m.i64])
    grown = bld.call(realloc, [bld.bitcast(bld.load(items_ptr), m.i8p),
                               bld.mul(wanted, item_size(ty))])
    with bld.if_then(bld.icmp_unsigned("==", grown, ir.Constant(m.i8p, None)), likely=False):
        bld.ret(ir.Constant(m.i32, 1))
    bld.store(bld.bitcast(grown, items_ptr.type.pointee), items_ptr)
    bld.store(wanted, cap_ptr)
    bld.ret(ir.Constant(m.i32, 0))
    return fn


# ---- literals, iteration, truth --------------------------------------------------------------

def build(cg, ty, values, types):
    """`[a, b, c]`: a new list of `ty` holding the values."""
    lst = allocate(cg, ty, ir.Constant(m.i64, len(values)))
    for i, (value, value_type) in enumerate(zip(values, types)):
        set_item(cg, lst, ty, ir.Constant(m.i64, i), value, value_type)
    return lst


def truth(bld, lst, ty):
    return bld.icmp_signed("!=", size(bld, lst, ty), ir.Constant(m.i64, 0))


def adopt_item_type(bld, lst, ty):
    """An undecided empty list used as a list of `ty` (casts.cast): from now on it
    releases items of that type."""
    set_destructor(bld, lst, ty)
    return lst


# ---- helpers -----------------------------------------------------------------------------

def _mangle(ty):
    return re.sub(r"\W+", "_", str(ty.dtype))


def _declare(llvm, name, fnty):
    fn = llvm.globals.get(name)
    if fn is None:
        fn = ir.Function(llvm, fnty, name)
    return fn


def _libc(llvm, name, ret, params):
    return _declare(llvm, name, ir.FunctionType(ret, params))
