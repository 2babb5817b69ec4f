"""The math and cmath modules, and NumPy's scalar math functions on scalars.

sin, cos, exp, log and the other functions of codegen/vecmath are emitted
by ember (vectorisable, float32 kept float32); other functions LLVM knows
become intrinsics; the rest call the C library of the process
(EMBER_VECMATH=0 sends vecmath's functions there too); cmath is written in
Python and compiled by ember.
"""

import cmath
import math

import numpy as np
from llvmlite import ir

from ember import config
from ember.codegen import casts, vecmath
from ember.codegen import models as m
from ember.types import core as t
from ember.typing.registry import Impl, elementwise, register

REALS = (t.Integer, t.Float, t.Boolean)

# name -> (LLVM intrinsic or None, C function for float64)
_UNARY = {
    "sqrt": ("llvm.sqrt", "sqrt"), "exp": ("llvm.exp", "exp"), "log": ("llvm.log", "log"),
    "log2": ("llvm.log2", "log2"), "log10": ("llvm.log10", "log10"),
    "sin": ("llvm.sin", "sin"), "cos": ("llvm.cos", "cos"), "tan": (None, "tan"),
    "asin": (None, "asin"), "acos": (None, "acos"), "atan": (None, "atan"),
    "sinh": (None, "sinh"), "cosh": (None, "cosh"), "tanh": (None, "tanh"),
    "asinh": (None, "asinh"), "acosh": (None, "acosh"), "atanh": (None, "atanh"),
    "expm1": (None, "expm1"), "log1p": (None, "log1p"), "fabs": ("llvm.fabs", "fabs"),
    "erf": (None, "erf"), "erfc": (None, "erfc"), "gamma": (None, "tgamma"),
    "lgamma": (None, "lgamma"), "cbrt": (None, "cbrt"), "exp2": ("llvm.exp2", "exp2"),
}
_BINARY = {"atan2": "atan2", "hypot": "hypot", "fmod": "fmod", "copysign": "copysign",
           "pow": "pow", "nextafter": "nextafter"}
# NumPy names of the same functions on scalars.
_NUMPY_ALIASES = {
    "sqrt": "sqrt", "exp": "exp", "log": "log", "log2": "log2", "log10": "log10",
    "sin": "sin", "cos": "cos", "tan": "tan", "asin": "arcsin", "acos": "arccos",
    "atan": "arctan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "asinh": "arcsinh",
    "acosh": "arccosh", "atanh": "arctanh", "expm1": "expm1", "log1p": "log1p",
    "cbrt": "cbrt", "exp2": "exp2", "atan2": "arctan2", "hypot": "hypot",
    "copysign": "copysign", "fabs": "fabs",
}


def _float_arg(x):
    return isinstance(x, REALS)


def _numpy_float32(ty):
    """NumPy computes math ufuncs of float32 and of small integers in float32
    (bool and 8-bit ints would be float16, which ember does not have)."""
    return ty == t.float32 or isinstance(ty, (t.Boolean, t.Integer)) and ty.bits <= 16


def _emit_unary(name, intrinsic, cname):
    """The emitter of math.`name`; decided when typing, so that a change of
    config.VECMATH between typing and code generation cannot mix the two."""
    def c_library(cg, args):
        if intrinsic is not None:
            return cg.call_intrinsic(intrinsic, args)
        if args[0].type != m.f64:  # a float32 argument of a function typed for vecmath
            value = cg.call_external(cname, m.f64, [cg.builder.fpext(args[0], m.f64)])
            return cg.builder.fptrunc(value, args[0].type)
        return cg.call_external(cname, m.f64, args)

    def emit(cg, args):
        return vecmath.call(cg, name, args[0])

    return emit if config.VECMATH and name in vecmath.FUNCTIONS else c_library


def _unary_typer(name, intrinsic, cname, numpy=False):
    def typer(args, kws):
        """a real number -> float64 (NumPy: float32 stays float32)"""
        if kws or len(args) != 1 or not _float_arg(args[0]):
            return None
        emit = _emit_unary(name, intrinsic, cname)
        if numpy and _numpy_float32(args[0]):
            if intrinsic is not None or config.VECMATH and name in vecmath.FUNCTIONS:
                return Impl(t.float32, [t.float32], emit=emit)
            return Impl(t.float32, [t.float64],
                        emit=lambda cg, a: cg.builder.fptrunc(emit(cg, a), m.f32))
        return Impl(t.float64, [t.float64], emit=emit)
    return typer


def _binary_typer(cname):
    def typer(args, kws):
        """two real numbers -> float64"""
        if kws or len(args) != 2 or not all(map(_float_arg, args)):
            return None
        return Impl(t.float64, [t.float64, t.float64],
                    emit=lambda cg, a: cg.call_external(cname, m.f64, a))
    return typer


