"""The snapshot file: every table of a database at one change, replaced only whole.

A snapshot is one JSON header line (format, schema version, database id, the last change
it holds, the head of the audit log as it stood then, the codec's parameters, a CRC-32 and
length of the body), then the body: all tables as JSON, sealed by the codec. Encrypted,
the codec parameters are the scrypt salt and cost and a key-check value, and the body is
``nonce || AES-256-GCM ciphertext || tag`` with the database id, the change number and the
audit head as associated data (so none of them can be swapped for another's).

Schema 1 (planner before the hash chains) had no audit head; such a database is upgraded
on its first writable open (see :mod:`planner.store.upgrade`).

Tables named lazy keep each document as JSON text (see :mod:`planner.store.lazy`), so a
large table is not parsed document by document until someone reads it.

This module reads and encodes the file; :mod:`planner.store.journal` decides when one is
written (atomically: temp file, fsync, rename, fsync of the folder).
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from planner.domain.bulk import bulk_parsing
from planner.store.audit_format import AuditHead
from planner.store.codec import Codec, open_blob, seal_blob
from planner.store.errors import DatabaseCorrupt, NewerSchema, Undecryptable
from planner.store.lazy import LazyDocument, to_fragment

SCHEMA_VERSION = 3
FIRST_CHAINED_SCHEMA = 2
FIRST_SPLIT_SCHEMA = 3  # the body keeps lazy documents out of its JSON (see _split_body)
SPLIT_BODY = b"planner-body 3\n"
SNAPSHOT_FORMAT = "planner-db"

Tables = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class SnapshotHeader:
    db_id: str
    schema: int
    seq: int
    codec: dict[str, Any]
    crc: int
    length: int
    audit: AuditHead | None  # None in a schema 1 snapshot (to be upgraded)

    @property
    def context(self) -> bytes:
        """What the sealed body is bound to."""
        return snapshot_context(self.db_id, self.seq, self.audit)


@dataclass(frozen=True)
class Snapshot:
    """A snapshot file as read: its header, the codec that opened it, its tables, and the
    file's identity (inode, size, modification time) and size when it was read."""

    header: SnapshotHeader
    codec: Codec
    tables: Tables
    key: tuple[int, int, int]
    size: int


def sealing_context(db_id: str, part: str, seq: int | None = None) -> bytes:
    """What a sealed part of a database is bound to: opened anywhere else, it fails."""
    text = f"{db_id}/{part}" if seq is None else f"{db_id}/{part}/{seq}"
    return text.encode()


def snapshot_context(db_id: str, seq: int, audit: AuditHead | None) -> bytes:
    if audit is None:  # schema 1
        return sealing_context(db_id, "snapshot", seq)
    head = f"{audit.seq}/{audit.link.hex()}/{audit.end}/{audit.digest}"
    return sealing_context(db_id, "snapshot", seq) + b"/" + head.encode()


def read_snapshot_header(path: Path) -> tuple[SnapshotHeader, int]:
    """The header of a snapshot file and the byte offset where its body starts."""
    with path.open("rb") as handle:
        first = handle.readline(64 * 1024)
    name = path.name
    try:
        header = orjson.loads(first)
    except orjson.JSONDecodeError:
        raise DatabaseCorrupt(
            f"{name} is not a planner database (its first line is not a header)"
        ) from None
    if not isinstance(header, dict) or header.get("format") != SNAPSHOT_FORMAT:
        raise DatabaseCorrupt(f"{name} is not a planner database (no planner header)")
    try:
        parsed = SnapshotHeader(
            db_id=str(header["db"]),
            schema=int(header["schema"]),
            seq=int(header["seq"]),
            codec=dict(header["codec"]),
            crc=int(header["crc"]),
            length=int(header["length"]),
            audit=AuditHead.from_json(header.get("audit")),
        )
    except (KeyError, TypeError, ValueError):
        raise DatabaseCorrupt(f"{name} has a damaged header") from None
    if parsed.schema >= FIRST_CHAINED_SCHEMA and parsed.audit is None:
        raise DatabaseCorrupt(f"{name} has a damaged header (no audit head)")
    if parsed.schema > SCHEMA_VERSION:
        raise NewerSchema(
            f"{name} was written by a newer planner (schema {parsed.schema}; this one reads "
            f"up to {SCHEMA_VERSION}): upgrade planner; the file was not changed"
        )
    return parsed, len(first)


