"""A kernel's source, rewritten for ember's CPU pipeline.

CUDA's names become values of an execution context that the executor passes
to the compiled code: `cuda.threadIdx.x` is the parameter `_cu_tx`,
`cuda.grid(1)` is `_cu_tx + _cu_bx * _cu_nx`, and so on. The rewritten
functions keep the kernel's source positions (the frontend reads their tree
through `__ember_source__`), so a compile error names the user's file and
line.

`KernelSource` owns one kernel or device function: its parsed tree, the
values its free names refer to, and the rewriting of its statements
(`Rewriter`). Splitting a kernel at its barriers is `phases.py`'s business.
"""

import ast
import copy

import numpy as np

from ember.errors import Loc, UnsupportedError
from ember.frontend.lower import assigned_names
from ember.frontend.source import Source, free_variables
from ember.targets.cuda import intrinsics as cu
from ember.types import core as t
from ember.types.typeof import to_dtype

# The execution context: thread, block, block size and grid size (x, y, z).
THREAD = ("_cu_tx", "_cu_ty", "_cu_tz")
BLOCK = ("_cu_bx", "_cu_by", "_cu_bz")
BLOCK_DIM = ("_cu_nx", "_cu_ny", "_cu_nz")
GRID_DIM = ("_cu_gx", "_cu_gy", "_cu_gz")
CONTEXT = THREAD + BLOCK + BLOCK_DIM + GRID_DIM
_REGISTER_NAMES = {"threadIdx": THREAD, "blockIdx": BLOCK, "blockDim": BLOCK_DIM,
                   "gridDim": GRID_DIM}
_NOT_FOUND = object()


def name(identifier, store=False):
    return ast.Name(id=identifier, ctx=ast.Store() if store else ast.Load())


def call(func, args):
    return ast.Call(func=name(func) if isinstance(func, str) else func, args=list(args),
                    keywords=[])


def function_def(fn_name, params, body, like):
    """A FunctionDef at the position of `like` (the kernel's own def)."""
    arguments = ast.arguments(posonlyargs=[], args=[ast.arg(arg=p) for p in params],
                              vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                              defaults=[])
    fn = ast.FunctionDef(name=fn_name, args=arguments, body=body or [ast.Pass()],
                         decorator_list=[], returns=None, type_comment=None)
    if hasattr(ast, "TypeAlias"):  # Python 3.12+
        fn.type_params = []
    ast.copy_location(fn, like)
    return _fill_locations(fn, like)


def _fill_locations(tree, like):
    for node in ast.walk(tree):
        if "lineno" in node._attributes and getattr(node, "lineno", None) is None:
            node.lineno = node.end_lineno = like.lineno
            node.col_offset = node.end_col_offset = like.col_offset
    return tree


class SharedArray:
    """`name = cuda.shared.array(shape, dtype)`: one array per block."""

    def __init__(self, var, shape, dtype, loc):
        self.var, self.shape, self.dtype, self.loc = var, shape, dtype, loc
        # shape 0: dynamic shared memory, sized by the launch's `sharedmem` bytes
        self.dynamic = shape == (0,)

    def ember_type(self, from_dtype):
        return t.Array(from_dtype(self.dtype), len(self.shape), "C")


