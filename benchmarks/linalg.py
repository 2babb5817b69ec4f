"""np.linalg side by side: ember, Numba and NumPy in one process.

    .venv/bin/python benchmarks/linalg.py [--quick] [--no-numba]

Kernels: solve, inv, det, eigh and svd of a 200x200 float64 matrix (each a
jitted function calling the np.linalg function once), and a batch of 4x4
solves in a jitted loop (Numba's weak spot: its per-call overhead; NumPy's
figure there is one stacked np.linalg.solve call). For each engine: the
first call (compile + run) and the best of repeated calls. Engines take turns
kernel by kernel; results are checked against NumPy.
"""

import argparse
import sys
import time

import numpy as np

from timing import LoopPlan, per_call_seconds

SEED = 20240611
N = 200


def solve(a, b):
    return np.linalg.solve(a, b)


def inv(a):
    return np.linalg.inv(a)


def det(a):
    return np.linalg.det(a)


def eigh(a):
    return np.linalg.eigh(a)


def svd(a):
    return np.linalg.svd(a)


def batch_solve(mats, rhs):
    out = np.empty_like(rhs)
    for i in range(mats.shape[0]):
        out[i] = np.linalg.solve(mats[i], rhs[i])
    return out


def numpy_batch_solve(mats, rhs):
    return np.linalg.solve(mats, rhs[..., None])[..., 0]


def cases(quick):
    rng = np.random.default_rng(SEED)
    # eigenvalues near 2 (radius ~1): well conditioned, and det ~ 2**N does not overflow
    a = rng.standard_normal((N, N)) / np.sqrt(N) + 2 * np.eye(N)
    s = a + a.T
    b = rng.standard_normal(N)
    count = 2_000 if quick else 10_000
    mats = rng.standard_normal((count, 4, 4)) + 4 * np.eye(4)
    rhs = rng.standard_normal((count, 4))
    return [
        # name, function, args, NumPy equivalent, how results compare
        (f"solve {N}x{N}", solve, (a, b), solve, None),
        (f"inv {N}x{N}", inv, (a,), inv, None),
        (f"det {N}x{N}", det, (a,), det, None),
        (f"eigh {N}x{N}", eigh, (s,), eigh, _eigh_close),
        (f"svd {N}x{N}", svd, (a,), svd, _svd_close),
        (f"{count} solves 4x4 (loop)", batch_solve, (mats, rhs), numpy_batch_solve, None),
    ]


def _eigh_close(got, want):
    w, v = got
    return np.allclose(w, want[0]) and np.allclose(np.abs(v.T @ want[1]), np.eye(len(w)),
                                                   atol=1e-8)


def _svd_close(got, want):
    u, s, vh = got
    return np.allclose(s, want[1]) and np.allclose((u * s) @ vh, (want[0] * want[1]) @ want[2])


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
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
    plan = LoopPlan(repeats=5 if args.quick else 10, min_repeats=3, min_time=0.05,
                    budget=1.0 if args.quick else 3.0)
    print("best of repeated calls; first = first call (compile + run); "
          "ratios < 1 favour ember")
    print(f"{'kernel':24} {'ember':>10} {'numba':>10} {'ember/numba':>11} {'numpy':>10} "
          f"{'ember first':>12} {'numba first':>12}")
    for name, func, fargs, numpy_version, compare in cases(args.quick):
        row = {}
        want = numpy_version(*fargs)
        for engine, module in engines.items():
            compiled = module.njit(func)
            start = time.perf_counter()
            got = compiled(*fargs)
            row[engine + " first"] = time.perf_counter() - start
            row[engine] = min(per_call_seconds(compiled, fargs, plan)[0])
            ok = compare(got, want) if compare else np.allclose(got, want)
            if not ok:
                print(f"  !! {engine} differs from NumPy on {name}")
        row["numpy"] = min(per_call_seconds(numpy_version, fargs, plan)[0])
        print(_format(name, row))
    return 0


def _format(name, row):
    def ms(key, width=10):
        value = row.get(key)
        if value is None:
            return f"{'-':>{width}}"
        if value >= 1e-1:
            return f"{value:{width - 1}.3f}s"
        return (f"{value * 1e3:{width - 1}.3f}m" if value >= 1e-4
                else f"{value * 1e6:{width - 1}.2f}u")

    ratio = f"{row['ember'] / row['numba']:11.2f}" if "numba" in row else f"{'-':>11}"
    return (f"{name:24} {ms('ember')} {ms('numba')} {ratio} {ms('numpy')} "
            f"{ms('ember first', 12)} {ms('numba first', 12)}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
