import ember as numba
import numpy as np
from scipy import signal
import time
from PIL import Image

@numba.jit(nopython=True)
def gaussian_kernel(size, sigma=1.0):
    k = np.zeros((size, size), dtype=np.float32)
    for i in range(size):
        for j in range(size):
            x, y = i - size//2, j - size//2
            k[i, j] = np.exp(-(x**2 + y**2) / (2 * sigma**2))
    return k / np.sum(k)

@numba.jit(nopython=True)
def apply_kernel(image, kernel):
    h, w = image.shape
    k_h, k_w = kernel.shape
    pad_h, pad_w = k_h // 2, k_w // 2
    padded = np.pad(image, ((pad_h, pad_h), (pad_w, pad_w)), mode='edge')
    result = np.zeros_like(image)
    for i in range(h):
        for j in range(w):
            result[i, j] = np.sum(padded[i:i+k_h, j:j+k_w] * kernel)
    return result

# Load image and convert to grayscale
img = Image.open('your_image.jpg').convert('L')
img_array = np.array(img, dtype=np.float32) / 255.0

# Apply Gaussian blur
kernel = gaussian_kernel(15, sigma=2.0)

start = time.time()
blurred = apply_kernel(img_array, kernel)
end = time.time()

print(f"Numba Gaussian blur time: {end - start:.4f} seconds")

# Convert back to image and save
blurred_img = Image.fromarray((blurred * 255).astype(np.uint8))
blurred_img.save('blurred_image.jpg')
