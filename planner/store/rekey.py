"""Changing the passphrase (or encrypting a plain database): every file sealed anew.

The database is rewritten with the new key (see :mod:`planner.store.rewrite`): one commit
point, so a crash at any instant leaves a database that opens with the old passphrase or
with the new one, never neither. The journal is folded into the new snapshot.

Backups are re-sealed the same way, one by one, each its own commit: an interruption at
any step leaves each backup whole and sealed with the old passphrase or the new one, and
`planner backup --list` and `planner doctor` say which (see :func:`sealed_with`). A backup
that cannot be opened with the old passphrase is left as it is and reported.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from planner.store.backup import FILE_MODE as BACKUP_FILE_MODE
from planner.store.backup_folders import Backup, backups_root, list_backups
from planner.store.codec import Codec, accepts, is_plain
from planner.store.database import Database
from planner.store.errors import StoreError, WriteFailed
from planner.store.recovery import finish_interrupted
from planner.store.rewrite import Rewrite, complete_records, rewrite_copy, rewrite_live
from planner.store.snapshot import read_snapshot_header

ENCRYPTION_FIELD = "database.encryption"

SAME = "the current passphrase"
OTHER = "an earlier passphrase"
PLAIN = "not encrypted"


@dataclass
class RekeyReport:
    """What a passphrase change re-sealed, and what it could not."""

    backups_done: list[Path] = field(default_factory=list)
    backups_skipped: list[tuple[Path, str]] = field(default_factory=list)
    asides: list[Path] = field(default_factory=list)  # copies kept by restores: untouched


def rekey_database(db: Database, codec: Codec, *, at: datetime, by: str) -> None:
    """Seal the database's files with `codec`, noting it in the audit log. Backups are
    left to :func:`reseal_backups`.

    A crash at any instant leaves a database that opens with the old or the new
    passphrase; WriteFailed (naming which) when the change did not finish. The caller
    holds the lock and has refreshed `db`.
    """
    db.require_sound()
    files = db.files
    what = "encrypted" if is_plain(db.codec) else "passphrase changed"
    entry = {"case": None, "item": None, "field": ENCRYPTION_FIELD, "old": None, "new": what}
    note = {"seq": db.seq + 1, "at": at.isoformat(), "by": by, "entries": [entry]}
    records = [*complete_records(db), note]
    try:
        rewrite_live(db, Rewrite(dict(db.storage.read()), records, codec))
    except OSError as exc:
        finish_interrupted(files.data)
        header, _ = read_snapshot_header(files.data)
        which = "new" if accepts(codec, header.codec) else "old"
        raise WriteFailed(
            f"the passphrase change did not finish ({exc.strerror or exc}); "
            f"the {which} passphrase opens the database"
        ) from exc


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


def reseal_backup(backup: Backup, old: Codec, new: Codec) -> str | None:
    """Re-seal one backup; returns why it could not be, or None when done (or already
    sealed with `new`)."""
    files = backup.files
    try:
        finish_interrupted(files.data)
        header, _ = read_snapshot_header(files.data)
        if accepts(new, header.codec):
            return None
        if header.audit is None:
            return "it was taken by an earlier planner and keeps the old passphrase"
        db = Database(files.data, read_only=True, lock_timeout=5.0)
        db.open(create=False, codec=old, passphrase=None, encrypt=False)
        if db.problem is not None:
            return db.problem.text
        with db.locked():
            records = complete_records(db)
        rewrite = Rewrite(dict(db.storage.read()), records, new)
        if rewrite.seq != db.seq:
            return f"its audit log ends at change {rewrite.seq}, its data at {db.seq}"
        rewrite_copy(db, rewrite, mode=BACKUP_FILE_MODE)
    except (StoreError, OSError) as exc:
        return str(exc)
    return None


def sealed_with(backup: Backup, current: Codec | None) -> str:
    """Which passphrase opens a backup, from its header alone (no key derivation): the
    database's current one, an earlier one, or none (not encrypted)."""
    with contextlib.suppress(OSError):
        finish_interrupted(backup.files.data)
    header, _ = read_snapshot_header(backup.files.data)
    if header.codec.get("name") == "plain":
        return PLAIN
    if current is not None and accepts(current, header.codec):
        return SAME
    return OTHER
