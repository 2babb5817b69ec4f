"""`python -m ember demo`: the seed slides ember runs so far, timed against Python and Numba.

Each example is the slide's function, undecorated, compiled here the way the
slide decorates it. A new slide is one entry in EXAMPLES. An example an engine
cannot compile prints one line saying so; the others still run.

Kernels write `prange` where the slide writes `numba.prange`: here it is
`range`, and `compile_kernel` gives each engine's compiler a copy of the kernel
that sees the engine's own `prange`.

`ember/__init__.py` must not import this module: it loads NumPy and Numba,
which `import ember` must not pay for.
"""

import importlib
import importlib.util
import textwrap
import time
import timeit
import types
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np

SEED = 2024

prange = range  # what the kernels' `prange` means in plain Python; see compile_kernel


@dataclass(frozen=True)
class Example:
    name: str
    slide: int
    kernel: Callable  # undecorated, as the slide writes it
    setup: Callable[[], tuple]  # the kernel's arguments, built afresh for each engine
    size: str
    options: dict | None = None  # None is the bare `@jit` form
    numpy: Callable | None = None  # the same computation in NumPy, where natural
    note: str = ""  # how the demo departs from the slide, if it does
    rtol: float = 1e-9  # how closely results must agree (float32, random samples)
    small: Callable[[], tuple] | None = None  # quicker arguments for the tests, if setup is slow
    # For slides that are not a jitted function (@vectorize, @jitclass, cuda.jit):
    # build(engine) returns the callable to time, and `kernel` is its plain-Python
    # reference.
    build: Callable | None = None

    @property
    def parallel(self) -> bool:
        return bool(self.options and self.options.get("parallel"))


def rng() -> np.random.Generator:
    return np.random.default_rng(SEED)


def random_floats(n: int) -> np.ndarray:
    return rng().random(n)


def sum_array(arr):
    total = 0
    for i in range(len(arr)):
        total += arr[i]
    return total


def sum_squares(arr):
    sum = 0.0
    for i in range(arr.shape[0]):
        sum += arr[i] * arr[i]
    return sum


def optimizable_function(x):
    return x * x + 2 * x + 1


def monte_carlo_pi(nsamples):
    acc = 0
    for i in prange(nsamples):  # noqa: B007 (as the slide writes it)
        x = np.random.random()
        y = np.random.random()
        if (x**2 + y**2) < 1.0:
            acc += 1
    return 4.0 * acc / nsamples


def convolve2d(image, kernel):
    M, N = image.shape
    K, L = kernel.shape
    result = np.zeros((M-K+1, N-L+1))
    for i in range(result.shape[0]):
        for j in range(result.shape[1]):
            result[i, j] = np.sum(image[i:i+K, j:j+L] * kernel)
    return result


def mandelbrot(h, w, max_iter):
    y, x = np.mgrid[-1.4:1.4:h*1j, -2:0.8:w*1j]
    c = x + y*1j
    z = c
    divtime = max_iter + np.zeros(z.shape, dtype=int)

    for i in range(max_iter):
        z = z**2 + c
        diverge = z*np.conj(z) > 2**2
        div_now = diverge & (divtime == max_iter)
        divtime[div_now] = i
        z[diverge] = 2

    return divtime


def parallel_sum(arr):
    sum = 0.0
    for i in prange(arr.shape[0]):
        sum += arr[i]
    return sum


def gaussian_kernel(size, sigma=1.0):
    k = np.zeros((size, size), dtype=np.float32)
    for i in range(size):
        for j in range(size):
            x, y = i - size//2, j - size//2
            k[i, j] = np.exp(-(x**2 + y**2) / (2 * sigma**2))
    return k / np.sum(k)


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


def numba_optimized_function(arr):
    result = np.zeros_like(arr)
    for i in prange(arr.shape[0]):
        result[i] = np.sin(arr[i]) + np.cos(arr[i])
    return result


def fast_exp(x):  # slide 10, under @vectorize
    return np.exp(x)


