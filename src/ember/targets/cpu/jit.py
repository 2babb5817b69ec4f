"""The CPU target: LLVM initialisation, the optimisation pipeline for the
host CPU, and the JIT engine every compiled module is added to."""

import threading

import llvmlite.binding as llvm

from ember import config
from ember.runtime import nrt, threads
from ember.runtime.cpython import numpy_api_addresses, symbol_addresses

_lock = threading.RLock()
_target = None


class CPUTarget:
    def __init__(self):
        llvm.initialize_native_target()
        llvm.initialize_native_asmprinter()
        for name, address in {**symbol_addresses(), **numpy_api_addresses()}.items():
            llvm.add_symbol(name, address)
        target = llvm.Target.from_default_triple()
        self.machine = target.create_target_machine(
            cpu=llvm.get_host_cpu_name(), features=llvm.get_host_cpu_features().flatten(),
            opt=min(config.OPT, 3), jit=True, codemodel="jitdefault")
        self.triple = llvm.get_process_triple()
        self.data_layout = str(self.machine.target_data)
        self.engine = llvm.create_mcjit_compiler(llvm.parse_assembly(""), self.machine)
        self.pass_options = llvm.create_pipeline_tuning_options(speed_level=min(config.OPT, 3))
        self.pass_options.loop_vectorization = config.OPT >= 2
        self.pass_options.slp_vectorization = config.OPT >= 2
        self.pool_loaded = False
        self.keepalive = []  # objects the runtime modules' code refers to
        self._load_runtime()

    def _load_runtime(self):
        """JIT the memory runtime and make its functions visible to later modules."""
        addresses = self._jit_runtime("ember_nrt", nrt.emit_runtime, nrt.FUNCTIONS)
        addresses.update({name: self.engine.get_global_value_address(name)
                          for name in nrt.COUNTERS})
        nrt.loaded(nrt.Runtime(addresses))

    def ensure_thread_pool(self):
        """JIT the thread pool on first need (about 60 ms that code without
        parallel regions or np.random never pays)."""
        with _lock:
            if not self.pool_loaded:
                addresses = self._jit_runtime("ember_threads", threads.emit_thread_pool,
                                              threads.FUNCTIONS)
                threads.loaded(addresses, owner=self.engine)
                self.pool_loaded = True

    def _jit_runtime(self, name, emit, functions):
        """JIT a runtime module; its `functions` become symbols later modules link to."""
        from ember.targets.cpu.cache import runtime_module

        addresses, keepalive = runtime_module(self, name, emit, functions)
        self.keepalive.append(keepalive)
        for symbol, address in addresses.items():
            llvm.add_symbol(symbol, address)
        return addresses

    def optimize(self, module_text):
        if not self.pool_loaded and any(name in module_text for name in threads.FUNCTIONS):
            self.ensure_thread_pool()  # the module calls into the pool
        return self._optimized(module_text)

    def optimize_runtime(self, module_text):
        """`optimize` for ember's own runtime modules (they never need the pool)."""
        return self._optimized(module_text)

    def _optimized(self, module_text):
        mod = llvm.parse_assembly(module_text)
        mod.triple, mod.data_layout = self.triple, self.data_layout
        mod.verify()
        if config.OPT > 0:
            builder = llvm.create_pass_builder(self.machine, self.pass_options)
            builder.getModulePassManager().run(mod, builder)
        return mod

    def add(self, mod, names):
        """JIT `mod` and return the addresses of the named functions."""
        self.engine.add_module(mod)
        self.engine.finalize_object()
        return {name: self.engine.get_function_address(name) for name in names}

    def add_object(self, data, names):
        """Load object code (from the on-disk cache) and return the addresses
        of the named functions; its undefined symbols must be registered."""
        self.engine.add_object_file(llvm.ObjectFileRef.from_data(data))
        self.engine.finalize_object()
        return {name: self.engine.get_function_address(name) for name in names}

    def assembly(self, module_text):
        return self.machine.emit_assembly(llvm.parse_assembly(module_text))


def cpu_target():
    global _target
    with _lock:
        if _target is None:
            _target = CPUTarget()
        return _target


def jit_lock():
    return _lock
