"""Run one gallery slide as a program, reproducibly, and report what it left.

Usage: python runner.py SLIDE.py [NAME ...]

The slide's text is not touched: it runs through runpy as __main__, after
NumPy's global random state is seeded so that the compiled run and the
reference run (EMBER_DISABLE_JIT=1) see the same data. Afterwards, in the
working directory:
- gallery_globals.npz holds the slide's globals named on the command line,
  so the test checks values without parsing printed text;
- gallery_report.json names the slide's functions whose code the Python
  interpreter ran. In the reference run that proves the compiler was really
  off (an independent reference); in the compiled run it shows a function
  that fell back to Python instead of compiling.
"""

import json
import runpy
import sys

import numpy as np

GLOBALS_FILE = "gallery_globals.npz"
REPORT_FILE = "gallery_report.json"


def trace_python_functions(slide_file: str) -> set[str]:
    """Names of the slide's code objects whose lines Python itself executes from now on.

    Line events, not calls: a compiled call may still report a "call" to
    profilers (Numba's dispatcher does), but only the interpreter runs lines.
    """
    ran = set()

    def first_line(frame, event, arg):
        ran.add(frame.f_code.co_name)
        return None  # one line is proof enough; stop tracing this frame

    def on_call(frame, event, arg):
        return first_line if frame.f_code.co_filename == slide_file else None

    sys.settrace(on_call)
    return ran


def as_saveable(value) -> np.ndarray:
    """An array np.savez can store without pickling; repr() for anything else."""
    array = np.asarray(value)
    return np.asarray(repr(value)) if array.dtype == object else array


def main(slide_file: str, names: list[str]) -> None:
    python_functions = trace_python_functions(slide_file)
    np.random.seed(0)
    slide_globals = runpy.run_path(slide_file, run_name="__main__")
    sys.settrace(None)
    np.savez(GLOBALS_FILE, **{name: as_saveable(slide_globals[name]) for name in names})
    with open(REPORT_FILE, "w") as report:
        json.dump({"python_functions": sorted(python_functions)}, report)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
