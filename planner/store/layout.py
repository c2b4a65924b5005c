"""Where a database's files are: the snapshot, and the journal and audit log beside it."""

from __future__ import annotations

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

    def all(self) -> tuple[Path, ...]:
        return (self.data, self.journal, self.audit)
