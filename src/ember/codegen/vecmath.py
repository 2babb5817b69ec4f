"""Vectorisable sin, cos, tan, exp, exp2, expm1, log, log2, log10, log1p,
sinh, cosh, tanh and atan for float32 and float64, emitted as LLVM IR.

LLVM lowers `llvm.sin` and friends to calls of the C library, one element at
a time, so a loop calling them never vectorises. Here each function is
straight-line IR built from fma, selects and integer operations on the bit
patterns (no tables, no branches), emitted once per LLVM module with
internal linkage: inlined into a loop, the loop vectoriser widens it like
any arithmetic.

Accuracy: within 1 ulp of the exact result over the whole input range,
subnormals, signed zeros, infinities and NaN included, with the results
NumPy gives for special values. The float64 algorithms are the classical
ones: Cody-Waite reduction with fma, minimax polynomials (fitted for this
module with a Remez exchange, weighted by relative error) and the
hi + lo corrections of double-double arithmetic where a result would
otherwise lose its last bit. float32 functions convert to float64, run the
same algorithm with shorter polynomials and round once at the end: results
are correctly rounded but for rare cases.

Huge arguments of sin, cos and tan (|x| >= 2**30) need the 2/pi bits that
Cody-Waite reduction lacks. A branch-free reduction of them (Payne-Hanek)
would load the bits by exponent, a gather per element costing more than the
rest of the function, paid on every element for arguments that are rare.
Instead those three functions are kept out of line (noinline) and carry
LLVM's "vector-function-abi-variant" attribute naming vector versions of
them that this module also emits (for the CPU's widest vectors and half of
them): the loop vectoriser replaces the scalar call by a call of the vector
version. Both run the fast path on every lane and, only when a lane is
huge, call the C library for the huge lanes (a branch never taken on
ordinary data). The vector versions are listed in `llvm.compiler.used`, or
global dead-code elimination would remove them before the vectoriser asks
for them. The C library's functions stay reachable by their symbols, as for
FunctionEmitter.call_external.

Costs, measured on an AVX-512 machine, one thread: sin or cos about 1.2 ns
an element in a vectorised loop (the C library: 16 ns), exp 1.1 ns, log
1.5 ns; compiling sin and cos with their vector versions adds some 45 ms.
"""

import functools
import math

import llvmlite.binding as llvm
from llvmlite import ir

from ember.codegen import models as m

# ember names (those of the math module) of the functions emitted here.
FUNCTIONS = frozenset({"sin", "cos", "tan", "exp", "exp2", "expm1", "log", "log2", "log10",
                       "log1p", "sinh", "cosh", "tanh", "atan"})


def call(cg, name, value):
    """`name`(value) for a float or double `value`, through this module."""
    return cg.builder.call(function(cg.module.llvm, name, value.type), [value])


def function(module, name, llty):
    """The LLVM function computing `name` on `llty` (float or double) in `module`."""
    suffix = "f32" if isinstance(llty, ir.FloatType) else "f64"
    fname = f"ember.vm.{name}.{suffix}"
    fn = module.globals.get(fname)
    if fn is not None:
        return fn
    kernel, libm = _KERNELS[name]
    fn = _define(module, fname, kernel, libm, llty, None)
    if libm is None:
        fn.attributes.add("alwaysinline")
        return fn
    lanes = _lanes(32 if suffix == "f32" else 64)
    variants = [_define(module, f"{fname}.v{n}", kernel, libm, llty, n) for n in lanes]
    mappings = ",".join(f"_ZGV_LLVM_N{n}v_{fname}({v.name})" for n, v in zip(lanes, variants))
    fn.attributes.add("noinline")
    _raw_attribute(fn, "speculatable")  # defined everywhere: a conditional call may be hoisted
    _raw_attribute(fn, f'"vector-function-abi-variant"="{mappings}"')
    _keep_alive(module, variants)
    return fn


# ---- values with operators ----------------------------------------------------

