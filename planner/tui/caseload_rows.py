"""The caseload as rows: built once per load, then filtered and sorted on every keystroke.

No Textual here: the caseload screen calls these from a worker thread (building) and on
the event loop (filtering and sorting 20,000 rows takes a few milliseconds), and the
tests call them directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from planner.domain.flags import flag_order
from planner.domain.gaps import Flag, FlagRules, Severity, days_to_release
from planner.domain.person import CaseState
from planner.domain.template import Template
from planner.store.summary import CaseSummary

_NO_FLAG_RANK = 3


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One person as the caseload shows them, with their flags as of today."""

    number: str
    name: str
    sort_name: str
    location: str
    release: date | None
    release_kind: str
    days: int | None
    state: str
    readiness: float
    critical: int
    warning: int
    info: int
    top: Flag | None
    no_fixed_abode: bool
    haystack: str = field(repr=False)

    active: bool = field(repr=False)

    @property
    def worst_rank(self) -> int:
        return _NO_FLAG_RANK if self.top is None else self.top.severity.rank


def build_rows(
    summaries: Iterable[CaseSummary], template: Callable[[str], Template], today: date
) -> list[CaseRow]:
    """Rows with flags evaluated for `today` (about 25 us a person).

    The flag rules are made once per template key (the store takes its file lock for each
    `template` call), and only the most urgent flag is picked, not the whole list sorted.
    """
    rules: dict[str, FlagRules] = {}
    rows: list[CaseRow] = []
    for summary in summaries:
        assessment = summary.assessment
        key = assessment.template_key
        if key not in rules:
            rules[key] = FlagRules(template(key), today)
        flags = rules[key].flags(assessment, sort=False)
        counts = {Severity.CRITICAL: 0, Severity.WARNING: 0, Severity.INFO: 0}
        for flag in flags:
            counts[flag.severity] += 1
        name = summary.display_name
        rows.append(
            CaseRow(
                number=summary.number,
                name=name,
                sort_name=f"{summary.surname.upper()}, {summary.forename}",
                location=summary.location,
                release=summary.release_date,
                release_kind=summary.release_kind,
                days=days_to_release(assessment, today),
                state=summary.state,
                readiness=assessment.readiness,
                critical=counts[Severity.CRITICAL],
                warning=counts[Severity.WARNING],
                info=counts[Severity.INFO],
                top=min(flags, key=flag_order) if flags else None,
                no_fixed_abode=assessment.no_fixed_abode,
                haystack=f"{summary.number} {name} {summary.surname}, {summary.forename}".lower(),
                active=summary.state == CaseState.ACTIVE.value,
            )
        )
    return rows


def split_window(
    summaries: Iterable[CaseSummary], today: date, days: int
) -> tuple[list[CaseSummary], list[CaseSummary]]:
    """Active people released within `days` (the default view), and everyone else."""
    soon: list[CaseSummary] = []
    rest: list[CaseSummary] = []
    active = CaseState.ACTIVE.value
    for summary in summaries:
        if summary.state == active and summary.releases_within(today, days):
            soon.append(summary)
        else:
            rest.append(summary)
    return soon, rest


class Window(StrEnum):
    """Which releases the caseload shows."""

    DAYS_7 = "7"
    DAYS_28 = "28"
    DAYS_84 = "84"
    ALL = "all"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return _WINDOW_LABELS[self]


_WINDOW_LABELS = {
    Window.DAYS_7: "due for release in the next 7 days",
    Window.DAYS_28: "due for release in the next 28 days",
    Window.DAYS_84: "due for release in the next 12 weeks",
    Window.ALL: "everyone",
    Window.OVERDUE: "release date passed, still active",
}


@dataclass(frozen=True, slots=True)
class RowFilter:
    window: Window = Window.DAYS_84
    critical_only: bool = False
    location: str = ""
    text: str = ""

    def describe(self) -> str:
        parts = [self.window.label]
        if self.critical_only:
            parts.append("critical flags only")
        if self.location:
            parts.append(f"location {self.location}")
        if self.text.strip():
            parts.append(f"matching {self.text.strip()!r}")
        return "; ".join(parts)


