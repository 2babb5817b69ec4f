"""Arithmetic, bitwise operators and comparisons on scalars, with Python's
semantics: floor division and modulo round toward -inf, division by zero
raises ZeroDivisionError (error_model='python') or gives inf/nan/0
(error_model='numpy'), integers wrap."""

from llvmlite import ir

from ember.codegen import models as m
from ember.codegen.casts import make_complex
from ember.types import core as t

_ICMP = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def binop(cg, op, a, b, ty):
    """`a op b` where both operands already have type `ty`."""
    if isinstance(ty, t.Complex):
        return _complex_binop(cg, op, a, b, ty)
    if isinstance(ty, t.Float):
        return _float_binop(cg, op, a, b)
    return _int_binop(cg, op, a, b, ty)


def _int_binop(cg, op, a, b, ty):
    bld = cg.builder
    signed = not isinstance(ty, t.Integer) or ty.signed
    simple = {"+": bld.add, "-": bld.sub, "*": bld.mul, "&": bld.and_, "|": bld.or_,
              "^": bld.xor}
    if isinstance(ty, t.Boolean):  # NumPy's bool arrays: + is or, * is and
        simple.update({"+": bld.or_, "*": bld.and_})
    if op in simple:
        return simple[op](a, b)
    if op in ("//", "%"):
        message = ("integer division or modulo by zero" if op == "//"
                   else "integer modulo by zero")
        zero = ir.Constant(a.type, 0)
        is_zero = bld.icmp_unsigned("==", b, zero)
        cg.check(bld.not_(is_zero), ZeroDivisionError, message,
                 enabled=cg.error_model == "python")
        # error_model='numpy': x // 0 == x % 0 == 0, as Numba gives.
        safe_b = bld.select(is_zero, ir.Constant(a.type, 1), b)
        quotient, remainder = int_floordiv_mod(bld, a, safe_b, signed)
        result = quotient if op == "//" else remainder
        return bld.select(is_zero, zero, result)
    if op in ("<<", ">>"):
        return _shift(cg, op, a, b, signed)
    raise NotImplementedError(op)


def int_floordiv_mod(bld, a, b, signed):
    """Python's (a // b, a % b) for a nonzero b."""
    if not signed:
        return bld.udiv(a, b), bld.urem(a, b)
    # sdiv overflows for INT_MIN // -1; Python's result wraps to INT_MIN, so
    # divide by 1 instead there and negate.
    zero = ir.Constant(a.type, 0)
    minus_one = ir.Constant(a.type, -1)
    is_minus_one = bld.icmp_signed("==", b, minus_one)
    safe_b = bld.select(is_minus_one, ir.Constant(a.type, 1), b)
    q = bld.sdiv(a, safe_b)
    r = bld.srem(a, safe_b)
    q = bld.select(is_minus_one, bld.sub(zero, a), q)
    # Round toward -inf: when the remainder is nonzero and its sign differs from b's.
    adjust = bld.and_(bld.icmp_signed("!=", r, zero),
                      bld.icmp_signed("<", bld.xor(r, b), zero))
    q = bld.select(adjust, bld.sub(q, ir.Constant(a.type, 1)), q)
    r = bld.select(adjust, bld.add(r, b), r)
    return q, r


def _shift(cg, op, a, b, signed):
    bld = cg.builder
    width = ir.Constant(a.type, a.type.width)
    cg.check(bld.icmp_signed(">=", b, ir.Constant(b.type, 0)) if signed else
             ir.Constant(m.i1, 1), ValueError, "negative shift count")
    big = bld.icmp_unsigned(">=", b, width)
    count = bld.select(big, ir.Constant(a.type, 0), b)
    if op == "<<":
        return bld.select(big, ir.Constant(a.type, 0), bld.shl(a, count))
    if signed:
        return bld.ashr(a, bld.select(big, ir.Constant(a.type, a.type.width - 1), b))
    return bld.select(big, ir.Constant(a.type, 0), bld.lshr(a, count))