for _name, (_intrinsic, _cname) in _UNARY.items():
    register(getattr(math, _name))(_unary_typer(_name, _intrinsic, _cname))
    if _name in _NUMPY_ALIASES:
        register(getattr(np, _NUMPY_ALIASES[_name]))(
            elementwise(_unary_typer(_name, _intrinsic, _cname, True)))
for _name, _cname in _BINARY.items():
    register(getattr(math, _name))(_binary_typer(_cname))
    if _name in _NUMPY_ALIASES:
        register(getattr(np, _NUMPY_ALIASES[_name]))(elementwise(_binary_typer(_cname)))


def c_log(x):
    """math.log through the C library's log: for ember's copies of NumPy code
    whose results must be NumPy's bit for bit (the legacy generator's normal
    deviates take a log), since NumPy calls the C library."""
    return math.log(x)


@register(c_log)
def type_c_log(args, kws):
    """one real number -> float64, computed by the C library"""
    if kws or len(args) != 1 or not _float_arg(args[0]):
        return None
    return Impl(t.float64, [t.float64], emit=lambda cg, a: cg.call_external("log", m.f64, a))


@register(math.log)
def type_log(args, kws):
    """log(x) or log(x, base) -> float64"""
    if kws or not 1 <= len(args) <= 2 or not all(map(_float_arg, args)):
        return None
    if len(args) == 1:
        return Impl(t.float64, [t.float64], emit=_emit_unary("log", "llvm.log", "log"))
    return Impl(t.float64, [t.float64, t.float64], py_impl=log_base)


def log_base(x, base):
    return math.log(x) / math.log(base)


def _rounding(intrinsic):
    def typer(args, kws):
        """a real number -> int64, as in Python"""
        if kws or len(args) != 1 or not _float_arg(args[0]):
            return None
        if not isinstance(args[0], t.Float):
            return Impl(t.int64, [t.int64], emit=lambda cg, a: a[0])
        return Impl(t.int64, [t.float64], emit=lambda cg, a: cg.builder.fptosi(
            cg.call_intrinsic(intrinsic, a), m.i64))
    return typer


register(math.floor)(_rounding("llvm.floor"))
register(math.ceil)(_rounding("llvm.ceil"))
register(math.trunc)(_rounding("llvm.trunc"))


def _numpy_rounding(intrinsic):
    def typer(args, kws):
        """a real number -> float of the same width"""
        if kws or len(args) != 1 or not _float_arg(args[0]):
            return None
        ty = args[0] if isinstance(args[0], t.Float) else t.float64
        return Impl(ty, [ty], emit=lambda cg, a: cg.call_intrinsic(intrinsic, a))
    return typer


def _integer_identity(rounding):
    """NumPy 2: floor/ceil/trunc of integers and bools are the values themselves."""
    def typer(args, kws):
        if not kws and len(args) == 1 and isinstance(args[0], (t.Integer, t.Boolean)):
            return Impl(args[0], args, emit=lambda cg, a: a[0])
        return rounding(args, kws)
    typer.__doc__ = "a number; integers are returned unchanged (NumPy 2)"
    return typer


register(np.floor)(elementwise(_integer_identity(_numpy_rounding("llvm.floor"))))
register(np.ceil)(elementwise(_integer_identity(_numpy_rounding("llvm.ceil"))))
register(np.trunc)(elementwise(_integer_identity(_numpy_rounding("llvm.trunc"))))
register(np.rint)(elementwise(_numpy_rounding("llvm.roundeven")))


def _predicate(kind):
    def typer(args, kws):
        """any number -> bool"""
        if kws or len(args) != 1:
            return None
        x = args[0]
        if isinstance(x, (t.Integer, t.Boolean)):
            return Impl(t.boolean, [x], emit=lambda cg, a: ir.Constant(m.i1, kind == "finite"))
        if isinstance(x, t.Float):
            return Impl(t.boolean, [x], emit=lambda cg, a: _float_predicate(cg, a[0], kind))
        if isinstance(x, t.Complex):
            return Impl(t.boolean, [x], emit=lambda cg, a: _complex_predicate(cg, a[0], kind))
        return None
    return typer


def _float_predicate(cg, value, kind):
    bld = cg.builder
    if kind == "nan":
        return bld.fcmp_unordered("uno", value, value)
    magnitude = cg.call_intrinsic("llvm.fabs", [value])
    inf = ir.Constant(value.type, float("inf"))
    if kind == "inf":
        return bld.fcmp_ordered("==", magnitude, inf)
    return bld.fcmp_ordered("<", magnitude, inf)


def _complex_predicate(cg, value, kind):
    bld = cg.builder
    real = _float_predicate(cg, bld.extract_value(value, 0), kind)
    imag = _float_predicate(cg, bld.extract_value(value, 1), kind)
    return bld.and_(real, imag) if kind == "finite" else bld.or_(real, imag)


for _kind in ("nan", "inf", "finite"):
    register(getattr(math, f"is{_kind}"), getattr(cmath, f"is{_kind}"))(_predicate(_kind))
    register(getattr(np, f"is{_kind}"))(elementwise(_predicate(_kind)))


