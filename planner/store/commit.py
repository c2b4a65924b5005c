"""One durable change to the database: its audit entries, its documents, and the order in
which they reach the disk.

A change is audited first, then committed to the journal, each line fsync'd, so no change
is ever on disk without its audit entry. A crash between the two leaves an audit line for
a change that never committed, which readers drop (see :mod:`planner.store.audit`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from planner.domain.assessment import ENGINE_VERSION
from planner.domain.case import Case
from planner.domain.template import Template
from planner.store.audit import AuditLog
from planner.store.changes import case_changes
from planner.store.documents import case_documents
from planner.store.journal import JournalStorage
from planner.store.tables import CASES, INDEX

Document = dict[str, Any]
REASSESSED_FIELD = "database.assessments"


@dataclass(frozen=True)
class Change:
    """Audit entries, and the documents to write table by table (None removes one)."""

    entries: list[dict[str, Any]]
    documents: dict[str, dict[str, Document | None]]


def case_change(
    pairs: Sequence[tuple[Case | None, Case | None]], template_for: Callable[[Case], Template]
) -> Change:
    """The change that turns each old case into its new one: old None adds a case, new
    None removes one. Each new case is assessed against ``template_for(case)``."""
    entries: list[dict[str, Any]] = []
    docs: dict[str, Document | None] = {}
    index: dict[str, Document | None] = {}
    for old, new in pairs:
        entries.extend(case_changes(old, new))
        if new is None:
            assert old is not None
            docs[old.number] = index[old.number] = None
        else:
            docs[new.number], index[new.number] = case_documents(new, template_for(new))
    return Change(entries, {CASES: docs, INDEX: index})


def note(field: str, description: str) -> Change:
    """An audit note about the database as a whole; `description` holds no personal data."""
    entry = {"case": None, "item": None, "field": field, "old": None, "new": description}
    return Change([entry], {})


def reassessed(entries: dict[str, Document | None]) -> Change:
    """Index entries assessed again by a newer gap engine: no record changes, so the audit
    note says only that, and how many, never who."""
    n = len(entries)
    description = (
        f"gap engine {ENGINE_VERSION}: stored assessments recomputed for {n} "
        f"{'person' if n == 1 else 'people'}"
    )
    return Change(note(REASSESSED_FIELD, description).entries, {INDEX: entries})


def commit(
    storage: JournalStorage, audit: AuditLog, change: Change, *, at: datetime, by: str
) -> None:
    """Audit, then journal, `change` as change number ``storage.seq + 1``: durable when
    this returns. OSError when it could not be written; nothing was committed then. The
    caller holds the lock and has brought `storage` up to date."""
    audit.append(storage.seq + 1, at, by, change.entries)
    storage.commit(change.documents)
