"""Kernels lowered to NVVM IR and PTX with llvmlite alone (no CUDA toolkit).

The kernel body is rewritten as for the CPU executor (transform.py), except
that `cuda.syncthreads()` stays in the body as `llvm.nvvm.barrier0`. ember's
codegen compiles that per-thread function; a `void` entry function marked in
`!nvvm.annotations` reads the execution context from the
`llvm.nvvm.read.ptx.sreg.*` registers, builds each shared array over an
`addrspace(3)` global, and calls it. LLVM's NVPTX backend emits the PTX.

Code for the GPU has no bounds checks (as in Numba's CUDA target) and
NumPy's error model (no exceptions: a GPU thread has nowhere to raise to).
Local arrays are not lowered yet (the CPU executor has them).
"""

import llvmlite.binding as llvm
from llvmlite import ir

from ember.codegen import models as m
from ember.errors import UnsupportedError
from ember.targets.cuda.transform import (
    CONTEXT,
    KernelSource,
    KernelTarget,
    call,
    function_def,
    rewrite,
)
from ember.types import core as t
from ember.types.typeof import from_dtype

TRIPLE = "nvptx64-nvidia-cuda"
DEFAULT_ARCH = "sm_75"  # the oldest architecture CUDA 13 still assembles
PTX_OPTIONS = {"error_model": "numpy", "parallel": False, "boundscheck": False}
_SREGS = ("tid", "ctaid", "ntid", "nctaid")  # THREAD, BLOCK, BLOCK_DIM, GRID_DIM order
_machine = {}


def _barrier_stub():
    raise RuntimeError("cuda.syncthreads runs only in compiled kernels")


class PtxTarget(KernelTarget):
    """What CUDA names become in code for the GPU (see transform.Rewriter)."""

    def barrier(self, kernel, node):
        _register_barrier()
        return call(kernel.inject(_barrier_stub, "barrier"), [])

    def local_array(self, kernel, shape, dtype, node):
        raise kernel.unsupported(node, "cuda.local.array is not lowered to PTX yet (the CPU "
                                 "executor runs it)")


PTX = PtxTarget()
_registered = []


def _register_barrier():
    if _registered:
        return
    from ember.typing.registry import Impl, register

    @register(_barrier_stub)
    def typer(args, kws):
        return Impl(t.none, [], emit=_emit_barrier)
    _registered.append(typer)


def _emit_barrier(cg, args):
    module = cg.builder.module
    fn = module.globals.get("llvm.nvvm.barrier0")
    if fn is None:
        fn = ir.Function(module, ir.FunctionType(ir.VoidType(), []), "llvm.nvvm.barrier0")
    cg.builder.call(fn, [])
    return m.zero(t.none)


def _machine_for(arch):
    if arch not in _machine:
        llvm.initialize_all_targets()
        llvm.initialize_all_asmprinters()
        target = llvm.Target.from_triple(TRIPLE)
        _machine[arch] = target.create_target_machine(cpu=arch, opt=3)
    return _machine[arch]


def kernel_nvvm_ir(py_func, arg_types, options, arch=DEFAULT_ARCH):
    """NVVM IR of a kernel for argument types `arg_types`: LLVM IR for nvptx64 with
    the kernel marked in `!nvvm.annotations`, before optimisation (LLVM's own
    upgrade turns the annotation into the `ptx_kernel` calling convention)."""
    return _kernel_ir(py_func, tuple(arg_types), options, arch)


def kernel_ptx(py_func, arg_types, options, arch=DEFAULT_ARCH):
    """PTX assembly of a kernel for `arg_types` (target `arch`, e.g. sm_75)."""
    machine = _machine_for(arch)
    mod = llvm.parse_assembly(_kernel_ir(py_func, tuple(arg_types), options, arch))
    mod.verify()
    builder = llvm.create_pass_builder(machine, llvm.create_pipeline_tuning_options(3))
    builder.getModulePassManager().run(mod, builder)
    return machine.emit_assembly(mod)


