"""ember: a just-in-time compiler for numerical Python with Numba's API.

`import ember as numba` runs Numba programs. Only the public API lives here;
everything heavy (LLVM, the library) loads on the first compilation.
"""

from ember import config, errors, experimental, typed, types
from ember.decorators import guvectorize, jit, njit, vectorize
from ember.experimental import jitclass

# Numba's type names at top level (`numba.float64[:]` in jitclass specs).
from ember.types import (  # noqa: F401
    b1,
    bool_,
    boolean,
    c8,
    c16,
    complex64,
    complex128,
    double,
    f4,
    f8,
    float32,
    float64,
    i1,
    i2,
    i4,
    i8,
    int8,
    int16,
    int32,
    int64,
    intp,
    single,
    u1,
    u2,
    u4,
    u8,
    uint8,
    uint16,
    uint32,
    uint64,
    void,
)
from ember.types.typeof import typeof

__version__ = "0.1.0"


def prange(*args):
    """`range` that parallel=True splits across threads; `range` everywhere else."""
    return range(*args)


def _pool():
    from ember.runtime import threads
    from ember.targets.cpu.jit import cpu_target

    cpu_target().ensure_thread_pool()
    return threads


def set_num_threads(n):
    """Use `n` threads (1 <= n <= config.NUM_THREADS) in the parallel regions
    this Python thread starts."""
    _pool().set_num_threads(n)


def get_num_threads():
    """The number of threads parallel regions started by this thread use."""
    return _pool().get_num_threads()


def get_thread_id():
    """The pool thread running this code: 0 outside parallel regions."""
    return _pool().get_thread_id()


__all__ = ["config", "errors", "experimental", "get_num_threads", "get_thread_id",
           "guvectorize", "jit", "jitclass", "njit", "prange", "set_num_threads", "typed",
           "typeof", "types", "vectorize"]
