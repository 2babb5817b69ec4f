"""ember IR: a small structured IR of statements and expressions.

The frontend lowers Python's AST to these nodes; every node carries the
source location it came from. Nodes are compared by identity, so a typing
result can map each node to its type.
"""


class Node:
    fields = ()

    def __init__(self, *args, loc=None):
        if len(args) != len(self.fields):
            raise TypeError(f"{type(self).__name__} takes {self.fields}")
        for name, value in zip(self.fields, args):
            setattr(self, name, value)
        self.loc = loc

    def __repr__(self):
        from ember.ir.printer import format_node

        return format_node(self)


# ---- expressions -------------------------------------------------------------

class Expr(Node):
    pass


class Const(Expr):
    """A literal number, bool, None or string."""
    fields = ("value",)


class Global(Expr):
    """A global or closure value frozen at compile time (module, function, array...)."""
    fields = ("value", "name")


class Var(Expr):
    fields = ("name",)


class BinOp(Expr):
    """Arithmetic or bitwise operator; `op` is the Python symbol ('+', '//', '<<')."""
    fields = ("op", "left", "right")


class UnaryOp(Expr):
    fields = ("op", "operand")  # '-', '+', '~', 'not'


class Compare(Expr):
    """One comparison; the frontend splits chained comparisons."""
    fields = ("op", "left", "right")


class BoolOp(Expr):
    """`a and b` / `a or b` with Python's short-circuit and value semantics."""
    fields = ("op", "left", "right")


class IfExp(Expr):
    fields = ("test", "body", "orelse")


class NamedExpr(Expr):
    """Assigns a value to a variable and yields it (walrus, chained compares)."""
    fields = ("name", "value")


class Call(Expr):
    fields = ("func", "args", "kwargs")  # kwargs: list of (name, Expr)


class Attr(Expr):
    fields = ("value", "attr")


class Index(Expr):
    fields = ("value", "index")


class TupleExpr(Expr):
    fields = ("items",)


class ListExpr(Expr):
    """A list literal `[a, b, c]`: a new list (`[]` has an undecided item type)."""
    fields = ("items",)


class SliceExpr(Expr):
    fields = ("start", "stop", "step")  # each an Expr or None


# ---- statements --------------------------------------------------------------

class Stmt(Node):
    pass


class Assign(Stmt):
    """`target = value`; target is a Var, Index or TupleExpr of targets."""
    fields = ("target", "value")


class AugAssign(Stmt):
    fields = ("target", "op", "value")


class ExprStmt(Stmt):
    fields = ("value",)


class If(Stmt):
    fields = ("test", "body", "orelse")


class While(Stmt):
    fields = ("test", "body")


class For(Stmt):
    """`for target in iterable`: range, arrays, enumerate, zip, tuples."""
    fields = ("target", "iter", "body")


class Break(Stmt):
    fields = ()


class Continue(Stmt):
    fields = ()


class Return(Stmt):
    fields = ("value",)  # an Expr; `return` alone returns Const(None)


class Raise(Stmt):
    """`raise Exc` / `raise Exc("constant message")`; exc is the class."""
    fields = ("exc_class", "message")


class Assert(Stmt):
    fields = ("test", "message")


class Function:
    """A lowered function: parameters, defaults and a body of statements."""

    def __init__(self, name, params, body, loc, py_func=None):
        self.name, self.params, self.body, self.loc = name, params, body, loc
        self.py_func = py_func

    def __repr__(self):
        from ember.ir.printer import format_function

        return format_function(self)


def walk(stmts):
    """Every statement in a body, depth first (bodies of if/while/for included)."""
    for stmt in stmts:
        yield stmt
        for name in ("body", "orelse"):
            inner = getattr(stmt, name, None)
            if isinstance(inner, list):
                yield from walk(inner)


def subexpressions(e):
    """`e` and every expression inside it."""
    stack = [e]
    while stack:
        node = stack.pop()
        yield node
        for field in node.fields:
            child = getattr(node, field)
            for c in child if isinstance(child, list) else [child]:
                if isinstance(c, Expr):
                    stack.append(c)
                elif isinstance(c, tuple):
                    stack.extend(x for x in c if isinstance(x, Expr))


def statement_expressions(stmt):
    """Every expression directly in one statement (not in its nested bodies)."""
    for field in ("target", "value", "test", "iter"):
        root = getattr(stmt, field, None)
        if isinstance(root, Expr):
            yield from subexpressions(root)


def assigned_names(stmt):
    """The variables one statement (not its nested bodies) assigns: its
    targets, unpacked tuples included, and walrus names."""
    names = set()
    if isinstance(stmt, (Assign, AugAssign, For)):
        stack = [stmt.target]
        while stack:
            node = stack.pop()
            if isinstance(node, Var):
                names.add(node.name)
            elif isinstance(node, TupleExpr):
                stack.extend(node.items)
    names.update(e.name for e in statement_expressions(stmt) if isinstance(e, NamedExpr))
    return names


def assignment_counts(stmts):
    """How many statements in `stmts` (nested bodies included) assign each variable."""
    counts = {}
    for stmt in walk(stmts):
        for name in assigned_names(stmt):
            counts[name] = counts.get(name, 0) + 1
    return counts
