"""CUDA kernels on the CPU: ember's CPU executor vs Numba's CUDA simulator vs NumPy.

    .venv/bin/python benchmarks/cuda_cpu.py [--repeats 5] [--sim-n 16384]

Two kernels, each launched as written for a GPU:
- `vector_add`: slide 8, on 10M float32 (256 threads per block);
- `block_sums`: a shared-memory tree reduction with `cuda.syncthreads()` in
  a loop, 4M float64 (256 threads per block), one partial sum per block.

Each engine runs in its own subprocess. Numba's simulator
(`NUMBA_ENABLE_CUDASIM=1`, set before Numba is imported) runs every CUDA
thread as a Python thread: it is far too slow for the full sizes, so it runs
`--sim-n` elements and its time is scaled linearly to the full size (a
launch's cost is proportional to its thread count there); the table says
so. NumPy's `a + b` (into an existing array) and `x.reshape(-1, 256).sum(1)`
are the references. No timing here is asserted anywhere.
"""

import argparse
import atexit
import json
import os
import subprocess
import sys
import time

N_ADD = 10_000_000
N_SUM = 4_194_304
TPB = 256

KERNELS = '''
@cuda.jit
def vector_add(a, b, result):
    i = cuda.grid(1)
    if i < result.shape[0]:
        result[i] = a[i] + b[i]


@cuda.jit
def block_sums(x, partial):
    sdata = cuda.shared.array(256, float64)
    tid = cuda.threadIdx.x
    i = cuda.grid(1)
    if i < x.shape[0]:
        sdata[tid] = x[i]
    else:
        sdata[tid] = 0.0
    cuda.syncthreads()
    s = cuda.blockDim.x // 2
    while s > 0:
        if tid < s:
            sdata[tid] += sdata[tid + s]
        cuda.syncthreads()
        s //= 2
    if tid == 0:
        partial[cuda.blockIdx.x] = sdata[0]
'''


def _best(run, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def _inputs(n_add, n_sum):
    import numpy as np

    rng = np.random.default_rng(0)
    a, b = rng.random(n_add, dtype=np.float32), rng.random(n_add, dtype=np.float32)
    x = rng.random(n_sum)
    return a, b, x


def _kernels(engine):
    """The kernels as a module of a real file (ember compiles from source)."""
    import runpy
    import tempfile

    header = {"ember": "from ember import cuda\nfrom ember.types import float64\n",
              "numba": "from numba import cuda, float64\n"}[engine]
    with tempfile.NamedTemporaryFile("w", suffix=f"_{engine}_kernels.py", delete=False) as f:
        f.write(header + KERNELS)
    atexit.register(os.unlink, f.name)  # kernels compile at their first launch
    return runpy.run_path(f.name)


def worker(engine, n_add, n_sum, repeats):
    """Time one engine in this process; print a JSON record."""
    import numpy as np

    a, b, x = _inputs(n_add, n_sum)
    result, partial = np.zeros_like(a), np.zeros((n_sum + TPB - 1) // TPB)
    if engine == "numpy":
        add = _best(lambda: np.add(a, b, out=result), repeats)
        total = _best(lambda: x.reshape(-1, TPB).sum(axis=1, out=partial), repeats)
        print(json.dumps({"add_first": add, "add": add, "sum_first": total, "sum": total}))
        return
    namespace = _kernels(engine)
    cuda = namespace["cuda"]
    add_launch = namespace["vector_add"][(n_add + TPB - 1) // TPB, TPB]
    sum_launch = namespace["block_sums"][len(partial), TPB]
    record = {}
    for key, launch, args in (("add", add_launch, (a, b, result)),
                              ("sum", sum_launch, (x, partial))):
        start = time.perf_counter()
        launch(*args)
        cuda.synchronize()
        record[f"{key}_first"] = time.perf_counter() - start
        record[key] = _best(lambda launch=launch, args=args: (launch(*args),
                                                              cuda.synchronize()), repeats)
    assert np.array_equal(result, a + b)
    np.testing.assert_allclose(partial, x.reshape(-1, TPB).sum(axis=1), rtol=1e-12)
    print(json.dumps(record))


def run_engine(engine, n_add, n_sum, repeats):
    env = dict(os.environ)
    if engine == "numba-sim":
        env["NUMBA_ENABLE_CUDASIM"] = "1"
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    command = [sys.executable, __file__, "--worker", engine.split("-")[0], "--n-add", str(n_add),
               "--n-sum", str(n_sum), "--repeats", str(repeats)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sim-n", type=int, default=16_384,
                        help="elements the Numba simulator runs (its time is scaled)")
    parser.add_argument("--worker")
    parser.add_argument("--n-add", type=int, default=N_ADD)
    parser.add_argument("--n-sum", type=int, default=N_SUM)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.n_add, args.n_sum, args.repeats)
    rows = {"numpy": run_engine("numpy", N_ADD, N_SUM, args.repeats),
            "ember": run_engine("ember", N_ADD, N_SUM, args.repeats),
            "numba-sim": run_engine("numba-sim", args.sim_n, args.sim_n, 1)}
    sim = rows["numba-sim"]
    if "error" not in sim:  # scale the simulator's time to the full sizes
        for key in ("add", "add_first"):
            sim[key] *= N_ADD / args.sim_n
        for key in ("sum", "sum_first"):
            sim[key] *= N_SUM / args.sim_n
    print("| engine | vector_add 10M f32: first launch | steady | block_sums 4M f64: first "
          "launch | steady |\n|---|---|---|---|---|")
    for engine, record in rows.items():
        if "error" in record:
            print(f"| {engine} | failed: {record['error']} | | | |")
            continue
        note = f" (ran {args.sim_n} elements, scaled)" if engine == "numba-sim" else ""
        print(f"| {engine}{note} | {record['add_first'] * 1e3:.1f} ms | "
              f"{record['add'] * 1e3:.2f} ms | {record['sum_first'] * 1e3:.1f} ms | "
              f"{record['sum'] * 1e3:.2f} ms |")


if __name__ == "__main__":
    main()
