"""benchmarks/run.py: a failing or missing engine is a table cell, never a crash.

No timing is asserted: only that the harness runs, reports and writes its JSON.
"""

import json
import subprocess
import sys
from pathlib import Path

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


def run_bench(tmp_path: Path, *args: str) -> tuple[str, dict]:
    out_json = tmp_path / "bench.json"
    argv = [sys.executable, str(RUN), "--quick", "--json", str(out_json), *args]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, json.loads(out_json.read_text())


def test_engine_without_jit_fails_per_cell(tmp_path):
    # `json` imports fine but has no `jit`: every compiled figure must fail alone.
    table, data = run_bench(
        tmp_path,
        "--engines=python,ember",
        "--ember-module=json",
        "--kernels=optimizable_function",
    )
    assert "ember: AttributeError: module 'json' has no attribute 'jit'" in table
    assert "optimizable_function (slide 13" in table
    ember = [r for r in data["records"] if r["engine"] == "ember"]
    imports = [r for r in ember if r["figure"] == "import"]
    assert imports and imports[0]["error"] is None and imports[0]["min"] > 0
    compiled = [r for r in ember if r["figure"] in ("first", "second", "steady", "overhead")]
    assert compiled and all(r["error"] for r in compiled)
    python = [r for r in data["records"] if r["engine"] == "python" and r["figure"] == "steady"]
    assert python[0]["result"] == 1_000_002_000_001


WARNING_ENGINE = """
import warnings

def jit(func=None, **options):
    def wrap(f):
        def call(*args):
            warnings.warn("fell back to the interpreter\\ndetails", RuntimeWarning)
            return f(*args)
        return call
    return wrap(func) if func is not None else wrap
"""


def test_warning_during_first_call_is_reported(tmp_path, monkeypatch):
    # A kernel that runs as Python behind a warning must not pass for compiled.
    (tmp_path / "warning_engine.py").write_text(WARNING_ENGINE)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    table, _ = run_bench(
        tmp_path,
        "--engines=python,ember",
        "--ember-module=warning_engine",
        "--kernels=optimizable_function",
        "--figures=first",
    )
    assert "ember warned: RuntimeWarning: fell back to the interpreter" in table
    assert "details" not in table


def test_missing_engine_is_not_available(tmp_path):
    table, data = run_bench(
        tmp_path,
        "--engines=python,numba",
        "--numba-module=no_such_module_for_ember_bench",
        "--kernels=optimizable_function",
        "--figures=first,second",
    )
    assert "n/a" in table
    numba = [r for r in data["records"] if r["engine"] == "numba"]
    assert numba and all(r["unavailable"] for r in numba)
    assert {r["figure"] for r in data["records"]} == {"first", "second"}
    assert set(data["targets"]) >= {"import", "first", "steady", "overhead"}


def test_array_table_takes_the_best_of_several_runs(tmp_path):
    def record(kernel, figure, engine, best):
        return {"kernel": kernel, "figure": figure, "engine": engine, "min": best}
    runs = [[record("k", "steady", "ember", 2.0), record("k", "steady", "numba", 4.0),
             record("k", "first", "ember", 0.3), record("k", "first", "numba", 0.5),
             record("f", "steady", "numba", None), record("f", "steady", "ember", 1e-3)],
            [record("k", "steady", "ember", 1.0)]]
    paths = []
    for i, records in enumerate(runs):
        paths.append(tmp_path / f"run{i}.json")
        paths[-1].write_text(json.dumps({"records": records}))
    script = RUN.parent / "array_table.py"
    out = subprocess.run([sys.executable, str(script), *map(str, paths)], capture_output=True,
                         text=True, check=True).stdout
    assert "| `k` | - | 500 ms | 4.00 s | 300 ms | 1.00 s | 0.60x **MISS** | 0.25x ok |" in out
    assert "| `f` | - | - | fails | - | 1.00 ms | - | - |" in out
    assert "over the 1 kernels Numba compiles: 0.25x ok" in out
