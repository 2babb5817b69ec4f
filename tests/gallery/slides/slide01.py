import ember as numba
import numpy as np

@numba.jit
def sum_array(arr):
    total = 0
    for i in range(len(arr)):
        total += arr[i]
    return total

# Example usage
data = np.random.rand(1000000)
result = sum_array(data)
print(f"Sum of array: {result}")
