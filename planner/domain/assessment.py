"""Stage one of the gap engine: what a case's checklist says, independent of today.

`assess` reads a case against its template once: which items apply, when each is due, which
are resolved, which lack evidence or a reason. The result depends only on the case and the
template, so the store keeps it beside the record and evaluating a whole caseload for a
given day (stage two, :mod:`planner.domain.gaps`) needs no re-reading of checklists.

An item counts as resolved (for readiness and a section's "complete") when it is
`not_required` or `declined`, or `done` with all its required evidence and no recorded
outcome that the template marks `not_met` (a bank account declined). A `done` item short of
either stays an open item with its problem, so it is flagged and counted as still to do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from operator import itemgetter
from typing import Any, NamedTuple

from planner.domain.appointment import read_stored
from planner.domain.case import Case
from planner.domain.checklist import ItemRecord
from planner.domain.com_flag import com_missing
from planner.domain.status import ItemStatus
from planner.domain.template import (
    AgeUnder,
    AllOf,
    AnyOf,
    CircumstanceIs,
    Condition,
    EvidenceField,
    EvidenceIn,
    ItemTemplate,
    Template,
)

# Bump when the meaning (or the stored form) of an assessment changes, so stored ones are
# recomputed.
ENGINE_VERSION = 7

PROBLEM_NO_EVIDENCE = "no_evidence"
PROBLEM_NO_REASON = "no_reason"
PROBLEM_NOT_MET = "not_met"
# Problems that leave a `done` item still to do: it does not count as resolved.
_NOT_DONE = frozenset({PROBLEM_NOT_MET, PROBLEM_NO_EVIDENCE})

# --- the stored form of an open item ---------------------------------------------------------
#
# 20,000 assessments are parsed to flag a caseload, so an open item is stored as a short
# list of small values rather than an object of strings: its status and problem as codes,
# its dates as day ordinals (compared as integers), and empty trailing fields left out:
#
#   [position, item id, status, due, recommended, escalate, bits, quiet until,
#    missing evidence (of a done item), reason, outcomes that mean not met]
#
# `position` is the item's place in the template (flags keep template order among equals);
# `bits` holds 1 when an escalation is pending, plus the problem's code times 2. `quiet
# until` is the last day on which the item certainly raises no flag: the day before it is
# due soon, and no later than its recommended or escalation day; LOUD for an item with a
# problem or blocked, which may flag on any day. Rows are stored in order of that day, so
# flagging a case reads only the rows that can flag today and stops at the first that
# cannot.
ROW_POSITION, ROW_ITEM, ROW_STATUS, ROW_DUE, ROW_RECOMMENDED, ROW_ESCALATE = range(6)
ROW_BITS, ROW_QUIET, ROW_MISSING, ROW_REASON, ROW_NOT_MET = range(6, 11)
LOUD = -1
_NEVER = date.max.toordinal()
# The codes are part of the stored form: append, never reorder (or bump ENGINE_VERSION).
STATUS_CODES: tuple[str, ...] = (
    "not_started",
    "in_progress",
    "done",
    "not_required",
    "declined",
    "blocked",
)
PROBLEM_CODES: tuple[str | None, ...] = (
    None,
    PROBLEM_NO_EVIDENCE,
    PROBLEM_NO_REASON,
    PROBLEM_NOT_MET,
)
BLOCKED_CODE = STATUS_CODES.index(ItemStatus.BLOCKED.value)
RESOLVED_CODES = frozenset(STATUS_CODES.index(s.value) for s in ItemStatus if s.resolved)
_STATUS_CODE = {status: code for code, status in enumerate(STATUS_CODES)}
_PROBLEM_CODE = {problem: code for code, problem in enumerate(PROBLEM_CODES)}


class OpenItem(NamedTuple):
    """An applicable item that may raise a flag: unresolved, or resolved with a problem."""

    item_id: str
    status: str
    due: date | None
    recommended: date | None
    escalate: date | None
    escalate_pending: bool  # the escalation holds once its day has passed (see _escalates)
    problem: str | None  # PROBLEM_NOT_MET, _NO_EVIDENCE or _NO_REASON for resolved items
    missing: list[str]  # a done item's required evidence fields not recorded
    reason: str  # the officer's reason (blocked, declined, not required)
    not_met: list[tuple[str, str]]  # (field, value) of recorded outcomes that mean not met

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> OpenItem:
        """The item a stored row holds."""
        bits = row[ROW_BITS]
        extra = len(row)
        return cls(
            item_id=row[ROW_ITEM],
            status=STATUS_CODES[row[ROW_STATUS]],
            due=_day(row[ROW_DUE]),
            recommended=_day(row[ROW_RECOMMENDED]),
            escalate=_day(row[ROW_ESCALATE]),
            escalate_pending=bool(bits & 1),
            problem=PROBLEM_CODES[bits >> 1],
            missing=list(row[ROW_MISSING]) if extra > ROW_MISSING else [],
            reason=row[ROW_REASON] if extra > ROW_REASON else "",
            not_met=[(f, v) for f, v in row[ROW_NOT_MET]] if extra > ROW_NOT_MET else [],
        )


def row_missing(row: Sequence[Any]) -> Sequence[str]:
    return row[ROW_MISSING] if len(row) > ROW_MISSING else ()


def row_reason(row: Sequence[Any]) -> str:
    reason: str = row[ROW_REASON] if len(row) > ROW_REASON else ""
    return reason


def row_not_met(row: Sequence[Any]) -> list[tuple[str, str]]:
    return [(f, v) for f, v in row[ROW_NOT_MET]] if len(row) > ROW_NOT_MET else []


def _day(ordinal: int | None) -> date | None:
    return None if ordinal is None else date.fromordinal(ordinal)


class SectionTally(NamedTuple):
    section: str
    applicable: int
    resolved: int
    started: int  # applicable items past not_started (resolved ones included)


@dataclass(frozen=True, slots=True)
class Assessment:
    number: str
    template_key: str
    state: str
    release_date: date | None
    no_fixed_abode: bool
    # The release address's accommodation type (a choice value) while the address needs
    # a booking that is not arranged; None otherwise.
    address_not_booked: str | None
    applicable: int
    resolved: int
    section_ids: str  # the template's section ids, space-separated
    tallies: Sequence[int]  # applicable, resolved, started for each section in turn
    open_rows: Sequence[Sequence[Any]]  # in the stored form above, by `quiet until`
    no_com: bool = False  # no community offender manager recorded (planner.domain.com_flag)
    # A released person's follow-ups still to record: [measure id, label, due ordinal],
    # soonest first (ReleaseOutcome.pending_follow_ups).
    follow_ups: Sequence[Sequence[Any]] = ()

    @property
    def readiness(self) -> float:
        return 1.0 if self.applicable == 0 else self.resolved / self.applicable

    @property
    def sections(self) -> tuple[SectionTally, ...]:
        t = self.tallies
        return tuple(
            SectionTally(section, t[3 * n], t[3 * n + 1], t[3 * n + 2])
            for n, section in enumerate(self.section_ids.split())
        )

    @property
    def open_items(self) -> tuple[OpenItem, ...]:
        """The open items in template order."""
        rows = sorted(self.open_rows, key=itemgetter(ROW_POSITION))
        return tuple(OpenItem.from_row(row) for row in rows)

    def open_status(self, item_id: str) -> str | None:
        """The status of an open item; None when the item is resolved or does not apply."""
        for row in self.open_rows:
            if row[ROW_ITEM] == item_id:
                status: str = STATUS_CODES[row[ROW_STATUS]]
                return status
        return None

    def next_due(self) -> date | None:
        """The soonest due date of an item still open (a past one when one is overdue)."""
        dues = [
            row[ROW_DUE]
            for row in self.open_rows
            if row[ROW_DUE] is not None and row[ROW_STATUS] not in RESOLVED_CODES
        ]
        return date.fromordinal(min(dues)) if dues else None

    def to_json(self) -> dict[str, Any]:
        """A compact JSON form, stored beside the record."""
        return {
            "engine": ENGINE_VERSION,
            "template": self.template_key,
            "state": self.state,
            "release": None if self.release_date is None else self.release_date.isoformat(),
            "nfa": self.no_fixed_abode,
            "unbooked": self.address_not_booked,
            "applicable": self.applicable,
            "resolved": self.resolved,
            "sections": self.section_ids,
            "tallies": list(self.tallies),
            "open": [list(row) for row in self.open_rows],
            "com": self.no_com,
            "follow": [list(row) for row in self.follow_ups],
        }

    @classmethod
    def from_json(cls, number: str, data: Mapping[str, Any]) -> Assessment:
        release = data["release"]
        return cls(
            number=number,
            template_key=data["template"],
            state=data["state"],
            release_date=None if release is None else date.fromisoformat(release),
            no_fixed_abode=data["nfa"],
            address_not_booked=data["unbooked"],
            applicable=data["applicable"],
            resolved=data["resolved"],
            section_ids=data["sections"],
            tallies=data["tallies"],
            open_rows=data["open"],
            no_com=data["com"],
            follow_ups=data["follow"],
        )


def stored_assessment_is_current(data: Mapping[str, Any], template_key: str) -> bool:
    return data.get("engine") == ENGINE_VERSION and data.get("template") == template_key


def assess(case: Case, template: Template) -> Assessment:
    """Read a case against its template; the result does not depend on today."""
    person = case.person
    checklist = case.checklist
    release = person.release_date
    created = case.created_at.date()
    tallies: dict[str, list[int]] = {s.id: [0, 0, 0] for s in template.sections}
    open_rows: list[list[Any]] = []
    soon = template.flags.due_soon_days
    for position, item in enumerate(template.items):
        if not applies(item, case):
            continue
        record = checklist.item(item.id)
        tally = tallies[item.section]
        tally[0] += 1
        if record.status is not ItemStatus.NOT_STARTED:
            tally[2] += 1
        row = _open_row(position, item, record, release, created, soon)
        if row is None:
            tally[1] += 1
        else:
            open_rows.append(row)
            problem = PROBLEM_CODES[row[ROW_BITS] >> 1]
            if record.status.resolved and problem not in _NOT_DONE:
                tally[1] += 1  # closed, if with a flag of its own (a deadline, no reason)
    nfa_rule = template.flags.no_fixed_abode
    nfa = False
    if nfa_rule is not None:
        value = checklist.item(nfa_rule.item).evidence.get(nfa_rule.field)
        nfa = isinstance(value, str) and value in nfa_rule.values
    applicable = sum(t[0] for t in tallies.values())
    resolved = sum(t[1] for t in tallies.values())
    return Assessment(
        number=person.number,
        template_key=template.key,
        state=person.state.value,
        release_date=release,
        no_fixed_abode=nfa,
        address_not_booked=_address_not_booked(case, template),
        applicable=applicable,
        resolved=resolved,
        section_ids=" ".join(tallies),
        tallies=[n for tally in tallies.values() for n in tally],
        open_rows=sorted(open_rows, key=itemgetter(ROW_QUIET, ROW_POSITION)),
        no_com=com_missing(case, template, applies),
        follow_ups=[]
        if case.outcome is None
        else [
            [measure_id, plan.label, plan.due.toordinal()]
            for measure_id, plan in case.outcome.pending_follow_ups()
        ],
    )


def applies(item: ItemTemplate, case: Case) -> bool:
    """Whether a template item is part of this person's plan."""
    return item.applies is None or _holds(item.applies, case)


