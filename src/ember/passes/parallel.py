"""Which prange loops run in parallel, and how their variables are shared.

Under parallel=True, `for i in prange(...)` is split across threads when its
iterations are provably independent apart from reductions:

- every variable assigned in the body is either *private* (only ever used
  inside this loop body, and on every path assigned in the iteration before
  it is read: its value never crosses from one iteration to the next) or a
  *reduction* (`acc += x`, `-=`,
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
    carried = set()
    _definitely_assigned(loop.body, {loop.target.name}, carried)
    for name in assigned - {loop.target.name}:
        operator = _reduction_operator(loop.body, name)
        if operator is not None and name in typed.var_types:
            reductions[name] = operator
        elif name not in outside and name not in carried:
            privates.add(name)
        else:
            return None
    if loop.target.name in outside:
        return None
    used = {e.name for stmt in n.walk(loop.body) for e in n.statement_expressions(stmt)
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
        names |= n.assigned_names(stmt)
    return names


def _reads(stmt, name):
    return name in _read_names(stmt)


def _reduction_operator(body, name):
    """The reduction operator if every write of `name` is a reduction update
    and the body reads it nowhere else."""
    operator = None
    for stmt in n.walk(body):
        found = _update_operator(stmt, name)
        if found is None:
            if name in n.assigned_names(stmt) or _reads(stmt, name):
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


def _definitely_assigned(stmts, assigned, carried):
    """Walk `stmts` in order, `assigned` holding the names every path has
    written so far in this iteration; a name read before that (on some path
    it still holds a value from an earlier iteration) goes into `carried`.
    Returns the names assigned on every path through `stmts`."""
    assigned = set(assigned)
    for stmt in stmts:
        if isinstance(stmt, n.If):
            _note_reads(stmt.test, assigned, carried)
            assigned = (_definitely_assigned(stmt.body, assigned, carried)
                        & _definitely_assigned(stmt.orelse, assigned, carried))
        elif isinstance(stmt, n.While):
            # An inner loop may run zero times: what it assigns is not definite
            # after it, and its first pass sees only what came before it.
            _note_reads(stmt.test, assigned, carried)
            _definitely_assigned(stmt.body, assigned, carried)
        elif isinstance(stmt, n.For):
            _note_reads(stmt.iter, assigned, carried)
            _definitely_assigned(stmt.body, assigned | n.assigned_names(stmt), carried)
        else:
            for name in _read_names(stmt):
                if name not in assigned:
                    carried.add(name)
            assigned |= n.assigned_names(stmt)
    return assigned


def _note_reads(expr, assigned, carried):
    carried |= {e.name for e in n.subexpressions(expr) if isinstance(e, n.Var)} - assigned


def _read_names(stmt):
    """Variables one statement (not its nested bodies) reads."""
    roots = [getattr(stmt, f, None) for f in ("value", "test", "iter", "message")]
    target = getattr(stmt, "target", None)
    if isinstance(stmt, n.AugAssign) or not isinstance(target, (n.Var, n.TupleExpr)):
        roots.append(target)
    elif isinstance(target, n.TupleExpr):
        roots.extend(item for item in n.subexpressions(target) if isinstance(item, n.Index))
    return {e.name for root in roots if isinstance(root, n.Expr)
            for e in n.subexpressions(root) if isinstance(e, n.Var)}


def _names_outside(body, loop):
    """Variable names used anywhere in the function outside `loop`'s body."""
    names = set()
    for stmt in body:
        if stmt is loop:
            continue
        for e in n.statement_expressions(stmt):
            if isinstance(e, (n.Var, n.NamedExpr)):
                names.add(e.name)
        for inner in ("body", "orelse"):
            if isinstance(getattr(stmt, inner, None), list):
                names |= _names_outside(getattr(stmt, inner), loop)
    return names


