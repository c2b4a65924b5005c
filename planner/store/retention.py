"""Retention: which people may be removed once they have left, and how the removal is noted.

A person is due for removal when their case state is released (or transferred) and their
release date is before the cut-off. Removal takes their record, their checklist, every
audit entry about them and what a transfer brought or recorded of them (their history at
other prisons, the points their record crossed); the audit log keeps one note of the purge
itself (how many, the cut-off, who, when) and nothing that identifies anyone. People whose
state says they have left but who have no release date are never removed: the rule cannot
be applied to them.

`purge_cases` carries a purge out: the database and its audit log are written again
together (see :mod:`planner.store.rewrite`) with an empty journal, so no copy of the
records removed is left in its files: neither in the entries nor in the patches of their
history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from planner.store.database import Database
from planner.store.errors import WriteFailed
from planner.store.rewrite import Rewrite, complete_records, rewrite_live
from planner.store.tables import ASSESSMENTS, INDEX, PERSON_TABLES

PURGE_FIELD = "retention.purge"
DEFAULT_STATES = ("released", "transferred")


class Listed(Protocol):
    """What retention needs of a case (CaseSummary has it)."""

    @property
    def number(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def release_date(self) -> date | None: ...


@dataclass(frozen=True)
class PurgeCandidate:
    number: str
    name: str
    state: str
    release_date: date


@dataclass(frozen=True)
class PurgePlan:
    """Who a purge would remove, and who it would keep although they have left."""

    before: date
    states: tuple[str, ...]
    people: tuple[PurgeCandidate, ...]
    undated: int  # in one of `states` but with no release date: kept

    @property
    def numbers(self) -> set[str]:
        return {p.number for p in self.people}


def plan_purge(cases: Iterable[Listed], before: date, states: Iterable[str]) -> PurgePlan:
    wanted = tuple(states)
    people = []
    undated = 0
    for case in cases:
        if case.state not in wanted:
            continue
        if case.release_date is None:
            undated += 1
        elif case.release_date < before:
            people.append(
                PurgeCandidate(case.number, case.display_name, case.state, case.release_date)
            )
    people.sort(key=lambda p: (p.release_date, p.number))
    return PurgePlan(before, wanted, tuple(people), undated)


def purge_note(plan: PurgePlan, removed: int, *, seq: int, at: datetime, by: str) -> dict[str, Any]:
    """The audit record of a purge: no names, no numbers."""
    states = " or ".join(plan.states)
    text = (
        f"removed {removed} {'person' if removed == 1 else 'people'} ({states}, "
        f"release date before {plan.before.isoformat()}) under the retention rule"
    )
    entry = {"case": None, "item": None, "field": PURGE_FIELD, "old": None, "new": text}
    return {"seq": seq, "at": at.isoformat(), "by": by, "entries": [entry]}


def purge_cases(
    db: Database,
    plan: PurgePlan,
    numbers: set[str],
    *,
    at: datetime,
    by: str,
) -> None:
    """Remove the people `numbers` (of `plan`), their checklists and every audit entry
    about them, and note the purge without personal data. WriteFailed when it did not
    finish; nobody's record is lost then. The caller holds the lock and has refreshed."""
    db.require_sound()
    tables = {name: dict(docs) for name, docs in db.storage.read().items()}
    for table in (*PERSON_TABLES, INDEX, ASSESSMENTS):
        for number in numbers:
            tables.get(table, {}).pop(number, None)
    records = [without(record, numbers) for record in complete_records(db)]
    kept = [record for record in records if record["entries"] or record.get("patch")]
    kept.append(purge_note(plan, len(numbers), seq=db.seq + 1, at=at, by=by))
    try:
        rewrite_live(db, Rewrite(tables, kept, db.codec))
    except OSError as exc:
        raise WriteFailed(
            f"the purge did not finish ({exc.strerror or exc}); nobody's record was "
            "lost: run it again"
        ) from exc


def without(record: dict[str, Any], numbers: set[str]) -> dict[str, Any]:
    """An audit record with nothing left about the people `numbers`."""
    entries = [e for e in record["entries"] if e.get("case") not in numbers]
    patch = [
        op for op in record.get("patch") or [] if op[0] not in PERSON_TABLES or op[1] not in numbers
    ]
    out = {**record, "entries": entries}
    out.pop("patch", None)
    if patch:
        out["patch"] = patch
    return out
