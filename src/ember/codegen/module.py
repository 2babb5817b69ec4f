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
    def __init__(self, name, relocations=None):
        self.llvm = ir.Module(name=name)
        self.keepalive = []  # Python objects whose addresses the code embeds
        self.py_funcs = []  # every Python function compiled into the module, in order
        # For modules written to the on-disk cache (targets/cpu/cache.py):
        # turns embedded addresses into symbols resolved when loaded.
        self.relocations = relocations
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
            if typed.func.py_func is not None and typed.func.py_func not in self.py_funcs:
                self.py_funcs.append(typed.func.py_func)
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
        """A process-specific address (an object's id, an array's data) as an
        i8*: a plain constant LLVM can fold, or in a cached module a symbol."""
        if self.relocations is not None:
            symbol = self.relocations.symbol_for(self, address)
            if symbol is not None:
                glob = self.llvm.globals.get(symbol)
                if glob is None:
                    glob = ir.GlobalVariable(self.llvm, m.i8, symbol)
                    glob.linkage = "external"
                return glob.bitcast(m.i8p)
        return ir.Constant(m.i64, address).inttoptr(m.i8p)


def native_function_type(typed):
    ret = m.value_type(typed.return_type).as_pointer()
    args = [m.value_type(a) for a in typed.arg_types]
    return ir.FunctionType(m.i32, [ret, m.excinfo_type.as_pointer()] + args)


def _options_key(options):
    return tuple(sorted((k, v) for k, v in options.items() if isinstance(v, (bool, str, int))))
