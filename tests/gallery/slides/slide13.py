import ember as numba
import time

@numba.jit
def function_with_python_objects(x):
    # This function uses a Python dictionary, which Numba can't optimize
    d = {1: 'one', 2: 'two', 3: 'three'}
    return d.get(x, 'unknown')

# Measure compilation time
start = time.time()
result = function_with_python_objects(2)
end = time.time()
print(f"First call (compilation) time: {end - start:.4f} seconds")

# Measure subsequent call time
start = time.time()
result = function_with_python_objects(2)
end = time.time()
print(f"Second call time: {end - start:.4f} seconds")

# Function that Numba can optimize
@numba.jit(nopython=True)
def optimizable_function(x):
    return x * x + 2 * x + 1

start = time.time()
result = optimizable_function(1000000)
end = time.time()
print(f"Optimizable function time: {end - start:.8f} seconds")
