"""The append-only audit log: who changed what, when, from what, to what.

One checksummed line per change, written and fsync'd *before* the change itself is
committed to the journal, and never rewritten (retention purges are the one exception,
made with a crash-safe replace). A crash between the two leaves an audit line for a change
that never committed; such a line carries a change number the database has not reached, or
one a later change reuses, and readers drop it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from planner.store.codec import Codec
from planner.store.errors import DatabaseCorrupt
from planner.store.files import append_durably, atomic_write, frame, unframe

AUDIT_FORMAT = "planner-audit"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: datetime
    by: str
    case: str | None
    item: str | None
    field: str
    old: Any
    new: Any


class AuditLog:
    """Reads and appends the audit file of one database; the caller holds the lock."""

    def __init__(self, path: Path, codec: Codec, db_id: str) -> None:
        self.path = path
        self.codec = codec
        self.db_id = db_id
        self._context = f"{db_id}/audit".encode()
        self._offset = 0
        self._ino = -1
        self._frames: list[dict[str, Any]] = []

    def create(self) -> None:
        header = {"format": AUDIT_FORMAT, "db": self.db_id}
        atomic_write(self.path, [frame(orjson.dumps(header))])
        self._offset = 0
        self._ino = -1
        self._frames = []

    def append(self, seq: int, at: datetime, by: str, entries: list[dict[str, Any]]) -> None:
        """Durably record the entries of change `seq` before it is committed."""
        if not self.path.exists():
            self.create()
        self._catch_up()
        if os.stat(self.path).st_size != self._offset:
            os.truncate(self.path, self._offset)  # trim a torn line left by a crash
        record = {"seq": seq, "at": at.isoformat(), "by": by, "entries": entries}
        line = frame(self.codec.seal(orjson.dumps(record), self._context))
        self._offset = append_durably(self.path, line)
        self._frames.append(record)

    def entries(self, committed_seq: int, case: str | None = None) -> list[AuditEntry]:
        """Every committed entry, oldest first; only one case's when `case` is given."""
        if not self.path.exists():
            return []
        self._catch_up()
        latest: dict[int, dict[str, Any]] = {}
        for record in self._frames:
            if record["seq"] <= committed_seq:
                latest[record["seq"]] = record  # a later line for the same change wins
        out: list[AuditEntry] = []
        for seq in sorted(latest):
            record = latest[seq]
            at = datetime.fromisoformat(record["at"])
            for e in record["entries"]:
                if case is None or e.get("case") == case:
                    out.append(
                        AuditEntry(
                            seq,
                            at,
                            record["by"],
                            e.get("case"),
                            e.get("item"),
                            e["field"],
                            e.get("old"),
                            e.get("new"),
                        )
                    )
        return out

    def rewrite_without(self, cases: set[str], note: dict[str, Any]) -> None:
        """Drop every entry about `cases` (retention purge) and record the purge itself."""
        self._catch_up()
        header = {"format": AUDIT_FORMAT, "db": self.db_id}
        kept: list[dict[str, Any]] = []
        for record in self._frames:
            entries = [e for e in record["entries"] if e.get("case") not in cases]
            if entries:
                kept.append({**record, "entries": entries})
        kept.append(note)
        lines = [frame(orjson.dumps(header))]
        lines += [frame(self.codec.seal(orjson.dumps(r), self._context)) for r in kept]
        atomic_write(self.path, lines)
        self._offset = 0
        self._ino = -1
        self._frames = []

    def _catch_up(self) -> None:
        stat = os.stat(self.path)
        if stat.st_ino != self._ino or stat.st_size < self._offset:
            self._ino = stat.st_ino
            self._offset = 0
            self._frames = []
        if stat.st_size == self._offset:
            return
        with self.path.open("rb") as handle:
            handle.seek(self._offset)
            tail = handle.read()
        lines = tail.splitlines(keepends=True)
        offset = self._offset
        for index, line in enumerate(lines):
            payload = unframe(line)
            if payload is None:
                if index == len(lines) - 1:
                    break
                raise DatabaseCorrupt(f"{self.path.name} is damaged at byte {offset}")
            if offset == 0:
                header = orjson.loads(payload)
                if header.get("format") != AUDIT_FORMAT or header.get("db") != self.db_id:
                    raise DatabaseCorrupt(f"{self.path.name} is not this database's audit log")
            else:
                try:
                    self._frames.append(orjson.loads(self.codec.open(payload, self._context)))
                except orjson.JSONDecodeError:
                    raise DatabaseCorrupt(f"{self.path.name} holds a damaged record") from None
            offset += len(line)
        self._offset = offset
