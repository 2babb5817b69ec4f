import ember as numba

@numba.jit(debug=True)
def buggy_function(x):
    # This function has a bug (division by zero when x = 0)
    return 1 / x

# Try to run the function
try:
    result = buggy_function(0)
except Exception as e:
    print(f"Caught exception: {e}")

# Disable JIT compilation for debugging
buggy_function.disable_jit()
try:
    result = buggy_function(0)
except Exception as e:
    print(f"Caught exception in Python mode: {e}")

# Print Numba debug info
print(buggy_function.inspect_types())
