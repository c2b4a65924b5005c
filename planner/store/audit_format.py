"""The audit log's file format: its header, its records, its head, and a whole log as bytes.

The first line is a plain header (format, schema, database id, the id of the key the lines
are sealed with, and the change its first record follows, with that record's previous link
when the log begins after a repair: no personal data). Every other line is one record (see
:mod:`planner.store.files` for the framing) sealed by the codec: ``{"seq", "at", "by",
"entries", "patch"}``. How the log is read, checked and appended is
:mod:`planner.store.audit`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from planner.store.chain import bytes_digest, chain_key, genesis, link, link_hex, parse_link
from planner.store.codec import Codec, key_id
from planner.store.errors import DatabaseCorrupt, Undecryptable
from planner.store.files import (
    complete_lines,
    frame,
    frame_record,
    json_object,
    record_lines,
    unframe,
)

AUDIT_FORMAT = "planner-audit"
AUDIT_SCHEMA = 2


@dataclass(frozen=True)
class AuditHead:
    """Where the audit log stood when a snapshot was written: its last record's change
    number and link, the byte its line ends at, and the digest of the file up to there."""

    seq: int
    link: bytes
    end: int
    digest: str

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "link": link_hex(self.link),
            "end": self.end,
            "digest": self.digest,
        }

    @classmethod
    def from_json(cls, raw: object) -> AuditHead | None:
        if not isinstance(raw, dict):
            return None
        seq, end, digest = raw.get("seq"), raw.get("end"), raw.get("digest")
        value = parse_link(raw.get("link"))
        if value is None or not isinstance(digest, str) or len(digest) != 32:
            return None
        if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in (seq, end)):
            return None
        assert isinstance(seq, int) and isinstance(end, int)
        return cls(seq, value, end, digest)


@dataclass(frozen=True)
class EncodedAudit:
    """A whole audit file as bytes, and its head."""

    lines: list[bytes]
    head: AuditHead


def sealed_record(codec: Codec, db_id: str, record: dict[str, Any]) -> bytes:
    """A record as its audit line stores it (sealed when the database is encrypted)."""
    return codec.seal(orjson.dumps(record), audit_context(db_id))


def audit_context(db_id: str) -> bytes:
    return f"{db_id}/audit".encode()


def encode_audit(
    codec: Codec,
    db_id: str,
    records: list[dict[str, Any]],
    *,
    base: int = 0,
    start: bytes | None = None,
) -> EncodedAudit:
    """A whole audit file holding `records` (oldest first, rising change numbers), sealed
    with `codec`; `base` and `start` say which change and link its first record follows
    (a log that begins again after a repair), else it starts from its header."""
    key = chain_key(codec)
    header: dict[str, Any] = {
        "format": AUDIT_FORMAT,
        "schema": AUDIT_SCHEMA,
        "db": db_id,
        "kid": key_id(codec),
        "base": base,
    }
    if start is not None:
        header["link"] = link_hex(start)
    first = orjson.dumps(header)
    previous = start if start is not None else genesis(key, first)
    lines = [frame(first)]
    seq = base
    for record in records:
        seq = int(record["seq"])
        payload = sealed_record(codec, db_id, record)
        previous = link(key, previous, seq, payload)
        lines.append(frame_record(seq, previous, payload))
    data = b"".join(lines)
    return EncodedAudit(lines, AuditHead(seq, previous, len(data), bytes_digest(key, data)))


def open_record(codec: Codec, db_id: str, payload: bytes, where: str) -> dict[str, Any]:
    """A sealed record opened and checked; DatabaseCorrupt saying `where` it is."""
    try:
        record = orjson.loads(codec.open(payload, audit_context(db_id)))
    except Undecryptable:
        raise DatabaseCorrupt(
            f"{where} holds a record that does not decrypt: it was altered or damaged; "
            "run 'planner doctor'"
        ) from None
    except orjson.JSONDecodeError:
        raise DatabaseCorrupt(f"{where} holds a damaged record") from None
    if not is_record(record):
        raise DatabaseCorrupt(f"{where} holds a malformed record")
    return record  # type: ignore[no-any-return]


def is_record(record: object) -> bool:
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
    patch = record.get("patch")
    return patch is None or isinstance(patch, list)


def trusted_records(
    path: Path, codec: Codec, db_id: str, *, head: AuditHead
) -> list[dict[str, Any]]:
    """The records at the start of an audit file that still hold together: read from its
    header while each links into the chain with a rising change number, up to the change
    of the snapshot's `head`, and opens. What a repair can keep of a damaged log.

    A chain that reaches the head's change with another link than the head's was written
    again by someone (only possible on a plain database): none of it can be told from a
    forgery, so nothing is kept."""
    upto = head.seq
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    lines = complete_lines(data[: 64 * 1024])
    payload = unframe(lines[0]) if lines else None
    header = json_object(payload)
    if payload is None or header is None or header.get("format") != AUDIT_FORMAT:
        return []
    if header.get("db") != db_id or header.get("kid") != key_id(codec):
        return []
    key = chain_key(codec)
    previous = parse_link(header.get("link")) if "link" in header else genesis(key, payload)
    last = header.get("base", 0)
    if previous is None or not isinstance(last, int):
        return []
    kept: list[dict[str, Any]] = []
    for line in record_lines(data[len(lines[0]) :], len(lines[0])).records:
        if line.seq <= last or line.seq > upto:
            break
        if link(key, previous, line.seq, line.payload) != line.link:
            break
        try:
            record = open_record(codec, db_id, line.payload, path.name)
        except DatabaseCorrupt:
            break
        if record["seq"] != line.seq:
            break
        kept.append(record)
        previous, last = line.link, line.seq
    if last == upto and previous != head.link:
        return []
    return kept
