"""Every list operation compiled, against the same function run by Python."""

import pytest

from .helpers import check

# ---- building --------------------------------------------------------------------------


def literal_unified(x, y):
    return [1, x, y]


def test_literal_unifies_numbers_like_arithmetic():
    assert check(literal_unified, 2.5, 3) == [1.0, 2.5, 3.0]
    check(literal_unified, 2, 3)
    check(literal_unified, True, 3)
    check(literal_unified, 1j, 2.0)


def empty_then_appends(n):
    out = []
    for i in range(n):
        out.append(i)
    return out


def empty_then_mixed_appends(n):
    out = []
    out.append(1)
    for i in range(n):
        out.append(i * 0.5)
    return out


def literal_widened_by_append(n):
    out = [1, 2]
    out.append(n / 2)
    return out


@pytest.mark.parametrize("func", [empty_then_appends, empty_then_mixed_appends,
                                  literal_widened_by_append])
def test_empty_list_item_type_from_appends(func):
    check(func, 5)
    check(func, 1)


def test_empty_list_never_appended_to_is_empty():
    check(empty_then_appends, 0)


def comprehension(n):
    return [i * i for i in range(n) if i % 2 == 0]


def nested_comprehension(n):
    return [[i * j for j in range(i)] for i in range(n)]


def comprehension_over_list(values, k):
    return [v + k for v in values if v > k]


def comprehension_keeps_names(values):
    x = 100
    squares = [x * x for x in values]
    return squares, x


def two_generators(a, b):
    return [x * y for x in a for y in b if x != y]


def generator_into_sum(values):
    return sum(v * 2 for v in values)


@pytest.mark.parametrize("func,args", [
    (comprehension, (7,)), (nested_comprehension, (4,)),
    (comprehension_over_list, ([1.0, 5.0, 2.5, 7.0], 2)),
    (comprehension_keeps_names, ([1, 2, 3],)), (two_generators, ([1, 2, 3], [2, 3])),
    (generator_into_sum, ([1.5, 2.5],)),
])
def test_comprehensions(func, args):
    check(func, *args)


# ---- reading -------------------------------------------------------------------------------

def length_and_items(values, i):
    return len(values), values[i], values[-1], values[-len(values)]


def iterate(values):
    total = 0.0
    for v in values:
        total += v
    return total


def enumerate_zip(a, b):
    out = []
    for i, (x, y) in enumerate(zip(a, b)):
        out.append(i * x + y)
    return out


def contains(values, x):
    return x in values, x not in values


def index_count(values, x):
    return values.index(x), values.count(x)


def truth(values):
    if values:
        return 1
    return 0


def equality(a, b):
    return a == b, a != b


VALUES = {
    "int": [3, 1, 4, 1, 5, 9, 2, 6],
    "float": [3.5, -1.0, 4.25, 1e10, -0.5, 2.0],
    "bool": [True, False, True, True],
    "complex": [1 + 2j, -1j, 3.0 + 0j],
}


@pytest.mark.parametrize("kind", list(VALUES))
def test_reading(kind):
    values = VALUES[kind]
    for i in (0, 1, len(values) - 1, -1, -len(values)):
        check(length_and_items, values, i)
    check(iterate if kind != "complex" else length_and_items, values, *(
        () if kind != "complex" else (0,)))
    check(contains, values, values[1])
    check(index_count, values, values[2])
    check(truth, values)
    check(equality, values, list(values))
    check(equality, values, values[:-1] + [values[0]])


def test_iteration_helpers():
    check(enumerate_zip, [1, 2, 3], [0.5, 1.5, 2.5, 3.5])
    check(contains, [1.0, 2.0], 3)


def list_in_loop_changes_length(values):
    out = []
    for v in values:
        if v > 0 and len(values) < 10:
            values.append(v - 1)
        out.append(v)
    return out


def test_iteration_sees_appends_as_python():
    check(list_in_loop_changes_length, [3, 1])


def slices(values, a, b):
    return (values[a:b], values[a:], values[:b], values[::2], values[::-1], values[b:a:-1],
            values[-100:100], values[a:b:-2])


@pytest.mark.parametrize("a,b", [(0, 3), (1, -1), (-3, 5), (4, 2), (-100, 100), (2, 2)])
def test_slices(a, b):
    check(slices, [0, 1, 2, 3, 4, 5, 6], a, b)


# ---- changing ------------------------------------------------------------------------------

def mutate(values, x):
    values.append(x)
    values.insert(0, x * 2)
    values.insert(-1, x * 3)
    values.insert(100, x * 4)
    values.insert(-100, x * 5)
    first = values.pop(0)
    last = values.pop()
    middle = values.pop(2)
    values[1] = x + 1
    values[-2] = x - 1
    return first, last, middle


