"""Reductions over whole arrays: sum, prod, min, max, mean, var, std, any,
all, argmin, argmax (functions and methods). They consume array
expressions unevaluated (codegen.lazy): `np.sum(a * b)` allocates nothing.
With a literal keepdims=True the scalar comes back in an array of ndim
axes of size 1 (`_keeping_dims`). Reductions along an axis live in
statistics.py.

Float and complex sums (sum, mean, var, std) add in NumPy's pairwise order
(`_pairwise`): the same result as NumPy bit for bit over 1-D arrays, over
C/F-contiguous arrays of any dimension and over 1-D array expressions, and
fast, since eight independent running sums vectorise. Under parallel=True
a long sum is split along the same halving tree into 16 subtrees summed on
the thread pool, then added in tree order: still the serial result, bit for
bit.
"""

import numpy as np
from llvmlite import ir

from ember.codegen import arith, arrays, casts, indexing, lazy, outline
from ember.codegen import models as m
from ember.types import core as t
from ember.typing.registry import Impl, bind, literal_value, register


def _accumulator_type(dtype, kind):
    if kind in ("sum", "prod"):
        if isinstance(dtype, t.Boolean) or isinstance(dtype, t.Integer) and dtype.signed:
            return t.int64
        if isinstance(dtype, t.Integer):
            return t.uint64
        return dtype
    if kind in ("mean", "var", "std"):
        return dtype if isinstance(dtype, (t.Float, t.Complex)) else t.float64
    if kind in ("any", "all"):
        return t.boolean
    if kind in ("argmin", "argmax"):
        return t.int64
    return dtype  # min, max


def _typer(kind):
    names = ("a", "axis", "ddof") if kind in ("var", "std") else ("a", "axis")

    def typer(args, kws):
        """whole-array reduction (a scalar reduces as a 0-d array); axis=None only;
        keepdims= a literal bool"""
        bound = bind(args, kws, names + ("keepdims",))
        if bound is None or not isinstance(bound[0]["a"], (t.Array, t.Number, t.Boolean)):
            return None
        types, order = bound
        if not isinstance(types.get("axis", t.none), t.NoneType):
            return None
        keepdims = literal_value(types["keepdims"]) if "keepdims" in types else False
        if keepdims not in (True, False):  # not a literal: statistics.py says so
            return None
        source = types["a"]
        if not isinstance(source, t.Array):
            source = t.Array(source, 0, "C")
        result = _accumulator_type(source.dtype, kind)
        if kind in ("var", "std") and isinstance(result, t.Complex):
            result = result.part
        if kind in ("min", "max") and isinstance(source.dtype, t.Complex):
            return None

        def emit(cg, values):
            by_name = dict(zip(order, values))
            ddof = by_name.get("ddof")
            if ddof is not None:
                ddof = casts.cast(cg.builder, ddof, types["ddof"], t.float64)
            def reduce(values):
                return _EMITTERS[kind](cg, values, source.dtype, result, ddof)
            value = by_name["a"]
            if lazy.flattenable(value):
                return _reduce_flat_when_exact(cg, value, result, reduce)
            return reduce(_elements(cg, value, types["a"], kind))
        impl = Impl(result, [types[n] for n in order], emit=emit, lazy_args=True)
        # NumPy gives a scalar for a 0-d array, kept dimensions or not
        return _keeping_dims(impl, source.ndim) if keepdims and source.ndim else impl
    return typer


def _keeping_dims(impl, ndim):
    """The scalar result of `impl` as an array of `ndim` dimensions of size 1
    (keepdims=True), in new memory."""
    result = t.Array(impl.return_type, ndim, "C")
    one = ir.Constant(m.i64, 1)

    def emit(cg, values):
        value = impl.emit(cg, values)  # first: it may raise (min of nothing)
        out = arrays.allocate(cg, result, [one] * ndim)
        target = arrays.element_pointer(cg, out, result, [ir.Constant(m.i64, 0)] * ndim)
        indexing.store_element(cg.builder, target, value, impl.return_type, impl.return_type)
        return out
    kept = Impl(result, impl.arg_types, emit=emit, lazy_args=True)
    kept.fresh = True
    return kept