def _float_binop(cg, op, a, b):
    bld, flags = cg.builder, cg.fmflags
    if op == "+":
        return bld.fadd(a, b, flags=flags)
    if op == "-":
        return bld.fsub(a, b, flags=flags)
    if op == "*":
        return bld.fmul(a, b, flags=flags)
    if op == "/":
        cg.check_zero_float(b, "float division by zero")
        return bld.fdiv(a, b, flags=flags)
    if op in ("//", "%"):
        message = "float floor division by zero" if op == "//" else "float modulo"
        cg.check_zero_float(b, message)
        quotient, remainder = float_floordiv_mod(cg, a, b)
        return quotient if op == "//" else remainder
    if op == "**":
        return cg.call_intrinsic("llvm.pow", [a, b])
    raise NotImplementedError(op)


def float_floordiv_mod(cg, a, b):
    """CPython's float divmod for a nonzero b (Objects/floatobject.c's algorithm)."""
    bld = cg.builder
    zero = ir.Constant(a.type, 0.0)
    mod = bld.frem(a, b)
    div = bld.fdiv(bld.fsub(a, mod), b)
    nonzero_mod = bld.fcmp_unordered("!=", mod, zero)
    signs_differ = bld.xor(bld.fcmp_ordered("<", b, zero), bld.fcmp_ordered("<", mod, zero))
    fix = bld.and_(nonzero_mod, signs_differ)
    mod = bld.select(fix, bld.fadd(mod, b), mod)
    div = bld.select(fix, bld.fsub(div, ir.Constant(a.type, 1.0)), div)
    signed_zero = cg.call_intrinsic("llvm.copysign", [zero, b])
    mod = bld.select(nonzero_mod, mod, signed_zero)
    floor_div = cg.call_intrinsic("llvm.floor", [div])
    round_up = bld.fcmp_ordered(">", bld.fsub(div, floor_div), ir.Constant(a.type, 0.5))
    floor_div = bld.select(round_up, bld.fadd(floor_div, ir.Constant(a.type, 1.0)), floor_div)
    zero_div = cg.call_intrinsic("llvm.copysign", [zero, bld.fdiv(a, b)])
    div_nonzero = bld.fcmp_unordered("!=", div, zero)
    quotient = bld.select(div_nonzero, floor_div, zero_div)
    # By zero (error_model='numpy', arrays): a / b and fmod's nan, as NumPy gives.
    by_zero = bld.fcmp_ordered("==", b, zero)
    return bld.select(by_zero, bld.fdiv(a, b), quotient), bld.select(by_zero, bld.frem(a, b),
                                                                     mod)


def _complex_binop(cg, op, a, b, ty):
    bld, flags = cg.builder, cg.fmflags
    ar, ai = bld.extract_value(a, 0), bld.extract_value(a, 1)
    br, bi = bld.extract_value(b, 0), bld.extract_value(b, 1)
    if op in ("+", "-"):
        f = bld.fadd if op == "+" else bld.fsub
        return make_complex(bld, f(ar, br, flags=flags), f(ai, bi, flags=flags), ty)
    if op == "*":
        real = bld.fsub(bld.fmul(ar, br, flags=flags), bld.fmul(ai, bi, flags=flags))
        imag = bld.fadd(bld.fmul(ar, bi, flags=flags), bld.fmul(ai, br, flags=flags))
        return make_complex(bld, real, imag, ty)
    if op == "/":
        return complex_div(cg, ar, ai, br, bi, ty)
    if op == "**":
        return cg.call_py_helper("complex_pow", [a, b], [ty, ty], ty)
    raise NotImplementedError(op)


