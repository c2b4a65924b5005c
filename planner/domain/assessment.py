"""Stage one of the gap engine: what a case's checklist says, independent of today.

`assess` reads a case against its template once: which items apply, when each is due, which
are resolved, which lack evidence or a reason. The result depends only on the case and the
template, so the store keeps it beside the record and evaluating a whole caseload for a
given day (stage two, :mod:`planner.domain.gaps`) needs no re-reading of checklists.
"""

from __future__ import annotations

from collections.abc import Sequence
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
ENGINE_VERSION = 4

PROBLEM_NO_EVIDENCE = "no_evidence"
PROBLEM_NO_REASON = "no_reason"


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
    escalate_pending: bool  # the escalation's evidence field is still empty
    problem: str | None  # PROBLEM_NO_EVIDENCE or PROBLEM_NO_REASON for resolved items
    missing: list[str]  # names of required evidence fields not yet recorded
    reason: str  # the officer's reason (blocked, declined, not required)


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
            "applicable": self.applicable,
            "resolved": self.resolved,
            "sections": [list(row) for row in self.section_rows],
            "open": [list(row) for row in self.open_rows],
            "com": self.no_com,
        }

    @classmethod
    def from_json(cls, number: str, data: dict[str, Any]) -> Assessment:
        release = data["release"]
        return cls(
            number=number,
            template_key=data["template"],
            state=data["state"],
            release_date=None if release is None else date.fromisoformat(release),
            no_fixed_abode=data["nfa"],
            applicable=data["applicable"],
            resolved=data["resolved"],
            section_rows=data["sections"],
            open_rows=data["open"],
            no_com=data["com"],
        )


def stored_assessment_is_current(data: dict[str, Any], template_key: str) -> bool:
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
        status = record.status
        if status.resolved:
            tally[1] += 1
        if status is not ItemStatus.NOT_STARTED:
            tally[2] += 1
        open_item = _open_item(item, record, release, created)
        if open_item is not None:
            open_items.append(open_item)
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


def missing_evidence(item: ItemTemplate, record: ItemRecord) -> list[str]:
    """Names of the item's required evidence fields that hold no value."""
    return [f.name for f in item.required_fields if not has_value(record.evidence.get(f.name))]


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
    status = record.status
    problem: str | None = None
    missing: list[str] = []
    escalate_pending = False
    esc = item.escalation
    if esc is not None and esc.until_field is not None:
        # Nothing recorded at all counts as started: we cannot tell that it is already held.
        started = (
            esc.only_if_field is None
            or has_value(record.evidence.get(esc.only_if_field))
            or not any(has_value(v) for v in record.evidence.values())
        )
        escalate_pending = started and not has_value(record.evidence.get(esc.until_field))
    if status.resolved:
        if status is ItemStatus.DONE:
            missing = missing_evidence(item, record)
            if missing:
                problem = PROBLEM_NO_EVIDENCE
        elif not record.reason.strip():
            problem = PROBLEM_NO_REASON
        if problem is None and not (status is ItemStatus.DONE and escalate_pending):
            return None
    else:
        missing = missing_evidence(item, record)
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
    )


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
