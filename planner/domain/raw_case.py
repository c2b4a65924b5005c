"""Reading a stored case record as it is, without validating it into a Case.

Filtering or listing thousands of people by their evidence must not validate thousands
of full records: the store hands out its records as parsed JSON
(``CaseStore.raw_records``), in the shape ``Case.model_dump(mode="json",
exclude_defaults=True)`` gives, where a missing key means the model's default (an item
never touched is not stored at all, and reads as not started with no evidence).

These readers never raise on a record of an unexpected shape: a value of the wrong type
reads as missing. Whether an item applies is decided as :func:`planner.domain.assessment.
applies` decides it, from the same record (a test holds the two together).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from planner.domain.assessment import applies
from planner.domain.case import Case
from planner.domain.status import ItemStatus
from planner.domain.template import (
    AgeUnder,
    AllOf,
    AnyOf,
    CircumstanceIs,
    Condition,
    EvidenceIn,
    ItemTemplate,
)
from planner.domain.validated import STORED_RECORD

Record = Mapping[str, Any]
_EMPTY: Mapping[str, Any] = {}
NOT_STARTED = ItemStatus.NOT_STARTED.value
_CONTACTS = {"com": "community_offender_manager", "pom": "prison_offender_manager"}


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else _EMPTY


def person(doc: Record) -> Mapping[str, Any]:
    return _mapping(doc.get("person"))


def person_value(doc: Record, name: str) -> object:
    """A person's field by a filter's name: ``crn``, ``sex``, ``com.name`` (None if unset)."""
    head, _, field = name.partition(".")
    if head in _CONTACTS and field:
        return _mapping(person(doc).get(_CONTACTS[head])).get(field)
    return person(doc).get(name)


def item_record(doc: Record, item_id: str) -> Mapping[str, Any]:
    return _mapping(_mapping(_mapping(doc.get("checklist")).get("items")).get(item_id))


def item_status(doc: Record, item_id: str) -> str:
    status = item_record(doc, item_id).get("status", NOT_STARTED)
    return status if isinstance(status, str) else NOT_STARTED


def evidence_value(doc: Record, item_id: str, field: str) -> object:
    return _mapping(item_record(doc, item_id).get("evidence")).get(field)


def iso_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def created_on(doc: Record) -> date | None:
    value = doc.get("created_at")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None


class _Unknown(Exception):
    """A condition this reader does not know: decide it from the validated case."""


def item_applies(item: ItemTemplate, doc: Record) -> bool:
    """Whether `item` is part of this person's plan, as the gap engine decides it."""
    if item.applies is None:
        return True
    try:
        return _holds(item.applies, doc)
    except _Unknown:
        return applies(item, Case.model_validate(dict(doc), context=STORED_RECORD))


def _holds(cond: Condition, doc: Record) -> bool:
    if isinstance(cond, CircumstanceIs):
        return bool(_mapping(person(doc).get("circumstances")).get(cond.circumstance, False))
    if isinstance(cond, AgeUnder):
        who = person(doc)
        born = iso_date(who.get("date_of_birth"))
        on = iso_date(who.get("release_date")) or created_on(doc)
        if born is None or on is None:
            return True
        age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        return age < cond.age_under
    if isinstance(cond, EvidenceIn):
        value = evidence_value(doc, cond.item, cond.field)
        if cond.values:
            return isinstance(value, str) and value in cond.values
        return not (isinstance(value, str) and value in cond.not_values)
    if isinstance(cond, AllOf):
        return all(_holds(c, doc) for c in cond.all)
    if isinstance(cond, AnyOf):
        return any(_holds(c, doc) for c in cond.any)
    raise _Unknown
