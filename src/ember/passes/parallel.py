"""Which prange loops run in parallel, and how their variables are shared.

Under parallel=True, `for i in prange(...)` is split across threads when its
iterations are provably independent apart from reductions:

- every variable assigned in the body is either *private* (only ever used
  inside this loop body, and assigned before it is read on every path: at the
  body's top level, before any read) or a *reduction* (`acc += x`, `-=`,
  `*=`, `|=`, `&=`, `acc = min(acc, x)` / `max`, and not read otherwise in
  the body);
- the body neither returns nor breaks out of the loop.

Anything else runs serially, with the same results. Writes to distinct
array elements (`out[i] = ...`) are the user's promise, as in Numba.
"""

import ember
from ember.ir import nodes as n

_AUGMENTED = {"+": "+", "-": "+", "*": "*", "|": "|", "&": "&"}


class ParallelPlan:
    """How one prange loop is split: its reductions (name -> operator) and
    private variables; everything else the body reads is shared."""

    def __init__(self, reductions, privates):
        self.reductions, self.privates = reductions, privates


def plan_parallel_loops(typed, enabled):
    if getattr(typed, "parallel_loops", None) is not None:
        return typed.parallel_loops
    typed.parallel_loops = {}
    if enabled:
        _visit(typed, typed.func.body, typed.parallel_loops)
    return typed.parallel_loops


def _visit(typed, stmts, plans):
    for stmt in stmts:
        if isinstance(stmt, n.For) and _is_prange(stmt.iter):
            plan = _plan(typed, stmt)
            if plan is not None:
                plans[stmt] = plan
                continue  # inner pranges of a parallel loop run serially
        for inner in ("body", "orelse"):
            if isinstance(getattr(stmt, inner, None), list):
                _visit(typed, getattr(stmt, inner), plans)


def _is_prange(node):
    return (isinstance(node, n.Call) and isinstance(node.func, n.Global)
            and node.func.value is ember.prange and not node.kwargs)


def _plan(typed, loop):
    if not isinstance(loop.target, n.Var) or _leaves_loop(loop.body):
        return None
    assigned = _assigned(loop.body) | {loop.target.name}
    outside = _names_outside(typed.func.body, loop)
    reductions, privates = {}, {loop.target.name}
    for name in assigned - {loop.target.name}:
        operator = _reduction_operator(loop.body, name)
        if operator is not None and name in typed.var_types:
            reductions[name] = operator
        elif name not in outside and _assigned_before_read(loop.body, name):
            privates.add(name)
        else:
            return None
    if loop.target.name in outside:
        return None
    used = {e.name for stmt in n.walk(loop.body) for e in _expressions(stmt)
            if isinstance(e, n.Var)}
    if (used - assigned) & (getattr(typed, "virtual_arrays", None) or set()):
        return None  # an unevaluated array expression of the enclosing code
    return ParallelPlan(reductions, privates)


def _leaves_loop(body):
    """return, or a break that belongs to this loop."""
    for stmt in body:
        if isinstance(stmt, (n.Return, n.Break)):
            return True
        if isinstance(stmt, n.If) and (_leaves_loop(stmt.body) or _leaves_loop(stmt.orelse)):
            return True
        if isinstance(stmt, (n.While, n.For)) and any(
                isinstance(s, n.Return) for s in n.walk(stmt.body)):
            return True
    return False


def _assigned(body):
    names = set()
    for stmt in n.walk(body):
        names |= _targets(stmt)
    return names


def _targets(stmt):
    names = set()
    if isinstance(stmt, (n.Assign, n.AugAssign, n.For)):
        stack = [stmt.target]
        while stack:
            node = stack.pop()
            if isinstance(node, n.Var):
                names.add(node.name)
            elif isinstance(node, n.TupleExpr):
                stack.extend(node.items)
    for e in _expressions(stmt):
        if isinstance(e, n.NamedExpr):
            names.add(e.name)
    return names


def _reads(stmt, name, include_target=False):
    roots = [getattr(stmt, f, None) for f in ("value", "test", "iter")]
    target = getattr(stmt, "target", None)
    if isinstance(stmt, n.AugAssign) or include_target or isinstance(target, n.Index):
        roots.append(target)
    return any(isinstance(e, n.Var) and e.name == name
               for root in roots if isinstance(root, n.Expr) for e in _subexpressions(root))


def _reduction_operator(body, name):
    """The reduction operator if every write of `name` is a reduction update
    and the body reads it nowhere else."""
    operator = None
    for stmt in n.walk(body):
        found = _update_operator(stmt, name)
        if found is None:
            if name in _targets(stmt) or _reads(stmt, name):
                return None
            continue
        if operator not in (None, found):
            return None
        operator = found
    return operator


def _update_operator(stmt, name):
    if isinstance(stmt, n.AugAssign) and isinstance(stmt.target, n.Var) and \
            stmt.target.name == name and stmt.op in _AUGMENTED and not _reads(
                n.ExprStmt(stmt.value), name):
        return stmt.op if stmt.op != "-" else "-"
    if isinstance(stmt, n.Assign) and isinstance(stmt.target, n.Var) and \
            stmt.target.name == name and isinstance(stmt.value, n.Call):
        call = stmt.value
        if isinstance(call.func, n.Global) and call.func.value in (min, max) and \
                len(call.args) == 2 and not call.kwargs:
            first, second = call.args
            if isinstance(first, n.Var) and first.name == name and not _reads(
                    n.ExprStmt(second), name):
                return call.func.value.__name__
    return None


def _assigned_before_read(body, name):
    """Assigned at the body's top level before any statement reads it."""
    for stmt in body:
        if _reads(stmt, name):
            return False
        if name in _targets(stmt) and isinstance(stmt, n.Assign):
            return True
        if name in _assigned([stmt]):
            return False  # first assigned conditionally or in a nested loop
    return False


def _names_outside(body, loop):
    """Variable names used anywhere in the function outside `loop`'s body."""
    names = set()
    for stmt in body:
        if stmt is loop:
            continue
        for e in _expressions(stmt):
            if isinstance(e, (n.Var, n.NamedExpr)):
                names.add(e.name)
        for inner in ("body", "orelse"):
            if isinstance(getattr(stmt, inner, None), list):
                names |= _names_outside(getattr(stmt, inner), loop)
    return names


def _expressions(stmt):
    for field in ("target", "value", "test", "iter"):
        root = getattr(stmt, field, None)
        if isinstance(root, n.Expr):
            yield from _subexpressions(root)


def _subexpressions(e):
    stack = [e]
    while stack:
        node = stack.pop()
        yield node
        for field in node.fields:
            child = getattr(node, field)
            children = child if isinstance(child, list) else [child]
            for c in children:
                if isinstance(c, n.Expr):
                    stack.append(c)
                elif isinstance(c, tuple):
                    stack.extend(x for x in c if isinstance(x, n.Expr))
