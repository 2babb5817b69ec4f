"""Where the gallery slides live, and the one edit a slide may carry.

A gallery slide is a seed slide's code with only its import lines changed so
that it runs under ember. This module owns that rewrite (both ways) and the
reading of the seed file, so that the verbatim check and the harness agree.

Run as a script to check the committed slides against the seed:
    python tests/gallery/gallery_slides.py
"""

import difflib
import re
import sys
from pathlib import Path

GALLERY_DIR = Path(__file__).resolve().parent
SLIDES_DIR = GALLERY_DIR / "slides"
REPO_ROOT = GALLERY_DIR.parents[1]
SEED_NAME = "000_0d3974075441d3fa.txt"
SLIDE_NUMBERS = range(1, 15)  # slide 15 of the seed has no code

# Whole lines only: the seed's import line -> the gallery's.
IMPORT_REWRITES = {
    "import numba": "import ember as numba",
    "from numba import cuda": "from ember import cuda",
}

_SLIDE_HEADER = re.compile(r"^Slide (\d+):", re.MULTILINE)
_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def slide_path(number: int) -> Path:
    return SLIDES_DIR / f"slide{number:02d}.py"


def _rewrite_lines(code: str, mapping: dict[str, str]) -> str:
    lines = code.split("\n")
    return "\n".join(mapping.get(line, line) for line in lines)


def to_ember(seed_code: str) -> str:
    """The seed's code as the gallery commits it."""
    return _rewrite_lines(seed_code, IMPORT_REWRITES)


def to_numba(gallery_code: str) -> str:
    """A gallery slide with its imports turned back to Numba's."""
    back = {ember: numba for numba, ember in IMPORT_REWRITES.items()}
    return _rewrite_lines(gallery_code, back)


def find_seed_file() -> Path | None:
    """The seed file, where this checkout has it (CI: <clone>/../shared)."""
    for seeds in (Path("/work/shared/seeds"), REPO_ROOT.parent / "shared" / "seeds"):
        if (seeds / SEED_NAME).is_file():
            return seeds / SEED_NAME
    return None


def seed_slides(seed_text: str) -> dict[int, str]:
    """Slide number -> the code of its first python block, for slides with code."""
    headers = list(_SLIDE_HEADER.finditer(seed_text))
    slides = {}
    for header, following in zip(headers, headers[1:] + [None], strict=True):
        end = following.start() if following else len(seed_text)
        block = _PYTHON_BLOCK.search(seed_text, header.end(), end)
        if block:
            slides[int(header.group(1))] = block.group(1)
    return slides


def slide_diff(number: int, seed_code: str) -> str:
    """A unified diff from the expected text to the committed slide; empty when they agree."""
    path = slide_path(number)
    committed = path.read_text() if path.is_file() else ""
    expected = to_ember(seed_code)
    diff = difflib.unified_diff(
        expected.splitlines(keepends=True),
        committed.splitlines(keepends=True),
        f"seed slide {number}, imports rewritten",
        str(path.relative_to(REPO_ROOT)),
    )
    return "".join(diff)


def mismatched_slides(seed_text: str) -> list[str]:
    """A message per committed slide that is not its seed code with imports rewritten."""
    expected = seed_slides(seed_text)
    if sorted(expected) != list(SLIDE_NUMBERS):
        return [f"seed has code for slides {sorted(expected)}, expected 1-14"]
    diffs = (slide_diff(number, expected[number]) for number in SLIDE_NUMBERS)
    return [diff for diff in diffs if diff]


def main() -> int:
    seed = find_seed_file()
    if seed is None:
        print("seed file not found; nothing to check")
        return 0
    problems = mismatched_slides(seed.read_text())
    for problem in problems:
        print(problem)
    print("slides match the seed" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
