"""Signatures of @vectorize and @guvectorize, checked and turned into ember
types, and gufunc layouts such as "(n),()->(n)" parsed into core dimensions."""

import re

from ember.types import core as t

_VECTORIZE_FORM = "'return_type(arg_types...)' with scalar types, e.g. 'float64(float64, float64)'"
_GUVECTORIZE_FORM = ("'void(arg_types...)' with an array type per core dimension, e.g. "
                     "'void(float64[:], float64, float64[:])'")


def _parse(signature, form):
    from ember.dispatcher import parse_signature

    text = signature if isinstance(signature, str) else str(signature)
    try:
        if isinstance(signature, t.Type):
            raise TypeError("no return type")
        args, return_type = parse_signature(signature)
    except TypeError as exc:
        raise TypeError(f"bad signature {text!r} ({exc}): expected {form}") from None
    if return_type is None:
        raise TypeError(f"bad signature {text!r}: expected {form}")
    return args, return_type, text


def vectorize_signature(signature):
    """(argument types, return type) of one @vectorize signature: scalars only."""
    args, return_type, text = _parse(signature, _VECTORIZE_FORM)
    for ty in args + (return_type,):
        if not isinstance(ty, t.Number):
            raise TypeError(f"bad signature {text!r}: {ty} is not a scalar number type; "
                            f"expected {_VECTORIZE_FORM}")
    if not args:
        raise TypeError(f"bad signature {text!r}: a ufunc takes at least one argument; "
                        f"expected {_VECTORIZE_FORM}")
    return args, return_type


_DIM = r"\s*\w+\s*"
_ARG = rf"\(\s*(?:{_DIM}(?:,{_DIM})*)?\)"
_LAYOUT = re.compile(rf"^\s*{_ARG}(?:\s*,\s*{_ARG})*\s*->\s*{_ARG}(?:\s*,\s*{_ARG})*\s*$")


class Layout:
    """A gufunc layout: the core dimension names of each input and output."""

    def __init__(self, text):
        if not isinstance(text, str) or not _LAYOUT.match(text):
            raise ValueError(f"bad gufunc layout {text!r}: expected NumPy's form, e.g. "
                             "'(n),()->(n)' or '(m,n),(n)->(m)'")
        ins, outs = text.split("->")
        self.text = text.replace(" ", "")
        self.inputs = _core_dims(ins)
        self.outputs = _core_dims(outs)
        self.args = self.inputs + self.outputs
        self.dim_names = list(dict.fromkeys(d for dims in self.args for d in dims))

    @property
    def nin(self):
        return len(self.inputs)

    @property
    def nout(self):
        return len(self.outputs)


def _core_dims(text):
    return [tuple(d.strip() for d in group.split(",") if d.strip())
            for group in re.findall(r"\(([^)]*)\)", text)]


def guvectorize_signature(signature, layout):
    """Argument types of one @guvectorize signature, checked against `layout`:
    an array of ndim k for an argument with k core dimensions; a scalar type
    for an input with none (it receives the element); outputs always arrays
    (an output with no core dimension is a 1-element array, as in Numba)."""
    args, return_type, text = _parse(signature, _GUVECTORIZE_FORM)
    if return_type not in (t.void, t.none):
        raise TypeError(f"bad signature {text!r}: a gufunc kernel returns nothing (void) and "
                        f"writes its outputs; expected {_GUVECTORIZE_FORM}")
    if len(args) != len(layout.args):
        raise TypeError(f"bad signature {text!r}: {len(args)} argument types for the "
                        f"{len(layout.args)} arguments of layout {layout.text!r}")
    checked = []
    for i, (ty, dims) in enumerate(zip(args, layout.args)):
        is_output = i >= layout.nin
        if isinstance(ty, t.Number) and not dims and not is_output:
            checked.append(ty)
        elif isinstance(ty, t.Array) and (ty.ndim == len(dims) or not dims and ty.ndim == 1):
            checked.append(t.Array(ty.dtype, ty.ndim, "A"))
        else:
            want = "an array with ndim 1" if is_output and not dims else (
                f"an array with ndim {len(dims)}" if dims else "a scalar or 1-d array")
            raise TypeError(f"bad signature {text!r}: argument {i + 1} is {ty} but layout "
                            f"{layout.text!r} gives it core dimensions {dims}: expected {want}")
    return tuple(checked)


def element_type(ty):
    """The NumPy element type of a gufunc argument type."""
    return ty.dtype if isinstance(ty, t.Array) else ty