class Particle:  # slide 7, under @jitclass
    def __init__(self, position, velocity, mass):
        self.position = position
        self.velocity = velocity
        self.mass = mass

    def kinetic_energy(self):
        return 0.5 * self.mass * np.sum(self.velocity**2)


cuda = None  # in vector_add: the engine's cuda module (build_vector_add binds it)


def vector_add(a, b, result):  # slide 8, under cuda.jit
    i = cuda.grid(1)
    if i < result.shape[0]:
        result[i] = a[i] + b[i]


def build_vectorized(engine):
    return engine.vectorize(fast_exp)


def build_particle(engine):
    jitclass = getattr(engine, "jitclass", None) or importlib.import_module(
        f"{engine.__name__}.experimental").jitclass
    spec = [("position", engine.float64[:]), ("velocity", engine.float64[:]),
            ("mass", engine.float64)]
    members = {k: v for k, v in vars(Particle).items() if k not in ("__dict__", "__weakref__")}
    compiled = jitclass(spec)(type("Particle", (), members))  # a fresh class per engine
    return lambda position, velocity, mass: compiled(position, velocity, mass).kinetic_energy()


def build_vector_add(engine):
    cuda = importlib.import_module(f"{engine.__name__}.cuda")
    scope = {**vector_add.__globals__, "cuda": cuda}
    kernel = cuda.jit(types.FunctionType(vector_add.__code__, scope, "vector_add"))

    def launch(a, b, result):
        kernel[(len(result) + 255) // 256, 256](a, b, result)
        cuda.synchronize()
        return result
    return launch


def particle_energy(position, velocity, mass):
    return Particle(position, velocity, mass).kinetic_energy()


def vector_add_reference(a, b, result):
    result[:] = a + b
    return result


# Arguments and NumPy equivalents for the slides above.


def convolve_args(n: int) -> tuple:
    generator = rng()
    return generator.random((n, n)), generator.random((3, 3))


def convolve_numpy(image, kernel):
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)
    return np.einsum("ijkl,kl->ij", windows, kernel)


def blur_args(n: int) -> tuple:
    """A synthetic n x n grayscale image, scaled as the slide scales the file it reads."""
    pixels = rng().integers(0, 256, (n, n)).astype(np.float32)
    return pixels / np.float32(255.0), gaussian_kernel(15, sigma=2.0)


def blur_numpy(image, kernel):
    pad_h, pad_w = kernel.shape[0] // 2, kernel.shape[1] // 2
    padded = np.pad(image, ((pad_h, pad_h), (pad_w, pad_w)), mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, kernel.shape)
    return np.einsum("ijkl,kl->ij", windows, kernel)


def bodies_args(n: int) -> tuple:
    generator = rng()
    pos = generator.standard_normal((n, 3))
    mass = generator.random(n) * 0.1 + 0.9
    return pos, mass, 1.0, 0.1


def acceleration_numpy(pos, mass, G, softening):
    dx = pos[np.newaxis, :, :] - pos[:, np.newaxis, :]  # dx[i, j] = pos[j] - pos[i]
    r = np.sqrt(np.sum(dx**2, axis=2) + softening**2)
    # The i == j terms are zero (dx is), so they need no mask.
    return G * np.sum(mass[np.newaxis, :, np.newaxis] * dx / r[:, :, np.newaxis] ** 3, axis=1)


PARALLEL = {"nopython": True, "parallel": True}

