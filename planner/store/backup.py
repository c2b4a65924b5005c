"""Verified backups beside the database, and restoring one.

A backup is a folder ``NAME.backups/2026-11-22T0930/`` (see
:mod:`planner.store.backup_folders`) holding a byte copy of the three files as they were
at one instant (copied under the database lock: the snapshot, the journal up to its last
complete record, the audit log up to its last complete line) and a manifest with no
personal data. The copies are sealed exactly as the database is: an encrypted database has
encrypted backups.

A backup is written into a hidden staging folder, fsync'd, read back and checked against
its checksums, and only then renamed to its final name, so a backup folder with a
manifest is always complete. Backup files are read-only (0400) so that opening one by
mistake cannot change it.

Restoring verifies the backup (opening it as a database: decrypting, parsing and checking
that its files vouch for each other), keeps the current files aside under
``NAME.before-restore-STAMP`` names (never deleting them), and puts the backup's files in
place; see :mod:`planner.store.recovery` for how a crash mid-restore ends.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson

from planner.store import platform
from planner.store.backup_folders import (
    BACKUP_FORMAT,
    MANIFEST,
    Backup,
    backups_root,
    check_backup,
    list_backups,
    read_backup,
)
from planner.store.codec import Codec
from planner.store.crypto import codec_for
from planner.store.database import Database
from planner.store.errors import BackupInvalid, JournalMissing, LegacySchema, StoreError
from planner.store.files import atomic_write, copy_durably, fsync_dir
from planner.store.layout import DatabaseFiles
from planner.store.locking import DatabaseLock
from planner.store.recovery import (
    finish_interrupted,
    restore_intent_path,
    restore_order,
    restore_staging_path,
)
from planner.store.snapshot import read_snapshot_header
from planner.store.upgrade import upgrade

FILE_MODE = 0o400
DIR_MODE = 0o700
STAMP = "%Y-%m-%dT%H%M"
ASIDE_STAMP = "%Y%m%dT%H%M%S"
_STAGING_PREFIX = ".partial-"


@dataclass(frozen=True)
class Extent:
    """How much of each file makes up the database at one instant (under the lock)."""

    db_id: str
    seq: int
    journal_length: int
    audit_length: int


def extent_of(db: Database) -> Extent:
    """The database's extent now; the caller holds the lock and has refreshed it."""
    return Extent(
        db_id=db.db_id,
        seq=db.seq,
        journal_length=db.storage.journal_length,
        audit_length=db.audit.complete_length(),
    )


def open_backup(backup: Backup, codec: Codec | None) -> Database:
    """Open a backup as a database (read-only): decrypted, parsed and checked.

    A passphrase change of the backup that a crash cut short is finished (or undone)
    first. Raises BackupInvalid saying what is wrong.
    """
    with contextlib.suppress(OSError):
        finish_interrupted(backup.files.data)
    problem = check_backup(backup)
    if problem:
        raise BackupInvalid(f"backup {backup.folder.name} is not usable: {problem}")
    db = Database(backup.files.data, read_only=True, lock_timeout=5.0)
    try:
        db.open(create=False, codec=codec, passphrase=None, encrypt=False)
        with db.locked():
            db.audit.records()
    except LegacySchema:
        return _open_legacy_backup(backup, codec)
    except StoreError as exc:
        raise BackupInvalid(f"backup {backup.folder.name} is not usable: {exc}") from None
    if db.problem is not None:
        raise BackupInvalid(f"backup {backup.folder.name} is not usable: {db.problem.text}")
    if db.seq != backup.seq:
        raise BackupInvalid(
            f"backup {backup.folder.name} holds change {db.seq}, its manifest says {backup.seq}"
        )
    return db


def _open_legacy_backup(backup: Backup, codec: Codec | None) -> Database:
    """A backup an earlier planner took, checked by upgrading a copy of it (the backup
    itself is left as it is; a restore upgrades it on the first open)."""
    scratch = Path(tempfile.mkdtemp(prefix=".planner-check-", dir=backup.folder.parent))
    try:
        for source in backup.files.all():
            if source.exists():
                copy_durably(source, scratch / source.name, mode=0o600)
        db = Database(scratch / backup.database, read_only=False, lock_timeout=5.0)
        header, _ = read_snapshot_header(db.files.data)
        given = codec_for(header.codec, what=f"backup {backup.folder.name}", given=codec)
        with db.locked():
            upgrade(db, given, at=backup.taken, by="planner")
        db.open(create=False, codec=given, passphrase=None, encrypt=False)
        with db.locked():
            db.audit.records()
    except StoreError as exc:
        raise BackupInvalid(f"backup {backup.folder.name} is not usable: {exc}") from None
    finally:
        platform.remove_tree(scratch)
    if db.problem is not None or db.seq != backup.seq + 1:
        raise BackupInvalid(f"backup {backup.folder.name} is not usable: it does not hold together")
    return db


def verify_backup(backup: Backup, codec: Codec | None) -> int:
    """Open the backup as a database; returns its change number, as its manifest has it
    (see :func:`open_backup`)."""
    open_backup(backup, codec)
    return backup.seq


