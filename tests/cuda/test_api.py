"""ember.cuda's host API on a machine without a GPU: device arrays, streams,
the device, and the errors of a wrong launch or an unsupported kernel."""

import numpy as np
import pytest

from ember import cuda
from ember.errors import UnsupportedError


@cuda.jit
def double(x):
    i = cuda.grid(1)
    if i < x.size:
        x[i] *= 2


def test_device_array_round_trip():
    host = np.arange(100, dtype=np.float32)
    d = cuda.to_device(host)
    assert (d.shape, d.dtype, d.size, d.ndim) == ((100,), np.float32, 100, 1)
    double[1, 128](d)
    np.testing.assert_array_equal(host, np.arange(100))  # to_device copied
    np.testing.assert_array_equal(d.copy_to_host(), 2 * host)
    out = np.zeros_like(host)
    assert d.copy_to_host(out) is out
    np.testing.assert_array_equal(out, 2 * host)
    d.copy_to_device(np.ones(100, dtype=np.float32))
    np.testing.assert_array_equal(d.copy_to_host(), np.ones(100))


def test_device_array_creation():
    d = cuda.device_array((3, 4), dtype=np.int32)
    assert d.shape == (3, 4) and d.dtype == np.int32
    like = cuda.device_array_like(np.zeros((5,), dtype=np.float64))
    assert like.shape == (5,) and like.dtype == np.float64
    pinned = cuda.pinned_array(7, dtype=np.int16)
    assert isinstance(pinned, np.ndarray) and pinned.shape == (7,)
    with pytest.raises(ValueError):
        d.copy_to_host(np.zeros((4, 3), dtype=np.int32))


def test_host_arrays_are_written_back():
    x = np.arange(10.0)
    double[1, 32](x)
    np.testing.assert_array_equal(x, 2 * np.arange(10.0))


def test_streams_and_device_queries(capsys):
    s = cuda.stream()
    d = cuda.to_device(np.arange(4.0), stream=s)
    double[1, 4, s](d)
    s.synchronize()
    np.testing.assert_array_equal(d.copy_to_host(stream=s), [0, 2, 4, 6])
    assert cuda.is_available() in (False, True)
    cuda.detect()
    assert capsys.readouterr().out
    assert cuda.select_device(0) is cuda.get_current_device()
    free, total = cuda.current_context().get_memory_info()
    assert 0 < free <= total
    cuda.synchronize()


def test_no_gpu_here():
    assert not cuda.is_available()


def test_launch_without_configuration_is_numbas_error():
    with pytest.raises(ValueError, match="launch configuration was not specified"):
        double(np.zeros(3))


@pytest.mark.parametrize("griddim, blockdim, message", [
    (1, 1025, "at most 1024 threads per block"),
    (1, (32, 32, 2), "at most 1024 threads per block"),
    (1, (1, 1, 65), "over CUDA's 64"),
    (0, 32, "must be positive"),
    ((1, 2, 3, 4), 32, "tuple of 1 to 3 ints"),
    (1.5, 32, "tuple of 1 to 3 ints"),
])
def test_bad_launch_configurations(griddim, blockdim, message):
    with pytest.raises(ValueError, match=message):
        double[griddim, blockdim](np.zeros(3))


def test_kernel_returning_a_value_is_an_error_with_location():
    @cuda.jit
    def returns(x):
        return x[0]

    with pytest.raises(UnsupportedError, match="cannot return a value") as info:
        returns[1, 1](np.zeros(3))
    assert "test_api.py" in str(info.value) and "return x[0]" in str(info.value)


def test_unsupported_cuda_name_is_an_error_with_location():
    @cuda.jit
    def fence(x):
        cuda.threadfence_system()
        x[0] = 1

    with pytest.raises(UnsupportedError, match="threadfence_system") as info:
        fence[1, 1](np.zeros(3))
    assert "test_api.py" in str(info.value)


def test_host_api_inside_a_kernel_is_an_error():
    @cuda.jit
    def nested(x):
        y = cuda.to_device(x)
        x[0] = y[0]

    with pytest.raises(UnsupportedError, match="to_device"):
        nested[1, 1](np.zeros(3))


def test_barrier_in_unsupported_place_is_an_error_with_location():
    @cuda.jit
    def bad(x):
        for v in x:
            cuda.syncthreads()
            x[0] = v

    with pytest.raises(UnsupportedError, match="range") as info:
        bad[1, 4](np.zeros(3))
    assert "for v in x" in str(info.value)


def test_divergent_barrier_loop_raises_instead_of_hanging():
    @cuda.jit
    def divergent(x):
        i = cuda.threadIdx.x
        while i < 4:
            cuda.syncthreads()
            i += 1
        x[cuda.threadIdx.x] = i

    with pytest.raises(RuntimeError, match="differ between the threads"):
        divergent[1, 4](np.zeros(4))


def test_kernel_only_names_from_python_raise():
    with pytest.raises(RuntimeError, match="inside a @cuda.jit kernel"):
        cuda.grid(1)


def test_out_of_bounds_in_kernel_raises_index_error():
    @cuda.jit
    def oob(x):
        x[cuda.grid(1) + 5] = 1.0

    with pytest.raises(IndexError):
        oob[1, 8](np.zeros(8))


def test_importing_cuda_loads_no_llvm():
    import subprocess
    import sys

    code = ("import sys; from ember import cuda; "
            "print('llvmlite' in sys.modules, 'ember.lib.builtins' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]
