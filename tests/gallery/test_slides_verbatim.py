"""The committed slides are the seed's code, changed only in their import lines.

This keeps anyone from "fixing" a slide so that it passes: the gallery must run
the programs as the seed wrote them. The seed lives outside the repository
(/work/shared/seeds here, <clone>/../shared/seeds in CI); without it the
comparison is skipped, but the import check still runs.
"""

import re

import pytest
from gallery_slides import SLIDE_NUMBERS, find_seed_file, seed_slides, slide_diff, slide_path

SEED_FILE = find_seed_file()
NUMBA_IMPORT = re.compile(r"^\s*(import|from)\s+numba\b", re.MULTILINE)
slide_ids = [f"slide{number:02d}" for number in SLIDE_NUMBERS]


@pytest.fixture(scope="module")
def seed_code() -> dict[int, str]:
    if SEED_FILE is None:
        pytest.skip("seed file not found (/work/shared/seeds or ../shared/seeds)")
    return seed_slides(SEED_FILE.read_text())


def test_seed_has_code_for_slides_1_to_14(seed_code):
    assert sorted(seed_code) == list(SLIDE_NUMBERS)


@pytest.mark.parametrize("number", SLIDE_NUMBERS, ids=slide_ids)
def test_slide_differs_from_seed_only_in_imports(number, seed_code):
    diff = slide_diff(number, seed_code[number])
    assert not diff, f"slide {number} must be the seed's code verbatim:\n{diff}"


@pytest.mark.parametrize("number", SLIDE_NUMBERS, ids=slide_ids)
def test_slide_imports_ember_and_never_numba(number):
    # A slide still importing numba would pass by running Numba, not ember.
    text = slide_path(number).read_text()
    assert "import ember as numba" in text
    assert not NUMBA_IMPORT.search(text)
