"""Stage two of the gap engine: flags for a given day, from a stored assessment.

`evaluate(case, template, today)` is the pure function the rest of the tool relies on;
`flags_for(assessment, template, today)` is its second half, cheap enough to run over a
whole caseload on every keystroke.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any

from planner.domain.assessment import (
    BLOCKED_CODE,
    PROBLEM_CODES,
    PROBLEM_NO_EVIDENCE,
    PROBLEM_NO_REASON,
    PROBLEM_NOT_MET,
    RESOLVED_CODES,
    ROW_BITS,
    ROW_DUE,
    ROW_ESCALATE,
    ROW_ITEM,
    ROW_POSITION,
    ROW_QUIET,
    ROW_RECOMMENDED,
    ROW_STATUS,
    STATUS_CODES,
    Assessment,
    assess,
    row_missing,
    row_not_met,
    row_reason,
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


_BY_POSITION = itemgetter(ROW_POSITION)


class FlagRules:
    """The flag rules of one template applied on one day, reusable across a caseload."""

    def __init__(self, template: Template, today: date) -> None:
        self.template = template
        self.today = today
        self.settings = template.flags
        self.today_ordinal = today.toordinal()
        self.soon_ordinal = self.today_ordinal + self.settings.due_soon_days

    def flags(self, assessment: Assessment, *, sort: bool = True) -> list[Flag]:
        if assessment.state != "active":
            return []
        flags = self._release_flags(assessment)
        release = assessment.release_date
        near = release is not None and (release - self.today).days <= (
            self.settings.critical_within_days
        )
        # Rows come in order of the last day each is certainly quiet: only those before
        # the first one still quiet today can raise a flag.
        today = self.today_ordinal
        loud: list[Sequence[Any]] = []
        for row in assessment.open_rows:
            if row[ROW_QUIET] >= today:
                break
            loud.append(row)
        if len(loud) > 1:
            loud.sort(key=_BY_POSITION)  # template order, which ties keep
        for row in loud:
            flag = self._item_flag(assessment.number, row, near)
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

    def _item_flag(self, number: str, row: Sequence[Any], near: bool) -> Flag | None:
        """The one flag an open item raises today, if any. Days compare as ordinals."""
        spec = self.template.item(row[ROW_ITEM])
        today = self.today_ordinal
        bits, escalate, due = row[ROW_BITS], row[ROW_ESCALATE], row[ROW_DUE]
        escalated = bool(bits & 1) and escalate is not None and today > escalate
        status = row[ROW_STATUS]
        problem = PROBLEM_CODES[bits >> 1]
        kind: FlagKind
        detail = ""
        if status in RESOLVED_CODES:
            if problem == PROBLEM_NOT_MET:
                kind, detail = FlagKind.NOT_MET, _outcomes(spec, row_not_met(row))
                severity = Severity.CRITICAL if near or escalated else Severity.WARNING
            elif escalated and status == _DONE_CODE:
                # The harder deadline outranks a missing-evidence warning.
                return self._escalation_flag(number, spec, escalate)
            elif problem == PROBLEM_NO_EVIDENCE:
                missing = row_missing(row)
                labels = [f.label for f in spec.required_fields if f.name in missing]
                kind, severity, detail = FlagKind.NO_EVIDENCE, Severity.WARNING, _join(labels)
            elif problem == PROBLEM_NO_REASON:
                kind, severity = FlagKind.NO_REASON, Severity.WARNING
                detail = STATUS_CODES[status].replace("_", " ")
            else:
                return None
        elif status == BLOCKED_CODE:
            kind, detail = FlagKind.BLOCKED, row_reason(row)
            severity = Severity.CRITICAL if near or escalated else Severity.WARNING
        elif escalated:
            return self._escalation_flag(number, spec, escalate)
        elif due is not None and today > due:
            kind, severity = FlagKind.OVERDUE, Severity.CRITICAL if near else Severity.WARNING
            detail = STATUS_CODES[status].replace("_", " ")
        elif due is not None and due <= self.soon_ordinal:
            kind, severity = FlagKind.DUE_SOON, Severity.INFO
        elif (recommended := row[ROW_RECOMMENDED]) is not None and today > recommended:
            return Flag(
                number, FlagKind.DUE_SOON, Severity.INFO, spec.id, spec.section, _day(due),
                spec.title, self.today, "", date.fromordinal(recommended),
            )  # fmt: skip
        else:
            return None
        return Flag(
            number, kind, severity, spec.id, spec.section, _day(due), spec.title, self.today,
            detail,
        )  # fmt: skip

    def _escalation_flag(self, number: str, spec: ItemTemplate, escalate: int) -> Flag:
        reason = spec.escalation.reason if spec.escalation else "past its hard deadline"
        return Flag(
            number, FlagKind.OVERDUE, Severity.CRITICAL, spec.id, spec.section,
            date.fromordinal(escalate), spec.title, self.today, reason, None, True,
        )  # fmt: skip


_DONE_CODE = STATUS_CODES.index("done")


def _day(ordinal: int | None) -> date | None:
    return None if ordinal is None else date.fromordinal(ordinal)


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
