"""What the caseload lists of each case, and the release windows it is filtered by."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from planner.domain.assessment import Assessment


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """What the caseload view needs of one case, without validating the whole record."""

    number: str
    surname: str
    forename: str
    prison: str
    location: str
    release_date: date | None
    release_kind: str
    state: str
    rev: int
    assessment: Assessment
    assigned_to: str = ""  # the officer whose caseload it is in ("" while unassigned)

    @property
    def display_name(self) -> str:
        return f"{self.forename} {self.surname}"

    def releases_within(self, today: date, days: int) -> bool:
        """Released from today up to `days` ahead (an unknown date never is)."""
        release = self.release_date
        return release is not None and today <= release <= today + timedelta(days=days)


def by_release_date(summaries: Iterable[CaseSummary]) -> list[CaseSummary]:
    """Soonest release first; people with no release date first of all (they need one)."""
    return sorted(summaries, key=lambda s: (s.release_date or date.min, s.surname, s.number))


def releasing_within(summaries: Iterable[CaseSummary], today: date, days: int) -> list[CaseSummary]:
    """Active cases released from today up to `days` ahead, soonest first."""
    return by_release_date(
        s for s in summaries if s.state == "active" and s.releases_within(today, days)
    )
