"""Comparing what a slide printed with what it should print.

Lines are compared as words and numbers. The words (the line with each
number replaced by <n>, whitespace removed since NumPy pads array elements)
must be equal. Numbers must agree: an integer exactly (shapes, counts), a
float within a relative tolerance plus one unit in the last digit either side
printed (NumPy prints arrays with 8 digits, so a value one ulp away may round
the other way). Timing lines, those that contain "time" or "seconds", are
compared by their words only: their numbers change from run to run.
"""

import math
import re

TIMING_LINE = re.compile(r"time|seconds", re.IGNORECASE)
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf)(?![\w.])")
INTEGER = re.compile(r"[-+]?\d+")


def words(line: str) -> str:
    """The line with its numbers replaced by <n> and its whitespace removed."""
    return "".join(NUMBER.sub("<n>", line).split())


def _printed_unit(token: str) -> float:
    """One unit in the last digit printed."""
    mantissa, _, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def same_number(actual: str, expected: str, rtol: float) -> bool:
    if INTEGER.fullmatch(actual) and INTEGER.fullmatch(expected):
        return int(actual) == int(expected)
    a, e = float(actual), float(expected)
    if math.isnan(a) or math.isnan(e) or math.isinf(e):
        return a == e or (math.isnan(a) and math.isnan(e))
    slack = max(_printed_unit(actual), _printed_unit(expected))
    return abs(a - e) <= rtol * abs(e) + slack


def same_line(actual: str, expected: str, rtol: float) -> bool:
    if words(actual) != words(expected):
        return False
    if TIMING_LINE.search(expected):
        return True
    pairs = zip(NUMBER.findall(actual), NUMBER.findall(expected), strict=True)
    return all(same_number(a, e, rtol) for a, e in pairs)


def output_differences(actual: list[str], expected: list[str], rtol: float) -> str:
    """Empty when the outputs agree; otherwise both, for the failure message."""
    if len(actual) == len(expected) and all(
        same_line(a, e, rtol) for a, e in zip(actual, expected, strict=True)
    ):
        return ""
    return "--- expected\n" + "\n".join(expected) + "\n--- printed\n" + "\n".join(actual)