def _holds(cond: Condition, case: Case) -> bool:
    if isinstance(cond, CircumstanceIs):
        return bool(getattr(case.person.circumstances, cond.circumstance))
    if isinstance(cond, AgeUnder):
        on = case.person.release_date or case.created_at.date()
        age = case.person.age_on(on)
        return age is None or age < cond.age_under
    if isinstance(cond, EvidenceIn):
        value = case.checklist.item(cond.item).evidence.get(cond.field)
        if cond.values:
            return isinstance(value, str) and value in cond.values
        return not (isinstance(value, str) and value in cond.not_values)
    if isinstance(cond, AllOf):
        return all(_holds(c, case) for c in cond.all)
    if isinstance(cond, AnyOf):
        return any(_holds(c, case) for c in cond.any)
    raise TypeError(f"unknown condition {cond!r}")  # pragma: no cover


def _address_not_booked(case: Case, template: Template) -> str | None:
    """The address's accommodation type when it needs a booking that is not arranged."""
    rule = template.flags.address_not_booked
    if rule is None or not template.has_item(rule.booking_item):
        return None
    value = case.checklist.item(rule.item).evidence.get(rule.field)
    if not (isinstance(value, str) and value in rule.values):
        return None
    booking = template.item(rule.booking_item)
    return None if done_and_met(booking, case.checklist.item(booking.id)) else value


