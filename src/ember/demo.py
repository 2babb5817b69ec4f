"""`python -m ember demo`: the seed slides ember runs so far, timed against Python and Numba.

Each example is the slide's function, undecorated, compiled here the way the
slide decorates it. A new slide is one entry in EXAMPLES. An example ember
cannot compile yet prints one line saying so; the others still run.

`ember/__init__.py` must not import this module: it loads NumPy and Numba,
which `import ember` must not pay for.
"""

import importlib
import importlib.util
import time
import timeit
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np

SEED = 2024


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


def random_floats(n: int) -> np.ndarray:
    return np.random.default_rng(SEED).random(n)


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
        name="sum_squares",
        slide=3,
        kernel=sum_squares,
        setup=lambda: (random_floats(1_000_000),),
        size="1,000,000 float64",
        numpy=lambda arr: np.sum(np.square(arr)),
        note="the slide uses 10,000,000; 10x fewer keeps the pure-Python run short",
    ),
    Example(
        name="optimizable_function",
        slide=13,
        kernel=optimizable_function,
        setup=lambda: (1_000_000,),
        size="one int",
        options={"nopython": True},
    ),
]


@dataclass(frozen=True)
class Timing:
    first: float  # seconds: decorate, compile and run once
    steady: float  # seconds per call once compiled, best of several
    value: object
    warning: str = ""  # the first warning of the first call, e.g. a fallback to Python


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


def compile_kernel(engine, example: Example) -> Callable:
    if example.options is None:
        return engine.jit(example.kernel)
    return engine.jit(**example.options)(example.kernel)


def run_engine(engine, example: Example, args: tuple) -> Timing:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        compiled = compile_kernel(engine, example)
        value = compiled(*args)
        first = time.perf_counter() - start
    warning = f"{caught[0].category.__name__}: {first_line(caught[0].message)}" if caught else ""
    return Timing(first, per_call(compiled, args), value, warning)


def same(a, b) -> bool:
    """Integers must match exactly; floats may differ by summation order."""
    if isinstance(a, (int, np.integer)) and isinstance(b, (int, np.integer)):
        return a == b
    try:
        return bool(np.allclose(a, b, rtol=1e-9, atol=0.0, equal_nan=True))
    except (TypeError, ValueError):  # shapes or kinds that cannot even be compared
        return False


def first_line(message: object) -> str:
    lines = str(message).strip().splitlines()
    return lines[0] if lines else ""


def fmt(seconds: float) -> str:
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "us")):
        if seconds >= scale:
            return f"{seconds / scale:7.2f} {unit}"
    return f"{seconds / 1e-9:7.2f} ns"


def engine_line(label: str, engine, example: Example, python: Timing) -> str:
    args = example.setup()  # fresh: a kernel may write to its arguments
    try:
        timing = run_engine(engine, example, args)
    except Exception as exc:  # a gap in the compiler is one line, not the end of the demo
        return f"  {label:<7} not yet supported: {type(exc).__name__}: {first_line(exc)}"
    check = "same result" if same(timing.value, python.value) else "RESULT DIFFERS from Python"
    # A warning here is usually a fallback to the interpreter: say so, since
    # the times beside it are then Python's, not compiled code's.
    warned = f"   warning: {timing.warning}" if timing.warning else ""
    return (
        f"  {label:<7} first call {fmt(timing.first)}   steady {fmt(timing.steady)}"
        f"   {python.steady / timing.steady:8.1f}x Python   {check}{warned}"
    )


def reference_lines(example: Example) -> tuple[Timing, list[str]]:
    value = example.kernel(*example.setup())
    python = Timing(0.0, per_call(example.kernel, example.setup(), repeats=2), value)
    lines = [f"  {'Python':<7} {fmt(python.steady)} per call"]
    if example.numpy is not None:
        lines.append(f"  {'NumPy':<7} {fmt(per_call(example.numpy, example.setup()))} per call")
    return python, lines


def show(example: Example, engines: dict) -> None:
    print(f"{example.name} (slide {example.slide}), {example.size}")
    if example.note:
        print(f"  note: {example.note}")
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
    print("also pays each compiler's one-time start-up. Steady = best time per call.\n")
    for example in EXAMPLES:
        show(example, engines)
    if "Numba" not in engines:
        print("\n(numba is not installed: its comparison is skipped)")
    return 0