def _reduce_flat_when_exact(cg, value, result, reduce):
    """An expression over C-contiguous arrays of one shape is reduced over
    its flat memory order, as NumPy reduces the temporary it would build
    (bit-identical sums); where an operand is broadcast, row by row."""
    slot = cg.alloca(m.value_type(result))
    lazy.versioned(cg, value, value.shape,
                   lambda: cg.builder.store(reduce(lazy.flat_exact(cg, value)), slot),
                   lambda: cg.builder.store(reduce(value), slot))
    return cg.builder.load(slot)


def _elements(cg, value, ty, kind):
    """The reduced values as a Lazy. A contiguous array of several dimensions
    is read as one flat run in memory order, as NumPy's iterator reads it
    (argmin/argmax count in C order, so only C arrays there)."""
    if isinstance(value, lazy.Lazy) or not isinstance(ty, t.Array) or ty.ndim < 2:
        return lazy.as_lazy(cg, value, ty)
    if ty.layout == "C" or ty.layout == "F" and kind not in ("argmin", "argmax"):
        return lazy.flat(cg, value, ty)
    return lazy.as_lazy(cg, value, ty)


def _loop(cg, values, visit):
    lazy.loop(cg, values, values.shape, lambda idx: visit(values.element(idx), idx))


def _size(cg, values):
    size = ir.Constant(m.i64, 1)
    for s in values.shape:
        size = cg.builder.mul(size, s)
    return size


def _fold(cg, values, dtype, acc_type, init, op):
    slot = cg.alloca(m.value_type(acc_type))
    cg.builder.store(cg.constant(init, acc_type), slot)

    def visit(element, idx):
        item = casts.cast(cg.builder, element, dtype, acc_type)
        cg.builder.store(arith.binop(cg, op, cg.builder.load(slot), item, acc_type), slot)
    _loop(cg, values, visit)
    return cg.builder.load(slot)


def _sum(cg, values, dtype, result, ddof):
    if isinstance(result, (t.Float, t.Complex)):
        return _float_sum(cg, values, dtype, result)
    return _fold(cg, values, dtype, result, 0, "+")


# NumPy's pairwise summation (pairwise_sum in its loops_utils.h), counted in
# real numbers as NumPy counts them (a complex number is two).
_BLOCK = 128  # a range this long or shorter is one block
_LANES = 8  # running sums within a block
_CAST_CHUNK = 8192  # a sum that casts its elements adds NumPy's buffers one by one
_MAX_DEPTH = 64  # halving 2**63 elements down to a block


def _float_sum(cg, values, dtype, result):
    """The float or complex sum of values in NumPy's order: pairwise along
    the last dimension (in chunks of _CAST_CHUNK where elements are cast),
    rows added one after another. Contiguous arrays come here flattened, as
    NumPy's iterator flattens them. Where operands are broadcast, the values
    are added one by one."""
    bld = cg.builder
    slot = cg.alloca(m.value_type(result))
    bld.store(cg.constant(0, result), slot)
    shape = values.shape

    def add(value):
        bld.store(arith.binop(cg, "+", bld.load(slot), value, result), slot)

    def row(outer):
        def element(k):
            return casts.cast(bld, values.element(outer + [k]), dtype, result)
        if dtype == result:
            # A row shorter than one group is summed one by one by NumPy too:
            # straight into the total, which differs only in the sign of a
            # zero that the total's +0.0 start erases anyway.
            lanes = _LANES // (2 if isinstance(result, t.Complex) else 1)
            short = bld.icmp_signed("<", shape[-1], ir.Constant(m.i64, lanes))
            with bld.if_else(short) as (one_by_one, pairwise):
                with one_by_one:
                    arrays.nested_loop(cg, [shape[-1]], lambda idx: add(element(idx[0])))
                with pairwise:
                    add(_pairwise_split(cg, shape[-1], element, result))
            return
        chunk = ir.Constant(m.i64, _CAST_CHUNK)
        chunks = bld.sdiv(bld.add(shape[-1], ir.Constant(m.i64, _CAST_CHUNK - 1)), chunk)

        def one_chunk(idx):
            start = bld.mul(idx[0], chunk)
            left = bld.sub(shape[-1], start)
            count = bld.select(bld.icmp_signed("<", left, chunk), left, chunk)
            add(_pairwise(cg, start, count, element, result))
        arrays.nested_loop(cg, [chunks], one_chunk)

    def emit():
        if not shape:
            add(casts.cast(bld, values.element([]), dtype, result))
        else:
            arrays.nested_loop(cg, shape[:-1], row)

    def one_by_one():  # operands broadcast: rare, so the least code
        arrays.nested_loop(cg, shape, lambda idx: add(
            casts.cast(bld, values.element(idx), dtype, result)))
    lazy.versioned(cg, values, shape, emit, one_by_one)
    return bld.load(slot)