class KernelSource:
    """A kernel's or device function's source and the values its names refer to."""

    def __init__(self, py_func):
        self.py_func = py_func
        self.source = Source(py_func)
        self.tree = self.source.tree
        self.scope = free_variables(py_func)
        self.params = [a.arg for a in self.tree.args.args]
        self.locals = assigned_names(self.tree)
        self.namespace = dict(self.scope)
        self.namespace.update(_cu_empty=np.empty, _cu_zeros=np.zeros)
        self.injected = 0

    def loc(self, node):
        return self.source.loc(node)

    def unsupported(self, node, message, hint=None):
        return UnsupportedError(message, self.loc(node), hint)

    def where(self, node):
        loc = self.loc(node)
        return f"{loc.filename}:{loc.line}"

    def inject(self, value, prefix):
        """A global name for `value` in the generated functions' namespace."""
        self.injected += 1
        key = f"_cu_{prefix}{self.injected}"
        self.namespace[key] = value
        return key

    # ---- resolving names ------------------------------------------------------

    def resolve(self, node):
        """The Python object an attribute chain of free names refers to."""
        if isinstance(node, ast.Name):
            if node.id in self.locals:
                return _NOT_FOUND
            return self.scope.get(node.id, _NOT_FOUND)
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            if base is _NOT_FOUND:
                return _NOT_FOUND
            value = getattr(base, node.attr, _NOT_FOUND)
            if value is _NOT_FOUND and _is_cuda_namespace(base):
                raise self.unsupported(node, f"cuda.{_dotted(node).split('.', 1)[-1]} is not "
                                       f"supported in kernels on this target",
                                       hint=SUPPORTED_HINT)
            return value
        return _NOT_FOUND

    def constant(self, node, what):
        """The value of a compile-time constant expression (a shape, a dtype)."""
        used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        variables = ", ".join(sorted(used & self.locals))
        if variables:
            raise self.unsupported(node, f"the {what} must be a compile-time constant "
                                   f"(uses the variable(s) {variables})")
        expr = ast.fix_missing_locations(ast.Expression(body=copy.deepcopy(node)))
        try:
            return eval(compile(expr, "<ember.cuda>", "eval"), dict(self.scope))
        except Exception as exc:
            raise self.unsupported(node, f"cannot evaluate the {what} at compile time: "
                                   f"{exc}") from None

    def shape_and_dtype(self, call_node, what):
        args = list(call_node.args)
        kws = {k.arg: k.value for k in call_node.keywords}
        shape_node = kws.get("shape", args[0] if args else None)
        dtype_node = kws.get("dtype", args[1] if len(args) > 1 else None)
        if shape_node is None or dtype_node is None:
            raise self.unsupported(call_node, f"{what} takes (shape, dtype)")
        shape = self.constant(shape_node, f"shape of {what}")
        shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
        if not all(isinstance(s, (int, np.integer)) and s >= 0 for s in shape):
            raise self.unsupported(shape_node, f"the shape of {what} must be an int or a "
                                   f"tuple of ints >= 0, got {shape!r}")
        return tuple(int(s) for s in shape), as_dtype(self.constant(dtype_node,
                                                                    f"dtype of {what}"),
                                                      self.loc(dtype_node))

    def shared_arrays(self):
        """Every `name = cuda.shared.array(...)` statement of the kernel."""
        found = {}
        for stmt in ast.walk(self.tree):
            if not isinstance(stmt, ast.Assign) or not isinstance(stmt.value, ast.Call):
                continue
            if self.resolve(stmt.value.func) is not cu.shared.array:
                continue
            if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
                raise self.unsupported(stmt, "assign cuda.shared.array(...) to a plain name")
            shape, dtype = self.shape_and_dtype(stmt.value, "cuda.shared.array")
            var = stmt.targets[0].id
            if var in found:
                raise self.unsupported(stmt, f"the shared array {var} is declared twice")
            found[var] = SharedArray(var, shape, dtype, self.loc(stmt))
            if sum(s.dynamic for s in found.values()) > 1:
                raise self.unsupported(stmt, "only one dynamic shared array (shape 0) per "
                                       "kernel is supported (CUDA makes them alias)")
        return found

    def is_barrier(self, stmt):
        return (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
                and self.resolve(stmt.value.func) is cu.syncthreads)

    def is_shared_declaration(self, stmt):
        return (isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call)
                and self.resolve(stmt.value.func) is cu.shared.array)

    def make_function(self, fn):
        """A real Python function for a generated FunctionDef, compiled by ember from
        that tree (the user's positions) and with this kernel's free names."""
        module = ast.fix_missing_locations(ast.Module(body=[fn], type_ignores=[]))
        exec(compile(module, "<ember.cuda>", "exec"), self.namespace)
        py_func = self.namespace[fn.name]
        py_func.__ember_source__ = (self.source.filename, fn, self.source.line_offset,
                                    self.source.indent)
        py_func.__qualname__ = self.py_func.__qualname__
        return py_func


SUPPORTED_HINT = ("kernels may use cuda.threadIdx/blockIdx/blockDim/gridDim, grid, gridsize, "
                  "syncthreads, shared.array, local.array and atomic.add/sub/max/min/exch/"
                  "compare_and_swap/cas")


