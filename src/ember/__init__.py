"""ember: a just-in-time compiler for numerical Python with Numba's API.

`import ember as numba` runs Numba programs. Only the public API lives here;
everything heavy (LLVM, the library) loads on the first compilation.
"""

from ember import errors, types
from ember.decorators import jit, njit
from ember.types.typeof import typeof

__version__ = "0.1.0"


def prange(*args):
    """`range` that parallel=True may split across threads (serial for now)."""
    return range(*args)


__all__ = ["errors", "jit", "njit", "prange", "typeof", "types"]
