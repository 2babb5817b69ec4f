"""np.ogrid, np.newaxis / None indexing and every np.pad mode against NumPy,
over several dtypes and layouts."""

import numpy as np
import pytest

import ember


def open_grid(n):
    rows, cols = np.ogrid[0:n, 0:3]
    return rows + cols


def open_grid_complex_step(n):
    return np.ogrid[0:1:5j] * n


def new_axes(a):
    return a[np.newaxis, :, None] * 2


@pytest.mark.parametrize("func, arg", [(open_grid, 4), (open_grid_complex_step, 2),
                                       (new_axes, np.arange(3.0)),
                                       (new_axes, np.arange(12).reshape(3, 4)[:, 1])])
def test_grids_and_new_axes_equal_numpy(func, arg):
    got, want = ember.njit(func)(arg), func(arg)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


def pad_modes(a):
    return (np.pad(a, 2, mode="constant"), np.pad(a, (1, 3), mode="edge"),
            np.pad(a, (2, 3), mode="reflect"), np.pad(a, (2, 3), mode="symmetric"),
            np.pad(a, ((1, 2),), mode="wrap"))


@pytest.mark.parametrize("dtype", [np.int32, np.float64, np.complex128])
@pytest.mark.parametrize("layout", ["contiguous", "strided"])
def test_every_pad_mode_equals_numpy(dtype, layout):
    a = (np.arange(12) * 3 - 7).astype(dtype)
    a = a if layout == "contiguous" else a[::2]
    for got, want in zip(ember.njit(pad_modes)(a), pad_modes(a)):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
