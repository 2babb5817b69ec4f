"""The Python-facing side of a @jitclass: the class users call and the boxes
its instances live in.

A box holds, in its one slot, a PyCapsule owning one reference to the
instance's runtime block (the capsule's destructor drops it), so an instance
lives while Python or compiled code refers to it. The entry wrapper
(codegen/entry.py) unboxes by reading that slot and boxes with
PyType_GenericAlloc; nothing here runs on those paths.

Everything callable from Python is a dispatcher compiled lazily per argument
types, like @njit: the constructor (a generated function allocating the
instance and calling the class's __init__), each method, and an accessor
pair per field. Compiled code calls the same plain functions directly.
"""

import ctypes
import inspect
import itertools
import linecache

from ember import config
from ember.decorators import njit
from ember.errors import EmberError
from ember.jitclasses.spec import fields_of, members_of
from ember.runtime import cpython as capi
from ember.types import core as t
from ember.types.typeof import register_class
from ember.typing.registry import Impl, register


class Box:
    """Base of every jitclass's Python class: one slot, the instance's capsule."""

    __slots__ = ("_ember_capsule",)

    def __new__(cls, *args, **kwargs):  # copy, pickle: a box without an instance
        raise TypeError(f"{cls.__qualname__} instances are created by calling the class "
                        "(or in compiled code); they cannot be copied or pickled")

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__qualname__} jitclass object at " \
               f"{id(self):#x}>"


assert Box.__basicsize__ == capi.BOX_CAPSULE + 8, "Box's slot is not where entry.py reads it"


class JitClassType(type):
    """Metaclass of jitclasses; each class gets a subclass whose __call__ is
    its constructor's dispatcher (a static method: no Python frame)."""

    def __repr__(cls):
        return f"<jitclass {cls.__module__}.{cls.__qualname__}>"


def jitclass(cls_or_spec=None, spec=None):
    """Compile a class: Numba's `jitclass`, as decorator with or without a spec.

    `@jitclass(spec)`, `@jitclass(spec=spec)`, `@jitclass` (fields from class
    annotations) and `jitclass(cls, spec)` all work. `spec` is a list of
    (name, type) pairs or a dict.
    """
    if isinstance(cls_or_spec, type):
        return build(cls_or_spec, spec)
    if cls_or_spec is not None:
        if spec is not None:
            raise TypeError("jitclass takes the spec once")
        spec = cls_or_spec

    def decorate(cls):
        return build(cls, spec)
    return decorate


def build(cls, spec):
    """The jitclass of `cls`: a new class (`cls` itself is left as it is)."""
    if config.DISABLE_JIT:  # as Numba: the class runs as plain Python
        return cls
    fields = fields_of(cls, spec)
    members = members_of(cls, {name for name, _ in fields})
    instance_type = t.InstanceType(cls.__name__, fields)
    instance_type.members = members
    class_type = t.ClassType(instance_type)
    options = {"nopython": True}
    namespace = {"__slots__": (), "__module__": cls.__module__, "__qualname__": cls.__qualname__,
                 "__doc__": cls.__doc__, "class_type": class_type,
                 "_numba_type_": instance_type,  # Numba's name, read by some user code
                 "__annotations__": dict(fields)}
    for name, func in members.methods.items():
        namespace[name] = _instance_method(njit(**options)(func))
    for name, func in members.staticmethods.items():
        namespace[name] = staticmethod(njit(**options)(func))
    for name, (getter, setter) in members.properties.items():
        namespace[name] = _property(cls.__name__, name, getter, setter, options)
    for name, ty in fields:
        namespace[name] = _field_property(cls.__name__, name, ty, options)
    constructor = _constructor(cls, members)
    new = njit(**options)(constructor)
    meta = type(f"{cls.__name__}Type", (JitClassType,), {"__call__": staticmethod(new)})
    box_class = meta(cls.__name__, (Box,), namespace)
    members.box_class = box_class
    constructor.__globals__["_ember_cls"] = box_class
    register_class(box_class, instance_type)
    register(box_class)(_constructor_typer(constructor))
    return box_class


_new_instance_method = ctypes.pythonapi.PyInstanceMethod_New
_new_instance_method.restype = ctypes.py_object
_new_instance_method.argtypes = [ctypes.py_object]


def _instance_method(dispatcher):
    """A method calling `dispatcher(obj, ...)`, bound in C (CPython's
    instancemethod): no Python frame between `p.method(...)` and the call."""
    return _new_instance_method(dispatcher)


def _constructor_typer(constructor):
    def typer(args, kws):
        return Impl(None, None, py_impl=constructor)
    return typer


def _field_property(class_name, name, ty, options):
    getter, setter = _generate(
        f"def get_{name}(self):\n    return self.{name}\n\n\n"
        f"def set_{name}(self, value):\n    self.{name} = value\n",
        {}, f"{class_name}.{name}", (f"get_{name}", f"set_{name}"))
    return _property(class_name, name, getter, setter, options, ty)


def _property(class_name, name, getter, setter, options, ty=None):
    get = njit(**options)(getter)
    if setter is None:
        return property(get, doc=getter.__doc__)
    set_ = njit(**options)(setter)
    wanted = f" of type {ty}" if ty is not None else ""

    def fset(obj, value):
        try:
            set_(obj, value)
        except EmberError as exc:
            raise TypeError(f"cannot set {class_name}.{name}{wanted} to a value of type "
                            f"{type(value).__name__}:\n{exc}") from None
    return property(get, fset, doc=getter.__doc__ or f"{name}: {ty}")


def new_instance(cls):
    """Compiled code only: a new zero-filled instance of the jitclass `cls`."""
    raise NotImplementedError("new_instance() exists in compiled code only")


@register(new_instance)
def _type_new_instance(args, kws):
    (cls,) = args
    instance_type = cls.value.class_type.instance_type

    def emit(cg, values):
        from ember.codegen import instances

        return instances.allocate(cg, instance_type)
    return Impl(instance_type, args, emit=emit)


_names = itertools.count()


def _constructor(cls, members):
    """`Name(args)`: allocate, run __init__ on the new instance, return it.
    Its parameters (and defaults) are __init__'s after `self`."""
    init = members.init
    params = list(inspect.signature(init).parameters)[1:] if init is not None else []
    args = ", ".join(params)
    call = f"    _ember_init(_ember_self, {args})\n" if init is not None else ""
    source = (f"def {cls.__name__}({args}):\n    _ember_self = _ember_new(_ember_cls)\n"
              f"{call}    return _ember_self\n")
    (constructor,) = _generate(source, {"_ember_new": new_instance, "_ember_init": init},
                               cls.__name__, (cls.__name__,))
    if init is not None:
        constructor.__defaults__ = init.__defaults__
    constructor.__qualname__ = cls.__qualname__
    constructor.__module__ = cls.__module__
    return constructor


def _generate(source, scope, label, names):
    """Functions defined by `source`, readable by ember's frontend (linecache)."""
    filename = f"<ember jitclass {label} #{next(_names)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = dict(scope)
    exec(compile(source, filename, "exec"), namespace)
    return tuple(namespace[name] for name in names)