class _Val:
    """An LLVM double, i64 or i1 value, scalar or vector, whose Python
    operators emit instructions, so that the kernels below read as formulas.
    Python numbers mix in as constants of the other operand's type."""

    __slots__ = ("ctx", "v")

    def __init__(self, ctx, v):
        self.ctx, self.v = ctx, v

    @property
    def kind(self):
        ty = self.v.type.element if isinstance(self.v.type, ir.VectorType) else self.v.type
        return "f" if isinstance(ty, ir.DoubleType) else "b" if ty.width == 1 else "i"

    def _op(self, fop, iop, other, swap=False):
        other = self.ctx.lift(other, self.kind)
        a, b = (other, self) if swap else (self, other)
        op = fop if self.kind == "f" else iop
        return _Val(self.ctx, getattr(self.ctx.b, op)(a.v, b.v))

    def __add__(self, o): return self._op("fadd", "add", o)
    def __radd__(self, o): return self._op("fadd", "add", o, True)
    def __sub__(self, o): return self._op("fsub", "sub", o)
    def __rsub__(self, o): return self._op("fsub", "sub", o, True)
    def __mul__(self, o): return self._op("fmul", "mul", o)
    def __rmul__(self, o): return self._op("fmul", "mul", o, True)
    def __truediv__(self, o): return self._op("fdiv", None, o)
    def __rtruediv__(self, o): return self._op("fdiv", None, o, True)
    def __and__(self, o): return self._op(None, "and_", o)
    def __or__(self, o): return self._op(None, "or_", o)
    def __xor__(self, o): return self._op(None, "xor", o)
    def __lshift__(self, o): return self._op(None, "shl", o)
    def __rshift__(self, o): return self._op(None, "lshr", o)  # logical

    def __neg__(self):
        return _Val(self.ctx, self.ctx.b.fneg(self.v))

    def _cmp(self, op, other):
        other = self.ctx.lift(other, self.kind)
        if self.kind == "f":
            return _Val(self.ctx, self.ctx.b.fcmp_ordered(op, self.v, other.v))
        return _Val(self.ctx, self.ctx.b.icmp_signed(op, self.v, other.v))

    def __lt__(self, o): return self._cmp("<", o)
    def __le__(self, o): return self._cmp("<=", o)
    def __gt__(self, o): return self._cmp(">", o)
    def __ge__(self, o): return self._cmp(">=", o)
    def eq(self, o): return self._cmp("==", o)
    def ne(self, o): return self._cmp("!=", o)

    def bits(self):
        return _Val(self.ctx, self.ctx.b.bitcast(self.v, self.ctx.ty("i")))

    def float(self):
        return _Val(self.ctx, self.ctx.b.bitcast(self.v, self.ctx.ty("f")))


_SCALARS = {"f": m.f64, "i": m.i64, "b": m.i1}


class _Ctx:
    """Where the kernels emit: a builder, the lane count (None: scalar) and
    the precision the result is wanted in (64 or 32)."""

    def __init__(self, builder, lanes, prec):
        self.b, self.lanes, self.prec = builder, lanes, prec

    def ty(self, kind):
        scalar = _SCALARS[kind]
        return scalar if self.lanes is None else ir.VectorType(scalar, self.lanes)

    def lift(self, value, kind):
        """`value`, a _Val or a Python number (made a constant of `kind`)."""
        if isinstance(value, _Val):
            return value
        const = ir.Constant(_SCALARS[kind], float(value) if kind == "f" else int(value))
        if self.lanes is not None:
            const = ir.Constant(self.ty(kind), [const] * self.lanes)
        return _Val(self, const)

    def intrinsic(self, name, *args):
        args = [self.lift(a, "f") for a in args]
        ty = self.ty("f")
        suffix = f"v{self.lanes}f64" if self.lanes else "f64"
        module = self.b.module
        fn = module.globals.get(f"{name}.{suffix}")
        if fn is None:
            fn = ir.Function(module, ir.FunctionType(ty, [ty] * len(args)), f"{name}.{suffix}")
        return _Val(self, self.b.call(fn, [a.v for a in args]))


def fma(a, b, c):
    """a * b + c, rounded once."""
    ctx = next(x.ctx for x in (a, b, c) if isinstance(x, _Val))
    return ctx.intrinsic("llvm.fma", a, b, c)


def fabs(a):
    return a.ctx.intrinsic("llvm.fabs", a)


def copysign(a, b):
    return a.ctx.intrinsic("llvm.copysign", a, b)


