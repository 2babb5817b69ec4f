"""The CUDA target: `@cuda.jit` kernels, run by the CPU executor when no GPU is
present (executor.py, phases.py) and lowered to PTX with llvmlite (ptx.py).

transform.py rewrites a kernel's CUDA names for either backend; kernel.py is
the launch API; devicearray.py and device.py emulate device memory, streams
and the device. The public names are re-exported by `ember.cuda`.
"""
