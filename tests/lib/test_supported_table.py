"""docs/supported.md is generated from the registry and must be current."""

import pathlib

from ember.lib.supported import supported_markdown

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "supported.md"


def test_supported_table_is_current():
    assert DOC.read_text() == supported_markdown(), (
        "docs/supported.md is stale: run `python -m ember supported > docs/supported.md`")


def test_unsupported_function_error_points_to_the_table():
    import numpy as np
    import pytest

    import ember

    @ember.njit
    def f(a):
        return np.linalg.tensorinv(a)
    with pytest.raises(ember.errors.TypingError, match="docs/supported.md"):
        f(np.eye(2))
