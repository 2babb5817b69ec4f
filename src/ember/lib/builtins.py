"""Python builtins in compiled code: range, len, abs, min, max, round, int,
float, bool, complex, divmod, pow, enumerate, zip, print; the iterators
np.ndindex and np.ndenumerate."""

import math

import numpy as np
from llvmlite import ir

from ember import get_num_threads, get_thread_id, prange
from ember.codegen import arith, casts, loops, refcount
from ember.codegen import models as m
from ember.errors import UnsupportedError
from ember.types import core as t
from ember.typing.ops import NUMBER, isinstance_value, iteration_type
from ember.typing.registry import Impl, register
from ember.typing.unify import arithmetic_type

INTS = (t.Integer, t.Boolean)


def _all(types, kinds):
    return all(isinstance(x, kinds) for x in types)


@register(range, prange)
def type_range(args, kws):
    """1-3 integers; step 0 raises ValueError"""
    if kws or not 1 <= len(args) <= 3 or not _all(args, INTS):
        return None
    return Impl(t.range_type, [t.int64] * len(args), emit=_emit_range)


def _emit_range(cg, args):
    zero, one = ir.Constant(m.i64, 0), ir.Constant(m.i64, 1)
    if len(args) == 1:
        start, stop, step = zero, args[0], one
    else:
        start, stop = args[0], args[1]
        step = args[2] if len(args) == 3 else one
    if len(args) == 3:
        cg.check(cg.builder.icmp_signed("!=", step, zero), ValueError,
                 "range() arg 3 must not be zero")
    value = ir.Constant(m.value_type(t.range_type), None)
    for i, part in enumerate((start, stop, step)):
        value = cg.builder.insert_value(value, part, i)
    return value


def _thread_query(symbol):
    def typer(args, kws):
        """no arguments; the pool's count / id (numba.* under `import ember as numba`)"""
        if args or kws:
            return None
        return Impl(t.int64, [], emit=lambda cg, a: cg.call_external(symbol, m.i64, []))
    return typer


register(get_thread_id)(_thread_query("ember_get_thread_id"))
register(get_num_threads)(_thread_query("ember_get_num_threads"))


_PRINTABLE = (t.Number, t.Boolean, t.Array, t.Tuple, t.NoneType, t.List)


def _print_values(sep, end, *values):
    print(*values, sep=sep, end=end)


@register(print)
def type_print(args, kws):
    """numbers, arrays, tuples, lists, None and constant strings; sep=, end= constant strings"""
    def constant_string(ty):
        return isinstance(ty, t.CompileTimeValue) and isinstance(ty.value, str)

    if set(kws) - {"sep", "end"} or not all(constant_string(k) for k in kws.values()):
        return None
    if not all(isinstance(a, _PRINTABLE) or constant_string(a) for a in args):
        return None
    sep, end = (kws[k].value if k in kws else d for k, d in (("sep", " "), ("end", "\n")))

    def emit(cg, values):
        if cg.in_parallel:
            raise UnsupportedError("print() inside a parallel loop is not supported: the "
                                   "calling thread holds Python's lock while the loop runs")
        return _emit_print(cg, [sep, end] + list(args), [sep, end] + list(values))
    return Impl(t.none, list(args), emit=emit)


def _emit_print(cg, types, values):
    """Box each value (constant strings are the string objects) and call
    _print_values through the C API, holding the GIL."""
    from ember.codegen.entry import EntryEmitter

    bld, pyobj = cg.builder, m.i8p
    boxer = EntryEmitter.boxer(cg.module, bld)
    gil = cg.call_external("PyGILState_Ensure", m.i32, [])
    boxed = []
    for value, ty in zip(values, types):
        if isinstance(ty, (str, t.CompileTimeValue)):
            text = ty if isinstance(ty, str) else ty.value
            cg.module.keepalive.append(text)
            obj = cg.module.pointer_constant(id(text))
            cg.call_external("Py_IncRef", m.void, [obj])
        else:
            refcount.incref(cg, value, ty)  # boxing takes over the references
            obj = boxer.box(value, ty)
        boxed.append(obj)
    cg.module.keepalive.append(_print_values)
    argv = cg.alloca(ir.ArrayType(pyobj, len(boxed)))
    for i, obj in enumerate(boxed):
        bld.store(obj, bld.gep(argv, [ir.Constant(m.i32, 0), ir.Constant(m.i32, i)]))
    result = cg.call_external("PyObject_Vectorcall", pyobj, [
        cg.module.pointer_constant(id(_print_values)), bld.bitcast(argv, pyobj.as_pointer()),
        ir.Constant(m.i64, len(boxed)), ir.Constant(pyobj, None)])
    with bld.if_else(bld.icmp_unsigned("==", result, ir.Constant(pyobj, None))) as (
            failed, printed):
        with failed:
            cg.call_external("PyErr_Clear", m.void, [])  # as Numba: a print never raises
        with printed:
            cg.call_external("Py_DecRef", m.void, [result])
    for obj in boxed:
        cg.call_external("Py_DecRef", m.void, [obj])
    cg.call_external("PyGILState_Release", m.void, [gil])
    return ir.Constant(m.value_type(t.none), None)


