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
