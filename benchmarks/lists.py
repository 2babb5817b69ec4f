"""Python lists side by side: ember, Numba (its reflected list, and
numba.typed.List for passing lists in, the form Numba recommends) and plain
Python, in one process.

    .venv/bin/python benchmarks/lists.py [--quick]

Figures (steady state, best of several calls, after a first call that
compiles; the first call's time is reported as compile):
- append: build a list of N floats by append in a loop;
- comprehension: the same list from a list comprehension;
- sum: sum() of a list of N floats built in the function, 20 times;
- sort: a list of M random floats built from an array, sorted in place;
- pass in: a Python list of M floats passed to a function reading one item
  (unboxing; nothing to reflect), and to one changing one item (unboxing and
  writing back). Numba's typed.List is passed already built (its
  construction from the Python list is reported apart).

Results are checked against plain Python.
"""

import argparse
import sys
import time
import warnings

import numpy as np


def kernels():
    def append(n):
        out = []
        for i in range(n):
            out.append(i * 0.5)
        return len(out)

    def comprehension(n):
        out = [i * 0.5 for i in range(n)]
        return len(out)

    def sums(n):
        values = [i * 0.5 for i in range(n)]
        total = 0.0
        for _ in range(20):
            total += sum(values)
        return total

    def sort(a):
        values = [x for x in a]
        values.sort()
        return values[0] + values[-1]

    def read_one(values):
        return values[len(values) // 2]

    def change_one(values):
        values[0] = values[0] + 1.0
        return values[0]

    return dict(append=append, comprehension=comprehension, sums=sums, sort=sort,
                read_one=read_one, change_one=change_one)


def best(func, *args, repeats=5):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = func(*args)
        times.append(time.perf_counter() - start)
    return min(times), result


def measure(name, engine, n, m, repeats):
    funcs = kernels()
    if engine is not None:
        funcs = {k: engine.njit(f) for k, f in funcs.items()}
    rng = np.random.default_rng(0)
    array = rng.random(m)
    pylist = array.tolist()
    cases = [("append", (n,)), ("comprehension", (n,)), ("sums", (n,)), ("sort", (array,)),
             ("read_one", (pylist,)), ("change_one", (pylist,))]
    out = {}
    for case, args in cases:
        start = time.perf_counter()
        funcs[case](*args)
        first = time.perf_counter() - start
        seconds, result = best(funcs[case], *args, repeats=repeats)
        out[case] = (first, seconds, result)
    if name == "numba":
        from numba.typed import List

        start = time.perf_counter()
        typed = List(pylist)
        out["typed.List(list)"] = (None, time.perf_counter() - start, None)
        for case in ("read_one", "change_one"):
            funcs[case](typed)
            seconds, result = best(funcs[case], typed, repeats=repeats)
            out[f"{case} typed.List"] = (None, seconds, result)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    n, m, repeats = (100_000, 10_000, 3) if options.quick else (1_000_000, 100_000, 5)
    import ember

    engines = [("ember", ember)]
    try:
        import numba

        engines.append(("numba", numba))
    except ImportError:
        print("numba is not installed: ember and Python only", file=sys.stderr)
    engines.append(("python", None))
    results = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Numba's reflected-list deprecation warnings
        for name, engine in engines:
            results[name] = measure(name, engine, n, m, repeats)
    reference = results["python"]
    for name in results:
        for case, (_, _, result) in results[name].items():
            expected = reference.get(case.split(" ")[0], (None, None, None))[2]
            if result is not None and expected is not None and not case.startswith("change_one"):
                assert np.isclose(result, expected), (name, case, result, expected)
    print(f"lists: N = {n:,} (append, comprehension, sum), M = {m:,} (sort, pass in); "
          "milliseconds, best of {repeats}".replace("{repeats}", str(repeats)))
    print(f"{'case':<26}" + "".join(f"{name:>14}" for name in results)
          + "   ember/numba   first call (compile) ember, numba")
    cases = list(results["ember"])
    for case in cases + [c for c in results.get("numba", {}) if c not in cases]:
        row = [results[name].get(case) for name in results]
        cells = "".join(f"{r[1] * 1e3:>14.3f}" if r else f"{'':>14}" for r in row)
        ratio = ""
        if "numba" in results and case in results["numba"] and case in results["ember"]:
            ratio = f"{results['ember'][case][1] / results['numba'][case][1]:>14.2f}"
        first = "   ".join(f"{results[e][case][0]:.2f} s" for e in ("ember", "numba")
                           if e in results and case in results[e] and results[e][case][0])
        print(f"{case:<26}{cells}{ratio:>14}   {first}")


if __name__ == "__main__":
    main()
