"""Text form of ember IR (EMBER_DUMP=ir, golden tests), optionally with types."""

from ember.ir import nodes as n


def format_node(node, types=None):
    return _Printer(types).expr(node) if isinstance(node, n.Expr) else "\n".join(
        _Printer(types).stmt(node, 0))


def format_function(func, types=None):
    printer = _Printer(types)
    head = f"function {func.name}({', '.join(func.params)}):"
    lines = [head]
    for stmt in func.body:
        lines.extend(printer.stmt(stmt, 1))
    return "\n".join(lines)


class _Printer:
    def __init__(self, types):
        self.types = types or {}

    def typed(self, node, text):
        ty = self.types.get(node)
        return f"{text}: {ty}" if ty is not None else text

    def expr(self, e):
        return self.typed(e, self._expr(e))

    def _expr(self, e):
        x = self.expr
        if isinstance(e, n.Const):
            return repr(e.value)
        if isinstance(e, n.Global):
            return f"global {e.name}"
        if isinstance(e, n.Var):
            return e.name
        if isinstance(e, (n.BinOp, n.Compare, n.BoolOp)):
            return f"({x(e.left)} {e.op} {x(e.right)})"
        if isinstance(e, n.UnaryOp):
            return f"({e.op} {x(e.operand)})"
        if isinstance(e, n.IfExp):
            return f"({x(e.body)} if {x(e.test)} else {x(e.orelse)})"
        if isinstance(e, n.NamedExpr):
            return f"({e.name} := {x(e.value)})"
        if isinstance(e, n.Call):
            args = [x(a) for a in e.args] + [f"{k}={x(v)}" for k, v in e.kwargs]
            return f"{x(e.func)}({', '.join(args)})"
        if isinstance(e, n.Attr):
            return f"{x(e.value)}.{e.attr}"
        if isinstance(e, n.Index):
            return f"{x(e.value)}[{x(e.index)}]"
        if isinstance(e, n.TupleExpr):
            return f"({', '.join(x(i) for i in e.items)},)"
        if isinstance(e, n.ListExpr):
            return f"[{', '.join(x(i) for i in e.items)}]"
        if isinstance(e, n.SliceExpr):
            parts = ["" if p is None else x(p) for p in (e.start, e.stop, e.step)]
            return ":".join(parts)
        return type(e).__name__

    def stmt(self, s, depth):
        pad = "    " * depth
        x = self.expr
        if isinstance(s, n.Assign):
            return [f"{pad}{x(s.target)} = {x(s.value)}"]
        if isinstance(s, n.AugAssign):
            return [f"{pad}{x(s.target)} {s.op}= {x(s.value)}"]
        if isinstance(s, n.ExprStmt):
            return [f"{pad}{x(s.value)}"]
        if isinstance(s, n.Return):
            return [f"{pad}return {x(s.value)}"]
        if isinstance(s, n.Raise):
            return [f"{pad}raise {s.exc_class.__name__}({s.message!r})"]
        if isinstance(s, n.Assert):
            return [f"{pad}assert {x(s.test)}, {s.message!r}"]
        if isinstance(s, (n.Break, n.Continue)):
            return [pad + type(s).__name__.lower()]
        if isinstance(s, n.If):
            lines = [f"{pad}if {x(s.test)}:"] + self.body(s.body, depth + 1)
            if s.orelse:
                lines += [f"{pad}else:"] + self.body(s.orelse, depth + 1)
            return lines
        if isinstance(s, n.While):
            return [f"{pad}while {x(s.test)}:"] + self.body(s.body, depth + 1)
        if isinstance(s, n.For):
            return [f"{pad}for {x(s.target)} in {x(s.iter)}:"] + self.body(s.body, depth + 1)
        return [pad + type(s).__name__]

    def body(self, stmts, depth):
        out = []
        for s in stmts:
            out.extend(self.stmt(s, depth))
        return out or ["    " * depth + "pass"]
