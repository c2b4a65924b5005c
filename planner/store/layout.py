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
    def legacy_lock(self) -> Path:
        """The lock file of schema 1 databases (planner now locks the journal)."""
        return self.data.with_name(self.data.name + ".lock")

    def all(self) -> tuple[Path, ...]:
        return (self.data, self.journal, self.audit)
