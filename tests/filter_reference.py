"""A second, plain evaluation of filters, through validated Case models.

Written apart from :mod:`planner.domain.filtering` (no summaries, no stored assessment,
no raw records): every condition is read straight off the case and its evaluation. The
tests check that the fast path selects exactly the people this one does, and
bench/filter_bench.py times it as the baseline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from planner.domain.assessment import applies
from planner.domain.case import Case
from planner.domain.filter_terms import TODAY, Condition, Filter, Kind, Op, Where
from planner.domain.gaps import evaluate
from planner.domain.template import Template

Value = str | bool | None


def reference_select(
    wanted: Filter,
    cases: Iterable[Case],
    template_for: Callable[[Case], Template],
    today: date,
    officer: str = "",
) -> list[str]:
    """The numbers of the cases every condition holds for, in their order."""
    return [
        case.number
        for case in cases
        if all(_holds(c, case, template_for(case), today, officer) for c in wanted.conditions)
    ]


def _holds(cond: Condition, case: Case, template: Template, today: date, officer: str) -> bool:
    subject = cond.subject
    if subject.where is Where.FLAG:
        flags = evaluate(case, template, today).flags
        hit = any(f.severity.value in cond.values or f.kind.value in cond.values for f in flags)
        return {
            Op.EQ: hit,
            Op.IN: hit,
            Op.NE: not hit,
            Op.NOT_IN: not hit,
            Op.EMPTY: not flags,
            Op.NOT_EMPTY: bool(flags),
        }[cond.op]
    if subject.where in (Where.STATUS, Where.EVIDENCE):
        item = template.items_by_id.get(subject.item)
        if item is None or not applies(item, case):
            return cond.op is Op.NOT_APPLICABLE
        record = case.checklist.item(subject.item)
        if subject.where is Where.STATUS:
            status = record.status.value
            if cond.op in (Op.APPLICABLE, Op.NOT_APPLICABLE):
                return cond.op is Op.APPLICABLE
            return (status in cond.values) == (cond.op in (Op.EQ, Op.IN))
        return _compare(cond, record.evidence.get(subject.name), today, officer)
    name = "release" if subject.where is Where.RELEASE else subject.name
    return _compare(cond, _person(name, case), today, officer)


def _person(name: str, case: Case) -> Value:
    p = case.person
    if name == "assigned":
        return case.assigned_to
    if name == "release":
        return p.release_date.isoformat() if p.release_date else None
    head, _, part = name.partition(".")
    if head in ("com", "pom"):
        contact = p.community_offender_manager if head == "com" else p.prison_offender_manager
        value: object = getattr(contact, part)
    else:
        value = getattr(p, name)
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _compare(cond: Condition, value: Value, today: date, officer: str) -> bool:
    kind, op, values = cond.subject.kind, cond.op, cond.values
    if op is Op.EMPTY or op is Op.NOT_EMPTY:
        blank = value is None or (isinstance(value, str) and not value.strip())
        return blank == (op is Op.EMPTY)
    if kind is Kind.YES_NO:
        same = value is (values[0] == "yes")
        return same if op is Op.EQ else not same
    if kind is Kind.DATE:
        # the day of a date or of an appointment ("2026-12-17 09:30 | Leeds")
        day = value[:10] if isinstance(value, str) and value else None
        if op in (Op.WITHIN, Op.WITHIN_LAST):
            n = timedelta(days=int(values[0]))
            low, high = (today, today + n) if op is Op.WITHIN else (today - n, today)
            return day is not None and low.isoformat() <= day <= high.isoformat()
        bound = today.isoformat() if values[0] == TODAY else values[0]
        if op is Op.EQ:
            return day == bound
        if op is Op.NE:
            return day != bound
        if day is None:
            return False
        return day < bound if op is Op.BEFORE else day > bound
    if kind is Kind.CHOICE:
        chosen = value if isinstance(value, str) and value else None
        return (chosen in values) == (op in (Op.EQ, Op.IN))
    text = value.strip().casefold() if isinstance(value, str) else ""
    wanted = [
        (officer if v.lower() == "me" and cond.subject.name == "assigned" else v).casefold()
        for v in values
    ]
    if op is Op.CONTAINS:
        return wanted[0] in text
    if op is Op.STARTS_WITH:
        return text.startswith(wanted[0])
    return (text in wanted) == (op in (Op.EQ, Op.IN))
