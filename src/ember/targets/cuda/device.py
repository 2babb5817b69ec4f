"""The device: detection, selection and a minimal context.

`is_available()` is True only when the CUDA driver (`libcuda.so.1`) loads and
reports a device. Kernels run on the CPU executor in every case for now: the
driver path (PTX through `cuModuleLoadData`) is not implemented yet.
"""

import ctypes
import functools


@functools.lru_cache(maxsize=1)
def _driver_device_count():
    try:
        driver = ctypes.CDLL("libcuda.so.1")
    except OSError:
        return 0
    count = ctypes.c_int(0)
    if driver.cuInit(0) != 0 or driver.cuDeviceGetCount(ctypes.byref(count)) != 0:
        return 0
    return count.value


def is_available():
    """Whether a CUDA GPU and its driver are present."""
    return _driver_device_count() > 0


class CpuDevice:
    """The device kernels run on without a GPU: the CPU executor."""

    id = 0
    name = b"ember CPU executor (no CUDA GPU)"
    compute_capability = (0, 0)

    def __repr__(self):
        return "<ember.cuda CPU executor device>"

    def reset(self):
        pass


class Context:
    """Numba's current_context(), the parts that make sense without a GPU."""

    def __init__(self):
        self.device = CpuDevice()

    def get_memory_info(self):
        import os

        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        return free, pages

    def synchronize(self):
        pass

    def reset(self):
        pass

    def __repr__(self):
        return "<ember.cuda context (CPU executor)>"


_context = Context()


def current_context(devnum=None):
    return _context


def get_current_device():
    return _context.device


def select_device(device_id):
    """Select the device kernels run on: only device 0 (the CPU executor) exists here."""
    if device_id != 0:
        raise ValueError(f"no CUDA device {device_id}: kernels run on the CPU executor "
                         f"(device 0)")
    return _context.device


def close():
    pass


def list_devices():
    return [_context.device]


gpus = list_devices()


def detect():
    """Print what ember found, like Numba's cuda.detect(); True when a GPU is usable."""
    count = _driver_device_count()
    if count:
        print(f"Found {count} CUDA device(s); ember runs kernels on the CPU executor "
              "(its GPU driver path is not implemented yet)")
        return True
    print("No CUDA GPU found (libcuda.so.1 absent or without devices): @cuda.jit kernels run "
          "on ember's CPU executor; PTX is available through kernel.inspect_ptx()")
    return False
