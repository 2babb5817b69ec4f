"""Typing rules of operators, indexing, attributes and iteration."""

import warnings

from ember.errors import TypingError
from ember.ir import nodes as n
from ember.types import core as t
from ember.typing.unify import arithmetic_type, promote

slice_type = t.CompileTimeValue(slice, "slice")
INT_OPS = {"<<", ">>", "&", "|", "^"}
NUMBER = (t.Integer, t.Float, t.Complex, t.Boolean)


def const_type(value, node):
    if isinstance(value, bool):
        return t.boolean
    if isinstance(value, int):
        if -2**63 <= value < 2**63:
            return t.int64
        if 0 <= value < 2**64:
            return t.uint64
        raise TypingError(f"integer constant {value} does not fit in 64 bits", node.loc)
    if isinstance(value, float):
        return t.float64
    if isinstance(value, complex):
        return t.complex128
    if value is None:
        return t.none
    if isinstance(value, str):
        return t.CompileTimeValue(value, "str")
    if value is Ellipsis:
        return ellipsis_type
    raise TypingError(f"constant {value!r} of type {type(value).__name__} is not supported",
                      node.loc)


def is_negative_literal(node):
    if isinstance(node, n.Const) and isinstance(node.value, int):
        return node.value < 0
    return (isinstance(node, n.UnaryOp) and node.op == "-" and isinstance(node.operand, n.Const)
            and isinstance(node.operand.value, int) and node.operand.value > 0)


_KIND = {t.Boolean: 0, t.Integer: 1, t.Float: 2, t.Complex: 3}


def elementwise_dtype(types):
    """The common element type of array operands and scalars, NumPy 2 style:
    scalars are weak (NEP 50) and only raise the kind (int -> float -> complex)."""
    arrays = [x.dtype for x in types if isinstance(x, t.Array)]
    scalars = [x for x in types if isinstance(x, NUMBER)]
    base = arrays[0]
    for dtype in arrays[1:]:
        base = promote(base, dtype)
    for scalar in scalars:
        if _KIND[type(scalar)] > _KIND[type(base)]:
            if isinstance(scalar, t.Complex):
                base = t.complex64 if base == t.float32 else t.complex128
            elif isinstance(scalar, t.Float):
                base = t.float64
            else:
                base = t.int64
    return base


def weak_scalar_type(scalar, common):
    """A scalar operand beside arrays whose element type is `common`: NEP 50's
    weak Python scalar takes `common` unless it is of a higher kind
    (np.maximum(int8_array, 1) stays int8, np.add(float32_array, 0.5) float32)."""
    if isinstance(scalar, NUMBER) and _KIND[type(scalar)] <= _KIND[type(common)]:
        return common
    return scalar


def array_binop_type(op, left, right, right_node, node):
    for operand in (left, right):
        if not isinstance(operand, (t.Array,) + NUMBER):
            raise unsupported_operands(op, left, right, node)
    dtype = elementwise_dtype([left, right])
    if isinstance(dtype, t.Boolean) and op not in INT_OPS:
        element = _bool_array_op(op, node)
    else:
        element = binop_type(op, dtype, dtype, right_node, node)
    ndim = max(x.ndim for x in (left, right) if isinstance(x, t.Array))
    return t.Array(element, ndim, "C")


def _bool_array_op(op, node):
    """NumPy on bool arrays: + is or, * is and, - is an error, others go via int8."""
    if op in ("+", "*"):
        return t.boolean
    if op == "-":
        raise TypingError("numpy boolean subtract, the `-` operator, is not supported",
                          node.loc, "use the ^ operator or np.logical_xor instead")
    if op == "/":
        return t.float64
    return t.int8


def binop_type(op, left, right, right_node, node):
    if isinstance(left, t.Tuple) and isinstance(right, t.Tuple) and op == "+":
        return t.Tuple(left.types + right.types)
    if isinstance(left, t.Array) or isinstance(right, t.Array):
        return array_binop_type(op, left, right, right_node, node)
    if not (isinstance(left, NUMBER) and isinstance(right, NUMBER)):
        raise unsupported_operands(op, left, right, node)
    if op in INT_OPS:
        return _bitwise_type(op, left, right, node)
    operand = arithmetic_type(left, right)
    if op == "/":
        return t.float64 if isinstance(operand, t.Integer) else operand
    if op in ("//", "%") and isinstance(operand, t.Complex):
        raise unsupported_operands(op, left, right, node)
    if op == "**" and isinstance(operand, t.Integer) and is_negative_literal(right_node):
        return t.float64
    if op == "@":
        raise unsupported_operands(op, left, right, node)
    return operand


