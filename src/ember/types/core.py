"""The type lattice: every type compiled code can hold.

Types are immutable value objects compared by `key`. Names follow Numba's
(`int64`, `float64`, `array(float64, 1d, C)`) so signatures written for Numba
read the same under ember.
"""


class Type:
    """Base of all ember types: equal when their keys are equal."""

    name = "type"

    @property
    def key(self):
        return self.name

    def __eq__(self, other):
        return type(self) is type(other) and self.key == other.key

    def __hash__(self):
        return hash((type(self), self.key))

    def __repr__(self):
        return self.name

    def __call__(self, *args):
        """`float64(int64, int64)` builds a signature, as in Numba."""
        return Signature(self, tuple(args))

    def __getitem__(self, index):
        """`float64[:]`, `float64[:, ::1]` build array types, as in Numba."""
        return array_type_from_slices(self, index)


class Number(Type):
    """A scalar number with a width in bits."""

    def __init__(self, name, bits):
        self.name = name
        self.bits = bits


class Boolean(Number):
    def __init__(self):
        super().__init__("bool", 1)


class Integer(Number):
    def __init__(self, bits, signed=True):
        super().__init__(f"{'int' if signed else 'uint'}{bits}", bits)
        self.signed = signed


class Float(Number):
    def __init__(self, bits):
        super().__init__(f"float{bits}", bits)


class Complex(Number):
    def __init__(self, bits):
        super().__init__(f"complex{bits}", bits)
        self.part = float32 if bits == 64 else float64


class NoneType(Type):
    name = "none"


class Array(Type):
    """An ndarray view: dtype, number of dimensions and memory layout.

    Layout is 'C' (C-contiguous), 'F' (Fortran-contiguous) or 'A' (any
    strides). It is part of the type so that contiguous loops vectorise.
    """

    def __init__(self, dtype, ndim, layout="A", readonly=False):
        if layout not in ("C", "F", "A"):
            raise ValueError(f"array layout must be 'C', 'F' or 'A', not {layout!r}")
        if ndim <= 1 and layout == "F":
            layout = "C"
        self.dtype, self.ndim, self.layout, self.readonly = dtype, ndim, layout, readonly
        ro = ", readonly" if readonly else ""
        self.name = f"array({dtype}, {ndim}d, {layout}{ro})"

    @property
    def key(self):
        return (self.dtype, self.ndim, self.layout, self.readonly)

    def copy(self, **changes):
        args = dict(dtype=self.dtype, ndim=self.ndim, layout=self.layout,
                    readonly=self.readonly)
        args.update(changes)
        return Array(**args)


class Tuple(Type):
    """A heterogeneous or homogeneous tuple of known length."""

    def __init__(self, types):
        self.types = tuple(types)
        if self.types and all(t == self.types[0] for t in self.types):
            self.name = f"UniTuple({self.types[0]}, {len(self.types)})"
        else:
            self.name = f"Tuple({', '.join(map(str, self.types))})"

    @property
    def key(self):
        return self.types

    def __len__(self):
        return len(self.types)


class InstanceType(Type):
    """An instance of a @jitclass: a reference to a reference-counted struct of
    its fields. `fields` is the ordered (name, type) spec; `members` (filled by
    ember.jitclasses) names the methods, static methods and properties that
    typing resolves calls through. Equal only to itself: one type per class."""

    def __init__(self, class_name, fields):
        self.class_name, self.fields = class_name, tuple(fields)
        self.field_types = dict(self.fields)
        self.members = None
        self.name = f"instance.jitclass.{class_name}#{id(self):x}"

    @property
    def key(self):
        return id(self)

    def field_index(self, name):
        return [f for f, _ in self.fields].index(name)


class ClassType(Type):
    """A @jitclass itself (`Particle.class_type`), Numba's name for it."""

    def __init__(self, instance_type):
        self.instance_type = instance_type
        self.name = f"jitclass.{instance_type.class_name}#{id(instance_type):x}"

    @property
    def key(self):
        return id(self.instance_type)


class RangeType(Type):
    name = "range_state64"


class IteratorType(Type):
    """enumerate(...) / zip(...) / iter(array): only usable as a for-loop iterable."""

    def __init__(self, kind, sources):
        self.kind, self.sources = kind, tuple(sources)
        self.name = f"{kind}({', '.join(map(str, self.sources))})"

    @property
    def key(self):
        return (self.kind, self.sources)


class CompileTimeValue(Type):
    """A value known at compile time that has no runtime form: modules,
    functions, exception classes, strings used in messages."""

    def __init__(self, value, kind):
        self.value, self.kind = value, kind
        self.name = f"{kind}({getattr(value, '__name__', repr(value))})"

    @property
    def key(self):
        return (self.kind, id(self.value))


class Signature:
    """A return type and argument types: `float64(float64[:])`."""

    def __init__(self, return_type, args):
        self.return_type, self.args = return_type, tuple(args)

    def __eq__(self, other):
        return isinstance(other, Signature) and (self.return_type, self.args) == (
            other.return_type, other.args)

    def __hash__(self):
        return hash((self.return_type, self.args))

    def __repr__(self):
        return f"{self.return_type}({', '.join(map(str, self.args))})"


def array_type_from_slices(dtype, index):
    """`float64[:, ::1]` -> 2-d C array; `float64[::1, :]` -> F; else 'A'."""
    if not isinstance(dtype, Number):
        raise TypeError(f"cannot build an array type of {dtype}")
    parts = index if isinstance(index, tuple) else (index,)
    if not all(isinstance(p, slice) for p in parts):
        raise TypeError("array types are written with slices: float64[:], float64[:, ::1]")
    contiguous = [p.step == 1 for p in parts]
    layout = "A"
    if contiguous[-1] and not any(contiguous[:-1]):
        layout = "C"
    elif contiguous[0] and not any(contiguous[1:]):
        layout = "F"
    if len(parts) == 1:
        layout = "C" if contiguous[0] else "A"
    return Array(dtype, len(parts), layout)


boolean = Boolean()
int8, int16, int32, int64 = (Integer(b) for b in (8, 16, 32, 64))
uint8, uint16, uint32, uint64 = (Integer(b, False) for b in (8, 16, 32, 64))
float32, float64 = Float(32), Float(64)
complex64, complex128 = Complex(64), Complex(128)
none = NoneType()
range_type = RangeType()
intp = int64
void = none
