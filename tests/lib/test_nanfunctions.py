"""The nan-reductions in compiled code (lib/nanfunctions.py) against NumPy,
bit for bit: float64 and float32 with NaNs and infinities, all-NaN and
empty arrays, non-contiguous views, ints and bools (no NaNs: the ordinary
reductions), ddof=; the errors; with leak checks."""

import numpy as np
import pytest

import ember
from ember.errors import TypingError
from ember.runtime import stats

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's all-NaN warnings
rng = np.random.default_rng(17)


@pytest.fixture(autouse=True)
def no_leaks():
    before = stats().alive
    yield
    assert stats().alive == before, "compiled code leaked arrays"


@ember.njit
def reductions(a):
    return (np.nansum(a), np.nanprod(a), np.nanmean(a), np.nanvar(a), np.nanstd(a),
            np.nanvar(a, ddof=1), np.nanstd(a, ddof=1), np.nanmax(a), np.nanmin(a))


@ember.njit
def arg_reductions(a):
    return np.nanargmax(a), np.nanargmin(a)


def check(got, want):
    assert len(got) == len(want)
    for k, (g, w) in enumerate(zip(got, want)):
        w = np.asarray(w)  # NumPy scalars come back as Python numbers of their dtype's value
        assert w.dtype.type(g) == w or np.isnan(g) and np.isnan(w), (k, g, w)


def with_nans(shape, dtype, fraction=0.3):
    a = (rng.standard_normal(shape) * 3).astype(dtype)
    a[rng.random(shape) < fraction] = np.nan
    return a


@pytest.mark.parametrize("a", [
    with_nans((5, 8), np.float64),
    with_nans((6, 10), np.float64)[::2, ::3],
    with_nans((7, 9), np.float32),
    np.array([np.nan, -np.inf, 2.0, np.inf, np.nan]),
    np.array([np.nan, -np.inf, np.nan]),
    np.array([np.nan, np.inf]),
    np.array([3.0]),
])
def test_floats(a):
    check(reductions(a), reductions.py_func(a))
    check(arg_reductions(a), arg_reductions.py_func(a))


def test_all_nan():
    a = np.full((2, 3), np.nan)
    check(reductions(a), reductions.py_func(a))
    with pytest.raises(ValueError, match="All-NaN slice encountered"):
        arg_reductions(a)


def test_empty():
    @ember.njit
    def sums(a):
        return np.nansum(a), np.nanprod(a), np.nanmean(a), np.nanvar(a)
    check(sums(np.zeros(0)), sums.py_func(np.zeros(0)))
    with pytest.raises(ValueError, match="zero-size array to reduction operation fmax"):
        reductions(np.zeros(0))
    with pytest.raises(ValueError, match="attempt to get argmax of an empty sequence"):
        arg_reductions(np.zeros(0))


@pytest.mark.parametrize("a", [rng.integers(-9, 9, (4, 5)), rng.random(7) < 0.5])
def test_ints_and_bools(a):
    check(reductions(a), reductions.py_func(a))
    check(arg_reductions(a), arg_reductions.py_func(a))


@ember.njit
def along(a, axis):
    return (np.nansum(a, axis), np.nanprod(a, axis=axis), np.nanmean(a, axis),
            np.nanvar(a, axis), np.nanstd(a, axis, ddof=1), np.nanmax(a, axis),
            np.nanmin(a, axis), np.nanargmax(a, axis), np.nanargmin(a, axis))


def check_arrays(got, want):
    for k, (g, w) in enumerate(zip(got, want)):
        np.testing.assert_array_equal(g, w, strict=True, err_msg=str(k))


@pytest.mark.parametrize("a", [
    with_nans((5, 40), np.float64),
    with_nans((3, 40, 10), np.float32)[:, :, ::2],
])
def test_along_an_axis(a):
    a[0] = 2.0  # no all-NaN lane (nanargmax would raise)
    a[..., 0] = 1.0
    if a.ndim == 3:
        a[:, 0] = 3.0
    for axis in range(-1, a.ndim):
        check_arrays(along(a, axis), along.py_func(a, axis))


def test_along_an_axis_all_nan_lane_and_ints():
    a = with_nans((3, 4), np.float64)
    a[1] = np.nan
    with pytest.raises(ValueError, match="All-NaN slice encountered"):
        along(a, 1)
    ints = rng.integers(-9, 9, (4, 5))
    check_arrays(along(ints, 0), along.py_func(ints, 0))

    @ember.njit
    def one_d(a, axis):
        return np.nanmean(a, axis), np.nanmax(a, axis=axis)
    b = with_nans(9, np.float64)
    b[0] = 1.0
    check(one_d(b, -1), one_d.py_func(b, -1))
    with pytest.raises(np.exceptions.AxisError, match="axis 1 is out of bounds"):
        one_d(b, 1)


def test_unsupported_keywords():
    @ember.njit
    def kept(a):
        return np.nansum(a, axis=0, keepdims=True)
    with pytest.raises(TypingError, match=r"nansum\(\) does not support arguments"):
        kept(np.ones((2, 2)))
