"""The journal's file format: its header and its records, as bytes and back.

The first line is a plain header: format, schema, database id, the change it follows (its
*base*: the snapshot's change when it was started), the audit log's head then, and the id
of the key its records are sealed with. Every other line is one record (see
:mod:`planner.store.files` for the framing), sealed by the codec: ``{"seq", "ops",
"audit", "alink"}``, where ops are ``[table, key, document or null]`` and audit and alink
are the sealed audit line of the change and its link. How the journal is read and written
is :mod:`planner.store.journal`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from planner.store.audit_format import AuditHead
from planner.store.chain import link_hex, parse_link
from planner.store.codec import Codec, key_id
from planner.store.errors import DatabaseCorrupt, Undecryptable
from planner.store.files import frame, json_object
from planner.store.lazy import to_fragment
from planner.store.snapshot import FIRST_CHAINED_SCHEMA, SCHEMA_VERSION, sealing_context

JOURNAL_FORMAT = "planner-journal"

Op = tuple[str, str, Any]  # (table, key, document or None)


@dataclass(frozen=True, slots=True)
class Embedded:
    """The audit line a journal record carries: its link and sealed payload."""

    link: bytes
    payload: bytes


@dataclass(frozen=True, slots=True)
class JournalHeader:
    """A journal's header, as read: the change it follows, the audit log's link then
    (None when it names none), whether its key is the database's, and whether an earlier
    planner (schema 1, without chains) wrote it."""

    base: int
    audit_link: bytes | None
    same_key: bool
    legacy: bool


def encode_header(db_id: str, base: int, audit_head: AuditHead, codec: Codec) -> bytes:
    header = {
        "format": JOURNAL_FORMAT,
        "schema": SCHEMA_VERSION,
        "db": db_id,
        "base": base,
        "audit": {"seq": audit_head.seq, "link": link_hex(audit_head.link)},
        "kid": key_id(codec),
    }
    return frame(orjson.dumps(header))


def parse_header(payload: bytes | None, *, db_id: str, codec: Codec, name: str) -> JournalHeader:
    """Check a journal's header line; DatabaseCorrupt when it is not this database's."""
    header = json_object(payload)
    if header is None or header.get("format") != JOURNAL_FORMAT:
        raise DatabaseCorrupt(f"{name} is not a planner journal")
    if header.get("db") != db_id:
        raise DatabaseCorrupt(f"{name} belongs to another database")
    base, schema, audit = header.get("base"), header.get("schema"), header.get("audit")
    if not isinstance(base, int) or isinstance(base, bool):
        raise DatabaseCorrupt(f"{name} has a damaged header")
    return JournalHeader(
        base=base,
        audit_link=parse_link(audit.get("link")) if isinstance(audit, dict) else None,
        same_key=header.get("kid") == key_id(codec),
        legacy=not isinstance(schema, int) or schema < FIRST_CHAINED_SCHEMA,
    )


def context(db_id: str) -> bytes:
    """What a journal record's seal is bound to."""
    return sealing_context(db_id, "journal")


def seal_record(
    codec: Codec, db_id: str, seq: int, ops: list[list[Any]], audit_line: Embedded
) -> bytes:
    record = {
        "seq": seq,
        "ops": ops,
        "audit": audit_line.payload.decode(),
        "alink": link_hex(audit_line.link),
    }
    return codec.seal(orjson.dumps(record, default=to_fragment), context(db_id))


def open_record(
    codec: Codec, db_id: str, seq: int, payload: bytes, where: str
) -> tuple[list[Op], Embedded]:
    """A sealed record's operations and the audit line it carries; DatabaseCorrupt when it
    does not open or is malformed."""
    try:
        content = orjson.loads(codec.open(payload, context(db_id)))
        ops = _checked_ops(content["ops"])
        if content["seq"] != seq:
            raise ValueError("the record's change number is not its line's")
        audit_link = parse_link(content["alink"])
        audit_payload = content["audit"]
        if audit_link is None or not isinstance(audit_payload, str):
            raise ValueError("the record carries no audit line")
    except Undecryptable:
        raise DatabaseCorrupt(
            f"{where} holds a record that does not decrypt: it was altered or damaged; "
            "run 'planner doctor'"
        ) from None
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise DatabaseCorrupt(f"{where} holds a damaged record") from None
    return ops, Embedded(audit_link, audit_payload.encode())


def _checked_ops(raw: object) -> list[Op]:
    """A journal record's operations, or ValueError when they are malformed."""
    if not isinstance(raw, list):
        raise ValueError("ops is not a list")
    ops = []
    for op in raw:
        if not isinstance(op, list) or len(op) != 3:
            raise ValueError("an op is not [table, key, document]")
        table, key, doc = op
        if not isinstance(table, str) or not isinstance(key, str):
            raise ValueError("an op names no table or key")
        if doc is not None and not isinstance(doc, dict):
            raise ValueError("an op's document is not an object")
        ops.append((table, key, doc))
    return ops
