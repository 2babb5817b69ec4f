"""Random field values and method arguments: the jitclass and the plain class
run the same sequence of calls and must agree after every step."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ember
from ember import boolean, float64, int64


class Tracker:
    def __init__(self, data, scale, count, active):
        self.data = data
        self.scale = scale
        self.count = count
        self.active = active

    def weighted(self, w):
        return np.sum(self.data * w) * self.scale + self.count

    def update(self, i, value):
        self.data[i % self.data.shape[0]] = value
        self.count += 1
        self.active = not self.active
        return self.data.max()

    def rescale(self, factor):
        if self.active:
            self.scale = self.scale * factor
        return self.scale


JitTracker = ember.jitclass([('data', float64[:]), ('scale', float64), ('count', int64),
                             ('active', boolean)])(Tracker)

finite = st.floats(-1e6, 1e6, allow_nan=False, width=64)
calls = st.lists(st.one_of(
    st.tuples(st.just("weighted"), finite),
    st.tuples(st.just("update"), st.integers(0, 100), finite),
    st.tuples(st.just("rescale"), st.floats(-4.0, 4.0, allow_nan=False))), max_size=8)


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=hnp.arrays(np.float64, st.integers(1, 20), elements=finite), scale=finite,
       count=st.integers(-1000, 1000), active=st.booleans(), steps=calls)
def test_jitclass_agrees_with_plain_class(data, scale, count, active, steps):
    plain = Tracker(data.copy(), scale, count, active)
    compiled = JitTracker(data.copy(), scale, count, active)
    for name, *args in steps:
        expected = getattr(plain, name)(*args)
        got = getattr(compiled, name)(*args)
        assert got == expected or np.isclose(got, expected, rtol=1e-12, atol=0), (name, args)
        assert (compiled.scale, compiled.count, compiled.active) == (
            plain.scale, plain.count, plain.active)
        np.testing.assert_array_equal(compiled.data, plain.data)
