"""The inner loops NumPy calls, emitted as LLVM IR around a compiled kernel.

Every loop has NumPy's C signature

    void loop(char **args, npy_intp *dimensions, npy_intp *steps, void *data)

and runs a *range function* over [0, dimensions[0]):

    i32 range(i8** args, i64* dims, i64* steps, i64 lo, i64 hi, excinfo* exc)

which calls the kernel (a native function of codegen.module, status first)
once per element, or once per outer index for a gufunc, and stops at the
first nonzero status. The kernel has internal linkage in the same module,
so LLVM inlines it and vectorises the elementwise loop's contiguous path
(every step equal to its item size). With target="parallel" the loop hands
[0, n) to the thread pool in chunks (codegen/outline.py's body signature);
each element is computed exactly as serially, so results are the same bit
for bit. An exception raised by the kernel becomes the Python exception of
the ufunc call (set under the GIL; NumPy reports it when the loop returns).
"""

from llvmlite import ir

from ember.codegen import models as m
from ember.codegen.outline import BODY_TYPE, PARALLEL_MIN_ELEMENTS, POOL_FOR
from ember.types import core as t

LOOP_TYPE = ir.FunctionType(m.void, [m.i8p.as_pointer(), m.i64.as_pointer(),
                                     m.i64.as_pointer(), m.i8p])
RANGE_TYPE = ir.FunctionType(m.i32, [m.i8p.as_pointer(), m.i64.as_pointer(), m.i64.as_pointer(),
                                     m.i64, m.i64, m.excinfo_type.as_pointer()])
GIL_API = ("PyGILState_Ensure", "PyGILState_Release")
# A gufunc's outer iteration runs a whole core loop: fewer of them fill a thread.
GUFUNC_PARALLEL_MIN_WORK = 1 << 14


def _i64(value):
    return ir.Constant(m.i64, value)


def _i32(value):
    return ir.Constant(m.i32, value)


def _function(module, fnty, name, linkage="internal"):
    fn = ir.Function(module.llvm, fnty, module.llvm.get_unique_name(name))
    fn.linkage = linkage
    return fn


def _external(module, name, fnty):
    fn = module.llvm.globals.get(name)
    return fn if fn is not None else ir.Function(module.llvm, fnty, name)


# ---- elements --------------------------------------------------------------------


def _load(bld, pointer, ty):
    value = bld.load(pointer)
    return bld.icmp_unsigned("!=", value, ir.Constant(m.i8, 0)) if isinstance(
        ty, t.Boolean) else value


def _store(bld, value, pointer, ty):
    bld.store(bld.zext(value, m.i8) if isinstance(ty, t.Boolean) else value, pointer)


def _element(bld, base, step, index, ty, contiguous):
    """Pointer to element `index` of an operand with data `base` and byte `step`."""
    storage = m.storage_type(ty).as_pointer()
    if contiguous:
        return bld.gep(bld.bitcast(base, storage), [index])
    return bld.bitcast(bld.gep(base, [bld.mul(index, step)]), storage)


class _Range:
    """The range function being emitted: its builder, arguments and slots."""

    def __init__(self, module, kernel, name):
        self.module, self.kernel = module, kernel
        self.fn = _function(module, RANGE_TYPE, name)
        self.args, self.dims, self.steps, self.lo, self.hi, self.exc = self.fn.args
        self.bld = ir.IRBuilder(self.fn.append_basic_block("entry"))
        self.out = self.bld.alloca(kernel.function_type.args[0].pointee, name="out")

    def operand(self, k):
        """(data pointer, step) of argument k."""
        bld = self.bld
        return bld.load(bld.gep(self.args, [_i64(k)])), bld.load(bld.gep(self.steps, [_i64(k)]))

    def call_kernel(self, values):
        return self.bld.call(self.kernel, [self.out, self.exc] + values)

    def loop(self, body):
        """for i in [lo, hi): status = body(i); return it when nonzero. Returns 0."""
        bld, fn = self.bld, self.fn
        before = bld.block
        cond, work = fn.append_basic_block("cond"), fn.append_basic_block("body")
        latch, done = fn.append_basic_block("latch"), fn.append_basic_block("done")
        failed = fn.append_basic_block("failed")
        bld.branch(cond)
        bld.position_at_end(cond)
        index = bld.phi(m.i64, "i")
        index.add_incoming(self.lo, before)
        bld.cbranch(bld.icmp_signed("<", index, self.hi), work, done)
        bld.position_at_end(work)
        status = body(index)
        bld.cbranch(bld.icmp_unsigned("!=", status, _i32(0)), failed, latch)
        bld.position_at_end(failed)
        bld.ret(status)
        bld.position_at_end(latch)
        following = bld.add(index, _i64(1))
        index.add_incoming(following, latch)
        bld.branch(cond)
        bld.position_at_end(done)


