"""Types of ember, re-exported under Numba's names (`ember.types.float64[:]`)."""

from ember.types.core import (  # noqa: F401
    Array,
    Boolean,
    ClassType,
    CompileTimeValue,
    Complex,
    Float,
    InstanceType,
    Integer,
    IteratorType,
    NoneType,
    Number,
    RangeType,
    Signature,
    Tuple,
    Type,
    boolean,
    complex64,
    complex128,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    intp,
    none,
    range_type,
    uint8,
    uint16,
    uint32,
    uint64,
    void,
)

# Numba's aliases, so that signature strings written for Numba parse unchanged.
b1 = bool_ = boolean
i1, i2, i4, i8 = int8, int16, int32, int64
u1, u2, u4, u8 = uint8, uint16, uint32, uint64
f4, f8 = float32, float64
c8, c16 = complex64, complex128
double, single = float64, float32


def UniTuple(dtype, count):
    """Numba's homogeneous tuple type constructor."""
    return Tuple([dtype] * count)