def _dotted(node):
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return getattr(node, "id", "?")


def _is_cuda_namespace(value):
    if isinstance(value, (cu.Namespace, cu.Dim3Register)):
        return True
    return getattr(value, "__name__", None) == "ember.cuda"


def as_dtype(value, loc=None):
    """A NumPy dtype from what kernels write for one: numba.float32, np.float32, 'f4'."""
    if isinstance(value, t.Type):
        try:
            return to_dtype(value)
        except KeyError:
            pass
    else:
        try:
            return np.dtype(value)
        except TypeError:
            pass
    raise UnsupportedError(f"{value!r} is not a dtype an array can have", loc)


class KernelTarget:
    """The interface the CPU executor and the PTX backend both implement: what
    each CUDA construct becomes in the rewritten source. Everything else
    (typing, semantics, codegen of the body) is ember's one pipeline; only
    these answers differ. Each method returns an AST expression, or raises
    UnsupportedError at `node`. The shared behaviour lives here."""

    def barrier(self, kernel, node):
        """`cuda.syncthreads()` where it stays in the body."""
        raise NotImplementedError

    def local_array(self, kernel, shape, dtype, node):
        """`cuda.local.array(shape, dtype)`: one array per thread."""
        raise NotImplementedError

    def device_call(self, kernel, device, node):
        """The name of the compiled device function `device` (called with the context)."""
        return kernel.inject(device.cpu_function(), "device_")

    def atomic(self, kernel, operation, node):
        """The name of the intrinsic for `cuda.atomic.<operation>` (atomics.py)."""
        from ember.targets.cuda import atomics

        return kernel.inject(atomics.FUNCTIONS[operation], f"atomic_{operation}_")