def emit_elementwise_range(module, kernel, arg_types, return_type, name):
    """The range function of a @vectorize loop: out[i] = kernel(in0[i], ...)."""
    rng = _Range(module, kernel, name)
    bld = rng.bld
    types = list(arg_types) + [return_type]
    operands = [rng.operand(k) for k in range(len(types))]
    contiguous = ir.Constant(m.i1, 1)
    for (_, step), ty in zip(operands, types):
        unit = bld.icmp_signed("==", step, _i64(m.itemsize(ty)))
        contiguous = bld.and_(contiguous, unit)
    fast, strided = rng.fn.append_basic_block("contiguous"), rng.fn.append_basic_block("strided")
    bld.cbranch(contiguous, fast, strided)
    for block, unit_steps in ((fast, True), (strided, False)):
        bld.position_at_end(block)

        def body(i, unit_steps=unit_steps):
            pointers = [_element(bld, base, step, i, ty, unit_steps)
                        for (base, step), ty in zip(operands, types)]
            values = [_load(bld, p, ty) for p, ty in zip(pointers[:-1], arg_types)]
            status = rng.call_kernel(values)
            _store(bld, bld.load(rng.out), pointers[-1], return_type)
            return status
        rng.loop(body)
        bld.ret(_i32(0))
    return rng.fn


def emit_gufunc_range(module, kernel, arg_types, layout, name):
    """The range function of a @guvectorize loop: per outer index, views of
    every argument's core dimensions (arrays with the strides NumPy gives),
    scalars loaded, and one kernel call."""
    rng = _Range(module, kernel, name)
    bld = rng.bld
    nargs = len(arg_types)
    operands = [rng.operand(k) for k in range(nargs)]
    core = _core_shapes(rng, layout, nargs)

    def body(i):
        values = []
        for (base, step), ty, (shape, strides) in zip(operands, arg_types, core):
            data = bld.gep(base, [bld.mul(i, step)])
            if isinstance(ty, t.Array):
                values.append(_view(bld, data, ty, shape, strides))
            else:
                values.append(_load(bld, bld.bitcast(data, m.storage_type(ty).as_pointer()), ty))
        return rng.call_kernel(values)
    rng.loop(body)
    rng.bld.ret(_i32(0))
    return rng.fn


def _core_shapes(rng, layout, nargs):
    """(shape values, stride values) of each argument's core dimensions.
    dims[1 + j] is the size of the j-th distinct dimension name; the core
    strides follow the nargs outer steps, argument by argument."""
    bld = rng.bld
    position = nargs
    shapes = []
    for dims in layout.args:
        shape = [bld.load(bld.gep(rng.dims, [_i64(1 + layout.dim_names.index(d))]))
                 for d in dims]
        strides = [bld.load(bld.gep(rng.steps, [_i64(position + j)])) for j in range(len(dims))]
        position += len(dims)
        shapes.append((shape, strides))
    return shapes


def _view(bld, data, ty, shape, strides):
    """An ember array struct (no owner) over `data`; a 1-element 1-d view for
    an argument with no core dimension."""
    if not shape:
        shape, strides = [_i64(1)], [_i64(m.itemsize(ty.dtype))]
    llty = m.array_type(ty)
    value = ir.Constant(llty, None)
    value = bld.insert_value(value, bld.bitcast(data, m.storage_type(ty.dtype).as_pointer()),
                             m.ARRAY_DATA)
    for j, (extent, stride) in enumerate(zip(shape, strides)):
        value = bld.insert_value(value, extent, [m.ARRAY_SHAPE, j])
        value = bld.insert_value(value, stride, [m.ARRAY_STRIDES, j])
    return value


# ---- the loop NumPy calls ----------------------------------------------------------


