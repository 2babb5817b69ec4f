"""`python -m ember demo`: the registry runs, gaps print one line, `import ember` stays lean."""

import dataclasses
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


def failing_engine(message="cannot type 'x'\nsecond line that the demo must not show"):
    def jit(func=None, **options):
        raise TypeError(message)

    return types.SimpleNamespace(jit=jit)


def threaded_engine(calls: list) -> types.SimpleNamespace:
    # The plain-Python engine with a 2-thread pool and a prange that records its calls.
    threads = [2]

    def prange(*args):
        calls.append(args)
        return range(*args)

    def set_num_threads(n):
        threads[0] = n

    return types.SimpleNamespace(
        jit=python_only_engine().jit, prange=prange,
        get_num_threads=lambda: threads[0], set_num_threads=set_num_threads,
    )


def example_named(name: str, small: bool = True) -> demo.Example:
    example = next(example for example in demo.EXAMPLES if example.name == name)
    # The tests run kernels in plain Python: the small arguments keep them quick.
    return dataclasses.replace(example, setup=example.small) if small and example.small else example


def args_of(example: demo.Example) -> tuple:
    return (example.small or example.setup)()


PRANGE_EXAMPLES = [e for e in demo.EXAMPLES if "prange" in e.kernel.__code__.co_names]


@pytest.mark.parametrize("example", demo.EXAMPLES, ids=lambda e: e.name)
def test_example_setup_matches_its_kernel(example):
    args = args_of(example)
    expected = example.kernel(*args)
    if example.numpy is not None:
        assert demo.same(example.numpy(*args), expected, example.rtol)


def kinds(args: tuple) -> list:
    return [(type(a), getattr(a, "dtype", None)) for a in args]


def test_small_arguments_have_the_kinds_of_the_full_ones():
    for example in demo.EXAMPLES:
        assert kinds(example.setup()) == kinds(args_of(example)), example.name


def test_the_parallel_slides_are_marked_and_use_prange():
    assert {e.slide for e in PRANGE_EXAMPLES} == {2, 6, 14}
    assert all(e.parallel for e in PRANGE_EXAMPLES)


@pytest.mark.parametrize("example", PRANGE_EXAMPLES, ids=lambda e: e.name)
def test_plain_python_engine_runs_prange_as_range(example):
    compiled = demo.compile_kernel(python_only_engine(), example)
    assert compiled.__globals__["prange"] is range
    args = args_of(example)
    assert demo.same(compiled(*args), example.kernel(*args), example.rtol)


@pytest.mark.parametrize("example", PRANGE_EXAMPLES, ids=lambda e: e.name)
def test_engine_gets_its_own_prange_and_the_module_keeps_range(example):
    calls = []
    compiled = demo.compile_kernel(threaded_engine(calls), example)
    compiled(*args_of(example))
    assert len(calls) == 1
    assert demo.prange is range and example.kernel.__globals__["prange"] is range


def test_kernel_without_prange_is_compiled_as_is():
    example = example_named("sum_array")
    assert demo.compile_kernel(python_only_engine(), example) is example.kernel


def test_examples_have_unique_names():
    names = [example.name for example in demo.EXAMPLES]
    assert len(names) == len(set(names))


def test_failed_compile_is_one_line():
    example = example_named("optimizable_function")
    args = example.setup()
    python = demo.Timing(0.0, 1e-7, example.kernel(*args))
    line = demo.engine_line("ember", failing_engine(), example, python)
    assert line.strip() == "ember   cannot run it: TypeError: cannot type 'x'"


def test_failure_shows_numbas_cause_not_its_pipeline_stage():
    example = example_named("optimizable_function")
    python = demo.Timing(0.0, 1e-7, example.kernel(*example.setup()))
    message = "Failed in nopython mode pipeline (step: nopython frontend)\nno np.pad\n\nFile x"
    line = demo.engine_line("Numba", failing_engine(message), example, python)
    assert line.strip() == "Numba   cannot run it: TypeError: no np.pad"


def test_working_engine_reports_times_and_checks_result():
    example = example_named("optimizable_function")
    args = example.setup()
    python = demo.Timing(0.0, 1e-7, example.kernel(*args))
    line = demo.engine_line("ember", python_only_engine(), example, python)
    assert "first call" in line and "steady" in line and "same result" in line
    assert "\n" not in line  # a serial kernel has no one-thread line


def test_parallel_example_adds_its_one_thread_time_and_restores_the_threads():
    example = example_named("parallel_sum")
    args = example.setup()
    python = demo.Timing(0.0, 1.0, example.kernel(*args))
    engine = threaded_engine([])
    line = demo.engine_line("ember", engine, example, python)
    first, second = line.splitlines()
    assert "same result" in first
    assert "on 1 thread" in second and "2 threads are" in second
    assert engine.get_num_threads() == 2


def test_wrong_result_is_flagged():
    example = example_named("optimizable_function")
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


BUILT_EXAMPLES = [e for e in demo.EXAMPLES if e.build is not None]


def test_every_slide_is_in_the_demo():
    # Slide 9 shows debug=True on a bug, not speed.
    assert {e.slide for e in demo.EXAMPLES} == set(range(1, 15)) - {9}
    assert {e.slide for e in BUILT_EXAMPLES} == {7, 8, 10}


@pytest.mark.parametrize("example", BUILT_EXAMPLES, ids=lambda e: e.name)
def test_built_examples_compiled_by_ember_equal_their_reference(example):
    import ember

    compiled = demo.compile_kernel(ember, example)
    assert demo.same(compiled(*args_of(example)), example.kernel(*args_of(example)),
                     example.rtol)