EXAMPLES = [
    Example(
        name="sum_array",
        slide=1,
        kernel=sum_array,
        setup=lambda: (random_floats(1_000_000),),
        size="1,000,000 float64",
        numpy=np.sum,
    ),
    Example(
        name="monte_carlo_pi",
        slide=2,
        kernel=monte_carlo_pi,
        setup=lambda: (1_000_000,),
        size="1,000,000 samples",
        options=PARALLEL,
        note="the slide draws 10,000,000 samples; each engine draws its own random"
        " numbers, so results agree to 1%, not exactly",
        rtol=1e-2,
        small=lambda: (100_000,),
    ),
    Example(
        name="sum_squares",
        slide=3,
        kernel=sum_squares,
        setup=lambda: (random_floats(1_000_000),),
        size="1,000,000 float64",
        numpy=lambda arr: np.sum(np.square(arr)),
        note="the slide uses 10,000,000; 10x fewer keeps the pure-Python run short",
    ),
    Example(
        name="convolve2d",
        slide=4,
        kernel=convolve2d,
        setup=lambda: convolve_args(300),
        size="300 x 300 image, 3 x 3 kernel",
        options={"nopython": True},
        numpy=convolve_numpy,
        note="the slide's image is 1000 x 1000; a smaller one keeps the pure-Python run short",
        small=lambda: convolve_args(20),
    ),
    Example(
        name="mandelbrot",
        slide=5,
        kernel=mandelbrot,
        setup=lambda: (400, 600, 100),
        size="400 x 600 points, 100 iterations",
        options={"nopython": True},
        note="the slide computes 1000 x 1500 points; the kernel is NumPy code, so the"
        " Python row is NumPy's time",
        small=lambda: (20, 30, 20),
    ),
    Example(
        name="parallel_sum",
        slide=6,
        kernel=parallel_sum,
        setup=lambda: (random_floats(10_000_000),),
        size="10,000,000 float64",
        options=PARALLEL,
        numpy=np.sum,
        note="the slide sums 100,000,000; 10x fewer keeps the pure-Python run short",
        small=lambda: (random_floats(10_000),),
    ),
    Example(
        name="Particle.kinetic_energy",
        slide=7,
        kernel=particle_energy,
        build=build_particle,
        setup=lambda: (np.array([1.0, 2.0, 3.0]), np.array([0.1, 0.2, 0.3]), 1.5),
        size="the slide's particle: construction and one method call from Python",
        note="@jitclass: each call builds an instance and calls its method",
    ),
    Example(
        name="vector_add",
        slide=8,
        kernel=vector_add_reference,
        build=build_vector_add,
        setup=lambda: (rng().random(1_000_000, dtype=np.float32),
                       rng().random(1_000_000, dtype=np.float32),
                       np.zeros(1_000_000, dtype=np.float32)),
        size="1,000,000 float32, 256 threads a block",
        numpy=lambda a, b, result: a + b,
        note="cuda.jit: with no GPU, ember runs the kernel on its CPU executor; the"
        " Python row is NumPy's a + b (a Python loop over a million CUDA threads would"
        " take seconds); the slide adds 10,000,000",
        small=lambda: (rng().random(1000, dtype=np.float32),
                       rng().random(1000, dtype=np.float32), np.zeros(1000, dtype=np.float32)),
    ),
    Example(
        name="fast_exp",
        slide=10,
        kernel=lambda data: np.vectorize(fast_exp)(data),
        build=build_vectorized,
        setup=lambda: (random_floats(1_000_000),),
        size="1,000,000 float64",
        numpy=np.exp,
        note="@vectorize builds a NumPy ufunc; the Python row is np.vectorize; the slide"
        " uses 10,000,000",
        small=lambda: (random_floats(1000),),
    ),
    Example(
        name="apply_kernel",
        slide=11,
        kernel=apply_kernel,
        setup=lambda: blur_args(256),
        size="256 x 256 float32 image, 15 x 15 Gaussian kernel",
        options={"nopython": True},
        numpy=blur_numpy,
        note="the slide blurs an image file; here a synthetic random grayscale image,"
        " and gaussian_kernel runs in plain Python (untimed)",
        rtol=1e-5,
        small=lambda: blur_args(16),
    ),
    Example(
        name="compute_acceleration",
        slide=12,
        kernel=compute_acceleration,
        setup=lambda: bodies_args(200),
        size="200 bodies",
        options={"nopython": True},
        numpy=acceleration_numpy,
        note="the slide simulates 1000 bodies for 100 steps and plots them; here one"
        " call of its force kernel on 200 bodies",
        small=lambda: bodies_args(10),
    ),
    Example(
        name="optimizable_function",
        slide=13,
        kernel=optimizable_function,
        setup=lambda: (1_000_000,),
        size="one int",
        options={"nopython": True},
    ),
    Example(
        name="numba_optimized_function",
        slide=14,
        kernel=numba_optimized_function,
        setup=lambda: (random_floats(1_000_000),),
        size="1,000,000 float64",
        options=PARALLEL,
        numpy=lambda arr: np.sin(arr) + np.cos(arr),
        note="the slide uses 10,000,000; 10x fewer keeps the pure-Python run short",
        small=lambda: (random_floats(10_000),),
    ),
]


