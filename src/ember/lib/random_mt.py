"""NumPy's legacy ``RandomState`` generator (MT19937), written for ember to compile.

Owns: MT19937 seeding from an integer, regeneration and tempering of the state;
the legacy distributions built on it (``random_sample``, ``standard_normal`` with
its cached second deviate, ``normal``, ``uniform``); bounded integers by masked
rejection (``randint``, ``random_interval``) and what NumPy builds on them
(``shuffle``, ``permutation``, ``choice`` with replacement and no ``p``).
Every function is bit-exact with ``numpy.random.RandomState(seed)``.

The state is three arrays passed to every function, so that the runtime can
hold one state per thread:

    key    uint32[624]  the MT19937 state words
    meta   int64[2]     [pos, has_gauss]; pos == 624 means "regenerate first"
    gauss  float64[1]   the polar method's cached second normal deviate

Integer arithmetic stays on values below 2**63 with explicit 32-bit masks, so
that the uncompiled functions (Python ints) and the compiled ones (int64 that
would wrap) compute the same numbers. 64-bit quantities (ranges of ``randint``)
are therefore carried as two 32-bit words.
"""

import math

import numpy as np

from ember.lib.mathlib import c_log
from ember.typing.registry import cold

N = 624  # state words
M = 397  # the twist's middle word offset
MATRIX_A = 0x9908B0DF
UPPER_MASK = 0x80000000
LOWER_MASK = 0x7FFFFFFF
MASK32 = 0xFFFFFFFF
TWO_32 = 0x100000000


def new_state():
    """Uncompiled: fresh state arrays (key, meta, gauss); seed() them before drawing."""
    key = np.zeros(N, dtype=np.uint32)
    meta = np.array([N, 0], dtype=np.int64)
    gauss = np.zeros(1, dtype=np.float64)
    return key, meta, gauss


def seed(key, meta, gauss, s):
    """RandomState(s) / np.random.seed(s) for an integer s.

    NumPy seeds an integer with MT19937's init_genrand (Knuth's multiplier
    1812433253), not init_by_array (used only for arrays), then drops the
    cached normal deviate.
    """
    if s < 0 or s > MASK32:
        raise ValueError("Seed must be between 0 and 2**32 - 1")
    word = s
    for i in range(N):
        key[i] = word
        # 1812433253 * (2**32 - 1) < 2**63: the product never wraps in int64.
        word = (1812433253 * (word ^ (word >> 30)) + i + 1) & MASK32
    meta[0] = N  # the first draw regenerates the words
    meta[1] = 0
    gauss[0] = 0.0


def seed_rows(keys, metas, gausses, seeds):
    """Uncompiled: seed(keys[k], metas[k], gausses[k], seeds[k]) for every row k
    at once, the recurrence vectorised across rows (ember.lib.random seeds a
    state per possible thread at import: row by row that took 40 ms)."""
    word = np.asarray(seeds, dtype=np.uint64)
    multiplier, shift, mask = np.uint64(1812433253), np.uint64(30), np.uint64(MASK32)
    for i in range(N):
        keys[:, i] = word
        word = (multiplier * (word ^ (word >> shift)) + np.uint64(i + 1)) & mask
    metas[:, 0] = N
    metas[:, 1] = 0
    gausses[:, 0] = 0.0


@cold
def _regenerate(key):
    """Replace all 624 words in place, in the reference order.

    Words i + 1 and i + M wrap around to words already replaced in this pass,
    exactly as the reference reads them; three loops instead of `% N` keep
    the index arithmetic free of divisions.
    """
    for i in range(N - M):
        key[i] = _twist(key[i], key[i + 1], key[i + M])
    for i in range(N - M, N - 1):
        key[i] = _twist(key[i], key[i + 1], key[i + M - N])
    key[N - 1] = _twist(key[N - 1], key[0], key[M - 1])


def _twist(word, following, distant):
    y = (int(word) & UPPER_MASK) | (int(following) & LOWER_MASK)
    return int(distant) ^ (y >> 1) ^ (MATRIX_A * (y & 1))


def next_uint32(key, meta):
    """The next tempered 32-bit output, as an int."""
    pos = meta[0]
    if pos >= N or pos < 0:  # never negative: the test lets `key[pos]` skip wraparound
        _regenerate(key)
        pos = 0
    meta[0] = pos + 1
    return _temper(int(key[pos]))


def _temper(y):
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C5680
    y ^= (y << 15) & 0xEFC60000
    return y ^ (y >> 18)


def random_sample(key, meta):
    """A float64 in [0, 1) from 53 random bits: 27 of a first draw, then 26 of a second.

    The common case reads both words with one test of the position and no
    call: small enough for LLVM to inline the draw into the user's loop."""
    pos = meta[0]
    if pos < 0 or pos >= N - 1:
        return _random_sample_across(key, meta)
    meta[0] = pos + 2
    return _unit_double(_temper(int(key[pos])) >> 5, _temper(int(key[pos + 1])) >> 6)


@cold
def _random_sample_across(key, meta):
    """random_sample when its two words straddle a regeneration."""
    high = next_uint32(key, meta) >> 5
    return _unit_double(high, next_uint32(key, meta) >> 6)


def _unit_double(high, low):
    return (high * 67108864.0 + low) / 9007199254740992.0


