"""A plain-Python reference for kernel launches: every thread of a block is a
Python thread, `cuda.syncthreads()` a barrier of the threads that have not
returned (as CUDA counts them), shared arrays one
NumPy array per block. It runs the kernel's own Python function (with `cuda`
swapped for this module's stand-in), so it shares nothing with ember's
executor but the source."""

import threading
import types

import numpy as np


class _Dim3:
    def __init__(self, x, y, z):
        self.x, self.y, self.z = x, y, z


class _Cuda:
    """The `cuda` names a kernel uses, answered per emulated thread."""

    def __init__(self, griddim, blockdim):
        self.gridDim, self.blockDim = _Dim3(*griddim), _Dim3(*blockdim)
        self._local = threading.local()
        self.shared = types.SimpleNamespace(array=self._shared_array)
        self.local = types.SimpleNamespace(array=lambda shape, dtype: np.zeros(shape, dtype))
        self.atomic = types.SimpleNamespace(add=self._atomic_add)
        self._lock = threading.Lock()

    threadIdx = property(lambda self: self._local.thread)
    blockIdx = property(lambda self: self._local.block)

    def grid(self, ndim):
        axes = [getattr(self.threadIdx, a) + getattr(self.blockIdx, a) * getattr(
            self.blockDim, a) for a in "xyz"[:ndim]]
        return axes[0] if ndim == 1 else tuple(axes)

    def syncthreads(self):
        self._local.barrier.wait()

    def _shared_array(self, shape, dtype):
        # The k-th declaration a thread runs is the block's k-th shared array.
        k = self._local.declared
        self._local.declared += 1
        arrays = self._local.shared
        with self._lock:
            if len(arrays) <= k:
                arrays.append(np.zeros(shape, dtype))
            return arrays[k]

    def _atomic_add(self, array, index, value):
        with self._lock:
            old = array[index]
            array[index] += value
            return old


def launch(kernel, griddim, blockdim, *args):
    """Run `kernel` (an ember cuda kernel) over the grid in Python threads."""
    griddim = tuple(griddim) + (1,) * (3 - len(griddim))
    blockdim = tuple(blockdim) + (1,) * (3 - len(blockdim))
    cuda = _Cuda(griddim, blockdim)
    py_func = kernel.py_func
    namespace = dict(py_func.__globals__, cuda=cuda)
    function = types.FunctionType(py_func.__code__, namespace, py_func.__name__,
                                  py_func.__defaults__, py_func.__closure__)
    threads = blockdim[0] * blockdim[1] * blockdim[2]
    for bz in range(griddim[2]):
        for by in range(griddim[1]):
            for bx in range(griddim[0]):
                _run_block(cuda, function, (bx, by, bz), blockdim, threads, args)


class _Barrier:
    """CUDA's barrier: waits for every thread of the block that has not exited."""

    def __init__(self, parties):
        self.parties, self.waiting, self.generation = parties, 0, 0
        self.condition = threading.Condition()

    def wait(self):
        with self.condition:
            self.waiting += 1
            generation = self.generation
            self._release_if_complete()
            if not self.condition.wait_for(lambda: self.generation != generation, timeout=30):
                raise RuntimeError("emulated barrier timed out")

    def exit(self):
        with self.condition:
            self.parties -= 1
            self._release_if_complete()

    def _release_if_complete(self):
        if self.parties and self.waiting >= self.parties:
            self.waiting, self.generation = 0, self.generation + 1
            self.condition.notify_all()


def _run_block(cuda, function, block, blockdim, threads, args):
    barrier = _Barrier(threads)
    shared, errors = [], []

    def thread(tx, ty, tz):
        cuda._local.thread, cuda._local.block = _Dim3(tx, ty, tz), _Dim3(*block)
        cuda._local.barrier, cuda._local.shared = barrier, shared
        cuda._local.declared = 0
        try:
            function(*args)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        barrier.exit()  # returned (or failed): later barriers do not wait for it

    workers = [threading.Thread(target=thread, args=(tx, ty, tz))
               for tz in range(blockdim[2]) for ty in range(blockdim[1])
               for tx in range(blockdim[0])]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise errors[0]
