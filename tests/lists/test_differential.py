"""Random programs over list operations: a sequence of operation codes with
random operands runs on a random list as Python and compiled; results, the
list left behind (reflected into the caller's list) and any exception
raised midway must agree."""

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ember

from .helpers import same

N_OPS = 16


def run(values, ops, operands):
    """Apply ops[k] with operands[k] to `values`; what each step yields."""
    out = [values[0] * 0]
    for k in range(len(ops)):
        op, x = ops[k], operands[k]
        i = int(x)
        if op == 0:
            values.append(x)
        elif op == 1:
            out.append(values.pop())
        elif op == 2:
            out.append(values.pop(i))
        elif op == 3:
            values.insert(i, x)
        elif op == 4:
            out.append(values[i])
        elif op == 5:
            values[i] = x
        elif op == 6:
            out.append(values.index(x) * x)
        elif op == 7:
            out.append(values.count(x) * x)
        elif op == 8:
            values.extend(values[i:i + 3])
        elif op == 9:
            out.append(sum(values))
        elif op == 10:
            values.reverse()
        elif op == 11:
            values.sort(reverse=i % 2 == 0)
        elif op == 12:
            out.extend(sorted(values)[::-2])
        elif op == 13:
            out.append(x if x in values else -x)
        elif op == 14:
            values = values[i::2] + values[:i] * 2
        else:
            out.append(min(values) + max(values) + len(values))
    return out, values


compiled_run = ember.njit(run)
ints = st.integers(-6, 6)
programs = st.integers(1, 12).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, N_OPS - 1), min_size=n, max_size=n),
    st.lists(ints, min_size=n, max_size=n)))


def agree(values, ops, operands):
    expected_values, got_values = copy.copy(values), copy.copy(values)
    try:
        expected = run(expected_values, ops, operands)
    except (IndexError, ValueError) as exc:
        expected = type(exc)
    try:
        got = compiled_run(got_values, ops, operands)
    except (IndexError, ValueError) as exc:
        got = type(exc)
    assert same(got, expected), (ops, operands, got, expected)
    assert same(got_values, expected_values), (ops, operands, got_values, expected_values)


settings_ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                     suppress_health_check=[HealthCheck.too_slow])


@settings_
@given(values=st.lists(ints, min_size=1, max_size=8), program=programs)
def test_int_lists_agree_with_python(values, program):
    agree(values, *program)


@settings_
@given(values=st.lists(st.integers(-6, 6).map(lambda v: v / 2), min_size=1, max_size=8),
       program=programs.map(lambda p: (p[0], [v / 2 for v in p[1]])))
def test_float_lists_agree_with_python(values, program):
    agree(values, *program)