def standard_normal(key, meta, gauss):
    """Legacy gauss: Marsaglia's polar method, returning f * x2 now and caching f * x1."""
    if meta[1] != 0:
        meta[1] = 0
        cached = gauss[0]
        gauss[0] = 0.0
        return cached
    x1 = 0.0
    x2 = 0.0
    r2 = 0.0
    while r2 >= 1.0 or r2 == 0.0:
        x1 = 2.0 * random_sample(key, meta) - 1.0
        x2 = 2.0 * random_sample(key, meta) - 1.0
        r2 = x1 * x1 + x2 * x2
    # Bit-exactness: NumPy computes (-2 log r2) / r2, then the square root.
    f = math.sqrt(-2.0 * c_log(r2) / r2)
    gauss[0] = f * x1
    meta[1] = 1
    return f * x2


def normal(key, meta, gauss, loc, scale):
    """loc + scale * standard_normal; NumPy rejects any scale with its sign bit set (-0.0 too)."""
    if scale < 0.0 or (scale == 0.0 and math.copysign(1.0, scale) < 0.0):
        raise ValueError("scale < 0")
    return loc + scale * standard_normal(key, meta, gauss)


def uniform(key, meta, low, high):
    """low + (high - low) * random_sample, the span computed first, as NumPy does."""
    span = high - low
    if not math.isfinite(span):
        raise OverflowError("Range exceeds valid bounds")
    return low + span * random_sample(key, meta)


def _smear_mask(word):
    """The smallest all-ones mask covering a 32-bit word."""
    word |= word >> 1
    word |= word >> 2
    word |= word >> 4
    word |= word >> 8
    word |= word >> 16
    return word


def _bounded_uint32(key, meta, span):
    """A uniform int in [0, span] for span < 2**32: draws masked to span's bit width,
    rejected until <= span. span == 0 draws nothing. (NumPy's special case for
    span == 2**32 - 1 returns one unmasked draw, which is what the loop does too.)"""
    if span == 0:
        return 0
    mask = _smear_mask(span)
    value = span + 1
    while value > span:
        value = next_uint32(key, meta) & mask
    return value


def _bounded_uint64(key, meta, span_hi, span_lo):
    """A uniform int in [0, span] for span >= 2**32, given and returned as 32-bit words
    (hi, lo). Each 64-bit draw takes its high word from the first 32-bit output.
    The mask of a span with a nonzero high word is all ones in the low word."""
    mask_hi = _smear_mask(span_hi)
    value_hi = span_hi + 1
    value_lo = 0
    while value_hi > span_hi or (value_hi == span_hi and value_lo > span_lo):
        value_hi = next_uint32(key, meta) & mask_hi
        value_lo = next_uint32(key, meta)
    return value_hi, value_lo


def _span_words(low, last):
    """(last - low) mod 2**64 as 32-bit words (hi, lo), for int64 low <= last."""
    lo = (last & MASK32) - (low & MASK32)
    borrow = 1 if lo < 0 else 0
    hi = ((last >> 32) - (low >> 32) - borrow) & MASK32
    return hi, lo & MASK32


def _add_words(low, value_hi, value_lo):
    """low + (value_hi * 2**32 + value_lo) as int64. The sum lies in [low, high), but
    the value alone may exceed 2**63, so add word by word with a carry."""
    lo = (low & MASK32) + value_lo
    hi = ((low >> 32) + value_hi + (lo >> 32)) & MASK32
    if hi > LOWER_MASK:
        hi -= TWO_32  # the high word is signed
    return hi * TWO_32 + (lo & MASK32)


def randint(key, meta, low, high):
    """Legacy randint(low, high) with the default int64 dtype: masked rejection sampling
    of high - 1 - low, on 32-bit draws when that fits in 32 bits and on 64-bit draws
    otherwise. A single value never uses the 32-bit buffering NumPy has for bool,
    int8 and int16. Bounds are int64, so high = 2**63 (a full 64-bit range) is not reachable."""
    if low >= high:
        raise ValueError("low >= high")
    span_hi, span_lo = _span_words(low, high - 1)
    if span_hi == 0:
        return low + _bounded_uint32(key, meta, span_lo)  # <= high - 1: no overflow
    value_hi, value_lo = _bounded_uint64(key, meta, span_hi, span_lo)
    return _add_words(low, value_hi, value_lo)


def random_interval(key, meta, last):
    """A uniform int in [0, last] for 0 <= last < 2**63, as NumPy's random_interval:
    the same masked rejection as randint."""
    if last <= MASK32:
        return _bounded_uint32(key, meta, last)
    value_hi, value_lo = _bounded_uint64(key, meta, last >> 32, last & MASK32)
    return value_hi * TWO_32 + value_lo  # < 2**63 since last is


def shuffle(key, meta, x):
    """Legacy shuffle of a 1-D array in place: Fisher-Yates from the last element
    down to index 1, swapping x[i] with x[random_interval(i)]."""
    for i in range(len(x) - 1, 0, -1):
        j = random_interval(key, meta, i)
        item = x[j]
        x[j] = x[i]
        x[i] = item


def permutation(key, meta, out):
    """Legacy permutation(len(out)) written into out: arange, then shuffle."""
    for i in range(len(out)):
        out[i] = i
    shuffle(key, meta, out)


def choice_index(key, meta, n):
    """Legacy choice(n) (one value, with replacement, no p): randint(0, n)."""
    if n <= 0:
        raise ValueError("a must be greater than 0 unless no samples are taken")
    return randint(key, meta, 0, n)


def choice(key, meta, a):
    """Legacy choice(a) for a 1-D array (one value, with replacement, no p):
    a[randint(0, len(a))]."""
    if len(a) == 0:
        raise ValueError("'a' cannot be empty unless no samples are taken")
    return a[randint(key, meta, 0, len(a))]
