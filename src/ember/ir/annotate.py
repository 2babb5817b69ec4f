"""Source annotated with inferred types (Dispatcher.inspect_types)."""

import inspect

from ember.ir import nodes as n


def annotate(py_func, typed):
    lines, first = inspect.getsourcelines(py_func)
    per_line = {}
    for node, ty in typed.typemap.items():
        if isinstance(node, n.Var) and node.loc is not None and ty is not None:
            per_line.setdefault(node.loc.line, {})[node.name] = ty
    for name, ty in zip(typed.func.params, typed.arg_types):
        per_line.setdefault(first, {}).setdefault(name, ty)
    header = f"{typed.func.name} {typed.signature}"
    out = [header, "-" * 80, f"# File: {inspect.getsourcefile(py_func)}"]
    for offset, text in enumerate(lines):
        line = first + offset
        out.append(f"{line:4d} | {text.rstrip()}")
        indent = " " * (len(text) - len(text.lstrip()))
        for name, ty in sorted(per_line.get(line, {}).items()):
            if not name.startswith("$"):
                out.append(f"     | {indent}#   {name}: {ty}")
    return "\n".join(out)
