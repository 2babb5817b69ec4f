"""Removes bounds checks that are provably redundant.

In `for i in range(len(a))` / `range(a.shape[k])` (or `range(0, ...)`, or prange),
where neither `a` nor `i` is reassigned, every `a[..., i, ...]` with `i`
at axis k is in range: the check, and the negative-index wrap, go away.
That keeps such loops free of exits, so LLVM can vectorise them.
"""

from ember import prange
from ember.ir import nodes as n

_RANGES = (range, prange)  # prange is range wherever it runs, split or not


def remove_redundant_checks(typed):
    if getattr(typed, "checks_pruned", False):
        return
    typed.checks_pruned = True
    assigned = n.assignment_counts(typed.func.body)
    for stmt in n.walk(typed.func.body):
        if isinstance(stmt, n.For):
            _prune_loop(typed, stmt, assigned)


def _prune_loop(typed, loop, assigned):
    if not isinstance(loop.target, n.Var):
        return
    if _nonnegative_range(loop.iter) and not _assigned_in(loop.body, loop.target.name):
        _mark_nonnegative(typed, loop)
    bound = _range_bound(loop.iter)
    if bound is None:
        return
    array_name, axis = bound
    index_name = loop.target.name
    if assigned.get(array_name, 0) > 0 or _assigned_in(loop.body, index_name):
        return
    for stmt in n.walk(loop.body):
        for node in n.statement_expressions(stmt):
            if (isinstance(node, n.Index) and isinstance(node.value, n.Var)
                    and node.value.name == array_name):
                parts = node.index.items if isinstance(node.index, n.TupleExpr) else [node.index]
                if (axis < len(parts) and isinstance(parts[axis], n.Var)
                        and parts[axis].name == index_name):
                    typed.safe_indexes.add((node, axis))


def _nonnegative_range(iter_node):
    """range(stop), or range(start, stop[, step]) with a literal start >= 0 and a
    literal positive step: the loop variable is never negative."""
    if not (isinstance(iter_node, n.Call) and isinstance(iter_node.func, n.Global)
            and iter_node.func.value in _RANGES and not iter_node.kwargs):
        return False
    args = iter_node.args
    if len(args) == 1:
        return True
    start_ok = isinstance(args[0], n.Const) and isinstance(args[0].value, int) and \
        args[0].value >= 0
    step_ok = len(args) == 2 or isinstance(args[2], n.Const) and isinstance(
        args[2].value, int) and args[2].value > 0
    return start_ok and step_ok


def _mark_nonnegative(typed, loop):
    """Indexes by the loop variable need no negative-index wrap (checks stay)."""
    name = loop.target.name
    for stmt in n.walk(loop.body):
        for node in n.statement_expressions(stmt):
            if isinstance(node, n.Index):
                parts = node.index.items if isinstance(node.index, n.TupleExpr) else [node.index]
                for axis, part in enumerate(parts):
                    if isinstance(part, n.Var) and part.name == name:
                        typed.safe_indexes.add((node, axis, "nonnegative"))


def _range_bound(iter_node):
    """(array name, axis) when the loop is over range(len(a)) or range(a.shape[k])."""
    if not (isinstance(iter_node, n.Call) and isinstance(iter_node.func, n.Global)
            and iter_node.func.value in _RANGES and not iter_node.kwargs):
        return None
    args = iter_node.args
    if len(args) == 2 and isinstance(args[0], n.Const) and args[0].value == 0:
        args = args[1:]
    if len(args) != 1:
        return None
    stop = args[0]
    if (isinstance(stop, n.Call) and isinstance(stop.func, n.Global) and stop.func.value is len
            and len(stop.args) == 1 and isinstance(stop.args[0], n.Var)):
        return stop.args[0].name, 0
    if (isinstance(stop, n.Index) and isinstance(stop.value, n.Attr)
            and stop.value.attr == "shape" and isinstance(stop.value.value, n.Var)
            and isinstance(stop.index, n.Const) and isinstance(stop.index.value, int)
            and stop.index.value >= 0):
        return stop.value.value.name, stop.index.value
    return None


def _assigned_in(body, name):
    return any(name in n.assigned_names(stmt) for stmt in n.walk(body))