class Rewriter(ast.NodeTransformer):
    """Rewrites CUDA names in kernel statements for one target.

    `target.barrier(node)` says what `cuda.syncthreads()` becomes where the
    phase splitter leaves it (the PTX backend keeps it; the CPU executor
    never lets one through); `device_call(dev, node)` names the compiled
    device function.
    """

    def __init__(self, kernel, target, is_kernel):
        self.kernel, self.target, self.is_kernel = kernel, target, is_kernel

    def visit_Name(self, node):
        return self._register(node) or node

    def visit_Attribute(self, node):
        return self._register(node) or self.generic_visit(node)

    def _register(self, node):
        if not isinstance(node.ctx, ast.Load):
            return None
        value = self.kernel.resolve(node)
        for register_name, register in cu.REGISTERS.items():
            if value is register:
                raise self.kernel.unsupported(node, f"use cuda.{register_name}.x, .y or .z")
            for axis, component in zip("xyz", (register.x, register.y, register.z)):
                if value is component:
                    index = "xyz".index(axis)
                    return ast.copy_location(name(_REGISTER_NAMES[register_name][index]), node)
        if isinstance(value, cu.KernelOnly) and not isinstance(value, cu.Dim3Register):
            return None if _is_call_target(node) else self._not_a_value(node, value)
        return None

    def _not_a_value(self, node, value):
        raise self.kernel.unsupported(node, f"cuda.{value.name} must be called")

    def visit_Assign(self, node):
        if self.kernel.is_shared_declaration(node):  # allocated per block by the target
            return ast.copy_location(ast.Pass(), node)
        return self.generic_visit(node)

    def visit_Return(self, node):
        if self.is_kernel and node.value is not None and not (
                isinstance(node.value, ast.Constant) and node.value.value is None):
            raise self.kernel.unsupported(node, "a CUDA kernel cannot return a value "
                                          "(kernels must have a void return type)",
                                          hint="write results into an array argument")
        return self.generic_visit(node)

    def visit_Call(self, node):
        value = self.kernel.resolve(node.func)
        handler = _CALLS.get(id(value))
        if handler is not None:
            return ast.copy_location(handler(self, node), node)
        if getattr(value, "_ember_cuda_device", False):
            args = [self.visit(a) for a in node.args]
            if node.keywords:
                raise self.kernel.unsupported(node, "device functions take positional "
                                              "arguments only")
            func = self.target.device_call(self.kernel, value, node)
            return ast.copy_location(call(func, args + [name(c) for c in CONTEXT]), node)
        if getattr(value, "_ember_cuda_kernel", False):
            raise self.kernel.unsupported(node, "a kernel cannot launch another kernel "
                                          "(dynamic parallelism is not supported)")
        if isinstance(value, cu.KernelOnly):
            raise self.kernel.unsupported(node, f"cuda.{value.name} is not supported in "
                                          f"kernels on this target", hint=SUPPORTED_HINT)
        module = getattr(value, "__module__", None) or ""
        if _is_cuda_namespace(getattr(value, "__self__", None)) or module.startswith(
                "ember.targets.cuda"):
            raise self.kernel.unsupported(node, f"{_dotted(node.func)} cannot be called "
                                          f"inside a kernel (host-side API)")
        return self.generic_visit(node)

    # ---- the CUDA calls --------------------------------------------------------

    def _ndim(self, node):
        if len(node.args) != 1 or node.keywords:
            raise self.kernel.unsupported(node, "takes one argument, the number of "
                                          "dimensions")
        ndim = self.kernel.constant(node.args[0], "number of dimensions")
        if ndim not in (1, 2, 3):
            raise self.kernel.unsupported(node, f"the number of dimensions must be 1, 2 or 3, "
                                          f"got {ndim!r}")
        return ndim

    def grid(self, node):
        def axis(k):
            return ast.BinOp(left=name(THREAD[k]), op=ast.Add(),
                             right=ast.BinOp(left=name(BLOCK[k]), op=ast.Mult(),
                                             right=name(BLOCK_DIM[k])))
        return self._per_axis(self._ndim(node), axis)

    def gridsize(self, node):
        def axis(k):
            return ast.BinOp(left=name(BLOCK_DIM[k]), op=ast.Mult(), right=name(GRID_DIM[k]))
        return self._per_axis(self._ndim(node), axis)

    def _per_axis(self, ndim, axis):
        if ndim == 1:
            return axis(0)
        return ast.Tuple(elts=[axis(k) for k in range(ndim)], ctx=ast.Load())

    def syncthreads(self, node):
        if not self.is_kernel:
            raise self.kernel.unsupported(node, "cuda.syncthreads() in a device function is "
                                          "not supported yet; call it in the kernel")
        return self.target.barrier(self.kernel, node)

    def local_array(self, node):
        shape, dtype = self.kernel.shape_and_dtype(node, "cuda.local.array")
        return self.target.local_array(self.kernel, shape, dtype, node)

    def shared_array(self, node):
        raise self.kernel.unsupported(node, "assign cuda.shared.array(...) to a name in its "
                                      "own statement (`sdata = cuda.shared.array(256, "
                                      "float32)`)")



def _atomic(operation):
    def rewrite(self, node):
        if node.keywords:
            raise self.kernel.unsupported(node, "atomics take positional arguments")
        func = self.target.atomic(self.kernel, operation, node)
        return call(func, [self.visit(a) for a in node.args])
    return rewrite


def _is_call_target(node):
    return getattr(node, "_cu_call_target", False)


class _MarkCallTargets(ast.NodeVisitor):
    def visit_Call(self, node):
        node.func._cu_call_target = True
        self.generic_visit(node)


def mark_call_targets(tree):
    _MarkCallTargets().visit(tree)
    return tree


_CALLS = {id(cu.grid): Rewriter.grid, id(cu.gridsize): Rewriter.gridsize,
          id(cu.syncthreads): Rewriter.syncthreads, id(cu.local.array): Rewriter.local_array,
          id(cu.shared.array): Rewriter.shared_array}
for _operation in cu.ATOMIC_OPERATIONS:
    _CALLS[id(getattr(cu.atomic, _operation))] = _atomic(_operation)


def rewrite(kernel, stmts, target, is_kernel=True):
    """Copies of `stmts` with CUDA names rewritten for `target`."""
    rewriter = Rewriter(kernel, target, is_kernel)
    out = []
    for stmt in stmts:
        stmt = mark_call_targets(copy.deepcopy(stmt))
        out.append(rewriter.visit(stmt))
    return out


def kernel_loc(kernel):
    return Loc(kernel.source.filename, kernel.source.line_offset + kernel.tree.lineno)
