"""`from ember import cuda`: Numba's CUDA API.

Without a GPU (and for now always), kernels run on ember's CPU executor: the
same kernel source, compiled by the CPU pipeline, blocks spread across the
thread pool. `kernel.inspect_ptx()` shows the PTX the kernel lowers to. The
implementation lives in ember.targets.cuda; this module only re-exports it.
"""

from ember.targets.cuda.device import (
    close,
    current_context,
    detect,
    get_current_device,
    gpus,
    is_available,
    list_devices,
    select_device,
)
from ember.targets.cuda.devicearray import (
    DeviceNDArray,
    Event,
    Stream,
    default_stream,
    device_array,
    device_array_like,
    event,
    event_elapsed_time,
    is_cuda_array,
    legacy_default_stream,
    mapped_array,
    per_thread_default_stream,
    pinned_array,
    pinned_array_like,
    stream,
    synchronize,
    to_device,
)
from ember.targets.cuda.intrinsics import (
    atomic,
    blockDim,
    blockIdx,
    const,
    grid,
    gridDim,
    gridsize,
    local,
    shared,
    syncthreads,
    threadIdx,
)
from ember.targets.cuda.kernel import jit

warpsize = 32


def is_supported_version():
    return True


def pinned(*arrays):
    """Numba's `with cuda.pinned(a):` context manager: nothing to do on the CPU."""
    import contextlib

    return contextlib.nullcontext()


__all__ = ["DeviceNDArray", "Event", "Stream", "atomic", "blockDim", "blockIdx", "close",
           "const", "current_context", "default_stream", "detect", "device_array",
           "device_array_like", "event", "event_elapsed_time", "get_current_device", "gpus",
           "grid", "gridDim", "gridsize", "is_available", "is_cuda_array",
           "is_supported_version", "jit", "legacy_default_stream", "list_devices", "local",
           "mapped_array", "per_thread_default_stream", "pinned", "pinned_array",
           "pinned_array_like", "select_device", "shared", "stream", "synchronize",
           "syncthreads", "threadIdx", "to_device", "warpsize"]