def _bitwise_type(op, left, right, node):
    if isinstance(left, t.Boolean) and isinstance(right, t.Boolean) and op in "&|^":
        return t.boolean
    ints = (t.Integer, t.Boolean)
    if not (isinstance(left, ints) and isinstance(right, ints)):
        raise unsupported_operands(op, left, right, node,
                                   "bitwise operators take integers or bools")
    return arithmetic_type(left, right)


def unsupported_operands(op, left, right, node, hint=None):
    return TypingError(f"unsupported operand types for {op}: {left} and {right}", node.loc,
                       hint or "arithmetic takes numbers (bool, int, float, complex); "
                       "array expressions come with NumPy array support")


def unary_type(op, operand, node):
    if isinstance(operand, t.Array) and op != "not":
        if op == "~" and isinstance(operand.dtype, t.Boolean):
            return t.Array(t.boolean, operand.ndim, "C")  # NumPy: logical not, elementwise
        element = unary_type(op, operand.dtype, node)
        return t.Array(element, operand.ndim, "C")
    if op == "not":
        check_truth(operand, node)
        return t.boolean
    if not isinstance(operand, NUMBER):
        raise TypingError(f"unsupported operand type for unary {op}: {operand}", node.loc)
    if op == "~":
        if isinstance(operand, t.Boolean):
            return t.int64
        if not isinstance(operand, t.Integer):
            raise TypingError(f"bad operand type for unary ~: {operand}", node.loc)
        return operand
    return t.int64 if isinstance(operand, t.Boolean) else operand


def _both_compile_time(left, right):
    return isinstance(left, t.CompileTimeValue) and isinstance(right, t.CompileTimeValue)


def compile_time_compare(op, left, right):
    """`==`, `!=`, `is`, `is not` between two values known while compiling
    (dtypes, scalar classes, strings), with Python's (and NumPy's) meaning:
    np.dtype("int64") == np.int64 is true."""
    if op in ("is", "is not"):
        same = left is right
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            same = bool(left == right)
    return same == (op in ("is", "=="))


def isinstance_value(value_type, classes_type):
    """isinstance() decided by types, as Numba decides it: an integer is an
    `int` and its NumPy scalar class, a float a `float` and its class, an
    array an `np.ndarray`, a tuple a `tuple`. None when undecidable."""
    classes = _classes_of(classes_type)
    examples = _examples_of(value_type)
    if classes is None or examples is None:
        return None
    return any(isinstance(example, classes) for example in examples)


def _classes_of(ty):
    if isinstance(ty, t.CompileTimeValue) and isinstance(ty.value, type):
        return (ty.value,)
    if isinstance(ty, t.Tuple):
        parts = [_classes_of(item) for item in ty.types]
        return None if None in parts else tuple(c for part in parts for c in part)
    return None


def _examples_of(ty):
    """Python values standing for every value of type `ty`."""
    import numpy as np

    from ember.types.typeof import to_dtype

    if isinstance(ty, t.Boolean):
        return [True, np.bool_(True)]
    if isinstance(ty, (t.Integer, t.Float, t.Complex)):
        builtin = {t.Integer: int, t.Float: float, t.Complex: complex}[type(ty)]
        return [builtin(0), to_dtype(ty).type(0)]
    if isinstance(ty, t.Array):
        return [np.empty((0,) * ty.ndim, to_dtype(ty.dtype))]
    if isinstance(ty, t.Tuple):
        return [()]
    if isinstance(ty, t.NoneType):
        return [None]
    return None


