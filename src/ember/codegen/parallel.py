"""Parallel prange loops: the body becomes a function the thread pool calls
on chunks of the iteration space (runtime/threads.py).

    i32 body(i8* env, i64 lo, i64 hi, i64 thread_id)

`env` holds pointers to the enclosing function's variable slots (shared
variables are read, and arrays written, in place), one partial result per
thread for each reduction, one exception record per thread, and the range.
Private variables live in the body function. After the region the partials
are combined into the reduction variables in thread order.
"""

from llvmlite import ir

from ember.codegen import arith, arrays, indexing, lazy, loops, outline, refcount
from ember.codegen import models as m
from ember.codegen.function import FunctionEmitter
from ember.ir import nodes as n
from ember.types import core as t

POOL_THREADS = "ember_get_num_threads"


def emit_parallel_for(cg, loop, plan):
    bld = cg.builder
    start, stop, step = _range(cg, loop)
    count = loops.range_length(cg, start, stop, step)
    threads = cg.call_external(POOL_THREADS, m.i64, [])
    # The per-thread arrays are sized at run time: released after the region,
    # so that a region inside a loop does not grow the stack.
    stack = cg.call_external("llvm.stacksave", m.i8p, [])
    shared = [name for name in cg.typed.var_types if name not in plan.privates
              and name not in plan.reductions]
    reductions = list(plan.reductions.items())
    partials = [_partials(cg, name, op, threads) for name, op in reductions]
    excinfos = bld.alloca(m.excinfo_type, size=threads, name="excinfos")
    # Zeroed here, not by the bodies: a thread that claims no chunk leaves its record empty.
    _fill(cg, excinfos, threads, ir.Constant(m.excinfo_type, None))
    env, env_type = outline.pack(
        cg, [cg.slots[name] for name in shared] + partials + [excinfos, start, step])
    body = _emit_body(cg, loop, plan, shared, reductions, env_type, reassociate=False)
    if any(_reassociable(cg, name, op) for name, op in reductions):
        # Split across threads, a float sum is reordered anyway: there the
        # body may reassociate it too, which vectorises it. One thread keeps
        # the serial order exactly.
        fast = _emit_body(cg, loop, plan, shared, reductions, env_type, reassociate=True)
        body = bld.select(bld.icmp_signed(">", threads, ir.Constant(m.i64, 1)), fast, body)
    status = outline.run_on_pool(cg, body, env, count)
    failed = bld.icmp_unsigned("!=", status, ir.Constant(m.i32, 0))
    with bld.if_then(failed, likely=False):
        _copy_first_exception(cg, excinfos, threads)
        _release_partials(cg, reductions, partials, threads)
        cg.leave(status)
        bld.position_at_end(cg.func.append_basic_block("unreachable"))
        bld.unreachable()
    for (name, op), partial in zip(reductions, partials):
        _combine(cg, name, op, partial, threads)
    _release_partials(cg, reductions, partials, threads)
    cg.call_external("llvm.stackrestore", ir.VoidType(), [stack])


def _range(cg, loop):
    bld = cg.builder
    value = cg.expr(loop.iter)
    return tuple(bld.extract_value(value, i) for i in range(3))


def _identity(cg, op, ty, current):
    """Each thread's starting partial: the identity, or the current value for
    idempotent operators."""
    if op in ("+", "-"):
        return cg.constant(0, ty)
    if op == "*":
        return cg.constant(1, ty)
    return current


def _partials(cg, name, op, threads):
    ty = cg.typed.var_types[name]
    partials = cg.builder.alloca(m.value_type(ty), size=threads, name=f"{name}.partials")
    current = cg.builder.load(cg.slots[name])
    if isinstance(ty, t.Array):  # `acc += row`: a private array per thread
        _for_each_thread(cg, threads, lambda k: cg.builder.store(
            _private_array(cg, op, current, ty), cg.builder.gep(partials, [k])))
    else:
        _fill(cg, partials, threads, _identity(cg, op, ty, current))
    return partials


def _private_array(cg, op, current, ty):
    """A new array shaped like `current`, holding the operator's identity
    (or a copy of `current` for idempotent operators)."""
    own = ty.copy(layout="C")
    fresh = arrays.allocate(cg, own, indexing.shape_of(cg.builder, current, ty.ndim))
    if op in ("+", "-", "*"):
        arrays.fill(cg, fresh, own, cg.constant(int(op == "*"), ty.dtype), ty.dtype)
    else:
        lazy.store_into(cg, fresh, own, lazy.from_array(cg, current, ty))
    return fresh


def _release_partials(cg, reductions, partials, threads):
    for (name, _), partial in zip(reductions, partials):
        ty = cg.typed.var_types[name]
        if refcount.is_refcounted(ty):
            _for_each_thread(cg, threads, lambda k, p=partial, ty=ty: refcount.decref(
                cg, cg.builder.load(cg.builder.gep(p, [k])), ty))


def _fill(cg, array, count, value):
    """array[0:count] = value"""
    _for_each_thread(cg, count, lambda k: cg.builder.store(value, cg.builder.gep(array, [k])))


