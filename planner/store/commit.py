"""The changes the store makes: what a case change, a note about the database, a note of
an export and new assessments write, in words for the audit log and as documents for the
tables.

How a change reaches the disk is :meth:`planner.store.database.Database.commit`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from planner.domain.assessment import ENGINE_VERSION
from planner.domain.case import Case
from planner.domain.history import EXPORTED_FIELD
from planner.domain.template import Template
from planner.store.changes import case_changes
from planner.store.database import Change
from planner.store.documents import case_documents
from planner.store.tables import ASSESSMENTS, CASES, INDEX

Document = dict[str, Any]
REASSESSED_FIELD = "database.assessments"


def case_change(
    pairs: Sequence[tuple[Case | None, Case | None]], template_for: Callable[[Case], Template]
) -> Change:
    """The change that turns each old case into its new one: old None adds a case, new
    None removes one. Each new case is assessed against ``template_for(case)``."""
    entries: list[dict[str, Any]] = []
    docs: dict[str, Document | None] = {}
    index: dict[str, Document | None] = {}
    assessments: dict[str, Document | None] = {}
    for old, new in pairs:
        entries.extend(case_changes(old, new))
        if new is None:
            assert old is not None
            docs[old.number] = index[old.number] = assessments[old.number] = None
        else:
            number = new.number
            docs[number], index[number], assessments[number] = case_documents(
                new, template_for(new)
            )
    return Change(entries, {CASES: docs, INDEX: index, ASSESSMENTS: assessments})


def note_entry(field: str, description: str, case: str | None = None) -> dict[str, Any]:
    """An audit entry that changes no field: a note about the database (`case` None) or
    about one case (a transfer, an export), `description` its words."""
    return {"case": case, "item": None, "field": field, "old": None, "new": description}


def note(field: str, description: str) -> Change:
    """An audit note about the database as a whole; `description` holds no personal data."""
    return Change([note_entry(field, description)], {})


def exported(numbers: Sequence[str], description: str) -> Change:
    """An audit note on each case of `numbers` that its record was written out
    (`description`: what and where); no record changes. Purged with the person."""
    entries = [note_entry(EXPORTED_FIELD, description, n) for n in dict.fromkeys(numbers)]
    return Change(entries, {})


def reassessed(
    entries: dict[str, Document | None], assessments: dict[str, Document | None]
) -> Change:
    """Index entries and assessments made again by a newer gap engine (or moved out of an
    older entry), or index entries alone given what an older planner did not store in
    them: no record changes, so the audit note says only that, and how many,
    never who."""
    n = len(assessments) or len(entries)
    people = "person" if n == 1 else "people"
    if assessments:
        description = f"gap engine {ENGINE_VERSION}: stored assessments recomputed for {n} {people}"
    else:  # only the day each entry is quiet until was added
        description = (
            f"gap engine {ENGINE_VERSION}: caseload index brought up to date for {n} {people}"
        )
    return Change(
        note(REASSESSED_FIELD, description).entries, {INDEX: entries, ASSESSMENTS: assessments}
    )
