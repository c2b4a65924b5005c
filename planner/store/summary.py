"""What the caseload lists of each case, and the release windows it is filtered by."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from planner.domain.assessment import Assessment, stored_assessment_is_current
from planner.domain.gaps import Flag, FlagRules
from planner.store.lazy import LazyDocument


class CaseSummary:
    """What the caseload view needs of one case, without validating the whole record.

    The person's listed fields and the readiness counts are read with the caseload; the
    assessment (the gap engine's first stage, most of an index entry's size) is parsed
    the first time something asks for it, so listing 20,000 people parses only the
    assessments of those whose flags are shown. `quiet` is the last day (an ordinal) on
    which the case raises no flag but those of its release date (see
    :func:`planner.domain.gaps.quiet_until`), when its index entry holds one.
    """

    __slots__ = (
        "_assessment",
        "_load",
        "_stored",
        "applicable",
        "assigned_to",
        "forename",
        "location",
        "number",
        "prison",
        "quiet",
        "release_date",
        "release_kind",
        "resolved",
        "rev",
        "state",
        "surname",
        "template_key",
    )

    def __init__(
        self,
        *,
        number: str,
        surname: str,
        forename: str,
        prison: str,
        location: str,
        release_date: date | None,
        release_kind: str,
        state: str,
        rev: int,
        assessment: Assessment | Callable[[bool], Assessment],
        template_key: str = "",
        assigned_to: str = "",
        applicable: int | None = None,
        resolved: int | None = None,
        stored: Mapping[str, Any] | None = None,
        quiet: int | None = None,
    ) -> None:
        self.number = number
        self.surname = surname
        self.forename = forename
        self.prison = prison
        self.location = location
        self.release_date = release_date
        self.release_kind = release_kind
        self.state = state
        self.rev = rev
        self.assigned_to = assigned_to
        self.template_key = template_key  # the checklist template, "key@version"
        self.quiet = quiet
        self._stored = stored  # the stored form `assessment` is parsed from, if known
        if isinstance(assessment, Assessment):
            self._assessment: Assessment | None = assessment
            self._load: Callable[[bool], Assessment] | None = None
            applicable, resolved = assessment.applicable, assessment.resolved
            template_key = assessment.template_key
        else:
            self._assessment, self._load = None, assessment
        self.applicable = applicable if applicable is not None else 0
        self.resolved = resolved if resolved is not None else 0

    @property
    def assessment(self) -> Assessment:
        if self._assessment is None:
            assert self._load is not None
            self._assessment = self._load(True)
            self._load = None
        return self._assessment

    def read_assessment(self) -> Assessment:
        """The assessment, parsed now and not kept if it was not parsed yet: a pass over
        the whole caseload (all gaps) holds one parsed assessment at a time."""
        if self._assessment is not None:
            return self._assessment
        assert self._load is not None
        return self._load(False)

    def flags(self, rules: FlagRules) -> list[Flag]:
        """The case's flags on the rules' day, in no set order: what
        `rules.flags(self.read_assessment(), sort=False)` gives, made the cheapest way.
        `rules` are those of the case's own template (`template_key`), which its quiet
        day was worked out with.

        On a day up to `quiet` only the release date can raise a flag, and the
        assessment is not read at all; otherwise the flags are read from its stored form,
        parsed and let go, without making the Assessment. Whatever that path cannot read
        (an assessment of another gap engine, a damaged one) takes the full path, which
        assesses the record again or reports the damage as it always has.
        """
        if self._assessment is not None:
            return rules.flags(self._assessment, sort=False)
        quiet = self.quiet
        if quiet is not None and rules.today_ordinal <= quiet:
            if self.state != "active":
                return []
            return rules.release_date_flags(self.number, self.release_date)
        stored = self._stored
        if stored is not None:
            try:
                data = stored.read() if isinstance(stored, LazyDocument) else stored
                if stored_assessment_is_current(data, self.template_key):
                    return rules.stored_flags(self.number, data)
            except (KeyError, TypeError, ValueError, AttributeError, IndexError):
                pass  # the full path below says what is wrong
        return rules.flags(self.read_assessment(), sort=False)

    @property
    def readiness(self) -> float:
        """The share of applicable items resolved (without parsing the assessment)."""
        return 1.0 if self.applicable == 0 else self.resolved / self.applicable

    @property
    def display_name(self) -> str:
        return f"{self.forename} {self.surname}"

    def releases_within(self, today: date, days: int) -> bool:
        """Released from today up to `days` ahead (an unknown date never is)."""
        release = self.release_date
        return release is not None and today <= release <= today + timedelta(days=days)

    def __repr__(self) -> str:
        return f"CaseSummary({self.number}, rev {self.rev})"


def by_release_date(summaries: Iterable[CaseSummary]) -> list[CaseSummary]:
    """Soonest release first; people with no release date first of all (they need one)."""
    return sorted(summaries, key=lambda s: (s.release_date or date.min, s.surname, s.number))


def releasing_within(summaries: Iterable[CaseSummary], today: date, days: int) -> list[CaseSummary]:
    """Active cases released from today up to `days` ahead, soonest first."""
    return by_release_date(
        s for s in summaries if s.state == "active" and s.releases_within(today, days)
    )
