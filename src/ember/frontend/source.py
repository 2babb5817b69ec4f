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
        tree = ast.parse(textwrap.dedent(text))
        self.tree = next(node for node in tree.body
                         if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)))

    def loc(self, node):
        line = getattr(node, "lineno", self.tree.lineno)
        col = getattr(node, "col_offset", 0) + self.indent
        end_col = None
        if getattr(node, "end_lineno", None) == line and node.end_col_offset is not None:
            end_col = node.end_col_offset + self.indent
        return Loc(self.filename, line + self.line_offset, col, end_col,
                   self.py_func.__qualname__)


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