@register(isinstance)
def type_isinstance(args, kws):
    """a number, bool, array, tuple or None against classes known while compiling
    (int, float, complex, bool, tuple, np.ndarray, NumPy scalar classes, tuples of them)"""
    if kws or len(args) != 2:
        return None
    answer = isinstance_value(*args)
    if answer is None:
        return None
    return Impl(t.boolean, list(args), emit=lambda cg, values: ir.Constant(m.i1, answer))


@register(len)
def type_len(args, kws):
    """arrays (first axis), tuples, ranges"""
    if kws or len(args) != 1:
        return None
    (x,) = args
    if isinstance(x, t.Array):
        if x.ndim == 0:
            return None
        return Impl(t.int64, [x], emit=lambda cg, a: cg.builder.extract_value(
            a[0], [m.ARRAY_SHAPE, 0]))
    if isinstance(x, t.Tuple):
        return Impl(t.int64, [x], emit=lambda cg, a: ir.Constant(m.i64, len(x)))
    if isinstance(x, t.RangeType):
        return Impl(t.int64, [x], emit=_emit_range_len)
    return None


def _emit_range_len(cg, args):
    bld = cg.builder
    parts = [bld.extract_value(args[0], i) for i in range(3)]
    return loops.range_length(cg, *parts)


@register(abs)
def type_abs(args, kws):
    """bool, int, float; complex -> float"""
    if kws or len(args) != 1 or not isinstance(args[0], NUMBER):
        return None
    (x,) = args
    if isinstance(x, t.Boolean):
        return Impl(t.int64, [t.int64], emit=lambda cg, a: a[0])
    if isinstance(x, t.Complex):
        return Impl(x.part, [x], emit=_emit_complex_abs)
    if isinstance(x, t.Float):
        return Impl(x, [x], emit=lambda cg, a: cg.call_intrinsic("llvm.fabs", a))
    if not x.signed:
        return Impl(x, [x], emit=lambda cg, a: a[0])
    return Impl(x, [x], emit=_emit_int_abs)


def _emit_int_abs(cg, args):
    bld = cg.builder
    (v,) = args
    return bld.select(bld.icmp_signed("<", v, ir.Constant(v.type, 0)), bld.neg(v), v)


def _emit_complex_abs(cg, args):
    bld = cg.builder
    real, imag = bld.extract_value(args[0], 0), bld.extract_value(args[0], 1)
    name = "hypotf" if isinstance(real.type, ir.FloatType) else "hypot"
    return cg.call_external(name, real.type, [real, imag])


def _min_max(op):
    """min/max of 2+ numbers, or of one tuple: Python keeps the first of equals
    (and a NaN first argument), since it only replaces on a strict comparison."""

    def typer(args, kws):
        """2+ numbers or one tuple of numbers; the first of equals wins, as in Python"""
        if kws:
            return None
        items = args
        if len(args) == 1 and isinstance(args[0], t.Tuple) and len(args[0]) > 0:
            items = args[0].types
        elif len(args) < 2:
            return None
        if not _all(items, (t.Integer, t.Float, t.Boolean)):
            return None
        result = items[0]
        for item in items[1:]:
            result = arithmetic_type(result, item) if not (
                isinstance(result, t.Boolean) and isinstance(item, t.Boolean)) else result
        if len(args) == 1:
            return Impl(result, [t.Tuple([result] * len(items))],
                        emit=lambda cg, a: _reduce(cg, op, [cg.builder.extract_value(a[0], i)
                                                            for i in range(len(items))],
                                                   result))
        return Impl(result, [result] * len(items),
                    emit=lambda cg, a: _reduce(cg, op, a, result))
    return typer


def _reduce(cg, op, values, ty):
    current = values[0]
    for value in values[1:]:
        better = arith.compare(cg, op, value, current, ty)
        current = cg.builder.select(better, value, current)
    return current


register(min)(_min_max("<"))
register(max)(_min_max(">"))


@register(round)
def type_round(args, kws):
    """round(x) -> int64 (half to even); round(x, ndigits) -> float64"""
    if kws or not 1 <= len(args) <= 2 or not isinstance(args[0], (t.Float, t.Integer,
                                                                     t.Boolean)):
        return None
    x = args[0]
    if len(args) == 1:
        if isinstance(x, t.Float):
            return Impl(t.int64, [x], emit=lambda cg, a: cg.builder.fptosi(
                cg.call_intrinsic("llvm.roundeven", a), m.i64))
        return Impl(t.int64, [t.int64], emit=lambda cg, a: a[0])
    if not isinstance(args[1], INTS):
        return None
    return Impl(t.float64, [t.float64, t.int64], py_impl=round_ndigits)


