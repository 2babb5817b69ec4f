"""Typing of @jitclass instances in compiled code: field reads and writes,
properties, method and static method calls.

An instance type's `members` (filled by ember.jitclasses) holds the class's
plain Python functions: `methods`, `staticmethods` and `properties` (name ->
(getter, setter)). Methods and property accessors are compiled like any
called Python function, with the instance as their first argument.
"""

from ember.errors import TypingError
from ember.types import core as t
from ember.typing.calls import resolve_dispatcher


def _unknown(ty, attr, node):
    members = ty.members
    known = sorted(list(ty.field_types) + list(members.methods) + list(members.properties)
                   + list(members.staticmethods))
    return TypingError(f"{ty.class_name} has no attribute '{attr}'", node.loc,
                       f"its fields, methods and properties: {', '.join(known)}")


def attribute_type(typer, ty, node):
    """`obj.attr` read: a field's type, or a property getter's result."""
    attr = node.attr
    if attr in ty.field_types:
        return ty.field_types[attr]
    prop = ty.members.properties.get(attr)
    if prop is not None:
        impl = resolve_dispatcher(prop[0], [ty], {}, node, typer.type_function)
        if impl is None:
            return None
        impl.arg_nodes, impl.kw_nodes = [node.value], {}
        typer.calls[node] = impl
        return impl.return_type
    if attr in ty.members.methods or attr in ty.members.staticmethods:
        raise TypingError(f"method {ty.class_name}.{attr} can only be called in compiled code, "
                          "not used as a value", node.loc)
    raise _unknown(ty, attr, node)


def method_callee(ty, node, receiver_node, args):
    """(function, argument nodes) of `obj.attr(args)`."""
    attr = node.attr
    members = ty.members
    if attr in members.methods:
        return members.methods[attr], [receiver_node] + list(args)
    if attr in members.staticmethods:
        return members.staticmethods[attr], list(args)
    if attr in ty.field_types or attr in members.properties:
        raise TypingError(f"{ty.class_name}.{attr} is not a method", node.loc)
    raise _unknown(ty, attr, node)


def static_callee(cls, node):
    """`Class.attr` called in compiled code: a static method."""
    ty = cls.class_type.instance_type
    func = ty.members.staticmethods.get(node.attr)
    if func is None:
        raise TypingError(f"{ty.class_name}.{node.attr} is not a static method; only static "
                          "methods can be called on the class", node.loc)
    return func


def set_attribute(typer, ty, target, value_type, stmt):
    """`obj.attr = value`: checked against the field's type, or a property setter."""
    attr = target.attr
    prop = ty.members.properties.get(attr)
    if prop is not None:
        if prop[1] is None:
            raise TypingError(f"property {ty.class_name}.{attr} has no setter", target.loc)
        impl = resolve_dispatcher(prop[1], [ty, value_type], {}, target, typer.type_function)
        if impl is not None:
            typer.calls[("set", target)] = impl
        return
    field_type = ty.field_types.get(attr)
    if field_type is None:
        raise TypingError(f"{ty.class_name} has no field '{attr}' (fields are declared in the "
                          "jitclass spec or as class annotations)", target.loc)
    if not can_store_field(value_type, field_type):
        raise TypingError(f"cannot assign a value of type {value_type} to field "
                          f"{ty.class_name}.{attr} of type {field_type}", stmt.loc)


def can_store_field(value, field):
    """Numbers convert (not complex to real); arrays need the same dtype and
    ndim, a layout the field accepts, and writeable data for a writeable field."""
    if isinstance(field, t.Number) and isinstance(value, t.Number):
        return not (isinstance(value, t.Complex) and not isinstance(field, t.Complex))
    if isinstance(field, t.Array) and isinstance(value, t.Array):
        return ((value.dtype, value.ndim) == (field.dtype, field.ndim)
                and field.layout in (value.layout, "A")
                and (field.readonly or not value.readonly))
    if isinstance(field, t.Tuple) and isinstance(value, t.Tuple):
        return len(field) == len(value) and all(
            can_store_field(v, f) for v, f in zip(value.types, field.types))
    return value == field