def _kernel_ir(py_func, arg_types, options, arch):
    from ember.codegen.module import ModuleEmitter
    from ember.frontend.lower import lower_function_cached
    from ember.targets.cpu.jit import jit_lock
    from ember.typing.infer import type_function

    kernel = KernelSource(py_func)
    shared = list(kernel.shared_arrays().values())
    for array in shared:
        if array.dynamic:
            raise UnsupportedError("dynamic shared memory (cuda.shared.array(0, ...)) is not "
                                   "lowered to PTX yet (the CPU executor runs it)", array.loc)
    body = rewrite(kernel, kernel.tree.body, PTX)
    params = kernel.params + [s.var for s in shared] + list(CONTEXT)
    fn = kernel.make_function(function_def(f"_cu_body_{py_func.__name__}", params, body,
                                           kernel.tree))
    shared_types = [s.ember_type(from_dtype) for s in shared]
    typed = type_function(lower_function_cached(fn),
                          list(arg_types) + shared_types + [t.int64] * len(CONTEXT))
    codegen_options = dict(PTX_OPTIONS, fastmath=bool(options.get("fastmath")))
    with jit_lock():
        module = ModuleEmitter(py_func.__name__)
        native = module.function_for(typed, codegen_options)
        entry = _emit_entry(module.llvm, py_func.__name__, native, arg_types, shared,
                            shared_types)
        _annotate(module.llvm, entry)
        module.llvm.triple = TRIPLE
        module.llvm.data_layout = str(_machine_for(arch).target_data)
        return str(module.llvm)


def _emit_entry(module, name, native, arg_types, shared, shared_types):
    """`void name(args)`: the context from special registers, shared arrays in
    addrspace(3), then the body."""
    values = [m.value_type(a) for a in arg_types]
    entry = ir.Function(module, ir.FunctionType(ir.VoidType(), values), name)
    bld = ir.IRBuilder(entry.append_basic_block("entry"))
    out = bld.alloca(m.value_type(t.none))  # the body returns nothing
    excinfo = bld.alloca(m.excinfo_type)
    arrays = [_shared_array(module, bld, s, ty) for s, ty in zip(shared, shared_types)]
    context = [bld.sext(_sreg(module, bld, f"{reg}.{axis}"), m.i64)
               for reg in _SREGS for axis in "xyz"]
    bld.call(native, [out, excinfo, *entry.args, *arrays, *context])
    bld.ret_void()
    return entry


def _sreg(module, bld, register):
    fn_name = f"llvm.nvvm.read.ptx.sreg.{register}"
    fn = module.globals.get(fn_name)
    if fn is None:
        fn = ir.Function(module, ir.FunctionType(ir.IntType(32), []), fn_name)
    return bld.call(fn, [])


def _shared_array(module, bld, shared, ty):
    """An array value over a per-block global in the shared address space."""
    count = 1
    for extent in shared.shape:
        count *= extent
    element = m.storage_type(ty.dtype)
    storage = ir.GlobalVariable(module, ir.ArrayType(element, count),
                                f"_cu_shared_{shared.var}", addrspace=3)
    storage.linkage, storage.initializer = "internal", ir.Constant(
        ir.ArrayType(element, count), None)
    storage.align = 16
    data = bld.addrspacecast(storage, element.as_pointer())
    itemsize = shared.dtype.itemsize
    strides, step = [], itemsize
    for extent in reversed(shared.shape):
        strides.insert(0, step)
        step *= extent
    dims = ir.ArrayType(m.i64, len(shared.shape))
    struct = ir.LiteralStructType([m.i8p, m.i8p, data.type, dims, dims])
    value = ir.Constant(struct, [ir.Constant(m.i8p, None), ir.Constant(m.i8p, None),
                                 ir.Constant(data.type, None),
                                 ir.Constant(dims, list(shared.shape)),
                                 ir.Constant(dims, strides)])
    return bld.insert_value(value, data, m.ARRAY_DATA)


def _annotate(module, entry):
    annotations = module.add_named_metadata("nvvm.annotations")
    annotations.add(module.add_metadata([entry, "kernel", ir.Constant(ir.IntType(32), 1)]))
