import ember as numba
from ember import cuda
import numpy as np
import time

@cuda.jit
def vector_add(a, b, result):
    i = cuda.grid(1)
    if i < result.shape[0]:
        result[i] = a[i] + b[i]

# Example usage
n = 10_000_000
a = np.random.rand(n).astype(np.float32)
b = np.random.rand(n).astype(np.float32)
result = np.zeros_like(a)

threads_per_block = 256
blocks_per_grid = (n + threads_per_block - 1) // threads_per_block

start = time.time()
vector_add[blocks_per_grid, threads_per_block](a, b, result)
cuda.synchronize()
end = time.time()

print(f"GPU vector addition time: {end - start:.4f} seconds")
print(f"Result (first 5 elements): {result[:5]}")
