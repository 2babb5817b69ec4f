"""Python AST -> ember IR: one `visit_<Node>` per supported construct.

Unknown syntax raises UnsupportedError at its location. Free names become
`Global` constants (frozen at compile time); attribute chains on modules
(`np.random.rand`) fold into one constant.
"""

import ast
import difflib
import inspect
import types as pytypes

from ember.errors import UnsupportedError
from ember.frontend.operators import BINOPS, CMPOPS, UNARYOPS
from ember.frontend.source import Source, free_variables, is_missing
from ember.ir import nodes as n

_CONSTANT_TYPES = (int, float, complex, bool, str, type(None))


def lower_function(py_func):
    """Parse and lower `py_func`; the result is shared by all its specialisations."""
    return _Lowerer(Source(py_func), py_func).function()


def assigned_names(tree):
    """Names bound in the function's own scope: its local variables (names
    bound inside nested functions belong to those)."""
    names = set()

    def visit(node, top):
        if not top and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            if not isinstance(node, ast.Lambda):
                names.add(node.name)
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        for child in ast.iter_child_nodes(node):
            visit(child, False)
    visit(tree, True)
    return names


class InnerFunction:
    """A `def` inside a compiled function, lambda-lifted: the enclosing
    function's variables it reads (`captured`) become trailing parameters,
    passed by keyword at each call with their values at the time of the call,
    which is what a Python closure sees."""

    def __init__(self, name, qualname, signature, captured):
        self.__name__, self.__qualname__ = name, qualname
        self.__signature__, self.captured = signature, captured
        self.ir = None  # set once the body is lowered (it may call itself)

    def __call__(self, *args, **kwargs):
        raise TypeError(f"{self.__qualname__} exists only inside compiled code")


