"""Typed ember IR -> one LLVM function.

Native calling convention: `i32 fn(ret* out, excinfo* exc, args...)`;
0 means success with the result stored in `out`, 1 means an exception was
raised and described in `exc`. Every variable lives in an entry-block
alloca; LLVM's mem2reg turns them into SSA registers.
"""

from llvmlite import ir

from ember.codegen import arith, casts, indexing, instances, lazy, lists, loops, refcount
from ember.codegen import models as m
from ember.errors import EmberError, InternalError
from ember.ir import nodes as n
from ember.passes.aliasing import disjoint_updates
from ember.types import core as t
from ember.typing import ops


class FunctionEmitter:
    in_parallel = False  # emitting code the thread pool runs (codegen/outline.py)
    borrowed = frozenset()  # parameters holding the caller's reference (set by emit)

    def __init__(self, module, typed, options, llvm_func):
        self.module, self.typed, self.options = module, typed, options
        self.func = llvm_func
        self.types = typed.typemap
        self.error_model = options.get("error_model", "python")
        self.fmflags = ("fast",) if options.get("fastmath") else ()
        self.boundscheck = options.get("boundscheck", True)
        self.loop_stack = []
        self.slots = {}
        self.temp_slots = []  # every temporary's slot: released at exit too
        self.fresh = {}  # id of a new reference's LLVM value -> its temporary's slot
        self.virtual_values = {}
        self.statement_temps = [[]]

    # ---- the function ----------------------------------------------------------

    def emit(self):
        entry = self.func.append_basic_block("entry")
        self.alloca_builder = ir.IRBuilder(entry)
        body = self.func.append_basic_block("body")
        self.exit_block = self.func.append_basic_block("exit")
        self.builder = ir.IRBuilder(body)
        self.out, self.excinfo = self.func.args[0], self.func.args[1]
        self.status = self.alloca(m.i32, "status")
        for name, ty in self.typed.var_types.items():
            self.slots[name] = self.alloca(m.value_type(ty), name)
            self.alloca_builder.store(ir.Constant(m.value_type(ty), None), self.slots[name])
        # A parameter never reassigned borrows the caller's reference, which
        # outlives the call: no atomic increment and decrement per call.
        self.borrowed = set(self.typed.func.params) - _assignment_counts(self.typed).keys()
        for name, arg in zip(self.typed.func.params, self.func.args[2:]):
            if name not in self.borrowed:
                refcount.incref(self, arg, self.typed.var_types[name])  # variables own a reference
            self.builder.store(arg, self.slots[name])
        self.block(self.typed.func.body)
        if not self.builder.block.is_terminated:
            self.return_value(ir.Constant(m.i8, None), t.none)
        self.emit_exit()
        self.alloca_builder.branch(body)

    def alloca(self, llty, name=""):
        return self.alloca_builder.alloca(llty, name=name)

    def emit_exit(self):
        """The one way out: release what variables and temporaries hold."""
        self.builder.position_at_end(self.exit_block)
        for name, slot in self.slots.items():
            ty = self.typed.var_types[name]
            if refcount.is_refcounted(ty) and self.owns(name):
                refcount.decref(self, self.builder.load(slot), ty)
        for slot, ty in self.temp_slots:
            refcount.decref(self, self.builder.load(slot), ty)
        self.builder.ret(self.builder.load(self.status))

    def owns(self, name):
        """Whether this function's slot for `name` holds a reference it releases."""
        return name not in self.borrowed

    def leave(self, status):
        self.builder.store(status, self.status)
        self.builder.branch(self.exit_block)

    def return_value(self, value, ty):
        if isinstance(ty, t.NoneType):
            result = ir.Constant(m.value_type(self.typed.return_type), None)
        else:
            result = casts.cast(self.builder, value, ty, self.typed.return_type)
            refcount.incref(self, result, self.typed.return_type)  # the caller's reference
        self.builder.store(result, self.out)
        self.leave(ir.Constant(m.i32, 0))

    # ---- temporaries -------------------------------------------------------------

    def new_reference(self, value, ty):
        """Hold a new reference (a call's result) until its statement ends."""
        if not refcount.is_refcounted(ty):
            return value
        slot = self.alloca(m.value_type(ty), "temp")
        self.alloca_builder.store(ir.Constant(m.value_type(ty), None), slot)
        self.temp_slots.append((slot, ty))
        self.statement_temps[-1].append((slot, ty))
        self.builder.store(value, slot)
        self.fresh[id(value)] = slot
        return value

    def steal_reference(self, value):
        """Take over the new reference `value` holds in a temporary of this
        statement (`x = f()`): no increment now and decrement at its end."""
        slot = self.fresh.get(id(value))
        temps = self.statement_temps[-1]
        for i, (temp, ty) in enumerate(temps):
            if temp is slot:
                del temps[i]
                self.builder.store(ir.Constant(m.value_type(ty), None), temp)
                return True
        return False

    def release_temps(self, temps):
        for slot, ty in temps:
            refcount.decref(self, self.builder.load(slot), ty)
            self.builder.store(ir.Constant(m.value_type(ty), None), slot)

    # ---- statements ------------------------------------------------------------

    def block(self, stmts):
        for stmt in stmts:
            if self.builder.block.is_terminated:
                self.builder.position_at_end(self.func.append_basic_block("dead"))
            self.statement_temps.append([])
            try:
                getattr(self, f"stmt_{type(stmt).__name__}")(stmt)
                temps = self.statement_temps.pop()
                if temps and not self.builder.block.is_terminated:
                    self.release_temps(temps)
            except EmberError as exc:
                raise exc.with_loc(stmt.loc) from None
            except Exception as exc:
                raise InternalError(f"code generation failed: {type(exc).__name__}: {exc}",
                                    stmt.loc) from exc
            if ops.terminates([stmt], self.typed.static_branches):
                break  # unreachable statements were not typed

    def stmt_Assign(self, s):
        if isinstance(s.target, n.Var) and s.target.name in self.typed.virtual_arrays:
            # passes/virtual_arrays.py: uses recompute the elements, no memory
            self.virtual_values[s.target.name] = lazy.as_lazy(
                self, self.lazy(s.value), self.types[s.value])
            return
        value = self.lazy(s.value)
        if isinstance(value, lazy.Lazy) and not isinstance(s.target, n.Index):
            value = self.new_reference(self.computed_for(s.target, value), value.ty)
        self.store_target(s.target, value, self.types[s.value],
                          id(s) in disjoint_updates(self.typed))

    def computed_for(self, target, value):
        """An array expression computed for `target = value`: into the array the
        variable holds when that array dies here (lazy.materialize_reusing)."""
        old_type = self.typed.var_types.get(target.name) if isinstance(target, n.Var) else None
        if (isinstance(old_type, t.Array) and old_type.layout == value.ty.layout == "C"
                and (self.loop_stack or target.name in _reassigned(self.typed))
                and old_type.dtype == value.ty.dtype and old_type.ndim == value.ty.ndim
                and not self.in_parallel):
            return lazy.materialize_reusing(self, value, self.builder.load(
                self.slots[target.name]), old_type)
        return lazy.materialize(self, value)

    def stmt_AugAssign(self, s):
        result_type = self.types[s]
        if isinstance(result_type, t.List):  # `l += x`: l.extend(x)
            self.call_nodes(self.typed.calls[s])
            return
        if isinstance(result_type, t.Array):  # in place, like np.add(a, b, out=a)
            target = self.expr(s.target)
            target_type = self.types[s.target]
            dtype = lazy.element_type(self.types[s.value])
            combined = ops.elementwise_dtype([target_type, self.types[s.value]])
            update = self.elementwise(target_type.copy(layout="C"), [
                (target, target_type), s.value], lambda v, ts: self.binop_values(
                    s.op, v[0], ts[0], v[1], ts[1], _binop_element(s.op, combined, dtype), s))
            lazy.assign(self, target, target_type, update, update.ty,
                        id(s) in disjoint_updates(self.typed))
            return
        if isinstance(s.target, n.Index) and isinstance(self.types[s.target.value], t.List):
            self.list_item_update(s, result_type)
            return
        if isinstance(s.target, n.Index):
            base = self.expr(s.target.value)
            index = self.expr(s.target.index)
            ptr, elem = indexing.element_pointer(self, base, self.types[s.target.value],
                                                 index, self.types[s.target.index], s.target)
            current = indexing.load_element(self.builder, ptr, elem)
            value = self.binop_values(s.op, current, elem, self.expr(s.value),
                                      self.types[s.value], result_type, s)
            indexing.store_element(self.builder, ptr, value, result_type, elem)
            return
        current = self.expr(s.target)
        value = self.binop_values(s.op, current, self.types[s.target], self.expr(s.value),
                                  self.types[s.value], result_type, s)
        self.store_target(s.target, value, result_type)

    def list_item_update(self, s, result_type):
        """`l[i] op= v`: the list and index evaluated once, item read and stored back."""
        target = s.target
        types = [self.types[target.value], self.types[target.index]]
        base, index = self.expr(target.value), self.expr(target.index)
        current = self.emit_impl(self.typed.calls[target], [base, index], types)
        value = self.binop_values(s.op, current, self.types[target], self.expr(s.value),
                                  self.types[s.value], result_type, s)
        self.emit_impl(self.typed.calls[("set", target)], [base, index, value],
                       types + [result_type])

    def stmt_ExprStmt(self, s):
        self.expr(s.value)

    def stmt_If(self, s):
        known = self.typed.static_branches.get(s)
        if known is not None:
            self.block(s.body if known else s.orelse)
            return
        cond = self.condition(s.test)
        then_block = self.func.append_basic_block("if.then")
        else_block = self.func.append_basic_block("if.else")
        end_block = self.func.append_basic_block("if.end")
        self.builder.cbranch(cond, then_block, else_block)
        for block, body in ((then_block, s.body), (else_block, s.orelse)):
            self.builder.position_at_end(block)
            self.block(body)
            if not self.builder.block.is_terminated:
                self.builder.branch(end_block)
        self.builder.position_at_end(end_block)

    def stmt_While(self, s):
        head = self.func.append_basic_block("while.head")
        body = self.func.append_basic_block("while.body")
        end = self.func.append_basic_block("while.end")
        self.builder.branch(head)
        self.builder.position_at_end(head)
        self.builder.cbranch(self.condition(s.test), body, end)
        self.builder.position_at_end(body)
        self.loop_stack.append((head, end))
        self.block(s.body)
        self.loop_stack.pop()
        if not self.builder.block.is_terminated:
            self.builder.branch(head)
        self.builder.position_at_end(end)

    def stmt_For(self, s):
        plan = self.typed.parallel_loops.get(s)
        if plan is not None:
            from ember.codegen import parallel

            parallel.emit_parallel_for(self, s, plan)
            return
        loops.emit_for(self, s)

    def stmt_Break(self, s):
        self.builder.branch(self.loop_stack[-1][1])

    def stmt_Continue(self, s):
        self.builder.branch(self.loop_stack[-1][0])

    def stmt_Return(self, s):
        self.return_value(self.expr(s.value), self.types[s.value])

    def stmt_Raise(self, s):
        self.raise_exception(s.exc_class, s.message)

    def stmt_Assert(self, s):
        message = "" if s.message is None else str(s.message)
        self.check(self.condition(s.test), AssertionError, message)

    # ---- assignment ------------------------------------------------------------

    def store_target(self, target, value, ty, disjoint=False):
        """Assign `value` to a variable, tuple or element/view; `disjoint`: an
        array value does not read the view's memory (passes/aliasing.py)."""
        if isinstance(target, n.Var):
            slot_type = self.typed.var_types[target.name]
            value = casts.cast(self.builder, value, ty, slot_type)
            slot = self.slots[target.name]
            if refcount.is_refcounted(slot_type):
                if not self.steal_reference(value):
                    refcount.incref(self, value, slot_type)  # before the decref: `a = a`
                refcount.decref(self, self.builder.load(slot), slot_type)
            self.builder.store(value, slot)
        elif isinstance(target, n.TupleExpr):
            for i, sub in enumerate(target.items):
                item, item_type = self.unpack_item(value, ty, i)
                self.store_target(sub, item, item_type)
        elif isinstance(target, n.Index):
            index_type = self.types[target.index]
            setter = self.typed.calls.get(("set", target))
            if setter is not None:  # l[i] = v
                if isinstance(value, lazy.Lazy):
                    value = self.new_reference(lazy.materialize(self, value), value.ty)
                nodes = setter.arg_nodes[:-1]  # the list and its index (or slice bounds)
                self.emit_impl(setter, [self.expr(x) for x in nodes] + [value],
                               [self.types[x] for x in nodes] + [ty])
                return
            if isinstance(index_type, t.Array):  # a[mask] = v, a[ints] = v
                from ember.codegen import advanced

                advanced.setitem(self, self.expr(target.value), self.types[target.value],
                                 self.expr(target.index), index_type, value, ty)
                return
            if isinstance(self.types[target], t.Array):  # a slice or sub-array
                view = indexing.getitem(self, target)
                lazy.assign(self, view, self.types[target], value, ty, disjoint)
                return
            if isinstance(value, lazy.Lazy):
                value = self.new_reference(lazy.materialize(self, value), value.ty)
            base = self.expr(target.value)
            index = self.expr(target.index)
            ptr, elem = indexing.element_pointer(self, base, self.types[target.value], index,
                                                 self.types[target.index], target)
            indexing.store_element(self.builder, ptr, value, ty, elem)
        elif isinstance(target, n.Attr):  # a @jitclass field or property
            if isinstance(value, lazy.Lazy):
                value = self.new_reference(lazy.materialize(self, value), value.ty)
            base, base_type = self.expr(target.value), self.types[target.value]
            setter = self.typed.calls.get(("set", target))
            if setter is not None:
                self.emit_impl(setter, [base, value], [base_type, ty])
            else:
                instances.store_field(self, base, base_type, target.attr, value, ty)
        else:
            raise InternalError("unknown assignment target", target.loc)

    def unpack_item(self, value, ty, i):
        if isinstance(ty, t.Tuple):
            return self.builder.extract_value(value, i), ty.types[i]
        item = indexing.getitem_int(self, value, ty, ir.Constant(m.i64, i), None)
        return item, (ty.dtype if ty.ndim == 1 else t.Array(ty.dtype, ty.ndim - 1, "A"))

    # ---- exceptions ------------------------------------------------------------

    def raise_exception(self, exc_class, message, values=()):
        """Fill the exception record and leave with status 1."""
        self.module.keepalive.append(exc_class)
        text = "" if message is None else str(message)
        fmt = text if values else text.replace("%", "%%")
        exc = self.excinfo
        bld = self.builder
        bld.store(self.module.pointer_constant(id(exc_class)), bld.gep(
            exc, [ir.Constant(m.i32, 0), ir.Constant(m.i32, 0)]))
        bld.store(self.module.cstring(fmt) if message is not None else
                  ir.Constant(m.i8p, None),
                  bld.gep(exc, [ir.Constant(m.i32, 0), ir.Constant(m.i32, 1)]))
        for i, value in enumerate(values):
            bld.store(value, bld.gep(exc, [ir.Constant(m.i32, 0), ir.Constant(m.i32, 2 + i)]))
        self.leave(ir.Constant(m.i32, 1))

    def check(self, ok, exc_class, message, values=(), enabled=True):
        """Raise `exc_class(message % values)` unless `ok` (an i1) holds."""
        if not enabled:
            return
        with self.builder.if_then(self.builder.not_(ok), likely=False):
            self.raise_exception(exc_class, message, values)
            self.builder.position_at_end(self.func.append_basic_block("unreachable"))
            self.builder.unreachable()

    def check_zero_float(self, divisor, message):
        if self.error_model != "python":
            return False
        zero = ir.Constant(divisor.type, 0.0)
        self.check(self.builder.fcmp_unordered("!=", divisor, zero), ZeroDivisionError, message)
        return True

    def propagate(self, status):
        """After a call: return its nonzero status to our caller."""
        failed = self.builder.icmp_unsigned("!=", status, ir.Constant(m.i32, 0))
        with self.builder.if_then(failed, likely=False):
            self.leave(status)
            self.builder.position_at_end(self.func.append_basic_block("unreachable"))
            self.builder.unreachable()

    # ---- expressions -----------------------------------------------------------

    def expr(self, e):
        """The value of `e`; array expressions are computed into a new array."""
        value = self.lazy(e)
        if isinstance(value, lazy.Lazy):
            value = self.new_reference(lazy.materialize(self, value), value.ty)
        return value

    def lazy(self, e):
        """The value of `e`, or a lazy.Lazy for an array expression not yet computed."""
        try:
            return getattr(self, f"expr_{type(e).__name__}")(e)
        except EmberError as exc:
            raise exc.with_loc(e.loc) from None

    def elementwise(self, result_type, operands, compute):
        """A fused elementwise operation over (node or (value, type)) operands.
        Array arithmetic follows NumPy: division by zero gives inf/nan, no exception."""
        lazies, element_types = [], []
        for operand in operands:
            value, ty = operand if isinstance(operand, tuple) else (self.lazy(operand),
                                                                   self.types[operand])
            lazies.append(lazy.as_lazy(self, value, ty))
            element_types.append(lazy.element_type(ty))

        def compute_numpy_style(values):
            saved, self.error_model = self.error_model, "numpy"
            try:
                return compute(values, element_types)
            finally:
                self.error_model = saved
        return lazy.combine(self, result_type, lazies, compute_numpy_style)

    def condition(self, e):
        return casts.truth(self.builder, self.expr(e), self.types[e])

    def expr_Const(self, e):
        return self.constant(e.value, self.types[e])

    def constant(self, value, ty):
        if isinstance(ty, t.Complex):
            part = m.value_type(ty.part)
            return ir.Constant(m.value_type(ty), [ir.Constant(part, value.real),
                                                  ir.Constant(part, value.imag)])
        if isinstance(ty, t.Tuple):
            return ir.Constant(m.value_type(ty), [self.constant(v, it)
                                                  for v, it in zip(value, ty.types)])
        if isinstance(ty, (t.Integer, t.Boolean)):
            return ir.Constant(m.value_type(ty), int(value))
        if isinstance(ty, t.Float):
            return ir.Constant(m.value_type(ty), float(value))
        if isinstance(ty, t.Array):
            return indexing.constant_array(self, value, ty)
        return ir.Constant(m.value_type(ty), None)

    def expr_Global(self, e):
        return self.constant(e.value, self.types[e])

    def expr_Var(self, e):
        if e.name in self.virtual_values:
            return self.virtual_values[e.name]
        value = self.builder.load(self.slots[e.name])
        return casts.cast(self.builder, value, self.typed.var_types[e.name], self.types[e])

    def expr_NamedExpr(self, e):
        value = self.expr(e.value)
        self.store_target(n.Var(e.name), value, self.types[e.value])
        return value

    def expr_BinOp(self, e):
        result_type = self.types[e]
        if e.op == "@":  # np.matmul
            return self.emit_impl(self.typed.calls[e], [self.expr(e.left), self.expr(e.right)],
                                  [self.types[e.left], self.types[e.right]])
        if isinstance(result_type, t.Array):
            return self.elementwise(result_type, [e.left, e.right], lambda v, ts: (
                self.binop_values(e.op, v[0], ts[0], v[1], ts[1], result_type.dtype, e)))
        impl = self.typed.calls.get(e)
        if impl is not None and impl.arg_nodes:  # operators on lists
            return self.call_nodes(impl)
        if impl is not None:
            return self.emit_impl(impl, [self.expr(e.left), self.expr(e.right)],
                                  [self.types[e.left], self.types[e.right]])
        return self.binop_values(e.op, self.expr(e.left), self.types[e.left],
                                 self.expr(e.right), self.types[e.right], self.types[e], e)

    def binop_values(self, op, left, left_type, right, right_type, result_type, node):
        exponent = _small_int_exponent(op, node)
        if exponent is not None and isinstance(result_type, t.Complex):
            base = casts.cast(self.builder, left, left_type, result_type)
            return arith.complex_power_small_int(self, base, exponent, result_type)
        impl = self.typed.calls.get(node)
        if impl is not None:
            return self.emit_impl(impl, [left, right], [left_type, right_type])
        if isinstance(result_type, t.Tuple):
            return indexing.tuple_concat(self, left, left_type, right, right_type, result_type)
        inexact = (t.Complex, t.Float)
        int_division = op == "/" and not isinstance(left_type, inexact) and not isinstance(
            right_type, inexact)
        operand_type = t.float64 if int_division else result_type
        left = casts.cast(self.builder, left, left_type, operand_type)
        right = casts.cast(self.builder, right, right_type, operand_type)
        if int_division:  # Python's message for int / 0 names no float
            self.check_zero_float(right, "division by zero")
        exponent = _small_int_exponent(op, node)
        if exponent is not None and isinstance(operand_type, t.Float) and not self.fmflags:
            return arith.float_power_small_int(self, left, exponent)
        return arith.binop(self, op, left, right, operand_type)

    def expr_UnaryOp(self, e):
        result_type = self.types[e]
        if isinstance(result_type, t.Array):
            return self.elementwise(result_type, [e.operand], lambda v, ts: self.unary_values(
                e.op, v[0], ts[0], result_type.dtype))
        return self.unary_values(e.op, self.expr(e.operand), self.types[e.operand], result_type)

    def unary_values(self, op, value, ty, result_type):
        if op == "not":
            return self.builder.not_(casts.truth(self.builder, value, ty))
        value = casts.cast(self.builder, value, ty, result_type)
        if op == "-":
            return arith.negate(self, value, result_type)
        if op == "~":
            return self.builder.not_(value)
        return value

    def expr_Compare(self, e):
        impl = self.typed.calls.get(e)
        if impl is not None:  # `x in l`, `l == m`
            result = self.call_nodes(impl)
            return self.builder.not_(result) if e.op in ("not in", "!=") else result
        if isinstance(self.types[e], t.Array):
            return self.elementwise(self.types[e], [e.left, e.right], lambda v, ts: (
                self.compare_values(e.op, v[0], ts[0], v[1], ts[1])))
        left_type, right_type = self.types[e.left], self.types[e.right]
        left, right = self.expr(e.left), self.expr(e.right)
        return self.compare_values(e.op, left, left_type, right, right_type)

    def compare_values(self, op, left, left_type, right, right_type):
        bld = self.builder
        if op in ("is", "is not", "==", "!=") and (
                isinstance(left_type, t.NoneType) or isinstance(right_type, t.NoneType)):
            same = isinstance(left_type, t.NoneType) and isinstance(right_type, t.NoneType)
            return ir.Constant(m.i1, same == (op in ("is", "==")))
        if isinstance(left_type, t.CompileTimeValue) and isinstance(right_type, t.CompileTimeValue):
            return ir.Constant(m.i1, ops.compile_time_compare(op, left_type.value,
                                                             right_type.value))
        if op in ("is", "is not"):
            op = "==" if op == "is" else "!="
        if op in ("in", "not in"):
            found = ir.Constant(m.i1, 0)
            for i, item_type in enumerate(right_type.types):
                item = bld.extract_value(right, i)
                found = bld.or_(found, self.compare_values("==", left, left_type, item,
                                                           item_type))
            return found if op == "in" else bld.not_(found)
        if isinstance(left_type, t.Tuple):
            return indexing.tuple_compare(self, op, left, left_type, right, right_type)
        from ember.typing.unify import arithmetic_type

        common = arithmetic_type(left_type, right_type)
        left = casts.cast(bld, left, left_type, common)
        right = casts.cast(bld, right, right_type, common)
        return arith.compare(self, op, left, right, common)

    def expr_BoolOp(self, e):
        """`a and b`: b only runs when a is true; the result is a or b itself."""
        result_type = self.types[e]
        left = casts.cast(self.builder, self.expr(e.left), self.types[e.left], result_type)
        left_truth = casts.truth(self.builder, left, result_type)
        left_block = self.builder.block
        right_block = self.func.append_basic_block(f"{e.op}.rhs")
        end = self.func.append_basic_block(f"{e.op}.end")
        if e.op == "and":
            self.builder.cbranch(left_truth, right_block, end)
        else:
            self.builder.cbranch(left_truth, end, right_block)
        self.builder.position_at_end(right_block)
        right = casts.cast(self.builder, self.expr(e.right), self.types[e.right], result_type)
        right_end = self.builder.block
        self.builder.branch(end)
        self.builder.position_at_end(end)
        phi = self.builder.phi(m.value_type(result_type))
        phi.add_incoming(left, left_block)
        phi.add_incoming(right, right_end)
        return phi

    def expr_IfExp(self, e):
        result_type = self.types[e]
        cond = self.condition(e.test)
        then_block = self.func.append_basic_block("ifexp.then")
        else_block = self.func.append_basic_block("ifexp.else")
        end = self.func.append_basic_block("ifexp.end")
        self.builder.cbranch(cond, then_block, else_block)
        incoming = []
        for block, branch in ((then_block, e.body), (else_block, e.orelse)):
            self.builder.position_at_end(block)
            value = casts.cast(self.builder, self.expr(branch), self.types[branch], result_type)
            incoming.append((value, self.builder.block))
            self.builder.branch(end)
        self.builder.position_at_end(end)
        phi = self.builder.phi(m.value_type(result_type))
        for value, block in incoming:
            phi.add_incoming(value, block)
        return phi

    def expr_TupleExpr(self, e):
        ty = self.types[e]
        out = ir.Constant(m.value_type(ty), None)
        for i, item in enumerate(e.items):
            out = self.builder.insert_value(out, self.expr(item), i)
        return out

    def expr_ListExpr(self, e):
        values = [self.expr(item) for item in e.items]
        return self.new_reference(lists.build(self, self.types[e], values, [
            self.types[item] for item in e.items]), self.types[e])

    def expr_SliceExpr(self, e):
        raise InternalError("a slice outside an index", e.loc)

    def expr_Attr(self, e):
        value = self.expr(e.value)
        if isinstance(self.types[e.value], t.InstanceType):
            getter = self.typed.calls.get(e)  # a property
            if getter is not None:
                return self.emit_impl(getter, [value], [self.types[e.value]])
            return instances.load_field(self, value, self.types[e.value], e.attr)
        if isinstance(self.types[e], t.CompileTimeValue):  # a.dtype: no runtime form
            return self.constant(None, self.types[e])
        return indexing.attribute(self, value, self.types[e.value], e.attr)

    def expr_Index(self, e):
        return indexing.getitem(self, e)

    def expr_Call(self, e):
        return self.call_nodes(self.typed.calls[e])

    def call_nodes(self, impl):
        """Evaluate an Impl's argument nodes (defaults as constants) and call it."""
        nodes = impl.arg_nodes
        values = []
        types = []
        evaluate = self.lazy if impl.lazy_args or impl.elementwise else self.expr
        for slot in impl.binding:
            if isinstance(slot, int):
                node = nodes[slot]
            elif isinstance(slot, str):
                node = impl.kw_nodes[slot]
            else:
                ty = impl.arg_types[len(values)]
                values.append(self.constant(slot[1], ty))
                types.append(ty)
                continue
            values.append(evaluate(node) if node is not None else None)
            types.append(self.types.get(node))
        if impl.elementwise:
            return self.elementwise(impl.return_type, list(zip(values, types)),
                                    lambda v, ts: self.emit_impl(impl, v, ts, scalar=True))
        return self.emit_impl(impl, values, types)

    def emit_impl(self, impl, values, types, scalar=False):
        """Call an Impl; `scalar`: one element of an elementwise call."""
        if impl.lazy_args:
            converted = values
        else:
            converted = [v if v is None or at is None else casts.cast(self.builder, v, at, want)
                         for v, at, want in zip(values, types, impl.arg_types)]
        if scalar:
            if impl.emit is not None:
                return impl.emit(self, converted)
            return self.call_typed(impl.typed, converted, impl.options_of(self.options))
        if impl.emit is not None:
            result = impl.emit(self, converted)
        else:
            result = self.call_typed(impl.typed, converted, impl.options_of(self.options))
        return self.new_reference(result, impl.return_type)

    def call_typed(self, typed, args, options):
        callee = self.module.function_for(typed, options)
        out = self.alloca(m.value_type(typed.return_type), "ret")
        status = self.builder.call(callee, [out, self.excinfo] + list(args))
        self.propagate(status)
        return self.builder.load(out)

    # ---- helpers for library code ---------------------------------------------

    def call_intrinsic(self, name, args, result_type=None):
        """Call an overloaded LLVM intrinsic such as llvm.floor, named by arg type."""
        suffix = _type_suffix(args[0].type)
        fnty = ir.FunctionType(result_type or args[0].type, [a.type for a in args])
        fn = self.module.llvm.globals.get(f"{name}.{suffix}")
        if fn is None:
            fn = ir.Function(self.module.llvm, fnty, f"{name}.{suffix}")
        return self.builder.call(fn, args)

    def call_external(self, name, return_type, args):
        """Call a C function of the process (libm) by symbol name."""
        fnty = ir.FunctionType(return_type, [a.type for a in args])
        fn = self.module.llvm.globals.get(name)
        if fn is None:
            fn = ir.Function(self.module.llvm, fnty, name)
        return self.builder.call(fn, args)


