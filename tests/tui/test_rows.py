"""The caseload's rows, filters, sorts and words, without a terminal."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.domain.gaps import Severity
from planner.store.repository import CaseStore
from planner.tui.caseload_rows import (
    SORTS,
    CaseRow,
    RowFilter,
    Scope,
    Window,
    build_rows,
    count_caseload,
    location_prefixes,
    sort_rows,
    split_window,
    view_of,
)
from planner.tui.formatting import (
    caseload_summary,
    days_sentence,
    days_text,
    flag_counts,
    person_preview,
    readiness_text,
    severity_word,
)
from tests.conftest import TODAY


@pytest.fixture
def rows(caseload: CaseStore) -> list[CaseRow]:
    return build_rows(caseload.summaries(), caseload.template, TODAY)


def numbers(rows: list[CaseRow]) -> list[str]:
    return [r.number for r in rows]


def shown(rows: list[CaseRow], wanted: RowFilter) -> list[str]:
    return numbers(view_of(rows, wanted).rows)


def test_windows_keep_active_people_released_within_the_window(rows: list[CaseRow]) -> None:
    by_number = {r.number: r for r in rows}
    assert by_number["B2345CD"].days == 4
    assert set(shown(rows, RowFilter(Window.DAYS_7))) == {"B2345CD"}
    assert set(shown(rows, RowFilter(Window.DAYS_28))) == {"B2345CD", "A1234BC"}
    assert len(shown(rows, RowFilter(Window.DAYS_84))) == 3
    assert shown(rows, RowFilter(Window.RELEASE_PASSED)) == ["D4567EF"]
    assert len(shown(rows, RowFilter(Window.ALL))) == 7


def test_the_default_view_lists_who_needs_action_now_in_a_group_of_their_own(
    rows: list[CaseRow],
) -> None:
    """Outside the 12 weeks: C (no release date) and D (release passed, with critical
    flags) need action now; G (June 2027, nothing critical yet) and E (released) do not."""
    view = view_of(sort_rows(rows, "urgency"), RowFilter())
    outside = {r.number for r in view.outside}
    assert "C3456DE" in outside
    assert outside == {r.number for r in rows if r.active and (r.critical or r.release is None)} - {
        r.number for r in view.rows
    }
    assert not outside & {"G7890HJ", "E5678FG"}
    assert view.shown == view.rows + view.outside
    # c in the default view lists exactly the people the summary counts as critical
    critical = view_of(rows, RowFilter(critical_only=True)).shown
    assert len(critical) == count_caseload(rows).with_critical
    # a narrower window is a question of its own: no group
    assert not view_of(rows, RowFilter(Window.DAYS_7)).outside


def test_filters_combine_and_keep_order(rows: list[CaseRow]) -> None:
    ordered = sort_rows(rows, "number")
    chosen = shown(ordered, RowFilter(Window.ALL, location="c"))
    assert chosen == ["B2345CD", "F6789GH"]
    critical = shown(ordered, RowFilter(Window.ALL, critical_only=True))
    assert critical == sorted(critical)
    assert all(r.critical for r in view_of(ordered, RowFilter(Window.ALL, critical_only=True)).rows)
    matching = {"F6789GH", "G7890HJ"}  # the filter bar's people
    assert numbers(view_of(ordered, RowFilter(Window.ALL), matching=matching).rows) == [
        "F6789GH",
        "G7890HJ",
    ]


def test_search_matches_number_and_either_name_order_whatever_the_window(
    rows: list[CaseRow],
) -> None:
    for text in ("b2345", "Bea Brown", "brown, bea", "  BROWN "):
        assert shown(rows, RowFilter(Window.DAYS_7, text=text)) == ["B2345CD"]
    # outside the window, in another scope, filtered out: a search still finds them
    wanted = RowFilter(
        Window.DAYS_7, critical_only=True, location="Z", scope=Scope.MINE, text="gus"
    )
    assert numbers(view_of(rows, wanted, officer="Nobody", matching=set()).rows) == ["G7890HJ"]


def test_scopes_use_the_assigned_officer(rows: list[CaseRow], caseload: CaseStore) -> None:
    caseload.assign(["A1234BC", "G7890HJ"], "Jo Bloggs")
    again = build_rows(caseload.summaries(), caseload.template, TODAY)
    mine = view_of(again, RowFilter(Window.ALL, scope=Scope.MINE), officer="jo  BLOGGS")
    assert sorted(numbers(mine.rows)) == ["A1234BC", "G7890HJ"]
    nobody = view_of(again, RowFilter(Window.ALL, scope=Scope.UNASSIGNED), officer="Jo Bloggs")
    assert len(nobody.rows) == 5 and not {"A1234BC", "G7890HJ"} & set(numbers(nobody.rows))
    assert RowFilter(scope=Scope.MINE).describe("Jo Bloggs").startswith("My caseload (Jo Bloggs)")


def test_every_sort_runs_and_reverses(rows: list[CaseRow]) -> None:
    for column in SORTS:
        forward = sort_rows(rows, column)
        assert sorted(numbers(forward)) == sorted(numbers(rows))
        assert sort_rows(rows, column, reverse=True) == list(reversed(forward))
    urgent = sort_rows(rows, "urgency")
    ranks = [r.worst_rank for r in urgent]
    assert ranks == sorted(ranks)


def test_counts_cover_the_whole_caseload(rows: list[CaseRow]) -> None:
    counts = count_caseload(rows)
    assert (counts.next_7, counts.next_28, counts.next_84) == (1, 2, 3)
    assert (counts.overdue, counts.no_date, counts.released_nfa_28, counts.people) == (1, 1, 1, 7)
    text = caseload_summary(counts).plain
    assert text == (
        f"Due for release in 7 / 28 / 84 days: 1 / 2 / 3 │ !! {counts.with_critical} with "
        "critical flags │ release date: passed 1 · unknown 1 │ released homeless (last 28 days) 1"
    )
    # words that mean one thing: no abbreviations, and "overdue" only for items past due
    assert "overdue" not in text.lower() and "NFA" not in text and "28d" not in text


def test_split_window_is_the_default_view(caseload: CaseStore, rows: list[CaseRow]) -> None:
    soon, rest = split_window(caseload.summaries(), TODAY, 84)
    assert {s.number for s in soon} == set(shown(rows, RowFilter()))
    assert len(soon) + len(rest) == 7


def test_location_prefixes_offer_wings_and_cells(rows: list[CaseRow]) -> None:
    assert location_prefixes(rows)[:2] == ["B", "C"]
    assert "C-3-011" in location_prefixes(rows)


@pytest.mark.parametrize(
    ("days", "short", "words"),
    [
        (None, "—", "no release date"),
        (0, "today", "release day is today"),
        (1, "1", "1 day to go"),
        (23, "23", "23 days to go"),
        (-1, "1 ago", "release was 1 day ago"),
        (-9, "9 ago", "release was 9 days ago"),
    ],
)
def test_days_in_words(days: int | None, short: str, words: str) -> None:
    assert days_text(days) == short
    assert days_sentence(days) == words


def test_severity_never_relies_on_colour() -> None:
    assert severity_word(Severity.CRITICAL) == "!! critical"
    assert flag_counts(2, 0, 3) == "!!2 i3"
    assert flag_counts(0, 0, 0) == "none"
    assert readiness_text(0.375) == "38%"


def test_preview_names_the_person_and_the_worst_flag(rows: list[CaseRow]) -> None:
    row = next(r for r in rows if r.number == "C3456DE")
    text = person_preview(row).plain
    assert text.startswith("C3456DE Cai Cole · no date · no release date")
    assert "!! critical" in text


def test_most_urgent_first_puts_the_least_time_left_first(rows: list[CaseRow]) -> None:
    """Two days to act on one critical gap beats eleven days for three."""
    base = rows[0]
    soon = replace(base, number="S1111SS", days=2, critical=1, top=base.top)
    later = replace(base, number="L2222LL", days=11, critical=3, top=base.top)
    ordered = sort_rows([later, soon], "urgency")
    assert [r.number for r in ordered] == ["S1111SS", "L2222LL"]
