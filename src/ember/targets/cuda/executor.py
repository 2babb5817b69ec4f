"""The CPU executor: CUDA kernels compiled by ember's CPU pipeline and run
block by block on ember's thread pool, for machines without a GPU.

A launch is one compiled function (`_cu_launch`): a `prange` over the blocks
of the grid, so blocks spread across the native thread pool; each block runs
its threads in a loop nest (z, y, x; x innermost, so a 1-D kernel's thread
loop is a plain counted loop that LLVM vectorises). The kernel body is the
per-thread function, called (and inlined) with the execution context
(`transform.CONTEXT`) as arguments.

Barriers: the body is split at each `cuda.syncthreads()` into phases
(`phases.plan`), and the block runs phase k for all its threads before
phase k+1. Variables live across a barrier are kept per thread, in arrays
indexed by the thread's linear id. A barrier inside a `for ... in range()`,
`while` or `if` splits that statement's body the same way; its loop bounds
or condition are evaluated for every thread of the block and must agree
(CUDA requires it: a barrier in divergent code is undefined behaviour there;
here it is a RuntimeError naming the line). Shared arrays are allocated once
per block, local arrays once per thread.
"""

import ast

import numpy as np

from ember import config
from ember.errors import UnsupportedError
from ember.targets.cuda import phases
from ember.targets.cuda.transform import (
    BLOCK,
    BLOCK_DIM,
    CONTEXT,
    GRID_DIM,
    THREAD,
    KernelSource,
    KernelTarget,
    call,
    function_def,
    name,
    rewrite,
)
from ember.targets.cuda.versioning import block_bounds
from ember.types import core as t
from ember.types.typeof import from_dtype, to_dtype

_LOOPS = [f"for {THREAD[2]} in range({BLOCK_DIM[2]}):",
          f"    for {THREAD[1]} in range({BLOCK_DIM[1]}):",
          f"        for {THREAD[0]} in range({BLOCK_DIM[0]}):"]
_OUTER = ", ".join(BLOCK + BLOCK_DIM + GRID_DIM)
_DONE = "_cu_done"  # per thread: returned from the kernel
_BLOCK_PARAMS = _OUTER + ", _cu_sharedmem"  # and the bytes of dynamic shared memory


class CpuTarget(KernelTarget):
    """What CUDA names become in code for the CPU executor (see transform.Rewriter)."""

    def barrier(self, kernel, node):
        raise kernel.unsupported(
            node, "cuda.syncthreads() is supported as a statement of the kernel body, or "
            "inside `for ... in range(...)`, `while` and `if` statements (with the same "
            "bounds or condition in every thread of a block); not here")

    def local_array(self, kernel, shape, dtype, node):
        shape_node = ast.Tuple(elts=[ast.Constant(s) for s in shape], ctx=ast.Load())
        return call("_cu_empty", [shape_node, name(kernel.inject(dtype, "dtype_"))])


CPU = CpuTarget()


def device_function(py_func):
    """A device function for the CPU: its body with the context as extra parameters."""
    kernel = KernelSource(py_func)
    body = rewrite(kernel, kernel.tree.body, CPU, is_kernel=False)
    fn = function_def(f"_cu_device_{py_func.__name__}", kernel.params + list(CONTEXT), body,
                      kernel.tree)
    return kernel.make_function(fn)


class CompiledKernel:
    """One kernel compiled for one list of argument types: call `launch`."""

    def __init__(self, py_func, arg_types, options, eager=False):
        kernel = KernelSource(py_func)
        self.kernel = kernel
        plan = phases.plan(kernel)
        live_types = self._live_types(kernel, plan, arg_types) if plan.live else {}
        builder = _BlockBuilder(kernel, plan, live_types, tuple(arg_types))
        if not plan.has_barrier and options.get("boundscheck", config.BOUNDSCHECK):
            builder.fast_conditions = block_bounds(kernel, arg_types)
        launch = builder.launch_function()
        from ember.dispatcher import Dispatcher

        launch_options = dict(options, parallel=True, nopython=True)
        # Declared signatures compile now (errors at decoration, as in Numba);
        # the dispatcher then converts arguments to them.
        signatures = [tuple(arg_types) + (t.int64,) * 7] if eager else ()
        self.dispatcher = Dispatcher(launch, launch_options, signatures)

    @staticmethod
    def _live_types(kernel, plan, arg_types):
        """Types of the variables live across barriers: the whole body, barriers
        removed, typed by ember for these arguments."""
        from ember.frontend.lower import lower_function_cached
        from ember.typing.infer import type_function

        body = rewrite(kernel, phases.without_barriers(kernel, kernel.tree.body), CPU)
        shared = list(plan.shared.values())
        params = kernel.params + [s.var for s in shared] + list(CONTEXT)
        fn = kernel.make_function(function_def("_cu_whole", params, body, kernel.tree))
        types = list(arg_types) + [s.ember_type(from_dtype) for s in shared]
        typed = type_function(lower_function_cached(fn), types + [t.int64] * len(CONTEXT))
        return {var: typed.var_types.get(var) for var in plan.live}

    def launch(self, args, griddim, blockdim, sharedmem=0):
        self.dispatcher(*args, *griddim, *blockdim, int(sharedmem))


