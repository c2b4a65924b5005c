"""What the store keeps of transfers between prisons, and the two changes a transfer makes.

Two tables, keyed by prison number like the cases:

* ``transfer_history``: the person's history kept at other prisons, as it arrived in
  transfer files: one *section* per prison and transfer (``{"transfer", "prison",
  "db", "sent_at", "received_at", "entries": [...]}``), each entry as that prison's audit
  log recorded it (change number, when, who, item, field, old, new). It is kept apart from
  the audit log, so this database's own hash chain is untouched; the import itself is an
  ordinary audited change here.
* ``transfer_points``: each point the record crossed between databases (``{"id", "at",
  "from_prison", "to_prison", "from_db", "fingerprints"}``): the fingerprints of its
  units as they were sent (see :mod:`planner.domain.merge`). Both sides keep the same
  point, so the next time the record crosses between them, the latest point both know is
  where they last agreed.

Both are removed with the person by a retention purge. Reached as ``store.transfers``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from planner.domain.case import Case
from planner.domain.person import CaseState
from planner.domain.template import Template
from planner.store.audit import AuditEntry
from planner.store.case_edits import touched
from planner.store.commit import case_change, note_entry
from planner.store.errors import StaleEdit
from planner.store.stored_templates import template_document
from planner.store.tables import TEMPLATES, TRANSFER_HISTORY, TRANSFER_POINTS

if TYPE_CHECKING:
    from planner.store.interface import CaseRepository
    from planner.store.repository import CaseStore

OUT_FIELD = "transfer.out"
IN_FIELD = "transfer.in"


@dataclass(frozen=True)
class Outgoing:
    """Everything a transfer file carries of one person, read at one instant."""

    case: Case
    template: Template
    template_document: dict[str, Any]
    entries: list[AuditEntry]
    sections: list[dict[str, Any]]
    points: list[dict[str, Any]]
    db_id: str


class StoreTransfers:
    """Transfers of one open store (``store.transfers``)."""

    def __init__(self, store: CaseStore) -> None:
        self._store = store

    def _doc(self, table: str, number: str) -> dict[str, Any]:
        found = self._store._storage.read().get(table, {}).get(number)
        return dict(found) if isinstance(found, dict) else {}

    def sections(self, number: str) -> list[dict[str, Any]]:
        """The person's history kept at other prisons, oldest transfer first."""
        with self._store._locked(shared=True):
            return list(self._doc(TRANSFER_HISTORY, number).get("sections", []))

    def points(self, number: str) -> list[dict[str, Any]]:
        """The points the person's record crossed between databases, oldest first."""
        with self._store._locked(shared=True):
            return list(self._doc(TRANSFER_POINTS, number).get("points", []))

    def outgoing(self, number: str) -> Outgoing:
        """The case, its template, its audit entries here, its history from elsewhere and
        its transfer points, all as they stand at one instant."""
        store = self._store
        with store._locked(shared=True):
            case = store.get(number)
            template = store.template_for(case)
            return Outgoing(
                case=case,
                template=template,
                template_document=template_document(template),
                entries=store.history(number),
                sections=list(self._doc(TRANSFER_HISTORY, number).get("sections", [])),
                points=list(self._doc(TRANSFER_POINTS, number).get("points", [])),
                db_id=store.db_id,
            )

    def mark_sent(self, number: str, point: dict[str, Any], *, expected_rev: int) -> Case:
        """Mark the person transferred and keep the point sent, as one audited change.
        StaleEdit when the record changed since it was read for the file."""
        store = self._store
        with store._locked():
            old = store.get(number)
            if old.rev != expected_rev:
                raise StaleEdit(
                    f"{number}'s record was changed while the transfer file was written; "
                    "write the file again",
                    current=old,
                    attempted=old,
                    number=number,
                )
            person = old.person.model_copy(update={"state": CaseState.TRANSFERRED})
            new = touched(old, store._clock(), person=person)
            change = case_change([(old, new)], store.template_for)
            change.entries.append(
                note_entry(OUT_FIELD, f"sent to {point['to_prison']} ({point['id']})", number)
            )
            change.documents[TRANSFER_POINTS] = {number: self._with_points(number, [point])}
            store._save(change)
            return new

    def receive(
        self,
        old: Case | None,
        new: Case,
        template: Template,
        *,
        sections: Sequence[dict[str, Any]],
        points: Sequence[dict[str, Any]],
        description: str,
    ) -> Case:
        """Add or replace the record `new` (merged from `old`, None for a person new here),
        keep the history from elsewhere and the points, store `template` if no case uses
        it yet, as one audited change. StaleEdit when the record here changed since the
        merge was worked out."""
        store = self._store
        number = new.number
        with store._locked():
            current = store.find(number)
            if (current is None) != (old is None) or (
                current is not None and old is not None and current.rev != old.rev
            ):
                raise StaleEdit(
                    f"{number}'s record here was changed while the transfer was being read; "
                    "read the file again",
                    current=current,
                    attempted=new,
                    number=number,
                )
            if old is None:  # new here: its own revisions start again
                stored = new.model_copy(update={"rev": 1, "updated_at": store._clock()})
            else:
                stored = touched(new, store._clock())
            change = case_change([(old, stored)], lambda _case: template)
            change.entries.append(note_entry(IN_FIELD, description, number))
            have = self._doc(TRANSFER_HISTORY, number).get("sections", [])
            known = {(s.get("db"), s.get("transfer")) for s in have}
            added = [s for s in sections if (s.get("db"), s.get("transfer")) not in known]
            change.documents[TRANSFER_HISTORY] = {number: {"sections": [*have, *added]}}
            change.documents[TRANSFER_POINTS] = {number: self._with_points(number, points)}
            if not store._templates.has(template.key):
                change.documents[TEMPLATES] = {template.key: template_document(template)}
            store._save(change)
            return stored

    def _with_points(self, number: str, points: Sequence[dict[str, Any]]) -> dict[str, Any]:
        have = list(self._doc(TRANSFER_POINTS, number).get("points", []))
        known = {p.get("id") for p in have}
        have.extend(p for p in points if p.get("id") not in known)
        have.sort(key=lambda p: str(p.get("at", "")))
        return {"points": have}


def section_entries(number: str, section: dict[str, Any]) -> list[AuditEntry]:
    """A section of history from another prison as audit entries (oldest first), to be
    listed as this database's own are; marked by the section's prison by the caller."""
    out: list[AuditEntry] = []
    for e in section.get("entries", []):
        try:
            at = datetime.fromisoformat(str(e["at"]))
        except (KeyError, ValueError):
            continue
        out.append(
            AuditEntry(
                int(e.get("change", 0)),
                at,
                str(e.get("by", "")),
                number,
                e.get("item"),
                str(e.get("field", "")),
                e.get("old"),
                e.get("new"),
            )
        )
    return out


def history_elsewhere(store: CaseRepository, number: str) -> list[dict[str, Any]]:
    """The person's history kept at other prisons, oldest transfer first: none on a team
    server, which does not receive transfers yet."""
    from planner.store.repository import CaseStore

    return store.transfers.sections(number) if isinstance(store, CaseStore) else []
