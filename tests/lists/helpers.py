"""Run a function as Python and compiled, on copies of the same arguments,
and compare results and what became of the (reflected) list arguments."""

import copy

import numpy as np

import ember


def same(a, b, loose=False):
    """`a` (compiled) equals `b` (Python), types included; numbers of a Python
    list mixing int, float and complex compare by value (compiled, they unify)."""
    if isinstance(b, np.generic):  # NumPy scalars come back as Python numbers
        b = b.item()
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype
                and a.shape == b.shape and np.array_equal(a, b, equal_nan=True))
    if isinstance(a, (list, tuple)):
        mixed = loose or (isinstance(b, list) and len({type(x) for x in b}) > 1)
        return (type(a) is type(b) and len(a) == len(b)
                and all(same(x, y, mixed) for x, y in zip(a, b)))
    if isinstance(a, float) and isinstance(b, float) and a != a:
        return b != b
    if loose and isinstance(a, (int, float, complex)):
        return a == b
    return type(a) is type(b) and a == b


_compiled = {}


def compiled(func):
    """One dispatcher per function: its specialisations serve every test."""
    if func not in _compiled:
        _compiled[func] = ember.njit(func)
    return _compiled[func]


def check(func, *args):
    """The compiled function returns what Python returns, and leaves list
    arguments as Python leaves them."""
    expected_args = copy.deepcopy(args)
    expected = func(*expected_args)
    compiled_args = copy.deepcopy(args)
    got = compiled(func)(*compiled_args)
    assert same(got, expected), f"{func.__name__}{args}: {got!r} != {expected!r}"
    assert same(list(compiled_args), list(expected_args)), (
        f"{func.__name__}: arguments became {compiled_args!r}, Python leaves {expected_args!r}")
    return got


def raises_same(func, *args):
    """The compiled function raises Python's exception type and message."""
    try:
        func(*copy.deepcopy(args))
    except Exception as exc:  # noqa: BLE001 - the reference behaviour
        expected = exc
    else:
        raise AssertionError(f"{func.__name__} does not raise in Python")
    try:
        compiled(func)(*copy.deepcopy(args))
    except Exception as exc:  # noqa: BLE001
        assert type(exc) is type(expected), f"{type(exc)} != {type(expected)}: {exc}"
        return exc, expected
    raise AssertionError(f"compiled {func.__name__} does not raise {expected!r}")
