"""Reference counting of values that own runtime memory (arrays allocated by
compiled code, @jitclass instances, and tuples holding them).

incref/decref are defined once per module (internal, so LLVM inlines them);
a NULL meminfo (arrays borrowed from Python, constants) is a no-op.
"""

from llvmlite import ir

from ember.codegen import models as m
from ember.types import core as t

_INCREF, _DECREF = "ember.incref", "ember.decref"


def is_refcounted(ty):
    if isinstance(ty, (t.Array, t.InstanceType)):
        return True
    if isinstance(ty, (t.Tuple, t.IteratorType)):
        items = ty.types if isinstance(ty, t.Tuple) else ty.sources
        return any(is_refcounted(x) for x in items)
    return False


def incref(cg, value, ty):
    _apply(cg, value, ty, _helper(cg.module, _INCREF))


def decref(cg, value, ty):
    _apply(cg, value, ty, _helper(cg.module, _DECREF))


def _apply(cg, value, ty, helper):
    bld = cg.builder
    if isinstance(ty, t.Array):
        bld.call(helper, [bld.extract_value(value, m.ARRAY_MEMINFO)])
    elif isinstance(ty, t.InstanceType):
        bld.call(helper, [value])
    elif isinstance(ty, (t.Tuple, t.IteratorType)):
        items = ty.types if isinstance(ty, t.Tuple) else ty.sources
        for i, item in enumerate(items):
            if is_refcounted(item):
                _apply(cg, bld.extract_value(value, i), item, helper)


def _helper(module, name):
    fn = module.llvm.globals.get(name)
    if fn is None:
        fn = ir.Function(module.llvm, ir.FunctionType(m.void, [m.i8p]), name)
        fn.linkage = "internal"
        fn.attributes.add("alwaysinline")
        _emit_body(module, fn, name == _INCREF)
    return fn


def _emit_body(module, fn, increment):
    (meminfo,) = fn.args
    bld = ir.IRBuilder(fn.append_basic_block())
    with bld.if_then(bld.icmp_unsigned("!=", meminfo, ir.Constant(m.i8p, None))):
        count = bld.bitcast(meminfo, m.i64.as_pointer())
        if increment:
            bld.atomic_rmw("add", count, ir.Constant(m.i64, 1), "monotonic")
        else:
            old = bld.atomic_rmw("sub", count, ir.Constant(m.i64, 1), "acq_rel")
            with bld.if_then(bld.icmp_unsigned("==", old, ir.Constant(m.i64, 1))):
                free = module.llvm.globals.get("ember_nrt_free") or ir.Function(
                    module.llvm, ir.FunctionType(m.void, [m.i8p]), "ember_nrt_free")
                bld.call(free, [meminfo])
    bld.ret_void()
