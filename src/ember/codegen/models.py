"""Data models: how each ember type is laid out in LLVM.

This is the only module that knows struct layouts. Arrays are
`{meminfo*, parent*, data*, [ndim x i64] shape, [ndim x i64] strides}`:
`meminfo` will point at the reference-counted owner of memory allocated by
compiled code (NULL for arrays borrowed from Python), `parent` is the
ndarray the view came from (NULL when there is none), strides are in bytes.
A @jitclass instance is the `meminfo*` of a runtime block whose data is the
struct of its fields in spec order (`instance_struct`).
"""

from llvmlite import ir

from ember.types import core as t

i1, i8, i32, i64 = ir.IntType(1), ir.IntType(8), ir.IntType(32), ir.IntType(64)
f32, f64 = ir.FloatType(), ir.DoubleType()
i8p = i8.as_pointer()
void = ir.VoidType()

# Exception raised by compiled code, handed to the entry wrapper: the
# exception class (a PyObject*), a printf-style message and up to three
# integer values it formats (PyErr_Format).
EXC_ARGS = 6
excinfo_type = ir.LiteralStructType([i8p, i8p] + [i64] * EXC_ARGS)

ARRAY_MEMINFO, ARRAY_PARENT, ARRAY_DATA, ARRAY_SHAPE, ARRAY_STRIDES = range(5)


def storage_type(ty):
    """The LLVM type of a value of `ty` held in memory (array elements)."""
    if isinstance(ty, t.Boolean):
        return i8
    return value_type(ty)


def value_type(ty):
    """The LLVM type of a value of `ty` in a register."""
    if isinstance(ty, t.Boolean):
        return i1
    if isinstance(ty, t.Integer):
        return ir.IntType(ty.bits)
    if isinstance(ty, t.Float):
        return f32 if ty.bits == 32 else f64
    if isinstance(ty, t.Complex):
        part = value_type(ty.part)
        return ir.LiteralStructType([part, part])
    if isinstance(ty, t.Array):
        return array_type(ty)
    if isinstance(ty, t.Tuple):
        return ir.LiteralStructType([value_type(x) for x in ty.types])
    if isinstance(ty, t.IteratorType):
        return ir.LiteralStructType([value_type(x) for x in ty.sources])
    if isinstance(ty, t.InstanceType):
        return i8p
    if isinstance(ty, t.RangeType):
        return ir.LiteralStructType([i64, i64, i64])
    # none, compile-time values and iterators carry no runtime data.
    return i8


def array_type(ty):
    dims = ir.ArrayType(i64, ty.ndim)
    return ir.LiteralStructType([i8p, i8p, storage_type(ty.dtype).as_pointer(), dims, dims])


def instance_struct(ty):
    """The fields of a @jitclass instance, as laid out in its runtime block."""
    return ir.LiteralStructType([value_type(f) for _, f in ty.fields])


def itemsize(ty):
    if isinstance(ty, t.Boolean):
        return 1
    if isinstance(ty, t.Complex):
        return ty.bits // 8
    return ty.bits // 8


def zero(ty):
    return ir.Constant(value_type(ty), None)