def select(mask, a, b):
    kind = next((v.kind for v in (a, b) if isinstance(v, _Val)), "f")
    ctx = mask.ctx
    return _Val(ctx, ctx.b.select(mask.v, ctx.lift(a, kind).v, ctx.lift(b, kind).v))


def unordered_lt(a, b):
    """a < b, or either is NaN."""
    return _Val(a.ctx, a.ctx.b.fcmp_unordered("<", a.v, a.ctx.lift(b, "f").v))


def poly(x, coefficients):
    """c0 + c1 x + c2 x**2 + ... by Horner's rule with fma."""
    acc = x.ctx.lift(coefficients[-1], "f")
    for c in reversed(coefficients[:-1]):
        acc = fma(acc, x, c)
    return acc


# ---- double-double arithmetic ---------------------------------------------------
# A pair (hi, lo) stands for hi + lo exactly; IEEE rounding (no fast-math
# flags) keeps these exact, fma gives exact products.

def two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def fast_two_sum(a, b):
    """two_sum when |a| >= |b| (or a is zero)."""
    s = a + b
    return s, b - (s - a)


def two_prod(a, b):
    p = a * b
    return p, fma(a, b, -p)


def dd_quotient(nh, nl, dh, dl):
    """(nh + nl) / (dh + dl) as (hi, lo)."""
    q = nh / dh
    return q, (fma(-q, dh, nh) + (nl - q * dl)) / dh


def dd_div(nh, nl, dh, dl):
    """(nh + nl) / (dh + dl) rounded to a double, within about 0.5 ulp."""
    q, rem = dd_quotient(nh, nl, dh, dl)
    return q + rem


# ---- constants -------------------------------------------------------------------

def _h(text):
    return float.fromhex(text)


MAGIC = _h("0x1.8p52")  # x + MAGIC rounds x to an integer held in the low mantissa bits
MAGIC_BITS = 0x4338000000000000
HUGE_TRIG = 2.0 ** 30  # sin/cos/tan of larger |x| come from the C library
TWO_OVER_PI = _h("0x1.45f306dc9c883p-1")
PIO2 = [_h("0x1.921fb54442d18p+0"), _h("0x1.1a62633145c07p-54"), _h("-0x1.f1976b7ed8fbcp-110")]
INV_LN2 = _h("0x1.71547652b82fep+0")
LN2 = [_h("0x1.62e42fefa39efp-1"), _h("0x1.abc9e3b39803fp-56")]
LN2_42 = [_h("0x1.62e42fefa3800p-1"), _h("0x1.ef35793c76730p-45")]  # hi * exponent is exact
INV_LN2_DD = [INV_LN2, _h("0x1.777d0ffda0d24p-56")]
LOG10_2_42 = [_h("0x1.34413509f7800p-2"), _h("0x1.fef311f12b358p-46")]
LOG10_E = [_h("0x1.bcb7b1526e50ep-2"), _h("0x1.95355baaafad3p-57")]
SQRT_HALF_BITS = 0x3FE6A09E667F3BCD
# atan(c) as hi + lo for the breakpoints c = 0.5, 1, 1.5, inf of the reduction.
ATAN_OF = [(_h("0x1.dac670561bb4fp-2"), _h("0x1.a2b7f222f65e2p-56")),
           (_h("0x1.921fb54442d18p-1"), _h("0x1.1a62633145c07p-55")),
           (_h("0x1.f730bd281f69bp-1"), _h("0x1.007887af0cbbdp-56")),
           (_h("0x1.921fb54442d18p+0"), _h("0x1.1a62633145c07p-54"))]


def _coefficients(*texts):
    return [_h(x) for x in texts]


