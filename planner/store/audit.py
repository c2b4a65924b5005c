"""The append-only audit log: who changed what, when, from what, to what.

One checksummed line per change, written and fsync'd *before* the change itself is
committed to the journal, and never rewritten (retention purges and passphrase changes are
the exceptions, made with a crash-safe replace). A crash between the two leaves an audit
line for a change that never committed; such a line carries a change number the database
has not reached, or one a later change reuses, and readers drop it.

The first line is a plain header (format, database id, and the id of the key the lines
are sealed with: no personal data); every other line is one record sealed by the codec.
A last line without its newline is a torn append and is ignored (and trimmed by the next
append); a complete line that fails its checksum or its seal is damage: DatabaseCorrupt.
Appending only checks checksums; records are opened (decrypted and parsed) when someone
reads the history.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from planner.store.codec import Codec, key_id
from planner.store.errors import DatabaseCorrupt, Undecryptable
from planner.store.files import append_durably, atomic_write, frame, framed_lines, json_object

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
        self._reset(-1)

    def _reset(self, ino: int) -> None:
        self._ino = ino
        self._offset = 0  # end of the last complete line seen
        self._sealed: list[tuple[int, bytes]] = []  # (offset, payload) not opened yet
        self._frames: list[dict[str, Any]] = []

    # --- writing --------------------------------------------------------------------------

    def create(self) -> None:
        atomic_write(self.path, self.encode([]))
        self._reset(-1)

    def append(self, seq: int, at: datetime, by: str, entries: list[dict[str, Any]]) -> None:
        """Durably record the entries of change `seq` before it is committed."""
        if not self.path.exists() or os.stat(self.path).st_size == 0:
            self.create()
        self._scan()
        if os.stat(self.path).st_size != self._offset:
            os.truncate(self.path, self._offset)  # trim a torn line left by a crash
        record = {"seq": seq, "at": at.isoformat(), "by": by, "entries": entries}
        sealed = self.codec.seal(orjson.dumps(record), self._context)
        start = self._offset
        self._offset = append_durably(self.path, frame(sealed))
        if self._sealed:  # keep file order: earlier lines are still to be opened
            self._sealed.append((start, sealed))
        else:
            self._frames.append(record)

    def rewrite_without(self, cases: set[str], note: dict[str, Any]) -> None:
        """Drop every entry about `cases` (retention purge) and record the purge itself."""
        kept: list[dict[str, Any]] = []
        for record in self._all_records():
            entries = [e for e in record["entries"] if e.get("case") not in cases]
            if entries:
                kept.append({**record, "entries": entries})
        kept.append(note)
        atomic_write(self.path, self.encode(kept))
        self._reset(-1)

    def encode(self, records: list[dict[str, Any]], codec: Codec | None = None) -> list[bytes]:
        """A whole audit file holding `records`, sealed with `codec` (default: this one's)."""
        codec = codec or self.codec
        header = {"format": AUDIT_FORMAT, "db": self.db_id, "kid": key_id(codec)}
        lines = [frame(orjson.dumps(header))]
        lines += [frame(codec.seal(orjson.dumps(r), self._context)) for r in records]
        return lines

    # --- reading --------------------------------------------------------------------------

    def entries(self, committed_seq: int, case: str | None = None) -> list[AuditEntry]:
        """Every committed entry, oldest first; only one case's when `case` is given."""
        out: list[AuditEntry] = []
        for record in self.records(committed_seq):
            at = datetime.fromisoformat(record["at"])
            for e in record["entries"]:
                if case is None or e.get("case") == case:
                    out.append(
                        AuditEntry(
                            record["seq"],
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

    def records(self, committed_seq: int) -> list[dict[str, Any]]:
        """The committed records, one per change (a later line for a change wins)."""
        latest: dict[int, dict[str, Any]] = {}
        for record in self._all_records():
            if record["seq"] <= committed_seq:
                latest[record["seq"]] = record
        return [latest[seq] for seq in sorted(latest)]

    def complete_length(self) -> int:
        """Bytes up to the end of the last complete line (what a backup copies)."""
        if not self.path.exists():
            return 0
        self._scan()
        return self._offset

    def _all_records(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        self._scan()
        for offset, payload in self._sealed:
            self._frames.append(self._open(offset, payload))
        self._sealed = []
        return self._frames

    def _scan(self) -> None:
        """Check the checksums of lines appended since the last look (no decryption)."""
        stat = os.stat(self.path)
        if stat.st_ino != self._ino or stat.st_size < self._offset:
            self._reset(stat.st_ino)
        if stat.st_size == self._offset:
            return
        with self.path.open("rb") as handle:
            handle.seek(self._offset)
            tail = handle.read()
        offset = self._offset
        # A torn last line is left out: its change was never committed.
        for start, payload, end in framed_lines(tail, offset, self.path.name):
            if start == 0:
                self._check_header(payload)
            else:
                self._sealed.append((start, payload))
            offset = end
        if offset == 0:
            raise DatabaseCorrupt(f"{self.path.name} has no complete header; run 'planner doctor'")
        self._offset = offset

    def _check_header(self, payload: bytes) -> None:
        name = self.path.name
        header = json_object(payload)
        if header is None or header.get("format") != AUDIT_FORMAT:
            raise DatabaseCorrupt(f"{name} is not a planner audit log")
        if header.get("db") != self.db_id:
            raise DatabaseCorrupt(f"{name} is not this database's audit log")
        if header.get("kid", key_id(self.codec)) != key_id(self.codec):
            raise DatabaseCorrupt(f"{name} is sealed with another key than its database")

    def _open(self, offset: int, payload: bytes) -> dict[str, Any]:
        name = self.path.name
        try:
            record = orjson.loads(self.codec.open(payload, self._context))
        except Undecryptable:
            raise DatabaseCorrupt(
                f"{name} holds a record at byte {offset} that does not decrypt: "
                "it was altered or damaged; run 'planner doctor'"
            ) from None
        except orjson.JSONDecodeError:
            raise DatabaseCorrupt(f"{name} holds a damaged record at byte {offset}") from None
        if not _is_record(record):
            raise DatabaseCorrupt(f"{name} holds a malformed record at byte {offset}")
        return record  # type: ignore[no-any-return]


def _is_record(record: object) -> bool:
    if not isinstance(record, dict):
        return False
    seq, at, by, entries = (record.get(k) for k in ("seq", "at", "by", "entries"))
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        return False
    if not isinstance(at, str) or not isinstance(by, str) or not isinstance(entries, list):
        return False
    try:
        datetime.fromisoformat(at)
    except ValueError:
        return False
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("field"), str):
            return False
        for key in ("case", "item"):
            if not isinstance(entry.get(key), str | None):
                return False
    return True
