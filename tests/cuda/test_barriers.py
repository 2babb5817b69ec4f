"""Kernels with barriers in the places the phase splitter supports, each
compared with a Python-thread emulation of the same launch (emulator.py)."""

import numpy as np
import pytest

from ember import cuda

from . import emulator

N = 16


@cuda.jit
def prefix_sums(x, out):
    # Hillis-Steele scan: a barrier inside a for loop, a value kept per thread.
    buf = cuda.shared.array(N, np.int64)
    t = cuda.threadIdx.x
    buf[t] = x[cuda.grid(1)]
    cuda.syncthreads()
    offset = 1
    for _step in range(4):
        add = 0
        if t >= offset:
            add = buf[t - offset]
        cuda.syncthreads()
        buf[t] += add
        cuda.syncthreads()
        offset *= 2
    out[cuda.grid(1)] = buf[t] + _step * 0  # the loop variable after the loop


@cuda.jit
def uniform_branch(x, out):
    # A barrier inside an if whose condition is the same for the whole block.
    buf = cuda.shared.array(N, np.float64)
    t = cuda.threadIdx.x
    flag = x[cuda.blockIdx.x * N] > 0.5
    if cuda.blockIdx.x % 2 == 0:
        buf[t] = x[cuda.grid(1)] * 2
        cuda.syncthreads()
        value = buf[N - 1 - t]
    else:
        buf[t] = x[cuda.grid(1)] + 1
        cuda.syncthreads()
        value = buf[(t + 3) % N]
    out[cuda.grid(1)] = value + flag


@cuda.jit
def nested_loops(x, out):
    # Barriers in nested loops; the inner loop's bounds use the outer's variable.
    buf = cuda.shared.array(N, np.float64)
    t = cuda.threadIdx.x
    acc = 0.0
    for i in range(3):
        for j in range(i + 1):
            buf[t] = x[cuda.grid(1)] * (i + 1) + j
            cuda.syncthreads()
            acc += buf[(t + i + j) % N]
            cuda.syncthreads()
    out[cuda.grid(1)] = acc


@cuda.jit
def two_dimensional(x, out):
    # A 2-D block: a transpose through shared memory.
    tile = cuda.shared.array((4, 4), np.float64)
    tx, ty = cuda.threadIdx.x, cuda.threadIdx.y
    row, col = cuda.grid(2)
    tile[ty, tx] = x[row, col]
    cuda.syncthreads()
    out[row, col] = tile[tx, ty]


@cuda.jit
def uniform_and_recomputed(x, out):
    # Values the executor computes once per block (base, scale, n) or recomputes
    # per phase (t, j) instead of keeping them per thread.
    buf = cuda.shared.array(N, np.float64)
    base = cuda.blockIdx.x * N
    t = cuda.threadIdx.x
    j = base + (t + 1) % N
    scale = 1.0
    n = 3
    buf[t] = x[j]
    cuda.syncthreads()
    while n > 0:
        scale *= 2
        v = buf[(t + n) % N] * scale
        cuda.syncthreads()
        buf[t] = v
        cuda.syncthreads()
        n -= 1
    out[base + t] = buf[t] + j


@cuda.jit
def early_exit(x, out):
    # Threads that return take no part in later barriers or loop-bound checks.
    buf = cuda.shared.array(N, np.float64)
    t = cuda.threadIdx.x
    if t % 3 == 1:
        out[cuda.grid(1)] = -1.0
        return
    buf[t] = x[cuda.grid(1)]
    limit = t // 4
    cuda.syncthreads()
    total = 0.0
    for k in range(3):
        total += buf[(t + k) % N]
        cuda.syncthreads()
        if t > 12:
            out[cuda.grid(1)] = total
            return
    out[cuda.grid(1)] = total + limit


@pytest.mark.parametrize("kernel", [prefix_sums, uniform_branch, nested_loops,
                                    uniform_and_recomputed, early_exit])
def test_matches_python_thread_emulation(kernel):
    dtype = np.int64 if kernel is prefix_sums else np.float64
    x = (np.random.default_rng(0).random(3 * N) * 100).astype(dtype)
    out, expected = np.zeros_like(x), np.zeros_like(x)
    kernel[3, N](x, out)
    emulator.launch(kernel, (3,), (N,), x, expected)
    np.testing.assert_array_equal(out, expected)


def test_prefix_sums_is_a_cumulative_sum():
    x = np.arange(2 * N)
    out = np.zeros_like(x)
    prefix_sums[2, N](x, out)
    np.testing.assert_array_equal(out, np.cumsum(x.reshape(2, N), axis=1).ravel())


def test_2d_block_with_barrier_matches_emulation():
    x = np.random.default_rng(1).random((8, 8))
    out, expected = np.zeros_like(x), np.zeros_like(x)
    two_dimensional[(2, 2), (4, 4)](x, out)
    emulator.launch(two_dimensional, (2, 2), (4, 4), x, expected)
    np.testing.assert_array_equal(out, expected)
