"""The engines compared: plain Python, ember and Numba, and how each compiles a kernel."""

import importlib
import importlib.util

ENGINES = ("python", "ember", "numba")

# Plain Python has no module: its "compiled" kernel is the function itself.
PLAIN_PYTHON = "python"


def module_available(module_name: str) -> bool:
    if module_name == PLAIN_PYTHON:
        return True
    return importlib.util.find_spec(module_name) is not None


def load(module_name: str):
    if module_name == PLAIN_PYTHON:
        return None
    return importlib.import_module(module_name)


def compile_kernel(module, func, options: dict | None):
    """Decorate `func` the way the slide does: bare `@jit` or `@jit(**options)`."""
    if module is None:
        return func
    if options is None:
        return module.jit(func)
    return module.jit(**options)(func)
