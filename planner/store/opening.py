"""Opening a database for the store: upgrading one an earlier planner wrote, and the day's
first open taking a verified backup (see :mod:`planner.store.backup`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from planner.store.backup import extent_of, rotate, take_backup
from planner.store.backup_folders import Backup, backup_due, backups_root
from planner.store.codec import Codec
from planner.store.crypto import PassphraseSource, codec_for
from planner.store.database import Database
from planner.store.errors import LegacySchema, ReadOnlyDatabase, StoreError
from planner.store.recovery import finish_interrupted
from planner.store.snapshot import read_snapshot_header
from planner.store.upgrade import upgrade


def open_database(
    db: Database,
    *,
    create: bool,
    codec: Codec | None,
    passphrase: str | PassphraseSource | None,
    encrypt: bool,
    at: datetime,
    by: str,
) -> bool:
    """Open `db` (see :meth:`Database.open`), upgrading it first if an earlier planner
    wrote it; True if it was created here."""
    try:
        return db.open(create=create, codec=codec, passphrase=passphrase, encrypt=encrypt)
    except LegacySchema:
        if db.read_only:
            raise ReadOnlyDatabase(
                f"{db.files.data.name} was written by an earlier planner and must be upgraded "
                "once where it can be written (open it there with planner)"
            ) from None
    with db.locked():
        finish_interrupted(db.files.data)
        header, _ = read_snapshot_header(db.files.data)
        given = codec_for(header.codec, what=db.files.data.name, given=codec, passphrase=passphrase)
        upgrade(db, given, at=at, by=by)
    return db.open(create=False, codec=given, passphrase=None, encrypt=False)


def daily_backup(
    db: Database, *, clock: Callable[[], datetime], keep: int
) -> tuple[Backup | None, str | None]:
    """Take the day's backup if none was taken today, keeping the newest `keep`.

    Returns the backup taken (or None) and why one could not be made or rotated (or None):
    a failed backup never stops the open. Nothing is backed up while the database's files
    do not vouch for each other (the good backups are what a recovery needs). The caller
    holds the lock and has refreshed `db`.
    """
    if db.seq == 0 or db.problem is not None:
        return None, None  # nothing to keep yet, or nothing that should replace a good one
    path = db.files.data
    root = backups_root(path)
    backup = None
    try:
        if backup_due(root, clock()):
            backup = take_backup(db.files, extent_of(db), taken=clock(), root=root)
            rotate(root, keep)
    except (OSError, StoreError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return backup, (
            f"today's backup of {path.name} could not be made ({reason}); "
            "the database itself is unharmed"
        )
    return backup, None
