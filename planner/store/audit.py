"""The append-only audit log: who changed what, when, from what, to what.

One checksummed, chained line per change (see :mod:`planner.store.chain`), appended and
fsync'd right *after* the change reached the journal. The journal record carries the
exact audit line too, so a crash between the two is finished by appending that line on
the next open: the audit log is never behind the data by more than the one change a crash
interrupted, and never ahead of it. The log is never rewritten, except as a whole by a
retention purge, a passphrase change or a repair (a crash-safe replace, together with
the snapshot that vouches for it).

The file's format is :mod:`planner.store.audit_format`. A record's entries say in words
what changed; its patch says it exactly (see :mod:`planner.store.patch`), so the changes a
lost journal held can be replayed from here.

Reading the log checks it against the head the snapshot records: the file is at least as
long as that head, its bytes up to it hash to the snapshot's digest (one pass at memory
speed), and every record after it links to the one before with consecutive change
numbers. A last line without its newline is a torn append and is ignored (and cut off by
the next append). Anything else (a missing file, a shorter one, a changed byte, a line
removed, repeated or moved) raises IntegrityError. Records are opened (decrypted and
parsed) only when someone reads the history.
"""

from __future__ import annotations

import hmac
import mmap
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from planner.store import platform
from planner.store.audit_format import (
    AUDIT_FORMAT,
    AuditHead,
    audit_context,
    encode_audit,
    open_record,
)
from planner.store.chain import chain_key, genesis, link, parse_link
from planner.store.codec import Codec, key_id
from planner.store.errors import DatabaseCorrupt, IntegrityError
from planner.store.files import (
    RecordLine,
    Torn,
    atomic_write,
    frame_record,
    json_object,
    record_lines,
    unframe,
    write_at,
)
from planner.store.locking import open_regular

# IntegrityError kinds raised here.
AUDIT_MISSING = "audit-missing"
AUDIT_TRUNCATED = "audit-truncated"
AUDIT_ALTERED = "audit-altered"


@dataclass
class AuditCopy:
    """The audit file as it stood under the database's lock, to be checked after the lock
    is let go: the file held open, and its bytes from `tail_start` (the head the snapshot
    records) to its length then, read at once.

    planner changes the bytes up to a snapshot's head only by replacing the file whole,
    which leaves the file held here as it was; after the head a save may cut off a torn
    last line and write over it, so those bytes are read under the lock. Close it when
    done (or use it as a context manager)."""

    fd: int | None  # None: the file is missing
    identity: tuple[int, int]
    size: int
    tail_start: int
    tail: bytes

    def read(self, start: int, end: int) -> bytes:
        """The file's bytes from `start` to `end` as they stood (fewer when it is shorter)."""
        end = min(end, self.size)
        parts: list[bytes] = []
        if start < self.tail_start and self.fd is not None:
            parts.append(_pread(self.fd, start, min(end, self.tail_start)))
        if end > self.tail_start:
            parts.append(
                self.tail[max(start, self.tail_start) - self.tail_start : end - self.tail_start]
            )
        return b"".join(parts)

    def hash_start(self, running: Any, end: int) -> bool:
        """Feed the file's first `end` bytes (all before `tail_start`) to `running`, read
        in pieces (a file mapped while someone cuts it short would end the process);
        False when the file no longer holds them all."""
        if self.fd is None:
            return False
        done = 0
        while done < end:
            chunk = platform.pread(self.fd, min(end - done, 1 << 20), done)
            if not chunk:
                return False
            running.update(chunk)
            done += len(chunk)
        return True

    def close(self) -> None:
        fd, self.fd = self.fd, None
        if fd is not None:
            os.close(fd)

    def __enter__(self) -> AuditCopy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def copy_audit(path: Path, head_end: int) -> AuditCopy:
    """The audit file at `path` as it stands, its bytes after `head_end` (the snapshot's
    head) read now; the caller holds the database's lock (shared is enough)."""
    try:
        fd = platform.open_file(path, os.O_RDONLY, follow_links=True)
    except FileNotFoundError:
        return AuditCopy(None, (0, 0), 0, 0, b"")
    try:
        stat = os.fstat(fd)
        start = min(head_end, stat.st_size)
        tail = _pread(fd, start, stat.st_size)
    except BaseException:
        os.close(fd)
        raise
    return AuditCopy(fd, (stat.st_dev, stat.st_ino), stat.st_size, start, tail)