def _type_suffix(llty):
    if isinstance(llty, ir.DoubleType):
        return "f64"
    if isinstance(llty, ir.FloatType):
        return "f32"
    if isinstance(llty, ir.IntType):
        return f"i{llty.width}"
    raise TypeError(f"no intrinsic suffix for {llty}")


def _assignment_counts(typed):
    """How many statements assign each variable (parameters count none)."""
    counts = getattr(typed, "assignment_counts", None)
    if counts is None:
        counts = typed.assignment_counts = n.assignment_counts(typed.func.body)
    return counts


def _reassigned(typed):
    """Parameters and variables assigned more than once: what an assignment to
    them outside loops can find already holding an array."""
    return set(typed.func.params) | {name for name, count in _assignment_counts(typed).items()
                                     if count > 1}


def _binop_element(op, operand, dtype):
    """The element type `op` produces from operands of `operand` type."""
    if op == "/" and isinstance(operand, (t.Integer, t.Boolean)):
        return t.float64
    return operand


def _small_int_exponent(op, node):
    """n when the operation is `x ** n` with a literal integer 2 <= n <= 8."""
    right = getattr(node, "right", None) if op == "**" else None
    if isinstance(node, n.AugAssign):
        right = node.value if op == "**" else None
    if isinstance(right, n.Const) and type(right.value) in (int, float):
        value = right.value
        if value == int(value) and 2 <= value <= 8:
            return int(value)
    return None
