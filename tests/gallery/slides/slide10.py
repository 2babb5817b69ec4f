import ember as numba
import numpy as np
import time

@numba.vectorize
def fast_exp(x):
    return np.exp(x)

# Compare performance
data = np.random.rand(10_000_000)

start = time.time()
result_numpy = np.exp(data)
end = time.time()
print(f"NumPy exp time: {end - start:.4f} seconds")

start = time.time()
result_numba = fast_exp(data)
end = time.time()
print(f"Numba vectorized exp time: {end - start:.4f} seconds")

print(f"Results match: {np.allclose(result_numpy, result_numba)}")
