"""Block-uniform variables of a kernel with barriers.

A variable is uniform when every assignment to it is a statement at block
level (not inside an `if` or loop that contains no barrier, so every thread
runs it) computing a value from uniform values only: constants, parameters
never reassigned (and their `.shape`), blockIdx/blockDim/gridDim, other
uniform variables, through arithmetic and a few pure builtins. Every thread
would compute the same value, so the executor computes it once per block in
the block function: no per-thread storage, and a loop or branch around a
barrier whose bounds use only uniform values needs no per-thread agreement
check (the reduction's `s = blockDim.x // 2; while s > 0: ...; s //= 2`).
"""

import ast
import math

import numpy as np

from ember.targets.cuda import intrinsics as cu

_PURE_CALLS = {min, max, abs, int, float, bool, round, len, *(
    getattr(math, name) for name in ("floor", "ceil", "sqrt", "log2", "exp", "log"))}
_BLOCK_REGISTERS = {id(getattr(register, axis)) for register in (cu.blockIdx, cu.blockDim,
                                                                 cu.gridDim) for axis in "xyz"}
_THREAD_REGISTERS = {id(getattr(cu.threadIdx, axis)) for axis in "xyz"}


def uniform_statements(kernel, block_level):
    """(uniform variable names, ids of the block-level statements assigning them).

    `block_level`: the simple statements the phase splitter sees at block level.
    """
    stores = {}
    for node in ast.walk(kernel.tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            stores.setdefault(node.id, []).append(node)
    assignments = {}
    for stmt in block_level:
        var = _assigned_name(stmt)
        if var is not None:
            assignments.setdefault(var, []).append(stmt)
    unchanged = set(kernel.params) - set(stores)
    candidates = {var for var, found in assignments.items()
                  if len(found) == len(stores.get(var, ())) and var not in kernel.params}
    changed = True
    while changed:  # drop candidates whose value needs a non-uniform one
        changed = False
        for var in sorted(candidates):
            allowed = candidates | unchanged
            if not all(_is_uniform(kernel, _value(stmt), allowed) for stmt in assignments[var]):
                candidates.discard(var)
                changed = True
    statements = {id(stmt) for var in candidates for stmt in assignments[var]}
    return candidates, statements


def recomputable(kernel, block_level, uniform):
    """Variables assigned once, at block level, from values fixed for the whole
    launch of a thread (its registers, block registers, unchanged parameters,
    uniform variables assigned once, other such variables): name -> statement.
    A phase recomputes them instead of keeping them per thread (`tid =
    cuda.threadIdx.x`, `i = cuda.grid(1)`)."""
    stores = {}
    for node in ast.walk(kernel.tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            stores[node.id] = stores.get(node.id, 0) + 1
    fixed = {v for v in uniform if stores.get(v) == 1} | (set(kernel.params) - set(stores))
    found = {}
    for stmt in block_level:  # in program order, so inputs come first
        var = _assigned_name(stmt)
        if (var is None or var in uniform or stores.get(var) != 1 or var in kernel.params
                or not isinstance(stmt, ast.Assign)):
            continue
        if _Uniform(kernel, fixed | set(found), thread=True).visit(stmt.value):
            found[var] = stmt
    return found


def is_uniform_expr(kernel, expr, uniform):
    """Whether every thread of a block computes the same value for `expr`."""
    stores = {n.id for n in ast.walk(kernel.tree)
              if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return _is_uniform(kernel, expr, set(uniform) | (set(kernel.params) - stores))


def _assigned_name(stmt):
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(
            stmt.targets[0], ast.Name):
        return stmt.targets[0].id
    if isinstance(stmt, (ast.AugAssign, ast.AnnAssign)) and isinstance(stmt.target, ast.Name):
        return stmt.target.id if getattr(stmt, "value", None) is not None else None
    return None


def _value(stmt):
    if isinstance(stmt, ast.AugAssign):
        return ast.BinOp(left=ast.Name(id=stmt.target.id, ctx=ast.Load()), op=stmt.op,
                         right=stmt.value)
    return stmt.value


def _is_uniform(kernel, expr, allowed):
    return _Uniform(kernel, allowed).visit(expr)


class _Uniform(ast.NodeVisitor):
    """visit(expr) -> True when expr is built from uniform values only."""

    def __init__(self, kernel, allowed, thread=False):
        self.kernel, self.allowed = kernel, allowed
        self.thread = thread  # also accept the thread's own registers and grid position

    def generic_visit(self, node):
        return False  # anything not listed below: assume it differs between threads

    def visit_Constant(self, node):
        return True

    def visit_Name(self, node):
        if node.id in self.allowed:
            return True
        if node.id in self.kernel.locals:
            return False
        value = self.kernel.scope.get(node.id)
        return isinstance(value, (int, float, bool, np.number))

    def visit_Attribute(self, node):
        value = self.kernel.resolve(node)
        if id(value) in _BLOCK_REGISTERS or self.thread and id(value) in _THREAD_REGISTERS:
            return True
        if isinstance(node.value, ast.Name) and node.value.id in self.allowed:
            return node.attr in ("shape", "size", "ndim")
        return isinstance(value, (int, float, bool, np.number))

    def visit_Subscript(self, node):  # only `a.shape[k]`: array contents may change
        return (isinstance(node.value, ast.Attribute) and node.value.attr == "shape"
                and self.visit(node.value) and self.visit(node.slice))

    def visit_BinOp(self, node):
        return self.visit(node.left) and self.visit(node.right)

    def visit_UnaryOp(self, node):
        return self.visit(node.operand)

    def visit_BoolOp(self, node):
        return all(self.visit(v) for v in node.values)

    def visit_Compare(self, node):
        return self.visit(node.left) and all(self.visit(c) for c in node.comparators)

    def visit_IfExp(self, node):
        return self.visit(node.test) and self.visit(node.body) and self.visit(node.orelse)

    def visit_Tuple(self, node):
        return all(self.visit(e) for e in node.elts)

    def visit_Call(self, node):
        func = self.kernel.resolve(node.func)
        if self.thread and (func is cu.grid or func is cu.gridsize):
            return not node.keywords and all(isinstance(a, ast.Constant) for a in node.args)
        pure = any(func is f for f in _PURE_CALLS) or (
            isinstance(func, type) and issubclass(func, np.number))
        if not pure:
            return False
        return not node.keywords and all(self.visit(a) for a in node.args)
