"""Every EMBER_* setting (and the NUMBA_* ones ember honours), read in one place.

Settings are read once at import; tests may assign the attributes directly.
"""

import os


def _flag(name, default=False):
    for key in (f"EMBER_{name}", f"NUMBA_{name}"):
        value = os.environ.get(key)
        if value is not None:
            return value.strip().lower() not in ("", "0", "false", "no", "off")
    return default


def _list(name):
    value = os.environ.get(f"EMBER_{name}", "")
    return {part.strip() for part in value.split(",") if part.strip()}


# Decorators return dispatchers that run the Python function (NUMBA_DISABLE_JIT).
DISABLE_JIT = _flag("DISABLE_JIT")
# Bounds checking of array indexing; on by default (DESIGN.md, Semantics).
BOUNDSCHECK = _flag("BOUNDSCHECK", default=True)
# Print the output of pipeline stages: any of ir, typed, llvm, opt, asm.
DUMP = _list("DUMP")
# LLVM optimisation level for the host CPU.
OPT = int(os.environ.get("EMBER_OPT", os.environ.get("NUMBA_OPT", "3")))
