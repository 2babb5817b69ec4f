"""Shared arrays, barriers (also inside loops) and atomics on the CPU executor,
against NumPy; atomics with the blocks spread over several OS threads."""

import numpy as np
import pytest

import ember
from ember import cuda
from ember import types as et

TPB = 128


@cuda.jit
def block_sums(x, partial):
    sdata = cuda.shared.array(TPB, et.float64)
    tid = cuda.threadIdx.x
    i = cuda.grid(1)
    if i < x.shape[0]:
        sdata[tid] = x[i]
    else:
        sdata[tid] = 0.0
    cuda.syncthreads()
    s = cuda.blockDim.x // 2
    while s > 0:
        if tid < s:
            sdata[tid] += sdata[tid + s]
        cuda.syncthreads()
        s //= 2
    if tid == 0:
        partial[cuda.blockIdx.x] = sdata[0]


@pytest.mark.parametrize("n", [1, 128, 1000, 100_003])
def test_shared_memory_reduction_matches_np_sum(n):
    x = np.random.default_rng(n).random(n)
    blocks = (n + TPB - 1) // TPB
    partial = np.zeros(blocks)
    block_sums[blocks, TPB](x, partial)
    padded = np.zeros(blocks * TPB)
    padded[:n] = x
    np.testing.assert_allclose(partial, padded.reshape(blocks, TPB).sum(axis=1), rtol=1e-12)
    assert partial.sum() == pytest.approx(np.sum(x), rel=1e-12)


TILE = 16


@cuda.jit
def tiled_matmul(A, B, C):
    sA = cuda.shared.array(shape=(TILE, TILE), dtype=np.float32)
    sB = cuda.shared.array(shape=(TILE, TILE), dtype=np.float32)
    x, y = cuda.grid(2)
    tx = cuda.threadIdx.x
    ty = cuda.threadIdx.y
    tiles = (A.shape[1] + TILE - 1) // TILE
    acc = np.float32(0.0)
    for t in range(tiles):
        sA[tx, ty] = 0
        sB[tx, ty] = 0
        if x < A.shape[0] and ty + t * TILE < A.shape[1]:
            sA[tx, ty] = A[x, ty + t * TILE]
        if y < B.shape[1] and tx + t * TILE < B.shape[0]:
            sB[tx, ty] = B[tx + t * TILE, y]
        cuda.syncthreads()
        for k in range(TILE):
            acc += sA[tx, k] * sB[k, ty]
        cuda.syncthreads()
    if x < C.shape[0] and y < C.shape[1]:
        C[x, y] = acc


