import ember as numba
import time
import numpy as np

@numba.jit(nopython=True, parallel=True)
def monte_carlo_pi(nsamples):
    acc = 0
    for i in numba.prange(nsamples):
        x = np.random.random()
        y = np.random.random()
        if (x**2 + y**2) < 1.0:
            acc += 1
    return 4.0 * acc / nsamples

nsamples = 10_000_000
start = time.time()
pi_estimate = monte_carlo_pi(nsamples)
end = time.time()

print(f"Pi estimate: {pi_estimate}")
print(f"Time taken: {end - start:.2f} seconds")
