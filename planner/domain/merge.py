"""Merging a record that comes back from another prison, item by item.

When a person's record arrives from another prison and the person is already here (a
return, or a record started before the transfer arrived), the two versions are merged
*unit by unit*. A unit is one checklist item, the person's details (as one unit: name,
dates, contacts, circumstances and the rest, but not their state or prison, which the
transfer itself sets), the case notes, and the release outcome. Each unit is compared by
a *fingerprint* of its content (for an item: status, evidence, reason and notes; never who
changed it or when) on three sides:

* **base**: the unit as it stood the last time both sides agreed (the last transfer of
  this record between the two databases), or, with no such point, the empty unit: an
  item not started with no evidence, no details, no notes, no outcome;
* **ours**: the unit as it stands here; **theirs**: as it stands in the file.

The rule (:func:`decide`): the same on both sides is *same*; changed on one side only
since the base takes that side; changed on both sides, differently, is a *conflict* that
the officer resolves (the UI's conflict screen, or ``--prefer ours|theirs``).

Everything here is pure: no I/O, no store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson

from planner.domain.case import Case
from planner.domain.checklist import ItemRecord
from planner.domain.person import CaseState, Person

PERSON_UNIT = "person"
NOTES_UNIT = "notes"
OUTCOME_UNIT = "outcome"
ITEM_PREFIX = "item:"
# Person fields a transfer sets itself: never part of what is merged.
_NOT_MERGED = frozenset({"state", "prison"})


class Decision(StrEnum):
    SAME = "same"  # both sides hold the same
    OURS = "ours"  # changed here only (or only here at all): keep ours
    THEIRS = "theirs"  # changed there only: take theirs
    CONFLICT = "conflict"  # changed on both sides, differently


class Side(StrEnum):
    OURS = "ours"
    THEIRS = "theirs"


def fingerprint(content: Any) -> str:
    """A short hash of JSON-able content, the same on every machine for the same content."""
    blob = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(blob).hexdigest()[:24]


def item_content(record: ItemRecord) -> dict[str, Any]:
    """What an officer recorded against an item, without who or when."""
    return {
        "status": record.status.value,
        "evidence": dict(record.evidence),
        "reason": record.reason,
        "notes": record.notes,
    }


def person_content(person: Person | None) -> dict[str, Any] | None:
    if person is None:
        return None
    dumped = person.model_dump(mode="json")
    return {k: v for k, v in dumped.items() if k not in _NOT_MERGED}


def item_unit(item_id: str) -> str:
    return f"{ITEM_PREFIX}{item_id}"


def unit_item(unit: str) -> str | None:
    """The item id of an item's unit; None for the other units."""
    return unit[len(ITEM_PREFIX) :] if unit.startswith(ITEM_PREFIX) else None


def unit_contents(case: Case | None, item_ids: Iterable[str]) -> dict[str, Any]:
    """Every unit of `case` (None: every unit empty), items as listed in `item_ids`."""
    contents: dict[str, Any] = {}
    for item_id in item_ids:
        record = case.checklist.item(item_id) if case is not None else ItemRecord()
        contents[item_unit(item_id)] = item_content(record)
    contents[PERSON_UNIT] = person_content(case.person if case is not None else None)
    contents[NOTES_UNIT] = case.notes if case is not None else ""
    outcome = case.outcome if case is not None else None
    contents[OUTCOME_UNIT] = None if outcome is None else outcome.model_dump(mode="json")
    return contents


def fingerprints(case: Case | None, item_ids: Iterable[str]) -> dict[str, str]:
    """The fingerprint of each unit of `case` (None: of the empty units, the base when the
    two sides never agreed)."""
    return {unit: fingerprint(content) for unit, content in unit_contents(case, item_ids).items()}


def decide(base: str, ours: str, theirs: str) -> Decision:
    """The merge rule for one unit, from the fingerprints of its three sides."""
    if ours == theirs:
        return Decision.SAME
    if theirs == base:
        return Decision.OURS
    if ours == base:
        return Decision.THEIRS
    return Decision.CONFLICT


@dataclass(frozen=True)
class UnitMerge:
    unit: str
    decision: Decision

    @property
    def item_id(self) -> str | None:
        return unit_item(self.unit)


@dataclass(frozen=True)
class MergePlan:
    """What the merge does with each unit, in a stable order (items, then the rest)."""

    units: tuple[UnitMerge, ...]

    @property
    def conflicts(self) -> tuple[UnitMerge, ...]:
        return tuple(u for u in self.units if u.decision is Decision.CONFLICT)

    def taken(self, choices: Mapping[str, Side] | None = None) -> dict[str, Side]:
        """Which side each unit comes from; a conflict needs its choice in `choices`
        (KeyError naming the unit otherwise)."""
        out: dict[str, Side] = {}
        for unit in self.units:
            if unit.decision is Decision.CONFLICT:
                out[unit.unit] = (choices or {})[unit.unit]
            elif unit.decision is Decision.THEIRS:
                out[unit.unit] = Side.THEIRS
            else:
                out[unit.unit] = Side.OURS
        return out


def plan_merge(
    base: Mapping[str, str] | None, ours: Case, theirs: Case, item_ids: Iterable[str]
) -> MergePlan:
    """The decision for every unit. `base` holds the units' fingerprints at the last point
    both sides agreed (None: they never did, so the base is the empty units); a unit the
    base does not name is taken as empty there."""
    ids = list(item_ids)
    empty = fingerprints(None, ids)
    ours_fp, theirs_fp = fingerprints(ours, ids), fingerprints(theirs, ids)
    units = tuple(
        UnitMerge(unit, decide((base or {}).get(unit, empty[unit]), ours_fp[unit], theirs_fp[unit]))
        for unit in ours_fp
    )
    return MergePlan(units)


def merged_case(ours: Case, theirs: Case, taken: Mapping[str, Side]) -> Case:
    """Ours with every unit `taken` from theirs replaced by theirs' version. An item taken
    from theirs keeps who changed it there and when, with a revision above both sides', so
    an edit opened here before the merge is refused as stale. State, prison, the assigned
    officer and the case's own bookkeeping stay ours (the caller sets the state)."""
    items = dict(ours.checklist.items)
    for unit, side in taken.items():
        item_id = unit_item(unit)
        if item_id is None or side is Side.OURS:
            continue
        mine, there = ours.checklist.item(item_id), theirs.checklist.item(item_id)
        items[item_id] = there.model_copy(update={"rev": max(mine.rev, there.rev) + 1})
    person = ours.person
    if taken.get(PERSON_UNIT) is Side.THEIRS:
        person = theirs.person.model_copy(
            update={"state": ours.person.state, "prison": ours.person.prison}
        )
    notes = theirs.notes if taken.get(NOTES_UNIT) is Side.THEIRS else ours.notes
    outcome = theirs.outcome if taken.get(OUTCOME_UNIT) is Side.THEIRS else ours.outcome
    return ours.model_copy(
        update={
            "person": person,
            "notes": notes,
            "outcome": outcome,
            "checklist": ours.checklist.model_copy(update={"items": items}),
        }
    )


def arrived(theirs: Case, *, prison: str) -> Case:
    """A record new here, as it arrives: active, at `prison`, in nobody's caseload yet."""
    person = theirs.person.model_copy(update={"state": CaseState.ACTIVE, "prison": prison})
    return theirs.model_copy(update={"person": person, "assigned_to": ""})