def _for_each_thread(cg, threads, visit, reverse=False):
    """Emit `visit(k)` for k in range(threads) (descending when `reverse`)."""
    bld = cg.builder
    counter = cg.alloca(m.i64)
    one = ir.Constant(m.i64, 1)
    bld.store(threads if reverse else ir.Constant(m.i64, 0), counter)
    head, body, end = (cg.func.append_basic_block(x) for x in ("threads", "threads.each",
                                                               "threads.end"))
    bld.branch(head)
    bld.position_at_end(head)
    k = bld.load(counter)
    more = (bld.icmp_signed(">", k, ir.Constant(m.i64, 0)) if reverse
            else bld.icmp_signed("<", k, threads))
    bld.cbranch(more, body, end)
    bld.position_at_end(body)
    index = bld.sub(k, one) if reverse else k
    visit(index)
    bld.store(index if reverse else bld.add(k, one), counter)
    bld.branch(head)
    bld.position_at_end(end)


def _apply(cg, op, current, value, ty):
    if op in ("min", "max"):
        better = arith.compare(cg, "<" if op == "min" else ">", value, current, ty)
        return cg.builder.select(better, value, current)
    return arith.binop(cg, "+" if op == "-" else op, current, value, ty)


def _combine(cg, name, op, partials, threads):
    bld = cg.builder
    ty, slot = cg.typed.var_types[name], cg.slots[name]

    def merge(k):
        partial = bld.load(bld.gep(partials, [k]))
        if isinstance(ty, t.Array):  # in place, as `acc += partial` would be
            target = bld.load(slot)
            update = lazy.combine(cg, ty.copy(layout="C"), [
                lazy.from_array(cg, target, ty), lazy.from_array(cg, partial, ty)],
                lambda v: _apply(cg, op, v[0], v[1], ty.dtype))
            lazy.assign(cg, target, ty, update, update.ty)
        else:
            bld.store(_apply(cg, op, bld.load(slot), partial, ty), slot)
    _for_each_thread(cg, threads, merge)


def _copy_first_exception(cg, excinfos, threads):
    """The exception of the lowest-numbered thread that raised becomes ours."""
    bld = cg.builder

    def take(k):
        record = bld.load(bld.gep(excinfos, [k]))
        raised = bld.icmp_unsigned("!=", bld.extract_value(record, 0), ir.Constant(m.i8p, None))
        with bld.if_then(raised):
            bld.store(record, cg.excinfo)
    _for_each_thread(cg, threads, take, reverse=True)


def _reassociable(cg, name, op):
    ty = cg.typed.var_types[name]
    return op in ("+", "-", "*") and isinstance(ty, (t.Float, t.Complex))


def _emit_body(cg, loop, plan, shared, reductions, env_type, reassociate):
    llvm = cg.module.llvm
    fn = ir.Function(llvm, outline.BODY_TYPE, llvm.get_unique_name(f"{cg.func.name}.prange"))
    fn.linkage = "internal"
    emitter = ParallelBodyEmitter(cg, fn, loop, plan, shared, reductions, env_type)
    emitter.reassociate = {name for name, op in reductions
                           if reassociate and _reassociable(cg, name, op)}
    emitter.emit()
    return fn


