"""The gallery's output comparison: lenient where runs may differ, strict elsewhere."""

import pytest
from gallery_output import output_differences, same_line

RTOL = 1e-9


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("Sum of array: 500387.6981207851", "Sum of array: 500387.69812078506"),
        ("Result shape: (998, 998)", "Result shape: (998, 998)"),
        ("NumPy time: 0.1798 seconds", "NumPy time: 0 seconds"),
        ("Function time: 0.00000358 seconds", "Function time: 1e-3 seconds"),
        # One unit in NumPy's 8th printed digit, and the padding that may come with it.
        ("First few values: [1.37481943 1.41072947]", "First few values: [1.37481944 1.41072947]"),
        ("Result: [0.5        1.25      ]", "Result: [0.50000001 1.25000001]"),
        ("Results match: True", "Results match: True"),
    ],
)
def test_lines_that_agree(actual, expected):
    assert same_line(actual, expected, RTOL)


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("Sum of array: 500387.6991207851", "Sum of array: 500387.6981207851"),
        ("Result shape: (998, 997)", "Result shape: (998, 998)"),
        ("Results match: False", "Results match: True"),
        ("Numba time: 0.1798 seconds", "NumPy time: 0.1798 seconds"),
        ("Pi estimate: nan", "Pi estimate: 3.14"),
        ("Result: 1000002000002", "Result: 1000002000001"),
        ("First few values: [1.37482943 1.41072947]", "First few values: [1.37481943 1.41072947]"),
    ],
)
def test_lines_that_differ(actual, expected):
    assert not same_line(actual, expected, RTOL)


def test_missing_or_extra_lines_differ():
    assert output_differences(["a: 1"], ["a: 1", "b: 2"], RTOL)
    assert output_differences(["a: 1", "b: 2"], ["a: 1"], RTOL)
    assert not output_differences(["a: 1", "b: 2"], ["a: 1", "b: 2"], RTOL)
