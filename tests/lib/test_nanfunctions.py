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


def test_axis_is_not_supported():
    @ember.njit
    def along(a):
        return np.nansum(a, axis=0)
    with pytest.raises(TypingError, match=r"nansum\(\) does not support arguments"):
        along(np.ones((2, 2)))
