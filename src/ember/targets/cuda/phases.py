"""A kernel body split at its barriers into phases (see executor.py).

`plan(kernel)` returns the block-level structure: `Segment`s (statements
every thread runs, between barriers), `Loop`s (a `for ... in range()` or a
`while` containing a barrier: its bounds or condition are a block-level
value, its body split again) and `Branch`es (an `if` containing a barrier),
plus the variables live across barriers, which the executor keeps per
thread. A barrier anywhere else is an UnsupportedError at its line.
"""

import ast
import copy
from dataclasses import dataclass, field

from ember.targets.cuda import intrinsics as cu
from ember.targets.cuda.uniform import is_uniform_expr, recomputable, uniform_statements


@dataclass
class Header:
    """A block-level expression: loop bounds (as a (start, stop, step) tuple) or a condition."""

    expr: ast.expr
    names: set
    uniform: bool = False  # the same in every thread: no per-thread check needed


@dataclass
class UniformAssign:
    """An assignment of a block-uniform variable (uniform.py): run once per block."""

    stmt: ast.stmt


@dataclass
class Segment:
    stmts: list
    names: set = field(default_factory=set)
    stored: set = field(default_factory=set)


@dataclass
class Loop:
    kind: str  # "for" or "while"
    stmt: ast.stmt
    header: Header
    body: list
    var: str = None


@dataclass
class Branch:
    stmt: ast.stmt
    header: Header
    body: list
    orelse: list


@dataclass
class Plan:
    shared: dict
    local_arrays: dict
    nodes: list = field(default_factory=list)
    uniform: set = field(default_factory=set)
    live: set = field(default_factory=set)
    first_use: dict = field(default_factory=dict)
    recomputed: dict = field(default_factory=dict)  # var -> its one assignment
    has_barrier: bool = False
    has_return: bool = False  # threads may exit early: a per-thread "done" flag


def plan(kernel):
    result = Plan(kernel.shared_arrays(), _local_arrays(kernel))
    splitter = _Splitter(kernel, result)
    if any(splitter.contains_barrier(stmt) for stmt in kernel.tree.body):
        block_level = list(splitter.block_level(kernel.tree.body))
        variables, splitter.uniform_statements = uniform_statements(kernel, block_level)
        result.uniform |= variables
        result.recomputed = recomputable(kernel, block_level, result.uniform)
    result.nodes = splitter.split(kernel.tree.body, in_loop=False)
    if result.has_barrier:
        result.has_return = any(isinstance(node, ast.Return) for node in ast.walk(kernel.tree))
        _find_live(kernel, result, splitter.units)
    return result


def _local_arrays(kernel):
    found = {}
    for node in ast.walk(kernel.tree):
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and kernel.resolve(node.value.func) is cu.local.array
                and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            found[node.targets[0].id] = kernel.shape_and_dtype(node.value, "cuda.local.array")
    return found


def names_of(nodes):
    """Every name read or written in `nodes`."""
    return _names(nodes)[0]


def _names(nodes):
    names, stored = set(), set()
    for root in nodes:
        for node in ast.walk(root):
            if isinstance(node, ast.Name):
                names.add(node.id)
                if isinstance(node.ctx, ast.Store):
                    stored.add(node.id)
    return names, stored


