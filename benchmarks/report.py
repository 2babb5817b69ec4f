"""The results table: one row per figure, engines side by side, ember/Numba ratios."""

from figures import FIGURES
from harness import Record
from kernels import Kernel

ENGINE_COLUMNS = ("python", "ember", "numba")
LABEL_WIDTH = 36
CELL_WIDTH = 12


def format_seconds(seconds: float) -> str:
    scale, unit = next(
        ((s, u) for s, u in ((1.0, "s"), (1e-3, "ms"), (1e-6, "us")) if seconds >= s),
        (1e-9, "ns"),
    )
    value = seconds / scale
    digits = 0 if value >= 100 else 1 if value >= 10 else 2
    return f"{value:.{digits}f} {unit}"


class Footnotes:
    """Errors and warnings, numbered once each, so a repeated error is one note."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def mark(self, text: str) -> str:
        if text not in self.texts:
            self.texts.append(text)
        return f"[{self.texts.index(text) + 1}]"

    def render(self) -> list[str]:
        return [f"[{i}] {text}" for i, text in enumerate(self.texts, 1)]


def cell(record: Record | None, notes: Footnotes) -> str:
    if record is None:
        return "-"
    if record.unavailable:
        return "n/a"
    if record.error:
        return "failed" + notes.mark(f"{record.engine}: {record.error}")
    text = format_seconds(record.best)
    if record.warnings:
        text += notes.mark(f"{record.engine} warned: " + "; ".join(record.warnings))
    if record.matches_python is False:
        text += "!" + notes.mark(f"{record.engine} {record.kernel}: result differs from Python's")
    return text


def ratio(row: dict[str, Record]) -> float | None:
    ember, numba = row.get("ember"), row.get("numba")
    if ember is None or numba is None or ember.best is None or numba.best is None:
        return None
    return ember.best / numba.best


def verdict(value: float | None, target: float | None) -> tuple[str, str, str]:
    ratio_text = "-" if value is None else f"{value:.2f}x"
    if target is None:
        return ratio_text, "", ""
    status = "" if value is None else ("ok" if value <= target else "MISS")
    return ratio_text, f"<={target}x", status


def line(label: str, cells: list[str], *tail: str) -> str:
    text = label.ljust(LABEL_WIDTH) + "".join(c.rjust(CELL_WIDTH) for c in cells)
    return (text + "".join(t.rjust(w) for t, w in zip(tail, (13, 8, 6), strict=False))).rstrip()


def figure_line(label: str, row: dict[str, Record], target, notes: Footnotes) -> str:
    cells = [cell(row.get(engine), notes) for engine in ENGINE_COLUMNS]
    return line(label, cells, *verdict(ratio(row), target))


def speedup_line(row: dict[str, Record]) -> str:
    python = row.get("python")
    cells = []
    for engine in ENGINE_COLUMNS:
        record = row.get(engine)
        if python is None or python.best is None or record is None or record.best is None:
            cells.append("-")
        else:
            cells.append(f"{python.best / record.best:.3g}x")
    return line("  speedup over Python, steady", cells)


def index(records: list[Record]) -> dict[tuple[str, str], dict[str, Record]]:
    rows: dict[tuple[str, str], dict[str, Record]] = {}
    for record in records:
        rows.setdefault((record.figure, record.kernel), {})[record.engine] = record
    return rows


def render(records: list[Record], kernels: list[Kernel], header: list[str]) -> str:
    rows, notes = index(records), Footnotes()
    lines = [*header, ""]
    lines.append(line("figure", list(ENGINE_COLUMNS), "ember/numba", "target", ""))
    lines.append("-" * (LABEL_WIDTH + CELL_WIDTH * len(ENGINE_COLUMNS) + 27))
    for key in ("import", "import_numpy", "overhead"):
        if (key, "") in rows:
            figure = FIGURES[key]
            lines.append(figure_line(figure.label, rows[key, ""], figure.target, notes))
    for kernel in kernels:
        lines.append(f"{kernel.name} (slide {kernel.slide}, {kernel.size})")
        for key in ("first", "second", "steady"):
            if (key, kernel.name) in rows:
                figure = FIGURES[key]
                row = rows[key, kernel.name]
                lines.append(figure_line("  " + figure.label, row, figure.target, notes))
        if ("steady", kernel.name) in rows:
            lines.append(speedup_line(rows["steady", kernel.name]))
    return "\n".join(lines + [""] + notes.render())