def _left_half(bld, n, width):
    """The length of the left half when pairwise summation splits n elements
    (of `width` reals each): half the reals, rounded down to whole groups."""
    reals = bld.mul(n, ir.Constant(m.i64, width))
    half = bld.and_(bld.ashr(reals, ir.Constant(m.i64, 1)), ir.Constant(m.i64, -_LANES))
    return bld.sdiv(half, ir.Constant(m.i64, width))


_SPLIT_DEPTH = 4  # a split sum is 2**4 subtrees: chunks for dynamic scheduling


def _pairwise_split(cg, count, element, ty):
    """_pairwise over [0, count), its top _SPLIT_DEPTH levels of halving done
    in parallel when the sum is long and cg may use the pool: the subtrees
    are summed by the pool's threads, then added in the serial order."""
    bld = cg.builder
    zero = ir.Constant(m.i64, 0)
    if not outline.may_split(cg):
        return _pairwise(cg, zero, count, element, ty)
    width = 2 if isinstance(ty, t.Complex) else 1
    tasks = 1 << _SPLIT_DEPTH
    partials = cg.alloca(ir.ArrayType(m.value_type(ty), tasks))
    result = cg.alloca(m.value_type(ty))

    def subtree(task):
        start, size = zero, count
        for level in reversed(range(_SPLIT_DEPTH)):
            half = _left_half(bld, size, width)
            bit = bld.and_(bld.lshr(task, ir.Constant(m.i64, level)), ir.Constant(m.i64, 1))
            right = bld.icmp_unsigned("!=", bit, zero)
            start = bld.select(right, bld.add(start, half), start)
            size = bld.select(right, bld.sub(size, half), half)
        total = _pairwise(cg, start, size, element, ty)
        bld.store(total, bld.gep(partials, [zero, task]))

    # Long enough that every range above the subtrees is longer than a block,
    # so serial summation splits it the same way.
    large = bld.icmp_signed(">=", count, ir.Constant(m.i64, outline.PARALLEL_MIN_ELEMENTS))
    with bld.if_else(large) as (split, serial):
        with split:
            if outline.split(cg, ir.Constant(m.i64, tasks), ir.Constant(m.i1, 1), lambda lo, hi:
                             arrays.nested_loop(cg, [ir.Constant(m.i64, tasks)],
                                                lambda idx: subtree(idx[0]), outer=(lo, hi))):
                bld.store(_tree_sum(cg, [bld.load(bld.gep(partials, [zero, ir.Constant(
                    m.i64, k)])) for k in range(tasks)], ty), result)
            else:
                bld.store(_pairwise(cg, zero, count, element, ty), result)
        with serial:
            bld.store(_pairwise(cg, zero, count, element, ty), result)
    return bld.load(result)


