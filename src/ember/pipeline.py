"""The compiler's stages, in order, for one specialisation:

    frontend (AST -> ember IR) -> typing -> passes -> codegen (LLVM IR)
    -> llvm (optimise, JIT) -> entry (C-API wrapper as a builtin)

Set EMBER_DUMP=ir,typed,llvm,opt,asm to print a stage's output.
"""

import copy
import itertools
import sys
import zlib

from ember import config
from ember.codegen.entry import emit_entry
from ember.codegen.module import ModuleEmitter
from ember.errors import TypingError
from ember.frontend.lower import lower_function_cached
from ember.ir.printer import format_function
from ember.runtime.cpython import make_builtin
from ember.targets.cpu import cache as cache_module
from ember.targets.cpu.jit import cpu_target, jit_lock
from ember.typing.infer import type_function

_entry_names = itertools.count()


class Specialisation:
    """One compiled signature of a dispatcher."""

    from_cache = False  # loaded from the on-disk cache (no typed IR then)

    def __init__(self, typed, entry, llvm_text, keepalive):
        self.typed, self.entry = typed, entry
        self.llvm_text, self.keepalive = llvm_text, keepalive

    @property
    def signature(self):
        return self.typed.signature

    def assembly(self):
        return cpu_target().assembly(self.llvm_text)


class CachedTypes:
    """What a specialisation loaded from the cache knows of its types."""

    def __init__(self, name, arg_types, return_type):
        self.name, self.arg_types, self.return_type = name, tuple(arg_types), return_type

    @property
    def signature(self):
        from ember.types.core import Signature

        return Signature(self.return_type, self.arg_types)

    def typed(self, py_func):
        """The typed IR, inferred again on demand (for inspect_types)."""
        return type_function(lower_function_cached(py_func), self.arg_types)


def compile_specialisation(py_func, arg_types, options, miss_sentinel, return_type=None,
                           cache=None):
    """Compile one signature; with a FunctionCache (cache=True), load it from
    disk when a valid entry exists and write one after compiling."""
    key = None
    if cache is not None:
        key = _cache_key(cache, py_func, arg_types, options, return_type)
        spec = _load_cached(cache, key) if key is not None else None
        if spec is not None:
            return spec
    func = lower_function_cached(py_func)
    _dump("ir", lambda: format_function(func))
    typed = type_function(func, tuple(arg_types))
    if return_type is not None and return_type != typed.return_type:
        typed = _declared_return(typed, return_type)
    _dump("typed", lambda: format_function(func, typed.typemap))
    with jit_lock():
        target = cpu_target()
        module = ModuleEmitter(func.name, cache_module.Relocations() if key else None)
        native = module.function_for(typed, options)
        name = (cache.entry_name(func.name) if key else
                f"ember_entry.{func.name}.{next(_entry_names)}")
        emit_entry(module, typed, native, miss_sentinel, name, py_func.__defaults__)
        text = str(module.llvm)
        _dump("llvm", lambda: text)
        optimised = target.optimize(text)
        optimised_text = str(optimised)
        _dump("opt", lambda: optimised_text)
        _dump("asm", lambda: target.machine.emit_assembly(optimised))
        if key is None:
            address = target.add(optimised, [name])[name]
        else:  # the object code the cache stores is the one this process runs
            module.relocations.register()
            obj = target.machine.emit_object(optimised)
            address = target.add_object(obj, [name])[name]
            cache_module.remember(name, address)
    entry = make_builtin(func.name, address, module.keepalive)
    if key is not None:
        _save_cached(cache, key, module, optimised, optimised_text, name, typed, obj)
    return Specialisation(typed, entry, optimised_text, module.keepalive)


def _cache_key(cache, py_func, arg_types, options, return_type):
    try:
        return cache.key(arg_types, options, return_type)
    except cache_module.Uncacheable as exc:
        cache_module.warn_uncacheable(py_func, exc)
        return None


def _load_cached(cache, key):
    record = cache.load(key)
    if record is None:
        return None
    with jit_lock():
        try:
            address, keepalive = cache_module.link(cpu_target(), record)
        except Exception:  # noqa: BLE001 - an object no longer found: compile instead
            return None
    entry = make_builtin(record["name"], address, keepalive)
    types = CachedTypes(record["name"], record["arg_types"], record["return_type"])
    spec = Specialisation(types, entry, zlib.decompress(record["llvm"]).decode(), keepalive)
    spec.from_cache = True
    return spec


def _save_cached(cache, key, module, optimised, text, name, typed, obj):
    try:
        record = cache.record(key, module, optimised, text, name, typed, obj)
    except cache_module.Uncacheable as exc:
        cache_module.warn_uncacheable(typed.func.py_func, exc, typed.signature)
        return
    cache.save(key, record)


def _declared_return(typed, return_type):
    """An eager signature's return type: the result is converted to it."""
    from ember.typing.ops import can_store

    if not can_store(typed.return_type, return_type):
        raise TypingError(f"{typed.func.name} returns {typed.return_type}, which cannot be "
                          f"converted to the declared {return_type}", typed.func.loc)
    declared = copy.copy(typed)
    declared.return_type = return_type
    return declared


def _dump(stage, text):
    if stage in config.DUMP:
        print(f"---- {stage} ----\n{text()}", file=sys.stderr)


_trampoline = []


def trampoline_address(miss, raise_mark):
    """Address of the process-wide dispatcher call path (compiled once)."""
    from ember.codegen.trampoline import NAME, emit_trampoline

    with jit_lock():
        if not _trampoline:
            addresses, keepalive = cache_module.runtime_module(
                cpu_target(), "ember_trampoline",
                lambda module: emit_trampoline(module, miss, raise_mark), [NAME])
            _trampoline.append((addresses[NAME], keepalive))
        return _trampoline[0][0]
