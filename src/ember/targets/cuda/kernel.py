"""`@cuda.jit`: kernels, their launch configurations, and device functions.

A `Kernel` is launched as `kernel[griddim, blockdim](args)` (optionally
`[griddim, blockdim, stream, sharedmem]`). Without a GPU, the launch runs on
the CPU executor (executor.py), compiled once per argument types; host
arrays are passed in place, so what the kernel writes is in them when the
launch returns, as after Numba's copy back. `inspect_ptx()` / `inspect_asm()`
lower the same kernel to PTX (ptx.py) on any machine.
"""

import threading

from ember.dispatcher import parse_signature
from ember.errors import EmberError
from ember.types.typeof import typeof

MAX_THREADS_PER_BLOCK = 1024
MAX_BLOCK_DIM = (1024, 1024, 64)
MAX_GRID_DIM = (2**31 - 1, 65535, 65535)

_JIT_OPTIONS = {"device", "debug", "lineinfo", "inline", "opt", "fastmath", "cache",
                "max_registers", "link", "boundscheck", "forceinline", "launch_bounds"}


def jit(func_or_sig=None, device=False, **options):
    """Numba's `cuda.jit`: `@cuda.jit`, `@cuda.jit("void(f4[:])")`, `@cuda.jit(device=True)`."""
    unknown = set(options) - _JIT_OPTIONS
    if unknown:
        raise TypeError(f"unknown cuda.jit option(s) {sorted(unknown)}; accepted: "
                        f"{', '.join(sorted(_JIT_OPTIONS - {'device'}))}")
    if callable(func_or_sig) and not isinstance(func_or_sig, str):
        return _make(func_or_sig, None, device, options)
    signatures = func_or_sig

    def decorate(func):
        return _make(func, signatures, device, options)
    return decorate


def _make(func, signatures, device, options):
    if device:
        return DeviceFunction(func)
    return Kernel(func, signatures, options)


class DeviceFunction:
    """A `@cuda.jit(device=True)` function: callable from kernels and device functions."""

    _ember_cuda_device = True

    def __init__(self, py_func):
        self.py_func = py_func
        self.__name__, self.__doc__ = py_func.__name__, py_func.__doc__
        self.__wrapped__ = py_func
        self._cpu = None

    def cpu_function(self):
        if self._cpu is None:
            from ember.targets.cuda.executor import device_function

            self._cpu = device_function(self.py_func)
        return self._cpu

    def __call__(self, *args):
        raise RuntimeError(f"the device function {self.__name__} can only be called from a "
                           f"kernel or another device function")

    def __repr__(self):
        return f"<ember.cuda device function {self.__name__}>"


def normalize_dim(dim, what):
    """An int or a 1-3 tuple of ints as a 3-tuple."""
    if hasattr(dim, "x"):  # a Dim3-like object
        dim = (dim.x, dim.y, dim.z)
    if not isinstance(dim, tuple):
        dim = (dim,)
    if not 1 <= len(dim) <= 3 or not all(_is_int(d) for d in dim):
        raise ValueError(f"the {what} must be an int or a tuple of 1 to 3 ints, got {dim!r}")
    dim = tuple(int(d) for d in dim) + (1,) * (3 - len(dim))
    if any(d < 1 for d in dim):
        raise ValueError(f"the {what} must be positive, got {dim}")
    return dim


def _is_int(value):
    import numpy as np

    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_configuration(griddim, blockdim):
    griddim, blockdim = normalize_dim(griddim, "grid size"), normalize_dim(blockdim, "block size")
    threads = blockdim[0] * blockdim[1] * blockdim[2]
    if threads > MAX_THREADS_PER_BLOCK:
        raise ValueError(f"a block of {blockdim} has {threads} threads; CUDA allows at most "
                         f"{MAX_THREADS_PER_BLOCK} threads per block")
    for axis, (size, limit) in enumerate(zip(blockdim, MAX_BLOCK_DIM)):
        if size > limit:
            raise ValueError(f"block size {size} along {'xyz'[axis]} is over CUDA's {limit}")
    for axis, (size, limit) in enumerate(zip(griddim, MAX_GRID_DIM)):
        if size > limit:
            raise ValueError(f"grid size {size} along {'xyz'[axis]} is over CUDA's {limit}")
    return griddim, blockdim