# Minimax polynomials, by precision (64: float64 results, 32: float64
# arithmetic for float32 results). The comment gives the approximated
# function, the interval and the weighted (relative) error of the fit.
COEFFICIENTS = {
    64: {
        # (sin(r) - r) / r**3 in z = r*r, |r| <= 0.786: 2**-56.2
        "sin": _coefficients("-0x1.555555555554cp-3", "0x1.111111110fb25p-7",
                             "-0x1.a01a019c2a927p-13", "0x1.71de3569add92p-19",
                             "-0x1.ae5e479b6eaa5p-26", "0x1.5d8609eb68503p-33"),
        # (cos(r) - 1 + z/2) / z**2, |r| <= 0.786: 2**-60.9
        "cos": _coefficients("0x1.5555555555553p-5", "-0x1.6c16c16c1611ep-10",
                             "0x1.a01a019e21dcap-16", "-0x1.27e4f90129527p-22",
                             "0x1.1eea86ff2e75ep-29", "-0x1.8ff8731422a79p-37"),
        # (exp(r) - 1 - r) / r**2, |r| <= ln(2)/2: 2**-60.3
        "exp": _coefficients("0x1.0000000000000p-1", "0x1.555555555555bp-3",
                             "0x1.5555555555503p-5", "0x1.111111110ec65p-7",
                             "0x1.6c16c16c3043cp-10", "0x1.a01a01b37b59cp-13",
                             "0x1.a01a01369f25cp-16", "0x1.71ddf028208ecp-19",
                             "0x1.27e5b4340000fp-22", "0x1.af6bdadff5792p-26",
                             "0x1.1e3d35bc8c8bbp-29"),
        # (2 atanh(s) / s - 2) / z in z = s*s, |s| <= 0.1716: 2**-58.6
        "log": _coefficients("0x1.555555555557cp-1", "0x1.99999999847e3p-2",
                             "0x1.2492493fadbedp-2", "0x1.c71c52be20546p-3",
                             "0x1.746647f2c2bb7p-3", "0x1.399d26faaf917p-3",
                             "0x1.2f510cdcb3591p-3"),
        # (atan(t) - t) / t**3 in z = t*t, |t| <= 7/16: 2**-56.8
        "atan": _coefficients("-0x1.5555555555532p-2", "0x1.999999999248bp-3",
                              "-0x1.24924920f46bcp-3", "0x1.c71c701cb5c0dp-4",
                              "-0x1.745ce0389f0cdp-4", "0x1.3b0f4e9f1cb2dp-4",
                              "-0x1.10d6f643d9706p-4", "0x1.dde07e7158466p-5",
                              "-0x1.978b261d64e0ap-5", "0x1.2aa81ca1798dcp-5",
                              "-0x1.093b141627280p-6"),
    },
    32: {  # the same functions and intervals
        "sin": _coefficients("-0x1.5555554d92ceap-3", "0x1.1111086d9be4ap-7",
                             "-0x1.a00f3105b07e2p-13", "0x1.6cb5686bd449bp-19"),  # 2**-36.7
        "cos": _coefficients("0x1.55554eda7099ap-5", "-0x1.6c0e721468a07p-10",
                             "0x1.9a6d2c1d2fe6bp-16"),  # 2**-31.8
        "exp": _coefficients("0x1.0000003a1b0bap-1", "0x1.555554436556ep-3",
                             "0x1.55548dd80c10dp-5", "0x1.1112708f5192dp-7",
                             "0x1.6d8cf47d33d67p-10", "0x1.9f08a4e2d0995p-13"),  # 2**-34.2
        "log": _coefficients("0x1.55555507446dcp-1", "0x1.999a7cfb714a2p-2",
                             "0x1.243590b93f7a2p-2", "0x1.e3ae9b60f845ep-3"),  # 2**-36.9
        "atan": _coefficients("-0x1.555554977af4ap-2", "0x1.9998dbbda1e69p-3",
                              "-0x1.24765488e2088p-3", "0x1.c37a2ddc238e6p-4",
                              "-0x1.55d768102fc90p-4", "0x1.6e22e68bf9b94p-5"),  # 2**-33.5
    },
}


def _c(x, name):
    return COEFFICIENTS[x.ctx.prec][name]


# ---- sin, cos, tan ---------------------------------------------------------------

def _trig_reduce(x):
    """x = n pi/2 + (rh + rl), |rh| <= pi/4 (up to rounding); returns n as
    the integer bits whose two lowest are n mod 4, and rh, rl. Exact enough
    for |x| < HUGE_TRIG: the error is below |n| 2**-158."""
    t = fma(x, TWO_OVER_PI, MAGIC)
    n = t - MAGIC
    r1 = fma(n, -PIO2[0], x)  # exact: the result is a multiple of ulp(PIO2[0]) below 1
    th, tl = two_prod(n, PIO2[1])
    rh, e = two_sum(r1, -th)
    return t.bits(), rh, fma(n, -PIO2[2], e - tl)


