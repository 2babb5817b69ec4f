"""Every EMBER_* setting (and the NUMBA_* ones ember honours), read in one place.

Settings are read once at import; tests may assign the attributes directly.
"""

import os


def _flag(name, default=False):
    for key in (f"EMBER_{name}", f"NUMBA_{name}"):
        value = os.environ.get(key)
        if value is not None:
            return value.strip().lower() not in ("", "0", "false", "no", "off")
    return default


def _list(name):
    value = os.environ.get(f"EMBER_{name}", "")
    return {part.strip() for part in value.split(",") if part.strip()}


# Decorators return dispatchers that run the Python function (NUMBA_DISABLE_JIT).
DISABLE_JIT = _flag("DISABLE_JIT")
# Bounds checking of array indexing; on by default (DESIGN.md, Semantics).
BOUNDSCHECK = _flag("BOUNDSCHECK", default=True)
# Print the output of pipeline stages: any of ir, typed, llvm, opt, asm.
DUMP = _list("DUMP")
# Folder for cache=True entries instead of a __pycache__ beside each source
# file (EMBER_CACHE_DIR, or Numba's NUMBA_CACHE_DIR); empty: Numba's default.
CACHE_DIR = os.environ.get("EMBER_CACHE_DIR") or os.environ.get("NUMBA_CACHE_DIR") or ""
# LLVM optimisation level for the host CPU.
OPT = int(os.environ.get("EMBER_OPT", os.environ.get("NUMBA_OPT", "3")))


def _thread_count(environ, limit=1024):
    """The default (and largest) thread count: EMBER_NUM_THREADS, then
    NUMBA_NUM_THREADS, then the number of CPUs."""
    for key in ("EMBER_NUM_THREADS", "NUMBA_NUM_THREADS"):
        value = environ.get(key, "").strip()
        if value:
            try:
                count = int(value)
            except ValueError:
                raise ValueError(f"{key}={value!r} is not an integer") from None
            if not 1 <= count <= limit:
                raise ValueError(f"{key}={count} must be between 1 and {limit}")
            return count
    return max(1, min(os.cpu_count() or 1, limit))


# Threads of the parallel=True pool (the largest count set_num_threads accepts).
NUM_THREADS = _thread_count(os.environ)
NUMBA_NUM_THREADS = NUM_THREADS  # the name Numba programs read
# BLAS through scipy's function pointers for dot/matmul; EMBER_BLAS=0 uses compiled loops.
USE_BLAS = os.environ.get("EMBER_BLAS", "1").strip().lower() not in ("0", "false", "no", "off")
# sin, cos, exp, log... emitted by ember, vectorisable (codegen/vecmath.py);
# EMBER_VECMATH=0 calls the C library (LLVM intrinsics) instead.
VECMATH = _flag("VECMATH", default=True)
