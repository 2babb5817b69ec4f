"""Keeps small array temporaries out of memory: scalar replacement of arrays.

`dx = pos[j] - pos[i]` followed by `np.sum(dx**2)` and `acc[i] += c * dx`
need no array for dx at all: each use can recompute its elements from pos.
A variable becomes *virtual* (codegen keeps it as an unevaluated
expression, codegen/lazy.py) when all of these hold:

- it is assigned exactly once, from an elementwise array expression whose
  array operands are views of variables (no call allocates inside it);
- every use comes after that assignment in the same statement list, as an
  operand of another elementwise operation or of a reduction;
- nothing in between can change what the operands read: their variables
  are not reassigned, no array they might alias is written (only arrays the
  function allocated itself are written), and no compiled call receives an
  array.
"""

from ember.ir import nodes as n
from ember.types import core as t

_ELEMENTWISE = (n.BinOp, n.UnaryOp, n.Compare)


def find_virtual_arrays(typed):
    if getattr(typed, "virtual_arrays", None) is not None:
        return typed.virtual_arrays
    analysis = _Analysis(typed)
    typed.virtual_arrays = analysis.run()
    return typed.virtual_arrays


class _Analysis:
    def __init__(self, typed):
        self.typed, self.types, self.calls = typed, typed.typemap, typed.calls
        self.defs = {}
        for stmt in n.walk(typed.func.body):
            for name in _defined_names(stmt):
                self.defs.setdefault(name, []).append(stmt)
        for param in typed.func.params:
            self.defs.setdefault(param, []).append(None)

    def run(self):
        virtual = set()
        self._visit_lists(self.typed.func.body, virtual)
        return virtual

    def _visit_lists(self, stmts, virtual):
        for position, stmt in enumerate(stmts):
            name = self._candidate(stmt)
            if name is not None and self._safe(name, stmt, stmts[position + 1:]):
                virtual.add(name)
            for inner in ("body", "orelse"):
                if isinstance(getattr(stmt, inner, None), list):
                    self._visit_lists(getattr(stmt, inner), virtual)

    def _candidate(self, stmt):
        if not (isinstance(stmt, n.Assign) and isinstance(stmt.target, n.Var)):
            return None
        name = stmt.target.name
        if len(self.defs.get(name, ())) != 1 or not isinstance(self.types.get(stmt.value),
                                                               t.Array):
            return None
        return name if self._is_lazy_expression(stmt.value) else None

    def _is_lazy_expression(self, e):
        """Elementwise all the way down to views of variables and scalars."""
        ty = self.types.get(e)
        if not isinstance(ty, t.Array):
            return not _contains_call(e)
        if isinstance(e, _ELEMENTWISE):
            return all(self._is_lazy_expression(c) for c in _operands(e))
        if isinstance(e, n.Call):
            impl = self.calls.get(e)
            return bool(impl is not None and impl.elementwise and all(
                self._is_lazy_expression(a) for a in e.args) and not e.kwargs)
        return _view_root(e) is not None

    def _safe(self, name, definition, following):
        uses = [u for stmt in following for u in _uses(stmt, name)]
        if not uses or not all(self._elementwise_use(parent) for _, parent in uses):
            return False
        roots = _roots(definition.value)
        last = max(i for i, stmt in enumerate(following) if _uses(stmt, name))
        for stmt in following[:last + 1]:
            for inner in n.walk([stmt]):
                if roots & _defined_names(inner):
                    return False
                if not self._harmless_writes(inner, roots) or self._array_call(inner):
                    return False
        return True

    def _elementwise_use(self, parent):
        if isinstance(parent, _ELEMENTWISE):
            return isinstance(self.types.get(parent), t.Array)
        if isinstance(parent, n.AugAssign):
            return True  # the variable is the right-hand side operand
        if isinstance(parent, n.Call):
            impl = self.calls.get(parent)
            return impl is not None and (impl.elementwise or impl.lazy_args)
        return False

    def _harmless_writes(self, stmt, roots):
        target = getattr(stmt, "target", None)
        if isinstance(stmt, n.AugAssign) and isinstance(self.types.get(target), t.Array) or (
                isinstance(target, n.Index)):
            root = _view_root(target.value if isinstance(target, n.Index) else target)
            return root is not None and root not in roots and self._fresh(root)
        return True

    def _fresh(self, name):
        """Only ever assigned arrays this function allocated: cannot alias anything."""
        defs = [d for d in self.defs.get(name, []) if not (  # in-place updates keep memory
            isinstance(d, n.AugAssign) and isinstance(self.types.get(d.target), t.Array))]
        return bool(defs) and all(
            isinstance(d, n.Assign) and isinstance(d.value, n.Call)
            and getattr(self.calls.get(d.value), "fresh", False) for d in defs)

    def _array_call(self, stmt):
        for e in n.statement_expressions(stmt):
            if isinstance(e, n.Call):
                impl = self.calls.get(e)
                compiled = impl is None or impl.emit is None
                if compiled and any(isinstance(self.types.get(a), t.Array) for a in e.args):
                    return True
        return False


def _operands(e):
    if isinstance(e, n.UnaryOp):
        return [e.operand]
    return [e.left, e.right]


def _view_root(e):
    """The variable an array view is taken from: a, a[i], a[i:j], a.T."""
    while isinstance(e, (n.Index, n.Attr)):
        if isinstance(e, n.Attr) and e.attr != "T":
            return None
        e = e.value
    return e.name if isinstance(e, n.Var) else None


def _roots(e):
    return {x.name for x in n.subexpressions(e) if isinstance(x, n.Var)}


def _contains_call(e):
    return any(isinstance(x, n.Call) for x in n.subexpressions(e))





def _uses(stmt, name):
    """(Var node, parent) for every read of `name` in stmt, nested bodies included."""
    found = []
    for inner in n.walk([stmt]):
        for field in ("target", "value", "test", "iter"):
            root = getattr(inner, field, None)
            if not isinstance(root, n.Expr):
                continue
            if field == "target" and not isinstance(inner, n.AugAssign):
                if isinstance(root, n.Var):
                    continue
            parent_of = {id(root): inner}
            for node in n.subexpressions(root):
                for field2 in node.fields:
                    child = getattr(node, field2)
                    children = child if isinstance(child, list) else [child]
                    for c in children:
                        if isinstance(c, tuple):
                            for x in c:
                                parent_of[id(x)] = node
                        else:
                            parent_of[id(c)] = node
                if isinstance(node, n.Var) and node.name == name:
                    found.append((node, parent_of.get(id(node), inner)))
    return found


def _defined_names(stmt):
    names = set()
    target = getattr(stmt, "target", None)
    stack = [target] if isinstance(stmt, (n.Assign, n.AugAssign, n.For)) else []
    while stack:
        node = stack.pop()
        if isinstance(node, n.Var):
            names.add(node.name)
        elif isinstance(node, n.TupleExpr):
            stack.extend(node.items)
    for e in n.statement_expressions(stmt):
        if isinstance(e, n.NamedExpr):
            names.add(e.name)
    return names