class _Lowerer:
    def __init__(self, source, py_func):
        self.source, self.py_func = source, py_func
        self.scope = free_variables(py_func)
        self.locals = assigned_names(source.tree)
        self.inner_functions = {}  # name -> InnerFunction defined in this body
        self.temp_count = 0

    def function(self):
        tree = self.source.tree
        self.check_arguments(tree.args)
        params = [a.arg for a in tree.args.args]
        body = self.body(tree.body)
        return n.Function(tree.name, params, body, self.source.loc(tree), self.py_func)

    def check_arguments(self, args):
        if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
            raise self.unsupported(args.vararg or args.kwarg or args.kwonlyargs[0]
                                   if (args.vararg or args.kwarg or args.kwonlyargs)
                                   else self.source.tree,
                                   "*args, **kwargs, keyword-only and positional-only "
                                   "parameters are not supported yet")

    # ---- helpers -------------------------------------------------------------

    def loc(self, node):
        return self.source.loc(node)

    def unsupported(self, node, message, hint=None):
        return UnsupportedError(message, self.loc(node), hint)

    def temp(self, prefix):
        self.temp_count += 1
        return f"${prefix}{self.temp_count}"

    def body(self, stmts):
        out = []
        for stmt in stmts:
            lowered = self.stmt(stmt)
            if isinstance(lowered, list):
                out.extend(lowered)
            elif lowered is not None:
                out.append(lowered)
        return out

    def stmt(self, node):
        visit = getattr(self, f"visit_{type(node).__name__}", None)
        if visit is None:
            raise self.unsupported(node, f"the '{_describe(node)}' statement is not supported "
                                   "in compiled code")
        return visit(node)

    def expr(self, node):
        visit = getattr(self, f"expr_{type(node).__name__}", None)
        if visit is None:
            raise self.unsupported(node, f"{_describe(node)} is not supported in compiled code")
        return visit(node)

    # ---- statements ----------------------------------------------------------

    def visit_Expr(self, node):
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return None  # a docstring
        return n.ExprStmt(self.expr(node.value), loc=self.loc(node))

    def visit_Pass(self, node):
        return None

    def visit_Assign(self, node):
        value = self.expr(node.value)
        if len(node.targets) == 1:
            return n.Assign(self.target(node.targets[0]), value, loc=self.loc(node))
        # a = b = value: evaluate once into a temporary.
        tmp = self.temp("chain")
        out = [n.Assign(n.Var(tmp, loc=value.loc), value, loc=self.loc(node))]
        for target in node.targets:
            out.append(n.Assign(self.target(target), n.Var(tmp, loc=value.loc),
                                loc=self.loc(node)))
        return out

    def visit_AnnAssign(self, node):
        if node.value is None:
            return None
        return n.Assign(self.target(node.target), self.expr(node.value), loc=self.loc(node))

    def visit_AugAssign(self, node):
        op = BINOPS.get(type(node.op))
        if op is None:
            raise self.unsupported(node, f"operator {type(node.op).__name__} is not supported")
        return n.AugAssign(self.target(node.target), op, self.expr(node.value),
                           loc=self.loc(node))

    def visit_If(self, node):
        return n.If(self.expr(node.test), self.body(node.body), self.body(node.orelse),
                    loc=self.loc(node))

    def visit_While(self, node):
        loop = n.While(self.expr(node.test), self.body(node.body), loc=self.loc(node))
        return self.with_else(loop, node)

    def visit_For(self, node):
        loop = n.For(self.target(node.target), self.expr(node.iter), self.body(node.body),
                     loc=self.loc(node))
        return self.with_else(loop, node)

    def with_else(self, loop, node):
        """`for/while ... else`: a flag set by the loop's own breaks guards the
        else block, which runs when the loop ends without one."""
        if not node.orelse:
            return loop
        loc = self.loc(node)
        flag = self.temp("broke")
        loop.body = _flag_breaks(loop.body, flag)
        no_break = n.UnaryOp("not", n.Var(flag, loc=loc), loc=loc)
        return [n.Assign(n.Var(flag, loc=loc), n.Const(False, loc=loc), loc=loc), loop,
                n.If(no_break, self.body(node.orelse), [], loc=loc)]

    def visit_Break(self, node):
        return n.Break(loc=self.loc(node))

    def visit_Continue(self, node):
        return n.Continue(loc=self.loc(node))

    def visit_Return(self, node):
        value = (self.expr(node.value) if node.value is not None
                 else n.Const(None, loc=self.loc(node)))
        return n.Return(value, loc=self.loc(node))

    def visit_Raise(self, node):
        if node.cause is not None:
            raise self.unsupported(node, "'raise ... from ...' is not supported")
        if node.exc is None:
            raise self.unsupported(node, "a bare 'raise' (re-raise) is not supported")
        exc_class, message = self.exception(node.exc)
        return n.Raise(exc_class, message, loc=self.loc(node))

    def exception(self, node):
        """`Exc` or `Exc("constant")` -> (class, message or None)."""
        call_args = []
        if isinstance(node, ast.Call):
            call_args, node = node.args, node.func
        exc_class = self.constant_value(node)
        if not (isinstance(exc_class, type) and issubclass(exc_class, BaseException)):
            raise self.unsupported(node, "only exception classes can be raised")
        if not call_args:
            return exc_class, None
        values = [self.constant_value(a) for a in call_args]
        if not all(isinstance(v, _CONSTANT_TYPES) for v in values):
            raise self.unsupported(call_args[0], "exception arguments must be constants")
        message = values[0] if len(values) == 1 else tuple(values)
        return exc_class, message

    def constant_value(self, node):
        lowered = self.expr(node)
        if isinstance(lowered, (n.Const, n.Global)):
            return lowered.value
        raise self.unsupported(node, "a compile-time constant is required here")

    def visit_Assert(self, node):
        message = None
        if node.msg is not None:
            message = self.constant_value(node.msg)
        return n.Assert(self.expr(node.test), message, loc=self.loc(node))

    def visit_FunctionDef(self, node):
        """An inner function: lowered now, lambda-lifted (see InnerFunction)."""
        if node.decorator_list:
            raise self.unsupported(node, "decorated inner functions are not supported")
        args = node.args
        if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
            raise self.unsupported(node, "inner functions take plain parameters only "
                                   "(no *args, **kwargs, keyword-only or positional-only)")
        own = assigned_names(node)
        functions = set(self.inner_functions) | {node.name}  # called, never passed
        read = _names_read(node)
        captured = sorted((read - own - functions) & self.locals | {
            c for name in read & set(self.inner_functions)
            for c in self.inner_functions[name].captured if c not in own})
        defaults = [self.constant_value(d) for d in args.defaults]
        params = [a.arg for a in args.args]
        first_default = len(params) - len(defaults)
        signature = inspect.Signature(
            [inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                               default=defaults[i - first_default] if i >= first_default
                               else inspect.Parameter.empty) for i, p in enumerate(params)]
            + [inspect.Parameter(c, inspect.Parameter.KEYWORD_ONLY) for c in captured])
        inner = InnerFunction(node.name, f"{self.py_func.__qualname__}.<locals>.{node.name}",
                              signature, captured)
        self.inner_functions[node.name] = inner
        lowerer = _Lowerer.__new__(_Lowerer)
        lowerer.source, lowerer.py_func, lowerer.scope = self.source, self.py_func, self.scope
        lowerer.locals = own | set(captured)
        lowerer.inner_functions = dict(self.inner_functions)
        lowerer.temp_count = 0
        inner.ir = n.Function(node.name, params + captured, lowerer.body(node.body),
                              self.loc(node), None)
        return None

    def inner_call(self, node, inner):
        captured = [(c, n.Var(c, loc=self.loc(node.func))) for c in inner.captured]
        return n.Call(n.Global(inner, inner.__name__, loc=self.loc(node.func)),
                      [self.expr(a) for a in node.args],
                      [(k.arg, self.expr(k.value)) for k in node.keywords] + captured,
                      loc=self.loc(node))

    def visit_Delete(self, node):
        """`del l[i]` is `l.pop(i)` with its value dropped, `del l[a:b]` is
        `l[a:b] = []` (lists only)."""
        out = []
        for target in node.targets:
            if not isinstance(target, ast.Subscript):
                raise self.unsupported(target, "only 'del l[i]' and 'del l[a:b]' on a list are "
                                       "supported", "variables are released when they go "
                                       "out of use")
            if isinstance(target.slice, ast.Slice):
                out.append(n.Assign(self.target(target), n.ListExpr([], loc=self.loc(target)),
                                    loc=self.loc(node)))
                continue
            pop = n.Attr(self.expr(target.value), "pop", loc=self.loc(target))
            out.append(n.ExprStmt(n.Call(pop, [self.expr(target.slice)], [],
                                         loc=self.loc(target)), loc=self.loc(node)))
        return out

    def visit_Global(self, node):
        raise self.unsupported(node, "assigning to global variables is not supported; "
                               "globals are frozen at compile time")

    def visit_Nonlocal(self, node):
        raise self.unsupported(node, "'nonlocal' is not supported: an inner function cannot "
                               "assign to the enclosing function's variables",
                               hint="return the new value from the inner function instead")

    # ---- assignment targets --------------------------------------------------

    def target(self, node):
        if isinstance(node, ast.Name):
            return n.Var(node.id, loc=self.loc(node))
        if isinstance(node, (ast.Tuple, ast.List)):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                raise self.unsupported(node, "starred assignment is not supported")
            return n.TupleExpr([self.target(e) for e in node.elts], loc=self.loc(node))
        if isinstance(node, ast.Subscript):
            return n.Index(self.expr(node.value), self.index(node.slice), loc=self.loc(node))
        if isinstance(node, ast.Attribute):
            return n.Attr(self.expr(node.value), node.attr, loc=self.loc(node))
        raise self.unsupported(node, f"cannot assign to {_describe(node)}")

    # ---- expressions ---------------------------------------------------------

    def expr_Constant(self, node):
        return n.Const(node.value, loc=self.loc(node))

    def expr_Name(self, node):
        if node.id in self.inner_functions:
            raise self.unsupported(node, f"the inner function '{node.id}' can only be called "
                                   "here, not used as a value")
        if node.id in self.locals:
            return n.Var(node.id, loc=self.loc(node))
        return self.global_value(node, node.id)

    def global_value(self, node, name):
        if name not in self.scope:
            raise UnsupportedError(f"name '{name}' is not defined", self.loc(node),
                                   _did_you_mean(name, set(self.scope) | self.locals))
        value = self.scope[name]
        if is_missing(value):
            raise UnsupportedError(f"free variable '{name}' has no value yet", self.loc(node))
        return self.constant(value, name, node)

    def constant(self, value, name, node):
        if isinstance(value, (int, float, complex, bool, type(None))) and not isinstance(
                value, type):
            return n.Const(value, loc=self.loc(node))
        return n.Global(value, name, loc=self.loc(node))

    def expr_Attribute(self, node):
        base = self.expr(node.value)
        if isinstance(base, n.Global) and isinstance(base.value, pytypes.ModuleType):
            if not hasattr(base.value, node.attr):
                raise self.unsupported(node, f"module '{base.value.__name__}' has no "
                                       f"attribute '{node.attr}'",
                                       _did_you_mean(node.attr, dir(base.value)))
            return self.constant(getattr(base.value, node.attr), f"{base.name}.{node.attr}",
                                 node)
        return n.Attr(base, node.attr, loc=self.loc(node))

    def expr_BinOp(self, node):
        op = BINOPS.get(type(node.op))
        if op is None:
            raise self.unsupported(node, f"operator {type(node.op).__name__} is not supported")
        return n.BinOp(op, self.expr(node.left), self.expr(node.right), loc=self.loc(node))

    def expr_UnaryOp(self, node):
        return n.UnaryOp(UNARYOPS[type(node.op)], self.expr(node.operand), loc=self.loc(node))

    def expr_BoolOp(self, node):
        op = "and" if isinstance(node.op, ast.And) else "or"
        values = [self.expr(v) for v in node.values]
        result = values[0]
        for value in values[1:]:
            result = n.BoolOp(op, result, value, loc=self.loc(node))
        return result

    def expr_Compare(self, node):
        """`a < b < c` -> `(a < ($t := b)) and ($t < c)`: b is evaluated once."""
        left = self.expr(node.left)
        result = None
        pairs = list(zip(node.ops, node.comparators))
        for i, (op, right_node) in enumerate(pairs):
            right = self.expr(right_node)
            if i < len(pairs) - 1:
                tmp = self.temp("cmp")
                right_value = n.NamedExpr(tmp, right, loc=right.loc)
                next_left = n.Var(tmp, loc=right.loc)
            else:
                right_value, next_left = right, None
            comparison = n.Compare(CMPOPS[type(op)], left, right_value, loc=self.loc(node))
            result = comparison if result is None else n.BoolOp(
                "and", result, comparison, loc=self.loc(node))
            left = next_left
        return result

    def expr_IfExp(self, node):
        return n.IfExp(self.expr(node.test), self.expr(node.body), self.expr(node.orelse),
                       loc=self.loc(node))

    def expr_NamedExpr(self, node):
        return n.NamedExpr(node.target.id, self.expr(node.value), loc=self.loc(node))

    def expr_Call(self, node):
        if any(isinstance(a, ast.Starred) for a in node.args) or any(
                k.arg is None for k in node.keywords):
            raise self.unsupported(node, "*args and **kwargs in calls are not supported")
        if isinstance(node.func, ast.Name) and node.func.id in self.inner_functions:
            return self.inner_call(node, self.inner_functions[node.func.id])
        return n.Call(self.expr(node.func), [self.expr(a) for a in node.args],
                      [(k.arg, self.expr(k.value)) for k in node.keywords], loc=self.loc(node))

    def expr_Subscript(self, node):
        return n.Index(self.expr(node.value), self.index(node.slice), loc=self.loc(node))

    def index(self, node):
        if isinstance(node, ast.Tuple):
            return n.TupleExpr([self.index(e) for e in node.elts], loc=self.loc(node))
        return self.expr(node)

    def expr_Slice(self, node):
        parts = [None if p is None else self.expr(p) for p in (node.lower, node.upper, node.step)]
        return n.SliceExpr(*parts, loc=self.loc(node))

    def expr_Tuple(self, node):
        return n.TupleExpr([self.expr(e) for e in node.elts], loc=self.loc(node))

    def expr_List(self, node):
        if any(isinstance(e, ast.Starred) for e in node.elts):
            raise self.unsupported(node, "starred items in a list literal are not supported")
        return n.ListExpr([self.expr(e) for e in node.elts], loc=self.loc(node))

    def expr_ListComp(self, node):
        """`[elt for x in it if cond ...]`: an inner function (lambda-lifted like
        any `def`) that appends to a new list in nested loops, called here; its
        loop variables stay its own, as in Python 3."""
        self.temp_count += 1
        name = f"_listcomp{self.temp_count}"
        result = ast.Name(id="$out", ctx=ast.Load())
        append = ast.Attribute(value=result, attr="append", ctx=ast.Load())
        inner = [ast.Expr(ast.Call(func=append, args=[node.elt], keywords=[]))]
        for generator in reversed(node.generators):
            if generator.is_async:
                raise self.unsupported(node, "async comprehensions are not supported")
            for cond in reversed(generator.ifs):
                inner = [ast.If(test=cond, body=inner, orelse=[])]
            inner = [ast.For(target=generator.target, iter=generator.iter, body=inner,
                             orelse=[])]
        body = [ast.Assign(targets=[ast.Name(id="$out", ctx=ast.Store())],
                           value=ast.List(elts=[], ctx=ast.Load()))] + inner + [
            ast.Return(value=ast.Name(id="$out", ctx=ast.Load()))]
        func = ast.FunctionDef(name=name, args=ast.arguments(
            posonlyargs=[], args=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
            defaults=[]), body=body, decorator_list=[], returns=None)
        for synthetic in ast.walk(func):
            if not hasattr(synthetic, "lineno") and "lineno" in synthetic._attributes:
                ast.copy_location(synthetic, node)
        self.visit_FunctionDef(func)
        call = ast.copy_location(ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=[],
                                          keywords=[]), node)
        return self.inner_call(call, self.inner_functions.pop(name))

    expr_GeneratorExp = expr_ListComp  # sum(x for x in l): the items as a list


