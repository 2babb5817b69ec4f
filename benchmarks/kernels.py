"""The benchmark kernels: the seed slides' functions, undecorated, with their inputs.

Kernels are plain Python functions so that every engine (plain Python, ember,
Numba) compiles the very same function object with the same decorator call
form as the slide. A new kernel is one function, one setup function and one
entry in KERNELS.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np

# A fixed seed: every engine, in every process, sees the same input values,
# so results can be compared across engines.
SEED = 20240611


@dataclass(frozen=True)
class Kernel:
    name: str
    slide: int
    func: Callable
    setup: Callable[[], tuple]
    size: str
    # None means the bare `@jit` form; a dict means `@jit(**options)`.
    options: dict | None = None
    notes: str = ""


def random_floats(n: int) -> np.ndarray:
    return np.random.default_rng(SEED).random(n)


# Slide 1.
def sum_array(arr):
    total = 0
    for i in range(len(arr)):
        total += arr[i]
    return total


# Slide 3.
def sum_squares(arr):
    sum = 0.0
    for i in range(arr.shape[0]):
        sum += arr[i] * arr[i]
    return sum


# Slide 13.
def optimizable_function(x):
    return x * x + 2 * x + 1


# Classic: a matrix product (BLAS behind np.dot in every engine).
def matmul(a, b):
    return np.dot(a, b)


def random_matrices(n: int) -> tuple:
    rng = np.random.default_rng(SEED)
    return rng.random((n, n)), rng.random((n, n))


KERNELS = [
    Kernel("sum_array", 1, sum_array, lambda: (random_floats(1_000_000),), "1e6 float64"),
    Kernel("sum_squares", 3, sum_squares, lambda: (random_floats(10_000_000),), "1e7 float64"),
    Kernel(
        "optimizable_function",
        13,
        optimizable_function,
        lambda: (1_000_000,),
        "int",
        options={"nopython": True},
    ),
    Kernel(
        "matmul",
        0,
        matmul,
        lambda: random_matrices(300),
        "300x300 float64",
        options={"nopython": True},
        notes="np.dot; ember calls SciPy's BLAS (EMBER_BLAS=0: compiled loops)",
    ),
]


def _array_kernels():
    """The array slides (4, 5, 11, 12) and classic NumPy kernels, all @njit."""
    import array_kernels

    return [
        Kernel(name, slide, func, array_kernels.SETUPS[name], size, options={"nopython": True})
        for name, slide, func, size in array_kernels.KERNELS
    ]


KERNELS += _array_kernels()


def kernel_named(name: str) -> Kernel:
    for kernel in KERNELS:
        if kernel.name == name:
            return kernel
    raise KeyError(f"no kernel named {name!r}; known: {[k.name for k in KERNELS]}")


# Compiled before the measured kernel for the "second compile" figure. It
# touches both an array and a scalar so that the engine's one-time set-up for
# each (type system, target context, LLVM passes) is already paid.
def warmup(arr, n):
    return arr[0] * n


def warmup_args() -> tuple:
    return (np.ones(4), 3)


# The call-overhead probe: one int in, the same int out.
def identity(x):
    return x


def summarize(value):
    """A JSON-able fingerprint of a kernel's result, to compare engines."""
    if isinstance(value, np.ndarray):
        return {"shape": list(value.shape), "checksum": float(np.sum(value, dtype=np.float64))}
    if isinstance(value, tuple):
        return [summarize(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    return repr(value)


def same_result(a, b, rel_tol: float = 1e-9) -> bool:
    """Whether two summaries agree; floats may differ by summation order."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_result(a[k], b[k], rel_tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        pairs = zip(a, b, strict=False)
        return len(a) == len(b) and all(same_result(x, y, rel_tol) for x, y in pairs)
    numbers = isinstance(a, (int, float)) and isinstance(b, (int, float))
    if numbers and (isinstance(a, float) or isinstance(b, float)):
        return bool(np.isclose(a, b, rtol=rel_tol, atol=0.0)) or a == b
    # Integers exactly: a wrong int result is never "close enough".
    return a == b
