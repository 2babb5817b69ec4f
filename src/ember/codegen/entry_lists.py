"""Lists at the Python boundary, for the entry wrapper (codegen/entry.py).

A Python list argument is unboxed into a new native list (each item
converted, as for any argument); after the call, returned or raised, a list
the compiled code changed is written back into the same Python list object
(Numba's reflection). A returned list becomes a new Python list. An item the
list's type cannot take makes the entry answer MISS, so the dispatcher types
the list again; native lists made so far are released first.
"""

import numpy as np
from llvmlite import ir

from ember.codegen import lists, refcount
from ember.codegen import models as m
from ember.runtime import cpython as capi
from ember.types import core as t

_pyobj = m.i8p


class Boundary:
    """What codegen/lists.py needs of a function emitter, inside the entry:
    a failed allocation leaves through the entry's out-of-memory exit."""

    def __init__(self, entry):
        self.entry, self.module, self.builder = entry, entry.module, entry.builder

    def check(self, ok, exc_class, message):
        cont = self.builder.function.append_basic_block("ok")
        self.builder.cbranch(ok, cont, self.entry.out_of_memory())
        self.builder.position_at_end(cont)


def unbox_list(entry, obj, ty, kinds=None):
    """A new native list holding `obj`'s items converted to `ty.dtype`;
    `kinds` notes the numbers of an enclosing list argument (None: `obj` is
    the argument itself)."""
    bld = entry.builder
    is_list = bld.alloca(m.i1)
    bld.store(entry.type_is(obj, list), is_list)
    with bld.if_then(bld.not_(bld.load(is_list)), likely=False):
        bld.store(entry.is_subtype(obj, list), is_list)
    entry.check(bld.load(is_list))
    count = entry.field(obj, capi.LIST_SIZE, m.i64)
    top = kinds is None
    if top:  # an empty plain list is typeof's error; a typed.List knows its item type
        entry.check(bld.or_(bld.icmp_signed(">", count, ir.Constant(m.i64, 0)),
                            bld.not_(entry.type_is(obj, list))))
        kinds = _ItemKinds(entry, ty)
    slot = entry.list_slot()
    native = lists.allocate(Boundary(entry), ty, count)
    bld.store(native, slot)
    items = entry.field(obj, capi.LIST_ITEMS, _pyobj.as_pointer())

    def convert(k):
        item = bld.load(bld.gep(items, [k]))
        made = len(entry.list_slots)
        value = unbox_item(entry, item, ty.dtype, kinds)
        lists.set_item(Boundary(entry), native, ty, k, value, ty.dtype)
        for inner in entry.list_slots[made:]:  # lists in the item: the list holds them now
            refcount.decref(entry, bld.load(inner), ty)
            bld.store(ir.Constant(_pyobj, None), inner)
    lists.for_each(bld, ir.Constant(m.i64, 0), count, convert)
    if top:
        kinds.check(count)
    bld.store(ir.Constant(m.i64, 0), lists.field_pointer(bld, native, ty, m.LIST_DIRTY))
    return native


class _ItemKinds:
    """A list of float64 unified from ints and floats has at least one float
    (else it is a list of int64: MISS, so the dispatcher types it as one), a
    list of int64 at least one int (not only bools)."""

    def __init__(self, entry, list_type):
        dtype = list_type.dtype
        while isinstance(dtype, t.List):  # nested lists unify all their numbers
            dtype = dtype.dtype
        self.entry = entry
        self.own = {t.float64: (float, np.float64), t.int64: (int, np.int64),
                    t.complex128: (complex, np.complex128)}.get(dtype)
        if self.own is not None:
            self.seen = entry.builder.alloca(m.i1)
            entry.builder.store(ir.Constant(m.i1, 0), self.seen)

    def note(self, obj):
        if self.own is not None:
            bld = self.entry.builder
            bld.store(bld.or_(bld.load(self.seen), self.entry.type_is(obj, *self.own)),
                      self.seen)

    def check(self, count):
        if self.own is not None:
            bld = self.entry.builder
            empty = bld.icmp_signed("==", count, ir.Constant(m.i64, 0))
            self.entry.check(bld.or_(empty, bld.load(self.seen)))


