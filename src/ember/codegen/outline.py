"""Array loops split across the thread pool under parallel=True.

A fused array expression (`np.sin(a) + np.cos(a)`, `out[:] = a * b`) is a
loop nest whose iterations each write one element of fresh or non-aliased
memory (codegen.lazy makes a temporary where NumPy would), so splitting its
outermost axis across threads gives exactly the serial result.

The loop is emitted by the same element closures as the serial one, into a
new function with the pool's body signature (see runtime/threads.py):

    i32 body(i8* env, i64 lo, i64 hi, i64 thread_id)

The closures capture values of the enclosing function (shapes, data
pointers, scalars); afterwards every such *free value* the body uses is
passed through `env` and its uses are rewired to loads there. Code that
cannot move (it may raise, which branches to the enclosing function's exit,
or holds references the enclosing function must release) is not outlined:
the loop then runs serially, as emitted without parallel=True.
"""

from llvmlite import ir

from ember.codegen import arrays
from ember.codegen import models as m

# Below this many elements a loop runs on the calling thread: waking the pool
# costs about as much as a few thousand elements of arithmetic.
PARALLEL_MIN_ELEMENTS = 1 << 15
POOL_FOR = "ember_parallel_for"
BODY_TYPE = ir.FunctionType(m.i32, [m.i8p, m.i64, m.i64, m.i64])


def may_split(cg):
    """Whether cg's code may hand loops to the pool: parallel=True, and not
    already running on it."""
    return bool(cg.options.get("parallel")) and not cg.in_parallel


def array_loop(cg, shape, body):
    """arrays.nested_loop(cg, shape, body), split across threads by its
    outermost axis when cg compiles with parallel=True and the loop is large."""
    if shape and may_split(cg):
        bld = cg.builder
        size = shape[0]
        for extent in shape[1:]:
            size = bld.mul(size, extent)
        large = bld.icmp_signed(">=", size, ir.Constant(m.i64, PARALLEL_MIN_ELEMENTS))
        if split(cg, shape[0], large, lambda lo, hi: arrays.nested_loop(
                cg, shape, body, outer=(lo, hi))):
            return
    arrays.nested_loop(cg, shape, body)


def split(cg, count, large, emit):
    """Emit `emit(lo, hi)` (the iterations [lo, hi) of a loop over [0, count)
    that writes nothing another iteration reads) as a pool body, run on the
    pool when `large` (an i1) holds, else on this thread. False, with nothing
    emitted, when the code cannot move."""
    outlined = outline(cg, emit)
    if outlined is None:
        return False
    fn, env = outlined
    bld = cg.builder
    zero = ir.Constant(m.i64, 0)
    with bld.if_else(large) as (pooled, inline):
        with pooled:
            run_on_pool(cg, fn, env, count)
        with inline:
            bld.call(fn, [env, zero, count, zero])
    return True


def run_on_pool(cg, body, env, count):
    """ember_parallel_for(body, env, count): run body over [0, count) on the
    pool; returns its status (0, or the first nonzero a body returned)."""
    return cg.call_external(POOL_FOR, m.i32, [body, env, count])


def pack(cg, values, name="env"):
    """A struct on cg's stack holding `values`: (i8* to it, its type)."""
    env_type = ir.LiteralStructType([value.type for value in values])
    env = cg.alloca(env_type, name)
    for i, value in enumerate(values):
        cg.builder.store(value, cg.builder.gep(env, [ir.Constant(m.i32, 0),
                                                     ir.Constant(m.i32, i)]))
    return cg.builder.bitcast(env, m.i8p), env_type


def outline(cg, emit):
    """Emit `emit(lo, hi)` as a pool body function. Returns (function, env
    pointer), or None (and emits nothing) when the code cannot move."""
    llvm = cg.module.llvm
    fn = ir.Function(llvm, BODY_TYPE, llvm.get_unique_name(f"{cg.func.name}.split"))
    fn.linkage = "internal"
    entry, start = fn.append_basic_block("entry"), fn.append_basic_block("body")
    saved = cg.func, cg.alloca_builder, cg.in_parallel, cg.builder.block
    temps = len(cg.temp_slots)
    cg.func, cg.alloca_builder, cg.in_parallel = fn, ir.IRBuilder(entry), True
    cg.builder.position_at_end(start)
    try:
        emit(fn.args[1], fn.args[2])
        cg.builder.ret(ir.Constant(m.i32, 0))
    finally:
        cg.func, cg.alloca_builder, cg.in_parallel = saved[:3]
        cg.builder.position_at_end(saved[3])
    free = _free_values(fn)
    if free is None or len(cg.temp_slots) != temps:
        del cg.temp_slots[temps:]
        del llvm.globals[fn.name]
        return None
    env, env_type = pack(cg, free, "split.env")
    _receive(fn, entry, start, env_type, free)
    return fn, env


def _free_values(fn):
    """The values of other functions `fn` uses, in first-use order; None if
    it branches to another function's blocks."""
    free = {}
    for block in fn.blocks:
        for instr in block.instructions:
            for op in _operands(instr):
                if isinstance(op, ir.Block):
                    if op.parent is not fn:
                        return None
                elif _foreign(op, fn):
                    free.setdefault(id(op), op)
    return list(free.values())


def _operands(instr):
    if isinstance(instr, ir.PhiInstr):
        return [value for value, _ in instr.incomings] + [block for _, block in instr.incomings]
    return list(instr.operands)


def _foreign(value, fn):
    if isinstance(value, ir.Argument):
        return value.parent is not fn
    if isinstance(value, ir.Instruction):
        return value.parent.parent is not fn
    return False


def _receive(fn, entry, start, env_type, free):
    """Load the free values from env in the body's entry; rewire their uses."""
    bld = ir.IRBuilder(entry)
    env = bld.bitcast(fn.args[0], env_type.as_pointer())
    loaded = {id(value): bld.load(bld.gep(env, [ir.Constant(m.i32, 0), ir.Constant(m.i32, i)]))
              for i, value in enumerate(free)}
    bld.branch(start)
    for block in fn.blocks:
        for instr in block.instructions:
            for op in _operands(instr):
                if id(op) in loaded:
                    _rewire(instr, op, loaded[id(op)])


def _rewire(instr, old, new):
    """Replace `old` by `new` in instr. llvmlite prints some instructions
    from attributes of their own (gep's pointer and indices, insertvalue's
    aggregate and value...), which replace_usage leaves alone."""
    instr.replace_usage(old, new)
    for attr in ("pointer", "aggregate", "value"):
        if getattr(instr, attr, None) is old:
            setattr(instr, attr, new)
    indices = getattr(instr, "indices", None)
    if isinstance(indices, (list, tuple)) and any(i is old for i in indices):
        instr.indices = type(indices)(new if i is old else i for i in indices)