class Kernel:
    """A `@cuda.jit` kernel: configure it with `[griddim, blockdim]`, then call."""

    _ember_cuda_kernel = True

    def __init__(self, py_func, signatures, options):
        self.py_func = py_func
        self.__name__, self.__doc__ = py_func.__name__, py_func.__doc__
        self.__qualname__ = py_func.__qualname__
        self.__wrapped__ = py_func
        self.options = options
        self.overloads = {}
        self._lock = threading.RLock()
        self._declared = [parse_signature(s)[0] for s in _signature_list(signatures)]
        for arg_types in self._declared:
            self.compile(arg_types, eager=True)

    def _codegen_options(self):
        options = {"fastmath": bool(self.options.get("fastmath"))}
        if self.options.get("boundscheck") is not None:
            options["boundscheck"] = bool(self.options["boundscheck"])
        return options

    def compile(self, arg_types, eager=False):
        """The CPU executor's compiled kernel for these argument types."""
        arg_types = tuple(arg_types)
        with self._lock:
            compiled = self.overloads.get(arg_types)
            if compiled is None:
                from ember.targets.cuda.executor import CompiledKernel

                compiled = CompiledKernel(self.py_func, arg_types, self._codegen_options(),
                                          eager)
                self.overloads[arg_types] = compiled
            return compiled

    def __getitem__(self, config):
        if not isinstance(config, tuple) or not 2 <= len(config) <= 4:
            raise ValueError("a kernel launch configuration is [griddim, blockdim] or "
                             "[griddim, blockdim, stream, sharedmem]")
        return LaunchConfiguration(self, *config)

    def configure(self, griddim, blockdim, stream=0, sharedmem=0):
        return LaunchConfiguration(self, griddim, blockdim, stream, sharedmem)

    def forall(self, ntasks, tpb=0, stream=0, sharedmem=0):
        """Numba's `kernel.forall(n)`: enough 1-D blocks of `tpb` threads for n tasks."""
        tpb = tpb or 128
        return LaunchConfiguration(self, max(1, (ntasks + tpb - 1) // tpb), tpb, stream,
                                   sharedmem)

    def __call__(self, *args, **kwargs):
        raise ValueError(  # Numba's message, with the kernel's name
            "Kernel launch configuration was not specified. Use the syntax:\n\n"
            f"{self.__name__}[blockspergrid, threadsperblock](arg0, arg1, ..., argn)\n\n"
            "See https://numba.readthedocs.io/en/stable/cuda/kernels.html#kernel-invocation "
            "for help.")

    def launch(self, args, griddim, blockdim, stream=0, sharedmem=0):
        from ember.targets.cuda.executor import as_host

        griddim, blockdim = check_configuration(griddim, blockdim)
        host_args = tuple(as_host(a) for a in args)
        arg_types = tuple(typeof(a) for a in host_args)
        compiled = self.overloads.get(arg_types) or self._declared_match(arg_types)
        if compiled is None:
            try:
                compiled = self.compile(arg_types)
            except EmberError as exc:  # the user's location is in the message
                raise exc.with_traceback(None) from None
        compiled.launch(host_args, griddim, blockdim, sharedmem)

    def _declared_match(self, arg_types):
        from ember.dispatcher import _convertible

        for declared in self._declared:
            if _convertible(arg_types, declared):
                return self.overloads[declared]
        return None

    # ---- introspection ---------------------------------------------------------

    def _per_signature(self, signature, lower):
        """`lower(types)` for the given signature, else {types: ...} for each compiled one."""
        if signature is not None:
            return lower(parse_signature(signature)[0])
        return {types: lower(types) for types in self.overloads}

    def inspect_ptx(self, signature=None, arch=None):
        """PTX for a signature (argument types or a signature string); without one,
        a dict with the PTX of each signature launched so far (Numba's form)."""
        from ember.targets.cuda import ptx

        def lower(types):
            return ptx.kernel_ptx(self.py_func, types, self._codegen_options(),
                                  arch or ptx.DEFAULT_ARCH)
        return self._per_signature(signature, lower)

    def inspect_llvm(self, signature=None):
        """NVVM IR (optimised LLVM IR for nvptx64), like inspect_ptx."""
        from ember.targets.cuda import ptx

        def lower(types):
            return ptx.kernel_nvvm_ir(self.py_func, types, self._codegen_options())
        return self._per_signature(signature, lower)

    def inspect_asm(self, signature=None):
        return self.inspect_ptx(signature)

    @property
    def signatures(self):
        return list(self.overloads)

    def __repr__(self):
        return f"<ember.cuda kernel {self.__qualname__}>"


def _signature_list(signatures):
    if signatures is None:
        return []
    return signatures if isinstance(signatures, list) else [signatures]


class LaunchConfiguration:
    """`kernel[griddim, blockdim]`: call it with the kernel's arguments."""

    def __init__(self, kernel, griddim, blockdim, stream=0, sharedmem=0):
        self.kernel = kernel
        self.griddim, self.blockdim = check_configuration(griddim, blockdim)
        self.stream, self.sharedmem = stream, sharedmem

    def __call__(self, *args):
        self.kernel.launch(args, self.griddim, self.blockdim, self.stream, self.sharedmem)