def round_ndigits(x, ndigits):
    # Scale by an exact power of ten, round half to even, unscale. A tie in
    # the scaled value is checked against the exact scaling error (fma), as
    # CPython's correctly rounded result would: round(2.675, 2) == 2.67.
    if ndigits > 22 or not abs(x) < 1e300:
        return x
    if ndigits >= 0:
        scale = 10.0 ** ndigits
        y = x * scale
        error = fma(x, scale, -y)  # x*scale - y, exactly
        return _round_half_even(y, error) / scale
    if ndigits < -308:
        return 0.0 * x
    scale = 10.0 ** -ndigits
    y = x / scale
    error = fma(-y, scale, x)  # sign of x/scale - y
    return _round_half_even(y, error) * scale


def _round_half_even(y, error):
    if not abs(y) < 4503599627370496.0:  # 2**52: already integral
        return y
    below = math.floor(y)
    if y - below == 0.5 and error != 0.0:
        return below + 1.0 if error > 0.0 else below
    return float(round(y))


def fma(a, b, c):
    """a * b + c with one rounding (llvm.fma in compiled code)."""
    raise NotImplementedError("fma is only available in compiled code")


@register(fma)
def type_fma(args, kws):
    return Impl(t.float64, [t.float64] * 3, emit=lambda cg, a: cg.call_intrinsic("llvm.fma", a))


@register(int)
def type_int(args, kws):
    """bool, int, float -> int64 (truncates)"""
    if kws or len(args) != 1 or not isinstance(args[0], (t.Integer, t.Float, t.Boolean)):
        return None
    source = args[0] if isinstance(args[0], t.Float) else t.int64
    return Impl(t.int64, [source], emit=lambda cg, a: casts.cast(cg.builder, a[0], source,
                                                                 t.int64))


def _conversion(result):
    def typer(args, kws):
        """a number (complex only for bool())"""
        if kws or len(args) > 1:
            return None
        if not args:
            return Impl(result, [], emit=lambda cg, a: ir.Constant(m.value_type(result), 0))
        x = args[0]
        if not isinstance(x, NUMBER) or (isinstance(x, t.Complex) and result != t.boolean):
            return None
        return Impl(result, [x], emit=lambda cg, a: casts.cast(cg.builder, a[0], x, result))
    return typer


register(float)(_conversion(t.float64))
register(bool)(_conversion(t.boolean))


@register(complex)
def type_complex(args, kws):
    """complex(real[, imag]) from numbers"""
    if kws or not 1 <= len(args) <= 2 or not _all(args, NUMBER):
        return None
    if len(args) == 1:
        return Impl(t.complex128, [t.complex128], emit=lambda cg, a: a[0])
    return Impl(t.complex128, [t.complex128, t.complex128], emit=_emit_complex2)


def _emit_complex2(cg, args):
    """complex(a, b) == a + b*1j for complex a and b too."""
    bld = cg.builder
    ar, ai = bld.extract_value(args[0], 0), bld.extract_value(args[0], 1)
    br, bi = bld.extract_value(args[1], 0), bld.extract_value(args[1], 1)
    return casts.make_complex(bld, bld.fsub(ar, bi), bld.fadd(ai, br), t.complex128)


@register(divmod)
def type_divmod(args, kws):
    """ints or floats, Python semantics; ZeroDivisionError"""
    if kws or len(args) != 2 or not _all(args, (t.Integer, t.Float, t.Boolean)):
        return None
    ty = arithmetic_type(*args)
    return Impl(t.Tuple([ty, ty]), [ty, ty], emit=lambda cg, a: _emit_divmod(cg, a, ty))


def _emit_divmod(cg, args, ty):
    bld = cg.builder
    a, b = args
    if isinstance(ty, t.Float):
        cg.check_zero_float(b, "float divmod()")
        q, r = arith.float_floordiv_mod(cg, a, b)
    else:
        zero = ir.Constant(a.type, 0)
        is_zero = bld.icmp_unsigned("==", b, zero)
        cg.check(bld.not_(is_zero), ZeroDivisionError, "integer division or modulo by zero",
                 enabled=cg.error_model == "python")
        q, r = arith.int_floordiv_mod(bld, a, bld.select(is_zero, ir.Constant(a.type, 1), b),
                                      ty.signed)
    out = ir.Constant(m.value_type(t.Tuple([ty, ty])), None)
    return bld.insert_value(bld.insert_value(out, q, 0), r, 1)


