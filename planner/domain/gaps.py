"""Stage two of the gap engine: flags for a given day, from a stored assessment.

`evaluate(case, template, today)` is the pure function the rest of the tool relies on;
`flags_for(assessment, template, today)` is its second half, cheap enough to run over a
whole caseload on every keystroke.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any, TypeVar

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
    "QUIET_RULES",
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
    "quiet_until",
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
# A Flag from its eleven fields in order, without the Python-level __new__ of a NamedTuple.
_new_flag = tuple.__new__

# Flag kinds and severities as plain names: in Python 3.11 reading `FlagKind.OVERDUE`
# goes through the enum's descriptor, and a caseload reads them over 100,000 times.
_CRITICAL, _WARNING, _INFO = Severity.CRITICAL, Severity.WARNING, Severity.INFO
_OVERDUE, _DUE_SOON, _BLOCKED = FlagKind.OVERDUE, FlagKind.DUE_SOON, FlagKind.BLOCKED
_NOT_MET, _NO_EVIDENCE, _NO_REASON = FlagKind.NOT_MET, FlagKind.NO_EVIDENCE, FlagKind.NO_REASON
_DONE_CODE = STATUS_CODES.index("done")
# An item's status as the sentence of an overdue or unexplained item says it.
_STATUS_WORDS = tuple(status.replace("_", " ") for status in STATUS_CODES)
_ACTIVE = "active"
_RELEASED = "released"
_NEVER = date.max.toordinal()

# Bump when the rule of quiet_until (or a flag rule it follows) changes, so that a day
# stored beside a case by the old rule is not trusted.
QUIET_RULES = 2


class FlagRules:
    """The flag rules of one template applied on one day, reusable across a caseload.

    What does not change from person to person is worked out once: each item's id,
    section and title, the sentences' details, the dates flags carry.
    """

    def __init__(self, template: Template, today: date) -> None:
        self.template = template
        self.today = today
        self.settings = settings = template.flags
        self.today_ordinal = today.toordinal()
        self.soon_ordinal = self.today_ordinal + settings.due_soon_days
        self._items = _Memo(self._item)
        self._days = _Memo(_day)
        self._days[None] = None
        self._releases = _Memo(date.fromisoformat)
        self._hard_days = _Memo(_is_hard_day)
        self._details: dict[tuple[Any, ...], str] = {}

    def flags(self, assessment: Assessment, *, sort: bool = True) -> list[Flag]:
        """Every flag of one assessed case, most urgent first (sort=False: unspecified)."""
        if assessment.state != _ACTIVE:
            return self._follow_up_flags(assessment.number, assessment.state, assessment.follow_ups)
        flags = self._case_flags(
            assessment.number,
            assessment.release_date,
            assessment.no_fixed_abode,
            assessment.address_not_booked,
            assessment.no_com,
            assessment.open_rows,
        )
        if sort:
            flags.sort(key=flag_order)
        return flags

    def stored_flags(self, number: str, stored: Mapping[str, Any]) -> list[Flag]:
        """The flags of `flags(Assessment.from_json(number, stored), sort=False)`, read
        straight from an assessment's stored form (:meth:`Assessment.to_json`, current for
        its template), without making the Assessment: a caseload makes 20,000."""
        if stored["state"] != _ACTIVE:
            return self._follow_up_flags(number, stored["state"], stored["follow"])
        release = stored["release"]
        if release is not None:
            release = self._releases[release]
        return self._case_flags(
            number, release, stored["nfa"], stored["unbooked"], stored["com"], stored["open"]
        )

    def _follow_up_flags(
        self, number: str, state: str, follow_ups: Sequence[Sequence[Any]]
    ) -> list[Flag]:
        """A released person's follow-ups to record: a note once due soon, a warning once
        past due, until answered (or answered "unknown")."""
        if state != _RELEASED:
            return []
        flags: list[Flag] = []
        for measure_id, label, due in follow_ups:
            if due > self.soon_ordinal:
                break  # soonest first: the rest are further off
            severity = _WARNING if due < self.today_ordinal else _INFO
            flags.append(
                Flag(
                    number,
                    FlagKind.FOLLOW_UP,
                    severity,
                    due=self._days[due],
                    title=label,
                    today=self.today,
                    detail=measure_id,  # the outcome measure to record
                )
            )
        return flags

    def release_date_flags(self, number: str, release: date | None) -> list[Flag]:
        """The flags an active case's release date alone decides: no release date, a
        release date passed, a release day that strands people. The first part of
        every active case's flags; the whole of them on a day up to its `quiet_until`."""
        today = self.today
        if release is None:
            return [Flag(number, FlagKind.NO_RELEASE_DATE, _CRITICAL, today=today)]
        if release < today:
            return [Flag(number, FlagKind.RELEASE_PASSED, _WARNING, due=release, today=today)]
        if self._hard_days[release]:
            return [
                Flag(
                    number,
                    FlagKind.RELEASE_DAY,
                    _WARNING,
                    section="release",
                    due=release,
                    today=today,
                )
            ]
        return []

    def _case_flags(
        self,
        number: str,
        release: date | None,
        no_fixed_abode: bool,
        address_not_booked: str | None,
        no_com: bool,
        open_rows: Sequence[Sequence[Any]],
    ) -> list[Flag]:
        flags = self.release_date_flags(number, release)
        near = False
        if release is not None:
            days_left = (release - self.today).days
            near = days_left <= self.settings.critical_within_days
            if days_left >= 0 and (no_fixed_abode or no_com or address_not_booked is not None):
                self._about_the_person(
                    flags, number, release, days_left, no_fixed_abode, address_not_booked, no_com
                )
        # Rows come in order of the last day each is certainly quiet: only those before
        # the first one still quiet today can raise a flag.
        today = self.today_ordinal
        loud: list[Sequence[Any]] = []
        for row in open_rows:
            if row[ROW_QUIET] >= today:
                break
            loud.append(row)
        if len(loud) > 1:
            loud.sort(key=_BY_POSITION)  # template order, which ties keep
        item_flag = self._item_flag
        for row in loud:
            flag = item_flag(number, row, near)
            if flag is not None:
                flags.append(flag)
        return flags

    def _about_the_person(
        self,
        flags: list[Flag],
        number: str,
        release: date,
        days_left: int,
        no_fixed_abode: bool,
        address_not_booked: str | None,
        no_com: bool,
    ) -> None:
        """No fixed abode, no COM, an address not booked: the flags of a case's assessment
        that are about release itself, from `within_days` before it up to release day."""
        today, template = self.today, self.template
        nfa = self.settings.no_fixed_abode
        if no_fixed_abode and nfa is not None and days_left <= nfa.within_days:
            nfa_item = template.item(nfa.item)
            flags.append(
                Flag(
                    number,
                    FlagKind.NO_FIXED_ABODE,
                    _CRITICAL,
                    nfa_item.id,
                    nfa_item.section,
                    release,
                    "Accommodation",
                    today,
                )
            )
        if com := no_com_flag(number, no_com, release, template, today):
            flags.append(com)
        unbooked = self.settings.address_not_booked
        kind = address_not_booked
        if kind is not None and unbooked is not None and days_left <= unbooked.within_days:
            address = template.item(unbooked.item).field(unbooked.field)
            booking = template.item(unbooked.booking_item)
            flags.append(
                Flag(
                    number,
                    FlagKind.ADDRESS_NOT_BOOKED,
                    _CRITICAL,
                    booking.id,
                    booking.section,
                    release,
                    "Accommodation",
                    today,
                    address.choice_label(kind) if address is not None else kind,
                )
            )

    def _item_flag(self, number: str, row: Sequence[Any], near: bool) -> Flag | None:
        """The one flag an open item raises today, if any. Days compare as ordinals."""
        item = self._items[row[ROW_ITEM]]
        item_id, section, title, spec = item
        today = self.today_ordinal
        bits, escalate, due = row[ROW_BITS], row[ROW_ESCALATE], row[ROW_DUE]
        escalated = bits & 1 and escalate is not None and today > escalate
        status = row[ROW_STATUS]
        problem = PROBLEM_CODES[bits >> 1]
        kind: FlagKind
        detail = ""
        if status in RESOLVED_CODES:
            if problem == PROBLEM_NOT_MET:
                kind, detail = _NOT_MET, self._outcomes(spec, row_not_met(row))
                severity = _CRITICAL if near or escalated else _WARNING
            elif escalated and status == _DONE_CODE:
                # The harder deadline outranks a missing-evidence warning.
                return self._escalation_flag(number, item, escalate)
            elif problem == PROBLEM_NO_EVIDENCE:
                kind, severity = _NO_EVIDENCE, _WARNING
                detail = self._missing(spec, row_missing(row))
            elif problem == PROBLEM_NO_REASON:
                kind, severity, detail = _NO_REASON, _WARNING, _STATUS_WORDS[status]
            else:
                return None
        elif status == BLOCKED_CODE:
            kind, detail = _BLOCKED, row_reason(row)
            severity = _CRITICAL if near or escalated else _WARNING
        elif escalated:
            return self._escalation_flag(number, item, escalate)
        elif due is not None and today > due:
            kind, severity = _OVERDUE, _CRITICAL if near else _WARNING
            detail = _STATUS_WORDS[status]
        elif due is not None and due <= self.soon_ordinal:
            kind, severity = _DUE_SOON, _INFO
        elif (recommended := row[ROW_RECOMMENDED]) is not None and today > recommended:
            return _new_flag(Flag, (
                number, _DUE_SOON, _INFO, item_id, section, self._days[due], title, self.today,
                "", self._days[recommended], False,
            ))  # fmt: skip
        else:
            return None
        return _new_flag(Flag, (
            number, kind, severity, item_id, section, self._days[due], title, self.today,
            detail, None, False,
        ))  # fmt: skip

    def _escalation_flag(
        self, number: str, item: tuple[str, str | None, str, ItemTemplate], escalate: int
    ) -> Flag:
        item_id, section, title, spec = item
        reason = spec.escalation.reason if spec.escalation else "past its hard deadline"
        return _new_flag(Flag, (
            number, _OVERDUE, _CRITICAL, item_id, section, self._days[escalate], title,
            self.today, reason, None, True,
        ))  # fmt: skip

    def _item(self, item_id: str) -> tuple[str, str | None, str, ItemTemplate]:
        """What a flag of the item carries of it: id, section, title, and the item."""
        spec = self.template.item(item_id)
        return spec.id, spec.section, spec.title, spec

    def _outcomes(self, spec: ItemTemplate, not_met: list[tuple[str, str]]) -> str:
        key = (spec.id, *not_met)
        detail = self._details.get(key)
        if detail is None:
            detail = self._details[key] = _outcomes(spec, not_met)
        return detail

    def _missing(self, spec: ItemTemplate, missing: Sequence[str]) -> str:
        key = (spec.id, None, *missing)
        detail = self._details.get(key)
        if detail is None:
            labels = [f.missing_label for f in spec.required_fields if f.name in missing]
            detail = self._details[key] = _join(labels)
        return detail


