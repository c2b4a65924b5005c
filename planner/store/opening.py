"""The day's first open of a database takes a verified backup (see :mod:`planner.store.backup`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from planner.store.backup import extent_of, rotate, take_backup
from planner.store.backup_folders import Backup, backup_due, backups_root
from planner.store.database import Database
from planner.store.errors import StoreError


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
