"""print() in compiled code writes what Python's print writes, to sys.stdout."""

import numpy as np
import pytest

import ember
from ember.runtime import stats


def report(n, x, a):
    print("n is", n, x, True, None)
    print(a[:3], (n, x), sep=" | ", end="!\n")
    print()
    print(a * 2, -n)
    return n + 1


def test_print_writes_what_python_writes(capsys):
    a = np.arange(5.0)
    assert report(3, 2.5, a) == 4
    want = capsys.readouterr().out
    before = stats().alive
    assert ember.njit(report)(3, 2.5, a) == 4
    assert capsys.readouterr().out == want
    assert stats().alive == before  # boxed temporaries are released


def test_print_in_a_loop_keeps_order_with_python_prints(capsys):
    @ember.njit
    def count(n):
        for i in range(n):
            print(i, i * 0.5)
    print("start")
    count(3)
    print("end")
    assert capsys.readouterr().out == "start\n0 0.0\n1 0.5\n2 1.0\nend\n"


def test_print_refuses_what_it_cannot_write():
    @ember.njit
    def to_file(n):
        print(n, file=None)
    with pytest.raises(ember.errors.TypingError, match="print"):
        to_file(1)


def test_print_inside_prange_is_a_clear_error():
    @ember.njit(parallel=True)
    def noisy(n):
        for i in ember.prange(n):
            print(i)
    with pytest.raises(ember.errors.UnsupportedError, match="parallel loop"):
        noisy(4)
