"""@jitclass instances in compiled code: allocation, field access, and the
destructor that releases an instance's fields when its last reference goes.

An instance is the meminfo of a runtime block (runtime/nrt.py) whose data is
`models.instance_struct`. The block is zero-filled, so a field never
assigned holds NULL references, which releasing skips.
"""

from llvmlite import ir

from ember.codegen import casts, refcount
from ember.codegen import models as m
from ember.runtime import nrt
from ember.types import core as t


def allocate(cg, ty):
    """A new instance of `ty` (one reference), fields zeroed; MemoryError on failure."""
    bld = cg.builder
    struct = m.instance_struct(ty)
    size = ir.Constant(struct.as_pointer(), None).gep([ir.Constant(m.i32, 1)]).ptrtoint(m.i64)
    alloc = _declare(cg.module, nrt.ALLOC_OBJECT, ir.FunctionType(m.i8p, [m.i64]))
    block = bld.call(alloc, [size])
    cg.check(bld.icmp_unsigned("!=", block, ir.Constant(m.i8p, None)), MemoryError,
             f"cannot allocate an instance of {ty.class_name}")
    header = bld.bitcast(block, nrt.meminfo_type.as_pointer())
    bld.store(bld.bitcast(destructor(cg.module, ty), m.i8p), bld.gep(
        header, [ir.Constant(m.i32, 0), ir.Constant(m.i32, nrt.DESTRUCTOR_FIELD)]))
    return block


def field_pointer(builder, instance, ty, name):
    data = builder.gep(instance, [ir.Constant(m.i64, nrt.HEADER)])
    struct = builder.bitcast(data, m.instance_struct(ty).as_pointer())
    return builder.gep(struct, [ir.Constant(m.i32, 0),
                                ir.Constant(m.i32, ty.field_index(name))])


def load_field(cg, instance, ty, name):
    """The field's value, borrowed from the instance (as a variable's is).
    An array or instance field never assigned (still zero) raises
    AttributeError: it holds no memory to read."""
    bld = cg.builder
    value = bld.load(field_pointer(bld, instance, ty, name))
    field_type = ty.field_types[name]
    pointer = None
    if isinstance(field_type, t.InstanceType):
        pointer = value
    elif isinstance(field_type, t.Array):
        pointer = bld.bitcast(bld.extract_value(value, m.ARRAY_DATA), m.i8p)
    if pointer is not None:
        cg.check(bld.icmp_unsigned("!=", pointer, ir.Constant(m.i8p, None)), AttributeError,
                 f"field {ty.class_name}.{name} is read before it is assigned")
    return value


def store_field(cg, instance, ty, name, value, value_type):
    """`instance.name = value`: the field takes a reference of its own."""
    bld = cg.builder
    field_type = ty.field_types[name]
    value = casts.cast(bld, value, value_type, field_type)
    ptr = field_pointer(bld, instance, ty, name)
    if refcount.is_refcounted(field_type):
        value = _owned(cg, value, field_type)
        old = bld.load(ptr)
        bld.store(value, ptr)
        refcount.decref(cg, old, field_type)
    else:
        bld.store(value, ptr)


def _owned(cg, value, ty):
    """A new reference to `value`. An array borrowed from Python (no meminfo)
    gets a block owning its ndarray: the field may outlive the call."""
    bld = cg.builder
    if isinstance(ty, t.Tuple):
        for i, item in enumerate(ty.types):
            if refcount.is_refcounted(item):
                value = bld.insert_value(value, _owned(cg, bld.extract_value(value, i), item),
                                         i)
        return value
    if not isinstance(ty, t.Array):
        refcount.incref(cg, value, ty)
        return value
    meminfo = bld.extract_value(value, m.ARRAY_MEMINFO)
    parent = bld.extract_value(value, m.ARRAY_PARENT)
    null = ir.Constant(m.i8p, None)
    borrowed = bld.and_(bld.icmp_unsigned("==", meminfo, null),
                        bld.icmp_unsigned("!=", parent, null))
    slot = cg.alloca(m.i8p, "owner")
    bld.store(meminfo, slot)
    with bld.if_else(borrowed, likely=False) as (adopt, own):
        with adopt:
            adopt_fn = _declare(cg.module, nrt.ADOPT_PARALLEL if cg.in_parallel else nrt.ADOPT,
                                ir.FunctionType(m.i8p, [m.i8p]))
            block = bld.call(adopt_fn, [parent])
            bld.store(block, slot)
        with own:
            refcount.incref(cg, value, ty)
    owner = bld.load(slot)
    cg.check(bld.or_(bld.not_(borrowed), bld.icmp_unsigned("!=", owner, null)), MemoryError,
             "cannot allocate a reference to an array")
    return bld.insert_value(value, owner, m.ARRAY_MEMINFO)


class _Releaser:
    """What refcount.decref needs of a function emitter, for the destructor."""

    def __init__(self, module, builder):
        self.module, self.builder = module, builder


def destructor(module, ty):
    """`void dtor(i8* meminfo)` of `ty` in `module`: releases every field that
    holds a reference (the runtime then frees the block)."""
    name = f"ember.dtor.{ty.class_name}.{id(ty):x}"
    fn = module.llvm.globals.get(name)
    if fn is not None:
        return fn
    fn = ir.Function(module.llvm, nrt.destructor_type, name)
    fn.linkage = "internal"
    bld = ir.IRBuilder(fn.append_basic_block())
    releaser = _Releaser(module, bld)
    for field, field_type in ty.fields:
        if refcount.is_refcounted(field_type):
            value = bld.load(field_pointer(bld, fn.args[0], ty, field))
            refcount.decref(releaser, value, field_type)
    bld.ret_void()
    return fn


def _declare(module, name, fnty):
    fn = module.llvm.globals.get(name)
    if fn is None:
        fn = ir.Function(module.llvm, fnty, name)
    return fn
