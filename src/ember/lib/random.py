"""np.random in compiled code: NumPy's legacy RandomState (lib/random_mt.py)
on a state owned by the runtime, separate from NumPy's own global state.

After np.random.seed(s) in compiled code, draws equal those of
numpy.random.RandomState(s) for the same calls, as Numba guarantees.
"""

import os

import numpy as np
from llvmlite import ir

from ember.codegen import indexing
from ember.codegen import models as m
from ember.lib import random_mt as mt
from ember.types import core as t
from ember.typing.registry import LIBRARY_OPTIONS, Impl, inline_always, register

# One state per thread of the pool (row 0: the calling thread, and every call
# outside parallel regions), each seeded from the OS as NumPy does when
# unseeded: threads draw independent streams, never racing on one state.
MAX_THREADS = 256
# Each thread's rows are padded to whole 64-byte cache lines: threads drawing
# at once never write to a line another thread uses (the position in meta
# changes on every draw).
_LINE = 64


def _rows(width, dtype):
    """Zeros of shape (MAX_THREADS, width), each row starting a cache line."""
    raw = np.zeros(MAX_THREADS * width * np.dtype(dtype).itemsize + _LINE, np.uint8)
    start = -raw.ctypes.data % _LINE
    return raw[start:start + MAX_THREADS * width * np.dtype(dtype).itemsize].view(
        dtype).reshape(MAX_THREADS, width)


_STATE = (_rows(mt.N + 16, np.uint32), _rows(8, np.int64), _rows(8, np.float64))
mt.seed_rows(*_STATE, np.frombuffer(os.urandom(4 * MAX_THREADS), "<u4"))
_STATE_TYPE = t.Tuple([t.Array(t.uint32, 1, "C"), t.Array(t.int64, 1, "C"),
                       t.Array(t.float64, 1, "C")])
_TABLE_TYPES = [t.Array(x.dtype, 2, "C") for x in _STATE_TYPE.types]


def random_state():
    """Compiled code only: the runtime's generator state arrays."""
    raise NotImplementedError("random_state() exists in compiled code only")


@register(random_state)
def type_random_state(args, kws):
    """the generator state (internal)"""
    if args or kws:
        return None

    def emit(cg, values):
        thread = cg.call_external("ember_get_thread_id", m.i64, [])
        # Constant within a thread: lets LLVM keep the state's address in registers.
        thread.callee.attributes.add("readnone")
        thread.callee.attributes.add("nounwind")
        thread = cg.builder.and_(thread, ir.Constant(m.i64, MAX_THREADS - 1))
        packed = ir.Constant(m.value_type(_STATE_TYPE), None)
        for i, array in enumerate(_STATE):
            table = indexing.constant_array(cg, array, _TABLE_TYPES[i])
            offset = cg.builder.mul(thread, ir.Constant(m.i64, array.strides[0]))
            row = indexing.make_view(cg, table, offset, [ir.Constant(m.i64, array.shape[1])],
                                     [ir.Constant(m.i64, array.strides[1])],
                                     _STATE_TYPE.types[i])
            packed = cg.builder.insert_value(packed, row, i)
        return packed
    return Impl(_STATE_TYPE, [], emit=emit)


# ---- scalar draws and their array forms ------------------------------------------

def seed(s):
    key, meta, gauss = random_state()
    mt.seed(key, meta, gauss, s)


@inline_always
def random_sample():
    key, meta, gauss = random_state()
    return mt.random_sample(key, meta)


def standard_normal():
    key, meta, gauss = random_state()
    return mt.standard_normal(key, meta, gauss)


def normal(loc, scale):
    key, meta, gauss = random_state()
    return mt.normal(key, meta, gauss, loc, scale)


@inline_always
def uniform(low, high):
    key, meta, gauss = random_state()
    return mt.uniform(key, meta, low, high)


def randint(low, high):
    key, meta, gauss = random_state()
    return mt.randint(key, meta, low, high)


def randint_below(high):
    return randint(0, high)


def random_array(shape):
    out = np.empty(shape)
    flat = out.ravel()
    for i in range(flat.size):
        flat[i] = random_sample()
    return out


def normal_array(shape):
    out = np.empty(shape)
    flat = out.ravel()
    for i in range(flat.size):
        flat[i] = standard_normal()
    return out


def normal_array_scaled(loc, scale, shape):
    out = np.empty(shape)
    flat = out.ravel()
    for i in range(flat.size):
        flat[i] = normal(loc, scale)
    return out


def uniform_array(low, high, shape):
    out = np.empty(shape)
    flat = out.ravel()
    for i in range(flat.size):
        flat[i] = uniform(low, high)
    return out


