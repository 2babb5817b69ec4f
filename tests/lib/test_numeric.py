"""np.interp and np.cross in compiled code (lib/numeric.py) against NumPy:
interp bit for bit (NaN, inf, repeated xp, left/right, one sample point,
int inputs), cross of float32/float64/int/complex vectors and rows; the
errors; with leak checks."""

import numpy as np
import pytest

import ember
from ember.errors import TypingError
from ember.runtime import stats

rng = np.random.default_rng(11)


@pytest.fixture(autouse=True)
def no_leaks():
    before = stats().alive
    yield
    assert stats().alive == before, "compiled code leaked arrays"


def check(got, want):
    for g, w in zip(got, want):
        if isinstance(w, np.ndarray):
            np.testing.assert_array_equal(g, w, strict=True)
        else:
            assert g == w or (np.isnan(g) and np.isnan(w)), (g, w)


@ember.njit
def interpolated(x, xp, fp):
    return (np.interp(x, xp, fp), np.interp(x, xp, fp, left=-1.0, right=99),
            np.interp(x[0], xp, fp), np.interp(2, xp, fp, right=5.0))


@pytest.mark.parametrize("x, xp, fp", [
    (np.linspace(-1, 5, 61), np.array([0.0, 1.0, 1.0, 2.5, 4.0]),
     np.array([1.0, -2.0, 3.0, 0.5, 7.0])),
    (np.array([np.nan, -np.inf, np.inf, 0.5, 1.0, 1.5]), np.array([0.0, 1.0, 2.0]),
     np.array([np.inf, 1.0, np.nan])),
    (np.array([-1.0, 0.0, np.nan, 3.0]), np.array([0.0]), np.array([5.0])),
    (rng.random((3, 4)) * 10, np.sort(rng.random(30)) * 10, rng.random(30)),
])
def test_interp(x, xp, fp):
    check(interpolated(x, xp, fp), interpolated.py_func(x, xp, fp))


def test_interp_ints_and_views():
    x, xp, fp = np.arange(-2, 12)[::2], np.array([0, 3, 5, 9]), np.array([4, -1, 0, 2])
    check(interpolated(x, xp, fp), interpolated.py_func(x, xp, fp))


def test_interp_errors():
    with pytest.raises(ValueError, match="fp and xp are not of the same length"):
        interpolated(np.ones(2), np.arange(3.0), np.arange(4.0))
    with pytest.raises(ValueError, match="array of sample points is empty"):
        interpolated(np.ones(2), np.zeros(0), np.zeros(0))

    @ember.njit
    def periodic(x, xp, fp):
        return np.interp(x, xp, fp, period=1.0)
    with pytest.raises(TypingError, match=r"interp\(\) does not support arguments"):
        periodic(np.ones(2), np.ones(2), np.ones(2))


@ember.njit
def crosses(a, b):
    return np.cross(a, b), np.cross(a[0], b[1]), np.cross(a[1], b), np.cross(a, b[0])


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
def test_cross(dtype):
    a = (rng.standard_normal((5, 3)) * 4).astype(dtype)
    b = (rng.standard_normal((5, 3)) * 4).astype(dtype)
    check(crosses(a, b), crosses.py_func(a, b))


def test_cross_mixed_dtypes_and_views():
    a = rng.standard_normal((4, 6))[:, ::2]
    b = rng.integers(-5, 5, (4, 3))
    check(crosses(a, b), crosses.py_func(a, b))


def test_cross_wrong_dimension():
    with pytest.raises(ValueError, match="incompatible dimensions for cross product"):
        crosses(np.ones((2, 4)), np.ones((2, 4)))
