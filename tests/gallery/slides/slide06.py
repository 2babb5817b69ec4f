import ember as numba
import numpy as np
import time

@numba.jit(nopython=True, parallel=True)
def parallel_sum(arr):
    sum = 0.0
    for i in numba.prange(arr.shape[0]):
        sum += arr[i]
    return sum

# Compare parallel vs non-parallel
data = np.random.rand(100_000_000)

start = time.time()
result_serial = np.sum(data)
end = time.time()
print(f"Serial time: {end - start:.4f} seconds")

start = time.time()
result_parallel = parallel_sum(data)
end = time.time()
print(f"Parallel time: {end - start:.4f} seconds")

print(f"Results match: {np.allclose(result_serial, result_parallel)}")
