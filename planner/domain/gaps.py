"""Stage two of the gap engine: flags for a given day, from a stored assessment.

`evaluate(case, template, today)` is the pure function the rest of the tool relies on;
`flags_for(assessment, template, today)` is its second half, cheap enough to run over a
whole caseload on every keystroke.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from planner.domain.assessment import (
    PROBLEM_NO_EVIDENCE,
    PROBLEM_NO_REASON,
    PROBLEM_NOT_MET,
    Assessment,
    OpenItem,
    assess,
)
from planner.domain.calendar import release_day_risk
from planner.domain.case import Case
from planner.domain.com_flag import no_com_flag
from planner.domain.flags import (
    Flag,
    FlagKind,
    Severity,
    flag_order,
    parse_severity,
)
from planner.domain.status import RESOLVED, ItemStatus
from planner.domain.template import ItemTemplate, Template

__all__ = [
    "Evaluation",
    "Flag",
    "FlagKind",
    "FlagRules",
    "SectionStatus",
    "Severity",
    "days_to_release",
    "evaluate",
    "flag_order",
    "flags_for",
    "parse_severity",
    "section_statuses",
]


@dataclass(frozen=True, slots=True)
class SectionStatus:
    section: str
    title: str
    applicable: int
    resolved: int
    worst: Severity | None
    started: int = 0

    @property
    def label(self) -> str:
        if self.applicable == 0:
            return "not applicable"
        if self.resolved == self.applicable:
            return "complete" if self.worst is None else "complete, check flags"
        if self.started == 0:
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
            tally.started,
        )
        for tally in assessment.sections
    )


def flags_for(
    assessment: Assessment, template: Template, today: date, *, sort: bool = True
) -> list[Flag]:
    """Every flag of one assessed case as of `today`, most urgent first.

    With sort=False the order is unspecified (a caller sorting a whole caseload at once).
    """
    return FlagRules(template, today).flags(assessment, sort=sort)


class FlagRules:
    """The flag rules of one template applied on one day, reusable across a caseload."""

    def __init__(self, template: Template, today: date) -> None:
        self.template = template
        self.today = today
        self.settings = template.flags
        self.today_iso = today.isoformat()
        self.soon_iso = (today + timedelta(days=self.settings.due_soon_days)).isoformat()

    def flags(self, assessment: Assessment, *, sort: bool = True) -> list[Flag]:
        if assessment.state != "active":
            return []
        flags = self._release_flags(assessment)
        release = assessment.release_date
        near = release is not None and (release - self.today).days <= (
            self.settings.critical_within_days
        )
        today_iso, soon_iso = self.today_iso, self.soon_iso
        blocked = ItemStatus.BLOCKED.value
        for row in assessment.open_rows:
            # The common case, read off the stored row itself: an open item not yet due
            # soon, not blocked, with no problem and nothing past, raises nothing.
            due, recommended, escalate, problem = row[3], row[4], row[5], row[7]
            if (
                problem is None
                and row[2] != blocked
                and (due is None or due > soon_iso)
                and (escalate is None or today_iso <= escalate)
                and (recommended is None or today_iso <= recommended)
            ):
                continue
            item = OpenItem._make(row)
            flag = self._item_flag(assessment.number, item, near)
            if flag is not None:
                flags.append(flag)
        if sort:
            flags.sort(key=flag_order)
        return flags

    def _release_flags(self, assessment: Assessment) -> list[Flag]:
        number, today, release = assessment.number, self.today, assessment.release_date
        if release is None:
            return [Flag(number, FlagKind.NO_RELEASE_DATE, Severity.CRITICAL, today=today)]
        days_left = (release - today).days
        if days_left < 0:
            return [
                Flag(number, FlagKind.RELEASE_PASSED, Severity.WARNING, due=release, today=today)
            ]
        flags = []
        if release_day_risk(release) is not None:
            flags.append(
                Flag(
                    number,
                    FlagKind.RELEASE_DAY,
                    Severity.WARNING,
                    section="release",
                    due=release,
                    today=today,
                )
            )
        nfa = self.settings.no_fixed_abode
        if assessment.no_fixed_abode and nfa is not None and days_left <= nfa.within_days:
            nfa_item = self.template.item(nfa.item)
            flags.append(
                Flag(
                    number,
                    FlagKind.NO_FIXED_ABODE,
                    Severity.CRITICAL,
                    nfa_item.id,
                    nfa_item.section,
                    release,
                    "Accommodation",
                    today,
                )
            )
        if com := no_com_flag(number, assessment.no_com, release, self.template, today):
            flags.append(com)
        unbooked = self.settings.address_not_booked
        kind = assessment.address_not_booked
        if kind is not None and unbooked is not None and days_left <= unbooked.within_days:
            address = self.template.item(unbooked.item).field(unbooked.field)
            booking = self.template.item(unbooked.booking_item)
            flags.append(
                Flag(
                    number,
                    FlagKind.ADDRESS_NOT_BOOKED,
                    Severity.CRITICAL,
                    booking.id,
                    booking.section,
                    release,
                    "Accommodation",
                    today,
                    address.choice_label(kind) if address is not None else kind,
                )
            )
        return flags

    def _item_flag(self, number: str, item: OpenItem, near: bool) -> Flag | None:
        """The one flag an open item raises today, if any. Dates compare as ISO strings."""
        spec = self.template.item(item.item_id)
        today, today_iso = self.today, self.today_iso
        escalated = (
            item.escalate_pending and item.escalate is not None and today_iso > item.escalate
        )
        status = item.status
        due = None if item.due is None else date.fromisoformat(item.due)
        kind: FlagKind
        detail = ""
        if status in RESOLVED:
            if item.problem == PROBLEM_NOT_MET:
                kind, detail = FlagKind.NOT_MET, _outcomes(spec, item.not_met)
                severity = Severity.CRITICAL if near or escalated else Severity.WARNING
            elif escalated and status == ItemStatus.DONE:
                # The harder deadline outranks a missing-evidence warning.
                return self._escalation_flag(number, spec, item)
            elif item.problem == PROBLEM_NO_EVIDENCE:
                labels = [f.label for f in spec.required_fields if f.name in item.missing]
                kind, severity, detail = FlagKind.NO_EVIDENCE, Severity.WARNING, _join(labels)
            elif item.problem == PROBLEM_NO_REASON:
                kind, severity = FlagKind.NO_REASON, Severity.WARNING
                detail = status.replace("_", " ")
            else:
                return None
        elif status == ItemStatus.BLOCKED:
            kind, detail = FlagKind.BLOCKED, item.reason
            severity = Severity.CRITICAL if near or escalated else Severity.WARNING
        elif escalated:
            return self._escalation_flag(number, spec, item)
        elif due is not None and today_iso > item.due:  # type: ignore[operator]
            kind, severity = FlagKind.OVERDUE, Severity.CRITICAL if near else Severity.WARNING
            detail = status.replace("_", " ")
        elif due is not None and item.due <= self.soon_iso:  # type: ignore[operator]
            kind, severity = FlagKind.DUE_SOON, Severity.INFO
        elif item.recommended is not None and today_iso > item.recommended:
            recommended = date.fromisoformat(item.recommended)
            return Flag(
                number, FlagKind.DUE_SOON, Severity.INFO, item.item_id, item.section, due,
                spec.title, today, "", recommended,
            )  # fmt: skip
        else:
            return None
        return Flag(
            number, kind, severity, item.item_id, item.section, due, spec.title, today, detail
        )

    def _escalation_flag(self, number: str, spec: ItemTemplate, item: OpenItem) -> Flag:
        reason = spec.escalation.reason if spec.escalation else "past its hard deadline"
        escalate = date.fromisoformat(item.escalate) if item.escalate else None
        return Flag(
            number, FlagKind.OVERDUE, Severity.CRITICAL, item.item_id, item.section, escalate,
            spec.title, self.today, reason, None, True,
        )  # fmt: skip


def _outcomes(spec: ItemTemplate, not_met: list[tuple[str, str]]) -> str:
    """'the outcome is Declined': each recorded outcome that means the need is not met."""
    parts = []
    for name, value in not_met:
        field = spec.field(name)
        label = field.label.lower() if field else name
        parts.append(f"the {label} is {field.choice_label(value) if field else value}")
    return " and ".join(parts)


def _join(labels: list[str]) -> str:
    lowered = [label.lower() for label in labels] or ["its required evidence"]
    if len(lowered) == 1:
        return lowered[0]
    return ", ".join(lowered[:-1]) + " and " + lowered[-1]
