"""Package structure: the pipeline's one-way import order, and a cheap import."""

import ast
import pathlib
import subprocess
import sys

SRC = pathlib.Path(__file__).resolve().parents[1] / "src" / "ember"
# Pipeline order: a package may import only packages at or before its position.
ORDER = ["errors", "config", "types", "ir", "frontend", "typing", "passes", "codegen",
         "lib", "runtime", "targets", "jitclasses", "vectorizer"]
# lib/ is library code the typing registry loads by name; runtime/ holds the
# C API layouts codegen's entry wrapper reads.
ALLOWED = {("typing", "lib"), ("codegen", "runtime")}


def imported_packages(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "ember" and len(parts) > 1:
                yield parts[1]


def test_pipeline_packages_import_only_earlier_packages():
    problems = []
    for package in ORDER:
        folder = SRC / package
        files = list(folder.rglob("*.py")) if folder.is_dir() else [SRC / f"{package}.py"]
        for path in files:
            for imported in imported_packages(path):
                if imported in ORDER and ORDER.index(imported) > ORDER.index(package):
                    if (package, imported) not in ALLOWED:
                        problems.append(f"{path.relative_to(SRC)} imports ember.{imported}")
    assert not problems, problems


def test_core_never_imports_cuda_target():
    # ember/cuda/ is the public `from ember import cuda`: it re-exports the target.
    for path in SRC.rglob("*.py"):
        if "targets/cuda" not in str(path) and path.parent.name != "cuda":
            assert "targets.cuda" not in path.read_text(), path


def test_import_is_cheap_and_lazy():
    code = ("import sys, time; t = time.perf_counter(); import ember; "
            "print(time.perf_counter() - t); "
            "print('llvmlite' in sys.modules, 'ember.lib.builtins' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[1:] == ["False", "False"]  # LLVM and the library load on first compile