@dataclass(frozen=True)
class Timing:
    first: float  # seconds: decorate, compile and run once
    steady: float  # seconds per call once compiled, best of several
    value: object
    warning: str = ""  # the first warning of the first call, e.g. a fallback to Python
    threads: int = 1  # the threads a parallel kernel's steady time ran on
    one_thread: float | None = None  # a parallel kernel's steady time on one thread


def per_call(func: Callable, args: tuple, min_time: float = 0.05, repeats: int = 5) -> float:
    """Best seconds per call; short calls run in a loop long enough to time."""
    # A generated `f(a0, ...)` statement: a lambda would add ~50 ns to calls
    # that themselves take ~100 ns.
    names = [f"a{i}" for i in range(len(args))]
    stmt = f"f({', '.join(names)})"
    timer = timeit.Timer(stmt, globals=dict(zip(names, args, strict=True), f=func))
    number = 1
    while (elapsed := timer.timeit(number)) < min_time:
        number *= 10
    samples = [elapsed / number]
    samples += [timer.timeit(number) / number for _ in range(repeats - 1)]
    return min(samples)


def bind_prange(kernel: Callable, engine) -> Callable:
    """The kernel with its `prange` meaning the engine's (`range` for an engine
    without one): a copy over its own globals, so the module's stay untouched."""
    if "prange" not in kernel.__code__.co_names:
        return kernel
    scope = {**kernel.__globals__, "prange": getattr(engine, "prange", range)}
    bound = types.FunctionType(
        kernel.__code__, scope, kernel.__name__, kernel.__defaults__, kernel.__closure__
    )
    bound.__qualname__ = kernel.__qualname__
    return bound


def compile_kernel(engine, example: Example) -> Callable:
    """The kernel as the engine compiles it, with the slide's decorator options."""
    if example.build is not None:
        return example.build(engine)
    kernel = bind_prange(example.kernel, engine)
    if example.options is None:
        return engine.jit(kernel)
    return engine.jit(**example.options)(kernel)


def one_thread_steady(engine, compiled: Callable, args: tuple) -> tuple[int, float | None]:
    """The threads parallel code runs on, and its steady time on one of them."""
    threads = engine.get_num_threads() if hasattr(engine, "get_num_threads") else 1
    if threads == 1:
        return threads, None
    engine.set_num_threads(1)
    try:
        return threads, per_call(compiled, args)
    finally:
        engine.set_num_threads(threads)


def run_engine(engine, example: Example, args: tuple) -> Timing:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        compiled = compile_kernel(engine, example)
        value = compiled(*args)
        first = time.perf_counter() - start
    warning = f"{caught[0].category.__name__}: {first_line(caught[0].message)}" if caught else ""
    steady = per_call(compiled, args)
    if not example.parallel:
        return Timing(first, steady, value, warning)
    threads, one_thread = one_thread_steady(engine, compiled, args)
    return Timing(first, steady, value, warning, threads, one_thread)