class _BlockBuilder:
    """Generates the per-phase functions, the block function and the launcher."""

    def __init__(self, kernel, plan, live_types, arg_types):
        self.kernel, self.plan = kernel, plan
        self.live_scalars, self.live_arrays = {}, {}
        for var in sorted(plan.live):
            self._classify(var, live_types.get(var))
        self.count = 0
        self.fast_conditions = None  # see versioning.py
        self.arg_types = arg_types

    def _classify(self, var, ty):
        declared = self.plan.local_arrays.get(var)
        if declared is not None:
            self.live_arrays[var] = declared
        elif isinstance(ty, t.Number):
            self.live_scalars[var] = to_dtype(ty)
        elif ty is not None:
            loc = self.plan.first_use.get(var)
            raise UnsupportedError(
                f"the variable '{var}' ({ty}) is used on both sides of a cuda.syncthreads(); "
                "only numbers and cuda.local arrays can be", loc,
                hint="recompute it after the barrier")

    def storage(self, var):
        return f"_cu_live_{var}"

    # ---- the block function -----------------------------------------------------

    def block_function(self):
        params = self.kernel.params
        lines = [f"def _cu_block({', '.join(params + [_BLOCK_PARAMS])}):",
                 f"    _cu_nt = {BLOCK_DIM[0]} * {BLOCK_DIM[1]} * {BLOCK_DIM[2]}"]
        for shared in self.plan.shared.values():
            dtype = self.kernel.inject(shared.dtype, "dtype_")
            shape = (f"_cu_sharedmem // {shared.dtype.itemsize}" if shared.dynamic
                     else repr(shared.shape))
            lines.append(f"    {shared.var} = _cu_zeros({shape}, {dtype})")
        for var, dtype in self.live_scalars.items():
            lines.append(f"    {self.storage(var)} = _cu_zeros(_cu_nt, "
                         f"{self.kernel.inject(dtype, 'dtype_')})")
        if self.plan.has_return:
            flags = self.kernel.inject(np.bool_, "dtype_")
            lines.append(f"    {_DONE} = _cu_zeros(_cu_nt, {flags})")
        for var, (shape, dtype) in self.live_arrays.items():
            lines.append(f"    {self.storage(var)} = _cu_zeros((_cu_nt,) + {shape!r}, "
                         f"{self.kernel.inject(dtype, 'dtype_')})")
        body = self.nodes(self.plan.nodes, 1)
        lines.extend(body or ["    pass"])
        return self._function("\n".join(lines))

    def nodes(self, nodes, depth):
        out = []
        pad = "    " * depth
        for node in nodes:
            if isinstance(node, phases.Segment) and self.fast_conditions:
                out.append(f"{pad}if {' and '.join(self.fast_conditions)}:")
                out.extend(self.thread_loops(self.phase(node, checked=False), depth + 1))
                out.append(f"{pad}else:")
                out.extend(self.thread_loops(self.phase(node), depth + 1))
            elif isinstance(node, phases.Segment):
                out.extend(self.thread_loops(self.phase(node), depth))
            elif isinstance(node, phases.UniformAssign):
                out.append(pad + ast.unparse(rewrite(self.kernel, [node.stmt], CPU)[0]))
            elif isinstance(node, phases.Loop) and node.kind == "for":
                self.count += 1
                bounds = f"_cu_bounds{self.count}"
                out.append(f"{pad}{bounds} = {self.uniform(node.header, node.stmt)}")
                out.append(f"{pad}for {node.var} in range({bounds}[0], {bounds}[1], "
                           f"{bounds}[2]):")
                out.extend(self.nodes(node.body, depth + 1) or [pad + "    pass"])
            elif isinstance(node, phases.Loop):
                out.append(f"{pad}while {self.uniform(node.header, node.stmt)}:")
                out.extend(self.nodes(node.body, depth + 1) or [pad + "    pass"])
            else:
                out.append(f"{pad}if {self.uniform(node.header, node.stmt)}:")
                out.extend(self.nodes(node.body, depth + 1) or [pad + "    pass"])
                if node.orelse:
                    out.append(f"{pad}else:")
                    out.extend(self.nodes(node.orelse, depth + 1) or [pad + "    pass"])
        return out

    def _arguments(self, names_used):
        """Block-level names a phase function takes, in order."""
        shared = [v for v in self.plan.shared if v in names_used]
        uniform = [v for v in sorted(self.plan.uniform) if v in names_used]
        live = [self.storage(v) for v in sorted(self.plan.live) if v in names_used]
        done = [_DONE] if self.plan.has_return else []
        return self.kernel.params + shared + uniform + live + done

    def _thread_function(self, prefix, stmts, names_used, stored, result=None):
        """A function of one thread: loads live variables, runs `stmts`, stores
        the live variables it assigned; returns `result` (an expression) if given."""
        self.count += 1
        fn_name = f"_cu_{prefix}{self.count}"
        recomputed = self._recomputed(names_used, stored)
        for stmt in recomputed:
            names_used = names_used | phases.names_of([stmt])
        live = [v for v in sorted(self.plan.live) if v in names_used]
        body = rewrite(self.kernel, recomputed, CPU)
        if live or self.plan.has_return:
            body.append(_parse(f"_cu_t = {THREAD[0]} + {BLOCK_DIM[0]} * ({THREAD[1]} + "
                               f"{BLOCK_DIM[1]} * {THREAD[2]})"))
        if self.plan.has_return and result is None:  # a thread that returned is done
            body.append(_parse(f"if {_DONE}[_cu_t]:\n    return"))
        body += [_parse(f"{v} = {self.storage(v)}[_cu_t]") for v in live]
        code = rewrite(self.kernel, phases.live_declarations_removed(
            self.kernel, stmts, self.live_arrays), CPU)
        body += [_ExitMarksDone().visit(s) for s in code] if self.plan.has_return else code
        body += [_parse(f"{self.storage(v)}[_cu_t] = {v}") for v in live
                 if v in stored and v in self.live_scalars]
        if result is not None:
            body.append(ast.Return(value=rewrite(self.kernel, [ast.Expr(result)], CPU)[0].value))
        args = self._arguments(names_used)
        fn = function_def(fn_name, args + list(CONTEXT), body, self.kernel.tree)
        self.kernel.make_function(fn)
        return fn_name, args

    @staticmethod
    def thread_loops(call_text, depth):
        pad = "    " * depth
        return [pad + line for line in _LOOPS] + [pad + "            " + call_text]

    def _recomputed(self, names_used, stored):
        """Assignments of recomputed variables this code needs (with their inputs),
        unless it assigns them itself, in program order."""
        needed, pending = set(), [v for v in names_used if v in self.plan.recomputed]
        while pending:
            var = pending.pop()
            if var in needed or var in stored:
                continue
            needed.add(var)
            inputs = phases.names_of([self.plan.recomputed[var]])
            pending.extend(v for v in inputs if v in self.plan.recomputed)
        return [stmt for var, stmt in self.plan.recomputed.items() if var in needed]

    def phase(self, segment, checked=True):
        fn_name, args = self._thread_function("phase", segment.stmts, segment.names,
                                              segment.stored)
        if not checked:  # proven in range for this block: compiled without checks
            _mark_indexes_safe(self.kernel.namespace[fn_name], self.arg_types + (t.int64,) * (
                len(args) - len(self.arg_types) + len(CONTEXT)))
        return f"{fn_name}({', '.join(args + list(CONTEXT))})"

    def uniform(self, header, stmt):
        """A block-level value (loop bounds, a condition) that every thread must agree on."""
        if header.uniform:  # the same in every thread by construction: compute it once
            return ast.unparse(rewrite(self.kernel, [ast.Expr(header.expr)], CPU)[0].value)
        value_name, args = self._thread_function("value", [], header.names, set(), header.expr)
        where = self.kernel.where(stmt)
        message = (f"{where}: a cuda.syncthreads() inside a loop or branch whose bounds or "
                   f"condition differ between the threads of a block")
        outer = ", ".join(args + [_OUTER])
        first = ", ".join(args + ["0", "0", "0", _OUTER])
        each = ", ".join(args + list(CONTEXT))
        # Threads that returned take no part (CUDA counts them as arrived).
        skip = (f"{_DONE}[{THREAD[0]} + {BLOCK_DIM[0]} * ({THREAD[1]} + {BLOCK_DIM[1]} * "
                f"{THREAD[2]})]" if self.plan.has_return else "False")
        lines = [f"def _cu_uniform{self.count}({outer}):",
                 f"    _cu_first = {value_name}({first})",
                 "    _cu_seen = False",
                 *("    " + line for line in _LOOPS),
                 f"                if not {skip}:",
                 f"                    _cu_value = {value_name}({each})",
                 "                    if not _cu_seen:",
                 "                        _cu_first, _cu_seen = _cu_value, True",
                 "                    elif _cu_value != _cu_first:",
                 f"                        raise RuntimeError({message!r})",
                 "    return _cu_first"]
        self._function("\n".join(lines))
        return f"_cu_uniform{self.count}({outer})"

    # ---- the launcher -----------------------------------------------------------

    def launch_function(self):
        self.block_function()
        params = self.kernel.params
        block_args = ", ".join(params + [
            "_cu_b % _cu_gx", "(_cu_b // _cu_gx) % _cu_gy", "_cu_b // (_cu_gx * _cu_gy)",
            ", ".join(BLOCK_DIM + GRID_DIM), "_cu_sharedmem"])
        launch_params = params + list(GRID_DIM + BLOCK_DIM) + ["_cu_sharedmem"]
        text = "\n".join([
            f"def _cu_launch({', '.join(launch_params)}):",
            "    for _cu_b in _cu_prange(_cu_gx * _cu_gy * _cu_gz):",
            f"        _cu_block({block_args})"])
        import ember

        self.kernel.namespace["_cu_prange"] = ember.prange
        return self._function(text)

    def _function(self, text):
        fn = ast.parse(text).body[0]
        for node in ast.walk(fn):  # generated code: report the kernel's def line
            if "lineno" in node._attributes:
                node.lineno = node.end_lineno = self.kernel.tree.lineno
                node.col_offset = node.end_col_offset = self.kernel.tree.col_offset
        return self.kernel.make_function(fn)


