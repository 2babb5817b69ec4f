"""The call path of every dispatcher, generated once per process in LLVM IR.

Each dispatcher's class has `__call__` set to a builtin whose `self` is a
tuple `(slow_path, entry)`: the trampoline calls the native function of
`entry` (a specialisation's C-API wrapper) directly. When the arguments do
not match (MISS) or keywords are passed, it calls `slow_path`, which picks
or compiles a specialisation. The slow path returns `(RAISE, exc)` instead
of raising, so the exception is set here and the user's traceback holds no
ember frames.
"""

from llvmlite import ir

from ember.codegen import models as m

_pyobj = m.i8p
# CPython layouts: tuple items, PyCFunctionObject.m_ml, PyMethodDef.ml_meth.
TUPLE_ITEMS, CFUNCTION_ML, METHODDEF_METH = 24, 16, 8
NAME = "ember_trampoline"


def emit_trampoline(module, miss, raise_mark):
    entry_fnty = ir.FunctionType(_pyobj, [_pyobj, _pyobj.as_pointer(), m.i64])
    fnty = ir.FunctionType(_pyobj, [_pyobj, _pyobj.as_pointer(), m.i64, _pyobj])
    fn = ir.Function(module.llvm, fnty, NAME)
    self_, args, nargs, kwnames = fn.args
    bld = ir.IRBuilder(fn.append_basic_block("entry"))
    fast = fn.append_basic_block("fast")
    slow = fn.append_basic_block("slow")

    def load_at(ptr, offset, llty=_pyobj):
        raw = bld.gep(ptr, [ir.Constant(m.i64, offset)])
        return bld.load(bld.bitcast(raw, llty.as_pointer()))

    def declare(name, ret, params):
        return ir.Function(module.llvm, ir.FunctionType(ret, params), name)

    decref = declare("Py_DecRef", m.void, [_pyobj])
    vectorcall = declare("PyObject_Vectorcall", _pyobj, [_pyobj, _pyobj.as_pointer(), m.i64,
                                                          _pyobj])
    set_object = declare("PyErr_SetObject", m.void, [_pyobj, _pyobj])
    miss_ptr = module.pointer_constant(id(miss))
    entry = load_at(self_, TUPLE_ITEMS + 8)
    no_keywords = bld.icmp_unsigned("==", kwnames, ir.Constant(_pyobj, None))
    compiled = bld.icmp_unsigned("!=", entry, module.pointer_constant(id(None)))
    bld.cbranch(bld.and_(no_keywords, compiled), fast, slow)

    bld.position_at_end(fast)
    method_def = load_at(entry, CFUNCTION_ML)
    native = bld.bitcast(load_at(method_def, METHODDEF_METH), entry_fnty.as_pointer())
    result = bld.call(native, [ir.Constant(_pyobj, None), args, nargs])
    hit = fn.append_basic_block("hit")
    missed = fn.append_basic_block("missed")
    bld.cbranch(bld.icmp_unsigned("!=", result, miss_ptr), hit, missed)
    bld.position_at_end(hit)
    bld.ret(result)
    bld.position_at_end(missed)
    bld.call(decref, [result])
    bld.branch(slow)

    bld.position_at_end(slow)
    slow_path = load_at(self_, TUPLE_ITEMS)
    result = bld.call(vectorcall, [slow_path, args, nargs, kwnames])
    raised = _is_raise_box(bld, result, load_at, module.pointer_constant(id(tuple)),
                           module.pointer_constant(id(raise_mark)))
    with bld.if_then(raised, likely=False):
        exc = load_at(result, TUPLE_ITEMS + 8)
        bld.call(set_object, [load_at(exc, 8), exc])
        bld.call(decref, [result])
        bld.ret(ir.Constant(_pyobj, None))
    bld.ret(result)
    return fn


def _is_raise_box(bld, result, load_at, tuple_type, raise_mark):
    """result is a 2-tuple whose first item is RAISE (checked without reading past NULL)."""
    not_null = bld.icmp_unsigned("!=", result, ir.Constant(_pyobj, None))
    is_box = bld.alloca(m.i1)
    bld.store(ir.Constant(m.i1, 0), is_box)
    with bld.if_then(not_null):
        is_tuple = bld.icmp_unsigned("==", load_at(result, 8), tuple_type)
        with bld.if_then(is_tuple):
            size_ok = bld.icmp_signed("==", load_at(result, 16, m.i64), ir.Constant(m.i64, 2))
            with bld.if_then(size_ok):
                bld.store(bld.icmp_unsigned("==", load_at(result, TUPLE_ITEMS), raise_mark),
                          is_box)
    return bld.load(is_box)