def same(a, b, rtol: float = 1e-9) -> bool:
    """Integers must match exactly; floats may differ by summation order."""
    if isinstance(a, (int, np.integer)) and isinstance(b, (int, np.integer)):
        return a == b
    try:
        return bool(np.allclose(a, b, rtol=rtol, atol=0.0, equal_nan=True))
    except (TypeError, ValueError):  # shapes or kinds that cannot even be compared
        return False


def first_line(message: object) -> str:
    lines = str(message).strip().splitlines()
    return lines[0] if lines else ""


def reason(exc: Exception) -> str:
    """The line of an error that says what went wrong."""
    lines = str(exc).strip().splitlines()
    # Numba opens with the stage that failed ("Failed in nopython mode
    # pipeline (step: ...)"); the cause is the line after.
    if len(lines) > 1 and lines[0].startswith("Failed in ") and "pipeline" in lines[0]:
        return lines[1]
    return first_line(exc)


def fmt(seconds: float) -> str:
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "us")):
        if seconds >= scale:
            return f"{seconds / scale:7.2f} {unit}"
    return f"{seconds / 1e-9:7.2f} ns"


def engine_line(label: str, engine, example: Example, python: Timing) -> str:
    args = example.setup()  # fresh: a kernel may write to its arguments
    try:
        timing = run_engine(engine, example, args)
    except Exception as exc:  # a gap in a compiler is one line, not the end of the demo
        return f"  {label:<7} cannot run it: {type(exc).__name__}: {reason(exc)}"
    agrees = same(timing.value, python.value, example.rtol)
    check = "same result" if agrees else "RESULT DIFFERS from Python"
    # A warning here is usually a fallback to the interpreter: say so, since
    # the times beside it are then Python's, not compiled code's.
    warned = f"   warning: {timing.warning}" if timing.warning else ""
    line = (
        f"  {label:<7} first call {fmt(timing.first)}   steady {fmt(timing.steady)}"
        f"   {python.steady / timing.steady:8.1f}x Python   {check}{warned}"
    )
    if timing.one_thread is None:
        return line
    gain = timing.one_thread / timing.steady
    compared = f"{gain:.1f}x faster" if gain >= 1 else f"{1 / gain:.1f}x slower"
    return (
        f"{line}\n  {'':<7} {'on 1 thread':>21}   steady {fmt(timing.one_thread)}"
        f"   {timing.threads} threads are {compared}"
    )


def reference_lines(example: Example) -> tuple[Timing, list[str]]:
    value = example.kernel(*example.setup())
    python = Timing(0.0, per_call(example.kernel, example.setup(), repeats=2), value)
    lines = [f"  {'Python':<7} {fmt(python.steady)} per call"]
    if example.numpy is not None:
        lines.append(f"  {'NumPy':<7} {fmt(per_call(example.numpy, example.setup()))} per call")
    return python, lines


def show(example: Example, engines: dict) -> None:
    parallel = ", parallel=True" if example.parallel else ""
    print(f"{example.name} (slide {example.slide}), {example.size}{parallel}")
    if example.note:
        indents = {"initial_indent": "  note: ", "subsequent_indent": " " * 8}
        print(textwrap.fill(example.note, 96, **indents))
    python, lines = reference_lines(example)
    for label, engine in engines.items():
        lines.append(engine_line(label, engine, example, python))
    print("\n".join(lines), flush=True)


def load_engines() -> dict:
    import ember

    engines = {"ember": ember}
    # Numba is optional: with it, its times are shown beside ember's.
    if importlib.util.find_spec("numba") is not None:
        engines["Numba"] = importlib.import_module("numba")
    return engines


def main() -> int:
    engines = load_engines()
    print("ember demo: the seed slides, each run with Python, ember and Numba where installed.")
    print("First call = decorate + compile + run once, in this process: the first example")
    print("also pays each compiler's one-time start-up. Steady = best time per call;")
    print("parallel=True slides add their steady time on one thread.\n")
    for example in EXAMPLES:
        show(example, engines)
    if "Numba" not in engines:
        print("\n(numba is not installed: its comparison is skipped)")
    return 0
