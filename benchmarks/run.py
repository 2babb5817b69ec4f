"""Benchmarks ember against Numba and plain Python on the seed slides' kernels.

    .venv/bin/python benchmarks/run.py [--quick] [--json PATH]

Every figure is measured in fresh processes, one engine at a time, engines
taking turns; see docs/performance.md for what each figure means.
`--ember-module numba` benchmarks Numba in ember's column: a self-test of the
harness, and a measure of the noise between two identical engines.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import replace

import engines
import figures
import kernels
import report
from harness import FULL, QUICK, Record, Settings, child_environment


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (about 3x faster)")
    parser.add_argument("--json", metavar="PATH", help="write every sample and setting here")
    parser.add_argument(
        "--engines",
        default=",".join(engines.ENGINES),
        help="comma-separated subset of: %(default)s",
    )
    parser.add_argument("--kernels", default="", help="comma-separated kernel names (default: all)")
    parser.add_argument(
        "--figures",
        default=",".join(figures.GROUPS),
        help="comma-separated subset of: %(default)s",
    )
    parser.add_argument(
        "--ember-module", default="ember", help="module measured as ember (default: %(default)s)"
    )
    parser.add_argument(
        "--numba-module", default="numba", help="module measured as numba (default: %(default)s)"
    )
    return parser.parse_args(argv)


def engine_modules(args: argparse.Namespace) -> dict[str, str | None]:
    """Engine -> module name; None where the module cannot be imported."""
    names = {"python": engines.PLAIN_PYTHON, "ember": args.ember_module, "numba": args.numba_module}
    chosen = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(chosen) - set(names)
    if unknown:
        raise SystemExit(f"unknown engine(s): {', '.join(sorted(unknown))}")
    return {e: names[e] if engines.module_available(names[e]) else None for e in chosen}


def selected_kernels(args: argparse.Namespace) -> list[kernels.Kernel]:
    if not args.kernels:
        return list(kernels.KERNELS)
    try:
        return [kernels.kernel_named(name.strip()) for name in args.kernels.split(",")]
    except KeyError as exc:
        raise SystemExit(exc.args[0]) from None


def metadata(args: argparse.Namespace, modules: dict[str, str | None]) -> dict:
    import numpy

    # Settings that change what an engine does (NUMBA_OPT, NUMBA_DISABLE_JIT,
    # EMBER_BOUNDSCHECK...) are recorded: a number means nothing without them.
    env = {k: v for k, v in os.environ.items() if k.startswith(("NUMBA_", "EMBER_"))}
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "quick": args.quick,
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "modules": modules,
        # Read in a child process: importing an engine here would put it in
        # this process, and each must stay out of the others' measurements.
        "versions": {e: version_in_child(m) for e, m in modules.items()},
        "environment": env,
        # The machine is shared: a busy neighbour shows up here before it
        # shows up as a surprising ratio.
        "load_average_before": os.getloadavg(),
    }


def version_in_child(module_name: str | None) -> str:
    if module_name in (None, engines.PLAIN_PYTHON):
        return "n/a"
    code = f"import {module_name} as m; print(getattr(m, '__version__', 'unknown'))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if proc.returncode != 0:
        return "import failed"
    return proc.stdout.strip()


def load_line(meta: dict) -> str:
    before, after = meta["load_average_before"][0], meta["load_average_after"][0]
    text = f"Load average (1 min) before: {before:.2f}, after: {after:.2f}"
    # Each measured process wants one core; more load than that means sharing.
    if max(before, after - 1.0) > 0.5:
        text += "  WARNING: the machine was busy; numbers may be noisy"
    return text


def header(meta: dict) -> list[str]:
    versions = ", ".join(f"{e} {v}" for e, v in meta["versions"].items() if v != "n/a")
    mode = "quick" if meta["quick"] else "full"
    lines = [
        f"ember benchmarks ({mode} run), {meta['date']}",
        f"Python {meta['python']}, NumPy {meta['numpy']}, {versions}",
        f"{meta['platform']}, {meta['cpus']} CPUs",
        "Times are the best over repeats (all samples and medians: --json).",
    ]
    lines.append(load_line(meta))
    if meta["environment"]:
        lines.append(f"Engine settings in the environment: {meta['environment']}")
    return lines


def measure(
    modules: dict[str, str | None], chosen: list, settings: Settings, wanted: set[str]
) -> list[Record]:
    figures.warm_up(modules, chosen, settings)
    records: list[Record] = []
    if "import" in wanted:
        records += figures.measure_imports(modules, settings)
    if "overhead" in wanted:
        records += figures.measure_overhead(modules, settings)
    for kernel in chosen:
        records += figures.measure_kernel(kernel, modules, settings, wanted)
    return records


def wanted_figures(args: argparse.Namespace) -> set[str]:
    wanted = {name.strip() for name in args.figures.split(",") if name.strip()}
    unknown = wanted - set(figures.GROUPS)
    if unknown:
        raise SystemExit(f"unknown figure(s): {', '.join(sorted(unknown))}")
    return wanted


def write_json(path: str, meta: dict, settings: Settings, records: list[Record]) -> None:
    data = {
        "meta": meta,
        "settings": {
            "process_repeats": settings.process_repeats,
            "import_repeats": settings.import_repeats,
            "loop": vars(settings.loop),
        },
        "targets": {key: fig.target for key, fig in figures.FIGURES.items()},
        "records": [record.as_json() for record in records],
    }
    with open(path, "w") as out:
        json.dump(data, out, indent=1)
        out.write("\n")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    modules = engine_modules(args)
    chosen = selected_kernels(args)
    meta = metadata(args, modules)
    with tempfile.TemporaryDirectory(prefix="ember-bench-pycache-") as pycache:
        settings = replace(QUICK if args.quick else FULL, env=child_environment(pycache))
        records = measure(modules, chosen, settings, wanted_figures(args))
    meta["load_average_after"] = os.getloadavg()
    print(report.render(records, chosen, header(meta)))
    if args.json:
        write_json(args.json, meta, settings, records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