def emit_ufunc_loop(module, range_fn, name, parallel=False, layout=None):
    """`void name(args, dims, steps, data)`: range_fn over [0, dims[0]),
    on the pool when parallel and large enough; reports a kernel's exception."""
    fn = _function(module, LOOP_TYPE, name, linkage="external")
    args, dims, steps, _ = fn.args
    bld = ir.IRBuilder(fn.append_basic_block("entry"))
    count = bld.load(dims)
    exc = bld.alloca(m.excinfo_type, name="exc")
    bld.store(ir.Constant(m.excinfo_type, None), exc)
    status = bld.alloca(m.i32, name="status")
    call_args = [args, dims, steps]
    serial = lambda: bld.store(bld.call(range_fn, call_args + [_i64(0), count, exc]), status)  # noqa: E731
    if parallel:
        large = bld.icmp_signed(">=", _work(bld, dims, count, layout),
                                _i64(GUFUNC_PARALLEL_MIN_WORK if layout else PARALLEL_MIN_ELEMENTS))
        large = bld.and_(large, bld.icmp_signed(">", count, _i64(1)))
        with bld.if_else(large) as (pooled, inline):
            with pooled:
                env = _pack(bld, call_args + [exc])
                body = _pool_body(module, range_fn, env.type.pointee, name)
                pool_for = _external(module, POOL_FOR, ir.FunctionType(
                    m.i32, [BODY_TYPE.as_pointer(), m.i8p, m.i64]))
                bld.store(bld.call(pool_for, [body, bld.bitcast(env, m.i8p), count]), status)
            with inline:
                serial()
    else:
        serial()
    failed = bld.icmp_unsigned("!=", bld.load(status), _i32(0))
    with bld.if_then(failed, likely=False):
        bld.call(_report_function(module), [exc])
    bld.ret_void()
    return fn


def _work(bld, dims, count, layout):
    """Elements of work: the outer count times every core dimension's size."""
    work = count
    for j in range(len(layout.dim_names) if layout else 0):
        extent = bld.load(bld.gep(dims, [_i64(1 + j)]))
        work = bld.mul(work, bld.select(bld.icmp_signed(">", extent, _i64(1)), extent, _i64(1)))
    return work


def _pack(bld, values):
    env_type = ir.LiteralStructType([v.type for v in values])
    env = bld.alloca(env_type, name="env")
    for i, value in enumerate(values):
        bld.store(value, bld.gep(env, [_i32(0), _i32(i)]))
    return env


def _pool_body(module, range_fn, env_type, name):
    """i32 body(env, lo, hi, tid): range_fn over [lo, hi) with env's operands."""
    fn = _function(module, BODY_TYPE, f"{name}.chunk")
    env, lo, hi, _ = fn.args
    bld = ir.IRBuilder(fn.append_basic_block("entry"))
    env = bld.bitcast(env, env_type.as_pointer())
    fields = [bld.load(bld.gep(env, [_i32(0), _i32(i)])) for i in range(len(env_type.elements))]
    bld.ret(bld.call(range_fn, fields[:3] + [lo, hi, fields[3]]))
    return fn


def _report_function(module):
    """void report(excinfo*): the kernel's exception as the pending Python
    error, set while holding the GIL (NumPy runs loops without it)."""
    name = "ember_ufunc_report"
    fn = module.llvm.globals.get(name)
    if fn is not None:
        return fn
    fn = _function(module, ir.FunctionType(m.void, [m.excinfo_type.as_pointer()]), name)
    fn.attributes.add("noinline")
    fn.attributes.add("cold")
    bld = ir.IRBuilder(fn.append_basic_block("entry"))
    exc = fn.args[0]
    state = bld.call(_external(module, GIL_API[0], ir.FunctionType(m.i32, [])), [])

    def slot(i):
        return bld.load(bld.gep(exc, [_i32(0), _i32(i)]))
    cls, fmt = slot(0), slot(1)
    with bld.if_else(bld.icmp_unsigned("!=", fmt, ir.Constant(m.i8p, None))) as (message, bare):
        with message:
            fmt_fn = _external(module, "PyErr_Format",
                               ir.FunctionType(m.i8p, [m.i8p, m.i8p], var_arg=True))
            bld.call(fmt_fn, [cls, fmt] + [slot(2 + i) for i in range(m.EXC_ARGS)])
        with bare:
            bld.call(_external(module, "PyErr_SetNone", ir.FunctionType(m.void, [m.i8p])), [cls])
    bld.call(_external(module, GIL_API[1], ir.FunctionType(m.void, [m.i32])), [state])
    bld.ret_void()
    return fn
