"""Case-note text: labelled parts that fit probation's 4,000-character notes."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.template import Template
from planner.export.case_note import (
    NOTE_LIMIT,
    PART_SEPARATOR,
    cost,
    join_parts,
    note_file_text,
    render_case_note,
    render_note_text,
    split_note,
)
from planner.store.repository import CaseStore
from tests.unit.test_export_cases import (
    SENSITIVE_VALUES,
    record_rich_case,
    record_untrue_case,
    summary_of,
)


def _check(text: str, parts: list[str], limit: int = NOTE_LIMIT) -> None:
    assert join_parts(parts) == text
    total = len(parts)
    for number, part in enumerate(parts, 1):
        assert part.startswith(f"Part {number} of {total}\n")
        assert len(part) <= limit
        assert cost(part) <= limit  # even when every line break is sent as CR LF


# Long texts: many short lines, some very long lines, accents and combining marks.
# A long line's characters come from one seeded random generator, not one draw each:
# drawn one by one, 3,000 to 9,000 of them overflow what hypothesis draws for one example,
# so no text ever held more than one long line, and making them took most of a minute.
_LONG_LINE_CHARACTERS = tuple("ab c\u0301e\u0308 \u00e9")


def _long_line(rng: random.Random, size: int) -> str:
    return "".join(rng.choices(_LONG_LINE_CHARACTERS, k=size))


_line = st.one_of(
    st.text(max_size=120),
    st.builds(
        _long_line,
        st.randoms(use_true_random=True),
        st.integers(min_value=3000, max_value=9000),
    ),
)
long_texts = st.lists(_line, max_size=200).map("\n".join)


@settings(max_examples=150, deadline=None)
@given(long_texts)
def test_parts_fit_are_labelled_and_join_back(text: str) -> None:
    _check(text, split_note(text))


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=0, max_size=20000), st.integers(min_value=40, max_value=5000))
def test_any_text_and_limit(text: str, limit: int) -> None:
    _check(text, split_note(text, limit), limit)


def test_parts_break_at_line_ends_when_lines_fit() -> None:
    text = "".join(f"line {n:04d} " + "x" * 80 + "\n" for n in range(200))
    parts = split_note(text)
    assert len(parts) > 1
    for part in parts:
        assert part.endswith("\n")  # no line is cut in two


def test_an_over_long_line_breaks_at_a_space_and_never_before_an_accent() -> None:
    word = "cafe\u0301 "  # e followed by a combining acute accent
    text = word * 2000
    parts = split_note(text)
    body = [part.split("\n", 1)[1] for part in parts]
    for chunk in body[:-1]:
        assert chunk.endswith(" ")
    line = "e\u0301" * 5000
    for chunk in (part.split("\n", 1)[1] for part in split_note(line)):
        assert not chunk.startswith("\u0301")


def test_short_text_is_one_part() -> None:
    assert split_note("hello\n") == ["Part 1 of 1\nhello\n"]
    assert split_note("") == ["Part 1 of 1\n"]


def test_summary_note_holds_the_key_facts_and_fits(store: CaseStore, template: Template) -> None:
    record_rich_case(store, template)
    summary = summary_of(store)
    text = render_note_text(summary)
    assert "HANDOVER SUMMARY: ALEXANDRA O'NEILL-WARD (A1234BC)" in text
    assert "Release: Wed 16 Dec 2026 (in 23 days)" in text
    assert "Jobcentre appointment: Brixton Jobcentre Plus, Thu 17 Dec 2026 at 09:30" in text
    assert "COM on leave until 30 Nov" in text
    parts = render_case_note(summary)
    _check(text, parts)
    assert note_file_text(parts).count(PART_SEPARATOR) == len(parts) - 1


def test_redacted_note_holds_none_of_the_redacted_values(
    store: CaseStore, template: Template
) -> None:
    record_rich_case(store, template)
    text = render_note_text(summary_of(store, redact=True))
    assert "REDACTED SUMMARY" in text.splitlines()[2]
    for value in SENSITIVE_VALUES:
        assert value not in text, value


def test_note_keeps_open_items_due_dates_and_what_done_is_missing(
    store: CaseStore, template: Template
) -> None:
    record_rich_case(store, template)
    lines = render_note_text(summary_of(store)).splitlines()
    assert (
        "  - Community Accommodation Service referral (CAS1/2/3): in progress (overdue: was due "
        "Wed 21 Oct 2026). Tier: CAS3 (temporary accommodation); Date referred: Mon 12 Oct 2026; "
        "Booking starts: Wed 16 Dec 2026"
    ) in lines
    assert "  - Handover summary sent to probation: not started (due Wed 2 Dec 2026)" in lines
    assert (
        "- Jobcentre appointment: Brixton Jobcentre Plus, Thu 17 Dec 2026 at 09:30; advance "
        "payment discussed: Yes; housing costs discussed: Yes" in lines
    )
    record_untrue_case(store, template)
    untrue = render_note_text(summary_of(store, "C3456DE")).splitlines()
    assert "- Jobcentre appointment [NOT ARRANGED]: No appointment recorded" in untrue
    assert "- Who meets them [NOT ARRANGED]: Nobody meets them; travel arranged: Yes" in untrue