@register(math.degrees)
def type_degrees(args, kws):
    """a real number -> float64"""
    if kws or len(args) != 1 or not _float_arg(args[0]):
        return None
    return Impl(t.float64, [t.float64], py_impl=degrees)


def degrees(x):
    return x * (180.0 / math.pi)


register(np.degrees, np.rad2deg)(elementwise(type_degrees))


@register(math.radians)
def type_radians(args, kws):
    """a real number -> float64"""
    if kws or len(args) != 1 or not _float_arg(args[0]):
        return None
    return Impl(t.float64, [t.float64], py_impl=radians)


def radians(x):
    return x * (math.pi / 180.0)


register(np.radians, np.deg2rad)(elementwise(type_radians))


def _int_function(py_impl, arity):
    def typer(args, kws):
        """integers -> int64"""
        if kws or len(args) != arity or not all(isinstance(a, (t.Integer, t.Boolean))
                                                 for a in args):
            return None
        return Impl(t.int64, [t.int64] * arity, py_impl=py_impl)
    return typer


def gcd(a, b):
    a, b = abs(a), abs(b)
    while b:
        a, b = b, a % b
    return a


def factorial(n):
    if n < 0:
        raise ValueError("factorial() not defined for negative values")
    result = 1
    for i in range(2, n + 1):
        result *= i
    return result


register(math.gcd)(_int_function(gcd, 2))
register(math.factorial)(_int_function(factorial, 1))


@register(math.isclose)
def type_isclose(args, kws):
    """two real numbers, rel_tol= and abs_tol= keywords"""
    if len(args) != 2 or set(kws) - {"rel_tol", "abs_tol"}:
        return None
    if not all(map(_float_arg, list(args) + list(kws.values()))):
        return None
    return Impl(t.boolean, [t.float64] * (2 + len(kws)), py_impl=_isclose_impl(tuple(kws)))


def _isclose_impl(keywords):
    return {(): isclose, ("rel_tol",): isclose, ("rel_tol", "abs_tol"): isclose,
            ("abs_tol",): _isclose_abs, ("abs_tol", "rel_tol"): _isclose_abs_rel}[keywords]


def _isclose_abs(a, b, abs_tol):
    return isclose(a, b, 1e-09, abs_tol)


def _isclose_abs_rel(a, b, abs_tol, rel_tol):
    return isclose(a, b, rel_tol, abs_tol)


def isclose(a, b, rel_tol=1e-09, abs_tol=0.0):
    if a == b:
        return True
    if math.isinf(a) or math.isinf(b):
        return False
    diff = abs(b - a)
    return diff <= abs(rel_tol * b) or diff <= abs(rel_tol * a) or diff <= abs_tol


# ---- cmath --------------------------------------------------------------------

def _complex_function(py_impl, result=t.complex128):
    def typer(args, kws):
        """a number, computed as complex128"""
        if kws or len(args) != 1 or not isinstance(args[0], (t.Number,)):
            return None
        return Impl(result, [t.complex128], py_impl=py_impl)
    return typer


def csqrt(z):
    if z.real == 0.0 and z.imag == 0.0:
        return complex(0.0, z.imag)
    s = math.sqrt((abs(z.real) + math.hypot(z.real, z.imag)) * 0.5)
    d = abs(z.imag) / (2.0 * s)
    if z.real >= 0.0:
        return complex(s, math.copysign(d, z.imag))
    return complex(d, math.copysign(s, z.imag))


def cexp(z):
    r = math.exp(z.real)
    return complex(r * math.cos(z.imag), r * math.sin(z.imag))


def clog(z):
    return complex(math.log(math.hypot(z.real, z.imag)), math.atan2(z.imag, z.real))


def cphase(z):
    return math.atan2(z.imag, z.real)


def cpolar(z):
    return math.hypot(z.real, z.imag), math.atan2(z.imag, z.real)


def csin(z):
    return complex(math.sin(z.real) * math.cosh(z.imag), math.cos(z.real) * math.sinh(z.imag))


def ccos(z):
    return complex(math.cos(z.real) * math.cosh(z.imag), -math.sin(z.real) * math.sinh(z.imag))


register(cmath.sqrt)(_complex_function(csqrt))
register(cmath.exp)(_complex_function(cexp))
register(cmath.log)(_complex_function(clog))
register(cmath.sin)(_complex_function(csin))
register(cmath.cos)(_complex_function(ccos))
register(cmath.phase)(_complex_function(cphase, t.float64))
register(cmath.polar)(_complex_function(cpolar, t.Tuple([t.float64, t.float64])))


@register(cmath.rect)
def type_rect(args, kws):
    """rect(r, phi) -> complex128"""
    if kws or len(args) != 2 or not all(map(_float_arg, args)):
        return None
    return Impl(t.complex128, [t.float64, t.float64], py_impl=rect)


def rect(r, phi):
    return complex(r * math.cos(phi), r * math.sin(phi))


__all__ = ["casts"]
