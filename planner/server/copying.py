"""Moving a team's cases between a database file and the server.

`copy_to_server` copies a file database (plain or encrypted, opened read-only so the
file is never touched) to the server: its template versions, every case's stored
record exactly as it is, and each case's audit history with its times and officers,
in batches of one transaction each. A case already on the server is skipped, so a copy
cut short can be run again. Afterwards every case of the file is checked on the server:
the counts, and a checksum of each record (SHA-256 of its canonical JSON).

`copy_to_file` writes the cases of the server (those of one prison, or every case the
role can read) to a new database file, records as they are on the server, so a site
can go on offline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from psycopg.types.json import Jsonb

from planner.domain.case import Case
from planner.server.rows import WRITE_COLUMNS, row_values
from planner.server.store import ServerStore
from planner.store.audit import AuditEntry
from planner.store.commit import note
from planner.store.database import Change
from planner.store.documents import case_documents, case_from_doc
from planner.store.errors import StoreError
from planner.store.interface import CaseRepository
from planner.store.lazy import LazyDocument
from planner.store.stored_templates import template_document
from planner.store.tables import ASSESSMENTS, CASES, INDEX, TEMPLATES, TRANSFER_HISTORY

BATCH = 500
MIGRATED_FIELD = "database.migrated"


@dataclass
class CopyReport:
    copied: int = 0
    skipped: int = 0  # already there
    templates: int = 0
    audit_entries: int = 0
    mismatched: list[str] = field(default_factory=list)  # checksums that differ
    missing: list[str] = field(default_factory=list)  # not there after the copy

    @property
    def verified(self) -> bool:
        return not self.mismatched and not self.missing


def checksum(record: Mapping[str, Any]) -> str:
    """A record's checksum: SHA-256 of its JSON with sorted keys (the server's JSONB keeps
    no key order, so the order is not part of what is compared)."""
    if isinstance(record, LazyDocument):
        record = record.read()
    return hashlib.sha256(orjson.dumps(record, option=orjson.OPT_SORT_KEYS)).hexdigest()


def copy_to_server(source: CaseRepository, target: ServerStore, *, by: str) -> CopyReport:
    """Copy every case of `source` (with its history and templates) to `target`."""
    report = CopyReport()
    records = source.raw_records()
    numbers = sorted(records)
    history: dict[str | None, list[Any]] = {}
    for entry in source.history():
        history.setdefault(entry.case, []).append(entry)
    templates = {key: source.template(key) for key in source.stored_templates()}
    with target._changing() as cur:
        for key, template in templates.items():
            doc = template_document(template)
            done = cur.execute(
                "INSERT INTO planner.templates (key, document, fingerprint) VALUES (%s, %s, %s)"
                " ON CONFLICT (key) DO NOTHING",
                (key, Jsonb(doc), doc["fingerprint"]),
            )
            report.templates += done.rowcount
        marker = f"copied from database {getattr(source, 'db_id', '')}"
        seen = cur.execute(
            "SELECT 1 FROM planner.audit WHERE field = %s AND new = %s",
            (MIGRATED_FIELD, Jsonb(marker)),
        ).fetchone()
        if seen is None:
            seq = _next_seq(cur)
            _insert_entries(cur, seq, history.get(None, []), {})
            target.apply_change(cur, note(MIGRATED_FIELD, marker), {}, at=target._clock(), seq=seq)
    for start in range(0, len(numbers), BATCH):
        batch = numbers[start : start + BATCH]
        with target._changing() as cur:
            there = {
                r[0]
                for r in cur.execute(
                    "SELECT number FROM planner.cases WHERE number = ANY(%s)", (batch,)
                ).fetchall()
            }
            wanted = [n for n in batch if n not in there]
            report.skipped += len(there)
            if not wanted:
                continue
            seq = _next_seq(cur)
            rows = []
            prisons: dict[str, str] = {}
            for number in wanted:
                raw = records[number]
                record = raw.read() if isinstance(raw, LazyDocument) else dict(raw)
                case = case_from_doc(record)
                template = templates[_key_of(case)]
                _, index_doc, assessment = case_documents(case, template)
                rows.append(row_values(number, record, index_doc, assessment, seq))
                prisons[number] = case.person.prison
            columns = ", ".join(WRITE_COLUMNS)
            marks = ", ".join(["%s"] * len(WRITE_COLUMNS))
            cur.executemany(f"INSERT INTO planner.cases ({columns}) VALUES ({marks})", rows)
            entries = [e for n in wanted for e in history.get(n, [])]
            report.audit_entries += _insert_entries(cur, seq, entries, prisons)
            report.copied += len(wanted)
    _verify(records, target, report)
    return report


def _next_seq(cur: Any) -> int:
    row = cur.execute(
        "UPDATE planner.change_counter SET value = value + 1 RETURNING value"
    ).fetchone()
    return int(row[0])


def _insert_entries(
    cur: Any, seq: int, entries: Sequence[AuditEntry], prisons: Mapping[str, str]
) -> int:
    """Audit entries copied as they were (their times, officers and change numbers in the
    file) under change `seq`, in the order the file made them."""
    ordered = sorted(entries, key=lambda e: e.seq)  # stable: a change's entries keep theirs
    rows = [
        (
            seq,
            e.seq,
            e.at,
            e.by,
            prisons.get(e.case) if e.case else None,
            e.case,
            e.item,
            e.field,
            Jsonb(e.old),
            Jsonb(e.new),
        )
        for e in ordered
    ]
    if rows:
        cur.executemany(
            "INSERT INTO planner.audit"
            " (seq, copied_change, at, by, prison, case_number, item, field, old, new)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
    return len(rows)


def _verify(
    records: Mapping[str, Mapping[str, Any]], target: ServerStore, report: CopyReport
) -> None:
    """Every case of the file is on the server with the same record (by checksum)."""
    numbers = sorted(records)
    for start in range(0, len(numbers), BATCH * 4):
        batch = numbers[start : start + BATCH * 4]
        stored = target.raw_records(batch)
        for number in batch:
            if number not in stored:
                report.missing.append(number)
            elif checksum(stored[number]) != checksum(records[number]):
                report.mismatched.append(number)


def copy_to_file(
    source: ServerStore,
    target: Any,  # a CaseStore, newly created
    *,
    prison: str | None,
    at: datetime,
    by: str,
) -> CopyReport:
    """Write the server's cases (of `prison`, or all the role reads) into `target`, each
    batch one change of the file's journal with a 'created' entry per case.

    Each case's history on the server goes with it, as the history a transfer brings
    from another prison (kept beside the file's own audit log, which records only the
    copy): `planner history` and the history screen list it, marked as the server's, with
    its own times and officers."""
    report = CopyReport()
    wanted = [s.number for s in source.summaries() if prison is None or s.prison == prison]
    wanted.sort()
    if set(wanted) & set(target.numbers()):
        raise StoreError(f"{target.path.name} already holds some of these cases; give a new file")
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        records = source.raw_records(batch)
        histories = source.histories(batch)
        cases: list[Case] = [case_from_doc(records[n].read()) for n in batch]  # type: ignore[attr-defined]
        docs: dict[str, dict[str, Any] | None] = {}
        index: dict[str, dict[str, Any] | None] = {}
        assessments: dict[str, dict[str, Any] | None] = {}
        history: dict[str, dict[str, Any] | None] = {}
        templates: dict[str, dict[str, Any] | None] = {}
        entries: list[dict[str, Any]] = []
        for number, case in zip(batch, cases, strict=True):
            template = source.template_for(case)
            _, index[number], assessments[number] = case_documents(case, template)
            docs[number] = dict(records[number].read())  # type: ignore[attr-defined]
            if template.key not in target.stored_templates():
                templates[template.key] = template_document(template)
            entries.append(
                {"case": number, "item": None, "field": "case", "old": None, "new": "created"}
            )
            if histories.get(number):
                history[number] = {
                    "sections": [server_section(source, case, histories[number], at)]
                }
        documents: dict[str, dict[str, dict[str, Any] | None]] = {
            CASES: docs,
            INDEX: index,
            ASSESSMENTS: assessments,
        }
        if templates:
            documents[TEMPLATES] = templates
        if history:
            documents[TRANSFER_HISTORY] = history
        with target._locked():
            target._db.commit(Change(entries, documents), at=at, by=by)
        report.copied += len(batch)
    _verify_file(source, target, wanted, report)
    return report


def server_section(
    source: ServerStore, case: Case, entries: Sequence[AuditEntry], at: datetime
) -> dict[str, Any]:
    """A case's history on the server in the shape of one prison's section of transferred
    history (see planner.store.transfers)."""
    prison = case.person.prison
    return {
        "transfer": f"copied from the team server {at.isoformat()}",
        "db": source.db_id,
        "prison": f"the team server ({prison})" if prison else "the team server",
        "sent_at": at.isoformat(),
        "received_at": at.isoformat(),
        "entries": [
            {
                "change": e.seq,
                "at": e.at.isoformat(),
                "by": e.by,
                "item": e.item,
                "field": e.field,
                "old": e.old,
                "new": e.new,
            }
            for e in entries
        ],
    }


def _verify_file(
    source: ServerStore, target: Any, numbers: Iterable[str], report: CopyReport
) -> None:
    listed = list(numbers)
    stored = target.raw_records(listed)
    theirs = source.raw_records(listed)
    for number in listed:
        if number not in stored:
            report.missing.append(number)
        elif checksum(stored[number]) != checksum(theirs[number]):
            report.mismatched.append(number)


def _key_of(case: Case) -> str:
    return f"{case.checklist.template_id}@{case.checklist.template_version}"