def extend(values, more):
    values.extend(more)
    values += more
    values.extend(values)
    return len(values)


def clear_copy_reverse(values):
    copied = values.copy()
    copied.reverse()
    values.clear()
    values.append(copied[0])
    return copied


@pytest.mark.parametrize("kind", ["int", "float"])
def test_mutations(kind):
    values = VALUES[kind]
    check(mutate, list(values), values[0])
    check(extend, list(values), values[:3])
    check(clear_copy_reverse, list(values))


def operators(a, b, n):
    return a + b, a * n, n * a, b * 0, a * -1


def test_concatenation_and_repetition():
    check(operators, [1, 2], [3], 3)
    check(operators, [1.5], [2.5, 3.5], 2)


# ---- reductions, sorting, conversions --------------------------------------------------------

def reductions(values):
    return sum(values), min(values), max(values), sum(values, 10)


def sort_both_ways(values):
    up = sorted(values)
    down = sorted(values, reverse=True)
    values.sort()
    return up, down


def sort_in_place_reversed(values):
    values.sort(reverse=True)


@pytest.mark.parametrize("kind", ["int", "float", "bool"])
def test_reductions_and_sorting(kind):
    values = VALUES[kind]
    check(reductions, values)
    check(sort_both_ways, list(values))
    check(sort_in_place_reversed, list(values))


def test_sum_of_complex_and_single_items():
    check(reductions, [7])
    check(lambda_sum, [1j, 2 + 0j])


def lambda_sum(values):
    return sum(values)


def list_constructor(n, values):
    return list(range(n)), list(values), [float(x) for x in list(range(3))]


def test_list_constructor():
    check(list_constructor, 4, [1.0, 2.0])


def tuple_of_lists(n):
    a = [i for i in range(n)]
    b = [0.5 * i for i in range(n)]
    pair = (a, b)
    pair[0].append(100)
    return pair, len(pair[0])


def test_lists_in_tuples():
    check(tuple_of_lists, 3)


def list_of_tuples(n):
    out = [(0, 0.0)]
    for i in range(n):
        out.append((i, i * 0.5))
    total = 0.0
    for i, x in out:
        total += i + x
    return out, total


def test_lists_of_tuples():
    check(list_of_tuples, 4)


def list_of_lists(n):
    rows = [[0] * 0 for _ in range(n)]
    for i in range(n):
        for j in range(i):
            rows[i].append(j)
    return rows, sum([len(r) for r in rows])


def test_lists_of_lists():
    check(list_of_lists, 4)


def item_updates_and_truth(c, n):
    chosen = [] if c else [1.0]
    counts = [0] * n
    for i in range(len(counts)):
        counts[i] += i
        counts[-1] -= 1
    drained = 0
    while counts:
        drained += counts.pop()
    return chosen, counts, drained


def test_item_updates_empty_branches_and_truth():
    check(item_updates_and_truth, True, 4)
    check(item_updates_and_truth, False, 0)


def delete_items(values):
    del values[0]
    del values[-1], values[1]
    return len(values)


def test_del_of_an_item():
    check(delete_items, [1, 2, 3, 4, 5])


def empty_literals_as_operands(values):
    values.extend([])
    values += []
    return values == [], [] != values, len(values)


def test_empty_literals_take_the_other_lists_type():
    check(empty_literals_as_operands, [1.0, 2.0])


def repeat_in_place(values, n):
    alias = values
    values *= n
    return len(alias)


def test_repeat_in_place():
    for n in (3, 1, 0, -2):
        check(repeat_in_place, [1, 2], n)


def slice_assignment(values, other, a, b):
    values[a:b] = other
    values[::3] = values[1::3][:len(values[::3])] + [0] * (len(values[::3]) - len(
        values[1::3]))
    del values[1:2]
    del values[::-4]
    values[:] = values + values[:1]
    return len(values)


@pytest.mark.parametrize("a,b", [(0, 3), (1, -1), (-3, 5), (4, 2), (-100, 100), (2, 2)])
def test_slice_assignment_and_deletion(a, b):
    check(slice_assignment, [0, 1, 2, 3, 4, 5, 6], [7, 8], a, b)
    check(slice_assignment, [0, 1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11], a, b)


def bad_extended_assignment(values):
    values[::2] = [1]


def test_extended_slice_assignment_needs_as_many_items():
    from .helpers import raises_same

    got, expected = raises_same(bad_extended_assignment, [1, 2, 3])
    assert str(got) == str(expected)


def backwards(values):
    out = []
    for v in reversed(values):
        out.append(v * 2)
    return out


def test_reversed():
    check(backwards, [1, 2, 3])
