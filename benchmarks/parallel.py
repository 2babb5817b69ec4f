"""parallel=True side by side: ember and Numba in one process, on the seed's
parallel slides (2, 6, 14), a compute-bound kernel with unequal iterations,
and an empty parallel region.

    .venv/bin/python benchmarks/parallel.py [--quick] [--threads N]

For each kernel: ember with N threads (default: all) and with 1 thread, Numba
(parallel=True) with N threads, and NumPy where the slide compares with it.
Engines take turns kernel by kernel, so that a noisy stretch of the machine
hits every engine. Results are checked against the serial function.
"""

import argparse
import math
import sys
import time

import numpy as np

from ember import demo
from timing import LoopPlan, per_call_seconds

SEED = 20240611


# The slides' kernels as the demo runs them; the others below are ours.
monte_carlo_pi, parallel_sum, sin_plus_cos = (  # slides 2, 6, 14
    demo.monte_carlo_pi, demo.parallel_sum, demo.numba_optimized_function)
prange = range  # bound to each engine's prange by demo.bind_prange


def mandelbrot_rows(width, height, max_iter):
    """Compute-bound, and rows near the set's middle cost far more than the edges."""
    out = np.zeros((height, width), np.int64)
    for row in prange(height):
        ci = -1.5 + 3.0 * row / height
        for col in range(width):
            cr = -2.0 + 3.0 * col / width
            zr = 0.0
            zi = 0.0
            k = 0
            while k < max_iter and zr * zr + zi * zi <= 4.0:
                zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
                k += 1
            out[row, col] = k
    return out


def triangular(n):
    """Iteration i costs i: a static split would leave one thread the heavy half."""
    out = np.zeros(n)
    for i in prange(n):
        s = 0.0
        for j in range(i):
            s += math.sqrt(j + 1.0)
        out[i] = s
    return out


def empty_region(n):
    for _i in prange(n):
        pass
    return n


def cases(quick):
    rng = np.random.default_rng(SEED)
    scale = 4 if quick else 1
    data = rng.random(100_000_000 // scale)
    angles = rng.random(10_000_000 // scale)
    return [
        # name, function, args, NumPy equivalent (or None), results compare exactly
        ("monte_carlo_pi (slide 2)", monte_carlo_pi, (10_000_000 // scale,), None, False),
        ("parallel_sum (slide 6)", parallel_sum, (data,), np.sum, False),
        ("sin+cos (slide 14)", sin_plus_cos, (angles,), lambda a: np.sin(a) + np.cos(a), True),
        ("mandelbrot rows", mandelbrot_rows, (800 // scale, 600 // scale, 200), None, True),
        ("triangular", triangular, (20_000 // scale,), None, True),
        ("empty region", empty_region, (2,), None, True),
    ]


def compile_with(module, func, parallel=True):
    func = demo.bind_prange(func, module)
    return module.njit(parallel=parallel)(func)


def agree(a, b, exact):
    if exact:
        return np.array_equal(a, b)
    return np.allclose(a, b, rtol=1e-3 if np.ndim(a) == 0 else 1e-9)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--no-numba", action="store_true")
    args = parser.parse_args(argv)
    import ember

    engines = {"ember": ember}
    if not args.no_numba:
        try:
            import numba
            engines["numba"] = numba
        except ImportError:
            print("numba is not installed: ember only")
    threads = args.threads or ember.config.NUM_THREADS
    plan = LoopPlan(repeats=5 if args.quick else 10, min_repeats=3, min_time=0.05,
                    budget=1.0 if args.quick else 3.0)
    print(f"{threads} threads; best of repeated calls; ratios < 1 favour ember")
    header = (f"{'kernel':26} {'ember 1t':>10} {'ember':>10} {'speedup':>8} {'numba':>10} "
              f"{'ember/numba':>11} {'numpy':>10}")
    print(header)
    for name, func, fargs, numpy_version, exact in cases(args.quick):
        row, results = {}, {}
        for engine, module in engines.items():
            compiled = compile_with(module, func)
            module.set_num_threads(threads)
            start = time.perf_counter()
            results[engine] = compiled(*fargs)
            row[engine + " first"] = time.perf_counter() - start
            row[engine] = min(per_call_seconds(compiled, fargs, plan)[0])
            if engine == "ember":
                ember.set_num_threads(1)
                row["ember 1t"] = min(per_call_seconds(compiled, fargs, plan)[0])
                ember.set_num_threads(threads)
        serial = compile_with(ember, func, parallel=False)(*fargs)
        for engine, value in results.items():
            # Numba's sin/cos are not ember's (each within an ulp or two of exact).
            if not agree(value, serial, exact and engine == "ember"):
                print(f"  !! {engine} differs from ember's serial result on {name}")
        if numpy_version is not None:
            row["numpy"] = min(per_call_seconds(numpy_version, fargs, plan)[0])
        print(_format(name, row))
    return 0


def _format(name, row):
    def ms(key):
        value = row.get(key)
        if value is None:
            return f"{'-':>10}"
        return f"{value * 1e3:9.3f}m" if value >= 1e-4 else f"{value * 1e6:9.2f}u"

    speedup = row["ember 1t"] / row["ember"]
    ratio = f"{row['ember'] / row['numba']:11.2f}" if "numba" in row else f"{'-':>11}"
    return (f"{name:26} {ms('ember 1t')} {ms('ember')} {speedup:8.2f} {ms('numba')} {ratio} "
            f"{ms('numpy')}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
