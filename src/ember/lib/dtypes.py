"""dtype arguments (`dtype=np.float32`, `dtype=int`, `'f8'`, `a.dtype`) as ember types."""

import numpy as np

from ember.errors import TypingError
from ember.types import core as t
from ember.types.typeof import UnsupportedValue, from_dtype


def dtype_type(ty, default=t.float64):
    """The scalar type a dtype argument names; `default` when it is None/absent."""
    if ty is None or isinstance(ty, t.NoneType):
        return default
    if isinstance(ty, t.CompileTimeValue):
        try:
            return from_dtype(np.dtype(ty.value))
        except (TypeError, UnsupportedValue):
            pass
    raise TypingError(f"dtype must be a NumPy or Python number type, a dtype string or "
                      f"np.dtype, not {ty}")
