"""Differential tests: generated scalar functions, compiled by ember vs run by CPython.

Each example is one generated program (see gen.py) and a few argument tuples.
The program is compiled once; for every argument tuple the compiled call must
return what CPython returns, or raise the same exception type.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import sys
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import ember

from .gen import CHECK_HELPERS, Discard, Features, argument_lists, programs

# CPython outcomes outside the compared domain: Discard (an int left int64),
# OverflowError (float ** overflowing, int(inf)) and ValueError (int(nan)), where
# compiled code gives inf or an undefined int by design.
UNCOMPARED = (Discard, OverflowError, ValueError)

EXPRESSIONS = Features()
CONTROL_FLOW = Features(control_flow=True)
TUPLES = Features(control_flow=True, tuples=True)

# The default run is reproducible (fixed seed, no example database) and fast.
FAST = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# The long run explores new programs every time; a failure prints its source.
LONG = settings(
    max_examples=1000, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@dataclass(frozen=True)
class Outcome:
    """What one call did: returned ``value`` or raised ``error`` (an exception)."""

    value: object = None
    error: BaseException | None = None

    def describe(self):
        if self.error is None:
            return f"returned {self.value!r}"
        return f"raised {type(self.error).__name__}: {self.error}"


def call(function, args):
    try:
        return Outcome(value=function(*args))
    except Exception as exc:  # every exception is an outcome to compare
        return Outcome(error=exc)


@pytest.fixture(scope="module")
def source_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("diff_programs")


def load_function(source, directory):
    """Import ``f`` from a real .py file: ember reads it with inspect.getsource."""
    name = "diff_" + hashlib.sha1(source.encode()).hexdigest()[:16]
    path = directory / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # some tools look the module up by name
    spec.loader.exec_module(module)
    return module.f


def checked_function(program):
    namespace = dict(CHECK_HELPERS)
    exec(compile(program.checked_source, "<checked>", "exec"), namespace)
    return namespace["f"]


def scalars_match(expected, got):
    # Numeric equality: ember unifies int and float like Numba, so 3 == 3.0 is a
    # match; NaN matches NaN; -0.0 == 0.0 already holds.
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(got, float) and math.isnan(got)
    return type(got) is not tuple and got == expected


def outcomes_match(expected, got):
    if expected.error is not None or got.error is not None:
        return type(expected.error) is type(got.error)
    if isinstance(expected.value, tuple):
        return (
            isinstance(got.value, tuple)
            and len(got.value) == len(expected.value)
            and all(map(scalars_match, expected.value, got.value))
        )
    return scalars_match(expected.value, got.value)


def format_args(args):
    return ", ".join(
        f"float('{a}')" if isinstance(a, float) and not math.isfinite(a) else repr(a) for a in args
    )


def mismatch_message(program, args, expected, got):
    return (
        f"compiled result differs from CPython\n"
        f"call:     f({format_args(args)})\n"
        f"CPython:  {expected.describe()}\n"
        f"compiled: {got.describe()}\n"
        f"source:\n{program.source}"
    )


def reference_cases(program, arg_lists, directory):
    """(args, CPython outcome) for each argument tuple inside the compared domain."""
    function, checked = load_function(program.source, directory), checked_function(program)
    cases = []
    for args in arg_lists:
        if isinstance(call(checked, args).error, UNCOMPARED):
            continue
        cases.append((args, call(function, args)))
    return function, cases


def check_program(program, arg_lists, directory):
    function, cases = reference_cases(program, arg_lists, directory)
    assume(cases)
    compiled = ember.njit(function)
    for args, expected in cases:
        got = call(compiled, args)
        assert outcomes_match(expected, got), mismatch_message(program, args, expected, got)


@st.composite
def programs_with_args(draw, features):
    program = draw(programs(features))
    return program, draw(argument_lists(program.params))


@FAST
@given(case=programs_with_args(EXPRESSIONS))
def test_expressions(case, source_dir):
    check_program(*case, source_dir)


@FAST
@given(case=programs_with_args(CONTROL_FLOW))
def test_control_flow(case, source_dir):
    check_program(*case, source_dir)


@FAST
@given(case=programs_with_args(TUPLES))
def test_tuples_and_control_flow(case, source_dir):
    check_program(*case, source_dir)


@pytest.mark.slow
@pytest.mark.parametrize(
    "features", [EXPRESSIONS, CONTROL_FLOW, TUPLES], ids=["expressions", "control_flow", "tuples"]
)
@LONG
@given(data=st.data())
def test_long_run(features, data, source_dir):
    check_program(*data.draw(programs_with_args(features)), source_dir)