def randint_array(low, high, shape):
    out = np.empty(shape, dtype=np.int64)
    flat = out.ravel()
    for i in range(flat.size):
        flat[i] = randint(low, high)
    return out


def shuffle(x):
    key, meta, gauss = random_state()
    mt.shuffle(key, meta, x)


def permutation(n):
    out = np.empty(n, dtype=np.int64)
    key, meta, gauss = random_state()
    mt.permutation(key, meta, out)
    return out


def permutation_of(a):
    out = a.copy()
    shuffle(out)
    return out


def choice_index(n):
    key, meta, gauss = random_state()
    return mt.choice_index(key, meta, n)


def choice_of(a):
    key, meta, gauss = random_state()
    return mt.choice(key, meta, a)


# ---- NumPy's signatures: the call binds to these directly -----------------------

def seed_impl(seed):
    key, meta, gauss = random_state()
    mt.seed(key, meta, gauss, seed)


@inline_always  # a draw in the user's loop: see inline_always
def random_impl(size=None):
    if size is None:
        return random_sample()
    return random_array(size)


def standard_normal_impl(size=None):
    if size is None:
        return standard_normal()
    return normal_array(size)


def normal_impl(loc=0.0, scale=1.0, size=None):
    if size is None:
        return normal(loc, scale)
    return normal_array_scaled(loc, scale, size)


@inline_always
def uniform_impl(low=0.0, high=1.0, size=None):
    if size is None:
        return uniform(low, high)
    return uniform_array(low, high, size)


def randint_impl(low, high=None, size=None):
    if high is None:
        if size is None:
            return randint(0, low)
        return randint_array(0, low, size)
    if size is None:
        return randint(low, high)
    return randint_array(low, high, size)


def shuffle_impl(x):
    shuffle(x)


@inline_always
def rand0():
    return random_sample()


def rand1(d0):
    return random_array(d0)


def rand2(d0, d1):
    return random_array((d0, d1))


def rand3(d0, d1, d2):
    return random_array((d0, d1, d2))


def randn0():
    return standard_normal()


def randn1(d0):
    return normal_array(d0)


def randn2(d0, d1):
    return normal_array((d0, d1))


def randn3(d0, d1, d2):
    return normal_array((d0, d1, d2))


# ---- typing: which implementation each call form uses ------------------------------

_INTS = (t.Integer, t.Boolean)
# The generator's indexes stay inside its state arrays (and the indexes into
# user arrays below len()) by construction: no bounds checks on the hot path.


def _generator(py_impl):
    impl = Impl(None, None, py_impl=py_impl)
    impl.callee_options = LIBRARY_OPTIONS
    return impl


def _numpy_signature(py_impl):
    def typer(args, kws):
        """as NumPy's legacy function: scalars, or an array with size="""
        return _generator(py_impl)
    return typer


register(np.random.seed)(_numpy_signature(seed_impl))
register(np.random.random, np.random.random_sample, np.random.sample, np.random.ranf)(
    _numpy_signature(random_impl))
register(np.random.standard_normal)(_numpy_signature(standard_normal_impl))
register(np.random.normal)(_numpy_signature(normal_impl))
register(np.random.uniform)(_numpy_signature(uniform_impl))
register(np.random.randint)(_numpy_signature(randint_impl))
register(np.random.shuffle)(_numpy_signature(shuffle_impl))


def _by_dimensions(impls):
    def typer(args, kws):
        """rand(d0, d1, ...) / randn(d0, ...) with up to three dimensions"""
        if kws or len(args) >= len(impls) or not all(isinstance(a, _INTS) for a in args):
            return None
        return _generator(impls[len(args)])
    return typer


register(np.random.rand)(_by_dimensions((rand0, rand1, rand2, rand3)))
register(np.random.randn)(_by_dimensions((randn0, randn1, randn2, randn3)))


@register(np.random.permutation)
def type_permutation(args, kws):
    """permutation(n) or of a 1-D array"""
    if kws or len(args) != 1:
        return None
    if isinstance(args[0], _INTS):
        return _generator(permutation)
    if isinstance(args[0], t.Array) and args[0].ndim == 1:
        return _generator(permutation_of)
    return None


@register(np.random.choice)
def type_choice(args, kws):
    """choice(n) or choice(1-D array): one uniform draw (no size, replace or p yet)"""
    if kws or len(args) != 1:
        return None
    if isinstance(args[0], _INTS):
        return _generator(choice_index)
    if isinstance(args[0], t.Array) and args[0].ndim == 1:
        return _generator(choice_of)
    return None
