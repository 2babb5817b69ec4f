"""cache=True: the first call in a fresh process, without a cache entry
(cold: compiled) and with one (warm: loaded from disk), ember vs Numba.

    .venv/bin/python benchmarks/cache.py [--runs N]

Each measurement is a new interpreter that imports the engine, decorates one
of the seed's kernels with cache=True and calls it once; it reports the
time of the import, of the decoration and of the first call. Cold runs get an
empty cache folder (EMBER_CACHE_DIR / NUMBA_CACHE_DIR), warm runs the folder
a cold run filled. Best of N runs (default 5). The child also reports
whether its call was a cache hit (dispatcher.stats), and the result, which
must equal the cold one.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

KERNELS = '''
import numpy as np
from {engine} import njit, prange


@njit(cache=True)
def sum_squares(arr):  # slide 1
    sum = 0.0
    for i in range(arr.shape[0]):
        sum += arr[i] * arr[i]
    return sum


@njit(cache=True, parallel=True)
def monte_carlo_pi(nsamples):  # slide 2
    acc = 0
    for i in prange(nsamples):
        x = np.random.random()
        y = np.random.random()
        if (x**2 + y**2) < 1.0:
            acc += 1
    return 4.0 * acc / nsamples


@njit(cache=True)
def convolve2d(image, kernel):  # slide 4
    M, N = image.shape
    K, L = kernel.shape
    result = np.zeros((M-K+1, N-L+1))
    for i in range(result.shape[0]):
        for j in range(result.shape[1]):
            result[i, j] = np.sum(image[i:i+K, j:j+L] * kernel)
    return result


@njit(cache=True)
def compute_acceleration(pos, mass, G, softening):  # slide 12
    n = pos.shape[0]
    acc = np.zeros_like(pos)
    for i in range(n):
        for j in range(n):
            if i != j:
                dx = pos[j] - pos[i]
                r = np.sqrt(np.sum(dx**2) + softening**2)
                acc[i] += G * mass[j] * dx / r**3
    return acc
'''

CHILD = '''
import json, sys, time
t0 = time.perf_counter()
import numpy as np
import {engine}
t1 = time.perf_counter()
import kernels_{engine} as k
t2 = time.perf_counter()
args = {{
    "sum_squares": (np.arange(1000.0),),
    "monte_carlo_pi": (10000,),
    "convolve2d": (np.arange(400.0).reshape(20, 20), np.ones((3, 3)) / 9),
    "compute_acceleration": (np.arange(30.0).reshape(10, 3) % 7, np.ones(10), 1.0, 0.1),
}}["{kernel}"]
f = getattr(k, "{kernel}")
t3 = time.perf_counter()
result = f(*args)
t4 = time.perf_counter()
hit = sum(f.stats.cache_hits.values()) > 0
value = None if "{kernel}" == "monte_carlo_pi" else np.asarray(result).tolist()
print(json.dumps({{"import": t1 - t0, "decorate": t2 - t1, "first_call": t4 - t3,
                   "hit": hit, "value": value}}))
'''

KERNEL_NAMES = ["sum_squares", "monte_carlo_pi", "convolve2d", "compute_acceleration"]


def child(folder, engine, kernel, cache_dir):
    env = dict(os.environ, EMBER_CACHE_DIR=cache_dir, NUMBA_CACHE_DIR=cache_dir,
               PYTHONPATH=os.pathsep.join([str(folder), str(pathlib.Path(__file__).resolve()
                                                            .parents[1] / "src")]))
    script = CHILD.format(engine=engine, kernel=kernel)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, cwd=folder, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"{engine} {kernel}: {done.stderr.strip().splitlines()[-1]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(folder, engine, kernel, runs):
    """Best cold and best warm child reports (by first-call time)."""
    cold, warm = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as cache_dir:
            cold.append(child(folder, engine, kernel, cache_dir))
            warm.append(child(folder, engine, kernel, cache_dir))
    assert not any(r["hit"] for r in cold) and all(r["hit"] for r in warm), (cold, warm)
    assert all(r["value"] == cold[0]["value"] for r in cold + warm)
    return (min(cold, key=lambda r: r["first_call"]), min(warm, key=lambda r: r["first_call"]))


def ms(seconds):
    return f"{seconds * 1e3:7.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--engines", default="ember,numba")
    options = parser.parse_args()
    engines = options.engines.split(",")
    with tempfile.TemporaryDirectory() as folder:
        for engine in engines:
            pathlib.Path(folder, f"kernels_{engine}.py").write_text(KERNELS.format(engine=engine))
        print(f"first call in a fresh process, ms (best of {options.runs}); cold: no cache "
              "entry, warm: loaded from the cache")
        print(f"{'kernel':22} {'engine':6} {'cold':>7} {'warm':>7} {'speedup':>8}   "
              f"{'import':>7} {'decorate (warm)':>15}")
        for kernel in KERNEL_NAMES:
            for engine in engines:
                cold, warm = measure(folder, engine, kernel, options.runs)
                print(f"{kernel:22} {engine:6} {ms(cold['first_call'])} "
                      f"{ms(warm['first_call'])} {cold['first_call'] / warm['first_call']:7.0f}x"
                      f"   {ms(warm['import'])} {ms(warm['decorate']):>15}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