def apply_filter(rows: Iterable[CaseRow], wanted: RowFilter) -> list[CaseRow]:
    """The rows the filter lets through, in their order: a few ms for 20,000 rows, so it
    runs on every keystroke. Cheap tests are inlined; the window test comes first."""
    window = wanted.window
    if window is Window.ALL:
        shown = list(rows)
    elif window is Window.OVERDUE:
        shown = [r for r in rows if r.days is not None and r.days < 0 and r.active]
    else:
        limit = int(window.value)
        shown = [r for r in rows if r.days is not None and 0 <= r.days <= limit and r.active]
    if wanted.critical_only:
        shown = [r for r in shown if r.critical]
    location = wanted.location.strip().lower()
    if location:
        shown = [r for r in shown if r.location.lower().startswith(location)]
    text = wanted.text.strip().lower()
    if text:
        shown = [r for r in shown if text in r.haystack]
    return shown


def location_prefixes(rows: Iterable[CaseRow]) -> list[str]:
    """Wings and full locations to filter by: 'B' and 'B-2-014' give 'B' and 'B-2-014'."""
    found: set[str] = set()
    for row in rows:
        if row.location:
            found.add(row.location)
            head = row.location.split("-", 1)[0]
            if head and head != row.location:
                found.add(head)
    return sorted(found, key=lambda loc: (len(loc.split("-")), loc))


# --- sorting ------------------------------------------------------------------------------


def _urgency(row: CaseRow) -> tuple[int, int, int, str]:
    """Worst flag first; within it, the least time left (no date first), then the most
    critical flags: two days to act on one gap beats eleven days for three."""
    days = -(10**6) if row.days is None else row.days
    return (row.worst_rank, days, -row.critical, row.number)


def _release(row: CaseRow) -> tuple[bool, date, str]:
    return (row.release is None, row.release or date.max, row.number)


def _flags(row: CaseRow) -> tuple[int, int, int, str]:
    return (-row.critical, -row.warning, -row.info, row.number)


SortKey = Callable[[CaseRow], object]

SORTS: dict[str, tuple[str, SortKey]] = {
    "urgency": ("Most urgent first", _urgency),
    "number": ("Prison number", lambda r: r.number),
    "name": ("Name", lambda r: (r.sort_name, r.number)),
    "location": ("Location", lambda r: (r.location, r.number)),
    "release": ("Release date", _release),
    "days": ("Days to release", _release),
    "readiness": ("Readiness", lambda r: (r.readiness, r.number)),
    "flags": ("Flags (most critical first)", _flags),
    "top": ("Most urgent flag", _urgency),
}


def sort_rows(rows: list[CaseRow], column: str, *, reverse: bool = False) -> list[CaseRow]:
    key = SORTS[column][1]
    return sorted(rows, key=key, reverse=reverse)  # type: ignore[arg-type]


# --- the summary line ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseloadCounts:
    next_7: int
    next_28: int
    next_84: int
    with_critical: int
    overdue: int
    no_date: int
    released_nfa_28: int
    people: int


def count_caseload(rows: Iterable[CaseRow]) -> CaseloadCounts:
    """The summary line's figures over the whole caseload, whatever the filter."""
    n7 = n28 = n84 = critical = overdue = no_date = nfa = people = 0
    for row in rows:
        people += 1
        days = row.days
        if row.active:
            critical += row.critical > 0
            if days is None:
                no_date += 1
            elif days < 0:
                overdue += 1
            else:
                n7 += days <= 7
                n28 += days <= 28
                n84 += days <= 84
        elif (
            row.state == CaseState.RELEASED.value
            and row.no_fixed_abode
            and days is not None
            and -28 <= days <= 0
        ):
            nfa += 1
    return CaseloadCounts(n7, n28, n84, critical, overdue, no_date, nfa, people)
