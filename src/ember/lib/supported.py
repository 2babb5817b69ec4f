"""docs/supported.md, generated from the call registry so it cannot drift.

`python -m ember supported > docs/supported.md` rewrites it; a test checks
that the committed file matches what the registry holds.
"""

import numpy as np

from ember.typing import registry
from ember.typing.calls import callee_name

_HEADER = """# What compiled code supports

Generated from ember's call registry by `python -m ember supported`; a test
keeps it current. Language features (operators, statements, tuples, array
indexing) are listed in the README. Anything not here raises a TypingError
that names the function and points to this page.
"""

_SECTIONS = (("Python builtins", "builtins"), ("math", "math"), ("cmath", "cmath"),
             ("NumPy", "numpy"), ("Array and number methods", "method"))


def _section(key):
    if isinstance(key, tuple):
        return "numpy" if key[0] == "index" else "method"
    module = getattr(key, "__module__", None) or ""
    if module in ("builtins", "math", "cmath"):
        return module
    if module.startswith("numpy") or type(key).__module__.startswith("numpy"):
        return "numpy"
    if key.__class__.__name__ == "ufunc":
        return "numpy"
    return "builtins" if module.startswith("ember") else "other"


def _name(key):
    if isinstance(key, tuple) and key[0] == "index":
        builder = "mgrid" if key[1] is type(np.mgrid) else "ogrid"
        return f"np.{builder}[...]"
    if isinstance(key, tuple):
        return f"{key[1].__name__.lower()}.{key[2]}()"
    name = callee_name(key)
    if _section(key) == "numpy":
        module = getattr(key, "__module__", None) or ""
        prefix = "np.linalg." if module == "numpy.linalg" else "np."
        name = f"{prefix}{getattr(key, '__name__', name)}"
    return f"{name}()"


def supported_markdown():
    registry._load_domains()
    rows = {}
    for key, typer in registry._TABLE.items():
        private = ("ember.lib", "ember.jitclasses", "ember.targets")
        if getattr(key, "__module__", "").startswith(private) and not isinstance(key, tuple):
            continue  # private helpers such as fma, jitclass allocation, cuda.atomic.add
        doc = (typer.__doc__ or "").strip().splitlines()
        rows.setdefault(_section(key), set()).add((_name(key), doc[0] if doc else ""))
    out = [_HEADER]
    for title, section in _SECTIONS:
        if section not in rows:
            continue
        out += [f"## {title}", "", "| function | notes |", "|---|---|"]
        out += [f"| `{name}` | {note} |" for name, note in sorted(rows[section])]
        out.append("")
    return "\n".join(out)
