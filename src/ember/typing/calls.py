"""Resolving calls: registry callees, compiled callees, and global values."""

import inspect
import types as pytypes

import numpy as np

from ember.errors import TypingError
from ember.ir import nodes as n
from ember.types import core as t
from ember.types.typeof import UnsupportedValue, typeof, typeof_array
from ember.typing.registry import Impl, lookup, similar_methods


def type_global(value):
    """The type of a global or closure value frozen into compiled code."""
    if isinstance(value, np.ndarray):
        return typeof_array(value).copy(readonly=True)
    if isinstance(value, (np.generic, tuple)):
        try:
            return typeof(value)
        except UnsupportedValue as exc:
            raise TypingError(str(exc)) from None
    if isinstance(value, pytypes.ModuleType):
        return t.CompileTimeValue(value, "module")
    if isinstance(value, type) and issubclass(value, BaseException):
        return t.CompileTimeValue(value, "exception class")
    if isinstance(value, str):
        return t.CompileTimeValue(value, "str")
    if isinstance(value, np.dtype):
        return t.CompileTimeValue(value, "dtype")
    if isinstance(value, (type(np.mgrid), type(np.ogrid))):
        return t.CompileTimeValue(value, "index builder")
    if callable(value):
        return t.CompileTimeValue(value, "function")
    raise TypingError(f"global value of type {type(value).__name__} is not supported in "
                      "compiled code", hint="globals may be numbers, tuples, NumPy arrays, "
                      "modules and functions")


def callee_name(callee):
    if isinstance(callee, tuple):
        return f"{callee[1].__name__.lower()}.{callee[2]}"
    module = getattr(callee, "__module__", None)
    name = getattr(callee, "__qualname__", None) or getattr(callee, "__name__", repr(callee))
    if module in (None, "builtins"):
        return name
    return f"{module}.{name}"


def resolve_call(callee, arg_types, kw_types, node):
    typer = lookup(callee)
    if typer is None:
        close = similar_methods(callee)
        hint = (f"did you mean {' or '.join(close)}?" if close
                else "see docs/supported.md for what compiled code can call")
        raise TypingError(f"{callee_name(callee)}() is not supported in compiled code",
                          node.loc, hint)
    impl = typer(tuple(arg_types), dict(kw_types))
    if impl is None:
        described = ", ".join([str(a) for a in arg_types] +
                              [f"{k}={v}" for k, v in kw_types.items()])
        raise TypingError(f"{callee_name(callee)}() does not support arguments ({described})",
                          node.loc)
    impl.binding = list(range(len(arg_types))) + list(kw_types)
    return impl


def with_literals(callee, arg_nodes, arg_types, kw_nodes, kw_types):
    """The argument types a registered typer sees: constant bools as literals
    for the parameters it names in `registry.literal_arguments`."""
    positions = getattr(lookup(callee), "literals", None)
    if not positions:
        return arg_types, kw_types
    arg_types, kw_types = list(arg_types), dict(kw_types)
    for name, index in positions.items():
        if name in kw_nodes:
            kw_types[name] = _literal(kw_nodes[name], kw_types[name])
        elif index is not None and index < len(arg_nodes):
            arg_types[index] = _literal(arg_nodes[index], arg_types[index])
    return arg_types, kw_types


def _literal(node, ty):
    if isinstance(node, n.Const) and isinstance(node.value, bool):
        return t.CompileTimeValue(node.value, "literal")
    return ty


def resolve_dispatcher(callee, arg_types, kw_types, node, type_function):
    """A call to a jitted function (or plain Python function): type its body."""
    from ember.frontend.lower import lower_function_cached

    py_func = getattr(callee, "py_func", callee)
    binding, defaults = bind_arguments(py_func, len(arg_types), list(kw_types), node)
    all_types = []
    for slot in binding:
        if isinstance(slot, int):
            all_types.append(arg_types[slot])
        elif isinstance(slot, str):
            all_types.append(kw_types[slot])
        else:
            all_types.append(_default_type(slot[1], node))
    typed = type_function(lower_function_cached(py_func), all_types)
    impl = Impl(typed.return_type, all_types)
    impl.typed, impl.binding, impl.callee = typed, binding, callee
    if typed.return_type is None:
        return None
    return impl


def _default_type(value, node):
    if isinstance(value, (bool, int, float, complex)) or value is None:
        from ember.typing.ops import const_type

        return const_type(value, node)
    return type_global(value)


def bind_arguments(py_func, n_positional, keywords, node):
    """Map call arguments to parameters: positional index, keyword name or
    ('default', value)."""
    params = list(inspect.signature(py_func).parameters.values())
    name = py_func.__qualname__
    if n_positional > len(params):
        raise TypingError(f"{name}() takes {len(params)} arguments but {n_positional} were "
                          "given", node.loc)
    binding = list(range(n_positional))
    for param in params[n_positional:]:
        if param.name in keywords:
            binding.append(param.name)
        elif param.default is not inspect.Parameter.empty:
            binding.append(("default", param.default))
        else:
            raise TypingError(f"{name}() missing required argument '{param.name}'", node.loc)
    extra = set(keywords) - {p.name for p in params[n_positional:]}
    if extra:
        raise TypingError(f"{name}() got an unexpected keyword argument "
                          f"'{sorted(extra)[0]}'", node.loc)
    return binding, None


__all__ = ["n"]