class _ExitMarksDone(ast.NodeTransformer):
    """`return` in a phase: the thread is done, it runs no later phase."""

    def visit_Return(self, node):
        mark = _parse(f"{_DONE}[_cu_t] = True")
        for part in ast.walk(mark):
            if "lineno" in part._attributes:
                ast.copy_location(part, node)
        return [mark, node]


def _mark_indexes_safe(py_func, arg_types):
    """Every array subscript of py_func is in range (versioning.py proved it for
    the blocks that call it): no bounds check and no negative-index wrap, so that
    the accesses stay plain consecutive loads and stores for the vectoriser.
    Typing is cached per function and argument types, so the call from the
    block function finds this typed function, marks included."""
    from ember.frontend.lower import lower_function_cached
    from ember.ir import nodes as n
    from ember.typing.infer import type_function

    typed = type_function(lower_function_cached(py_func), tuple(arg_types))
    for stmt in n.walk(typed.func.body):
        for node in n.statement_expressions(stmt):
            value_type = typed.typemap.get(getattr(node, "value", None))
            if isinstance(node, n.Index) and isinstance(value_type, t.Array):
                typed.safe_indexes.update((node, axis) for axis in range(value_type.ndim))


def _parse(text):
    return ast.parse(text).body[0]


def as_host(value):
    """A kernel argument as the CPU executor passes it: a device array is its host
    array; a host array is passed in place (what the kernel writes is in it when
    the launch returns, as after Numba's copy back)."""
    host = getattr(value, "_ember_host_array", None)
    return value if host is None else host
