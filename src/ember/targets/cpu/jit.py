"""The CPU target: LLVM initialisation, the optimisation pipeline for the
host CPU, and the JIT engine every compiled module is added to."""

import threading

import llvmlite.binding as llvm

from ember import config
from ember.runtime import nrt
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
        self._load_runtime()

    def _load_runtime(self):
        """JIT the memory runtime and make its functions visible to later modules."""
        from ember.codegen.module import ModuleEmitter
        from ember.runtime import threads

        module = ModuleEmitter("ember_nrt")
        nrt.emit_runtime(module)
        threads.emit_thread_pool(module)
        mod = self.optimize(str(module.llvm))
        self.engine.add_module(mod)
        self.engine.finalize_object()
        addresses = {name: self.engine.get_function_address(name)
                     for name in nrt.FUNCTIONS + threads.FUNCTIONS}
        for name, address in addresses.items():
            llvm.add_symbol(name, address)
        addresses.update({name: self.engine.get_global_value_address(name)
                          for name in nrt.COUNTERS})
        threads.loaded({name: addresses[name] for name in threads.FUNCTIONS}, owner=self.engine)
        nrt.loaded(nrt.Runtime(addresses))

    def optimize(self, module_text):
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
