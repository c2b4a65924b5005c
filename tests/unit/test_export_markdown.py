"""Markdown summaries, compared with reviewed golden files in tests/golden/.

After a deliberate change, regenerate with UPDATE_GOLDEN=1 and read the diff before
committing: the golden files are what probation sees.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from planner.domain.template import Template
from planner.export.markdown import escape, render_markdown
from planner.store.repository import CaseStore
from tests.unit.test_export_cases import SENSITIVE_VALUES, record_rich_case, summary_of

GOLDEN = Path(__file__).parents[1] / "golden"


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8", newline="\n")
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from the golden file; see the module docstring"


@pytest.fixture
def rich(store: CaseStore, template: Template) -> CaseStore:
    record_rich_case(store, template)
    return store


def test_markdown_matches_the_reviewed_golden_file(rich: CaseStore) -> None:
    _check_golden("handover_A1234BC.md", render_markdown(summary_of(rich)))


def test_redacted_markdown_matches_its_golden_file(rich: CaseStore) -> None:
    text = render_markdown(summary_of(rich, redact=True))
    _check_golden("handover_A1234BC_redacted.md", text)
    assert "REDACTED SUMMARY" in text.splitlines()[2]  # prominent: right under the title
    for value in SENSITIVE_VALUES:
        assert value not in text, value


def test_markup_in_recorded_text_is_shown_as_typed() -> None:
    assert escape("a | b *c* [d](e) <script>") == r"a \| b \*c\* \[d\](e) \<script\>"
    assert escape("two\nlines") == "two lines"
