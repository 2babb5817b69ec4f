"""The names kernels use (`cuda.threadIdx.x`, `cuda.grid`, `cuda.shared.array`,
`cuda.atomic.add`, ...): stand-ins that only mean something inside a kernel.

The kernel rewriter (transform.py) recognises these objects by identity after
resolving a kernel's attribute chains, and replaces each use by what the
executor or the PTX backend provides. Called from Python, they raise.
"""


class KernelOnly:
    """A CUDA name that has a meaning only in compiled kernel code."""

    def __init__(self, name):
        self.name = name

    def __call__(self, *args, **kwargs):
        raise RuntimeError(f"cuda.{self.name} can only be used inside a @cuda.jit kernel")

    def __repr__(self):
        return f"<cuda.{self.name}>"


class Dim3Register(KernelOnly):
    """threadIdx, blockIdx, blockDim, gridDim: their .x, .y, .z components."""

    def __init__(self, name):
        super().__init__(name)
        self.x, self.y, self.z = (KernelOnly(f"{name}.{axis}") for axis in "xyz")


class Namespace:
    """cuda.shared, cuda.local, cuda.atomic: a group of kernel-only functions."""

    def __init__(self, name, functions):
        self._name = name
        for function in functions:
            setattr(self, function, KernelOnly(f"{name}.{function}"))

    def __repr__(self):
        return f"<cuda.{self._name}>"


threadIdx = Dim3Register("threadIdx")
blockIdx = Dim3Register("blockIdx")
blockDim = Dim3Register("blockDim")
gridDim = Dim3Register("gridDim")
grid = KernelOnly("grid")
gridsize = KernelOnly("gridsize")
syncthreads = KernelOnly("syncthreads")
shared = Namespace("shared", ["array"])
local = Namespace("local", ["array"])
const = Namespace("const", ["array_like"])
ATOMIC_OPERATIONS = ("add", "sub", "max", "min", "exch", "compare_and_swap", "cas", "and_",
                     "or_", "xor")
atomic = Namespace("atomic", ATOMIC_OPERATIONS)

REGISTERS = {"threadIdx": threadIdx, "blockIdx": blockIdx, "blockDim": blockDim,
             "gridDim": gridDim}