class ParallelBodyEmitter(FunctionEmitter):
    """Emits the loop body over [lo, hi) as its own function."""

    in_parallel = True  # array loops inside run on this thread (codegen/outline.py)
    reassociate = frozenset()  # reductions whose update may be reordered

    def stmt_AugAssign(self, s):
        if not (isinstance(s.target, n.Var) and s.target.name in self.reassociate):
            return super().stmt_AugAssign(s)
        value = self.expr(s.value)  # computed exactly; only the accumulation is reordered
        saved, self.fmflags = self.fmflags, tuple(self.fmflags) + ("reassoc",)
        try:
            total = self.binop_values(s.op, self.expr(s.target), self.types[s.target], value,
                                      self.types[s.value], self.types[s], s)
        finally:
            self.fmflags = saved
        self.store_target(s.target, total, self.types[s])

    def __init__(self, parent, fn, loop, plan, shared, reductions, env_type):
        super().__init__(parent.module, parent.typed, parent.options, fn)
        self.loop, self.plan, self.shared = loop, plan, shared
        self.reductions, self.env_type = reductions, env_type

    def owns(self, name):
        return name in self.plan.privates or name in self.plan.reductions

    def emit(self):
        env_raw, lo, hi, tid = self.func.args
        entry = self.func.append_basic_block("entry")
        self.alloca_builder = ir.IRBuilder(entry)
        body = self.func.append_basic_block("body")
        self.exit_block = self.func.append_basic_block("exit")
        self.builder = bld = ir.IRBuilder(body)
        env = bld.bitcast(env_raw, self.env_type.as_pointer())
        fields = [bld.load(bld.gep(env, [ir.Constant(m.i32, 0), ir.Constant(m.i32, i)]))
                  for i in range(len(self.env_type.elements))]
        nshared, nred = len(self.shared), len(self.reductions)
        self.status = self.alloca(m.i32, "status")
        self.alloca_builder.store(ir.Constant(m.i32, 0), self.status)
        for name, pointer in zip(self.shared, fields[:nshared]):
            # The body never assigns a shared variable (passes/parallel.py):
            # a local copy lets LLVM keep it in registers (the array's data
            # pointer and shape out of the loop).
            self.slots[name] = self.alloca(pointer.type.pointee, name)
            bld.store(bld.load(pointer), self.slots[name])
        for name in self.plan.privates:
            if name not in self.typed.var_types:
                continue  # assigned only in a branch the types ruled out (never emitted)
            ty = self.typed.var_types[name]
            self.slots[name] = self.alloca(m.value_type(ty), name)
            self.alloca_builder.store(ir.Constant(m.value_type(ty), None), self.slots[name])
        partials = fields[nshared:nshared + nred]
        excinfos, start, step = fields[nshared + nred:]
        self.excinfo = bld.gep(excinfos, [tid])
        for (name, op), partial in zip(self.reductions, partials):
            ty = self.typed.var_types[name]
            self.slots[name] = self.alloca(m.value_type(ty), name)
            current = bld.load(bld.gep(partial, [tid]))
            if isinstance(ty, t.Array):  # the thread's private array, updated in place
                refcount.incref(self, current, ty)  # the slot's reference
                bld.store(current, self.slots[name])
            else:
                bld.store(_identity(self, op, ty, current), self.slots[name])
        self._chunk_loop(lo, hi, start, step)
        for (name, op), partial in zip(self.reductions, partials):
            ty = self.typed.var_types[name]
            if isinstance(ty, t.Array):
                continue
            cell = bld.gep(partial, [tid])
            self.builder.store(_apply(self, op, self.builder.load(cell),
                                      self.builder.load(self.slots[name]), ty), cell)
        self.leave(ir.Constant(m.i32, 0))
        self.emit_exit()
        self.alloca_builder.branch(body)

    def _chunk_loop(self, lo, hi, start, step):
        """The chunk's iterations; when the body indexes shared arrays with the
        loop variable, a second copy without those checks runs when the
        chunk's first and last index are in range (so it can vectorise)."""
        accesses = self._loop_indexed() if self.boundscheck else []
        if not accesses:
            self._iterations(lo, hi, start, step)
            return
        bld = self.builder
        first = bld.add(start, bld.mul(lo, step))
        last = bld.add(start, bld.mul(bld.sub(hi, ir.Constant(m.i64, 1)), step))
        low = bld.select(bld.icmp_signed("<", first, last), first, last)
        high = bld.select(bld.icmp_signed("<", first, last), last, first)
        in_range = bld.icmp_signed(">=", low, ir.Constant(m.i64, 0))
        for name, _, axis in accesses:
            extent = bld.extract_value(bld.load(self.slots[name]), [m.ARRAY_SHAPE, axis])
            in_range = bld.and_(in_range, bld.icmp_signed("<", high, extent))
        with bld.if_else(in_range, likely=True) as (unchecked, checked):
            with unchecked:
                marks = {(node, axis) for _, node, axis in accesses}
                self.typed.safe_indexes.update(marks)
                try:
                    self._iterations(lo, hi, start, step)
                finally:
                    self.typed.safe_indexes.difference_update(marks)
            with checked:
                self._iterations(lo, hi, start, step)

    def _loop_indexed(self):
        """(array, Index node, axis) for every `a[..., i, ...]` in the body
        with `i` the loop variable (never reassigned) and `a` a shared array."""
        target = self.loop.target.name
        if any(target in n.assigned_names(stmt) for stmt in n.walk(self.loop.body)):
            return []
        found = []
        for stmt in n.walk(self.loop.body):
            for node in n.statement_expressions(stmt):
                if not (isinstance(node, n.Index) and isinstance(node.value, n.Var)
                        and node.value.name in self.shared
                        and isinstance(self.typed.var_types.get(node.value.name), t.Array)):
                    continue
                parts = node.index.items if isinstance(node.index, n.TupleExpr) else [node.index]
                found += [(node.value.name, node, axis) for axis, part in enumerate(parts)
                          if isinstance(part, n.Var) and part.name == target]
        return found

    def _iterations(self, lo, hi, start, step):
        bld = self.builder
        counter = self.alloca(m.i64, "k")
        bld.store(lo, counter)
        head, body, latch, end = (self.func.append_basic_block(x) for x in (
            "chunk.head", "chunk.body", "chunk.latch", "chunk.end"))
        bld.branch(head)
        bld.position_at_end(head)
        k = bld.load(counter)
        bld.cbranch(bld.icmp_signed("<", k, hi), body, end)
        bld.position_at_end(body)
        index = bld.add(start, bld.mul(k, step))
        self.store_target(self.loop.target, index, t.int64)
        self.loop_stack.append((latch, end))
        self.block(self.loop.body)
        self.loop_stack.pop()
        if not self.builder.block.is_terminated:
            self.builder.branch(latch)
        self.builder.position_at_end(latch)
        self.builder.store(self.builder.add(self.builder.load(counter),
                                            ir.Constant(m.i64, 1)), counter)
        self.builder.branch(head)
        self.builder.position_at_end(end)

