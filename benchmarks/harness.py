"""Runs every measurement in a fresh process and gathers the samples as records."""

import json
import os
import statistics
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from timing import LoopPlan
from worker import RESULT_PREFIX

WORKER = Path(__file__).with_name("worker.py")

# `import time` first: only the engine's own import is inside the timed region,
# not the interpreter start-up that a wall-clock of the whole process would add.
IMPORT_PROBE = (
    "import time{preload}\n"
    "start = time.perf_counter()\n"
    "import {module}\n"
    "print(time.perf_counter() - start)\n"
)


@dataclass(frozen=True)
class Settings:
    process_repeats: int  # fresh processes per engine for first-call figures
    import_repeats: int  # fresh processes per engine for import figures
    loop_processes: int  # fresh processes per engine for steady-state and call overhead
    loop: LoopPlan  # steady-state and call-overhead loops
    timeout: float  # seconds one worker process may take
    env: dict[str, str] | None = None  # the measured processes' environment


FULL = Settings(
    process_repeats=5,
    import_repeats=9,
    loop_processes=3,
    loop=LoopPlan(repeats=7, min_repeats=3, min_time=0.2, budget=5.0),
    timeout=900.0,
)
QUICK = Settings(
    process_repeats=1,
    import_repeats=3,
    loop_processes=1,
    loop=LoopPlan(repeats=3, min_repeats=2, min_time=0.05, budget=1.5),
    timeout=600.0,
)


@dataclass
class Record:
    figure: str
    kernel: str
    engine: str
    samples: list[float] = field(default_factory=list)
    error: str | None = None
    unavailable: bool = False
    result: object = None
    number: int | None = None  # inner loop count, for loop figures
    matches_python: bool | None = None
    warnings: list[str] = field(default_factory=list)

    def add(self, outcome: dict) -> None:
        if "error" in outcome:
            self.error = outcome["error"]
            return
        self.samples.extend(outcome["samples"])
        self.result = outcome.get("result", self.result)
        self.number = outcome.get("number", self.number)
        self.warnings += [w for w in outcome.get("warnings", []) if w not in self.warnings]

    @property
    def best(self) -> float | None:
        return min(self.samples) if self.samples and not self.error else None

    def as_json(self) -> dict:
        data = asdict(self)
        data["min"] = self.best
        data["median"] = statistics.median(self.samples) if self.best is not None else None
        return data


def parse_worker_output(proc: subprocess.CompletedProcess) -> dict:
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    # No result line: the process died (a crash in compiled code, out of memory).
    lines = proc.stderr.strip().splitlines()
    return {"error": f"process exited with {proc.returncode}: {lines[-1] if lines else ''}"}


def child_environment(pycache_dir: str) -> dict[str, str]:
    """The environment of every measured process: bytecode caching on, in a private tree.

    With PYTHONDONTWRITEBYTECODE set (it is on the development machines) an
    editable ember would compile its sources to bytecode at every import while
    an installed Numba loads its .pyc files: the import and first-call figures
    would compare a source compiler with a bytecode loader. A private prefix
    puts both engines on the same footing and leaves the source tree alone.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache_dir
    return env


def run_python(argv: list[str], settings: Settings) -> subprocess.CompletedProcess | dict:
    try:
        return subprocess.run(
            [sys.executable, *argv],
            capture_output=True,
            text=True,
            timeout=settings.timeout,
            env=settings.env,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {settings.timeout:.0f} s"}


def run_worker(task: str, module: str, kernel: str, settings: Settings) -> dict:
    plan = json.dumps(asdict(settings.loop))
    proc = run_python([str(WORKER), task, module, kernel, "--plan", plan], settings)
    return proc if isinstance(proc, dict) else parse_worker_output(proc)


def run_import_probe(module: str, preload: str, settings: Settings) -> dict:
    code = IMPORT_PROBE.format(module=module, preload=preload)
    proc = run_python(["-c", code], settings)
    if isinstance(proc, dict):
        return proc
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        return {"error": lines[-1] if lines else f"exit status {proc.returncode}"}
    return {"samples": [float(proc.stdout.split()[-1])]}


def new_records(figure: str, kernel: str, modules: dict[str, str | None]) -> dict[str, Record]:
    records = {}
    for engine, module in modules.items():
        records[engine] = Record(figure, kernel, engine)
        if module is None:
            records[engine].unavailable = True
            records[engine].error = "not installed"
    return records


def repeat_interleaved(records: dict[str, Record], modules: dict, repeats: int, probe) -> None:
    """Engines take turns in each round, so drift in machine load hits all alike."""
    for _ in range(repeats):
        for engine, record in records.items():
            if record.error is None:
                record.add(probe(modules[engine]))


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
