"""Verified backups beside the database, and restoring one.

A backup is a folder ``NAME.backups/2026-11-22T0930/`` holding a byte copy of the three
files as they were at one instant (copied under the database lock: the snapshot, the
journal up to its last complete record, the audit log up to its last complete line) and a
manifest, ``backup.json``, with no personal data (database id, change number, time). The
copies are sealed exactly as the database is: an encrypted database has encrypted backups.

A backup is written into a hidden staging folder, fsync'd, read back and checked against
its checksums, and only then renamed to its final name, so a backup folder with a
manifest is always complete. Backup files are read-only (0400) so that opening one by
mistake cannot change it.

Restoring verifies the backup (decrypting and parsing it), keeps the current files aside
under ``NAME.before-restore-STAMP`` names (never deleting them), and moves the backup's
files into place; see :mod:`planner.store.recovery` for how a crash mid-restore ends.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson

from planner.store.audit import AuditLog
from planner.store.codec import Codec
from planner.store.errors import BackupInvalid, StoreError
from planner.store.files import atomic_write, copy_durably, fsync_dir
from planner.store.inspect import check_audit, check_journal, check_snapshot
from planner.store.journal import DatabaseFiles, JournalStorage
from planner.store.recovery import (
    finish_interrupted,
    restore_intent_path,
    restore_order,
    restore_staging_path,
)

BACKUP_FORMAT = "planner-backup"
MANIFEST = "backup.json"
FOLDER_SUFFIX = ".backups"
FILE_MODE = 0o400
DIR_MODE = 0o700
STAMP = "%Y-%m-%dT%H%M"
ASIDE_STAMP = "%Y%m%dT%H%M%S"
_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{4}(?:-\d{1,3})?$")
_STAGING_PREFIX = ".partial-"


def backups_root(data: Path) -> Path:
    """Where a database's automatic backups go: ``NAME.backups`` beside it."""
    return data.with_name(data.name + FOLDER_SUFFIX)


@dataclass(frozen=True)
class Backup:
    """One complete backup folder, as its manifest describes it."""

    folder: Path
    database: str  # the snapshot's file name inside the folder
    db_id: str
    seq: int
    taken: datetime

    @property
    def files(self) -> DatabaseFiles:
        return DatabaseFiles(self.folder / self.database)

    def when(self) -> str:
        """When it was taken, in local time: '22 Nov 2026 09:30'."""
        return self.taken.astimezone().strftime("%d %b %Y %H:%M")


@dataclass(frozen=True)
class Extent:
    """How much of each file makes up the database at one instant (under the lock)."""

    db_id: str
    seq: int
    journal_length: int
    audit_length: int


def extent_of(storage: JournalStorage, audit: AuditLog) -> Extent:
    """The database's extent now; the caller holds the lock and has refreshed `storage`."""
    return Extent(
        db_id=storage.db_id,
        seq=storage.seq,
        journal_length=storage.journal_length,
        audit_length=audit.complete_length(),
    )


def read_backup(folder: Path) -> Backup:
    """The backup in `folder` (its manifest); BackupInvalid when it is not one."""
    if folder.is_file():
        folder = folder.parent  # the snapshot inside a backup folder names the backup too
    try:
        raw = orjson.loads((folder / MANIFEST).read_bytes())
    except FileNotFoundError:
        raise BackupInvalid(f"{folder} is not a planner backup (no {MANIFEST})") from None
    except (OSError, orjson.JSONDecodeError):
        raise BackupInvalid(f"{folder}/{MANIFEST} cannot be read") from None
    try:
        if raw["format"] != BACKUP_FORMAT:
            raise ValueError
        taken = datetime.fromisoformat(raw["taken"])
        database = str(raw["database"])
        if "/" in database or "\\" in database or database in ("", ".", ".."):
            raise ValueError
        return Backup(folder, database, str(raw["db"]), int(raw["seq"]), taken)
    except (KeyError, TypeError, ValueError):
        raise BackupInvalid(f"{folder}/{MANIFEST} is not a planner backup manifest") from None


def list_backups(root: Path) -> list[Backup]:
    """The complete backups in `root`, newest first."""
    found = []
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for folder in root.iterdir():
            if folder.is_dir() and _NAME.match(folder.name):
                with contextlib.suppress(BackupInvalid):
                    found.append(read_backup(folder))
    found.sort(key=lambda b: (b.taken, b.folder.name), reverse=True)
    return found


def backup_due(root: Path, now: datetime) -> bool:
    """True unless a backup was taken on the same local day as `now`."""
    today = now.astimezone().date()
    return all(b.taken.astimezone().date() != today for b in list_backups(root))


def check_backup(backup: Backup) -> str | None:
    """Cheap check (checksums and headers, no key needed): a problem in words, or None."""
    files = backup.files
    snapshot, header = check_snapshot(files.data)
    if snapshot.problem or header is None:
        return snapshot.problem
    if header.db_id != backup.db_id or header.seq > backup.seq:
        return f"{backup.folder.name}: its manifest does not match its snapshot"
    for check in (
        check_journal(files.journal, header.db_id, header.seq),
        check_audit(files.audit, header.db_id),
    ):
        if check.problem:
            return check.problem
        if check.path.stat().st_size != check.complete_length:
            return f"{check.path.name} in {backup.folder.name} is incomplete"
    return None


def verify_backup(backup: Backup, codec: Codec) -> int:
    """Open the backup as a database (decrypt, parse, replay); returns its change number.

    A passphrase change of the backup that a crash cut short is finished (or undone)
    first. Raises BackupInvalid saying what is wrong.
    """
    with contextlib.suppress(OSError):
        finish_interrupted(backup.files.data)
    problem = check_backup(backup)
    if problem:
        raise BackupInvalid(f"backup {backup.folder.name} is not usable: {problem}")
    files = backup.files
    try:
        storage = JournalStorage(files, codec, read_only=True)
        storage.refresh()
        AuditLog(files.audit, codec, storage.db_id).records(storage.seq)
    except StoreError as exc:
        raise BackupInvalid(f"backup {backup.folder.name} is not usable: {exc}") from None
    if storage.seq != backup.seq:
        raise BackupInvalid(
            f"backup {backup.folder.name} holds change {storage.seq}, "
            f"its manifest says {backup.seq}"
        )
    return storage.seq


def newest_good_backup(root: Path) -> Backup | None:
    """The newest backup that passes the cheap check."""
    for backup in list_backups(root):
        if check_backup(backup) is None:
            return backup
    return None


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
        os.rename(staging, folder)
        fsync_dir(root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return read_backup(folder)


def rotate(root: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups and any unfinished ones; returns removed."""
    removed = []
    for backup in list_backups(root)[keep:]:
        shutil.rmtree(backup.folder, ignore_errors=True)
        removed.append(backup.folder)
    with contextlib.suppress(FileNotFoundError):
        for leftover in root.glob(_STAGING_PREFIX + "*"):
            shutil.rmtree(leftover, ignore_errors=True)
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
            _keep_aside(current, kept)
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


def _unused_name(folder: Path, base: str) -> Path:
    """`folder / base`, or with -2, -3... added when that name is taken."""
    candidate = folder / base
    n = 2
    while candidate.exists():
        candidate = folder / f"{base}-{n}"
        n += 1
    return candidate


def _keep_aside(current: Path, kept: Path) -> None:
    try:
        os.link(current, kept)
    except OSError:
        copy_durably(current, kept, mode=0o600)
