"""`python -m ember demo`: the registry runs, gaps print one line, `import ember` stays lean."""

import subprocess
import sys
import types

import pytest

from ember import demo
from ember.__main__ import main as ember_main


def python_only_engine() -> types.SimpleNamespace:
    # Stands in for a compiler: `jit` in both call forms returns the function itself.
    def jit(func=None, **options):
        return func if func is not None else (lambda f: f)

    return types.SimpleNamespace(jit=jit)


def failing_engine() -> types.SimpleNamespace:
    def jit(func=None, **options):
        raise TypeError("cannot type 'x'\nsecond line that the demo must not show")

    return types.SimpleNamespace(jit=jit)


@pytest.mark.parametrize("example", demo.EXAMPLES, ids=lambda e: e.name)
def test_example_setup_matches_its_kernel(example):
    args = example.setup()
    expected = example.kernel(*args)
    if example.numpy is not None:
        assert demo.same(example.numpy(*args), expected)


def test_examples_have_unique_names():
    names = [example.name for example in demo.EXAMPLES]
    assert len(names) == len(set(names))


def test_failed_compile_is_one_line():
    example = demo.EXAMPLES[-1]
    args = example.setup()
    python = demo.Timing(0.0, 1e-7, example.kernel(*args))
    line = demo.engine_line("ember", failing_engine(), example, python)
    assert line.strip() == "ember   not yet supported: TypeError: cannot type 'x'"


def test_working_engine_reports_times_and_checks_result():
    example = demo.EXAMPLES[-1]
    args = example.setup()
    python = demo.Timing(0.0, 1e-7, example.kernel(*args))
    line = demo.engine_line("ember", python_only_engine(), example, python)
    assert "first call" in line and "steady" in line and "same result" in line


def test_wrong_result_is_flagged():
    example = demo.EXAMPLES[-1]
    args = example.setup()
    python = demo.Timing(0.0, 1e-7, example.kernel(*args) + 1)
    line = demo.engine_line("ember", python_only_engine(), example, python)
    assert "RESULT DIFFERS" in line


@pytest.mark.parametrize("argv", [[], ["bench"], ["demo", "extra"]])
def test_main_prints_usage_for_anything_but_demo(argv, capsys):
    assert ember_main(argv) == 2
    assert "usage: python -m ember demo" in capsys.readouterr().err


def test_import_ember_does_not_load_the_demo():
    code = "import sys, ember; print('ember.demo' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
