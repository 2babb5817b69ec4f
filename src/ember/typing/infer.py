"""Type inference: types every variable and expression of a function to a
fixed point, and resolves every call to an `Impl` through the registry.

Each variable has one type: the unification of all values assigned to it
(int then float -> float, as Numba does). Types still unknown in a pass
(`None`, e.g. a recursive call before any return is typed) propagate until
the next pass; anything unknown after the fixed point is an error.
"""

import inspect
import operator
import threading

from ember.errors import EmberError, InternalError, TypingError
from ember.ir import nodes as n
from ember.types import core as t
from ember.typing import classes, lists, ops
from ember.typing.calls import resolve_call, resolve_dispatcher, type_global, with_literals
from ember.typing.registry import lookup
from ember.typing.unify import unify

_MAX_PASSES = 50
_UNKNOWN = object()
_COMPARISONS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
                ">": operator.gt, ">=": operator.ge}
_cache = {}
_in_progress = {}
_lock = threading.RLock()


class TypedFunction:
    """A function specialised to argument types, ready for codegen."""

    def __init__(self, func, arg_types, return_type, typemap, var_types, calls):
        self.func, self.arg_types, self.return_type = func, arg_types, return_type
        self.typemap, self.var_types, self.calls = typemap, var_types, calls
        self.safe_indexes = set()  # Index nodes the bounds-check pass proved in range

    @property
    def signature(self):
        return t.Signature(self.return_type, self.arg_types)

    def __repr__(self):
        return f"<typed {self.func.name}{self.signature}>"


def type_function(func, arg_types):
    """Type `func` (ember IR) for `arg_types`; cached per (function, types)."""
    key = (func, tuple(arg_types))
    with _lock:
        if key in _cache:
            return _cache[key]
        if key in _in_progress:  # a recursive call: what is known so far
            return _in_progress[key]
        placeholder = _Partial(func, arg_types)
        _in_progress[key] = placeholder
        try:
            typed = _Typer(func, tuple(arg_types), placeholder).run()
        finally:
            del _in_progress[key]
        _cache[key] = typed
        return typed


class _Partial:
    """Stands for a function being typed; its return type grows each pass."""

    def __init__(self, func, arg_types):
        self.func, self.arg_types, self.return_type = func, tuple(arg_types), None
        self.typemap = None


