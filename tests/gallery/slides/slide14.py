import ember as numba
import numpy as np

@numba.jit(nopython=True, parallel=True)
def numba_optimized_function(arr):
    result = np.zeros_like(arr)
    for i in numba.prange(arr.shape[0]):
        result[i] = np.sin(arr[i]) + np.cos(arr[i])
    return result

# Example usage
data = np.random.rand(10_000_000)
result = numba_optimized_function(data)
print(f"Result shape: {result.shape}")
print(f"First few values: {result[:5]}")
