"""cuda.atomic.* on array elements as LLVM atomic instructions.

Each operation is a function registered with the typing registry as an
intrinsic: the kernel rewriter turns `cuda.atomic.add(a, i, v)` into a call
of `atomic_add(a, i, v)`, whose codegen is one `atomicrmw` (or `cmpxchg`),
sequentially consistent, so blocks running on several OS threads (or a GPU's
threads) update an element without losing writes. Like Numba's, every
operation returns the element's old value.
"""

from llvmlite import ir

from ember.codegen import models as m
from ember.codegen.indexing import element_pointer
from ember.errors import TypingError
from ember.types import core as t
from ember.typing.registry import Impl, register

# operation -> (LLVM op for signed ints, unsigned ints, floats); None: unsupported
_RMW = {
    "add": ("add", "add", "fadd"),
    "sub": ("sub", "sub", "fsub"),
    "max": ("max", "umax", "fmax"),
    "min": ("min", "umin", "fmin"),
    "exch": ("xchg", "xchg", "xchg"),
    "and_": ("and", "and", None),
    "or_": ("or", "or", None),
    "xor": ("xor", "xor", None),
}


def _stub(operation):
    def atomic(*args):
        raise RuntimeError(f"cuda.atomic.{operation} runs only in compiled kernels")
    atomic.__name__ = atomic.__qualname__ = f"atomic_{operation}"
    return atomic


FUNCTIONS = {operation: _stub(operation) for operation in (*_RMW, "compare_and_swap", "cas")}


def _element(args, operation, n_values):
    """(array type, index type) of an atomic's arguments, or a TypingError."""
    if len(args) != 2 + n_values or not isinstance(args[0], t.Array):
        raise TypingError(f"cuda.atomic.{operation} takes (array, index, "
                          f"{'value' if n_values == 1 else 'old, value'}), got "
                          f"({', '.join(map(str, args))})")
    ary, index = args[0], args[1]
    parts = index.types if isinstance(index, t.Tuple) else (index,)
    if len(parts) != ary.ndim or not all(isinstance(p, t.Integer) for p in parts):
        raise TypingError(f"cuda.atomic.{operation}: the index of a {ary.ndim}-d array must be "
                          f"{ary.ndim} integer(s), got {index}")
    if ary.readonly:
        raise TypingError(f"cuda.atomic.{operation} on a read-only array")
    return ary, index


def _rmw_typer(operation):
    def typer(args, kws):
        ary, index = _element(args, operation, 1)
        dtype = ary.dtype
        kind = 2 if isinstance(dtype, t.Float) else 1 if _unsigned(dtype) else 0
        op = _RMW[operation][kind] if isinstance(dtype, t.Integer | t.Float) else None
        if op is None:
            raise TypingError(f"cuda.atomic.{operation} does not support {dtype} arrays")

        def emit(cg, values):
            ptr, _ = element_pointer(cg, values[0], ary, values[1], index, None)
            return cg.builder.atomic_rmw(op, ptr, values[2], "seq_cst")
        return Impl(dtype, [ary, index, dtype], emit=emit)
    return typer


def _unsigned(dtype):
    return isinstance(dtype, t.Integer) and not getattr(dtype, "signed", True)


def _cas_typer(with_index):
    def typer(args, kws):
        if not with_index:  # compare_and_swap(ary, old, val) works on ary[0]
            if len(args) != 3 or not isinstance(args[0], t.Array) or args[0].ndim != 1:
                raise TypingError("cuda.atomic.compare_and_swap takes (1-d array, old, value)")
            args = (args[0], t.int64, *args[1:])
        ary, index = _element(args, "cas" if with_index else "compare_and_swap", 2)
        dtype = ary.dtype
        if not isinstance(dtype, t.Integer | t.Float):
            raise TypingError(f"cuda.atomic compare-and-swap does not support {dtype} arrays")

        def emit(cg, values):
            if not with_index:
                values = [values[0], ir.Constant(m.i64, 0), *values[1:]]
            return _emit_cas(cg, ary, index, dtype, values)
        arg_types = [ary, index, dtype, dtype] if with_index else [ary, dtype, dtype]
        return Impl(dtype, arg_types, emit=emit)
    return typer


def _emit_cas(cg, ary, index, dtype, values):
    bld = cg.builder
    ptr, _ = element_pointer(cg, values[0], ary, values[1], index, None)
    old, new = values[2], values[3]
    if isinstance(dtype, t.Float):  # cmpxchg compares integers: same bits
        bits = ir.IntType(old.type.width if hasattr(old.type, "width") else
                          (32 if dtype == t.float32 else 64))
        ptr = bld.bitcast(ptr, bits.as_pointer())
        old, new = bld.bitcast(old, bits), bld.bitcast(new, bits)
        pair = bld.cmpxchg(ptr, old, new, "seq_cst", "seq_cst")
        return bld.bitcast(bld.extract_value(pair, 0), m.value_type(dtype))
    pair = bld.cmpxchg(ptr, old, new, "seq_cst", "seq_cst")
    return bld.extract_value(pair, 0)


for _operation in _RMW:
    register(FUNCTIONS[_operation])(_rmw_typer(_operation))
register(FUNCTIONS["compare_and_swap"])(_cas_typer(False))
register(FUNCTIONS["cas"])(_cas_typer(True))