_K = TypeVar("_K")
_V = TypeVar("_V")


class _Memo(dict[_K, _V]):
    """A dict that makes a value the first time its key is asked for, with `make`."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[_K], _V]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: _K) -> _V:
        value = self[key] = self._make(key)
        return value


def _day(ordinal: int | None) -> date | None:
    return None if ordinal is None else date.fromordinal(ordinal)


def _is_hard_day(release: date) -> bool:
    return release_day_risk(release) is not None


def quiet_until(assessment: Assessment, template: Template) -> int:
    """The last day (as an ordinal) up to which the case raises no flag but those of
    `FlagRules.release_date_flags`, which its release date alone decides.

    Kept with the case's index entry, so a caseload can flag someone with nothing due
    without reading their assessment: the earliest day any open item can flag (each
    row's own `quiet until`), and the day before each flag about release itself (no
    fixed abode, no COM, an address not booked) opens its window before release.
    """
    if assessment.state == _RELEASED and assessment.follow_ups:
        # the day before the soonest follow-up is due soon
        soonest: int = assessment.follow_ups[0][2]
        return soonest - template.flags.due_soon_days - 1
    if assessment.state != _ACTIVE:
        return _NEVER  # flags are for active cases, and released ones' follow-ups
    quiet = min((row[ROW_QUIET] for row in assessment.open_rows), default=_NEVER)
    release = assessment.release_date
    if release is None:
        return quiet  # nothing about release can flag without its date
    settings, last = template.flags, release.toordinal()
    nfa = settings.no_fixed_abode
    if assessment.no_fixed_abode and nfa is not None:
        quiet = min(quiet, last - nfa.within_days - 1)
    com = settings.no_com
    if assessment.no_com and com is not None and template.has_item(com.item):
        quiet = min(quiet, last - com.within_days - 1)
    unbooked = settings.address_not_booked
    if assessment.address_not_booked is not None and unbooked is not None:
        quiet = min(quiet, last - unbooked.within_days - 1)
    return quiet


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
