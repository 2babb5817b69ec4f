"""One measurement in a fresh process; run.py starts it and reads its one result line.

Usage: worker.py TASK MODULE [KERNEL] [--plan JSON]
  TASK    first | second | steady | overhead | warm
  MODULE  the engine's module name (ember, numba), or `python` for no compiler
  KERNEL  a name from kernels.KERNELS (for warm: a comma-separated list)

Every measurement runs in its own process so that no engine benefits from
state another measurement left behind (compiled code, warmed caches, LLVM
already initialised), and so that a crash in one engine costs one cell of
the table, not the run.
"""

import argparse
import gc
import json
import sys
import time
import warnings

import engines
import kernels
from timing import LoopPlan, per_call_seconds

RESULT_PREFIX = "EMBER_BENCH_RESULT "


def describe_warnings(caught: list) -> list[str]:
    """One line per distinct warning, e.g. a fallback to the interpreter.

    A `@jit` kernel that silently runs as Python would otherwise show as a
    compiled figure; the report marks any cell whose first call warned.
    """
    lines = []
    for warning in caught:
        text = str(warning.message).strip().splitlines()
        line = f"{warning.category.__name__}: {text[0] if text else ''}"[:200]
        if line not in lines:
            lines.append(line)
    return lines


def first_call(module, kernel: kernels.Kernel, args: tuple) -> tuple:
    """(compiled function, its first result, seconds, warnings) of decorate + first call."""
    gc.collect()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # Decoration is inside the timed region: an engine that does work when
        # decorating (parsing, typing eagerly) must not hide it from the figure.
        start = time.perf_counter()
        compiled = engines.compile_kernel(module, kernel.func, kernel.options)
        value = compiled(*args)
        seconds = time.perf_counter() - start
    return compiled, value, seconds, describe_warnings(caught)


def timed_first_call(module, kernel: kernels.Kernel) -> dict:
    _, value, seconds, warned = first_call(module, kernel, kernel.setup())
    return {"samples": [seconds], "result": kernels.summarize(value), "warnings": warned}


def task_first(module_name: str, kernel_name: str, plan: LoopPlan) -> dict:
    module = engines.load(module_name)
    return timed_first_call(module, kernels.kernel_named(kernel_name))


def task_second(module_name: str, kernel_name: str, plan: LoopPlan) -> dict:
    module = engines.load(module_name)
    try:
        engines.compile_kernel(module, kernels.warmup, None)(*kernels.warmup_args())
    except Exception as exc:
        # Say so: the kernel's own name on this error would send one looking
        # in the wrong place.
        return {"error": f"warm-up kernel failed: {first_line(exc)}"}
    return timed_first_call(module, kernels.kernel_named(kernel_name))


def task_steady(module_name: str, kernel_name: str, plan: LoopPlan) -> dict:
    module = engines.load(module_name)
    kernel = kernels.kernel_named(kernel_name)
    args = kernel.setup()
    compiled, value, _, warned = first_call(module, kernel, args)
    samples, number = per_call_seconds(compiled, args, plan)
    result = kernels.summarize(value)
    return {"samples": samples, "number": number, "result": result, "warnings": warned}


def task_overhead(module_name: str, kernel_name: str, plan: LoopPlan) -> dict:
    module = engines.load(module_name)
    compiled = engines.compile_kernel(module, kernels.identity, None)
    compiled(1)
    samples, number = per_call_seconds(compiled, (1,), plan)
    return {"samples": samples, "number": number}


def task_warm(module_name: str, kernel_names: str, plan: LoopPlan) -> dict:
    """Compile and run the kernels named (comma-separated) once each, unmeasured.

    This fills the bytecode cache with the modules an engine imports lazily
    while compiling, so that no first-call figure includes turning an
    engine's own source into bytecode.
    """
    module = engines.load(module_name)
    engines.compile_kernel(module, kernels.warmup, None)(*kernels.warmup_args())
    for name in filter(None, kernel_names.split(",")):
        kernel = kernels.kernel_named(name)
        try:
            engines.compile_kernel(module, kernel.func, kernel.options)(*kernel.setup())
        except Exception:  # reported by the measured runs; here only the imports matter
            pass
    return {"samples": []}


TASKS = {
    "first": task_first,
    "second": task_second,
    "steady": task_steady,
    "overhead": task_overhead,
    "warm": task_warm,
}


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("module")
    parser.add_argument("kernel", nargs="?", default="")
    parser.add_argument(
        "--plan", default='{"repeats": 5, "min_repeats": 3, "min_time": 0.2, "budget": 5.0}'
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    plan = LoopPlan(**json.loads(args.plan))
    try:
        result = TASKS[args.task](args.module, args.kernel, plan)
    except Exception as exc:  # any failure becomes one cell of the table, never a crash
        result = {"error": first_line(exc)}
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
