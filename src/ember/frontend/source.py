"""Finding a function's source and AST, and the values its free names refer to."""

import ast
import builtins
import inspect
import textwrap

from ember.errors import Loc, UnsupportedError


class Source:
    """Parsed source of one function with the offsets to map AST positions back."""

    def __init__(self, py_func):
        self.py_func = py_func
        generated = getattr(py_func, "__ember_source__", None)
        if generated is not None:
            # A function another target generated from user code (CUDA kernels
            # run on the CPU): its tree keeps the user's positions.
            self.filename, self.tree, self.line_offset, self.indent = generated
            return
        self.filename = inspect.getsourcefile(py_func) or py_func.__code__.co_filename
        try:
            lines, first_line = inspect.getsourcelines(py_func)
        except (OSError, TypeError) as exc:
            raise UnsupportedError(
                f"cannot read the source of {py_func.__qualname__}: {exc}",
                hint="ember compiles from source; functions defined in exec() strings "
                "or the interactive prompt need their source registered in linecache") from None
        text = "".join(lines)
        self.indent = len(text) - len(text.lstrip(" \t"))
        self.line_offset = first_line - 1 if first_line else 0
        self.tree = _function_node(_parse(textwrap.dedent(text)), py_func, self.loc_of_line,
                                   (self.line_offset, self.indent))

    def loc_of_line(self):
        return Loc(self.filename, self.line_offset + 1, self.indent, None,
                   self.py_func.__qualname__)

    def loc(self, node):
        line = getattr(node, "lineno", self.tree.lineno)
        col = getattr(node, "col_offset", 0) + self.indent
        end_col = None
        if getattr(node, "end_lineno", None) == line and node.end_col_offset is not None:
            end_col = node.end_col_offset + self.indent
        return Loc(self.filename, line + self.line_offset, col, end_col,
                   self.py_func.__qualname__)


def _parse(text):
    try:
        return ast.parse(text)
    except SyntaxError:
        # A lambda's lines can be a fragment of a larger statement (an
        # argument of a call spanning several lines): parse the lambdas alone.
        return ast.Module(body=[ast.Expr(value=lam) for lam in _lambdas_in(text)],
                          type_ignores=[])


def _lambdas_in(text):
    """Every `lambda ...` expression in a fragment of source, the longest that
    parses from each `lambda` keyword, with positions in `text`."""
    found, start = [], text.find("lambda")
    while start >= 0:
        for end in range(len(text), start, -1):
            try:
                lam = ast.parse(text[start:end], mode="eval").body
            except SyntaxError:
                continue
            if isinstance(lam, ast.Lambda):  # not `lambda: a, b`: a tuple, read shorter
                found.append(_shifted(lam, text.count("\n", 0, start),
                                      start - (text.rfind("\n", 0, start) + 1)))
                break
        start = text.find("lambda", start + 1)
    return found


def _shifted(tree, lines, cols):
    """Positions of a subtree parsed alone, moved to where it starts in the text."""
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) is None:
            continue
        if node.lineno == 1:
            node.col_offset += cols
        if getattr(node, "end_lineno", None) == 1:
            node.end_col_offset += cols
        node.lineno += lines
        if getattr(node, "end_lineno", None) is not None:
            node.end_lineno += lines
    return tree


def _function_node(tree, py_func, loc, origin):
    """The def of py_func in tree; a lambda becomes a def returning its body."""
    if py_func.__name__ != "<lambda>":
        return next(node for node in tree.body
                    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)))
    code = py_func.__code__
    params = list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
    found = [node for node in ast.walk(tree) if isinstance(node, ast.Lambda)
             and [a.arg for a in node.args.posonlyargs + node.args.args
                  + node.args.kwonlyargs] == params]
    if len(found) > 1 and hasattr(code, "co_positions"):  # Python 3.11+
        found = [lam for lam in found if _compiled_from(lam.body, code, origin)]
    if len(found) != 1:
        raise UnsupportedError(
            f"cannot tell which lambda of these lines is the one compiled "
            f"({len(found)} take the parameters {', '.join(params) or 'none'})", loc(),
            hint="give the function a name with `def`")
    lam = found[0]
    body = ast.copy_location(ast.Return(value=lam.body), lam.body)
    fn = ast.FunctionDef(name="<lambda>", args=lam.args, body=[body], decorator_list=[],
                         returns=None, type_comment=None)
    if hasattr(ast, "TypeAlias"):  # Python 3.12+: generic parameters
        fn.type_params = []
    return ast.fix_missing_locations(ast.copy_location(fn, lam))


def _compiled_from(body, code, origin):
    """Whether every source position the bytecode of `code` records lies in
    `body` (positions of the dedented text; `origin`: its line and column
    offsets in the file). Tells apart lambdas with the same parameters on
    one line."""
    line_offset, indent = origin
    start = (body.lineno + line_offset, body.col_offset + indent)
    end = (body.end_lineno + line_offset, body.end_col_offset + indent)
    spans = [(p[0], p[2], p[1], p[3]) for p in code.co_positions()
             if None not in p and p[2:] != (0, 0)]
    return bool(spans) and all(start <= (line, col) and (end_line, end_col) <= end
                               for line, col, end_line, end_col in spans)


_MISSING = object()


def free_variables(py_func):
    """Closure cells and globals the function can see, frozen now."""
    scope = dict(vars(builtins))
    scope.update(py_func.__globals__)
    code = py_func.__code__
    if py_func.__closure__:
        for name, cell in zip(code.co_freevars, py_func.__closure__):
            try:
                scope[name] = cell.cell_contents
            except ValueError:  # an empty cell: assigned after the def
                scope[name] = _MISSING
    return scope


def is_missing(value):
    return value is _MISSING