def compare_type(op, left, right, node):
    if op in ("is", "is not"):
        return t.boolean
    if op in ("in", "not in"):
        if not isinstance(right, t.Tuple):
            raise TypingError(f"'in' is supported on tuples, not {right}", node.loc)
        for item in right.types:
            compare_type("==", left, item, node)
        return t.boolean
    if isinstance(left, t.Tuple) and isinstance(right, t.Tuple):
        for a, b in zip(left.types, right.types):
            compare_type(op, a, b, node)
        return t.boolean
    if isinstance(left, t.Array) or isinstance(right, t.Array):
        dtype = elementwise_dtype([left, right])
        if not isinstance(dtype, t.Complex) or op in ("==", "!="):
            compare_type(op, dtype, dtype, node)
        ndim = max(x.ndim for x in (left, right) if isinstance(x, t.Array))
        return t.Array(t.boolean, ndim, "C")
    if not (isinstance(left, NUMBER) and isinstance(right, NUMBER)):
        if op in ("==", "!=") and (isinstance(left, t.NoneType) or isinstance(right, t.NoneType)):
            return t.boolean
        if op in ("==", "!=") and _both_compile_time(left, right):
            return t.boolean  # `a.dtype == np.float64`: decided while compiling
        raise TypingError(f"cannot compare {left} and {right} with {op}", node.loc)
    if op not in ("==", "!=") and (isinstance(left, t.Complex) or isinstance(right, t.Complex)):
        if not getattr(node, "elementwise_compare", False):
            raise TypingError(f"complex numbers are not ordered: {left} {op} {right}",
                              node.loc, "NumPy arrays of complex numbers compare "
                              "lexicographically; Python's complex numbers do not")
    return t.boolean


def check_truth(ty, node):
    if isinstance(ty, (t.Number, t.NoneType, t.Tuple, t.List)):
        return
    if isinstance(ty, t.Array):
        raise TypingError(f"the truth value of an array ({ty}) is ambiguous", node.loc,
                          "use a.any() or a.all()")
    raise TypingError(f"a value of type {ty} has no truth value in compiled code", node.loc)


def can_store(value, target):
    """Can a value of type `value` be stored into a variable/element of `target`?"""
    if isinstance(target, t.Number) and isinstance(value, t.Number):
        return not (isinstance(value, t.Complex) and not isinstance(target, t.Complex))
    return value == target


# ---- iteration, tuples, indexing ------------------------------------------------

def iteration_type(iter_type, node):
    if isinstance(iter_type, t.RangeType):
        return t.int64
    if isinstance(iter_type, t.Array):
        return element_or_subarray(iter_type, 1)
    if isinstance(iter_type, t.List):
        return iter_type.dtype
    if isinstance(iter_type, t.Tuple):
        if iter_type.types and all(x == iter_type.types[0] for x in iter_type.types):
            return iter_type.types[0]
        raise TypingError(f"iterating over a heterogeneous tuple {iter_type} is not "
                          "supported", node.loc)
    if isinstance(iter_type, t.IteratorType) and iter_type.kind in ("ndindex", "ndenumerate"):
        source = iter_type.sources[0]
        ndim = source.ndim if isinstance(source, t.Array) else len(source)
        index = t.Tuple([t.int64] * ndim)
        return index if iter_type.kind == "ndindex" else t.Tuple([index, source.dtype])
    if isinstance(iter_type, t.IteratorType):
        items = [iteration_type(s, node) for s in iter_type.sources]
        if iter_type.kind == "enumerate":
            return t.Tuple([t.int64] + items)
        return t.Tuple(items)
    raise TypingError(f"cannot iterate over a value of type {iter_type}", node.loc,
                      "for loops take range(), arrays, lists, tuples, enumerate() and zip()")


def unpack_types(value, count, node):
    if isinstance(value, t.Tuple):
        if len(value) != count:
            raise TypingError(f"cannot unpack {value} ({len(value)} items) into {count} "
                              "targets", node.loc)
        return value.types
    if isinstance(value, t.Array):
        return [element_or_subarray(value, 1)] * count
    raise TypingError(f"cannot unpack a value of type {value}", node.loc)


def element_or_subarray(arr, n_ints):
    if n_ints == arr.ndim:
        return arr.dtype
    layout = arr.layout if arr.layout == "C" else "A"
    return t.Array(arr.dtype, arr.ndim - n_ints, layout, arr.readonly)


def index_parts(index):
    return list(index.types) if isinstance(index, t.Tuple) else [index]


ellipsis_type = t.CompileTimeValue(Ellipsis, "ellipsis")