def _sin_cos(rh, rl):
    """sin and cos of rh + rl, |rh| <= pi/4, each as (hi, lo)."""
    z = rh * rh
    sin_tail = fma(rh * z, poly(z, _c(rh, "sin")), fma(-0.5 * z, rl, rl))
    hz = 0.5 * z
    w = 1.0 - hz
    # 1 - hz - (error of z)/2 exactly, then the small terms.
    cos_tail = (((1.0 - w) - hz) - 0.5 * fma(rh, rh, -z)) + fma(
        z * z, poly(z, _c(rh, "cos")), -(rh * rl))
    return fast_two_sum(rh, sin_tail), fast_two_sum(w, cos_tail)


def _quadrant(q, s, c):
    """sin(x) from sin and cos of the reduced argument, x in quadrant q."""
    value = select((q & 1).ne(0), c, s)
    return (value.bits() ^ ((q & 2) << 62)).float()


def _sin(x):
    q, rh, rl = _trig_reduce(x)
    (s, _), (c, _) = _sin_cos(rh, rl)
    return select(x.eq(0.0), x, _quadrant(q, s, c))  # keeps -0


def _cos(x):
    q, rh, rl = _trig_reduce(x)
    (s, _), (c, _) = _sin_cos(rh, rl)
    return _quadrant(q + 1, s, c)


def _tan(x):
    q, rh, rl = _trig_reduce(x)
    (sh, sl), (ch, cl) = _sin_cos(rh, rl)
    odd = (q & 1).ne(0)  # tan = -cos/sin there
    value = dd_div(select(odd, ch, sh), select(odd, cl, sl),
                   select(odd, sh, ch), select(odd, sl, cl))
    return select(x.eq(0.0), x, select(odd, -value, value))


# ---- exp, exp2, expm1, sinh, cosh, tanh ---------------------------------------------

def _clamp(x, low, high):
    """x limited to [low, high]; NaN stays NaN."""
    return select(x < low, low, select(x > high, high, x))


def _tiny_identity(x, value):
    """f(x) = x for |x| < 2**-54 (f(x) = x + O(x**2), or x**3): exact where
    halving a subnormal in the general formula would lose its last bit."""
    return select(fabs(x) < 2.0 ** -54, x, value)


def _exp_reduce(x):
    """x = n ln2 + (rh + rl), |rh| <= ln2/2 (up to rounding), for |x| <
    2**50; returns the integer n, rh and rl."""
    t = fma(x, INV_LN2, MAGIC)
    n = t - MAGIC
    r1 = fma(n, -LN2[0], x)  # exact, as in _trig_reduce
    rh = fma(n, -LN2[1], r1)
    return t.bits() - MAGIC_BITS, rh, fma(n, -LN2[1], r1 - rh)


def _expm1_core(rh, rl):
    """exp(rh + rl) - 1 as (hi, lo) for |rh| <= ln2/2."""
    tail = fma(rh * rh, poly(rh, _c(rh, "exp")), fma(rl, rh, rl))
    return fast_two_sum(rh, tail)


def _exp_core(rh, rl):
    """exp(rh + rl) as (hi, lo) for |rh| <= ln2/2."""
    ph, pl = _expm1_core(rh, rl)
    yh, yl = fast_two_sum(1.0, ph)
    return fast_two_sum(yh, yl + pl)


def _pow2(k):
    """2**k for integer k in [-1022, 1024] (1024: inf)."""
    return ((k + 1023) << 52).float()


def _ldexp(y, k):
    """y * 2**k for |k| < 2048 and y near 1, rounded once (overflow to inf,
    gradual underflow)."""
    half = ((k + 2048) >> 1) - 1024
    return y * _pow2(half) * _pow2(k - half)


def _exp(x):
    n, rh, rl = _exp_reduce(_clamp(x, -1100.0, 1100.0))
    return _ldexp(_exp_core(rh, rl)[0], n)


def _exp2(x):
    xc = _clamp(x, -1100.0, 1100.0)
    t = xc + MAGIC
    r = xc - (t - MAGIC)  # exact, |r| <= 1/2
    rh, rl = two_prod(r, LN2[0])
    return _ldexp(_exp_core(rh, fma(r, LN2[1], rl))[0], t.bits() - MAGIC_BITS)