def _describe(node):
    names = {
        "ListComp": "a list comprehension", "DictComp": "a dict comprehension",
        "SetComp": "a set comprehension", "GeneratorExp": "a generator expression",
        "Lambda": "a lambda", "Dict": "a dict literal", "Set": "a set literal",
        "List": "a list literal", "JoinedStr": "an f-string", "Yield": "yield",
        "Await": "await", "Starred": "a starred expression", "Try": "try",
        "With": "with", "FunctionDef": "def", "ClassDef": "class", "Import": "import",
        "ImportFrom": "import", "Delete": "del", "Match": "match",
    }
    return names.get(type(node).__name__, type(node).__name__)


_lowered = {}


def lower_function_cached(py_func):
    """`lower_function`, once per Python function object."""
    if isinstance(py_func, InnerFunction):
        return py_func.ir
    func = _lowered.get(py_func)
    if func is None:
        func = _lowered[py_func] = lower_function(py_func)
    return func


def _did_you_mean(name, candidates):
    """A hint naming the candidates closest to a misspelt `name`, or None."""
    close = difflib.get_close_matches(name, [c for c in candidates if not c.startswith("_")],
                                      n=3, cutoff=0.75)
    return f"did you mean {' or '.join(repr(c) for c in close)}?" if close else None


def _names_read(tree):
    return {node.id for node in ast.walk(tree)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def _flag_breaks(stmts, flag):
    """`stmts` with each `break` of the enclosing loop (not of loops nested
    in it) preceded by `flag = True`."""
    out = []
    for stmt in stmts:
        if isinstance(stmt, n.Break):
            out.append(n.Assign(n.Var(flag, loc=stmt.loc), n.Const(True, loc=stmt.loc),
                                loc=stmt.loc))
        elif isinstance(stmt, n.If):
            stmt.body = _flag_breaks(stmt.body, flag)
            stmt.orelse = _flag_breaks(stmt.orelse, flag)
        out.append(stmt)
    return out