def getitem_type(value, index, node):
    if isinstance(value, t.Tuple):
        return _tuple_getitem(value, index, node)
    if isinstance(value, t.CompileTimeValue) and value.kind == "index builder":
        return None  # np.mgrid[...] and friends are calls (typing/infer.py)
    if not isinstance(value, t.Array):
        raise TypingError(f"a value of type {value} cannot be indexed", node.loc)
    parts = index_parts(index)
    if len(parts) == 1 and isinstance(parts[0], t.Array):
        return _advanced_getitem_type(value, parts[0], node)
    kinds = [_index_kind(p, node) for p in parts]
    ints, news = kinds.count("int"), kinds.count("newaxis")
    consumed = ints + kinds.count("slice")
    if kinds.count("ellipsis") > 1:
        raise TypingError("an index can only have a single ellipsis ('...')", node.loc)
    if consumed > value.ndim:
        raise TypingError(f"too many indices for {value}: {consumed}", node.loc)
    ndim = value.ndim - ints + news
    if ndim == 0:
        return value.dtype
    layout = "C" if value.layout == "C" and _contiguous_view(kinds, node) else "A"
    return t.Array(value.dtype, ndim, layout, value.readonly)


def _contiguous_view(kinds, node):
    """A view of a C array stays C-contiguous for a[i, j:k] and a[i:j, :]:
    integers, then one slice with unit step, then whole dimensions."""
    items = node.index.items if isinstance(node.index, n.TupleExpr) else [node.index]
    if any(k in ("newaxis", "ellipsis") for k in kinds) or len(items) != len(kinds):
        return False
    seen_slice = False
    for kind, item in zip(kinds, items):
        if kind == "int":
            if seen_slice:
                return False
            continue
        if seen_slice and not _whole(item):
            return False
        if not seen_slice and not _unit_step(item):
            return False
        seen_slice = True
    return True


def _whole(item):
    return isinstance(item, n.SliceExpr) and item.start is None and item.stop is None and (
        item.step is None)


def _unit_step(item):
    return isinstance(item, n.SliceExpr) and (item.step is None or (
        isinstance(item.step, n.Const) and item.step.value == 1))


def _index_kind(part, node):
    if isinstance(part, (t.Integer, t.Boolean)):
        return "int"
    if part == slice_type:
        return "slice"
    if isinstance(part, t.NoneType):
        return "newaxis"
    if part == ellipsis_type:
        return "ellipsis"
    raise TypingError(f"array index of type {part} is not supported", node.loc,
                      "indices are integers, slices, None, ..., or one integer or boolean "
                      "array")


def _advanced_getitem_type(value, index, node):
    """a[mask] (same shape bool mask) -> 1-D copy; a[ints] (1-D) -> gathered rows."""
    if isinstance(index.dtype, t.Boolean):
        if index.ndim != value.ndim:
            raise TypingError(f"a boolean index must have the array's {value.ndim} dimensions,"
                              f" not {index.ndim}", node.loc)
        return t.Array(value.dtype, 1, "C")
    if isinstance(index.dtype, t.Integer) and index.ndim == 1:
        return t.Array(value.dtype, value.ndim, "C")
    raise TypingError(f"array index {index} is not supported: use a boolean mask of the "
                      "same shape or a 1-D integer array", node.loc)


def constant_slice(node):
    """A slice with literal (or omitted) bounds as a Python slice, else None."""
    if not isinstance(node, n.SliceExpr):
        return None
    parts = []
    for part in (node.start, node.stop, node.step):
        if part is None:
            parts.append(None)
        elif isinstance(part, n.Const) and isinstance(part.value, int):
            parts.append(part.value)
        elif isinstance(part, n.UnaryOp) and part.op == "-" and isinstance(
                part.operand, n.Const) and isinstance(part.operand.value, int):
            parts.append(-part.operand.value)
        else:
            return None
    return slice(*parts)


def _tuple_getitem(value, index, node):
    window = constant_slice(node.index)
    if window is not None:
        return t.Tuple(value.types[window])
    const = getattr(node.index, "value", None) if isinstance(node.index, n.Const) else None
    if isinstance(node.index, n.UnaryOp) and isinstance(node.index.operand, n.Const):
        const = -node.index.operand.value
    if isinstance(const, int) and not isinstance(const, bool):
        if not -len(value) <= const < len(value):
            raise TypingError(f"tuple index {const} out of range for {value}", node.loc)
        return value.types[const]
    if isinstance(index, t.Integer) and value.types and all(
            x == value.types[0] for x in value.types):
        return value.types[0]
    raise TypingError(f"index into {value} must be a constant integer", node.loc)


