"""Differential: generated scalar programs called from a prange loop.

Each program `f` (control flow, tuples, exceptions) is called once per
iteration of `for i in prange(n)`, writing `out[i]` and adding to a
reduction; the parallel=True compilation must give exactly what the serial
one gives, or raise the same exception type.
"""

import importlib.util
import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ember

from .gen import FLOAT, INT, Features, argument_lists, programs

_names = itertools.count()
DRIVER = """

def driver(n, out, {params}):
    total = 0.0
    for i in prange(n):
        value = f({call})
        out[i] = value
        total += out[i]
    return total
"""


def load(source, directory):
    name = f"prange_program_{next(_names)}"
    path = directory / f"{name}.py"
    path.write_text("from ember import prange\n\n" + source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.driver


def outcome(driver, n, args):
    out = np.zeros(n)
    try:
        return out, driver(n, out, *args), None
    except ember.errors.EmberError:
        raise
    except Exception as exc:  # every exception is an outcome to compare
        return out, None, type(exc)


@pytest.fixture(scope="module")
def source_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("prange_programs")


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_programs_in_a_prange_body_equal_serial(data, source_dir):
    program = data.draw(programs(Features(control_flow=True)))
    numeric = [(name, ty) for name, ty in program.params if ty in (INT, FLOAT)]
    if not numeric:
        return
    first = numeric[0][0]
    names = [name for name, _ in program.params]
    # The loop index feeds the first numeric parameter: every iteration differs.
    call = ", ".join("i - 500" if name == first else name for name in names)
    others = ", ".join(names)
    driver = load(program.source + DRIVER.format(params=others, call=call), source_dir)
    (args,) = data.draw(argument_lists(program.params, max_size=1))
    n = 1000
    serial = ember.njit(driver)
    parallel = ember.njit(parallel=True)(driver)
    try:
        want = outcome(serial, n, args)
    except ember.errors.TypingError:
        return  # a program whose result is not a number
    got = outcome(parallel, n, args)
    assert got[2] is want[2], (program.source, args)
    if want[2] is None:
        np.testing.assert_array_equal(got[0], want[0], err_msg=program.source)
        assert got[1] == want[1] or math.isnan(got[1]) and math.isnan(want[1]) or \
            math.isclose(got[1], want[1], rel_tol=1e-9), (program.source, args)