def complex_div(cg, ar, ai, br, bi, ty):
    """Smith's algorithm, as CPython's complex division uses."""
    bld = cg.builder
    zero = ir.Constant(ar.type, 0.0)
    both_zero = bld.and_(bld.fcmp_ordered("==", br, zero), bld.fcmp_ordered("==", bi, zero))
    cg.check(bld.not_(both_zero), ZeroDivisionError, "complex division by zero",
             enabled=cg.error_model == "python")
    abs_br = cg.call_intrinsic("llvm.fabs", [br])
    abs_bi = cg.call_intrinsic("llvm.fabs", [bi])
    real_big = bld.fcmp_ordered(">=", abs_br, abs_bi)
    # |br| >= |bi|: ratio = bi / br
    r1 = bld.fdiv(bi, br)
    d1 = bld.fadd(br, bld.fmul(bi, r1))
    re1 = bld.fdiv(bld.fadd(ar, bld.fmul(ai, r1)), d1)
    im1 = bld.fdiv(bld.fsub(ai, bld.fmul(ar, r1)), d1)
    # otherwise: ratio = br / bi
    r2 = bld.fdiv(br, bi)
    d2 = bld.fadd(bld.fmul(br, r2), bi)
    re2 = bld.fdiv(bld.fadd(bld.fmul(ar, r2), ai), d2)
    im2 = bld.fdiv(bld.fsub(bld.fmul(ai, r2), ar), d2)
    return make_complex(bld, bld.select(real_big, re1, re2), bld.select(real_big, im1, im2), ty)


def compare(cg, op, a, b, ty):
    bld = cg.builder
    if isinstance(ty, t.Complex):
        ar, br = bld.extract_value(a, 0), bld.extract_value(b, 0)
        ai, bi = bld.extract_value(a, 1), bld.extract_value(b, 1)
        if op in ("==", "!="):
            eq = bld.and_(bld.fcmp_ordered("==", ar, br), bld.fcmp_ordered("==", ai, bi))
            return eq if op == "==" else bld.not_(eq)
        # NumPy orders complex numbers lexicographically: real part, then imaginary.
        real_equal = bld.fcmp_ordered("==", ar, br)
        return bld.select(real_equal, bld.fcmp_ordered(op, ai, bi), bld.fcmp_ordered(
            op.rstrip("="), ar, br))
    if isinstance(ty, t.Float):
        if op == "!=":
            return bld.fcmp_unordered("!=", a, b)
        return bld.fcmp_ordered(op, a, b)
    if isinstance(ty, t.Integer) and not ty.signed or isinstance(ty, t.Boolean):
        return bld.icmp_unsigned(_ICMP[op], a, b)
    return bld.icmp_signed(_ICMP[op], a, b)


def negate(cg, value, ty):
    bld = cg.builder
    if isinstance(ty, t.Complex):
        return make_complex(bld, bld.fneg(bld.extract_value(value, 0)),
                            bld.fneg(bld.extract_value(value, 1)), ty)
    if isinstance(ty, t.Float):
        return bld.fneg(value)
    return bld.neg(value)


def float_power_small_int(cg, x, n):
    """x ** n for a constant integer 2 <= n <= 8, as accurately as libm's pow.

    x**(n-1) is carried as an unevaluated sum hi + lo: hi the plain product,
    lo the rounding errors of its multiplications (each recovered exactly
    with an FMA, then carried along). The last multiplication rounds once:
    fma(hi, x, lo * x). The result is the correctly rounded power except in
    cases rarer than 2**-50, at a fraction of a pow call's cost; x * x is
    correctly rounded as it is. An infinite or NaN x, or an overflow on the
    way, makes the error terms infinite or NaN and the result NaN: the plain
    product is the answer there.
    """
    bld = cg.builder
    if n == 2:
        return bld.fmul(x, x)
    hi, lo = x, None
    for _ in range(n - 2):
        product = bld.fmul(hi, x)
        error = cg.call_intrinsic("llvm.fma", [hi, x, bld.fneg(product)])
        lo = error if lo is None else cg.call_intrinsic("llvm.fma", [lo, x, error])
        hi = product
    result = cg.call_intrinsic("llvm.fma", [hi, x, bld.fmul(lo, x)])
    return bld.select(bld.fcmp_unordered("uno", result, result), bld.fmul(hi, x), result)


def complex_power_small_int(cg, z, n, ty):
    """z ** n for a literal 2 <= n <= 8: binary powering, the multiplications
    CPython's complex power performs for small integer exponents."""
    result, square, first = None, z, True
    while n:
        if n & 1:
            result = square if first else _complex_binop(cg, "*", result, square, ty)
            first = False
        n >>= 1
        if n:
            square = _complex_binop(cg, "*", square, square, ty)
    return result