@register(pow)
def type_pow(args, kws):
    """numbers; int ** negative int raises ValueError; pow(a, b, m) for ints"""
    if kws or not 2 <= len(args) <= 3 or not _all(args, NUMBER):
        return None
    if len(args) == 3:
        if not _all(args, INTS):
            return None
        return Impl(t.int64, [t.int64] * 3, py_impl=int_pow_mod)
    ty = arithmetic_type(*args)
    if isinstance(ty, t.Integer):
        return Impl(ty, [ty, ty], py_impl=int_pow)
    if isinstance(ty, t.Complex):
        return Impl(t.complex128, [t.complex128, t.complex128], py_impl=complex_pow)
    return Impl(ty, [ty, ty], emit=lambda cg, a: cg.call_intrinsic("llvm.pow", a))


def int_pow(base, exponent):
    if exponent < 0:
        raise ValueError("Integers to negative integer powers are not allowed.")
    result = 1
    while exponent:
        if exponent & 1:
            result *= base
        exponent >>= 1
        base *= base
    return result


def int_pow_mod(base, exponent, modulus):
    if modulus == 0:
        raise ValueError("pow() 3rd argument cannot be 0")
    if exponent < 0:
        raise ValueError("pow() negative exponent is not supported in compiled code")
    result = 1 % modulus
    base = base % modulus
    while exponent:
        if exponent & 1:
            result = (result * base) % modulus
        exponent >>= 1
        base = (base * base) % modulus
    return result


def complex_pow(a, b):
    # CPython's algorithm: repeated squaring for small integral exponents,
    # polar form otherwise.
    if b.imag == 0.0 and abs(b.real) <= 100.0 and b.real == int(b.real):
        n = int(b.real)
        result = _complex_powu(a, abs(n))
        return 1.0 / result if n < 0 else result
    if b.real == 0.0 and b.imag == 0.0:
        return 1.0 + 0.0j
    if a.real == 0.0 and a.imag == 0.0:
        if b.imag != 0.0 or b.real < 0.0:
            raise ZeroDivisionError("0.0 to a negative or complex power")
        return 0.0j
    vabs = math.hypot(a.real, a.imag)
    length = vabs ** b.real
    angle = math.atan2(a.imag, a.real)
    phase = angle * b.real
    if b.imag != 0.0:
        length /= math.exp(angle * b.imag)
        phase += b.imag * math.log(vabs)
    return complex(length * math.cos(phase), length * math.sin(phase))


def _complex_powu(x, n):
    result = 1.0 + 0.0j
    mask = 1
    while mask > 0 and n >= mask:
        if n & mask:
            result = result * x
        mask <<= 1
        x = x * x
    return result


def _iterator(kind):
    def typer(args, kws):
        """for-loops over ranges, arrays, tuples (nested too)"""
        if kws or not args or (kind == "enumerate" and len(args) != 1):
            return None
        for arg in args:
            iteration_type(arg, None)
        ty = t.IteratorType(kind, args)
        return Impl(ty, args, emit=lambda cg, a: _pack(cg, a, ty))
    return typer


@register(np.ndindex)
def type_ndindex(args, kws):
    """for-loops over np.ndindex(d0, d1, ...) or np.ndindex(shape_tuple): one loop per axis"""
    if kws or not args:
        return None
    if len(args) == 1 and isinstance(args[0], t.Tuple):
        sizes = list(args[0].types)
        if not sizes or not _all(sizes, INTS):
            return None
        shape = t.Tuple([t.int64] * len(sizes))
        ty = t.IteratorType("ndindex", [shape])
        return Impl(ty, [shape], emit=lambda cg, a: _pack(cg, a, ty))
    if not _all(args, INTS):
        return None
    shape = t.Tuple([t.int64] * len(args))
    ty = t.IteratorType("ndindex", [shape])

    def emit(cg, values):
        return _pack(cg, [loops.pack_values(cg.builder, values, shape)], ty)
    return Impl(ty, [t.int64] * len(args), emit=emit)


@register(np.ndenumerate)
def type_ndenumerate(args, kws):
    """for-loops over np.ndenumerate(array) (1 or more dimensions): ((i, j, ...), value)"""
    if kws or len(args) != 1 or not isinstance(args[0], t.Array) or args[0].ndim == 0:
        return None
    ty = t.IteratorType("ndenumerate", args)
    return Impl(ty, list(args), emit=lambda cg, a: _pack(cg, a, ty))


def _pack(cg, values, ty):
    packed = ir.Constant(ir.LiteralStructType([v.type for v in values]), None)
    for i, value in enumerate(values):
        packed = cg.builder.insert_value(packed, value, i)
    refcount.incref(cg, packed, ty)  # call results are new references
    return packed


register(enumerate)(_iterator("enumerate"))
register(zip)(_iterator("zip"))

