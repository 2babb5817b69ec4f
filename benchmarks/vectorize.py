"""@vectorize side by side: ember, Numba and NumPy in one process.

    .venv/bin/python benchmarks/vectorize.py [--quick] [--repeats N]

Kernels: slide 10's `fast_exp` (bare @vectorize, np.exp of 10M float64), an
arithmetic ufunc (`a * b + c` with eager signatures) and both again with
target="parallel", plus a gufunc (row norms, "(n)->()"). For each: the
first call (compile included, measured on a fresh decoration of the same
kernel, called on 4 elements) and the steady state (best of repeated calls on the same inputs).
Engines take turns within each kernel so that a noisy stretch of the
machine hits all of them. Results are checked against NumPy.
"""

import argparse
import time

import numpy as np

SEED = 20240611


def fast_exp(x):
    return np.exp(x)


def multiply_add(a, b, c):
    return a * b + c


def row_norm(a, out):
    total = 0.0
    for x in a:
        total += x * x
    out[0] = np.sqrt(total)


ARITH_SIGNATURES = ["float64(float64, float64, float64)", "float32(float32, float32, float32)"]
NORM_SIGNATURES = ["void(float64[:], float64[:])"]


def decorate(engine, kind, target):
    """A fresh ufunc of `engine` (the ember or numba module) for kernel `kind`."""
    if kind == "fast_exp":
        if target == "cpu":
            return engine.vectorize(fast_exp)  # bare, as slide 10 writes it
        return engine.vectorize(["float64(float64)"], target=target)(fast_exp)
    if kind == "multiply_add":
        return engine.vectorize(ARITH_SIGNATURES, target=target)(multiply_add)
    return engine.guvectorize(NORM_SIGNATURES, "(n)->()", target=target)(row_norm)


def inputs(kind, n):
    rng = np.random.default_rng(SEED)
    if kind == "fast_exp":
        return (rng.random(n),)
    if kind == "multiply_add":
        return tuple(rng.random(n) for _ in range(3))
    return (rng.random((n // 100, 100)),)


def numpy_reference(kind):
    return {"fast_exp": np.exp, "multiply_add": lambda a, b, c: a * b + c,
            "row_norm": lambda a: np.linalg.norm(a, axis=1)}[kind]


def best(func, args, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def first_call(engine, kind, target, args):
    """Seconds to decorate and call on a few elements: the compile time."""
    start = time.perf_counter()
    ufunc = decorate(engine, kind, target)
    ufunc(*[a[:4] for a in args])
    return time.perf_counter() - start, ufunc


def measure(engines, kind, target, n, repeats):
    args = inputs(kind, n)
    reference = numpy_reference(kind)
    expected = reference(*args)
    row = {}
    ufuncs = {}
    for name, engine in engines.items():
        row[f"{name} first"], ufuncs[name] = first_call(engine, kind, target, args)
        np.testing.assert_allclose(ufuncs[name](*args), expected, rtol=1e-13)
    for _ in range(3):  # engines take turns
        for name in engines:
            steady = best(ufuncs[name], args, repeats)
            row[name] = min(row.get(name, steady), steady)
        numpy_time = best(reference, args, repeats)
        row["numpy"] = min(row.get("numpy", numpy_time), numpy_time)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1M elements instead of 10M")
    parser.add_argument("--repeats", type=int, default=10)
    options = parser.parse_args()
    import ember

    engines = {"ember": ember}
    try:
        import numba

        engines["numba"] = numba
    except ImportError:
        print("numba is not installed: ember and NumPy only")
    n = 1_000_000 if options.quick else 10_000_000
    cases = [("fast_exp", "cpu"), ("multiply_add", "cpu"), ("row_norm", "cpu"),
             ("fast_exp", "parallel"), ("multiply_add", "parallel"), ("row_norm", "parallel")]
    print(f"{n:,} elements, best of {options.repeats} calls x 3 turns; "
          f"ember threads: {ember.get_num_threads()}")
    header = "| kernel | target | ember | Numba | NumPy | ember/Numba | ember/NumPy | " \
             "ember first call | Numba first call |"
    print(header)
    print("|---" * 9 + "|")
    for kind, target in cases:
        row = measure(engines, kind, target, n, options.repeats)
        numba_time = row.get("numba")
        ratio = f"{row['ember'] / numba_time:.2f}" if numba_time else "-"
        numba_cell = f"{numba_time * 1e3:.1f} ms" if numba_time else "-"
        numba_first = f"{row['numba first'] * 1e3:.0f} ms" if numba_time else "-"
        print(f"| {kind} | {target} | {row['ember'] * 1e3:.1f} ms | {numba_cell} | "
              f"{row['numpy'] * 1e3:.1f} ms | {ratio} | {row['ember'] / row['numpy']:.2f} | "
              f"{row['ember first'] * 1e3:.0f} ms | {numba_first} |", flush=True)


if __name__ == "__main__":
    main()
