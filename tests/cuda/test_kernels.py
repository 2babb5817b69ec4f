"""@cuda.jit kernels on the CPU executor, each checked against NumPy or a
plain-Python emulation of the launch (every block, every thread, in order)."""

import math

import numpy as np
import pytest

import ember as numba
from ember import cuda


def emulate(body, griddim, blockdim, *args):
    """Run `body(ctx, *args)` for every thread of a launch, in Python."""
    griddim = griddim + (1,) * (3 - len(griddim))
    blockdim = blockdim + (1,) * (3 - len(blockdim))
    for bz in range(griddim[2]):
        for by in range(griddim[1]):
            for bx in range(griddim[0]):
                for tz in range(blockdim[2]):
                    for ty in range(blockdim[1]):
                        for tx in range(blockdim[0]):
                            body((tx, ty, tz), (bx, by, bz), blockdim, griddim, *args)


@cuda.jit
def vector_add(a, b, result):
    i = cuda.grid(1)
    if i < result.shape[0]:
        result[i] = a[i] + b[i]


@pytest.mark.parametrize("n", [1, 255, 256, 257, 10_000])
def test_slide8_kernel_matches_numpy(n):
    rng = np.random.default_rng(n)
    a, b = rng.random(n, dtype=np.float32), rng.random(n, dtype=np.float32)
    result = np.zeros_like(a)
    vector_add[(n + 255) // 256, 256](a, b, result)
    cuda.synchronize()
    np.testing.assert_array_equal(result, a + b)


def test_launch_with_stream_and_sharedmem_and_tuples():
    a = np.arange(1000, dtype=np.float64)
    out = np.zeros_like(a)
    vector_add[(4,), (256,), cuda.stream(), 0](a, a, out)
    np.testing.assert_array_equal(out, 2 * a)


def test_shorter_input_raises_index_error_like_ember():
    a, b = np.ones(300), np.ones(200)
    out = np.zeros(300)
    with pytest.raises(IndexError):
        vector_add[2, 256](a, b, out)


@cuda.jit
def add_2d(a, b, out):
    x, y = cuda.grid(2)
    if x < out.shape[0] and y < out.shape[1]:
        out[x, y] = a[x, y] * 2 + b[x, y]


def test_2d_grid_matches_numpy():
    a = np.random.default_rng(0).random((37, 53))
    b = np.random.default_rng(1).random((37, 53))
    out = np.zeros_like(a)
    add_2d[(5, 7), (8, 8)](a, b, out)
    np.testing.assert_array_equal(out, a * 2 + b)


@cuda.jit
def registers_3d(out):
    x = cuda.threadIdx.x + cuda.blockIdx.x * cuda.blockDim.x
    y = cuda.threadIdx.y + cuda.blockIdx.y * cuda.blockDim.y
    z = cuda.threadIdx.z + cuda.blockIdx.z * cuda.blockDim.z
    sx, sy, sz = cuda.gridsize(3)
    if x < out.shape[0] and y < out.shape[1] and z < out.shape[2]:
        out[x, y, z] = x * 10000 + y * 100 + z + sx * sy * sz * 0 + cuda.gridDim.z * 0


def test_3d_grid_and_registers():
    out = np.zeros((6, 5, 7), dtype=np.int64)
    registers_3d[(2, 2, 3), (4, 3, 3)](out)
    x, y, z = np.indices(out.shape)
    np.testing.assert_array_equal(out, x * 10000 + y * 100 + z)


@cuda.jit
def write_context(out):
    x, y, z = cuda.grid(3)
    if x < out.shape[0] and y < out.shape[1] and z < out.shape[2]:
        out[x, y, z, 0] = cuda.threadIdx.x + 10 * cuda.threadIdx.y + 100 * cuda.threadIdx.z
        out[x, y, z, 1] = cuda.blockIdx.x + 10 * cuda.blockIdx.y + 100 * cuda.blockIdx.z
        out[x, y, z, 2] = cuda.blockDim.x + 10 * cuda.blockDim.y + 100 * cuda.blockDim.z
        out[x, y, z, 3] = cuda.gridDim.x + 10 * cuda.gridDim.y + 100 * cuda.gridDim.z


def test_context_values_match_python_emulation():
    griddim, blockdim = (3, 2, 2), (2, 3, 2)
    out = np.zeros((6, 6, 4, 4), dtype=np.int64)
    write_context[griddim, blockdim](out)
    expected = np.zeros_like(out)

    def body(t, b, bd, gd, out):
        x, y, z = (t[k] + b[k] * bd[k] for k in range(3))
        out[x, y, z] = [t[0] + 10 * t[1] + 100 * t[2], b[0] + 10 * b[1] + 100 * b[2],
                        bd[0] + 10 * bd[1] + 100 * bd[2], gd[0] + 10 * gd[1] + 100 * gd[2]]
    emulate(body, griddim, blockdim, expected)
    np.testing.assert_array_equal(out, expected)


@cuda.jit
def grid_stride_scale(x, factor, out):
    start = cuda.grid(1)
    stride = cuda.gridsize(1)
    for i in range(start, x.shape[0], stride):
        out[i] = x[i] * factor


def test_grid_stride_loop():
    x = np.linspace(0, 1, 10_001)
    out = np.zeros_like(x)
    grid_stride_scale[7, 32](x, 3.5, out)
    np.testing.assert_array_equal(out, x * 3.5)


@cuda.jit(device=True)
def clamp(value, low, high):
    return min(max(value, low), high)


@cuda.jit(device=True)
def polynomial(x):
    return clamp(x * x - 2.0 * x, -0.5, 0.5) + math.sin(x)


@cuda.jit
def apply_polynomial(x, out):
    i = cuda.grid(1)
    if i < x.size:
        out[i] = polynomial(x[i])


def test_device_functions_nested():
    x = np.linspace(-3, 3, 1000)
    out = np.zeros_like(x)
    apply_polynomial[4, 256](x, out)
    np.testing.assert_allclose(out, np.clip(x * x - 2 * x, -0.5, 0.5) + np.sin(x), rtol=1e-14,
                               atol=1e-15)  # ember's sin: within 1 ulp


@cuda.jit("void(float64[:], float64[:])")
def with_signature(x, out):
    i = cuda.grid(1)
    if i < x.shape[0]:
        out[i] = x[i] + 1


def test_eager_signature():
    x = np.arange(10.0)
    out = np.zeros(10)
    with_signature[1, 32](x, out)
    np.testing.assert_array_equal(out, x + 1)


@cuda.jit
def local_cumsum(x, out):
    i = cuda.grid(1)
    if i < x.shape[0]:
        acc = cuda.local.array(4, numba.types.float64)
        for k in range(4):
            acc[k] = x[i] * (k + 1)
        total = 0.0
        for k in range(4):
            total += acc[k]
        out[i] = total


def test_local_array_per_thread():
    x = np.arange(300, dtype=np.float64)
    out = np.zeros_like(x)
    local_cumsum[2, 256](x, out)
    np.testing.assert_array_equal(out, x * 10)


@cuda.jit
def early_return(x):
    i = cuda.grid(1)
    if i >= x.shape[0]:
        return
    x[i] += 1


def test_early_return_ends_only_that_thread():
    x = np.zeros(100)
    early_return[1, 128](x)
    np.testing.assert_array_equal(x, np.ones(100))


def test_scalar_arguments_and_integer_arrays():
    @cuda.jit
    def fill(out, value, offset):
        i = cuda.grid(1)
        if i < out.shape[0]:
            out[i] = value + i * offset

    out = np.zeros(50, dtype=np.int32)
    fill[2, 32](out, 7, 3)
    np.testing.assert_array_equal(out, 7 + np.arange(50) * 3)


def test_signature_compiles_at_decoration():
    from ember.errors import UnsupportedError

    with pytest.raises(UnsupportedError, match="cannot return a value"):
        @cuda.jit("void(float64[:])")
        def returns(x):
            return x[0]
