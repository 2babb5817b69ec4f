"""Reading a class decorated with @jitclass: its fields (the spec, and class
annotations) and its members (methods, static methods, properties).
Anything compiled code cannot hold is an error naming the class and member."""

import inspect
import sys

from ember.errors import TypingError, UnsupportedError
from ember.types import core as t

# What every class body has, or Python adds: not members.
_CLASS_BOOKKEEPING = frozenset({
    "__module__", "__qualname__", "__doc__", "__dict__", "__weakref__", "__annotations__",
    "__firstlineno__", "__static_attributes__", "__orig_bases__", "__parameters__",
    "__classcell__", "__annotate__", "__annotate_func__"})
_PYTHON_TYPES = {int: t.int64, float: t.float64, bool: t.boolean, complex: t.complex128}


class Members:
    """A class's compiled members, as typing/classes.py reads them."""

    def __init__(self):
        self.init = None
        self.methods, self.staticmethods, self.properties = {}, {}, {}
        self.box_class = None  # set by boxing.py


def fields_of(cls, spec):
    """The ordered (name, type) fields: the spec first, then annotations."""
    if spec is None:
        items = []
    elif isinstance(spec, dict):
        items = list(spec.items())
    else:
        try:
            items = [(name, ty) for name, ty in spec]
        except (TypeError, ValueError):
            raise TypeError(f"jitclass spec of {cls.__name__} must be a list of (name, type) "
                            f"pairs or a dict, not {spec!r}") from None
    fields = {}
    for name, ty in items:
        if not isinstance(name, str):
            raise TypeError(f"jitclass {cls.__name__}: field names are strings, not {name!r}")
        fields[name] = field_type(cls, name, ty)
    for name, annotation in _annotations(cls).items():
        if name not in fields:
            fields[name] = field_type(cls, name, annotation)
    return list(fields.items())


def _annotations(cls):
    return dict(cls.__dict__.get("__annotations__", {}))


def field_type(cls, name, ty):
    """The ember type a spec entry or annotation names."""
    if isinstance(ty, str):  # `from __future__ import annotations`
        try:
            ty = eval(ty, vars(sys.modules[cls.__module__]))
        except Exception as exc:
            raise TypingError(f"jitclass {cls.__name__}: cannot evaluate the type {ty!r} of "
                              f"field '{name}': {exc}") from None
    if isinstance(getattr(ty, "class_type", None), t.ClassType):
        return ty.class_type.instance_type  # another jitclass
    if isinstance(ty, t.ClassType):
        return ty.instance_type
    if isinstance(ty, type) and ty in _PYTHON_TYPES:
        return _PYTHON_TYPES[ty]
    if isinstance(ty, (t.Number, t.Array, t.InstanceType)):
        return ty
    if isinstance(ty, t.Tuple) and all(isinstance(x, (t.Number, t.Array, t.InstanceType))
                                       for x in ty.types):
        return ty
    raise TypingError(f"jitclass {cls.__name__}: field '{name}' has type {ty!r}, which "
                      "compiled code cannot hold", hint="fields take ember types (float64, "
                      "int64[:], UniTuple(float64, 2)), int/float/bool/complex, or another "
                      "jitclass (Other.class_type.instance_type)")


def members_of(cls, field_names):
    """The class's methods, static methods and properties; an error for
    anything else in its body."""
    if cls.__bases__ != (object,):
        raise UnsupportedError(f"jitclass {cls.__name__} has base classes "
                               f"{[b.__name__ for b in cls.__bases__]}; jitclasses do not "
                               "support inheritance")
    members = Members()
    for name, value in cls.__dict__.items():
        if name in _CLASS_BOOKKEEPING:
            continue
        if name in field_names:
            raise UnsupportedError(f"jitclass {cls.__name__}: '{name}' is both a field and a "
                                   "class attribute")
        _add_member(cls, members, name, value)
    return members


def _add_member(cls, members, name, value):
    where = f"jitclass {cls.__name__}"
    if isinstance(value, staticmethod):
        members.staticmethods[name] = _function(cls, name, value.__func__)
    elif isinstance(value, property):
        getter = None if value.fget is None else _function(cls, name, value.fget)
        if getter is None:
            raise UnsupportedError(f"{where}: property '{name}' has no getter")
        setter = None if value.fset is None else _function(cls, name, value.fset)
        members.properties[name] = (getter, setter)
    elif name == "__init__" and inspect.isfunction(value):
        members.init = _function(cls, name, value)
    elif name.startswith("__") and name.endswith("__"):
        raise UnsupportedError(f"{where}: special method {name} is not supported (only "
                               "__init__ is)")
    elif inspect.isfunction(value):
        members.methods[name] = _function(cls, name, value)
    elif isinstance(value, classmethod):
        raise UnsupportedError(f"{where}: classmethod '{name}' is not supported; use a "
                               "staticmethod")
    else:
        raise UnsupportedError(
            f"{where}: class attribute '{name}' = {value!r:.60} is not supported; "
            "jitclasses have fields, declared in the spec or as annotations "
            f"('{name}: float64'), methods, static methods and properties")


def _function(cls, name, func):
    params = inspect.signature(func).parameters.values()
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.KEYWORD_ONLY) for p in params):
        raise UnsupportedError(f"jitclass {cls.__name__}: {name} takes *args, **kwargs or "
                               "keyword-only parameters, which compiled code does not support")
    return func
