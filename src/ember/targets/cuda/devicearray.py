"""Device arrays, streams and the device itself, for the CPU executor.

Without a GPU, "device memory" is host memory: a `DeviceNDArray` owns a
NumPy array of its own (so copies keep Numba's semantics: `to_device` copies,
`copy_to_host` copies), and kernels read and write it in place.
"""

import numpy as np


class DeviceNDArray:
    """Numba's DeviceNDArray: an array in (here: emulated) device memory."""

    __array_priority__ = 0

    def __init__(self, host_array, stream=0):
        self._ember_host_array = host_array
        self.stream = stream

    # ---- what Numba's device arrays expose ----------------------------------

    shape = property(lambda self: self._ember_host_array.shape)
    strides = property(lambda self: self._ember_host_array.strides)
    dtype = property(lambda self: self._ember_host_array.dtype)
    ndim = property(lambda self: self._ember_host_array.ndim)
    size = property(lambda self: self._ember_host_array.size)
    nbytes = property(lambda self: self._ember_host_array.nbytes)
    alloc_size = nbytes

    def __len__(self):
        return len(self._ember_host_array)

    def copy_to_host(self, ary=None, stream=0):
        """A new host copy, or a copy into `ary` (which must have the same shape and dtype)."""
        if ary is None:
            return self._ember_host_array.copy()
        _check_same(ary, self._ember_host_array, "copy_to_host")
        np.copyto(ary, self._ember_host_array)
        return ary

    def copy_to_device(self, ary, stream=0):
        """Overwrite this array with a host array's (or another device array's) contents."""
        source = getattr(ary, "_ember_host_array", None)
        source = np.asarray(ary) if source is None else source
        _check_same(source, self._ember_host_array, "copy_to_device")
        np.copyto(self._ember_host_array, source)

    def is_c_contiguous(self):
        return self._ember_host_array.flags.c_contiguous

    def is_f_contiguous(self):
        return self._ember_host_array.flags.f_contiguous

    def reshape(self, *shape, order="C"):
        return DeviceNDArray(self._ember_host_array.reshape(*shape, order=order))

    def ravel(self, order="C"):
        return DeviceNDArray(self._ember_host_array.ravel(order=order))

    def __getitem__(self, index):
        value = self._ember_host_array[index]
        return DeviceNDArray(value) if isinstance(value, np.ndarray) else value

    def __setitem__(self, index, value):
        self._ember_host_array[index] = getattr(value, "_ember_host_array", value)

    def split(self, section, stream=0):
        host = self._ember_host_array
        return [DeviceNDArray(host[i:i + section]) for i in range(0, len(host), section)]

    def get_ipc_handle(self):
        raise NotImplementedError("IPC handles need a GPU")

    @property
    def T(self):
        return DeviceNDArray(self._ember_host_array.T)

    def __array__(self, dtype=None, copy=None):
        host = self._ember_host_array.copy()
        return host if dtype is None else host.astype(dtype)

    def __repr__(self):
        return f"<ember.cuda DeviceNDArray shape={self.shape} dtype={self.dtype} (CPU executor)>"


def _check_same(a, b, what):
    if a.shape != b.shape or a.dtype != b.dtype:
        raise ValueError(f"{what}: shapes/dtypes differ: {a.shape} {a.dtype} vs "
                         f"{b.shape} {b.dtype}")


def to_device(obj, stream=0, copy=True, to=None):
    """A device copy of a host array (or `to.copy_to_device(obj)` when `to` is given)."""
    if to is not None:
        to.copy_to_device(obj, stream)
        return to
    if isinstance(obj, DeviceNDArray):
        return obj
    return DeviceNDArray(np.array(obj, copy=True, order="K", subok=False), stream)


def device_array(shape, dtype=np.float64, strides=None, order="C", stream=0):
    """An uninitialised device array (Numba's contents are undefined; here zeros)."""
    return DeviceNDArray(np.zeros(shape, dtype=dtype, order=order), stream)


def device_array_like(ary, stream=0):
    host = getattr(ary, "_ember_host_array", ary)
    order = "F" if host.flags.f_contiguous and not host.flags.c_contiguous else "C"
    return device_array(host.shape, host.dtype, order=order, stream=stream)


def pinned_array(shape, dtype=np.float64, strides=None, order="C"):
    """Page-locked host memory on a GPU; an ordinary array here."""
    return np.empty(shape, dtype=dtype, order=order)


def mapped_array(shape, dtype=np.float64, strides=None, order="C", stream=0, portable=False,
                 wc=False):
    return np.empty(shape, dtype=dtype, order=order)


def pinned_array_like(ary):
    return np.empty_like(ary)


def is_cuda_array(obj):
    return isinstance(obj, DeviceNDArray)


class Stream:
    """A CUDA stream. Launches on the CPU executor complete before they return,
    so every stream is always synchronised."""

    def __init__(self, handle=0):
        self.handle = handle

    def synchronize(self):
        pass

    def auto_synchronize(self):
        import contextlib

        return contextlib.nullcontext(self)

    def __repr__(self):
        return f"<ember.cuda Stream {self.handle} (CPU executor: synchronous)>"


def stream():
    return Stream(1)


def default_stream():
    return Stream(0)


legacy_default_stream = per_thread_default_stream = default_stream


def synchronize():
    """Wait for every launch to finish: they already have, on the CPU executor."""


class Event:
    def __init__(self, timing=True):
        import time

        self._time = time.perf_counter
        self._at = None

    def record(self, stream=0):
        self._at = self._time()

    def synchronize(self):
        pass

    def wait(self, stream=0):
        pass

    def elapsed_time(self, other):
        return (other._at - self._at) * 1e3


def event(timing=True):
    return Event(timing)


def event_elapsed_time(start, end):
    return start.elapsed_time(end)
