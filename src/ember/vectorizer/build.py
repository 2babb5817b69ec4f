"""Compiling a kernel for one type signature into a ufunc inner loop."""

import itertools

from ember import config
from ember.errors import EmberError, InternalError, TypingError
from ember.types import core as t
from ember.vectorizer import loops

_names = itertools.count()
_gil_symbols = []


class Loop:
    """One compiled inner loop: its address, the NumPy dtypes of its nin + nout
    arguments, and what its code holds on to."""

    def __init__(self, address, dtypes, signature, keepalive, llvm_text):
        self.address, self.dtypes, self.signature = address, dtypes, signature
        self.keepalive, self.llvm_text = keepalive, llvm_text


def kernel_options(options):
    """Codegen options of a ufunc kernel: NumPy's error model (x / 0 is inf,
    as in NumPy's own ufuncs and Numba's), the user's fastmath."""
    boundscheck = options.get("boundscheck")
    return {"error_model": "numpy", "fastmath": bool(options.get("fastmath")),
            "parallel": False,
            "boundscheck": config.BOUNDSCHECK if boundscheck is None else bool(boundscheck)}


def compile_elementwise(py_func, arg_types, return_type, options, parallel):
    """A @vectorize loop for scalar `arg_types` (return type inferred when None)."""
    return _guarded(py_func, arg_types, _compile_elementwise, py_func, arg_types, return_type,
                    options, parallel)


def compile_gufunc(py_func, arg_types, layout, options, parallel):
    """A @guvectorize loop for `arg_types` (checked against `layout`)."""
    return _guarded(py_func, arg_types, _compile_gufunc, py_func, arg_types, layout, options,
                    parallel)


def _guarded(py_func, arg_types, compile_loop, *args):
    """compile_loop(*args); its compile errors say which loop and reach the
    user without ember's frames; a stray internal exception is wrapped."""
    context = f"while compiling the ufunc loop of {py_func.__name__} for {_args_text(arg_types)}"
    try:
        return compile_loop(*args)
    except EmberError as exc:
        exc.hint = f"{exc.hint}; {context}" if exc.hint else context
        exc.args = (exc._render(),)
        error = exc
    except Exception as exc:
        error = InternalError(f"{type(exc).__name__}: {exc}", None, context)
    raise error.with_traceback(None) from None


def _compile_elementwise(py_func, arg_types, return_type, options, parallel):
    typed = _typed(py_func, arg_types, return_type)
    if not isinstance(typed.return_type, t.Number):
        raise TypingError(f"a @vectorize kernel must return a scalar number; {py_func.__name__}"
                          f"{_args_text(arg_types)} returns {typed.return_type}",
                          typed.func.loc)
    return _compile(typed, options, parallel, None, lambda module, kernel, name:
                    loops.emit_elementwise_range(module, kernel, arg_types,
                                                 typed.return_type, name))


def _compile_gufunc(py_func, arg_types, layout, options, parallel):
    typed = _typed(py_func, arg_types, None)
    return _compile(typed, options, parallel, layout, lambda module, kernel, name:
                    loops.emit_gufunc_range(module, kernel, arg_types, layout, name))


def _typed(py_func, arg_types, return_type):
    from ember.frontend.lower import lower_function_cached
    from ember.pipeline import _declared_return
    from ember.typing.infer import type_function

    typed = type_function(lower_function_cached(py_func), tuple(arg_types))
    if return_type is not None and return_type != typed.return_type:
        typed = _declared_return(typed, return_type)
    return typed


def _compile(typed, options, parallel, layout, emit_range):
    from ember.codegen.module import ModuleEmitter
    from ember.pipeline import _dump
    from ember.targets.cpu.jit import cpu_target, jit_lock
    from ember.types.typeof import to_dtype
    from ember.vectorizer.signatures import element_type

    with jit_lock():
        target = cpu_target()
        _add_gil_symbols()
        module = ModuleEmitter(f"ember_ufunc.{typed.func.name}")
        kernel = module.function_for(typed, kernel_options(options))
        name = f"ember_ufunc.{typed.func.name}.{next(_names)}"
        range_fn = emit_range(module, kernel, f"{name}.range")
        loops.emit_ufunc_loop(module, range_fn, name, parallel, layout)
        text = str(module.llvm)
        _dump("llvm", lambda: text)  # EMBER_DUMP=llvm,opt as for jitted functions
        optimised = target.optimize(text)
        optimised_text = str(optimised)
        _dump("opt", lambda: optimised_text)
        address = target.add(optimised, [name])[name]
    types = [element_type(a) for a in typed.arg_types]
    if layout is None:
        types.append(typed.return_type)
    return Loop(address, [to_dtype(ty) for ty in types], typed.signature, module.keepalive,
                optimised_text)


def _add_gil_symbols():
    if not _gil_symbols:
        import ctypes

        import llvmlite.binding as llvm

        for name in loops.GIL_API:
            llvm.add_symbol(name, ctypes.cast(getattr(ctypes.pythonapi, name),
                                              ctypes.c_void_p).value)
        _gil_symbols.append(True)


def _args_text(arg_types):
    return f"({', '.join(map(str, arg_types))})"
