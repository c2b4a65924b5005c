"""Writing a database's snapshot and audit log anew, together, so a crash leaves either the
old pair or the new one.

Some changes cannot be appended: a passphrase change seals every record again, a retention
purge takes people out of the history, an upgrade from an earlier planner and a repair
rebuild the audit log. Each writes the new snapshot (which records the new log's head) and
then the new audit log as staged files beside the database, then renames the staged
snapshot over the database: the one commit point. :mod:`planner.store.recovery` finishes
or undoes a rewrite a crash interrupted. The journal is then emptied (in place for a live
database, whose journal is its lock); the old one is superseded by the snapshot's change
number whatever it holds.

Every rewrite of a live database ends with a record of its own (the purge, the passphrase
change, the upgrade, the repair), one change after the last, so the new snapshot and the
audit log's head stand at a change of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from planner.store.audit_format import EncodedAudit, encode_audit
from planner.store.codec import Codec
from planner.store.database import Database
from planner.store.files import FILE_MODE, atomic_write, replace_durably
from planner.store.recovery import rekey_audit_path, rekey_snapshot_path
from planner.store.snapshot import Tables


@dataclass(frozen=True)
class Rewrite:
    """What a rewrite writes: every table, the audit records (oldest first; the last one
    is at `seq`, the change the new snapshot stands at) and the codec to seal them with.
    `base`/`start` let a rebuilt audit log begin after a change other than the first."""

    tables: Tables
    records: Sequence[dict[str, Any]]
    codec: Codec
    base: int = 0
    start: bytes | None = None

    @property
    def seq(self) -> int:
        return int(self.records[-1]["seq"]) if self.records else self.base


def stage_and_commit(db: Database, rewrite: Rewrite, *, mode: int = FILE_MODE) -> EncodedAudit:
    """Write the staged pair and rename the snapshot into place (the commit), then the audit
    log; returns the audit log written. The caller holds the lock and has refreshed."""
    files = db.files
    encoded = encode_audit(
        rewrite.codec, db.db_id, list(rewrite.records), base=rewrite.base, start=rewrite.start
    )
    staged_snapshot = rekey_snapshot_path(files.data)
    staged_audit = rekey_audit_path(files.data)
    snapshot = db.storage.encode_snapshot(rewrite.tables, rewrite.seq, encoded.head, rewrite.codec)
    # The staged snapshot first: while it is there, recovery undoes the rewrite (see
    # planner.store.recovery); once it has been renamed into place, the audit log follows.
    atomic_write(staged_snapshot, snapshot, mode=mode)
    atomic_write(staged_audit, encoded.lines, mode=mode)
    replace_durably(staged_snapshot, files.data)  # the commit point
    replace_durably(staged_audit, files.audit)
    return encoded


def rewrite_live(db: Database, rewrite: Rewrite) -> None:
    """Rewrite the open, locked database `db`, then empty its journal in place and load the
    result. OSError when it did not finish (the old or the new pair is in place then)."""
    stage_and_commit(db, rewrite)
    db.storage.adopt(rewrite.codec)
    db.storage.refresh()
    db.storage.restart_journal()
    db.refresh()


def rewrite_copy(db: Database, rewrite: Rewrite, *, mode: int) -> None:
    """Rewrite a database nobody has open (a backup folder): its journal is replaced whole."""
    encoded = stage_and_commit(db, rewrite, mode=mode)
    header = db.storage.encode_journal_header(rewrite.seq, encoded.head, rewrite.codec)
    atomic_write(db.files.journal, [header], mode=mode)


def complete_records(db: Database) -> list[dict[str, Any]]:
    """Every audit record of the database, with the last change's from the journal when a
    crash kept it from the audit log."""
    records = list(db.audit.records())
    last = records[-1]["seq"] if records else db.audit.last_seq
    for seq in range(last + 1, db.seq + 1):
        copy = db.storage.embedded[seq]
        records.append(db.audit.open_payload(copy.payload, f"{db.files.journal.name}'s copy"))
    return records


def replace_tables(
    db: Database, tables: Tables, *, at: datetime, by: str, description: str
) -> None:
    """Write `tables` as the whole database (a bulk load, a conversion), noting it in the
    audit log with `description` (no personal data). The caller holds the lock and has
    refreshed `db`."""
    db.require_sound()
    entry = {"case": None, "item": None, "field": "database.load", "old": None, "new": description}
    note = {"seq": db.seq + 1, "at": at.isoformat(), "by": by, "entries": [entry], "patch": []}
    rewrite_live(db, Rewrite(tables, [*complete_records(db), note], db.codec))