def take_backup(
    files: DatabaseFiles,
    extent: Extent,
    *,
    taken: datetime,
    root: Path | None = None,
    folder: Path | None = None,
) -> Backup:
    """Copy the database into a new backup folder and check the copy; caller holds the lock.

    `folder` names the backup folder exactly (it must not exist); otherwise a folder named
    after the local time is made in `root` (default: ``NAME.backups``).
    """
    if folder is None:
        root = root or backups_root(files.data)
        root.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        folder = _unused_name(root, taken.astimezone().strftime(STAMP))
    else:
        if folder.exists() and any(folder.iterdir()):
            raise BackupInvalid(f"{folder} already exists and is not empty; choose a new folder")
        folder.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        root = folder.parent
    staging = root / f"{_STAGING_PREFIX}{folder.name}-{secrets.token_hex(4)}"
    staging.mkdir(mode=DIR_MODE)
    try:
        name = files.data.name
        copy_durably(files.data, staging / name, mode=FILE_MODE)
        copy_durably(
            files.journal, staging / (name + ".journal"), extent.journal_length, mode=FILE_MODE
        )
        if files.audit.exists():
            copy_durably(
                files.audit, staging / (name + ".audit"), extent.audit_length, mode=FILE_MODE
            )
        manifest = {
            "format": BACKUP_FORMAT,
            "db": extent.db_id,
            "seq": extent.seq,
            "taken": taken.astimezone(UTC).isoformat(),
            "database": name,
        }
        text = orjson.dumps(manifest, option=orjson.OPT_INDENT_2)
        atomic_write(staging / MANIFEST, [text], mode=FILE_MODE)
        fsync_dir(staging)
        backup = read_backup(staging)
        problem = check_backup(backup)
        if problem:
            raise BackupInvalid(f"the backup did not read back intact: {problem}")
        if folder.exists():
            folder.rmdir()  # an empty folder the caller named
        platform.move_folder(staging, folder)
        fsync_dir(root)
    except BaseException:
        platform.remove_tree(staging)
        raise
    return read_backup(folder)


def rotate(root: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups and any unfinished ones; returns removed."""
    removed = []
    for backup in list_backups(root)[keep:]:
        platform.remove_tree(backup.folder)
        removed.append(backup.folder)
    with contextlib.suppress(FileNotFoundError):
        for leftover in root.glob(_STAGING_PREFIX + "*"):
            platform.remove_tree(leftover)
    if removed:
        fsync_dir(root)
    return removed


def restore(files: DatabaseFiles, backup: Backup, *, now: datetime) -> list[Path]:
    """Put `backup` in place of the database; the caller holds the lock and verified it.

    The current files are kept aside (hard links, or copies where links are not possible)
    and their new names are returned. Never deletes a file of the database.
    """
    data = files.data
    folder = data.parent
    finish_interrupted(data)
    staging = restore_staging_path(data)
    staging.mkdir(mode=DIR_MODE)
    source = backup.files
    for src, name in (
        (source.audit, data.name + ".audit"),
        (source.journal, data.name + ".journal"),
        (source.data, data.name),
    ):
        if src.exists():
            copy_durably(src, staging / name, mode=0o600)
    fsync_dir(staging)
    stamp = now.astimezone().strftime(ASIDE_STAMP)
    aside = []
    for name in restore_order(data):
        current = folder / name
        if current.exists():
            kept = _unused_name(folder, f"{name}.before-restore-{stamp}")
            # The journal is overwritten in place (it is the lock): keep a copy, not a link.
            _keep_aside(current, kept, link=name != files.journal.name)
            aside.append(kept)
    fsync_dir(folder)
    intent = {
        "format": "planner-restore",
        "from": str(backup.folder),
        "aside": [p.name for p in aside],
    }
    atomic_write(restore_intent_path(data), [orjson.dumps(intent)])  # the commit point
    finish_interrupted(data)
    return aside


def restore_into(data: Path, backup: Backup, *, now: datetime, lock_timeout: float) -> list[Path]:
    """:func:`restore` under the database's lock (a database whose journal is missing, or
    that does not exist yet, has no lock to take: nobody can be writing to it)."""
    files = DatabaseFiles(data)
    data.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    lock = DatabaseLock(files.journal, timeout=lock_timeout)
    try:
        lock.acquire()
    except JournalMissing:
        return restore(files, backup, now=now)
    try:
        return restore(files, backup, now=now)
    finally:
        lock.release()


def _unused_name(folder: Path, base: str) -> Path:
    """`folder / base`, or with -2, -3... added when that name is taken."""
    candidate = folder / base
    n = 2
    while candidate.exists():
        candidate = folder / f"{base}-{n}"
        n += 1
    return candidate


def _keep_aside(current: Path, kept: Path, *, link: bool) -> None:
    if link:
        try:
            os.link(current, kept)
            return
        except OSError:
            pass
    copy_durably(current, kept, mode=0o600)
