"""Conversions between scalar types, and truth values."""

from llvmlite import ir

from ember.codegen import models as m
from ember.types import core as t


def cast(builder, value, src, dst):
    """Convert `value` of type `src` to type `dst` (numbers and tuples)."""
    if src == dst:
        return value
    if isinstance(dst, t.CompileTimeValue):  # a literal argument: its type is its value
        return ir.Constant(m.value_type(dst), None)
    if isinstance(dst, t.Boolean):
        return truth(builder, value, src)
    if isinstance(dst, t.Complex):
        return _to_complex(builder, value, src, dst)
    if isinstance(src, t.Complex):
        raise TypeError(f"cannot convert {src} to {dst}")
    if isinstance(src, t.Tuple) and isinstance(dst, t.Tuple):
        return _tuple_cast(builder, value, src, dst)
    if isinstance(src, t.Array) and isinstance(dst, t.Array):
        return value  # layouts differ only in what the compiler may assume
    if isinstance(src, t.List) and isinstance(dst, t.List):  # `[]` as a list of dst's items
        from ember.codegen import lists

        if src.dtype is not None:
            raise TypeError(f"cannot convert {src} to {dst}")
        return lists.adopt_item_type(builder, value, dst)
    target = m.value_type(dst)
    if isinstance(src, t.Boolean):
        return (builder.zext(value, target) if isinstance(dst, t.Integer)
                else builder.uitofp(value, target))
    if isinstance(src, t.Integer) and isinstance(dst, t.Integer):
        if dst.bits > src.bits:
            return builder.sext(value, target) if src.signed else builder.zext(value, target)
        return builder.trunc(value, target) if dst.bits < src.bits else value
    if isinstance(src, t.Integer):
        return builder.sitofp(value, target) if src.signed else builder.uitofp(value, target)
    if isinstance(dst, t.Integer):
        return builder.fptosi(value, target) if dst.signed else builder.fptoui(value, target)
    if dst.bits > src.bits:
        return builder.fpext(value, target)
    return builder.fptrunc(value, target)


def _to_complex(builder, value, src, dst):
    if isinstance(src, t.Complex):
        real = cast(builder, builder.extract_value(value, 0), src.part, dst.part)
        imag = cast(builder, builder.extract_value(value, 1), src.part, dst.part)
    else:
        real = cast(builder, value, src, dst.part)
        imag = ir.Constant(m.value_type(dst.part), 0.0)
    return make_complex(builder, real, imag, dst)


def make_complex(builder, real, imag, ty):
    out = ir.Constant(m.value_type(ty), None)
    out = builder.insert_value(out, real, 0)
    return builder.insert_value(out, imag, 1)


def _tuple_cast(builder, value, src, dst):
    out = ir.Constant(m.value_type(dst), None)
    for i, (s, d) in enumerate(zip(src.types, dst.types)):
        out = builder.insert_value(out, cast(builder, builder.extract_value(value, i), s, d), i)
    return out


def truth(builder, value, ty):
    """Python truthiness as an i1."""
    if isinstance(ty, t.Boolean):
        return value
    if isinstance(ty, t.Integer):
        return builder.icmp_unsigned("!=", value, ir.Constant(value.type, 0))
    if isinstance(ty, t.Float):
        return builder.fcmp_unordered("!=", value, ir.Constant(value.type, 0.0))
    if isinstance(ty, t.Complex):
        real = truth(builder, builder.extract_value(value, 0), ty.part)
        imag = truth(builder, builder.extract_value(value, 1), ty.part)
        return builder.or_(real, imag)
    if isinstance(ty, t.Tuple):
        return ir.Constant(m.i1, len(ty) > 0)
    if isinstance(ty, t.List):
        from ember.codegen import lists

        return lists.truth(builder, value, ty)
    return ir.Constant(m.i1, 0)  # None
