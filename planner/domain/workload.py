"""Caseloads by officer: whose cases are whose, and how heavy each officer's load is.

Headless, for the CLI (`planner assign`, `planner staff`) and the terminal UI ("my
caseload", the unassigned view, the staff view) alike. Everything here works on anything
that has a prison number, an assigned officer, a release date and a stored assessment:
the store's `CaseSummary` does, so 20,000 people are grouped without reading a record.

Officer names are compared as officers type them, ignoring case and repeated spaces, so
"jo  bloggs" finds Jo Bloggs's caseload; an assignment typed that way is given the
spelling already in use, so one officer never appears twice in the staff view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from planner.domain.assessment import Assessment
from planner.domain.gaps import FlagRules, Severity
from planner.domain.template import Template

UNASSIGNED = ""
DEFAULT_WINDOWS = (7, 28, 84)  # the caseload's own views: due for release within 7/28/84 days
ACTIVE = "active"


class Assignable(Protocol):
    """A case as the staff view needs it (the store's CaseSummary is one)."""

    @property
    def number(self) -> str: ...

    @property
    def assigned_to(self) -> str: ...

    @property
    def release_date(self) -> date | None: ...

    @property
    def assessment(self) -> Assessment: ...


C = TypeVar("C", bound=Assignable)


def officer_key(name: str) -> str:
    """A name as compared: case and repeated spaces ignored."""
    return " ".join(name.split()).casefold()


def same_officer(first: str, second: str) -> bool:
    return officer_key(first) == officer_key(second)


def known_spelling(name: str, cases: Iterable[Assignable]) -> str:
    """`name` as already used for an assignment, when it is the same officer typed another
    way; else `name` with its spaces tidied."""
    tidy = " ".join(name.split())
    wanted = officer_key(tidy)
    for case in cases:
        if case.assigned_to and officer_key(case.assigned_to) == wanted:
            return case.assigned_to
    return tidy


def caseload_of(cases: Iterable[C], officer: str) -> list[C]:
    """The cases assigned to `officer` ("my caseload"); with "", the unassigned ones."""
    wanted = officer_key(officer)
    return [case for case in cases if officer_key(case.assigned_to) == wanted]


def unassigned(cases: Iterable[C]) -> list[C]:
    return caseload_of(cases, UNASSIGNED)


def officers(cases: Iterable[Assignable]) -> list[str]:
    """Every officer with a case assigned, in alphabetical order."""
    names = {case.assigned_to for case in cases if case.assigned_to}
    return sorted(names, key=officer_key)


@dataclass(frozen=True, slots=True)
class OfficerLoad:
    """One officer's active cases (officer "" for the unassigned ones), for balancing work.

    `within[i]` counts the cases due for release from today to `windows[i]` days ahead;
    `critical_flags` counts every critical flag of the officer's active cases, and
    `critical_people` how many of those cases have one. `numbers` lists the cases, soonest
    release first (no date last), and `critical` each one's critical flags, in that order.
    """

    officer: str
    windows: tuple[int, ...]
    cases: int
    within: tuple[int, ...]
    no_release_date: int
    release_passed: int
    critical_flags: int
    critical_people: int
    numbers: tuple[str, ...]
    critical: tuple[int, ...]

    @property
    def label(self) -> str:
        return self.officer or "Unassigned"


def staff_loads(
    cases: Iterable[Assignable],
    template_for: Callable[[str], Template],
    today: date,
    windows: Sequence[int] = DEFAULT_WINDOWS,
) -> list[OfficerLoad]:
    """The load of every officer with an active case, alphabetically, then the unassigned
    cases (always listed, even when there are none). Released and transferred people are
    no one's load."""
    groups: dict[str, list[Assignable]] = {}
    for case in cases:
        if case.assessment.state == ACTIVE:
            groups.setdefault(case.assigned_to, []).append(case)
    groups.setdefault(UNASSIGNED, [])
    rules: dict[str, FlagRules] = {}

    def critical_count(assessment: Assessment) -> int:
        key = assessment.template_key
        if key not in rules:
            rules[key] = FlagRules(template_for(key), today)
        flags = rules[key].flags(assessment, sort=False)
        return sum(1 for flag in flags if flag.severity is Severity.CRITICAL)

    order = [*sorted((name for name in groups if name), key=officer_key), UNASSIGNED]
    return [_load(name, groups[name], today, tuple(windows), critical_count) for name in order]


def _load(
    officer: str,
    cases: list[Assignable],
    today: date,
    windows: tuple[int, ...],
    critical_count: Callable[[Assessment], int],
) -> OfficerLoad:
    days = [None if c.release_date is None else (c.release_date - today).days for c in cases]
    criticals = [critical_count(c.assessment) for c in cases]
    ordered = sorted(
        zip(days, (c.number for c in cases), criticals, strict=True),
        key=lambda case: (case[0] is None, case[0] if case[0] is not None else 0, case[1]),
    )
    return OfficerLoad(
        officer=officer,
        windows=windows,
        cases=len(cases),
        within=tuple(sum(1 for d in days if d is not None and 0 <= d <= w) for w in windows),
        no_release_date=sum(1 for d in days if d is None),
        release_passed=sum(1 for d in days if d is not None and d < 0),
        critical_flags=sum(criticals),
        critical_people=sum(1 for n in criticals if n),
        numbers=tuple(number for _days, number, _critical in ordered),
        critical=tuple(critical for _days, _number, critical in ordered),
    )
