import ember as numba
import numpy as np
import time

@numba.jit
def sum_squares(arr):
    sum = 0.0
    for i in range(arr.shape[0]):
        sum += arr[i] * arr[i]
    return sum

# Compare performance
data = np.random.rand(10_000_000)

start = time.time()
result_numpy = np.sum(np.square(data))
end = time.time()
print(f"NumPy time: {end - start:.4f} seconds")

start = time.time()
result_numba = sum_squares(data)
end = time.time()
print(f"Numba time: {end - start:.4f} seconds")

print(f"Results match: {np.allclose(result_numpy, result_numba)}")
