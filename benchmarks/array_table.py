"""The array-kernel table of docs/performance.md (issue 4) from runs of run.py.

    .venv/bin/python benchmarks/array_table.py run1.json [run2.json ...]

Every figure is the best over all samples of all the runs given (the machine
is shared: a busy moment only ever makes a sample slower). Prints a Markdown
table, one row per kernel: plain Python/NumPy, Numba and ember (first call
and steady state), the ember/Numba ratios against issue 4's targets, and the
geometric mean of the steady-state ratios over the kernels Numba compiles.
"""

import json
import math
import sys

from report import format_seconds

TARGETS = {"first": 0.5, "steady": 1.0}
NBODY, NBODY_TARGET = "compute_acceleration", 0.1
GEOMEAN_TARGET = 0.8


def best_times(paths):
    """(kernel, figure, engine) -> best seconds, or None where an engine failed."""
    best, kernels = {}, []
    for path in paths:
        with open(path) as source:
            for record in json.load(source)["records"]:
                key = (record["kernel"], record["figure"], record["engine"])
                if record["kernel"] not in kernels:
                    kernels.append(record["kernel"])
                value = record["min"]
                if value is not None and (best.get(key) is None or value < best[key]):
                    best[key] = value
                else:
                    best.setdefault(key, None)
    return best, kernels


def time_cell(best, key):
    if key not in best:
        return "-"
    return "fails" if best[key] is None else format_seconds(best[key])


def ratio(best, kernel, figure):
    ember, numba = best.get((kernel, figure, "ember")), best.get((kernel, figure, "numba"))
    return None if ember is None or numba is None else ember / numba


def ratio_cell(value, target):
    if value is None:
        return "-"
    return f"{value:.2f}x " + ("ok" if value <= target else "**MISS**")


def table(best, kernels):
    rows = ["| kernel | Python/NumPy | Numba first | Numba steady | ember first | ember steady "
            "| first ember/Numba (<= 0.5x) | steady ember/Numba (<= 1.0x) |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    steady_ratios = []
    for kernel in kernels:
        first, steady = ratio(best, kernel, "first"), ratio(best, kernel, "steady")
        target = NBODY_TARGET if kernel == NBODY else TARGETS["steady"]
        if steady is not None:
            steady_ratios.append(steady)
        rows.append(f"| `{kernel}` | {time_cell(best, (kernel, 'steady', 'python'))} "
                    f"| {time_cell(best, (kernel, 'first', 'numba'))} "
                    f"| {time_cell(best, (kernel, 'steady', 'numba'))} "
                    f"| {time_cell(best, (kernel, 'first', 'ember'))} "
                    f"| {time_cell(best, (kernel, 'steady', 'ember'))} "
                    f"| {ratio_cell(first, TARGETS['first'])} | {ratio_cell(steady, target)} |")
    if steady_ratios:
        mean = math.exp(sum(math.log(r) for r in steady_ratios) / len(steady_ratios))
        rows.append(f"\nGeometric mean of the steady-state ratios over the {len(steady_ratios)} "
                    f"kernels Numba compiles: {ratio_cell(mean, GEOMEAN_TARGET)} "
                    f"(target <= {GEOMEAN_TARGET}x).")
    return "\n".join(rows)


def main(paths):
    best, kernels = best_times(paths)
    print(table(best, kernels))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
