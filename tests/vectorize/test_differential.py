"""Hypothesis: a random arithmetic kernel through @vectorize (eager and
dynamic) equals the same Python kernel run by np.vectorize."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ember


def kernel(x, y):
    if x > y:
        return x * 0.5 - y
    return abs(x - 2.0 * y) + 1.0


_EAGER = ember.vectorize(["float64(float64, float64)"])(kernel)
_DYNAMIC = ember.vectorize(kernel)
_FINITE = st.floats(-1e6, 1e6, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=5), st.data())
def test_matches_numpy_vectorize(shapes, data):
    x = data.draw(hnp.arrays(np.float64, shapes.input_shapes[0], elements=_FINITE))
    y = data.draw(hnp.arrays(np.float64, shapes.input_shapes[1], elements=_FINITE))
    expected = np.vectorize(kernel, otypes=[np.float64])(x, y)
    np.testing.assert_array_equal(_EAGER(x, y), expected)
    np.testing.assert_array_equal(_DYNAMIC(x, y), expected)
