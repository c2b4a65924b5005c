"""Stage two of the gap engine: flags for a given day, from a stored assessment.

`evaluate(case, template, today)` is the pure function the rest of the tool relies on;
`flags_for(assessment, template, today)` is its second half, cheap enough to run over a
whole caseload on every keystroke.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from planner.domain.assessment import (
    PROBLEM_NO_EVIDENCE,
    PROBLEM_NO_REASON,
    Assessment,
    OpenItem,
    assess,
)
from planner.domain.calendar import format_day, release_day_risk
from planner.domain.case import Case
from planner.domain.status import ItemStatus
from planner.domain.template import Template


class Severity(StrEnum):
    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @property
    def symbol(self) -> str:
        """A symbol that carries the severity without colour."""
        return _SEVERITY_SYMBOL[self]


_SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.INFO: 2}
_SEVERITY_SYMBOL = {Severity.CRITICAL: "!!", Severity.WARNING: "!", Severity.INFO: "i"}


def parse_severity(raw: str) -> Severity:
    try:
        return Severity(raw.strip().lower())
    except ValueError:
        raise ValueError(f"severity {raw!r} is not one of: critical, warning, info") from None


class FlagKind(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    BLOCKED = "blocked"
    NO_EVIDENCE = "no_evidence"
    NO_REASON = "no_reason"
    NO_FIXED_ABODE = "no_fixed_abode"
    RELEASE_DAY = "release_day"
    NO_RELEASE_DATE = "no_release_date"
    RELEASE_PASSED = "release_passed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Flag:
    """A gap an officer can act on."""

    number: str
    kind: FlagKind
    severity: Severity
    reason: str
    item_id: str | None = None
    section: str | None = None
    due: date | None = None
    title: str = ""

    @property
    def headline(self) -> str:
        """A few words for a table cell: 'Bank account held or opened: overdue'."""
        return f"{self.title}: {self.kind.label}" if self.title else self.kind.label

    def sort_key(self) -> tuple[int, date, str, str]:
        return (self.severity.rank, self.due or date.max, self.number, self.item_id or "")


@dataclass(frozen=True, slots=True)
class SectionStatus:
    section: str
    title: str
    applicable: int
    resolved: int
    worst: Severity | None

    @property
    def label(self) -> str:
        if self.applicable == 0:
            return "not applicable"
        if self.resolved == self.applicable:
            return "complete" if self.worst is None else "complete, check flags"
        if self.resolved == 0:
            return "not started" if self.worst is None else f"not started, {self.worst}"
        return "in progress" if self.worst is None else f"in progress, {self.worst}"


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A case as of one day: flags most urgent first, readiness, sections, days to go."""

    assessment: Assessment
    today: date
    flags: tuple[Flag, ...]
    sections: tuple[SectionStatus, ...]

    @property
    def days_to_release(self) -> int | None:
        return days_to_release(self.assessment, self.today)

    @property
    def readiness(self) -> float:
        return self.assessment.readiness

    def flags_for_item(self, item_id: str) -> tuple[Flag, ...]:
        return tuple(f for f in self.flags if f.item_id == item_id)


def days_to_release(assessment: Assessment, today: date) -> int | None:
    release = assessment.release_date
    return None if release is None else (release - today).days


def evaluate(case: Case, template: Template, today: date) -> Evaluation:
    """Every flag of a case as of `today`, with its readiness and per-section status."""
    assessment = assess(case, template)
    flags = flags_for(assessment, template, today)
    return Evaluation(
        assessment, today, tuple(flags), section_statuses(assessment, template, flags)
    )


def section_statuses(
    assessment: Assessment, template: Template, flags: list[Flag]
) -> tuple[SectionStatus, ...]:
    worst: dict[str, Severity] = {}
    for flag in flags:
        if flag.section is None:
            continue
        seen = worst.get(flag.section)
        if seen is None or flag.severity.rank < seen.rank:
            worst[flag.section] = flag.severity
    return tuple(
        SectionStatus(
            tally.section,
            template.section_title(tally.section),
            tally.applicable,
            tally.resolved,
            worst.get(tally.section),
        )
        for tally in assessment.sections
    )