class _Splitter:
    def __init__(self, kernel, result):
        self.kernel, self.result = kernel, result
        self.units = []  # (names, inside a block-level loop, first statement)
        self.uniform_statements = set()  # ids of assignments run once per block
        self.loop_variables = set()

    def block_level(self, stmts):
        """The simple statements every thread runs at block level."""
        for stmt in stmts:
            if self.kernel.is_barrier(stmt):
                continue
            if self.contains_barrier(stmt) and isinstance(stmt, (ast.For, ast.While, ast.If)):
                yield from self.block_level(stmt.body)
                yield from self.block_level(stmt.orelse)
            elif not isinstance(stmt, (ast.For, ast.While, ast.If, ast.With, ast.Try)):
                yield stmt

    def contains_barrier(self, stmt):
        return any(isinstance(node, ast.Call) and self.kernel.resolve(node.func)
                   is cu.syncthreads for node in ast.walk(stmt))

    def split(self, stmts, in_loop):
        nodes, current = [], []
        for stmt in stmts:
            if self.kernel.is_barrier(stmt):
                self.result.has_barrier = True
                self.flush(nodes, current, in_loop)
                current = []
            elif id(stmt) in self.uniform_statements:
                self.flush(nodes, current, in_loop)
                current = []
                nodes.append(UniformAssign(stmt))
            elif self.contains_barrier(stmt):
                self.result.has_barrier = True
                self.flush(nodes, current, in_loop)
                current = []
                nodes.append(self.compound(stmt))
            else:
                current.append(stmt)
        self.flush(nodes, current, in_loop)
        return nodes

    def flush(self, nodes, stmts, in_loop):
        if not stmts:
            return
        if in_loop:
            self.check_no_jump(stmts)
        names, stored = _names(stmts)
        segment = Segment(stmts, names, stored)
        nodes.append(segment)
        self.units.append((names, in_loop, stmts[0]))
        uniform_assigned = stored & self.loop_variables
        if uniform_assigned:
            raise self.kernel.unsupported(stmts[0], f"the loop variable "
                                          f"{sorted(uniform_assigned)[0]} of a loop containing "
                                          f"cuda.syncthreads() is assigned in the loop body")

    def header(self, expr, stmt):
        names, _ = _names([expr])
        if is_uniform_expr(self.kernel, expr, self.result.uniform):
            return Header(expr, names, uniform=True)
        self.units.append((names, True, stmt))
        return Header(expr, names)

    def compound(self, stmt):
        unsupported = self.kernel.unsupported
        if isinstance(stmt, ast.For):
            it = stmt.iter
            if (not isinstance(it, ast.Call) or self.kernel.resolve(it.func) is not range
                    or it.keywords or not 1 <= len(it.args) <= 3):
                raise unsupported(stmt, "a loop containing cuda.syncthreads() must be "
                                  "`for ... in range(...)` (or a while loop)")
            if not isinstance(stmt.target, ast.Name) or stmt.orelse:
                raise unsupported(stmt, "a loop containing cuda.syncthreads() needs a plain "
                                  "loop variable and no else clause")
            args = list(it.args)
            if len(args) == 1:
                args = [ast.Constant(0), args[0]]
            bounds = args if len(args) == 3 else [*args, ast.Constant(1)]
            expr = ast.copy_location(ast.Tuple(elts=bounds, ctx=ast.Load()), it)
            header = self.header(expr, stmt)
            self.result.uniform.add(stmt.target.id)
            self.loop_variables.add(stmt.target.id)
            return Loop("for", stmt, header, self.split(stmt.body, True), stmt.target.id)
        if isinstance(stmt, ast.While):
            if stmt.orelse:
                raise unsupported(stmt, "a while loop containing cuda.syncthreads() cannot "
                                  "have an else clause")
            header = self.header(_truth(stmt.test), stmt)
            return Loop("while", stmt, header, self.split(stmt.body, True))
        if isinstance(stmt, ast.If):
            header = self.header(_truth(stmt.test), stmt)
            in_loop = True  # conservatively: its variables are kept per thread
            return Branch(stmt, header, self.split(stmt.body, in_loop),
                          self.split(stmt.orelse, in_loop))
        raise unsupported(stmt, f"cuda.syncthreads() inside this {type(stmt).__name__} "
                          f"statement is not supported; barriers may be "
                          f"statements of the kernel body or of `for ... in range()`, `while` "
                          f"and `if` statements")

    def check_no_jump(self, stmts):
        for stmt in stmts:
            for node in _outside_loops(stmt):
                if isinstance(node, (ast.Break, ast.Continue)):
                    raise self.kernel.unsupported(
                        node, f"`{type(node).__name__.lower()}` in a loop containing "
                        "cuda.syncthreads() is not supported")


def _truth(test):
    return ast.copy_location(ast.Call(func=ast.Name(id="bool", ctx=ast.Load()), args=[test],
                                      keywords=[]), test)


def _outside_loops(stmt):
    """Nodes of stmt not inside a nested loop (where break/continue would be local)."""
    yield stmt
    if isinstance(stmt, (ast.For, ast.While)):
        return
    for child in ast.iter_child_nodes(stmt):
        yield from _outside_loops(child)


def _find_live(kernel, result, units):
    """Locals used in more than one unit, or in a unit inside a block-level loop."""
    stored = {node.id for node in ast.walk(kernel.tree)
              if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    unchanged_params = set(kernel.params) - stored
    candidates = (kernel.locals - result.uniform - set(result.shared) - unchanged_params
                  - set(result.recomputed))
    seen = {}
    for names, in_loop, stmt in units:
        for var in names & candidates:
            seen[var] = seen.get(var, 0) + (2 if in_loop else 1)
            result.first_use.setdefault(var, kernel.loc(stmt))
    result.live = {var for var, count in seen.items() if count >= 2}
    reassigned = result.live & set(kernel.params)
    if reassigned:
        var = sorted(reassigned)[0]
        raise kernel.unsupported(kernel.tree, f"the parameter '{var}' is reassigned in a kernel "
                                 "that uses cuda.syncthreads(); assign it to a new variable")


def without_barriers(kernel, stmts):
    """Copies of stmts with each barrier statement replaced by `pass` (for typing)."""
    return [_Replace(kernel.is_barrier).visit(copy.deepcopy(s)) for s in stmts]


def live_declarations_removed(kernel, stmts, live_arrays):
    """Copies of stmts without the declarations of local arrays kept per thread (the
    phase function binds them to the thread's row of the block's storage)."""
    def declares_live(stmt):
        return (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id in live_arrays
                and isinstance(stmt.value, ast.Call)
                and kernel.resolve(stmt.value.func) is cu.local.array)
    return [_Replace(declares_live).visit(copy.deepcopy(s)) for s in stmts]


class _Replace(ast.NodeTransformer):
    """Replaces statements matching `predicate` by `pass`."""

    def __init__(self, predicate):
        self.predicate = predicate

    def generic_visit(self, node):
        if isinstance(node, ast.stmt) and self.predicate(node):
            return ast.copy_location(ast.Pass(), node)
        return super().generic_visit(node)