def setitem_check(base, index, value, node):
    if not isinstance(base, t.Array):
        raise TypingError(f"cannot assign into an element of {base}", node.loc)
    if base.readonly:
        raise TypingError(f"cannot assign into a read-only array ({base})", node.loc,
                          "global arrays are frozen constants; pass the array as an argument")
    target = getitem_type(base, index, node)
    if isinstance(target, t.Array):
        if isinstance(index, t.Array):  # a[mask] = v, a[ints] = v
            target = target.copy(ndim=1) if isinstance(index.dtype, t.Boolean) else target
        check_array_store(value, target, node)
        return
    if not can_store(value, target):
        raise TypingError(f"cannot store a value of type {value} into an array of {target}",
                          node.loc)


def check_array_store(value, target, node):
    """`target[...] = value` for an array target: a number or a broadcastable array."""
    source = value.dtype if isinstance(value, t.Array) else value
    if isinstance(value, t.Array) and value.ndim > target.ndim:
        raise TypingError(f"cannot assign {value} into {target}: too many dimensions",
                          node.loc)
    if not isinstance(source, NUMBER) or not can_store(source, target.dtype):
        raise TypingError(f"cannot store {value} into an array of {target.dtype}", node.loc)
    if _KIND[type(source)] > _KIND[type(target.dtype)] and isinstance(value, t.Array):
        raise TypingError(f"cannot cast {value} into {target} in place (NumPy's same_kind "
                          "rule)", node.loc, "use .astype() or assign into a wider array")


def transposed_type(ty):
    layout = {"C": "F", "F": "C"}.get(ty.layout, "A") if ty.ndim > 1 else ty.layout
    return t.Array(ty.dtype, ty.ndim, layout, ty.readonly)


def flat_type(ty, node):
    """a.flat as a 1-D view of the elements in C order (read, write, iterate): the
    array itself when 1-D, a view when C-contiguous; other layouts have no view."""
    if ty.ndim == 1:
        return ty
    if ty.layout != "C" and ty.ndim > 0:
        raise TypingError(f"a.flat of a non-C-contiguous array ({ty}) is not supported in "
                          "compiled code", node.loc, "use a.ravel() (a copy) or "
                          "np.ascontiguousarray(a).flat")
    return t.Array(ty.dtype, 1, "C", ty.readonly)


def attribute_type(value, attr, node):
    if isinstance(value, t.Array):
        if attr == "shape" or attr == "strides":
            return t.Tuple([t.int64] * value.ndim)
        if attr in ("ndim", "size", "itemsize", "nbytes"):
            return t.int64
        if attr == "T":
            return transposed_type(value)
        if attr == "flat":
            return flat_type(value, node)
        if attr == "dtype":
            from ember.types.typeof import to_dtype

            return t.CompileTimeValue(to_dtype(value.dtype), "dtype")
    if isinstance(value, t.CompileTimeValue) and value.kind == "dtype" and attr == "type":
        return t.CompileTimeValue(value.value.type, "function")  # a.dtype.type is np.float32
    if isinstance(value, (t.Complex, t.Float, t.Integer, t.Boolean)) and attr in ("real",
                                                                                    "imag"):
        return value.part if isinstance(value, t.Complex) else value
    raise TypingError(f"unknown attribute '{attr}' of {value}", node.loc)


def terminates(stmts, static_branches=None):
    """Does control never fall off the end of this statement list?"""
    if not stmts:
        return False
    last = stmts[-1]
    static_branches = static_branches or {}
    if isinstance(last, (n.Return, n.Raise)):
        return True
    if isinstance(last, n.If):
        if last in static_branches:
            live = last.body if static_branches[last] else last.orelse
            return terminates(live, static_branches)
        return (terminates(last.body, static_branches)
                and terminates(last.orelse, static_branches))
    if isinstance(last, n.While):
        always = isinstance(last.test, n.Const) and bool(last.test.value)
        return always and not any(isinstance(s, n.Break) for s in _loop_level(last.body))
    return False


def _loop_level(stmts):
    """Statements of a loop body that belong to this loop (not nested loops)."""
    for stmt in stmts:
        yield stmt
        if isinstance(stmt, n.If):
            yield from _loop_level(stmt.body)
            yield from _loop_level(stmt.orelse)


__all__ = ["promote"]
