"""Lists crossing the Python boundary: arguments unboxed (typed from their
items) and their changes reflected back into the same Python list, also when
the compiled function raises; returned lists become Python lists."""

import numpy as np
import pytest

import ember
from ember import types
from ember.typed import List


@ember.njit
def append_and_set(values, x):
    values.append(x)
    values[0] = x
    return len(values)


def test_mutations_are_reflected_into_the_same_object():
    values = [1, 2, 3]
    alias = values
    assert append_and_set(values, 7) == 4
    assert alias is values and values == [7, 2, 3, 7]
    assert all(type(v) is int for v in values)


def test_floats_and_bools_keep_their_types():
    floats = [1.5, 2.5]
    append_and_set(floats, 0.5)
    assert floats == [0.5, 2.5, 0.5] and all(type(v) is float for v in floats)
    flags = [True, False]
    append_and_set(flags, True)
    assert flags == [True, False, True] and all(type(v) is bool for v in flags)


def test_mixed_int_and_float_list_unifies_to_float():
    values = [1, 2.5]
    append_and_set(values, 3)
    assert values == [3.0, 2.5, 3.0] and all(type(v) is float for v in values)
    assert append_and_set.signatures[-1][0] == types.List(types.float64)


@ember.njit
def shrink(values):
    values.pop()
    values.pop()


def test_shrinking_is_reflected():
    values = [1, 2, 3]
    shrink(values)
    assert values == [1]


@ember.njit
def read_only(values):
    return values[0] + values[-1]


def test_unchanged_list_is_left_alone():
    values = [1, 2, 3]
    ident = [id(v) for v in values]
    assert read_only(values) == 4
    assert [id(v) for v in values] == ident


@ember.njit
def change_then_raise(values):
    values.append(99)
    values[0] = -1
    raise ValueError("after changing the list")


def test_changes_are_reflected_when_the_function_raises():
    values = [1, 2]
    with pytest.raises(ValueError, match="after changing"):
        change_then_raise(values)
    assert values == [-1, 2, 99]


@ember.njit
def make(n):
    return [i * 0.5 for i in range(n)], [i for i in range(n)], [i % 2 == 0 for i in range(n)]


def test_returned_lists_are_python_lists():
    floats, ints, flags = make(4)
    assert floats == [0.0, 0.5, 1.0, 1.5] and type(floats) is list
    assert ints == [0, 1, 2, 3] and all(type(v) is int for v in ints)
    assert flags == [True, False, True, False]
    assert make(0) == ([], [], [])


@ember.njit
def first(values):
    return values[0]


def test_list_argument_types():
    assert first([np.float32(1.5)]) == 1.5
    assert first([1 + 2j, 3]) == 1 + 2j
    assert first([(1, 2.0), (3, 4.0)]) == (1, 2.0)
    assert first([[1, 2], [3]]) == [1, 2]
    assert first([np.arange(3)])[2] == 2


def test_mixed_types_that_do_not_unify_are_a_type_error_naming_them():
    with pytest.raises(TypeError, match="int and str"):
        first([1, "a"])
    with pytest.raises(TypeError, match="int and tuple"):
        first([1, (1, 2)])


def test_empty_list_argument_is_an_error_naming_it():
    first([1])  # compiled for a list of int64: an empty list still says why it cannot
    with pytest.raises(TypeError, match="empty list"):
        first([])


def test_argument_list_of_other_type_compiles_again():
    assert first([1, 2]) == 1
    assert first([1.5]) == 1.5
    assert first([True]) is True
    assert len(first.signatures) >= 3


@ember.njit
def nested(rows):
    rows[0].append(5)
    rows.append([9])
    return sum([len(r) for r in rows])


def test_nested_lists_reflect_the_outer_list():
    rows = [[1, 2], [3]]
    assert nested(rows) == 5
    assert rows[1:] == [[3], [9]]


def test_numba_list_type_names():
    assert types.List(types.int64) == types.ListType(types.int64)
    sig_compiled = ember.njit("float64(types.List(types.float64))".replace(
        "types.", ""))(lambda values: values[0])
    assert sig_compiled([2.0]) == 2.0


@ember.njit
def typed_lists(n):
    built = List()
    for i in range(n):
        built.append(i * 1.5)
    ints = List.empty_list(types.int64)
    ints.append(n)
    return built, ints, List([1, 2]), list((True, False))


def test_typed_list_in_compiled_code():
    assert typed_lists(3) == ([0.0, 1.5, 3.0], [3], [1, 2], [True, False])


def test_empty_typed_list_argument_knows_its_item_type():
    values = List.empty_list(types.float64)
    assert read_len(values) == 0
    values.append(1.0)
    assert read_len(values) == 1 and isinstance(values, List)


@ember.njit
def read_len(values):
    values.append(2.0)
    values.pop()
    return len(values)


@ember.njit
def show(values):
    print(values, [v > 1 for v in values])


def test_print_of_lists(capsys):
    show([1.5, 2.5])
    assert capsys.readouterr().out == "[1.5, 2.5] [True, True]\n"


@ember.njit
def maybe_same(values, same):
    values.append(1.5)
    if same:
        return values
    return [2.5]


def test_a_returned_argument_is_the_same_python_list():
    values = [0.5]
    assert maybe_same(values, True) is values and values == [0.5, 1.5]
    other = maybe_same(values, False)
    assert other is not values and other == [2.5] and values == [0.5, 1.5, 1.5]