def read_snapshot(path: Path, codec: Codec, lazy_tables: Collection[str]) -> Snapshot:
    """Read, check and open a snapshot; `codec` is the one given, checked against the
    header (a wrong passphrase is refused before the body is read)."""
    from planner.store.crypto import codec_for  # not for the header alone: see cli.context

    header, body_start = read_snapshot_header(path)
    codec = codec_for(header.codec, what=path.name, given=codec)
    with path.open("rb") as handle:
        handle.seek(body_start)
        body = handle.read()
        snap = os.fstat(handle.fileno())
    if len(body) != header.length or zlib.crc32(body) != header.crc:
        raise DatabaseCorrupt(
            f"{path.name} is truncated or damaged (its body does not match its checksum)"
        )
    context = header.context
    try:
        with bulk_parsing():
            plain = open_blob(codec, body, context)
            if header.schema >= FIRST_SPLIT_SCHEMA:
                tables = _split_tables(plain, lazy_tables)
            else:
                tables = _joined_tables(orjson.loads(plain), lazy_tables)
    except Undecryptable:
        raise DatabaseCorrupt(
            f"{path.name} does not decrypt: it was altered or damaged; run 'planner doctor'"
        ) from None
    except (orjson.JSONDecodeError, ValueError, TypeError, KeyError):
        raise DatabaseCorrupt(f"{path.name} holds data that does not parse") from None
    return Snapshot(
        header=header,
        codec=codec,
        tables=tables,
        key=(snap.st_ino, snap.st_size, snap.st_mtime_ns),
        size=snap.st_size,
    )


def _split_tables(plain: bytes, lazy_tables: Collection[str]) -> Tables:
    """The tables of a schema 3 body: a line naming the layout, the JSON of the tables
    read at once together with a directory of the lazy documents ([key, start, end] each,
    from the end of that JSON's line), then the lazy documents' JSON one after another.
    Each lazy document stays a slice of the body, parsed only when read."""
    if not plain.startswith(SPLIT_BODY):
        raise ValueError("not a split body")
    end = plain.index(b"\n", len(SPLIT_BODY))
    head = orjson.loads(memoryview(plain)[len(SPLIT_BODY) : end])
    tables = head["tables"]
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise ValueError("no tables")
    region = memoryview(plain)[end + 1 :]
    for name, directory in head["lazy"].items():
        if name not in lazy_tables:
            raise ValueError("a lazy table the store does not read lazily")
        docs = tables.setdefault(name, {})
        for key, start, stop in directory:
            if not 0 <= start <= stop <= len(region):
                raise ValueError("a lazy document out of range")
            docs[key] = LazyDocument(region[start:stop])
    for docs in tables.values():
        if not all(isinstance(d, dict | LazyDocument) for d in docs.values()):
            raise ValueError("a malformed record")
    return tables


def _joined_tables(tables: object, lazy_tables: Collection[str]) -> Tables:
    """The tables of a schema 2 body: one JSON object, lazy documents as JSON strings."""
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise ValueError("no tables")
    for name, docs in tables.items():
        lazy = name in lazy_tables
        for key, doc in docs.items():
            if isinstance(doc, str) and lazy:
                docs[key] = LazyDocument(doc)
            elif not isinstance(doc, dict):
                raise ValueError("a malformed record")
    return tables


def encode_snapshot(
    data: Tables,
    *,
    db_id: str,
    seq: int,
    audit: AuditHead,
    codec: Codec,
    lazy_tables: Collection[str],
) -> list[bytes]:
    """The bytes of a snapshot file holding `data` as change `seq`, with the audit log's
    head as it stands at that change, sealed by `codec`."""
    if audit.seq != seq:
        raise ValueError("a snapshot's audit head must be at its own change")
    eager = {name: docs for name, docs in data.items() if name not in lazy_tables}
    directory: dict[str, list[list[Any]]] = {}
    region: list[bytes] = []
    offset = 0
    for name, docs in data.items():
        if name not in lazy_tables:
            continue
        entries = directory[name] = []
        for key, doc in docs.items():
            raw = doc.raw_json() if isinstance(doc, LazyDocument) else orjson.dumps(doc)
            entries.append([key, offset, offset + len(raw)])
            region.append(raw)
            offset += len(raw)
    head = orjson.dumps({"tables": eager, "lazy": directory}, default=to_fragment)
    plain = b"".join([SPLIT_BODY, head, b"\n", *region])
    body = seal_blob(codec, plain, snapshot_context(db_id, seq, audit))
    header = {
        "format": SNAPSHOT_FORMAT,
        "schema": SCHEMA_VERSION,
        "db": db_id,
        "seq": seq,
        "audit": audit.to_json(),
        "codec": codec.header(),
        "crc": zlib.crc32(body),
        "length": len(body),
    }
    return [orjson.dumps(header) + b"\n", body]
