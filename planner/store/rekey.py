"""Changing the passphrase (or encrypting a plain database): every file sealed anew.

The snapshot and audit log are re-sealed into staged files, then the staged snapshot is
renamed over the database: the one commit point (see :mod:`planner.store.recovery` for
how an interrupted change is finished or undone). A crash at any instant therefore leaves
a database that opens with the old passphrase or with the new one, never neither. The
journal is folded into the new snapshot and a fresh, empty journal follows it.

Backups are re-sealed the same way, one by one, each its own commit; a backup that cannot
be opened with the old passphrase is left as it is and reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from planner.store.audit import AuditLog
from planner.store.backup import FILE_MODE as BACKUP_FILE_MODE
from planner.store.backup import Backup, backups_root, list_backups
from planner.store.codec import Codec, accepts, is_plain
from planner.store.crypto import codec_for
from planner.store.errors import StoreError, WriteFailed
from planner.store.files import FILE_MODE, atomic_write, replace_durably
from planner.store.journal import DatabaseFiles, JournalStorage
from planner.store.recovery import finish_interrupted, rekey_audit_path, rekey_snapshot_path
from planner.store.snapshot import read_snapshot_header


@dataclass
class RekeyReport:
    """What a passphrase change re-sealed, and what it could not."""

    backups_done: list[Path] = field(default_factory=list)
    backups_skipped: list[tuple[Path, str]] = field(default_factory=list)
    asides: list[Path] = field(default_factory=list)  # copies kept by restores: untouched


def rekey_database(
    storage: JournalStorage, audit: AuditLog, codec: Codec, *, at: datetime, by: str
) -> AuditLog:
    """Seal the database's files with `codec`, noting it in the audit log; returns the
    audit log as sealed now. Backups are left to :func:`reseal_backups`.

    A crash at any instant leaves a database that opens with the old or the new
    passphrase; WriteFailed (naming which) when the change did not finish. The caller
    holds the lock and has brought `storage` up to date.
    """
    files = storage.files
    seq = storage.seq + 1
    what = "encrypted" if is_plain(storage.codec) else "passphrase changed"
    entry = {"case": None, "item": None, "field": "database.encryption", "old": None}
    note = {"seq": seq, "at": at.isoformat(), "by": by, "entries": [{**entry, "new": what}]}
    try:
        reseal(files, storage, audit, codec, seq=seq, extra_records=[note])
    except OSError as exc:
        finish_interrupted(files.data)
        header, _ = read_snapshot_header(files.data)
        which = "new" if accepts(codec, header.codec) else "old"
        raise WriteFailed(
            f"the passphrase change did not finish ({exc.strerror or exc}); "
            f"the {which} passphrase opens the database"
        ) from exc
    storage.adopt(codec)
    return AuditLog(files.audit, codec, storage.db_id)


def reseal_backups(data: Path, old: Codec, new: Codec) -> RekeyReport:
    """Re-seal every backup beside the database `data` from `old` to `new`, one by one."""
    report = RekeyReport()
    for backup in list_backups(backups_root(data)):
        problem = reseal_backup(backup, old, new)
        if problem is None:
            report.backups_done.append(backup.folder)
        else:
            report.backups_skipped.append((backup.folder, problem))
    report.asides = sorted(data.parent.glob(f"{data.name}*.before-restore-*"))
    return report


def reseal(
    files: DatabaseFiles,
    storage: JournalStorage,
    audit: AuditLog,
    codec: Codec,
    *,
    seq: int,
    extra_records: Sequence[dict[str, Any]] = (),
    mode: int = FILE_MODE,
) -> None:
    """Write the loaded database again sealed with `codec`, as change `seq`.

    The caller holds the lock and has brought `storage` up to date. `seq` is the current
    change number, or one more when `extra_records` holds an audit note for it.
    """
    records = audit.records(storage.seq) + list(extra_records)
    staged_snapshot = rekey_snapshot_path(files.data)
    staged_audit = rekey_audit_path(files.data)
    atomic_write(staged_snapshot, storage.encode_snapshot(storage.read(), seq, codec), mode=mode)
    atomic_write(staged_audit, audit.encode(records, codec), mode=mode)
    replace_durably(staged_snapshot, files.data)  # the commit point
    replace_durably(staged_audit, files.audit)
    atomic_write(files.journal, [storage.encode_journal_header(seq, codec)], mode=mode)


def reseal_backup(backup: Backup, old: Codec, new: Codec) -> str | None:
    """Re-seal one backup; returns why it could not be, or None when done."""
    files = backup.files
    try:
        finish_interrupted(files.data)
        header, _ = read_snapshot_header(files.data)
        codec = codec_for(header.codec, what=backup.folder.name, given=old)
        storage = JournalStorage(files, codec, read_only=True)
        storage.refresh()
        audit = AuditLog(files.audit, codec, storage.db_id)
        reseal(files, storage, audit, new, seq=storage.seq, mode=BACKUP_FILE_MODE)
    except (StoreError, OSError) as exc:
        return str(exc)
    return None
