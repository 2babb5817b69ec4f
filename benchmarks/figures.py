"""The figures the benchmark reports: what each one measures, how, and its target.

Targets are ember/Numba ratios ember must stay at or under (DESIGN.md,
Performance rules). Every figure is measured in fresh processes (harness.py).
"""

from dataclasses import dataclass

import kernels
from harness import (
    Record,
    Settings,
    new_records,
    progress,
    repeat_interleaved,
    run_import_probe,
    run_worker,
)
from kernels import Kernel


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    target: float | None


FIGURES = {
    figure.key: figure
    for figure in (
        Figure("import", "import, fresh interpreter", 0.5),
        Figure("import_numpy", "import, numpy already loaded", 0.5),
        Figure("overhead", "call overhead, f(x)=x", 2.0),
        Figure("first", "first call, fresh process", 0.5),
        # No target of its own: it tells whether a first-call win is only
        # Numba's one-time start-up, or compiling itself is faster.
        Figure("second", "first call, 2nd compile", None),
        Figure("steady", "steady state", 1.1),
    )
}

# What --figures may name: each import variant is measured with the other.
GROUPS = ("import", "overhead", "first", "second", "steady")

IMPORT_VARIANTS = (("import", ""), ("import_numpy", "; import numpy"))


def compilers(modules: dict[str, str | None]) -> dict[str, str | None]:
    return {engine: module for engine, module in modules.items() if engine != "python"}


def warm_up(modules: dict[str, str | None], chosen: list[Kernel], settings: Settings) -> None:
    """One unmeasured process per compiler that compiles the kernels (worker.task_warm)."""
    progress("warming up: bytecode cache and file cache, unmeasured")
    names = ",".join(kernel.name for kernel in chosen)
    for module in compilers(modules).values():
        if module is not None:
            run_worker("warm", module, names, settings)


def plain_python(modules: dict[str, str | None]) -> dict[str, str | None]:
    return {engine: module for engine, module in modules.items() if engine == "python"}


def measure_imports(modules: dict[str, str | None], settings: Settings) -> list[Record]:
    engines = compilers(modules)
    out: list[Record] = []
    for figure, preload in IMPORT_VARIANTS:
        progress(f"measuring {FIGURES[figure].label} ({settings.import_repeats} processes each)")

        def probe(module: str, preload: str = preload) -> dict:
            return run_import_probe(module, preload, settings)

        # One discarded round: the first import after an edit writes .pyc files
        # and the one after that may still find a cold file cache.
        repeat_interleaved(new_records(figure, "", engines), engines, 1, probe)
        records = new_records(figure, "", engines)
        repeat_interleaved(records, engines, settings.import_repeats, probe)
        out.extend(records.values())
    return out


def measure_overhead(modules: dict[str, str | None], settings: Settings) -> list[Record]:
    # Several processes, not one: a call's cost moves with where the process's
    # objects land in memory and with its hash seed, not only with the engine.
    repeats = settings.loop_processes
    progress(f"measuring {FIGURES['overhead'].label} ({repeats} processes each)")
    records = new_records("overhead", "", modules)
    repeat_interleaved(records, modules, repeats, lambda m: run_worker("overhead", m, "", settings))
    return list(records.values())


def measure_in_processes(
    task: str, kernel: Kernel, modules: dict[str, str | None], repeats: int, settings: Settings
) -> list[Record]:
    if not modules:
        return []
    progress(f"measuring {kernel.name}: {FIGURES[task].label} ({repeats} processes each)")
    records = new_records(task, kernel.name, modules)
    repeat_interleaved(
        records, modules, repeats, lambda m: run_worker(task, m, kernel.name, settings)
    )
    return list(records.values())


def check_results(records: list[Record]) -> None:
    """Mark each record whose result differs from plain Python's for that kernel."""
    python = [r.result for r in records if r.engine == "python" and r.result is not None]
    if not python:
        return
    reference = python[0]
    for record in records:
        if record.result is not None and record.engine != "python":
            record.matches_python = kernels.same_result(reference, record.result)


def measure_kernel(
    kernel: Kernel, modules: dict[str, str | None], settings: Settings, wanted: set[str]
) -> list[Record]:
    repeats, loops = settings.process_repeats, settings.loop_processes
    records: list[Record] = []
    if "first" in wanted:
        records += measure_in_processes("first", kernel, modules, repeats, settings)
    if "second" in wanted:
        records += measure_in_processes("second", kernel, compilers(modules), repeats, settings)
    if "steady" in wanted:
        records += measure_in_processes("steady", kernel, compilers(modules), loops, settings)
        # Plain Python is the reference, not a target: one process is enough,
        # and its slow loops would otherwise dominate the run time.
        records += measure_in_processes("steady", kernel, plain_python(modules), 1, settings)
    check_results(records)
    return records