class _Typer:
    def __init__(self, func, arg_types, partial):
        if len(arg_types) != len(func.params):
            raise TypingError(f"{func.name}() takes {len(func.params)} arguments, "
                              f"got {len(arg_types)}", func.loc)
        self.func, self.arg_types, self.partial = func, arg_types, partial
        self.var_types = dict(zip(func.params, arg_types))
        self.params = set(func.params)
        self.empty_sites = {}  # variable -> where an empty list was assigned to it

    def type_function(self, func, arg_types):
        return type_function(func, arg_types)

    def run(self):
        for _ in range(_MAX_PASSES):
            before = (dict(self.var_types), self.partial.return_type)
            self.one_pass()
            self.partial.return_type = self.return_type
            if (dict(self.var_types), self.partial.return_type) == before and self.complete:
                break
        else:
            raise TypingError(f"type inference of {self.func.name} did not converge",
                              self.func.loc)
        self.check_complete()
        typed = TypedFunction(self.func, self.arg_types, self.return_type, self.typemap,
                              self.var_types, self.calls)
        typed.static_branches = self.static_branches
        return typed

    def one_pass(self):
        self.typemap, self.calls, self.unknown = {}, {}, []
        self.static_branches = {}
        self.return_type, self.complete = None, True
        self.block(self.func.body)
        if not ops.terminates(self.func.body, self.static_branches):
            self.add_return(t.none, self.func.loc)

    def check_complete(self):
        if self.unknown:
            node = self.unknown[0]
            raise TypingError("cannot infer the type of this expression (a recursive call "
                              "needs a base case that returns first?)", node.loc)
        if self.return_type is None:
            self.return_type = t.none
        lists.check_complete(self)

    def add_return(self, ty, loc):
        if ty is None:
            return
        merged = unify(self.return_type, ty)
        if merged is None:
            raise TypingError(f"{self.func.name} returns {self.return_type} on one path and "
                              f"{ty} on another; all returns must unify to one type", loc)
        self.return_type = merged

    # ---- statements ----------------------------------------------------------

    def block(self, stmts):
        for stmt in stmts:
            try:
                getattr(self, f"stmt_{type(stmt).__name__}")(stmt)
            except EmberError as exc:
                raise exc.with_loc(stmt.loc) from None
            except Exception as exc:
                raise InternalError(f"{type(exc).__name__}: {exc}", stmt.loc) from exc
            if ops.terminates([stmt], self.static_branches):
                break  # what follows is unreachable: neither typed nor emitted

    def known_value(self, e):
        """The value of `e` when types alone fix it: literals, `a.ndim`, values
        known while compiling (`a.dtype`, `np.float64`) and `isinstance(...)`."""
        if isinstance(e, n.Const) and isinstance(e.value, (int, float, str)):
            return e.value
        if isinstance(e, n.Attr) and e.attr == "ndim":
            ty = self.expr(e.value)
            if isinstance(ty, t.Array):
                return ty.ndim
        if isinstance(e, n.Call) and isinstance(e.func, n.Global) and e.func.value is isinstance:
            ty = self.expr(e)
            return ops.isinstance_value(*[self.expr(a) for a in e.args]) if ty else _UNKNOWN
        if isinstance(e, (n.Attr, n.Global)):
            ty = self.expr(e)
            if isinstance(ty, t.CompileTimeValue):
                return ty.value
        return _UNKNOWN

    def stmt_Assign(self, s):
        value_type = self.expr(s.value)
        if (lists.is_fresh(s.value) and isinstance(s.target, n.Var) and value_type is not None
                and s.target.name not in self.params):
            # a new list takes its variable's item type (see typing/lists.py)
            merged = lists.assign_fresh(self, s.target.name, value_type, s)
            lists.retype_fresh(self, s.value, merged)
            self.typemap[s.target] = merged
            return
        self.assign(s.target, value_type, s)

    def stmt_AugAssign(self, s):
        current = self.expr(s.target)
        value = self.expr(s.value)
        if current is None or value is None:
            return
        if isinstance(current, t.List):  # `l += x` extends l in place, `l *= n` repeats it
            if s.op not in ("+", "*"):
                raise TypingError(f"'{s.op}=' on a list is not supported", s.loc)
            self.list_method(s, s.target, "extend" if s.op == "+" else "__imul__",
                             [s.target, s.value], [current, value], s)
            self.typemap[s] = self.var_types.get(getattr(s.target, "name", None), current)
            return
        result = self.binop(s.op, current, value, s.value, s)
        if isinstance(current, t.Array):  # in place: the target keeps its type
            ops.check_array_store(result, current, s)
            self.typemap[s] = current
            return
        self.typemap[s] = result
        if isinstance(s.target, n.Var):
            self.set_var(s.target.name, result, s)
        else:
            self.assign(s.target, result, s, evaluated=True)

    def stmt_ExprStmt(self, s):
        self.expr(s.value)

    def stmt_If(self, s):
        known = self.static_truth(s.test)
        if known is None:
            self.condition(s.test)
            self.block(s.body)
            self.block(s.orelse)
        else:  # `if x is None` on a typed x: only the live branch exists
            self.static_branches[s] = known
            self.block(s.body if known else s.orelse)

    def static_truth(self, test):
        """True/False for a test decided by types alone (`x is None`, `a.ndim == 2`,
        `a.dtype == np.float32`, `isinstance(x, float)`, literal conditions), else
        None: only the live branch is typed and emitted."""
        if isinstance(test, n.Const) and isinstance(test.value, bool):
            return test.value
        if isinstance(test, n.UnaryOp) and test.op == "not":
            known = self.static_truth(test.operand)
            return None if known is None else not known
        if isinstance(test, n.BoolOp):
            return self.static_bool_op(test)
        if isinstance(test, n.Call):
            known = self.known_value(test)
            return None if known is _UNKNOWN else known
        if isinstance(test, n.Compare) and (
                test.op in _COMPARISONS or test.op in ("is", "is not")):
            left, right = self.known_value(test.left), self.known_value(test.right)
            if left is not _UNKNOWN and right is not _UNKNOWN:
                self.expr(test.left), self.expr(test.right)
                if test.op in ("==", "!=", "is", "is not"):
                    return ops.compile_time_compare(test.op, left, right)
                try:
                    return bool(_COMPARISONS[test.op](left, right))
                except TypeError:
                    return None
        if not (isinstance(test, n.Compare) and test.op in ("is", "is not")):
            return None
        sides = (test.left, test.right)
        if not any(isinstance(x, n.Const) and x.value is None for x in sides):
            return None
        types = [self.expr(x) for x in sides]
        if None in types:
            return None
        same = all(isinstance(ty, t.NoneType) for ty in types)
        return same if test.op == "is" else not same

    def static_bool_op(self, test):
        """`a and b` / `a or b` decided by types: `a` known and settling the
        test (True for `or`), or both sides known. An unknown `a` keeps the
        test, which evaluates it."""
        left = self.static_truth(test.left)
        if left is None:
            return None
        if left == (test.op == "or"):
            return left
        return self.static_truth(test.right)

    def stmt_While(self, s):
        self.condition(s.test)
        self.block(s.body)

    def stmt_For(self, s):
        iter_type = self.expr(s.iter)
        if iter_type is not None:
            item = ops.iteration_type(iter_type, s.iter)
            self.assign(s.target, item, s)
        self.block(s.body)

    def stmt_Break(self, s):
        pass

    stmt_Continue = stmt_Break

    def stmt_Return(self, s):
        self.add_return(self.expr(s.value), s.loc)

    def stmt_Raise(self, s):
        pass

    def stmt_Assert(self, s):
        self.condition(s.test)

    def condition(self, test):
        ty = self.expr(test)
        if ty is not None:
            ops.check_truth(ty, test)

    # ---- assignment ----------------------------------------------------------

    def assign(self, target, value_type, stmt, evaluated=False):
        if value_type is None:
            self.complete = False
            return
        if isinstance(target, n.Var):
            self.typemap[target] = self.set_var(target.name, value_type, stmt)
        elif isinstance(target, n.TupleExpr):
            items = ops.unpack_types(value_type, len(target.items), stmt)
            for sub, item in zip(target.items, items):
                self.assign(sub, item, stmt)
            self.typemap[target] = value_type
        elif isinstance(target, n.Index):
            base = self.expr(target.value)
            index = self.expr(target.index)
            if isinstance(base, t.List) and isinstance(target.index, n.SliceExpr):
                parts = lists.slice_parts(target)
                types = self.exprs(parts)
                if types is not None:
                    self.list_method(("set", target), target.value, "__setslice__",
                                     [target.value] + parts + [None],
                                     [base] + types + [value_type], target)
                    self.typemap[target] = base
            elif isinstance(base, t.List) and index is not None:
                lists.check_index(index, target)
                self.list_method(("set", target), target.value, "__setitem__",
                                 [target.value, target.index, None], [base, index, value_type],
                                 target)
                self.typemap[target] = self.var_types.get(getattr(target.value, "name", None),
                                                          base).dtype
            elif base is not None and index is not None:
                ops.setitem_check(base, index, value_type, target)
                self.typemap[target] = ops.getitem_type(base, index, target)
        elif isinstance(target, n.Attr):
            base = self.expr(target.value)
            if not isinstance(base, t.InstanceType):
                if base is None:
                    return
                raise TypingError(f"cannot set attribute '{target.attr}' of a value of type "
                                  f"{base}", target.loc)
            classes.set_attribute(self, base, target, value_type, stmt)
        else:
            raise TypingError("cannot assign to this target", target.loc)

    def set_var(self, name, ty, stmt):
        current = self.var_types.get(name)
        merged = unify(current, ty)
        if merged is None:
            raise TypingError(
                f"variable '{name}' holds {current} here but is assigned {ty}; a variable "
                "keeps one type (numbers unify: int and float give float)", stmt.loc)
        if name in self.params and merged != current:
            merged = current if ops.can_store(ty, current) else merged
            if merged != current:
                raise TypingError(f"parameter '{name}' has type {current} but is assigned "
                                  f"{ty}", stmt.loc)
        self.var_types[name] = merged
        return merged

    # ---- expressions ---------------------------------------------------------

    def expr(self, e):
        try:
            ty = getattr(self, f"expr_{type(e).__name__}")(e)
        except EmberError as exc:
            raise exc.with_loc(e.loc) from None
        if ty is None:
            self.unknown.append(e)
            self.complete = False
        self.typemap[e] = ty
        return ty

    def exprs(self, items):
        types = [self.expr(i) for i in items]
        return None if None in types else types

    def expr_Const(self, e):
        return ops.const_type(e.value, e)

    def expr_Global(self, e):
        return type_global(e.value)

    def expr_Var(self, e):
        ty = self.var_types.get(e.name)
        if ty is None and e.name in self.assigned_somewhere:
            return None
        if ty is None:
            raise TypingError(f"variable '{e.name}' is used before it is assigned", e.loc)
        return ty

    @property
    def assigned_somewhere(self):
        return self.var_types.keys() | _assigned(self.func)

    def expr_BinOp(self, e):
        left, right = self.expr(e.left), self.expr(e.right)
        if left is None or right is None:
            return None
        return self.binop(e.op, left, right, e.right, e)

    def binop(self, op, left, right, right_node, node):
        """Operator typing; `**` on ints and complex numbers and `@` are library code."""
        if op == "@":
            import numpy as np

            impl = self.resolve(np.matmul, [left, right], {}, node)
            if impl is None:
                return None
            self.calls[node] = impl
            return impl.return_type
        on_lists = lists.operator_callee(op, left, right)
        if on_lists is not None:
            key, order = on_lists
            operands = [node.left, node.right] if isinstance(node, n.BinOp) else [None, None]
            types = [left, right]
            impl = self.resolve(key, [types[i] for i in order], {}, node)
            if impl is None:
                return None
            impl.arg_nodes, impl.kw_nodes = [operands[i] for i in order], {}
            self.calls[node] = impl
            return impl.return_type
        result = ops.binop_type(op, left, right, right_node, node)
        element = result.dtype if isinstance(result, t.Array) else result
        if op == "**" and isinstance(element, (t.Integer, t.Complex)):
            impl = self.resolve(pow, [element, element], {}, node)
            if impl is None:
                return None
            self.calls[node] = impl
            return result if isinstance(result, t.Array) else impl.return_type
        return result

    def expr_UnaryOp(self, e):
        operand = self.expr(e.operand)
        return None if operand is None else ops.unary_type(e.op, operand, e)

    def expr_Compare(self, e):
        left, right = self.expr(e.left), self.expr(e.right)
        if left is None or right is None:
            return None
        e.elementwise_compare = isinstance(left, t.Array) or isinstance(right, t.Array)
        if e.op in ("in", "not in") and isinstance(right, t.List):
            return self.list_method(e, e.right, "__contains__", [e.right, e.left],
                                    [right, left], e)
        if e.op in ("==", "!=") and isinstance(left, t.List) and isinstance(right, t.List):
            if left.dtype is None:  # `[] == l`: equality is symmetric
                return self.list_method(e, e.right, "__eq__", [e.right, e.left],
                                        [right, left], e)
            return self.list_method(e, e.left, "__eq__", [e.left, e.right], [left, right], e)
        return ops.compare_type(e.op, left, right, e)

    def expr_BoolOp(self, e):
        left, right = self.expr(e.left), self.expr(e.right)
        if left is None or right is None:
            return None
        ops.check_truth(left, e.left)
        merged = unify(left, right)
        if merged is None:
            raise TypingError(f"'{e.op}' of {left} and {right}: the operands must have "
                              "types that unify", e.loc)
        return merged

    def expr_IfExp(self, e):
        self.condition(e.test)
        body, orelse = self.expr(e.body), self.expr(e.orelse)
        if body is None or orelse is None:
            return None
        merged = unify(body, orelse)
        if merged is None:
            raise TypingError(f"the branches of a conditional expression have types {body} "
                              f"and {orelse}, which do not unify", e.loc)
        return merged

    def expr_NamedExpr(self, e):
        ty = self.expr(e.value)
        if ty is not None:
            self.set_var(e.name, ty, e)
        return ty

    def expr_TupleExpr(self, e):
        items = self.exprs(e.items)
        return None if items is None else t.Tuple(items)

    def expr_ListExpr(self, e):
        items = self.exprs(e.items)
        if items is None:
            return None
        ty = lists.literal_type(items, e)
        for item in e.items:
            lists.retype_fresh(self, item, ty.dtype)
        return ty

    def list_method(self, key, receiver, name, arg_nodes, arg_types, node, kwargs=()):
        """Type a list method (or operator) call, refining a fresh receiver's item
        type by what goes into it; the Impl goes to self.calls[key]."""
        list_type = arg_types[0]
        arg_types = [lists.fit_empty(self, node_, ty, list_type)
                     for node_, ty in zip(arg_nodes, arg_types)]
        if name in lists.MUTATORS and len(arg_types) > lists.MUTATORS[name]:
            item = arg_types[lists.MUTATORS[name]]
            list_type = lists.refine(self, receiver, list_type, item, node)
            lists.check_item(list_type, item, node)
        elif name in ("extend", "__setslice__") and isinstance(arg_types[-1], t.List) and (
                arg_types[-1].dtype is not None):
            list_type = lists.refine(self, receiver, list_type, arg_types[-1].dtype, node)
            lists.check_item(list_type, arg_types[-1].dtype, node)
        arg_types = [list_type] + list(arg_types[1:])
        kw_types = {k: self.typemap[v] for k, v in kwargs}
        impl = self.resolve(("method", t.List, name), arg_types, kw_types, node)
        if impl is None:
            return None
        impl.arg_nodes, impl.kw_nodes = arg_nodes, dict(kwargs)
        self.calls[key] = impl
        return impl.return_type

    def expr_SliceExpr(self, e):
        parts = [p for p in (e.start, e.stop, e.step) if p is not None]
        types = self.exprs(parts)
        if types is None:
            return None
        for part, ty in zip(parts, types):
            if not isinstance(ty, (t.Integer, t.Boolean, t.NoneType)):
                raise TypingError(f"slice bounds must be integers, not {ty}", part.loc)
        return ops.slice_type

    def expr_Attr(self, e):
        value = self.expr(e.value)
        if isinstance(value, t.InstanceType):
            return classes.attribute_type(self, value, e)
        return None if value is None else ops.attribute_type(value, e.attr, e)

    def expr_Index(self, e):
        value = self.expr(e.value)
        if isinstance(value, t.CompileTimeValue) and value.kind == "index builder":
            return self.index_builder(value.value, e)
        if isinstance(value, t.List) and isinstance(e.index, n.SliceExpr):
            parts = lists.slice_parts(e)
            types = self.exprs(parts)
            return None if types is None else self.list_method(
                e, e.value, "__getslice__", [e.value] + parts, [value] + types, e)
        index = self.expr(e.index)
        if value is None or index is None:
            return None
        if isinstance(value, t.List):
            lists.check_index(index, e)
            return self.list_method(e, e.value, "__getitem__", [e.value, e.index],
                                    [value, index], e)
        return ops.getitem_type(value, index, e)

    def index_builder(self, builder, e):
        """np.mgrid[a:b:c, ...] / np.ogrid[...]: a call with the slices' parts."""
        items = e.index.items if isinstance(e.index, n.TupleExpr) else [e.index]
        if not all(isinstance(item, n.SliceExpr) for item in items):
            raise TypingError("np.mgrid and np.ogrid take slices: np.mgrid[0:1:5j, 0:2]",
                              e.loc)
        nodes = [part for item in items for part in (item.start, item.stop, item.step)]
        types = [t.none if node is None else self.expr(node) for node in nodes]
        if None in types:
            return None
        impl = resolve_call(("index", type(builder)), types, {}, e)
        impl.arg_nodes, impl.kw_nodes = nodes, {}
        impl.multiple_slices = isinstance(e.index, n.TupleExpr)
        self.calls[e] = impl
        return impl.return_type

    def expr_Call(self, e):
        func = e.func
        if isinstance(func, n.Attr):
            receiver = self.expr(func.value)
            if receiver is None:
                return None
            if isinstance(receiver, t.CompileTimeValue) and receiver.kind == "module":
                raise TypingError(f"module attribute {func.attr} is not supported", e.loc)
            if isinstance(receiver, t.InstanceType):
                callee, args = classes.method_callee(receiver, func, func.value, e.args)
            elif isinstance(receiver, t.CompileTimeValue):  # a.dtype.type(x): np.float32(x)
                callee, args = self.compile_time_callee(receiver, func), list(e.args)
            elif isinstance(receiver, t.List):
                args = [func.value] + list(e.args)
                arg_types = self.exprs(args)
                kw_types = {k: self.expr(v) for k, v in e.kwargs}
                if arg_types is None or None in kw_types.values():
                    return None
                return self.list_method(e, func.value, func.attr, args, arg_types, e, e.kwargs)
            else:
                callee = ("method", type(receiver), func.attr)
                args = [func.value] + list(e.args)
        else:
            callee_type = self.expr(func)
            if callee_type is None:
                return None
            if not isinstance(callee_type, t.CompileTimeValue):
                raise TypingError(f"a value of type {callee_type} is not callable", e.loc)
            callee, args = callee_type.value, list(e.args)
        arg_types = self.exprs(args)
        kw_types = {k: self.expr(v) for k, v in e.kwargs}
        if arg_types is None or None in kw_types.values():
            return None
        arg_types, kw_types = with_literals(callee, args, arg_types, dict(e.kwargs), kw_types)
        impl = self.resolve(callee, arg_types, kw_types, e)
        if impl is None:
            return None
        impl.arg_nodes, impl.kw_nodes = args, dict(e.kwargs)
        self.calls[e] = impl
        return impl.return_type

    def compile_time_callee(self, receiver, func):
        if isinstance(getattr(receiver.value, "class_type", None), t.ClassType):
            return classes.static_callee(receiver.value, func)  # Class.static_method(x)
        member = getattr(receiver.value, func.attr, None)
        if member is not None and lookup(member) is not None:
            return member  # a registered class method: typed.List.empty_list
        callee_type = ops.attribute_type(receiver, func.attr, func)
        if not isinstance(callee_type, t.CompileTimeValue) or not callable(callee_type.value):
            raise TypingError(f"a value of type {callee_type} is not callable", func.loc)
        return callee_type.value

    def resolve(self, callee, arg_types, kw_types, e):
        if _is_compilable_python(callee) and lookup(callee) is None:
            return resolve_dispatcher(callee, arg_types, kw_types, e, type_function)
        impl = resolve_call(callee, arg_types, kw_types, e)
        if impl.py_impl is not None and impl.arg_types is None:
            # Library code with NumPy's own signature: bind the call to it directly.
            inner = resolve_dispatcher(impl.py_impl, arg_types, kw_types, e, type_function)
            if inner is None:
                return None
            impl.binding = inner.binding
        elif impl.py_impl is not None:
            # Library code compiled like user code; its own defaults fill in.
            inner = resolve_dispatcher(impl.py_impl, impl.arg_types, {}, e, type_function)
            if inner is None:
                return None
            impl.binding = [impl.binding[s] if isinstance(s, int) else s
                            for s in inner.binding]
        if impl.py_impl is not None:
            impl.arg_types, impl.typed = inner.arg_types, inner.typed
            if impl.elementwise:
                impl.return_type = t.Array(inner.return_type, impl.return_type.ndim, "C")
            else:
                impl.return_type = inner.return_type
        return impl


def _is_compilable_python(callee):
    """Jitted dispatchers, plain Python functions and inner functions are
    compiled as callees."""
    from ember.frontend.lower import InnerFunction

    return (getattr(callee, "_ember_dispatcher", False) or inspect.isfunction(callee)
            or isinstance(callee, InnerFunction))


def _lower(py_func):
    from ember.frontend.lower import lower_function_cached

    return lower_function_cached(py_func)


_assigned_cache = {}


def _assigned(func):
    names = _assigned_cache.get(func)
    if names is None:
        names = set(func.params)
        for stmt in n.walk(func.body):
            names |= n.assigned_names(stmt)
        _assigned_cache[func] = names
    return names