def missing_evidence(item: ItemTemplate, record: ItemRecord) -> list[str]:
    """Names of the item's required evidence fields that hold no value (an appointment
    without a part its field `needs`, such as its time, holds none)."""
    return [f.name for f in item.required_fields if not _recorded(f, record.evidence.get(f.name))]


def _recorded(field: EvidenceField, value: object) -> bool:
    if not has_value(value):
        return False
    if field.needs:
        booked = read_stored(value)
        return booked is not None and all(getattr(booked, part) for part in field.needs)
    return True


def not_met_outcomes(item: ItemTemplate, record: ItemRecord) -> list[tuple[str, str]]:
    """(field, value) of each recorded choice the template marks as "need not met"."""
    found: list[tuple[str, str]] = []
    for name, values in item.not_met_choices:
        value = record.evidence.get(name)
        if isinstance(value, str) and value in values:
            found.append((name, value))
    return found


def done_and_met(item: ItemTemplate, record: ItemRecord) -> bool:
    """Done, with every required piece of evidence and no outcome that means not met:
    what "arranged" means in a handover summary."""
    return (
        record.status is ItemStatus.DONE
        and not missing_evidence(item, record)
        and not not_met_outcomes(item, record)
    )


def has_value(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


def due_date(item: ItemTemplate, release: date | None, created: date) -> date | None:
    """The latest day the item should be resolved."""
    if release is None:
        return None
    due = release - timedelta(days=item.due_days_before_release)
    grace = item.due_no_earlier_than_days_after_creation
    if grace is not None:
        due = min(max(due, created + timedelta(days=grace)), release)
    return due


def _open_row(
    position: int,
    item: ItemTemplate,
    record: ItemRecord,
    release: date | None,
    created: date,
    soon: int,
) -> list[Any] | None:
    """The item as a possible source of flags, in the stored form; None for one resolved
    with no problem and no escalation still to come."""
    status = record.status
    problem: str | None = None
    missing: list[str] = []
    not_met: list[tuple[str, str]] = []
    if status is ItemStatus.DONE:
        missing = missing_evidence(item, record)
        not_met = not_met_outcomes(item, record)
        if not_met:
            problem = PROBLEM_NOT_MET
        elif missing:
            problem = PROBLEM_NO_EVIDENCE
    elif status.resolved and not record.reason.strip():
        problem = PROBLEM_NO_REASON
    escalate_pending = _escalates(item, record, bool(not_met))
    if status.resolved and problem is None and not escalate_pending:
        return None
    esc = item.escalation
    due = _ordinal(due_date(item, release, created))
    recommended = (
        _ordinal(release - timedelta(days=item.recommended_days_before_release))
        if release is not None and item.recommended_days_before_release is not None
        else None
    )
    escalate = (
        _ordinal(release - timedelta(days=esc.days_before_release))
        if release is not None and esc is not None
        else None
    )
    if problem is not None or status is ItemStatus.BLOCKED:
        quiet = LOUD
    else:
        quiet = min(
            _NEVER if due is None else due - soon - 1,
            _NEVER if escalate is None else escalate,
            _NEVER if recommended is None else recommended,
        )
    row: list[Any] = [
        position,
        item.id,
        _STATUS_CODE[status.value],
        due,
        recommended,
        escalate,
        int(escalate_pending) | _PROBLEM_CODE[problem] << 1,
        quiet,
        missing,
        record.reason,
        [list(pair) for pair in not_met],
    ]
    while len(row) > ROW_MISSING and not row[-1]:
        row.pop()  # empty trailing fields are left out
    return row


def _escalates(item: ItemTemplate, record: ItemRecord, not_met: bool) -> bool:
    """Whether the item's escalation holds once its day has passed.

    An escalation tied to a piece of evidence (`until_field`) follows that evidence, whatever
    the item's status: with a date received recorded there is nothing left to chase. While
    it is empty, an open item escalates; a `done` one only once the other field
    (`only_if_field`) has a value, since ID already held has no application to wait for
    (with nothing recorded at all we cannot tell, so it escalates). An escalation tied to no
    evidence holds while the item is open, or done with an outcome that means not met.
    `not_required` and `declined` items never escalate.
    """
    esc = item.escalation
    status = record.status
    if esc is None or status in (ItemStatus.NOT_REQUIRED, ItemStatus.DECLINED):
        return False
    evidence = record.evidence
    if esc.until_field is None:
        return status is not ItemStatus.DONE or not_met
    if has_value(evidence.get(esc.until_field)):
        return False
    if status is not ItemStatus.DONE:
        return True
    return (
        esc.only_if_field is None
        or has_value(evidence.get(esc.only_if_field))
        or not any(has_value(v) for v in evidence.values())
    )


def _ordinal(day: date | None) -> int | None:
    return None if day is None else day.toordinal()
