"""The caseload as rows: built once per load, then filtered and sorted on every keystroke.

No Textual here: the caseload screen calls these from a worker thread (building) and on
the event loop (filtering and sorting 20,000 rows takes a few milliseconds), and the
tests call them directly. Which rows a search, a scope or a filter lets through is the
domain's rule (caseload_search, workload, filtering): these only put them together.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from operator import attrgetter

from planner.domain.assessment import Assessment
from planner.domain.caseload_search import search, search_text
from planner.domain.filtering import CaseloadRow
from planner.domain.flags import flag_order
from planner.domain.gaps import Flag, FlagRules, Severity, days_to_release
from planner.domain.person import CaseState
from planner.domain.template import Template
from planner.domain.workload import caseload_of, unassigned
from planner.store.summary import CaseSummary

_NO_FLAG_RANK = 3


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One person as the caseload shows them, with their flags as of today.

    It is also a caseload row as the domain's filters, columns, search and workload read
    one (the store's summary underneath), so the filter bar, saved views, "my caseload"
    and the chosen columns apply the very rules `planner list` does.
    """

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
    searched: str = field(repr=False)  # caseload_search.search_text, made once
    active: bool = field(repr=False)
    summary: CaseSummary = field(repr=False, compare=False)
    flags: tuple[Flag, ...] = field(repr=False, compare=False)
    # What the domain's caseload rules read (planner.domain.filtering.CaseloadRow), copied
    # from the summary: plain slots, as a filter reads them 20,000 times a keystroke.
    surname: str = field(repr=False)
    forename: str = field(repr=False)
    prison: str = field(repr=False)
    release_date: date | None = field(repr=False)
    assigned_to: str = field(repr=False)
    assessment: Assessment = field(repr=False, compare=False)
    rev: int = field(repr=False)

    @property
    def template_key(self) -> str:
        return self.assessment.template_key

    def read_assessment(self) -> Assessment:
        return self.assessment  # the row holds it already, parsed once for its flags

    @property
    def worst_rank(self) -> int:
        return _NO_FLAG_RANK if self.top is None else self.top.severity.rank


def row_flags(row: CaseloadRow) -> Sequence[Flag]:
    """A row's flags for today, as build_rows found them (for CaseloadFilter's flags_of)."""
    assert isinstance(row, CaseRow)
    return row.flags


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
        rows.append(
            CaseRow(
                number=summary.number,
                name=summary.display_name,
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
                searched=search_text(summary),
                active=summary.state == CaseState.ACTIVE.value,
                summary=summary,
                flags=tuple(flags),
                surname=summary.surname,
                forename=summary.forename,
                prison=summary.prison,
                release_date=summary.release_date,
                assigned_to=summary.assigned_to,
                assessment=assessment,
                rev=summary.rev,
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
    RELEASE_PASSED = "release_passed"

    @property
    def label(self) -> str:
        return _WINDOW_LABELS[self]

    @property
    def days(self) -> int | None:
        """The window's length for the release windows (7, 28, 84 days), else None."""
        return int(self.value) if self.value.isdigit() else None


_WINDOW_LABELS = {
    Window.DAYS_7: "due for release in the next 7 days",
    Window.DAYS_28: "due for release in the next 28 days",
    Window.DAYS_84: "due for release in the next 12 weeks",
    Window.ALL: "any release date, released people too",
    Window.RELEASE_PASSED: "release date passed, still active",
}


# The view planner opens on. People outside it who need action now are listed after it, in
# their own group; a narrower window (7 or 28 days) is a question of its own and lists only
# its releases.
DEFAULT_WINDOW = Window.DAYS_84


class Scope(StrEnum):
    """Whose cases the caseload shows: everyone's, the acting officer's, or nobody's yet."""

    EVERYONE = "everyone"
    MINE = "mine"
    UNASSIGNED = "unassigned"

    def label(self, officer: str) -> str:
        if self is Scope.MINE:
            return f"My caseload ({officer})" if officer else "My caseload"
        return "Unassigned cases" if self is Scope.UNASSIGNED else "All cases"


def in_scope(rows: Iterable[CaseRow], scope: Scope, officer: str) -> list[CaseRow]:
    """The rows of `scope`, in their order (the workload module's rule for whose is whose)."""
    if scope is Scope.MINE:
        return caseload_of(rows, officer)
    if scope is Scope.UNASSIGNED:
        return unassigned(rows)
    return list(rows)


@dataclass(frozen=True, slots=True)
class RowFilter:
    """What the caseload shows besides the filter bar's filter: a window of releases,
    whose cases, critical flags only, a location, and a search (which looks at everyone)."""

    window: Window = DEFAULT_WINDOW
    critical_only: bool = False
    location: str = ""
    text: str = ""
    scope: Scope = Scope.EVERYONE

    @property
    def searching(self) -> bool:
        return bool(self.text.strip())

    def describe(self, officer: str = "") -> str:
        if self.searching:
            return f"everyone matching {' '.join(self.text.split())!r}, in any window"
        parts = [self.scope.label(officer), self.window.label]
        if self.critical_only:
            parts.append("critical flags only")
        if self.location:
            parts.append(f"location {self.location}")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class CaseView:
    """What the caseload shows: the rows of the window (or every match of a search), and
    after them, in the default view, a group of its own: people of the same cases outside
    the window who need action now (a critical flag, or no release date), so the default
    view never hides them."""

    rows: list[CaseRow]
    outside: list[CaseRow] = field(default_factory=list)

    @property
    def shown(self) -> list[CaseRow]:
        return self.rows + self.outside


_searched: Callable[[CaseRow], str] = attrgetter("searched")  # C-speed, 20,000 a keystroke


def needs_action_now(row: CaseRow) -> bool:
    """Active, with a critical flag or no release date: never hidden by a window."""
    return row.active and (row.critical > 0 or row.release is None)


def view_of(
    rows: Iterable[CaseRow],
    wanted: RowFilter,
    *,
    officer: str = "",
    matching: Collection[str] | None = None,
) -> CaseView:
    """The rows `wanted` (and the filter bar's `matching` prison numbers, when a filter is
    applied) let through, in their order: a few ms for 20,000 rows, so it runs on every
    keystroke. A search looks at everyone, whatever the window, scope or filter."""
    if wanted.searching:
        return CaseView(search(rows, wanted.text, text_of=_searched))
    chosen = in_scope(rows, wanted.scope, officer)
    if matching is not None:
        chosen = [r for r in chosen if r.number in matching]
    if wanted.critical_only:
        chosen = [r for r in chosen if r.critical]
    location = wanted.location.strip().lower()
    if location:
        chosen = [r for r in chosen if r.location.lower().startswith(location)]
    window = wanted.window
    if window is Window.ALL:
        return CaseView(chosen)
    if window is Window.RELEASE_PASSED:
        return CaseView([r for r in chosen if r.days is not None and r.days < 0 and r.active])
    limit = int(window.value)
    inside: list[CaseRow] = []
    outside: list[CaseRow] = []
    grouped = window is DEFAULT_WINDOW
    for row in chosen:
        if row.active and row.days is not None and 0 <= row.days <= limit:
            inside.append(row)
        elif grouped and needs_action_now(row):
            outside.append(row)
    return CaseView(inside, outside)


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
    """The summary line's figures over `rows` (everyone's cases, or one scope's), whatever
    the window and the filter: `with_critical` is exactly how many `c` lists in the
    default view (its window and the group after it)."""
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
