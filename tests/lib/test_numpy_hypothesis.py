"""A handful of the searching, set, order-statistics and nan-functions
compared with NumPy on arrays Hypothesis generates (float64 with NaNs,
infinities, repeats and signed zeros), one compiled signature each."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ember

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

values = st.one_of(st.sampled_from([0.0, -0.0, 1.0, np.nan, np.inf, -np.inf]),
                   st.floats(-1e3, 1e3, allow_nan=False).map(lambda x: round(x, 1)))
arrays = hnp.arrays(np.float64, st.integers(1, 40), elements=values)


@ember.njit
def summaries(a, b):
    return (np.unique(a), np.isin(a, b), np.searchsorted(np.sort(b), a),
            np.searchsorted(np.sort(b), a, side="right"), np.count_nonzero(a),
            np.flatnonzero(a), np.nansum(a), np.nanmean(a), np.nanmax(a), np.nanvar(a),
            np.median(a), np.percentile(a, 30.0), np.isclose(a, a[::-1], equal_nan=True),
            np.ptp(b))


@settings(max_examples=60, deadline=None)
@given(arrays, arrays)
def test_against_numpy(a, b):
    got, want = summaries(a, b), summaries.py_func(a, b)
    for k, (g, w) in enumerate(zip(got, want)):
        np.testing.assert_array_equal(g, w, err_msg=str(k))


@ember.njit
def placed(x, xp, fp):
    return np.interp(x, xp, fp), np.digitize(x, xp), np.digitize(x, xp[::-1], True)


@settings(max_examples=40, deadline=None)
@given(arrays, st.lists(st.floats(-2e3, 2e3, allow_nan=False), min_size=1, max_size=10))
def test_interp_and_digitize(x, points):
    xp = np.unique(np.array(points))
    fp = np.cos(xp)
    for k, (g, w) in enumerate(zip(placed(x, xp, fp), placed.py_func(x, xp, fp))):
        np.testing.assert_array_equal(g, w, err_msg=str(k))