def _expm1_dd(n, rh, rl):
    """exp(x) - 1 as (hi, lo) from x's reduction, for n <= 1024 (exact for
    n < 54): 2 (2**(n-1) - 1/2 + 2**(n-1) p) with p = exp(r) - 1."""
    ph, pl = _expm1_core(rh, rl)
    s = _pow2(n - 1)
    a, ae = two_sum(s, -0.5)
    h, lo = two_sum(a, s * ph)
    return 2.0 * h, 2.0 * (lo + fma(s, pl, ae))


def _expm1(x):
    # 709.9 keeps n <= 1024; below -60 the result is -1.
    h, lo = _expm1_dd(*_exp_reduce(_clamp(x, -60.0, 709.9)))
    return _tiny_identity(x, h + lo)


def _sinh_cosh(x, which):
    ax = fabs(x)
    n, rh, rl = _exp_reduce(select(ax > 1100.0, 1100.0, ax))
    yh, yl = _exp_core(rh, rl)
    large = _ldexp(yh, n - 1)  # exp(|x|) / 2: exp(-|x|) is negligible above 22
    if which == "cosh":  # (e + 1/e) / 2, e = 2**n (yh + yl)
        ih = 1.0 / yh
        il = ih * (fma(-ih, yh, 1.0) - ih * yl)
        up, down = _pow2(n), _pow2(0 - n)
        h, lo = two_sum(yh * up, ih * down)
        small = 0.5 * (h + (lo + fma(yl, up, il * down)))
        return select(ax > 22.0, large, small)
    # (em + em / (em + 1)) / 2 with em = exp(|x|) - 1: no cancellation near 0
    eh, el = _expm1_dd(n, rh, rl)
    dh, dl = two_sum(eh, 1.0)
    qh, ql = dd_quotient(eh, el, dh, dl + el)
    h, lo = two_sum(eh, qh)
    small = 0.5 * (h + (lo + (el + ql)))
    return _tiny_identity(x, copysign(select(ax > 22.0, large, small), x))


def _sinh(x):
    return _sinh_cosh(x, "sinh")


def _cosh(x):
    return _sinh_cosh(x, "cosh")


def _tanh(x):
    """em / (em + 2) with em = exp(2|x|) - 1; 1 above 20."""
    ax = fabs(x)
    eh, el = _expm1_dd(*_exp_reduce(2.0 * select(ax > 20.0, 20.0, ax)))
    dh, dl = two_sum(eh, 2.0)
    value = dd_div(eh, el, dh, dl + el)
    return _tiny_identity(x, copysign(select(ax > 20.0, 1.0, value), x))


# ---- log, log2, log10, log1p ------------------------------------------------------

def _log_parts(x):
    """log(x) = e ln2 + lh + ll for finite x > 0 (e a double); other inputs
    give garbage that _log_specials replaces."""
    bias = 0.0
    if x.ctx.prec == 64:  # subnormals: scale into the normal range
        sub = x < 2.0 ** -1022
        x, bias = select(sub, x * 2.0 ** 54, x), select(sub, 54.0, 0.0)
    ix = x.bits()
    # k: exponent that puts the mantissa m in [sqrt(1/2), sqrt(2)).
    k = ((ix - SQRT_HALF_BITS + (1024 << 52)) >> 52) - 1024
    f = (ix - (k << 52)).float() - 1.0  # exact
    e = (k + MAGIC_BITS).float() - MAGIC - bias
    # log(1 + f) = 2 atanh(s) = f - f*f/2 + s (f*f/2 + R), s = f / (2 + f)
    s = f / (f + 2.0)
    z = s * s
    hh, hl = two_prod(0.5 * f, f)
    a, ae = fast_two_sum(f, -hh)
    tail = (ae - hl) + s * (hh + z * poly(z, _c(x, "log")))
    lh, ll = fast_two_sum(a, tail)
    return e, lh, ll


def _log_specials(x, value):
    value = select(x.eq(math.inf), math.inf, value)
    value = select(x.eq(0.0), -math.inf, value)
    return select(unordered_lt(x, 0.0), math.nan, value)


def _log_combine(e, lh, ll):
    sh, sl = two_sum(e * LN2_42[0], lh)
    return sh + (sl + fma(e, LN2_42[1], ll))


