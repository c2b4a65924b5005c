"""Opening a database: what happens before the first case is read.

Under the lock, opening finishes any passphrase change or restore a crash interrupted;
creates a new database (never over the remains of one); unlocks an encrypted database (a
wrong passphrase is refused before anything is read or written); loads the snapshot and
journal; and refuses a damaged or foreign file without touching it, naming the newest good
backup. A database whose file or folder cannot be written opens read-only, and then
nothing is finished, created or written. The first writable open of a day also takes a
verified backup (see :mod:`planner.store.backup`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from planner.store.audit import AuditLog
from planner.store.backup import (
    Backup,
    backup_due,
    backups_root,
    extent_of,
    list_backups,
    newest_good_backup,
    rotate,
    take_backup,
)
from planner.store.codec import Codec, PlainCodec
from planner.store.crypto import AesGcmCodec, PassphraseSource, codec_for
from planner.store.errors import DatabaseCorrupt, ReadOnlyDatabase, StoreError
from planner.store.journal import JournalStorage
from planner.store.recovery import finish_interrupted, interrupted
from planner.store.snapshot import read_snapshot_header


def open_database(
    storage: JournalStorage,
    *,
    create: bool,
    codec: Codec | None,
    passphrase: str | PassphraseSource | None,
    encrypt: bool,
) -> bool:
    """Create or unlock and load the database under the lock; True if created."""
    path = storage.files.data
    name = path.name
    if storage.read_only:
        unfinished = interrupted(path)
        if unfinished:
            raise ReadOnlyDatabase(
                f"{name} is read-only and {unfinished[0]}: open it once where it can be "
                "written to finish"
            )
    else:
        finish_interrupted(path)
    created = False
    if not storage.exists():
        if not create:
            raise StoreError(f"no database at {path}")
        if storage.read_only:
            raise ReadOnlyDatabase(
                f"no database at {path}, and its folder cannot be written to make one"
            )
        _refuse_orphans(storage)
        if codec is None and encrypt:
            if passphrase is None:
                raise ValueError("encrypt=True needs a passphrase")
            text = passphrase if isinstance(passphrase, str) else passphrase()
            codec = AesGcmCodec.create(text)
        storage.codec = codec or PlainCodec()
        storage.create()
        AuditLog(storage.files.audit, storage.codec, storage.db_id).create()
        created = True
    try:
        header, _ = read_snapshot_header(path)
        storage.codec = codec_for(header.codec, what=name, given=codec, passphrase=passphrase)
        storage.refresh()
    except DatabaseCorrupt as exc:
        raise DatabaseCorrupt(f"{exc}; {backup_hint(path)}") from None
    except OSError as exc:
        raise StoreError(f"cannot read {name} ({exc.strerror or exc})") from None
    return created


def _refuse_orphans(storage: JournalStorage) -> None:
    """Never start a new database over the remains of one (its journal, log, backups)."""
    files = storage.files
    name = files.data.name
    for part in (files.journal, files.audit):
        if part.exists():
            raise DatabaseCorrupt(
                f"{name} is missing but {part.name} is still there, so it was not meant to "
                f"be empty; {backup_hint(files.data)}"
            )
    root = backups_root(files.data)
    if list_backups(root):
        raise DatabaseCorrupt(
            f"{name} is missing but {root.name} holds backups of it; "
            f"{backup_hint(files.data)}, or move the backups folder away to start a new database"
        )


def backup_hint(path: Path) -> str:
    """What to do about a database that cannot be opened: restore the newest good backup."""
    try:
        good = newest_good_backup(backups_root(path))
    except OSError:
        good = None
    if good is None:
        return "there is no good backup beside it: keep every file and run 'planner doctor'"
    return (
        f"the newest good backup is {good.folder} from {good.when()}: "
        f"run 'planner restore {good.folder}' (it keeps the current files aside)"
    )


def daily_backup(
    storage: JournalStorage, audit: AuditLog, *, clock: Callable[[], datetime], keep: int
) -> tuple[Backup | None, str | None]:
    """Take the day's backup if none was taken today, keeping the newest `keep`.

    Returns the backup taken (or None) and why one could not be made or rotated (or None):
    a failed backup never stops the open. The caller holds the lock.
    """
    if storage.seq == 0:
        return None, None  # nothing to keep yet
    path = storage.files.data
    root = backups_root(path)
    backup = None
    try:
        if backup_due(root, clock()):
            backup = take_backup(storage.files, extent_of(storage, audit), taken=clock(), root=root)
            rotate(root, keep)
    except (OSError, StoreError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return backup, (
            f"today's backup of {path.name} could not be made ({reason}); "
            "the database itself is unharmed"
        )
    return backup, None
