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
from tests.unit.test_export_cases import (
    SENSITIVE_VALUES,
    record_rich_case,
    record_untrue_case,
    summary_of,
)

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


def _day_one_rows(text: str) -> dict[str, tuple[str, str]]:
    """The release-day table read back: topic -> (arranged mark, detail)."""
    rows: dict[str, tuple[str, str]] = {}
    section = text.split("## Release day: actions for probation", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) == 3 and cells[0].startswith("**"):
            rows[cells[0].strip("*")] = (cells[1], cells[2])
    return rows


def test_markdown_read_back_says_what_the_evidence_says(
    store: CaseStore, template: Template
) -> None:
    record_untrue_case(store, template)
    text = render_markdown(summary_of(store, "C3456DE"))
    rows = _day_one_rows(text)
    assert rows["Who meets them"] == ("**NO**", "Nobody meets them; travel arranged: Yes")
    assert rows["Jobcentre appointment"] == ("**NO**", "No appointment recorded")
    assert rows["Duty to Refer"][0] == "**NO**"
    lines = text.splitlines()
    assert "| **Release address** | CAS3: CAS3 shared house, Leeds (NOT BOOKED) |" in lines
    assert (
        "- **Bank account held or opened**: done, but the need is not met (Outcome: Declined)"
        in lines
    )
    assert "- **Employment, education or training plan**: done, but Plan is not recorded" in lines
    assert "### Work, education and training: in progress, warning, 0 of 1 resolved" in lines
    assert any(
        line.startswith("1. **!! CRITICAL** (Accommodation): The release address is CAS3")
        for line in lines
    )
    assert not any("NOT ARRANGED" in line or "NOT BOOKED -" in line for line in lines)
