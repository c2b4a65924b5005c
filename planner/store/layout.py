"""Where a database's files are: the snapshot, and the journal and audit log beside it."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DatabaseFiles:
    """The paths that make up one database."""

    data: Path

    @property
    def journal(self) -> Path:
        return self.data.with_name(self.data.name + ".journal")

    @property
    def audit(self) -> Path:
        return self.data.with_name(self.data.name + ".audit")

    @property
    def next_journal(self) -> Path:
        """The journal as a fold leaves it, while the fold puts it in place (see
        :mod:`planner.store.compaction`)."""
        return self.journal.with_name(self.journal.name + ".next")

    @property
    def legacy_lock(self) -> Path:
        """The lock file of schema 1 databases (planner now locks the journal)."""
        return self.data.with_name(self.data.name + ".lock")

    @property
    def backups(self) -> Path:
        """The folder of the database's automatic backups (``NAME.backups``)."""
        return self.data.with_name(self.data.name + ".backups")

    def all(self) -> tuple[Path, ...]:
        return (self.data, self.journal, self.audit)


# The databases open in this process: an export, a report or a transfer file is never
# written over one of their files, whatever --force says (a mistyped -o must not replace
# the database it was read from).
_open: Counter[DatabaseFiles] = Counter()
_open_lock = threading.Lock()


def opened(files: DatabaseFiles) -> None:
    with _open_lock:
        _open[files] += 1


def closed(files: DatabaseFiles) -> None:
    with _open_lock:
        _open[files] -= 1
        if _open[files] <= 0:
            del _open[files]


def open_database_holding(path: Path) -> Path | None:
    """The open database one of whose files (or backups) `path` is, or None."""
    target = path.expanduser().resolve()
    with _open_lock:
        open_now = list(_open)
    for files in open_now:
        here = DatabaseFiles(files.data.expanduser().resolve())
        own = {*here.all(), here.next_journal, here.legacy_lock}
        if target in own or target == here.backups or here.backups in target.parents:
            return files.data
    return None