def _log(x):
    return _log_specials(x, _log_combine(*_log_parts(x)))


def _log2(x):
    e, lh, ll = _log_parts(x)
    ph, pl = two_prod(lh, INV_LN2_DD[0])
    pl = pl + fma(lh, INV_LN2_DD[1], ll * INV_LN2_DD[0])
    sh, sl = two_sum(e, ph)
    return _log_specials(x, sh + (sl + pl))


def _log10(x):
    e, lh, ll = _log_parts(x)
    ph, pl = two_prod(lh, LOG10_E[0])
    pl = pl + fma(lh, LOG10_E[1], ll * LOG10_E[0])
    sh, sl = two_sum(e * LOG10_2_42[0], ph)
    return _log_specials(x, sh + (sl + fma(e, LOG10_2_42[1], pl)))


def _log1p(x):
    uh, ul = two_sum(x, 1.0)  # log(uh + ul) = log(uh) + ul / uh
    e, lh, ll = _log_parts(uh)
    value = _log_combine(e, lh, ll + ul / uh)
    return select(x.eq(0.0), x, _log_specials(uh, value))


# ---- atan -------------------------------------------------------------------------

def _atan(x):
    """atan(|x|) = atan(c) + atan((|x| - c) / (1 + c |x|)) with c = 0, 0.5,
    1, 1.5 or inf (then -1/|x|) by the size of |x|, and an odd polynomial."""
    ax = fabs(x)
    bands = [ax >= bound for bound in (7 / 16, 11 / 16, 19 / 16, 39 / 16)]
    c, hi, lo = 0.0, 0.0, 0.0
    for band, point, (ah, al) in zip(bands, (0.5, 1.0, 1.5, 0.0), ATAN_OF):
        c, hi, lo = select(band, point, c), select(band, ah, hi), select(band, al, lo)
    infinite = bands[3]
    t = select(infinite, -1.0, ax - c) / select(infinite, ax, fma(c, ax, 1.0))
    z = t * t
    value = hi - (((-(t * z)) * poly(z, _c(x, "atan")) - lo) - t)
    return copysign(value, x)


# name -> (kernel, C function for huge arguments or None)
_KERNELS = {
    "sin": (_sin, "sin"), "cos": (_cos, "cos"), "tan": (_tan, "tan"),
    "exp": (_exp, None), "exp2": (_exp2, None), "expm1": (_expm1, None),
    "log": (_log, None), "log2": (_log2, None), "log10": (_log10, None),
    "log1p": (_log1p, None), "sinh": (_sinh, None), "cosh": (_cosh, None),
    "tanh": (_tanh, None), "atan": (_atan, None),
}


