"""Randomly generated small programs over lists: straight-line sequences of
list statements (appends, pops, slices, comprehensions, sorting, sums...)
written out as Python source, compiled by ember and run by Python on the
same random input; results and the reflected argument must agree."""

import copy
import linecache
import textwrap

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ember

from .helpers import same

STATEMENTS = [
    "values.append(x + {a})",
    "out.append(len(values))",
    "if values:\n    out.append(values.pop())",
    "if len(values) > {a}:\n    out.append(values.pop({a}))",
    "values.insert({b}, x)",
    "if values:\n    out.append(values[{b} % len(values)])",
    "if values:\n    values[{b} % len(values)] = x * {a}",
    "values = values[{b}:{a}] + [x]",
    "out.append(sum(values))",
    "out.extend([v * {a} for v in values if v > {b}])",
    "values.sort()",
    "values.sort(reverse=True)",
    "values.reverse()",
    "out.append(values.count(x))",
    "if x in values:\n    out.append(values.index(x))",
    "for v in values[:{a}]:\n    out.append(v - x)",
    "values.extend(values[{b}:])",
    "out = out + values * {a}",
    "if values:\n    out.append(min(values) * max(values))",
    "out.append(len(sorted(values)[::{s}]))",
    "values[{b}:{a}] = out[:{a}]",
    "del values[{b}::{s}]",
    "del values[{b}:{a}]",
    "values *= {a}",
]

statement = st.tuples(st.sampled_from(STATEMENTS), st.integers(0, 3), st.integers(-3, 3),
                      st.sampled_from([1, 2, -1, -2]))


def source_of(steps):
    body = "\n".join(template.format(a=a, b=b, s=s) for template, a, b, s in steps)
    return ("def program(values, x):\n    out = [0]\n    out.pop()\n"
            + textwrap.indent(body, "    ") + "\n    return out, values\n")


_count = [0]


def build(source):
    _count[0] += 1
    filename = f"<list program {_count[0]}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {}
    exec(compile(source, filename, "exec"), namespace)
    return namespace["program"]


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(statement, min_size=1, max_size=8),
       values=st.lists(st.integers(-5, 5), min_size=1, max_size=6), x=st.integers(-5, 5))
def test_generated_programs_agree_with_python(steps, values, x):
    program = build(source_of(steps))
    expected_values, got_values = copy.copy(values), copy.copy(values)
    expected = program(expected_values, x)
    got = ember.njit(program)(got_values, x)
    assert same(got, expected), (source_of(steps), values, x, got, expected)
    assert same(got_values, expected_values), (source_of(steps), got_values, expected_values)
