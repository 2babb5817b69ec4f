"""The error types users can see, and the one formatter for compile errors.

Every compile error carries a source location; `format_error` renders
file:line:col, the source line with a caret under the offending expression,
and a hint when one is known.
"""

import linecache


class Loc:
    """A position in the user's source: file, line, column span, function name."""

    __slots__ = ("filename", "line", "col", "end_col", "func_name")

    def __init__(self, filename, line, col=0, end_col=None, func_name=None):
        self.filename, self.line, self.col = filename, line, col
        self.end_col, self.func_name = end_col, func_name

    def __repr__(self):
        return f"{self.filename}:{self.line}:{self.col + 1}"

    def source_line(self):
        return linecache.getline(self.filename, self.line).rstrip("\n")


class EmberError(Exception):
    """Base of every compile-time error ember raises."""

    kind = "error"

    def __init__(self, message, loc=None, hint=None):
        self.message, self.loc, self.hint = message, loc, hint
        super().__init__(self._render())

    def _render(self):
        return format_error(self.kind, self.message, self.loc, self.hint)

    def with_loc(self, loc):
        """Attach a location if the error has none yet (inner code knows less)."""
        if self.loc is None and loc is not None:
            self.loc = loc
            self.args = (self._render(),)
        return self


class TypingError(EmberError):
    """Types that compiled code cannot combine, or an unsupported call."""

    kind = "typing error"


class ArgumentTypeError(TypingError, TypeError):
    """An argument value compiled code cannot take (raised at the call)."""


class UnsupportedError(EmberError):
    """Python syntax or a feature that compiled code does not support."""

    kind = "unsupported"


class InternalError(EmberError):
    """An unexpected failure inside ember: always a bug in ember."""

    kind = "internal error (a bug in ember, please report it)"


class EmberFallbackWarning(UserWarning):
    """`@jit` without nopython fell back to running the Python function."""


class EmberCacheWarning(UserWarning):
    """`cache=True` could not cache a function: it is compiled in every process."""


class EmberDeprecationWarning(DeprecationWarning):
    pass


# Numba's names, so `except numba.errors.TypingError` code keeps working.
NumbaError = EmberError
LoweringError = InternalError
NumbaWarning = EmberFallbackWarning


def format_error(kind, message, loc, hint=None):
    lines = [f"{kind}: {message}"]
    if loc is not None:
        where = f'File "{loc.filename}", line {loc.line}, column {loc.col + 1}'
        if loc.func_name:
            where += f", in {loc.func_name}"
        lines.append(where)
        source = loc.source_line()
        if source:
            lines.append("    " + source)
            width = max(1, (loc.end_col or loc.col + 1) - loc.col)
            lines.append("    " + " " * loc.col + "^" * width)
    if hint:
        lines.append(f"hint: {hint}")
    return "\n".join(lines)
