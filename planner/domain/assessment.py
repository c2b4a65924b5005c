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
from typing import Any, NamedTuple

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
    EvidenceIn,
    ItemTemplate,
    Template,
)

# Bump when the meaning of a stored assessment changes, so stored ones are recomputed.
ENGINE_VERSION = 5

PROBLEM_NO_EVIDENCE = "no_evidence"
PROBLEM_NO_REASON = "no_reason"
PROBLEM_NOT_MET = "not_met"
# Problems that leave a `done` item still to do: it does not count as resolved.
_NOT_DONE = frozenset({PROBLEM_NOT_MET, PROBLEM_NO_EVIDENCE})


class OpenItem(NamedTuple):
    """An applicable item that may raise a flag: unresolved, or resolved with a problem.

    Fields hold JSON-native values (status as its string, dates as ISO strings, which
    compare in date order) so a stored assessment loads without any conversion.
    """

    item_id: str
    section: str
    status: str
    due: str | None
    recommended: str | None
    escalate: str | None
    escalate_pending: bool  # the escalation holds once its day has passed (see _escalates)
    problem: str | None  # PROBLEM_NOT_MET, _NO_EVIDENCE or _NO_REASON for resolved items
    missing: list[str]  # names of required evidence fields not yet recorded
    reason: str  # the officer's reason (blocked, declined, not required)
    not_met: list[tuple[str, str]]  # (field, value) of recorded outcomes that mean not met


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
    section_rows: Sequence[Sequence[Any]]
    open_rows: Sequence[Sequence[Any]]
    no_com: bool = False  # no community offender manager recorded (planner.domain.com_flag)

    @property
    def readiness(self) -> float:
        return 1.0 if self.applicable == 0 else self.resolved / self.applicable

    @property
    def sections(self) -> tuple[SectionTally, ...]:
        return tuple(SectionTally._make(row) for row in self.section_rows)

    @property
    def open_items(self) -> tuple[OpenItem, ...]:
        return tuple(OpenItem._make(row) for row in self.open_rows)

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
            "sections": [list(row) for row in self.section_rows],
            "open": [list(row) for row in self.open_rows],
            "com": self.no_com,
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
            section_rows=data["sections"],
            open_rows=data["open"],
            no_com=data["com"],
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
    open_items: list[OpenItem] = []
    for item in template.items:
        if not applies(item, case):
            continue
        record = checklist.item(item.id)
        tally = tallies[item.section]
        tally[0] += 1
        if record.status is not ItemStatus.NOT_STARTED:
            tally[2] += 1
        open_item = _open_item(item, record, release, created)
        if open_item is None:
            tally[1] += 1
        else:
            open_items.append(open_item)
            if record.status.resolved and open_item.problem not in _NOT_DONE:
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
        section_rows=tuple(SectionTally(s, a, r, st) for s, (a, r, st) in tallies.items()),
        open_rows=tuple(open_items),
        no_com=com_missing(case, template, applies),
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
    """Names of the item's required evidence fields that hold no value."""
    return [f.name for f in item.required_fields if not has_value(record.evidence.get(f.name))]


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


def _open_item(
    item: ItemTemplate, record: ItemRecord, release: date | None, created: date
) -> OpenItem | None:
    """The item as a possible source of flags; None for one resolved with no problem and
    no escalation still to come."""
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
    elif status.resolved:
        if not record.reason.strip():
            problem = PROBLEM_NO_REASON
    else:
        missing = missing_evidence(item, record)
    escalate_pending = _escalates(item, record, bool(not_met))
    if status.resolved and problem is None and not escalate_pending:
        return None
    esc = item.escalation
    return OpenItem(
        item_id=item.id,
        section=item.section,
        status=status.value,
        due=_iso(due_date(item, release, created)),
        recommended=(
            _iso(release - timedelta(days=item.recommended_days_before_release))
            if release is not None and item.recommended_days_before_release is not None
            else None
        ),
        escalate=(
            _iso(release - timedelta(days=esc.days_before_release))
            if release is not None and esc is not None
            else None
        ),
        escalate_pending=escalate_pending,
        problem=problem,
        missing=missing,
        reason=record.reason,
        not_met=not_met,
    )


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


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
