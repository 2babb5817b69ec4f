"""The C-API entry wrapper, generated in LLVM IR.

`PyObject* entry(PyObject* self, PyObject* const* args, Py_ssize_t nargs)`
(METH_FASTCALL): checks that every argument has exactly the type of this
specialisation, unboxes it, calls the native function, and boxes the
result. An argument of another type returns the dispatcher's MISS
sentinel (a new reference) so it can pick or compile another
specialisation; an exception raised by compiled code becomes a Python
exception via PyErr_Format.
"""

import numpy as np
from llvmlite import ir

from ember.codegen import entry_lists, refcount
from ember.codegen import models as m
from ember.runtime import cpython as capi
from ember.types import core as t
from ember.types.typeof import to_dtype

_pyobj = m.i8p


class EntryEmitter:
    def __init__(self, module, typed, native, miss_sentinel, name, defaults=()):
        self.module, self.typed, self.native = module, typed, native
        self.defaults = _usable_defaults(typed.arg_types, defaults)
        self.miss_sentinel = miss_sentinel
        fnty = ir.FunctionType(_pyobj, [_pyobj, _pyobj.as_pointer(), m.i64])
        self.func = ir.Function(module.llvm, fnty, name)
        self.builder = ir.IRBuilder(self.func.append_basic_block("entry"))
        self.miss = self.func.append_basic_block("miss")
        self.list_slots = []  # native lists made from arguments, released at every exit
        self._out_of_memory = None

    @classmethod
    def boxer(cls, module, builder):
        """An emitter whose box() emits with `builder` inside another function
        (print in compiled code)."""
        self = cls.__new__(cls)
        self.module, self.builder = module, builder
        return self

    def emit(self):
        bld = self.builder
        _, args, nargs = self.func.args
        count = len(self.typed.arg_types)
        required = count - len(self.defaults)
        self.check(bld.and_(bld.icmp_signed("<=", nargs, ir.Constant(m.i64, count)),
                            bld.icmp_signed(">=", nargs, ir.Constant(m.i64, required))))
        values, reflected = [], []
        for i, ty in enumerate(self.typed.arg_types):
            if i < required:
                obj = bld.load(bld.gep(args, [ir.Constant(m.i64, i)]))
                values.append(self.unbox(obj, ty))
                if isinstance(ty, t.List):
                    reflected.append((obj, values[-1], ty))
            else:
                values.append(self.argument_or_default(args, nargs, i, ty))
        out = bld.alloca(m.value_type(self.typed.return_type))
        exc = bld.alloca(m.excinfo_type)
        bld.store(ir.Constant(m.excinfo_type, None), exc)
        status = bld.call(self.native, [out, exc] + values)
        for obj, native, ty in reflected:  # returned or raised: Numba's reflection
            entry_lists.reflect(self, obj, native, ty)
        self.release_lists(bld)
        with bld.if_then(bld.icmp_unsigned("!=", status, ir.Constant(m.i32, 0)), likely=False):
            self.set_error(exc)
            bld.ret(ir.Constant(_pyobj, None))
        bld.ret(self.box_result(bld.load(out), self.typed.return_type, reflected))
        self.emit_miss()
        self.emit_out_of_memory()
        return self.func

    def argument_or_default(self, args, nargs, i, ty):
        """Argument i, or its parameter's default when the call omits it."""
        bld = self.builder
        slot = bld.alloca(m.value_type(ty))
        with bld.if_else(bld.icmp_signed(">", nargs, ir.Constant(m.i64, i))) as (given, omitted):
            with given:
                bld.store(self.unbox(bld.load(bld.gep(args, [ir.Constant(m.i64, i)])), ty), slot)
            with omitted:
                bld.store(_constant(self.defaults[i - (len(self.typed.arg_types)
                                                       - len(self.defaults))], ty), slot)
        return bld.load(slot)

    def emit_miss(self):
        bld = ir.IRBuilder(self.miss)
        self.release_lists(bld)
        sentinel = self.module.pointer_constant(id(self.miss_sentinel))
        self.call("Py_IncRef", m.void, [sentinel], bld)
        bld.ret(sentinel)

    def list_slot(self):
        """A stack slot, NULL from the start, for a native list made from an
        argument: the miss and out-of-memory exits release what it holds."""
        bld = ir.IRBuilder(self.func.entry_basic_block)
        bld.position_at_start(self.func.entry_basic_block)
        slot = bld.alloca(_pyobj)
        bld.store(ir.Constant(_pyobj, None), slot)
        self.list_slots.append(slot)
        return slot

    def release_lists(self, bld):
        saved, self.builder = self.builder, bld
        for slot in self.list_slots:
            refcount.decref(self, bld.load(slot), t.List(t.int64))
        self.builder = saved

    def out_of_memory(self):
        """The exit for a failed allocation while unboxing: MemoryError."""
        if self._out_of_memory is None:
            self._out_of_memory = self.func.append_basic_block("nomem")
        return self._out_of_memory

    def emit_out_of_memory(self):
        if self._out_of_memory is not None:
            bld = ir.IRBuilder(self._out_of_memory)
            self.release_lists(bld)
            self.call("PyErr_NoMemory", _pyobj, [], bld)
            bld.ret(ir.Constant(_pyobj, None))

    # ---- helpers -------------------------------------------------------------

    def call(self, name, ret, args, bld=None, fixed=None):
        """Call a C API function; `fixed` = number of fixed args of a variadic one."""
        fn = self.module.llvm.globals.get(name)
        if fn is None:
            params = [a.type for a in args][:fixed]
            fnty = ir.FunctionType(ret, params, var_arg=fixed is not None)
            fn = ir.Function(self.module.llvm, fnty, name)
        return (bld or self.builder).call(fn, args)

    def check(self, ok):
        """Continue if `ok`, else return MISS."""
        cont = self.func.append_basic_block("ok")
        self.builder.cbranch(ok, cont, self.miss)
        self.builder.position_at_end(cont)

    def field(self, obj, offset, llty):
        raw = self.builder.gep(obj, [ir.Constant(m.i64, offset)])
        return self.builder.load(self.builder.bitcast(raw, llty.as_pointer()))

    def type_is(self, obj, *pytypes):
        bld = self.builder
        obj_type = self.field(obj, capi.OB_TYPE, _pyobj)
        result = ir.Constant(m.i1, 0)
        for pytype in pytypes:
            self.module.keepalive.append(pytype)
            result = bld.or_(result, bld.icmp_unsigned(
                "==", obj_type, self.module.pointer_constant(id(pytype))))
        return result

    # ---- unboxing --------------------------------------------------------------

    def unbox(self, obj, ty):
        if isinstance(ty, t.Array):
            return self.unbox_array(obj, ty)
        if isinstance(ty, t.Tuple):
            return self.unbox_tuple(obj, ty)
        if isinstance(ty, t.InstanceType):
            return self.unbox_instance(obj, ty)
        if isinstance(ty, t.List):
            return entry_lists.unbox_list(self, obj, ty)
        if isinstance(ty, t.NoneType):
            self.check(self.builder.icmp_unsigned("==", obj, self.module.pointer_constant(
                id(None))))
            return ir.Constant(m.i8, None)
        return self.unbox_scalar(obj, ty)

    def unbox_scalar(self, obj, ty):
        bld = self.builder
        numpy_type = to_dtype(ty).type
        if isinstance(ty, t.Boolean):
            is_true = bld.icmp_unsigned("==", obj, self.module.pointer_constant(id(True)))
            is_false = bld.icmp_unsigned("==", obj, self.module.pointer_constant(id(False)))
            is_numpy = self.type_is(obj, np.bool_)
            self.check(bld.or_(bld.or_(is_true, is_false), is_numpy))
            stored = bld.select(is_numpy, bld.trunc(self.field(obj, capi.SCALAR_VALUE, m.i8),
                                                    m.i1), is_true)
            return stored
        if ty == t.int64 or ty == t.uint64:
            return self.unbox_int(obj, ty, numpy_type)
        python_type = {t.float64: float, t.complex128: complex}.get(ty)
        types = (numpy_type,) if python_type is None else (numpy_type, python_type)
        self.check(self.type_is(obj, *types))
        return self.field(obj, capi.SCALAR_VALUE, m.value_type(ty))

    def unbox_int(self, obj, ty, numpy_type):
        """Python ints through the C API (they are variable length), NumPy
        integer scalars by reading their value."""
        bld = self.builder
        is_numpy = self.type_is(obj, numpy_type)
        self.check(bld.or_(is_numpy, self.type_is(obj, int)))
        slot = bld.alloca(m.i64)
        with bld.if_else(is_numpy) as (numpy_case, python_case):
            with numpy_case:
                bld.store(self.field(obj, capi.SCALAR_VALUE, m.i64), slot)
            with python_case:
                bld.store(self.python_int(obj, ty), slot)
        return bld.load(slot)

    def python_int(self, obj, ty):
        bld = self.builder
        if ty == t.int64:
            overflow = bld.alloca(m.i32)
            value = self.call("PyLong_AsLongLongAndOverflow", m.i64, [obj, overflow])
            failed = bld.icmp_signed("!=", bld.load(overflow), ir.Constant(m.i32, 0))
        else:
            value = self.call("PyLong_AsUnsignedLongLong", m.i64, [obj])
            failed = bld.icmp_unsigned("!=", self.call("PyErr_Occurred", _pyobj, []),
                                       ir.Constant(_pyobj, None))
        with bld.if_then(failed, likely=False):
            self.call("PyErr_Clear", m.void, [])
        self.check(bld.not_(failed))
        return value

    def unbox_tuple(self, obj, ty):
        bld = self.builder
        self.check(self.type_is(obj, tuple))
        size = self.field(obj, capi.TUPLE_SIZE, m.i64)
        self.check(bld.icmp_signed("==", size, ir.Constant(m.i64, len(ty))))
        out = ir.Constant(m.value_type(ty), None)
        for i, item_type in enumerate(ty.types):
            item = self.field(obj, capi.TUPLE_ITEMS + 8 * i, _pyobj)
            out = bld.insert_value(out, self.unbox(item, item_type), i)
        return out

    def unbox_instance(self, obj, ty):
        """A @jitclass box: exactly its class, holding a capsule of the meminfo
        (borrowed for the call: the box keeps it alive)."""
        self.check(self.type_is(obj, ty.members.box_class))
        capsule = self.field(obj, capi.BOX_CAPSULE, _pyobj)
        self.check(self.builder.icmp_unsigned("!=", capsule, ir.Constant(_pyobj, None)))
        return self.field(capsule, capi.CAPSULE_POINTER, _pyobj)

    def unbox_array(self, obj, ty):
        bld = self.builder
        is_array = bld.alloca(m.i1)
        bld.store(ir.Constant(m.i1, 1), is_array)
        with bld.if_then(bld.not_(self.type_is(obj, np.ndarray)), likely=False):
            bld.store(self.is_subtype(obj, np.ndarray), is_array)  # ndarray subclasses
        self.check(bld.load(is_array))
        ndim = self.field(obj, capi.ARRAY_NDIM, m.i32)
        self.check(bld.icmp_signed("==", ndim, ir.Constant(m.i32, ty.ndim)))
        descr = self.field(obj, capi.ARRAY_DESCR, _pyobj)
        type_num = self.field(descr, capi.DESCR_TYPE_NUM, m.i32)
        num_ok = ir.Constant(m.i1, 0)
        for num in capi.type_nums(to_dtype(ty.dtype)):
            num_ok = bld.or_(num_ok, bld.icmp_signed("==", type_num, ir.Constant(m.i32, num)))
        byteorder = self.field(descr, capi.DESCR_BYTEORDER, m.i8)
        swapped = bld.icmp_unsigned("==", byteorder, ir.Constant(m.i8, ord(">")))
        self.check(bld.and_(num_ok, bld.not_(swapped)))
        self.check(self.flags_match(self.field(obj, capi.ARRAY_FLAGS, m.i32), ty))
        return self.array_struct(obj, ty)

    def is_subtype(self, obj, pytype):
        obj_type = self.field(obj, capi.OB_TYPE, _pyobj)
        result = self.call("PyType_IsSubtype", m.i32,
                           [obj_type, self.module.pointer_constant(id(pytype))])
        return self.builder.icmp_signed("!=", result, ir.Constant(m.i32, 0))

    def flags_match(self, flags, ty):
        bld = self.builder

        def has(bit):
            return bld.icmp_unsigned("!=", bld.and_(flags, ir.Constant(m.i32, bit)),
                                     ir.Constant(m.i32, 0))
        c, f = has(capi.NPY_C_CONTIGUOUS), has(capi.NPY_F_CONTIGUOUS)
        layout_ok = {"C": c, "F": bld.and_(f, bld.not_(c)),
                     "A": ir.Constant(m.i1, 1)}[ty.layout]  # strided code takes any layout
        writeable = has(capi.NPY_WRITEABLE)
        # Code typed for a read-only array never writes, so it takes writeable ones too.
        return layout_ok if ty.readonly else bld.and_(layout_ok, writeable)

    def array_struct(self, obj, ty):
        bld = self.builder
        out = ir.Constant(m.value_type(ty), None)
        out = bld.insert_value(out, obj, m.ARRAY_PARENT)
        data = self.field(obj, capi.ARRAY_DATA, _pyobj)
        out = bld.insert_value(out, bld.bitcast(data, m.storage_type(ty.dtype).as_pointer()),
                               m.ARRAY_DATA)
        dims = self.field(obj, capi.ARRAY_DIMS, m.i64.as_pointer())
        strides = self.field(obj, capi.ARRAY_STRIDES, m.i64.as_pointer())
        for k in range(ty.ndim):
            out = bld.insert_value(out, bld.load(bld.gep(dims, [ir.Constant(m.i64, k)])),
                                   [m.ARRAY_SHAPE, k])
            out = bld.insert_value(out, bld.load(bld.gep(strides, [ir.Constant(m.i64, k)])),
                                   [m.ARRAY_STRIDES, k])
        return out

    # ---- boxing and errors -------------------------------------------------------

    def box(self, value, ty):
        bld = self.builder
        if isinstance(ty, t.Boolean):
            return self.call("PyBool_FromLong", _pyobj, [bld.zext(value, m.i64)])
        if isinstance(ty, t.Integer):
            if ty.signed:
                return self.call("PyLong_FromLongLong", _pyobj, [bld.sext(value, m.i64)
                                                                 if ty.bits < 64 else value])
            return self.call("PyLong_FromUnsignedLongLong", _pyobj,
                             [bld.zext(value, m.i64) if ty.bits < 64 else value])
        if isinstance(ty, t.Float):
            return self.call("PyFloat_FromDouble", _pyobj, [bld.fpext(value, m.f64)
                                                            if ty.bits == 32 else value])
        if isinstance(ty, t.Complex):
            parts = [bld.extract_value(value, i) for i in (0, 1)]
            if ty.bits == 64:
                parts = [bld.fpext(p, m.f64) for p in parts]
            return self.call("PyComplex_FromDoubles", _pyobj, parts)
        if isinstance(ty, t.Tuple):
            return self.box_tuple(value, ty)
        if isinstance(ty, t.Array):
            return self.box_array(value, ty)
        if isinstance(ty, t.InstanceType):
            return self.box_instance(value, ty)
        if isinstance(ty, t.List):
            return entry_lists.box_list(self, value, ty)
        none = self.module.pointer_constant(id(None))
        self.call("Py_IncRef", m.void, [none])
        return none

    def box_array(self, value, ty):
        """An ndarray over the same memory; it takes over the reference."""
        bld = self.builder
        descr = self.call("ember_PyArray_DescrFromType", _pyobj,
                          [ir.Constant(m.i32, to_dtype(ty.dtype).num)])
        shape = bld.alloca(ir.ArrayType(m.i64, max(ty.ndim, 1)))
        strides = bld.alloca(ir.ArrayType(m.i64, max(ty.ndim, 1)))
        zero = ir.Constant(m.i32, 0)
        for k in range(ty.ndim):
            index = ir.Constant(m.i32, k)
            bld.store(bld.extract_value(value, [m.ARRAY_SHAPE, k]),
                      bld.gep(shape, [zero, index]))
            bld.store(bld.extract_value(value, [m.ARRAY_STRIDES, k]),
                      bld.gep(strides, [zero, index]))
        data = bld.bitcast(bld.extract_value(value, m.ARRAY_DATA), _pyobj)
        flags = ir.Constant(m.i32, 0 if ty.readonly else capi.NPY_WRITEABLE)
        array = self.call("ember_PyArray_NewFromDescr", _pyobj, [
            self.module.pointer_constant(id(np.ndarray)), descr, ir.Constant(m.i32, ty.ndim),
            bld.bitcast(shape, m.i64.as_pointer()), bld.bitcast(strides, m.i64.as_pointer()),
            data, flags, ir.Constant(_pyobj, None)])
        with bld.if_then(bld.icmp_unsigned("!=", array, ir.Constant(_pyobj, None))):
            self.call("ember_PyArray_SetBaseObject", m.i32, [array, self.array_owner(value)])
        return array

    def box_instance(self, value, ty):
        """A new box of the instance's class; its capsule takes over the reference."""
        bld = self.builder
        box_class = ty.members.box_class
        self.module.keepalive.append(box_class)
        capsule = self.call("PyCapsule_New", _pyobj, [value, ir.Constant(_pyobj, None),
                                                      bld.bitcast(self.capsule_destructor(),
                                                                  _pyobj)])
        box = self.call("PyType_GenericAlloc", _pyobj, [
            self.module.pointer_constant(id(box_class)), ir.Constant(m.i64, 0)])
        with bld.if_then(bld.icmp_unsigned("!=", box, ir.Constant(_pyobj, None))):
            slot = bld.gep(box, [ir.Constant(m.i64, capi.BOX_CAPSULE)])
            bld.store(capsule, bld.bitcast(slot, _pyobj.as_pointer()))
        return box

    def capsule_destructor(self):
        destructor = self.module.llvm.globals.get("ember_nrt_capsule_destructor")
        if destructor is None:
            destructor = ir.Function(self.module.llvm, ir.FunctionType(
                m.void, [_pyobj]), "ember_nrt_capsule_destructor")
        return destructor

    def array_owner(self, value):
        """The base object keeping the memory alive: a capsule holding the
        runtime reference, or the ndarray the view was taken from."""
        bld = self.builder
        meminfo = bld.extract_value(value, m.ARRAY_MEMINFO)
        parent = bld.extract_value(value, m.ARRAY_PARENT)
        owner = bld.alloca(_pyobj)
        with bld.if_else(bld.icmp_unsigned("!=", meminfo, ir.Constant(_pyobj, None))) as (
                owned, borrowed):
            with owned:
                destructor = self.capsule_destructor()
                bld.store(self.call("PyCapsule_New", _pyobj, [
                    meminfo, ir.Constant(_pyobj, None), bld.bitcast(destructor, _pyobj)]), owner)
            with borrowed:
                self.call("Py_IncRef", m.void, [parent])
                bld.store(parent, owner)
        return bld.load(owner)

    def box_result(self, value, ty, reflected):
        """Box the result; a list argument returned is its own Python list
        (reflected already), as in Numba and Python."""
        same = [(obj, native) for obj, native, arg_type in reflected if arg_type == ty]
        if not same:
            return self.box(value, ty)
        bld = self.builder
        found = ir.Constant(_pyobj, None)
        for obj, native in same:
            found = bld.select(bld.icmp_unsigned("==", value, native), obj, found)
        result = bld.alloca(_pyobj)
        with bld.if_else(bld.icmp_unsigned("!=", found, ir.Constant(_pyobj, None))) as (
                argument, new):
            with argument:
                self.call("Py_IncRef", m.void, [found])
                refcount.decref(self, value, ty)
                bld.store(found, result)
            with new:
                bld.store(self.box(value, ty), result)
        return bld.load(result)

    def box_tuple(self, value, ty):
        bld = self.builder
        tup = self.call("PyTuple_New", _pyobj, [ir.Constant(m.i64, len(ty))])
        for i, item_type in enumerate(ty.types):
            item = self.box(bld.extract_value(value, i), item_type)
            self.call("PyTuple_SetItem", m.i32, [tup, ir.Constant(m.i64, i), item])
        return tup

    def set_error(self, exc):
        bld = self.builder
        zero = ir.Constant(m.i32, 0)

        def slot(i):
            return bld.load(bld.gep(exc, [zero, ir.Constant(m.i32, i)]))
        cls, fmt = slot(0), slot(1)
        has_message = bld.icmp_unsigned("!=", fmt, ir.Constant(_pyobj, None))
        with bld.if_else(has_message) as (with_message, without):
            with with_message:
                values = [slot(2 + i) for i in range(m.EXC_ARGS)]
                self.call("PyErr_Format", _pyobj, [cls, fmt] + values, fixed=2)
            with without:
                self.call("PyErr_SetNone", m.void, [cls])


def emit_entry(module, typed, native, miss_sentinel, name, defaults=()):
    """The entry of `typed`; `defaults` (the Python function's) fill omitted
    trailing arguments of this specialisation's types without the slow path."""
    return EntryEmitter(module, typed, native, miss_sentinel, name, defaults).emit()


_DEFAULT_TYPES = {bool: t.boolean, int: t.int64, float: t.float64, complex: t.complex128,
                  type(None): t.none}


def _usable_defaults(arg_types, defaults):
    """The longest run of trailing defaults that are numbers (or None) of
    exactly the specialisation's argument types."""
    usable = []
    for value, ty in zip(reversed(defaults or ()), reversed(arg_types)):
        if _DEFAULT_TYPES.get(type(value)) != ty:
            break
        usable.append(value)
    return usable[::-1]


def _constant(value, ty):
    if isinstance(ty, t.Complex):
        return ir.Constant(m.value_type(ty), [ir.Constant(m.f64, value.real),
                                              ir.Constant(m.f64, value.imag)])
    if isinstance(ty, t.Float):
        return ir.Constant(m.f64, value)
    if isinstance(ty, (t.Integer, t.Boolean)):
        return ir.Constant(m.value_type(ty), int(value))
    return ir.Constant(m.i8, None)
