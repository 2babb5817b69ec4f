"""Blocks whose every array access is provably in range run without bounds checks.

Bounds checks are on by default, and a check's exit keeps LLVM from
vectorising the loop over a block's threads. Most kernels index arrays with
the thread's grid position (`i = cuda.grid(1); if i < n: out[i] = a[i] + b[i]`),
and over one block such an index spans a known interval: `cuda.grid(1)` is
`bx*nx .. bx*nx + nx - 1`. When every subscript of the kernel is a parameter
array indexed by such variables, the block function tests, per block, that
each interval's top is below the array's length along that axis, and runs a
copy of the thread function compiled without checks when it holds (every
block but a ragged last one, typically), the checked one otherwise. Any
other subscript, atomic or device function call keeps the checks everywhere.
"""

import ast
import types

from ember.targets.cuda import intrinsics as cu
from ember.targets.cuda.transform import BLOCK, BLOCK_DIM


def block_bounds(kernel, arg_types):
    """Conditions (source text over the block's context) under which every
    array access of the kernel is in range, or None when that cannot be shown."""
    stores = _store_counts(kernel.tree)
    intervals = _interval_variables(kernel, stores)
    conditions = []
    for node in ast.walk(kernel.tree):
        if isinstance(node, ast.Call) and not _harmless_call(kernel, node):
            return None
        if not isinstance(node, ast.Subscript):
            continue
        condition = _subscript_condition(kernel, node, intervals, stores, arg_types)
        if condition is None:
            return None
        conditions.extend(condition)
    return sorted(set(conditions))


def _store_counts(tree):
    counts = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            counts[node.id] = counts.get(node.id, 0) + 1
    return counts


def _interval_variables(kernel, stores):
    """Names assigned once, at the kernel's top level, a grid position or a register:
    name -> the top of its interval over one block."""
    found = {}
    for stmt in kernel.tree.body:
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
            continue
        target, value = stmt.targets[0], stmt.value
        names = [target] if isinstance(target, ast.Name) else (
            list(target.elts) if isinstance(target, ast.Tuple) else [])
        tops = _tops(kernel, value)
        if tops is None or len(tops) != len(names) or not all(
                isinstance(n, ast.Name) for n in names):
            continue
        for name_node, top in zip(names, tops):
            if stores.get(name_node.id) == 1:
                found[name_node.id] = top
    return found


def _tops(kernel, value):
    if isinstance(value, ast.Call) and kernel.resolve(value.func) is cu.grid and len(
            value.args) == 1 and isinstance(value.args[0], ast.Constant):
        ndim = value.args[0].value
        return [f"{BLOCK[d]} * {BLOCK_DIM[d]} + {BLOCK_DIM[d]} - 1" for d in range(ndim)]
    resolved = kernel.resolve(value)
    for d, axis in enumerate("xyz"):
        if resolved is getattr(cu.threadIdx, axis):
            return [f"{BLOCK_DIM[d]} - 1"]
        if resolved is getattr(cu.blockIdx, axis):
            return [BLOCK[d]]
    return None


def _harmless_call(kernel, node):
    """Calls that index no array of the kernel without their own checks: everything
    but atomics, local and shared arrays, device functions and plain Python helpers
    (these would be compiled without checks too)."""
    value = kernel.resolve(node.func)
    if value is cu.grid or value is cu.gridsize:
        return True
    if isinstance(value, cu.KernelOnly) or getattr(value, "_ember_cuda_device", False):
        return False
    return not isinstance(value, types.FunctionType)


def _subscript_condition(kernel, node, intervals, stores, arg_types):
    if isinstance(node.value, ast.Attribute) and node.value.attr in ("shape", "strides"):
        return []  # a tuple's item: typing checks a constant index
    if not isinstance(node.value, ast.Name) or node.value.id not in kernel.params:
        return None
    array = node.value.id
    ty = arg_types[kernel.params.index(array)]
    if stores.get(array, 0) or not hasattr(ty, "ndim"):
        return None
    index = node.slice
    parts = list(index.elts) if isinstance(index, ast.Tuple) else [index]
    if len(parts) != ty.ndim or not all(isinstance(p, ast.Name) and p.id in intervals
                                        for p in parts):
        return None
    return [f"{intervals[p.id]} < {array}.shape[{axis}]" for axis, p in enumerate(parts)]