def _pread(fd: int, start: int, end: int) -> bytes:
    chunks: list[bytes] = []
    while start < end:
        chunk = platform.pread(fd, min(end - start, 1 << 24), start)
        if not chunk:
            break
        chunks.append(chunk)
        start += len(chunk)
    return b"".join(chunks)


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
    # On a server, an entry copied from a database file: its change number there (`seq`
    # is the server's change that copied it, one for a whole batch of cases).
    copied_change: int | None = None

    @property
    def save(self) -> tuple[int, int | None]:
        """Which save made the entry: entries of one save share it."""
        return (self.seq, self.copied_change)


class AuditLog:
    """Reads, checks and appends the audit file of one database; the caller holds the lock.

    :meth:`scan` brings the view up to date with the file and checks it; after it,
    :attr:`last_seq` and :attr:`last_link` are the newest record's, and :meth:`head`
    says where the log stands now (to record in a new snapshot).
    """

    def __init__(self, path: Path, codec: Codec, db_id: str) -> None:
        self.path = path
        self.codec = codec
        self.db_id = db_id
        self._key = chain_key(codec)
        self._context = audit_context(db_id)
        self._forget()

    def _forget(self) -> None:
        self._ino: tuple[int, int] | None = None
        self._offset = 0  # end of the last complete line checked
        self._header_end = 0
        self._base = 0
        self._start = b""
        self.last_seq = 0
        self.last_link = b""
        self.torn: Torn | None = None
        self._running: Any = None  # keyed hash of the file up to _offset
        self._tail: dict[int, tuple[int, bytes]] = {}  # seq -> (end, link) since checked
        self._records: list[dict[str, Any]] | None = None  # opened, oldest first
        self._opened_to = 0  # byte up to which _records were opened
        self._opened_link = b""  # the link of the last record opened

    # --- writing --------------------------------------------------------------------------

    def create(self) -> AuditHead:
        """Write a new, empty log; returns its head."""
        encoded = encode_audit(self.codec, self.db_id, [])
        atomic_write(self.path, encoded.lines)
        self._forget()
        return encoded.head

    def next_line(self, seq: int, record: dict[str, Any]) -> tuple[bytes, bytes]:
        """(sealed payload, link) of the record for change `seq`, following the newest one."""
        if seq != self.last_seq + 1:
            raise DatabaseCorrupt(
                f"{self.path.name} is at change {self.last_seq}, not {seq - 1}; "
                "run 'planner doctor'"
            )
        payload = self.codec.seal(orjson.dumps(record), self._context)
        return payload, link(self._key, self.last_link, seq, payload)

    def append(self, seq: int, chain_link: bytes, payload: bytes) -> None:
        """Durably append the line of change `seq` (made by :meth:`next_line`, or copied
        from the journal). OSError when it could not be written; nothing was then.

        The line goes exactly after the last complete line checked: a torn line there is
        cut off, and a file replaced meanwhile is refused, not written to.
        """
        if seq != self.last_seq + 1 or self._ino is None:
            raise DatabaseCorrupt(f"{self.path.name} cannot take change {seq} now")
        if link(self._key, self.last_link, seq, payload) != chain_link:
            raise IntegrityError(
                AUDIT_ALTERED, f"the record of change {seq} does not fit {self.path.name}'s chain"
            )
        line = frame_record(seq, chain_link, payload)
        fd = open_regular(self.path, os.O_RDWR)
        try:
            held = os.fstat(fd)
            if (held.st_dev, held.st_ino) != self._ino:
                raise IntegrityError(
                    AUDIT_ALTERED, f"{self.path.name} was replaced while planner was saving"
                )
            start = self._offset
            end = write_at(fd, start, line)
        finally:
            os.close(fd)
        self._accept(RecordLine(start, end, seq, chain_link, payload), line)
        self.torn = None

    # --- checking -------------------------------------------------------------------------

    def scan(self, head: AuditHead, copy: AuditCopy | None = None) -> None:
        """Check the file against the snapshot's `head`, then every line appended since the
        last look; IntegrityError (or DatabaseCorrupt) naming what is wrong. With `copy`,
        the file as it stood when that was taken, instead of as it is now."""
        name = self.path.name
        if copy is None:
            try:
                stat = os.stat(self.path, follow_symlinks=False)
            except FileNotFoundError:
                self._forget()
                raise IntegrityError(AUDIT_MISSING, f"{name} is missing") from None
            identity, size = (stat.st_dev, stat.st_ino), stat.st_size
        elif copy.fd is None:
            self._forget()
            raise IntegrityError(AUDIT_MISSING, f"{name} is missing")
        else:
            identity, size = copy.identity, copy.size
        if identity != self._ino or size < self._offset:
            self._forget()
            self._check_start(head, size, copy)
            self._ino = identity
        self._scan_tail(size, copy)
        self._check_head(head)

    def _check_start(self, head: AuditHead, size: int, copy: AuditCopy | None) -> None:
        """Check the header, and the bytes up to the snapshot's head in one pass."""
        name = self.path.name
        if size == 0:
            raise IntegrityError(
                AUDIT_TRUNCATED, f"{name} is empty: the history it held was removed"
            )
        if copy is None:
            with self.path.open("rb") as handle:
                first = handle.readline(64 * 1024)
        else:
            opening = copy.read(0, 64 * 1024)
            newline = opening.find(b"\n")
            first = opening if newline < 0 else opening[: newline + 1]
        payload = unframe(first)
        header = json_object(payload)
        if payload is None or header is None or header.get("format") != AUDIT_FORMAT:
            raise IntegrityError(AUDIT_ALTERED, f"{name} is not a planner audit log")
        if header.get("db") != self.db_id:
            raise IntegrityError(AUDIT_ALTERED, f"{name} is not this database's audit log")
        if header.get("kid", key_id(self.codec)) != key_id(self.codec):
            raise IntegrityError(AUDIT_ALTERED, f"{name} is sealed with another key")
        base = header.get("base", 0)
        start = parse_link(header.get("link")) if "link" in header else genesis(self._key, payload)
        if not isinstance(base, int) or isinstance(base, bool) or base < 0 or start is None:
            raise IntegrityError(AUDIT_ALTERED, f"{name} has a damaged header")
        self._header_end = len(first)
        self._base = base
        self._start = start
        self.last_seq, self.last_link = base, start
        self._running = hmac.new(self._key, digestmod="sha256")
        if head.end < len(first) or head.seq < base:
            raise IntegrityError(
                AUDIT_ALTERED,
                f"{name} begins after change {base}, later than the database records it "
                f"(change {head.seq})",
            )
        if size < head.end:
            raise self._truncated(head)
        if copy is None:
            with self.path.open("rb") as handle:
                _hash_mapped(self._running, handle.fileno(), head.end)
        elif not copy.hash_start(self._running, head.end):
            raise self._truncated(head)  # cut short since the copy was taken
        if self._running.hexdigest()[:32] != head.digest:
            raise IntegrityError(
                AUDIT_ALTERED,
                f"{name} does not match what the database recorded of it up to change "
                f"{head.seq}: records were edited, removed, repeated or moved",
            )
        self._offset = head.end
        self.last_seq, self.last_link = head.seq, head.link
        self._tail = {head.seq: (head.end, head.link)}

    def _scan_tail(self, size: int, copy: AuditCopy | None) -> None:
        if size == self._offset:
            self.torn = None
            return
        if copy is None:
            with self.path.open("rb") as handle:
                handle.seek(self._offset)
                tail = handle.read(size - self._offset)
        else:
            tail = copy.read(self._offset, size)
        base = self._offset
        lines = record_lines(tail, base)
        if lines.damaged_at is not None:
            raise self._damaged(lines.damaged_at)
        for record in lines.records:
            if record.seq != self.last_seq + 1:
                raise IntegrityError(
                    AUDIT_ALTERED,
                    f"{self.path.name} holds change {record.seq} where change "
                    f"{self.last_seq + 1} should follow (at byte {record.start}): records "
                    "were removed, repeated or moved",
                )
            if link(self._key, self.last_link, record.seq, record.payload) != record.link:
                raise IntegrityError(
                    AUDIT_ALTERED,
                    f"{self.path.name}'s record of change {record.seq} (at byte "
                    f"{record.start}) was altered: it does not fit the chain",
                )
            self._accept(record, tail[record.start - base : record.end - base])
        self.torn = lines.torn

    def _damaged(self, offset: int) -> IntegrityError:
        return IntegrityError(
            AUDIT_ALTERED,
            f"{self.path.name} is damaged at byte {offset}: a record there fails its checksum",
        )

    def _accept(self, record: RecordLine, line: bytes) -> None:
        self._running.update(line)
        self._offset = record.end
        self.last_seq, self.last_link = record.seq, record.link
        self._tail[record.seq] = (record.end, record.link)

    def _check_head(self, head: AuditHead) -> None:
        if head.seq > self.last_seq:
            raise self._truncated(head)
        if self._tail.get(head.seq) != (head.end, head.link):
            raise IntegrityError(
                AUDIT_ALTERED,
                f"{self.path.name}'s record of change {head.seq} is not the one the database "
                "recorded: the file was replaced by another copy",
            )

    def _truncated(self, head: AuditHead) -> IntegrityError:
        return IntegrityError(
            AUDIT_TRUNCATED,
            f"{self.path.name} is shorter than the database records: it ends before change "
            f"{head.seq}, so history was cut off or the file was emptied",
        )

    # --- where it stands ------------------------------------------------------------------

    def head(self) -> AuditHead:
        """The head now, to record in a new snapshot (after :meth:`scan`)."""
        if self._running is None:
            raise DatabaseCorrupt(f"{self.path.name} has not been read")
        return AuditHead(
            self.last_seq, self.last_link, self._offset, self._running.hexdigest()[:32]
        )

    def link_of(self, seq: int) -> bytes | None:
        """The link of change `seq`'s record, if it was checked in this run (after the
        head the last snapshot recorded)."""
        found = self._tail.get(seq)
        return None if found is None else found[1]

    def complete_length(self) -> int:
        """Bytes up to the end of the last complete line (what a backup copies)."""
        return self._offset

    # --- reading --------------------------------------------------------------------------

    def entries(self, case: str | None = None) -> list[AuditEntry]:
        """Every entry, oldest first; only one case's when `case` is given."""
        out: list[AuditEntry] = []
        for record in self.records():
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

    def records(self) -> list[dict[str, Any]]:
        """Every record, oldest first, opened (decrypted and parsed), each checked against
        the chain once more (which also says where an edit is, if the digest failed)."""
        if self._records is None:
            self._records = []
            self._opened_to = self._header_end
            self._opened_link = self._start
        if self._opened_to < self._offset:
            self._open_lines(self._opened_to, self._offset)
        return self._records

    def records_after(self, seq: int) -> list[dict[str, Any]]:
        """The opened records of changes after `seq` (for a replay)."""
        return [r for r in self.records() if r["seq"] > seq]

    def _open_lines(self, start: int, end: int) -> None:
        assert self._records is not None
        with self.path.open("rb") as handle:
            handle.seek(start)
            data = handle.read(end - start)
        found = record_lines(data, start)
        if found.damaged_at is not None:
            raise self._damaged(found.damaged_at)
        previous = self._opened_link
        last = self._records[-1]["seq"] if self._records else self._base
        for line in found.records:
            if line.seq <= last or link(self._key, previous, line.seq, line.payload) != line.link:
                raise IntegrityError(
                    AUDIT_ALTERED,
                    f"{self.path.name}'s record at byte {line.start} does not fit the chain: "
                    "records were edited, removed, repeated or moved there",
                )
            record = self._open(line.start, line.payload)
            if record["seq"] != line.seq:
                raise IntegrityError(
                    AUDIT_ALTERED, f"{self.path.name}'s record at byte {line.start} was altered"
                )
            self._records.append(record)
            previous, last = line.link, line.seq
        self._opened_to = end
        self._opened_link = previous

    def open_payload(self, payload: bytes, where: str) -> dict[str, Any]:
        """A sealed record (as a journal carries it) opened and checked."""
        return self._open(0, payload, where=where)

    def _open(self, offset: int, payload: bytes, *, where: str | None = None) -> dict[str, Any]:
        name = where or f"{self.path.name} at byte {offset}"
        return open_record(self.codec, self.db_id, payload, name)


def _hash_mapped(running: Any, fd: int, end: int) -> None:
    """Feed the first `end` bytes of the open file `fd` to `running` (one pass, mapped)."""
    with mmap.mmap(fd, 0, access=mmap.ACCESS_READ) as mapped:
        view = memoryview(mapped)
        try:
            running.update(view[:end])
        finally:
            view.release()