def _pairwise(cg, start, count, element, ty):
    """The sum of element(k) for k in [start, start + count) in NumPy's
    pairwise order: a range longer than a block is split in two halves
    (the first a multiple of _LANES reals long) summed separately, then
    added. The recursion runs as a loop over an explicit stack of the right
    halves still to sum, so the element code is emitted once."""
    bld = cg.builder
    width = 2 if isinstance(ty, t.Complex) else 1
    value_type = m.value_type(ty)
    i64 = m.i64

    def const(v):
        return ir.Constant(i64, v)
    depth, lo, size, value = (cg.alloca(i64), cg.alloca(i64), cg.alloca(i64),
                              cg.alloca(value_type))
    # rights[d]: the length of the right half still to sum at depth d, or -1
    # once lefts[d] holds the sum of its left half and the right one is under way.
    rights = cg.alloca(ir.ArrayType(i64, _MAX_DEPTH))
    lefts = cg.alloca(ir.ArrayType(value_type, _MAX_DEPTH))
    bld.store(const(0), depth)
    bld.store(start, lo)
    bld.store(count, size)
    blocks = {name: cg.func.append_basic_block(f"pairwise.{name}")
              for name in ("descend", "split", "leaf", "ascend", "up", "add", "right", "end")}
    bld.branch(blocks["descend"])

    bld.position_at_end(blocks["descend"])
    n = bld.load(size)
    bld.cbranch(bld.icmp_signed(">", n, const(_BLOCK // width)), blocks["split"], blocks["leaf"])

    bld.position_at_end(blocks["split"])
    half = _left_half(bld, n, width)
    d = bld.load(depth)
    bld.store(bld.sub(n, half), bld.gep(rights, [const(0), d]))
    bld.store(bld.add(d, const(1)), depth)
    bld.store(half, size)
    bld.branch(blocks["descend"])

    bld.position_at_end(blocks["leaf"])
    first = bld.load(lo)
    bld.store(_block_sum(cg, first, n, element, ty, _LANES // width), value)
    bld.store(bld.add(first, n), lo)
    bld.branch(blocks["ascend"])

    bld.position_at_end(blocks["ascend"])
    d = bld.load(depth)
    bld.cbranch(bld.icmp_signed(">", d, const(0)), blocks["up"], blocks["end"])

    bld.position_at_end(blocks["up"])
    d = bld.sub(d, const(1))
    right = bld.gep(rights, [const(0), d])
    left = bld.gep(lefts, [const(0), d])
    pending = bld.load(right)
    bld.cbranch(bld.icmp_signed("<", pending, const(0)), blocks["add"], blocks["right"])

    bld.position_at_end(blocks["add"])
    bld.store(arith.binop(cg, "+", bld.load(left), bld.load(value), ty), value)
    bld.store(d, depth)
    bld.branch(blocks["ascend"])

    bld.position_at_end(blocks["right"])
    bld.store(bld.load(value), left)
    bld.store(const(-1), right)
    bld.store(pending, size)
    bld.branch(blocks["descend"])

    bld.position_at_end(blocks["end"])
    return bld.load(value)


def _tree_sum(cg, parts, ty):
    """parts (a power of two of them) added as a balanced tree, neighbours first."""
    while len(parts) > 1:
        parts = [arith.binop(cg, "+", a, b, ty) for a, b in zip(parts[::2], parts[1::2])]
    return parts[0]


def _block_sum(cg, first, n, element, ty, lanes):
    """One block as NumPy sums it: `lanes` running sums over whole groups of
    `lanes` elements, added as a balanced tree, then the rest one by one.
    The running sums are one vector of _LANES reals (a complex number takes
    two), which SLP-vectorises the group's loads; they start at -0.0, so each
    equals NumPy's (which start at the first elements) and a block under
    `lanes` long is NumPy's plain loop."""
    bld = cg.builder
    width = _LANES // lanes
    part = m.value_type(ty.part if isinstance(ty, t.Complex) else ty)
    vector = ir.VectorType(part, _LANES)
    sums = cg.alloca(vector)
    bld.store(ir.Constant(vector, [ir.Constant(part, -0.0)] * _LANES), sums)
    whole = bld.and_(n, ir.Constant(m.i64, -lanes))

    def group(idx):
        base = bld.add(first, bld.mul(idx[0], ir.Constant(m.i64, lanes)))
        items = ir.Constant(vector, ir.Undefined)
        for j in range(lanes):
            item = element(bld.add(base, ir.Constant(m.i64, j)))
            for c in range(width):
                real = bld.extract_value(item, c) if width == 2 else item
                items = bld.insert_element(items, real, ir.Constant(m.i32, j * width + c))
        bld.store(bld.fadd(bld.load(sums), items), sums)
    arrays.nested_loop(cg, [bld.udiv(whole, ir.Constant(m.i64, lanes))], group)
    reals = bld.load(sums)
    parts = [bld.extract_element(reals, ir.Constant(m.i32, k)) for k in range(_LANES)]
    if width == 2:
        parts = [arith.make_complex(bld, re, im, ty) for re, im in zip(parts[::2], parts[1::2])]
    total = cg.alloca(m.value_type(ty))
    bld.store(_tree_sum(cg, parts, ty), total)

    def rest(idx):
        item = element(bld.add(first, bld.add(whole, idx[0])))
        bld.store(arith.binop(cg, "+", bld.load(total), item, ty), total)
    arrays.nested_loop(cg, [bld.sub(n, whole)], rest)
    return bld.load(total)


def _prod(cg, values, dtype, result, ddof):
    return _fold(cg, values, dtype, result, 1, "*")


def _mean(cg, values, dtype, result, ddof):
    total = _sum(cg, values, dtype, result, ddof)
    if isinstance(result, t.Complex):
        return _complex_by_count(cg, total, _size(cg, values), result)
    count = casts.cast(cg.builder, _size(cg, values), t.int64, result)
    saved, cg.error_model = cg.error_model, "numpy"  # mean of nothing is nan
    try:
        return arith.binop(cg, "/", total, count, result)
    finally:
        cg.error_model = saved


def _complex_by_count(cg, total, count, ty):
    """total / count as NumPy divides a complex by count + 0j (Smith's method
    with a zero ratio: a multiplication by 1 / count)."""
    bld = cg.builder
    re, im = bld.extract_value(total, 0), bld.extract_value(total, 1)
    scale = bld.fdiv(ir.Constant(re.type, 1.0), bld.sitofp(count, re.type))
    zero = ir.Constant(re.type, 0.0)
    re, im = bld.fadd(re, bld.fmul(im, zero)), bld.fsub(im, bld.fmul(re, zero))
    return arith.make_complex(bld, bld.fmul(re, scale), bld.fmul(im, scale), ty)


def _var(cg, values, dtype, result, ddof):
    """NumPy's two passes: the mean, then the pairwise sum of |x - mean|**2."""
    bld = cg.builder
    mean_type = dtype if isinstance(dtype, (t.Float, t.Complex)) else t.float64
    mean = _mean(cg, values, dtype, mean_type, None)

    def square(element):
        deviation = arith.binop(cg, "-", casts.cast(bld, element, dtype, mean_type), mean,
                                mean_type)
        if isinstance(mean_type, t.Complex):
            re, im = bld.extract_value(deviation, 0), bld.extract_value(deviation, 1)
            return bld.fadd(bld.fmul(re, re), bld.fmul(im, im))
        return bld.fmul(deviation, deviation)
    squares = lazy.map_elements(values, result, square)
    total = _float_sum(cg, squares, result, result)
    count = bld.sitofp(_size(cg, values), m.value_type(result))
    if ddof is not None:  # NumPy divides by max(n - ddof, 0)
        count = bld.fsub(count, casts.cast(bld, ddof, t.float64, result))
        zero = ir.Constant(count.type, 0.0)
        count = bld.select(bld.fcmp_ordered("<", count, zero), zero, count)
    return bld.fdiv(total, count)


def _std(cg, values, dtype, result, ddof):
    return cg.call_intrinsic("llvm.sqrt", [_var(cg, values, dtype, result, ddof)])


def _extremum(op):
    """min/max: NaN propagates; an empty array raises ValueError as NumPy does."""
    def emit(cg, values, dtype, result, ddof):
        bld = cg.builder
        name = "minimum" if op == "<" else "maximum"
        cg.check(bld.icmp_signed(">", _size(cg, values), ir.Constant(m.i64, 0)), ValueError,
                 f"zero-size array to reduction operation {name} which has no identity")
        slot = cg.alloca(m.value_type(dtype))
        first = cg.alloca(m.i1)
        bld.store(ir.Constant(m.i1, 1), first)
        bld.store(cg.constant(0, dtype), slot)

        def visit(element, idx):
            current = bld.load(slot)
            better = arith.compare(cg, op, element, current, dtype)
            if isinstance(dtype, t.Float):
                better = bld.or_(better, bld.fcmp_unordered("uno", element, element))
                better = bld.and_(better, bld.fcmp_ordered("ord", current, current))
            take = bld.or_(bld.load(first), better)
            bld.store(bld.select(take, element, current), slot)
            bld.store(ir.Constant(m.i1, 0), first)
        _loop(cg, values, visit)
        return bld.load(slot)
    return emit


def _arg_extremum(op):
    """argmin/argmax: flat index of the first extreme (or first NaN)."""
    def emit(cg, values, dtype, result, ddof):
        bld = cg.builder
        name = "argmin" if op == "<" else "argmax"
        cg.check(bld.icmp_signed(">", _size(cg, values), ir.Constant(m.i64, 0)), ValueError,
                 f"attempt to get {name} of an empty sequence")
        best = cg.alloca(m.value_type(dtype))
        where = cg.alloca(m.i64)
        counter = cg.alloca(m.i64)
        bld.store(ir.Constant(m.i64, 0), counter)
        bld.store(ir.Constant(m.i64, -1), where)
        bld.store(cg.constant(0, dtype), best)

        def visit(element, idx):
            k = bld.load(counter)
            current = bld.load(best)
            better = arith.compare(cg, op, element, current, dtype)
            if isinstance(dtype, t.Float):
                better = bld.or_(better, bld.fcmp_unordered("uno", element, element))
                better = bld.and_(better, bld.fcmp_ordered("ord", current, current))
            take = bld.or_(bld.icmp_signed("<", bld.load(where), ir.Constant(m.i64, 0)), better)
            bld.store(bld.select(take, element, current), best)
            bld.store(bld.select(take, k, bld.load(where)), where)
            bld.store(bld.add(k, ir.Constant(m.i64, 1)), counter)
        _loop(cg, values, visit)
        return bld.load(where)
    return emit


def _logical(is_any):
    def emit(cg, values, dtype, result, ddof):
        bld = cg.builder
        slot = cg.alloca(m.i1)
        bld.store(ir.Constant(m.i1, 0 if is_any else 1), slot)

        def visit(element, idx):
            truth = casts.truth(bld, element, dtype)
            combined = bld.or_ if is_any else bld.and_
            bld.store(combined(bld.load(slot), truth), slot)
        _loop(cg, values, visit)
        return bld.load(slot)
    return emit


_EMITTERS = {
    "sum": _sum, "prod": _prod, "mean": _mean, "var": _var, "std": _std,
    "min": _extremum("<"), "max": _extremum(">"), "argmin": _arg_extremum("<"),
    "argmax": _arg_extremum(">"), "any": _logical(True), "all": _logical(False),
}
_FUNCTIONS = {
    "sum": (np.sum,), "prod": (np.prod,), "mean": (np.mean,), "var": (np.var,),
    "std": (np.std,), "min": (np.min, np.amin), "max": (np.max, np.amax),
    "argmin": (np.argmin,), "argmax": (np.argmax,), "any": (np.any,), "all": (np.all,),
}

for _kind, _functions in _FUNCTIONS.items():
    register(*_functions, ("method", t.Array, _kind))(_typer(_kind))
