"""One LLVM module per compiled entry point: the entry's function and every
function it calls (jitted callees and library code compiled from Python),
each emitted once per module with internal linkage so LLVM can inline."""

import itertools

from llvmlite import ir

from ember.codegen import models as m
from ember.codegen.function import FunctionEmitter
from ember.passes.boundscheck import remove_redundant_checks
from ember.passes.parallel import plan_parallel_loops
from ember.passes.virtual_arrays import find_virtual_arrays

_names = itertools.count()
# LLVM attributes for the marks of typing.registry.cold / inline_always.
_INLINE_ATTRIBUTES = {None: (), "cold": ("cold", "noinline"), "always": ("alwaysinline",)}


class ModuleEmitter:
    def __init__(self, name):
        self.llvm = ir.Module(name=name)
        self.keepalive = []  # Python objects whose addresses the code embeds
        self._functions = {}
        self._strings = {}

    def function_for(self, typed, options):
        """The LLVM function for `typed` in this module, emitting it on first use."""
        key = (typed.func, typed.arg_types, typed.return_type, _options_key(options))
        fn = self._functions.get(key)
        if fn is None:
            fnty = native_function_type(typed)
            fn = ir.Function(self.llvm, fnty, f"{typed.func.name}.{next(_names)}")
            fn.linkage = "internal"
            fn.attributes.add("nounwind")
            for attribute in _INLINE_ATTRIBUTES[getattr(typed.func.py_func, "_ember_inline", None)]:
                fn.attributes.add(attribute)
            self._functions[key] = fn
            remove_redundant_checks(typed)
            find_virtual_arrays(typed)
            plan_parallel_loops(typed, bool(options.get("parallel")))
            FunctionEmitter(self, typed, options, fn).emit()
        return fn

    def cstring(self, text):
        """A pointer to a NUL-terminated constant string."""
        glob = self._strings.get(text)
        if glob is None:
            data = bytearray(text.encode("utf-8")) + b"\0"
            arr = ir.ArrayType(m.i8, len(data))
            glob = ir.GlobalVariable(self.llvm, arr, f".str.{len(self._strings)}")
            glob.global_constant, glob.linkage = True, "internal"
            glob.initializer = ir.Constant(arr, data)
            self._strings[text] = glob
        return glob.bitcast(m.i8p)

    def pointer_constant(self, address):
        return ir.Constant(m.i64, address).inttoptr(m.i8p)


def native_function_type(typed):
    ret = m.value_type(typed.return_type).as_pointer()
    args = [m.value_type(a) for a in typed.arg_types]
    return ir.FunctionType(m.i32, [ret, m.excinfo_type.as_pointer()] + args)


def _options_key(options):
    return tuple(sorted((k, v) for k, v in options.items() if isinstance(v, (bool, str, int))))
