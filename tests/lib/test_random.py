"""np.random as user code calls it in compiled functions (lib/random.py): after
np.random.seed(s) the draws equal numpy.random.RandomState(s)'s, call form by
call form, including draws whose two words straddle a regeneration of the
state; inside prange bodies, threads draw independent streams."""

import numpy as np
import pytest

import ember

SEED = 1234


def _compiled_and_reference(kernel):
    """The compiled kernel, and the same Python code run against RandomState(SEED)."""
    compiled = ember.njit(kernel)
    rs = np.random.RandomState(SEED)

    class Random:  # np.random's functions, bound to the RandomState
        sample = ranf = rs.random_sample

        def __getattr__(self, name):
            return getattr(rs, name)

    class Legacy:  # the `np` the reference run sees
        random = Random()

        def __getattr__(self, name):
            return getattr(np, name)

    globals_ = dict(kernel.__globals__, np=Legacy())
    reference = type(kernel)(kernel.__code__, globals_, kernel.__name__, kernel.__defaults__)
    return compiled, reference


def scalar_forms(n, skip):
    np.random.seed(SEED)
    for _ in range(skip):  # one 32-bit word each: later pairs straddle word 624
        np.random.randint(0, 2)
    out = np.empty(n)
    for i in range(n):
        form = i % 9
        if form == 0:
            out[i] = np.random.random()
        elif form == 1:
            out[i] = np.random.random_sample()
        elif form == 2:
            out[i] = np.random.sample()
        elif form == 3:
            out[i] = np.random.ranf()
        elif form == 4:
            out[i] = np.random.rand()
        elif form == 5:
            out[i] = np.random.uniform(-2.0, 3.0)
        elif form == 6:
            out[i] = np.random.normal(1.0, 2.0)
        elif form == 7:
            out[i] = np.random.standard_normal() + np.random.randn()
        else:
            out[i] = np.random.randint(-5, 100) + np.random.randint(7)
    return out


@pytest.mark.parametrize("skip", [0, 1, 3])
def test_scalar_draws_equal_random_state(skip):
    compiled, reference = _compiled_and_reference(scalar_forms)
    np.testing.assert_array_equal(compiled(3000, skip), reference(3000, skip))


def array_forms(n):
    np.random.seed(SEED)
    a = np.random.random(n)
    b = np.random.rand(n, 3)
    c = np.random.randn(2, n)
    d = np.random.uniform(0.5, 1.5, n)
    e = np.random.normal(-1.0, 0.5, n)
    f = np.random.randint(0, 1000, n)
    return a.sum() + b.sum() + c.sum() + d.sum() + e.sum(), f


def test_array_draws_equal_random_state():
    compiled, reference = _compiled_and_reference(array_forms)
    got, want = compiled(1001), reference(1001)
    assert got[0] == want[0]
    np.testing.assert_array_equal(got[1], want[1])


def permutations(n):
    np.random.seed(SEED)
    x = np.arange(n)
    np.random.shuffle(x)
    return x, np.random.permutation(n), np.random.choice(n)


def test_permutations_equal_random_state():
    compiled, reference = _compiled_and_reference(permutations)
    for got, want in zip(compiled(50), reference(50)):
        np.testing.assert_array_equal(got, want)


@ember.njit(parallel=True)
def _per_thread_draws(n):
    out = np.empty(n)
    for i in ember.prange(n):
        out[i] = np.random.random()
    return out


def test_prange_threads_draw_independent_streams():
    ember.set_num_threads(2)
    try:
        draws = _per_thread_draws(200_000)
    finally:
        ember.set_num_threads(ember.config.NUM_THREADS)
    # Two threads sharing one state would repeat or skip words; independent
    # streams give no repeated value among 200k doubles and a uniform mean.
    assert len(np.unique(draws)) == len(draws)
    assert abs(draws.mean() - 0.5) < 0.005
    assert ((draws >= 0.0) & (draws < 1.0)).all()