def flags_for(assessment: Assessment, template: Template, today: date) -> list[Flag]:
    """Every flag of one assessed case as of `today`, most urgent first."""
    if assessment.state != "active":
        return []
    settings = template.flags
    number = assessment.number
    release = assessment.release_date
    flags: list[Flag] = []
    days_left: int | None = None
    if release is None:
        flags.append(
            Flag(
                number,
                FlagKind.NO_RELEASE_DATE,
                Severity.CRITICAL,
                "No release date recorded: every deadline hangs on it. Confirm the date and type.",
            )
        )
    else:
        days_left = (release - today).days
        if days_left < 0:
            flags.append(
                Flag(
                    number,
                    FlagKind.RELEASE_PASSED,
                    Severity.WARNING,
                    f"Release date {format_day(release)} has passed but the case is still "
                    "active: mark the person released or correct the date.",
                    due=release,
                )
            )
        else:
            risk = release_day_risk(release)
            if risk is not None:
                flags.append(
                    Flag(
                        number,
                        FlagKind.RELEASE_DAY,
                        Severity.WARNING,
                        f"The {risk.description}: {risk.advice}.",
                        section="release",
                        due=release,
                    )
                )
            nfa = settings.no_fixed_abode
            if assessment.no_fixed_abode and nfa is not None and days_left <= nfa.within_days:
                item = template.item(nfa.item)
                flags.append(
                    Flag(
                        number,
                        FlagKind.NO_FIXED_ABODE,
                        Severity.CRITICAL,
                        f"No fixed abode {_in_days(days_left)} before release: make or chase "
                        "the Duty to Refer and a CAS3 referral now.",
                        item_id=item.id,
                        section=item.section,
                        due=release,
                        title="Accommodation",
                    )
                )
    near = days_left is not None and days_left <= settings.critical_within_days
    for open_item in assessment.open_items:
        flag = _item_flag(number, open_item, template, today, near, settings.due_soon_days)
        if flag is not None:
            flags.append(flag)
    flags.sort(key=Flag.sort_key)
    return flags


def _item_flag(
    number: str,
    item: OpenItem,
    template: Template,
    today: date,
    near: bool,
    due_soon_days: int,
) -> Flag | None:
    title = template.item(item.item_id).title
    escalated = item.escalate is not None and today > item.escalate
    if item.status.resolved:
        if item.problem == PROBLEM_NO_EVIDENCE:
            return Flag(
                number,
                FlagKind.NO_EVIDENCE,
                Severity.WARNING,
                f"{title}: marked done without {_join(item.missing)}. "
                "Record it or reopen the item.",
                item.item_id,
                item.section,
                item.due,
                title,
            )
        if item.problem == PROBLEM_NO_REASON:
            return Flag(
                number,
                FlagKind.NO_REASON,
                Severity.WARNING,
                f"{title}: marked {item.status.label} without a reason. Record why.",
                item.item_id,
                item.section,
                item.due,
                title,
            )
        if escalated and item.escalate_pending:
            return Flag(
                number,
                FlagKind.OVERDUE,
                Severity.CRITICAL,
                f"{title}: {_escalation_reason(template, item)}",
                item.item_id,
                item.section,
                item.escalate,
                title,
            )
        return None
    overdue = item.due is not None and today > item.due
    if item.status is ItemStatus.BLOCKED:
        why = item.reason.strip() or "no reason recorded"
        late = f"; due {_since(item.due, today)}" if overdue and item.due else ""
        return Flag(
            number,
            FlagKind.BLOCKED,
            Severity.CRITICAL if near or escalated else Severity.WARNING,
            f"{title} is blocked: {why}{late}. Find a way round it or escalate.",
            item.item_id,
            item.section,
            item.due,
            title,
        )
    if escalated:
        return Flag(
            number,
            FlagKind.OVERDUE,
            Severity.CRITICAL,
            f"{title}: {_escalation_reason(template, item)}",
            item.item_id,
            item.section,
            item.escalate,
            title,
        )
    if overdue and item.due is not None:
        return Flag(
            number,
            FlagKind.OVERDUE,
            Severity.CRITICAL if near else Severity.WARNING,
            f"{title}: was due {_since(item.due, today)} and is {item.status.label}.",
            item.item_id,
            item.section,
            item.due,
            title,
        )
    if item.due is not None and (item.due - today).days <= due_soon_days:
        return Flag(
            number,
            FlagKind.DUE_SOON,
            Severity.INFO,
            f"{title}: due {_until(item.due, today)}.",
            item.item_id,
            item.section,
            item.due,
            title,
        )
    if item.recommended is not None and today > item.recommended:
        return Flag(
            number,
            FlagKind.DUE_SOON,
            Severity.INFO,
            f"{title}: recommended by {format_day(item.recommended)}; the latest day is "
            f"{format_day(item.due) if item.due else 'unknown'}.",
            item.item_id,
            item.section,
            item.due,
            title,
        )
    return None


def _escalation_reason(template: Template, item: OpenItem) -> str:
    esc = template.item(item.item_id).escalation
    base = esc.reason if esc is not None else "past its hard deadline"
    when = format_day(item.escalate) if item.escalate else "unknown"
    return f"{base} (since {when})."


def _since(day: date | None, today: date) -> str:
    if day is None:
        return "earlier"
    n = (today - day).days
    return f"{format_day(day)}, {n} day{'s' if n != 1 else ''} ago"


def _until(day: date, today: date) -> str:
    n = (day - today).days
    if n == 0:
        return f"today, {format_day(day)}"
    return f"in {n} day{'s' if n != 1 else ''}, {format_day(day)}"


def _in_days(n: int) -> str:
    return "on release day" if n == 0 else f"{n} day{'s' if n != 1 else ''}"


def _join(labels: tuple[str, ...]) -> str:
    lowered = [label.lower() for label in labels] or ["its required evidence"]
    if len(lowered) == 1:
        return lowered[0]
    return ", ".join(lowered[:-1]) + " and " + lowered[-1]
