"""Legacy RandomState in ember.lib.random_mt, compiled and uncompiled, against
numpy.random.RandomState bit for bit."""

import numpy as np
import pytest

import ember
from ember.lib import random_mt as mt
from ember.lib.random_mt import (
    choice,
    choice_index,
    new_state,
    next_uint32,
    normal,
    permutation,
    randint,
    random_sample,
    seed,
    shuffle,
    standard_normal,
    uniform,
)

SEEDS = [0, 1, 42, 2**32 - 1]
N_DRAWS = 2000
# randint ranges: a single value (no draw), 2 values, 2**31 + 1 values (32-bit draws,
# almost half rejected), 2**32 values (NumPy's unmasked 32-bit case), just over 2**32
# (64-bit draws), one spanning zero and 2**40, and the widest int64 range.
RANGES = [(7, 8), (-1, 1), (0, 2**31 + 1), (-2**31, 2**31), (0, 2**32 + 1), (-2**40, 3),
          (-2**63, 2**63 - 1)]


def uint32_stream(key, meta, out):
    for i in range(len(out)):
        out[i] = next_uint32(key, meta)


def randint_stream(key, meta, low, high, out):
    for i in range(len(out)):
        out[i] = randint(key, meta, low, high)


def mixed_stream(key, meta, gauss, lows, highs, floats, ints):
    """Every draw kind in one stream. The normal deviate cached by one randn call is
    consumed after rand, randint and uniform calls, and alternately by randn and normal."""
    for i in range(len(floats)):
        kind = i % 6
        if kind == 0 or kind == 5:
            floats[i] = standard_normal(key, meta, gauss)
        elif kind == 1:
            floats[i] = random_sample(key, meta)
        elif kind == 2:
            which = (i // 6) % len(lows)
            ints[i] = randint(key, meta, lows[which], highs[which])
        elif kind == 3:
            floats[i] = normal(key, meta, gauss, 1.5, 2.0)
        else:
            floats[i] = uniform(key, meta, -3.0, 5.0)


def numpy_mixed_stream(s, n):
    rs = np.random.RandomState(s)
    floats, ints = np.zeros(n), np.zeros(n, dtype=np.int64)
    for i in range(n):
        kind = i % 6
        if kind in (0, 5):
            floats[i] = rs.randn()
        elif kind == 1:
            floats[i] = rs.rand()
        elif kind == 2:
            ints[i] = rs.randint(*RANGES[(i // 6) % len(RANGES)])
        elif kind == 3:
            floats[i] = rs.normal(1.5, 2.0)
        else:
            floats[i] = rs.uniform(-3.0, 5.0)
    return floats, ints


PYTHON = {f.__name__: f for f in (
    seed, standard_normal, normal, uniform, randint, shuffle, permutation, choice_index,
    choice, random_sample, uint32_stream, randint_stream, mixed_stream)}
COMPILED = {name: ember.njit(f) for name, f in PYTHON.items()}


@pytest.fixture(params=["compiled", "python"])
def fn(request):
    """The functions under test, by name: compiled by ember, or run by CPython."""
    return COMPILED if request.param == "compiled" else PYTHON


def seeded(fn, s):
    key, meta, gauss = new_state()
    fn["seed"](key, meta, gauss, s)
    return key, meta, gauss


def numpy_raw(s, n):
    bits = np.random.MT19937()
    bits.state = np.random.RandomState(s).get_state(legacy=False)
    return bits.random_raw(n)


@pytest.mark.parametrize("s", SEEDS)
def test_seed_sets_numpy_state_and_drops_cached_normal(fn, s):
    key, meta, gauss = seeded(fn, s)
    rs = np.random.RandomState(s)
    np.testing.assert_array_equal(key, rs.get_state()[1])
    assert list(meta) == [624, 0]
    fn["standard_normal"](key, meta, gauss)
    rs.randn()
    assert (meta[0], meta[1], gauss[0]) == rs.get_state()[2:]  # a normal is cached
    fn["seed"](key, meta, gauss, s)
    rs.seed(s)
    assert (meta[0], meta[1], gauss[0]) == rs.get_state()[2:] == (624, 0, 0.0)


@pytest.mark.parametrize("s", SEEDS)
def test_raw_outputs(fn, s):
    key, meta, _ = seeded(fn, s)
    out = np.zeros(N_DRAWS, dtype=np.uint32)
    fn["uint32_stream"](key, meta, out)
    np.testing.assert_array_equal(out, numpy_raw(s, N_DRAWS))


@pytest.mark.parametrize("s", SEEDS)
def test_mixed_stream(fn, s):
    key, meta, gauss = seeded(fn, s)
    floats, ints = np.zeros(N_DRAWS), np.zeros(N_DRAWS, dtype=np.int64)
    lows = np.array([low for low, _ in RANGES], dtype=np.int64)
    highs = np.array([high for _, high in RANGES], dtype=np.int64)
    fn["mixed_stream"](key, meta, gauss, lows, highs, floats, ints)
    expected_floats, expected_ints = numpy_mixed_stream(s, N_DRAWS)
    np.testing.assert_array_equal(floats, expected_floats)
    np.testing.assert_array_equal(ints, expected_ints)


@pytest.mark.parametrize("low, high", RANGES)
def test_randint_ranges(fn, low, high):
    for s in SEEDS:
        key, meta, _ = seeded(fn, s)
        out = np.zeros(N_DRAWS, dtype=np.int64)
        fn["randint_stream"](key, meta, low, high, out)
        rs = np.random.RandomState(s)
        np.testing.assert_array_equal(out, rs.randint(low, high, size=N_DRAWS))
        assert fn["random_sample"](key, meta) == rs.random_sample()  # same state after


@pytest.mark.parametrize("dtype", [np.int64, np.float64])
def test_shuffle(fn, dtype):
    for s in SEEDS:
        key, meta, _ = seeded(fn, s)
        rs = np.random.RandomState(s)
        for n in (0, 1, 2, 3, 10, 1000):
            ours = np.arange(n, dtype=dtype) * 3
            theirs = ours.copy()
            fn["shuffle"](key, meta, ours)
            rs.shuffle(theirs)
            np.testing.assert_array_equal(ours, theirs)
        assert fn["random_sample"](key, meta) == rs.random_sample()


def test_permutation(fn):
    for s in SEEDS:
        key, meta, _ = seeded(fn, s)
        rs = np.random.RandomState(s)
        for n in (0, 1, 5, 100):
            out = np.zeros(n, dtype=np.int64)
            fn["permutation"](key, meta, out)
            np.testing.assert_array_equal(out, rs.permutation(n))


def test_choice(fn):
    population = np.linspace(-1.0, 1.0, 13)
    for s in SEEDS:
        key, meta, _ = seeded(fn, s)
        rs = np.random.RandomState(s)
        for n in (1, 2, 3, 1000, 2**33):
            assert fn["choice_index"](key, meta, n) == rs.choice(n)
            assert fn["choice"](key, meta, population) == rs.choice(population)


ERRORS = [
    ("seed", lambda f, k, m, g: f(k, m, g, -1), ValueError,
     r"Seed must be between 0 and 2\*\*32 - 1"),
    ("seed", lambda f, k, m, g: f(k, m, g, 2**32), ValueError, "Seed must be between"),
    ("randint", lambda f, k, m, g: f(k, m, 3, 3), ValueError, "low >= high"),
    ("normal", lambda f, k, m, g: f(k, m, g, 0.0, -1.0), ValueError, "scale < 0"),
    ("normal", lambda f, k, m, g: f(k, m, g, 0.0, -0.0), ValueError, "scale < 0"),
    ("uniform", lambda f, k, m, g: f(k, m, -1e308, 1e308), OverflowError, "Range exceeds"),
    ("choice_index", lambda f, k, m, g: f(k, m, 0), ValueError, "a must be greater than 0"),
    ("choice", lambda f, k, m, g: f(k, m, np.zeros(0)), ValueError, "'a' cannot be empty"),
]


@pytest.mark.parametrize("name, call, error, message", ERRORS)
def test_errors_match_numpy(fn, name, call, error, message):
    key, meta, gauss = seeded(fn, 0)
    with pytest.raises(error, match=message):
        call(fn[name], key, meta, gauss)


def test_seeding_many_rows_at_once_equals_seeding_each():
    seeds = [0, 1, 5489, 2**32 - 1, 123456789]
    keys, metas, gausses = (np.ones((5, mt.N + 3), np.uint32), np.ones((5, 4), np.int64),
                            np.ones((5, 2)))
    mt.seed_rows(keys, metas, gausses, seeds)
    for row, s in enumerate(seeds):
        key, meta, gauss = np.ones(mt.N + 3, np.uint32), np.ones(4, np.int64), np.ones(2)
        mt.seed(key, meta, gauss, s)
        np.testing.assert_array_equal(keys[row], key)
        np.testing.assert_array_equal(metas[row], meta)
        np.testing.assert_array_equal(gausses[row], gauss)
