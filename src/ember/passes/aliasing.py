"""Which in-place array assignments cannot overlap the arrays they read.

`acc[i] += c * dx` and `a[1:] = expr` follow NumPy: when the right-hand side
reads memory the assignment writes, it is computed into a temporary first.
Codegen checks the addresses at run time (codegen/lazy.assign); this pass
proves the check away for a common case: the target is a view of an array
the function allocated itself (every assignment to its variable is an
allocating call, or an in-place update), and no variable the right-hand
side reads can hold a view of that memory.

Which variables may hold views of which allocated arrays is found to a fixed
point, flow-insensitively: a variable assigned from an expression may reach
whatever that expression's variables reach (views, calls that return an
argument, tuples), one assigned from an allocating call reaches its own
memory, a parameter reaches none of the function's allocations. Memory can
only move between variables through assignments: globals are frozen
constants, and compiled callees cannot keep a reference anywhere.
"""

from ember.ir import nodes as n
from ember.types import core as t


def disjoint_updates(typed):
    """The in-place array assignments of `typed` (statement ids) whose target
    cannot overlap what their value reads; cached on `typed`."""
    found = getattr(typed, "disjoint_updates", None)
    if found is None:
        found = _Analysis(typed).run()
        typed.disjoint_updates = found
    return found


class _Analysis:
    def __init__(self, typed):
        self.types, self.calls = typed.typemap, typed.calls
        self.body = typed.func.body
        self.params = set(typed.func.params)

    def run(self):
        reach = self._reach()
        fresh = self._fresh_variables()
        return {id(stmt) for stmt in n.walk(self.body)
                if self._disjoint(stmt, reach, fresh)}

    def _reach(self):
        """variable -> the allocating variables whose memory it may view."""
        reach = {}
        changed = True
        while changed:
            changed = False
            for stmt in n.walk(self.body):
                for name, owners in self._flows(stmt, reach):
                    known = reach.setdefault(name, set())
                    if not owners <= known:
                        known |= owners
                        changed = True
        return reach

    def _flows(self, stmt, reach):
        """(variable, owners it may now view) for each assignment in one statement."""
        def reached(e):
            return set().union(*(reach.get(v, set()) for v in _variables(e)))
        flows = [(e.name, reached(e.value)) for e in n.statement_expressions(stmt)
                 if isinstance(e, n.NamedExpr)]
        if isinstance(stmt, n.AugAssign) and isinstance(self.types.get(stmt), t.Array):
            return flows  # in place: the variable keeps its memory
        source = stmt.iter if isinstance(stmt, n.For) else getattr(stmt, "value", None)
        if isinstance(stmt, (n.Assign, n.AugAssign, n.For)):
            targets = n.assigned_names(stmt) - {name for name, _ in flows}
            if self._allocates(source):  # new memory, reached through these variables
                owners = set(targets)
            else:
                owners = reached(source) | (reached(stmt.target)
                                            if isinstance(stmt, n.AugAssign) else set())
            flows += [(name, owners) for name in targets]
        return flows

    def _allocates(self, e):
        return isinstance(e, n.Call) and getattr(self.calls.get(e), "fresh", False)

    def _fresh_variables(self):
        """Variables only ever assigned newly allocated arrays (or updated in place)."""
        fresh, other = set(), set(self.params)
        for stmt in n.walk(self.body):
            names = n.assigned_names(stmt)
            if isinstance(stmt, n.Assign) and isinstance(stmt.target, n.Var) and (
                    self._allocates(stmt.value)):
                fresh.add(stmt.target.name)
                names.discard(stmt.target.name)
            elif isinstance(stmt, n.AugAssign) and isinstance(stmt.target, n.Var) and (
                    isinstance(self.types.get(stmt), t.Array)):
                names.discard(stmt.target.name)  # in place: the same memory
            other |= names
        return fresh - other

    def _disjoint(self, stmt, reach, fresh):
        if isinstance(stmt, n.AugAssign) and isinstance(self.types.get(stmt), t.Array):
            target = stmt.target
        elif (isinstance(stmt, n.Assign) and isinstance(stmt.target, n.Index)
              and isinstance(self.types.get(stmt.target), t.Array)):
            target = stmt.target
        else:
            return False
        root = _view_root(target)
        if root is None or root not in fresh:
            return False
        return all(root not in reach.get(v, set()) for v in _variables(stmt.value))


def _variables(e):
    return {x.name for x in n.subexpressions(e) if isinstance(x, n.Var)}


def _view_root(e):
    """The variable an array view is taken from: a, a[i], a[i:j], a.T."""
    while isinstance(e, (n.Index, n.Attr)):
        if isinstance(e, n.Attr) and e.attr != "T":
            return None
        e = e.value
    return e.name if isinstance(e, n.Var) else None
