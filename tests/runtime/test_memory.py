"""The memory runtime's blocks: alignment and zero-filled allocation."""

import numpy as np

import ember


def test_zeros_are_zero_after_memory_is_reused():
    @ember.njit
    def dirty_then_zeros(n):
        a = np.ones(n)
        total = a.sum()
        b = np.zeros(n)  # may reuse a's memory once a is freed
        c = np.zeros_like(b)
        return total, b, c

    for n in (1, 7, 1000, 3_000_000):
        for _ in range(3):
            total, b, c = dirty_then_zeros(n)
            assert total == n and not b.any() and not c.any()
            assert b.ctypes.data % 64 == 0 and c.ctypes.data % 64 == 0


def _fancy_temporaries(a, idx):
    taken = a[idx]  # assigned: the variable takes the new array over
    again = a[idx]
    again = a[a > 2]  # reassigned: the first one is released
    return (np.sort(a[idx]).sum() + np.sum(a[a > 3]) + a[idx].copy().sum()
            + np.cumsum(a[idx])[-1] + taken.sum() + again.sum())


def test_arrays_built_by_fancy_indexing_are_released():
    from ember.runtime import stats

    a, idx = np.arange(10.0), np.array([3, 1, 2])
    compiled = ember.njit(_fancy_temporaries)
    assert compiled(a, idx) == _fancy_temporaries(a, idx)
    before = stats().alive
    for _ in range(3):
        compiled(a, idx)
    assert stats().alive == before
