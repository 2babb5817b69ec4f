"""Array kernels: the seed's array slides (4, 5, 11, 12) and classic NumPy
kernels. Each is written the way a NumPy user writes it (array expressions,
slices, temporaries); engines compile the same function object."""

import numpy as np

SEED = 20240611


def rng():
    return np.random.default_rng(SEED)


# Slide 4.
def convolve2d(image, kernel):
    M, N = image.shape
    K, L = kernel.shape
    result = np.zeros((M - K + 1, N - L + 1))
    for i in range(result.shape[0]):
        for j in range(result.shape[1]):
            result[i, j] = np.sum(image[i:i + K, j:j + L] * kernel)
    return result


# Slide 5 (Numba cannot compile np.mgrid).
def mandelbrot(h, w, max_iter):
    y, x = np.mgrid[-1.4:1.4:h * 1j, -2:0.8:w * 1j]
    c = x + y * 1j
    z = c
    divtime = max_iter + np.zeros(z.shape, dtype=int)
    for i in range(max_iter):
        z = z**2 + c
        diverge = z * np.conj(z) > 2**2
        div_now = diverge & (divtime == max_iter)
        divtime[div_now] = i
        z[diverge] = 2
    return divtime


# Slide 11 (Numba cannot compile np.pad with a mode).
def apply_kernel(image, kernel):
    h, w = image.shape
    k_h, k_w = kernel.shape
    pad_h, pad_w = k_h // 2, k_w // 2
    padded = np.pad(image, ((pad_h, pad_h), (pad_w, pad_w)), mode='edge')
    result = np.zeros_like(image)
    for i in range(h):
        for j in range(w):
            result[i, j] = np.sum(padded[i:i + k_h, j:j + k_w] * kernel)
    return result


# Slide 12: a 3-element temporary per pair of bodies.
def compute_acceleration(pos, mass, G, softening):
    n = pos.shape[0]
    acc = np.zeros_like(pos)
    for i in range(n):
        for j in range(n):
            if i != j:
                dx = pos[j] - pos[i]
                r = np.sqrt(np.sum(dx**2) + softening**2)
                acc[i] += G * mass[j] * dx / r**3
    return acc


# Classic: pairwise Euclidean distances, a temporary per pair (like slide 12).
def pairwise_distance(x):
    n = x.shape[0]
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            d = x[i] - x[j]
            out[i, j] = np.sqrt(np.sum(d * d))
    return out


# Classic: Lennard-Jones energy, a temporary per pair.
def lennard_jones(pos):
    n = pos.shape[0]
    energy = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            d = pos[i] - pos[j]
            r2 = np.sum(d * d)
            inv6 = 1.0 / r2**3
            energy += 4.0 * (inv6 * inv6 - inv6)
    return energy


# Classic: five-point Jacobi stencil on slices.
def jacobi(grid, steps):
    a = grid.copy()
    for _ in range(steps):
        a[1:-1, 1:-1] = 0.25 * (a[:-2, 1:-1] + a[2:, 1:-1] + a[1:-1, :-2] + a[1:-1, 2:])
    return a


# Classic: rolling mean over a window.
def rolling_mean(x, window):
    n = x.shape[0] - window + 1
    out = np.empty(n)
    for i in range(n):
        out[i] = np.mean(x[i:i + window])
    return out


# Classic: Black-Scholes call prices, one fused array expression chain.
def black_scholes(s, k, t, r, v):
    d1 = (np.log(s / k) + (r + 0.5 * v * v) * t) / (v * np.sqrt(t))
    d2 = d1 - v * np.sqrt(t)
    return s * _cdf(d1) - k * np.exp(-r * t) * _cdf(d2)


def _cdf(x):
    return 0.5 * (1.0 + np.tanh(0.7978845608 * (x + 0.044715 * x**3)))


# Classic: logistic-map ensemble, elementwise in a loop.
def logistic_map(x, r, steps):
    for _ in range(steps):
        x = r * x * (1.0 - x)
    return x


def _options():
    g = rng()
    return tuple(g.random(1_000_000) + 0.5 for _ in range(2)) + (
        g.random(1_000_000) + 0.1, 0.03, 0.2)


SETUPS = {
    "convolve2d": lambda: (rng().random((1000, 1000)), rng().random((3, 3))),
    "mandelbrot": lambda: (1000, 1500, 100),
    "apply_kernel": lambda: (rng().random((256, 256)).astype(np.float32),
                             rng().random((15, 15)).astype(np.float32)),
    "compute_acceleration": lambda: (rng().standard_normal((1000, 3)),
                                     rng().random(1000) * 0.1 + 0.9, 1.0, 0.1),
    "pairwise_distance": lambda: (rng().standard_normal((500, 3)),),
    "lennard_jones": lambda: (rng().standard_normal((800, 3)) * 5,),
    "jacobi": lambda: (rng().random((300, 300)), 50),
    "rolling_mean": lambda: (rng().random(200_000), 50),
    "black_scholes": _options,
    "logistic_map": lambda: (rng().random(1_000_000), 3.7, 20),
}


KERNELS = [
    ("convolve2d", 4, convolve2d, "1000x1000 float64, 3x3"),
    ("mandelbrot", 5, mandelbrot, "1000x1500, 100 iterations"),
    ("apply_kernel", 11, apply_kernel, "256x256 float32, 15x15"),
    ("compute_acceleration", 12, compute_acceleration, "1000 bodies"),
    ("pairwise_distance", 0, pairwise_distance, "500 points in 3-d"),
    ("lennard_jones", 0, lennard_jones, "800 particles"),
    ("jacobi", 0, jacobi, "300x300, 50 sweeps"),
    ("rolling_mean", 0, rolling_mean, "2e5, window 50"),
    ("black_scholes", 0, black_scholes, "1e6 options"),
    ("logistic_map", 0, logistic_map, "1e6, 20 steps"),
]