@functools.cache
def _lanes(bits):
    """Lane counts of the vector versions the loop vectoriser may ask for on
    this CPU: its widest vectors, and half of that for the remainder loop
    (each version costs some 10 ms of compile time)."""
    features = llvm.get_host_cpu_features()
    width = 512 if features.get("avx512f") else 256 if features.get("avx") else 128
    return tuple(n for n in (width // bits // 2, width // bits) if n >= 2)


# ---- emission ---------------------------------------------------------------------

def _define(module, fname, kernel, libm, llty, lanes):
    """Define `fname` computing `kernel` on `llty` (or `lanes` of them)."""
    ty = llty if lanes is None else ir.VectorType(llty, lanes)
    fn = ir.Function(module, ir.FunctionType(ty, [ty]), fname)
    fn.linkage = "internal"
    fn.attributes.add("nounwind")
    _raw_attribute(fn, "willreturn")
    _raw_attribute(fn, "memory(none)")  # the C library's errno is never read
    builder = ir.IRBuilder(fn.append_basic_block("entry"))
    prec = 32 if isinstance(llty, ir.FloatType) else 64
    ctx = _Ctx(builder, lanes, prec)
    x = fn.args[0]
    if prec == 32:
        x = builder.fpext(x, ctx.ty("f"))
    x = _Val(ctx, x)
    result = kernel(x).v
    if libm is not None:
        result = _huge_arguments(ctx, x, result, libm)
    if prec == 32:
        result = builder.fptrunc(result, ty)
    builder.ret(result)
    return fn


def _huge_arguments(ctx, x, result, libm):
    """`result`, with the lanes where |x| >= HUGE_TRIG computed by the C
    library; the branch is taken only when some lane is huge."""
    bld = ctx.b
    huge = fabs(x) >= HUGE_TRIG
    anyhuge = huge.v if ctx.lanes is None else bld.icmp_unsigned(
        "!=", bld.bitcast(huge.v, ir.IntType(ctx.lanes)), ir.Constant(ir.IntType(ctx.lanes), 0))
    entry = bld.block
    slow = bld.append_basic_block("huge")
    done = bld.append_basic_block("done")
    bld.cbranch(anyhuge, slow, done)
    bld.position_at_end(slow)
    if ctx.lanes is None:
        patched = bld.call(_c_function(bld.module, libm), [x.v])
    else:  # through memory, to one loop over the lanes for all vector versions
        with bld.goto_entry_block():
            xs, ys = bld.alloca(result.type), bld.alloca(result.type)
        bld.store(x.v, xs)
        bld.store(result, ys)
        pointers = [bld.bitcast(p, m.f64.as_pointer()) for p in (xs, ys)]
        bld.call(_lanes_function(bld.module, libm), pointers + [ir.Constant(m.i64, ctx.lanes)])
        patched = bld.load(ys)
    bld.branch(done)
    bld.position_at_end(done)
    phi = bld.phi(result.type)
    phi.add_incoming(result, entry)
    phi.add_incoming(patched, slow)
    return phi


def _c_function(module, name):
    """The C library's double -> double function `name`."""
    return module.globals.get(name) or ir.Function(
        module, ir.FunctionType(m.f64, [m.f64]), name)


def _lanes_function(module, libm):
    """void (double *x, double *y, i64 n): y[i] = libm(x[i]) where x[i] is
    huge; one per C function and module."""
    fname = f"ember.vm.{libm}.huge"
    fn = module.globals.get(fname)
    if fn is not None:
        return fn
    fn = ir.Function(module, ir.FunctionType(m.void, [m.f64.as_pointer(), m.f64.as_pointer(),
                                                      m.i64]), fname)
    fn.linkage = "internal"
    fn.attributes.add("noinline")
    fn.attributes.add("cold")
    xs, ys, n = fn.args
    bld = ir.IRBuilder(fn.append_basic_block("entry"))
    entry = bld.block
    head, body, patch, step = (fn.append_basic_block(b) for b in ("head", "body", "patch", "step"))
    done = fn.append_basic_block("done")
    bld.branch(head)
    bld.position_at_end(head)
    i = bld.phi(m.i64)
    bld.cbranch(bld.icmp_signed("<", i, n), body, done)
    bld.position_at_end(body)
    value = bld.load(bld.gep(xs, [i]))
    magnitude = bld.call(_c_function(module, "fabs"), [value])
    bld.cbranch(bld.fcmp_ordered(">=", magnitude, ir.Constant(m.f64, HUGE_TRIG)), patch, step)
    bld.position_at_end(patch)
    bld.store(bld.call(_c_function(module, libm), [value]), bld.gep(ys, [i]))
    bld.branch(step)
    bld.position_at_end(step)
    following = bld.add(i, ir.Constant(m.i64, 1))
    bld.branch(head)
    i.add_incoming(ir.Constant(m.i64, 0), entry)
    i.add_incoming(following, step)
    bld.position_at_end(done)
    bld.ret_void()
    return fn


def _raw_attribute(fn, text):
    # llvmlite checks attribute names against a list that predates
    # memory(...), willreturn and string attributes; LLVM parses them.
    set.add(fn.attributes, text)


def _keep_alive(module, functions):
    """Add `functions` to the module's llvm.compiler.used (grown in place:
    llvmlite prints a global's type and initializer only at the end)."""
    used = module.globals.get("llvm.compiler.used")
    if used is None:
        used = ir.GlobalVariable(module, ir.ArrayType(m.i8p, 0), "llvm.compiler.used")
        used.linkage, used.section = "appending", "llvm.metadata"
        used.members = []
    used.members.extend(fn.bitcast(m.i8p) for fn in functions)
    used.value_type = ir.ArrayType(m.i8p, len(used.members))
    used.initializer = ir.Constant(used.value_type, used.members)
