import ember as numba
import numpy as np
import time

@numba.jit(nopython=True)
def convolve2d(image, kernel):
    M, N = image.shape
    K, L = kernel.shape
    result = np.zeros((M-K+1, N-L+1))
    for i in range(result.shape[0]):
        for j in range(result.shape[1]):
            result[i, j] = np.sum(image[i:i+K, j:j+L] * kernel)
    return result

# Example usage
image = np.random.rand(1000, 1000)
kernel = np.random.rand(3, 3)

start = time.time()
result = convolve2d(image, kernel)
end = time.time()

print(f"Convolution time: {end - start:.4f} seconds")
print(f"Result shape: {result.shape}")