def unbox_item(entry, obj, ty, kinds):
    """An item of a list argument: floats take ints too (the list's items were
    unified), ints take bools and NumPy integers."""
    bld = entry.builder
    kinds.note(obj)
    if isinstance(ty, t.List):
        return unbox_list(entry, obj, ty, kinds)
    if ty == t.float64:
        is_float = entry.type_is(obj, float)
        slot = bld.alloca(m.f64)
        with bld.if_else(is_float, likely=True) as (exact, other):
            with exact:
                bld.store(entry.field(obj, capi.SCALAR_VALUE, m.f64), slot)
            with other:
                value = entry.call("PyFloat_AsDouble", m.f64, [obj])
                failed = bld.and_(bld.fcmp_ordered("==", value, ir.Constant(m.f64, -1.0)),
                                  _error_set(entry))
                with bld.if_then(failed, likely=False):
                    entry.call("PyErr_Clear", m.void, [])
                entry.check(bld.not_(failed))
                bld.store(value, slot)
        return bld.load(slot)
    if ty == t.int64:
        overflow = bld.alloca(m.i32)
        value = entry.call("PyLong_AsLongLongAndOverflow", m.i64, [obj, overflow])
        failed = bld.or_(bld.icmp_signed("!=", bld.load(overflow), ir.Constant(m.i32, 0)),
                         bld.and_(bld.icmp_signed("==", value, ir.Constant(m.i64, -1)),
                                  _error_set(entry)))
        with bld.if_then(failed, likely=False):
            entry.call("PyErr_Clear", m.void, [])
        entry.check(bld.not_(failed))
        return value
    if ty == t.complex128:
        is_complex = entry.type_is(obj, complex, np.complex128)
        slot = bld.alloca(m.value_type(ty))
        with bld.if_else(is_complex, likely=True) as (exact, other):
            with exact:
                bld.store(entry.field(obj, capi.SCALAR_VALUE, m.value_type(ty)), slot)
            with other:
                real = unbox_item(entry, obj, t.float64, _NO_KINDS)
                value = ir.Constant(m.value_type(ty), None)
                value = bld.insert_value(value, real, 0)
                bld.store(bld.insert_value(value, ir.Constant(m.f64, 0.0), 1), slot)
        return bld.load(slot)
    return entry.unbox(obj, ty)


class _NoKinds:
    def note(self, obj):
        pass


_NO_KINDS = _NoKinds()


def _error_set(entry):
    return entry.builder.icmp_unsigned("!=", entry.call("PyErr_Occurred", _pyobj, []),
                                       ir.Constant(_pyobj, None))


def box_list(entry, value, ty):
    """A new Python list of the items; takes over (and drops) the list's reference."""
    bld = entry.builder
    count = lists.size(bld, value, ty)
    out = entry.call("PyList_New", _pyobj, [count])
    with bld.if_then(bld.icmp_unsigned("!=", out, ir.Constant(_pyobj, None))):
        def store(k):
            item = entry.box(lists.get(entry, value, ty, k), ty.dtype)
            entry.call("PyList_SetItem", m.i32, [out, k, item])
        lists.for_each(bld, ir.Constant(m.i64, 0), count, store)
    refcount.decref(entry, value, ty)
    return out


def reflect(entry, obj, native, ty):
    """Write a changed native list back into the Python list `obj`."""
    bld = entry.builder
    dirty = bld.load(lists.field_pointer(bld, native, ty, m.LIST_DIRTY))
    with bld.if_then(bld.icmp_signed("!=", dirty, ir.Constant(m.i64, 0))):
        count = lists.size(bld, native, ty)

        def store(k):
            item = entry.box(lists.get(entry, native, ty, k), ty.dtype)
            inside = bld.icmp_signed("<", k, entry.field(obj, capi.LIST_SIZE, m.i64))
            with bld.if_else(inside) as (replace, append):
                with replace:
                    entry.call("PyList_SetItem", m.i32, [obj, k, item])
                with append:
                    entry.call("PyList_Append", m.i32, [obj, item])
                    entry.call("Py_DecRef", m.void, [item])
        lists.for_each(bld, ir.Constant(m.i64, 0), count, store)
        longer = bld.icmp_signed(">", entry.field(obj, capi.LIST_SIZE, m.i64), count)
        with bld.if_then(longer):
            entry.call("PyList_SetSlice", m.i32, [obj, count, entry.field(
                obj, capi.LIST_SIZE, m.i64), ir.Constant(_pyobj, None)])