@pytest.mark.parametrize("shape", [(16, 16, 16), (37, 50, 29)])
def test_tiled_matmul_with_barriers_in_a_loop(shape):
    m, k, n = shape
    rng = np.random.default_rng(m)
    A = rng.random((m, k), dtype=np.float32)
    B = rng.random((k, n), dtype=np.float32)
    C = np.zeros((m, n), dtype=np.float32)
    grid = ((m + TILE - 1) // TILE, (n + TILE - 1) // TILE)
    tiled_matmul[grid, (TILE, TILE)](A, B, C)
    np.testing.assert_allclose(C, A @ B, rtol=1e-5)


@cuda.jit
def reverse_in_block(x):
    buf = cuda.shared.array(64, np.int64)
    t = cuda.threadIdx.x
    base = cuda.blockIdx.x * 64
    buf[t] = x[base + t]
    cuda.syncthreads()
    x[base + t] = buf[63 - t]


def test_barrier_orders_shared_writes_before_reads():
    x = np.arange(64 * 5)
    reverse_in_block[5, 64](x)
    np.testing.assert_array_equal(x, np.arange(64 * 5).reshape(5, 64)[:, ::-1].ravel())


@cuda.jit
def local_across_barrier(x, out):
    vals = cuda.local.array(3, np.float64)
    shared = cuda.shared.array(32, np.float64)
    t = cuda.threadIdx.x
    for k in range(3):
        vals[k] = x[t] * (k + 1)
    shared[t] = vals[0]
    cuda.syncthreads()
    out[t] = shared[31 - t] + vals[1] + vals[2]


def test_local_arrays_are_kept_per_thread_across_barriers():
    x = np.arange(32.0)
    out = np.zeros(32)
    local_across_barrier[1, 32](x, out)
    np.testing.assert_array_equal(out, x[::-1] + 5 * x)


@cuda.jit
def histogram(data, bins):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    for j in range(i, data.shape[0], stride):
        cuda.atomic.add(bins, data[j], 1)


def test_atomic_histogram_matches_bincount_on_several_threads():
    assert ember.get_num_threads() >= 1
    data = np.random.default_rng(0).integers(0, 16, 200_000)
    bins = np.zeros(16, dtype=np.int64)
    histogram[64, 128](data, bins)
    np.testing.assert_array_equal(bins, np.bincount(data, minlength=16))


@cuda.jit
def atomic_float_ops(x, out):
    i = cuda.grid(1)
    if i < x.shape[0]:
        cuda.atomic.add(out, 0, x[i])
        cuda.atomic.max(out, 1, x[i])
        cuda.atomic.min(out, 2, x[i])
        cuda.atomic.sub(out, 3, x[i])


def test_atomic_float_add_max_min_sub():
    x = np.arange(1, 4097, dtype=np.float64)  # integers: the sum is exact in any order
    out = np.array([0.0, -np.inf, np.inf, 0.0])
    atomic_float_ops[32, 128](x, out)
    np.testing.assert_array_equal(out, [x.sum(), x.max(), x.min(), -x.sum()])


@cuda.jit
def atomic_int_ops(out, old_values):
    i = cuda.grid(1)
    old_values[i] = cuda.atomic.add(out, (0, 0), 1)
    cuda.atomic.max(out, (0, 1), i)
    cuda.atomic.min(out, (1, 0), i)
    cuda.atomic.exch(out, (1, 1), 7)


def test_atomic_integer_ops_return_old_values():
    out = np.array([[0, -1], [10**9, 0]], dtype=np.int32)
    old = np.zeros(1024, dtype=np.int32)
    atomic_int_ops[8, 128](out, old)
    np.testing.assert_array_equal(out, [[1024, 1023], [0, 7]])
    np.testing.assert_array_equal(np.sort(old), np.arange(1024))  # each old value once


@cuda.jit
def first_claim(flag, winner):
    i = cuda.grid(1)
    if cuda.atomic.compare_and_swap(flag, 0, 1) == 0:
        winner[0] = i
    cuda.atomic.cas(flag, 1, 0, i + 1)


def test_compare_and_swap_lets_exactly_one_thread_win():
    flag = np.zeros(2, dtype=np.int64)
    winner = np.full(1, -1, dtype=np.int64)
    first_claim[16, 64](flag, winner)
    assert flag[0] == 1 and 0 <= winner[0] < 1024
    assert 1 <= flag[1] <= 1024


@cuda.jit
def rotate_dynamic(x, out):
    buf = cuda.shared.array(0, dtype=np.float32)
    t = cuda.threadIdx.x
    n = cuda.blockDim.x
    i = cuda.grid(1)
    buf[t] = x[i]
    cuda.syncthreads()
    out[i] = buf[(t + 1) % n] + buf.shape[0] * 0


def test_dynamic_shared_memory_sized_by_the_launch():
    x = np.arange(3 * 32, dtype=np.float32)
    out = np.zeros_like(x)
    rotate_dynamic[3, 32, 0, 32 * 4](x, out)
    np.testing.assert_array_equal(out, np.roll(x.reshape(3, 32), -1, axis=1).ravel())
    with pytest.raises(IndexError):  # too little dynamic shared memory for the block
        rotate_dynamic[3, 32, 0, 16 * 4](x, out)


def test_per_block_and_per_thread_arrays_are_freed():
    x = np.random.default_rng(3).random(1000)
    partial = np.zeros(8)
    block_sums[8, TPB](x, partial)
    before = ember.runtime.stats()
    block_sums[8, TPB](x, partial)
    local_across_barrier[1, 32](np.arange(32.0), np.zeros(32))
    after = ember.runtime.stats()
    assert after.allocs > before.allocs and after.alive == before.alive


@cuda.jit
def numba_docs_fast_matmul(A, B, C):
    # Numba's documentation example: threads outside C return before the barriers.
    sA = cuda.shared.array(shape=(TILE, TILE), dtype=np.float32)
    sB = cuda.shared.array(shape=(TILE, TILE), dtype=np.float32)
    x, y = cuda.grid(2)
    tx = cuda.threadIdx.x
    ty = cuda.threadIdx.y
    bpg = cuda.gridDim.x
    if x >= C.shape[0] and y >= C.shape[1]:
        return
    tmp = 0.
    for i in range(bpg):
        sA[tx, ty] = A[x, ty + i * TILE]
        sB[tx, ty] = B[tx + i * TILE, y]
        cuda.syncthreads()
        for j in range(TILE):
            tmp += sA[tx, j] * sB[j, ty]
        cuda.syncthreads()
    C[x, y] = tmp


def test_numba_docs_fast_matmul_with_early_return():
    n = 3 * TILE
    rng = np.random.default_rng(5)
    A, B = rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32)
    C = np.zeros((n, n), dtype=np.float32)
    numba_docs_fast_matmul[(3, 3), (TILE, TILE)](A, B, C)
    np.testing.assert_allclose(C, A @ B, rtol=1e-5)
