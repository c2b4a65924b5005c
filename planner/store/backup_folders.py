"""Backup folders beside a database: where they are, what each one is, which are good.

A backup is a folder ``NAME.backups/2026-11-22T0930/`` holding a byte copy of the three
files as they were at one instant, and a manifest, ``backup.json``, with no personal data
(database id, change number, time). See :mod:`planner.store.backup` for taking and
restoring one. Nothing here needs the key: the checks are of checksums and headers.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from planner.store.errors import BackupInvalid
from planner.store.inspect import check_audit, check_journal, check_legacy_lines, check_snapshot
from planner.store.layout import DatabaseFiles

BACKUP_FORMAT = "planner-backup"
MANIFEST = "backup.json"
_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{4}(?:-\d{1,3})?$")


def backups_root(data: Path) -> Path:
    """Where a database's automatic backups go: ``NAME.backups`` beside it."""
    return DatabaseFiles(data).backups


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
    if header.audit is None:  # taken by an earlier planner (schema 1)
        return check_legacy_lines(files.journal, files.audit)
    for check in (
        check_journal(files.journal, header.db_id, header.seq),
        check_audit(files.audit, header.db_id),
    ):
        if check.problem:
            return check.problem
        if check.path.stat().st_size != check.complete_length:
            return f"{check.path.name} in {backup.folder.name} is incomplete"
    return None


def newest_good_backup(root: Path) -> Backup | None:
    """The newest backup that passes the cheap check."""
    for backup in list_backups(root):
        if check_backup(backup) is None:
            return backup
    return None
