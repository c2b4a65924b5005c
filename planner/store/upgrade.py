"""Upgrading a database written by planner before its history was chained (schema 1).

Schema 1 had the same three files, but: the lock was a separate ``NAME.lock``; journal and
audit lines were ``CRC PAYLOAD`` with no change number or link outside the seal; the audit
line of a change was written before its journal line, so a crash could leave an audit
record for a change that never committed (readers dropped it), and a later line for the
same change won; and the snapshot recorded no audit head.

The first writable open of such a database, holding both the old lock and the journal,
reads it the old way and writes it again as schema 2 with one rewrite (see
:mod:`planner.store.rewrite`): the committed audit records chained, a record of the
upgrade itself, and a snapshot standing at that record. A crash at any instant leaves the
old database or the new one. A database that cannot be written is not upgraded: it is
refused, with what to do. Backups taken by the earlier planner stay as they are; each is
checked the old way, and upgraded when it is restored.
"""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from planner.store import platform
from planner.store.codec import Codec, key_id
from planner.store.database import Database
from planner.store.documents import split_entry
from planner.store.errors import DatabaseCorrupt, StoreError, Undecryptable
from planner.store.files import FILE_MODE, complete_lines, json_object, unframe, write_at
from planner.store.layout import DatabaseFiles
from planner.store.lazy import LazyDocument
from planner.store.locking import lock_waiting
from planner.store.rewrite import Rewrite, stage_and_commit
from planner.store.snapshot import Tables, read_snapshot, read_snapshot_header, sealing_context
from planner.store.tables import ASSESSMENTS, INDEX

LEGACY_SCHEMA = 1
UPGRADE_FIELD = "database.upgrade"


def is_legacy(path: Path) -> bool:
    header, _ = read_snapshot_header(path)
    return header.schema == LEGACY_SCHEMA


def upgrade(db: Database, codec: Codec, *, at: datetime, by: str, mode: int = FILE_MODE) -> None:
    """Write the schema 1 database `db` again as schema 2 (its new files made with `mode`).
    The caller holds the journal's lock (or there is no journal) and has finished any
    interrupted work."""
    files = db.files
    with _legacy_lock(files):
        if not is_legacy(files.data):
            return  # another planner upgraded it while we waited
        tables, seq, db_id = _read_legacy(files, codec)
        _split_index(tables)
        records = [r for r in _legacy_records(files.audit, codec, db_id) if r["seq"] <= seq]
        entry = {
            "case": None,
            "item": None,
            "field": UPGRADE_FIELD,
            "old": None,
            "new": "upgraded to the chained history of this planner (schema 2)",
        }
        note = {"seq": seq + 1, "at": at.isoformat(), "by": by, "entries": [entry], "patch": []}
        db.storage.codec = codec
        db.storage.new_id(db_id)
        if not db.lock.held_now:
            db.lock.create()  # schema 1 could leave no journal after a crash
        encoded = stage_and_commit(db, Rewrite(tables, [*records, note], codec), mode=mode)
        header = db.storage.encode_journal_header(seq + 1, encoded.head, codec)
        write_at(db.lock.fd, 0, header)
    # Once let go: Windows removes no file that is open. An earlier planner waiting on it
    # then finds a database it cannot read, as it would have with the file removed first.
    with contextlib.suppress(FileNotFoundError, StoreError):
        platform.remove(files.legacy_lock)


def _split_index(tables: Tables) -> None:
    """Index entries as this planner stores them: the assessment in a table of its own."""
    index = tables.get(INDEX, {})
    assessments = tables.setdefault(ASSESSMENTS, {})
    for number, entry in list(index.items()):
        split = split_entry(entry)
        if split is not None:
            index[number], assessments[number] = split


@contextlib.contextmanager
def _legacy_lock(files: DatabaseFiles) -> Any:
    """The lock an earlier planner takes (an flock on NAME.lock), held while upgrading."""
    fd = platform.open_file(files.legacy_lock, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        lock_waiting(fd, exclusive=True)
        yield
    finally:
        platform.close_locked(fd)


def _read_legacy(files: DatabaseFiles, codec: Codec) -> tuple[Tables, int, str]:
    """The tables of a schema 1 database at its last committed change, that change's
    number, and the database id."""
    snapshot = read_snapshot(files.data, codec, ("cases",))
    tables, seq, db_id = snapshot.tables, snapshot.header.seq, snapshot.header.db_id
    try:
        data = files.journal.read_bytes()
    except FileNotFoundError:
        return tables, seq, db_id
    lines = complete_lines(data)
    if not lines or not lines[0].endswith(b"\n"):
        return tables, seq, db_id
    header = json_object(unframe(lines[0]))
    name = files.journal.name
    if header is None or header.get("db") != db_id:
        raise DatabaseCorrupt(f"{name} does not belong to {files.data.name}")
    base = header.get("base", seq)
    if not isinstance(base, int) or base > seq:
        raise DatabaseCorrupt(f"{name} continues a change {files.data.name} does not hold")
    if base < seq or header.get("kid", key_id(codec)) != key_id(codec):
        return tables, seq, db_id  # superseded by the snapshot
    context = sealing_context(db_id, "journal")
    for line in lines[1:]:
        if not line.endswith(b"\n"):
            break  # torn by a crash: never acknowledged
        payload = unframe(line)
        if payload is None:
            raise DatabaseCorrupt(f"{name} is damaged; restore a backup")
        try:
            record = orjson.loads(codec.open(payload, context))
            number, ops = int(record["seq"]), record["ops"]
        except (Undecryptable, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            raise DatabaseCorrupt(f"{name} holds a damaged record; restore a backup") from None
        if number <= seq:
            continue
        if number != seq + 1:
            raise DatabaseCorrupt(f"{name} skips a change; restore a backup")
        for table, key, doc in ops:
            target = tables.setdefault(table, {})
            if doc is None:
                target.pop(key, None)
            else:
                target[key] = LazyDocument(orjson.dumps(doc)) if table == "cases" else doc
        seq = number
    return tables, seq, db_id


def _legacy_records(path: Path, codec: Codec, db_id: str) -> list[dict[str, Any]]:
    """The records of a schema 1 audit log, one per change (a later line for a change
    wins, as it did then), oldest first."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    context = f"{db_id}/audit".encode()
    latest: dict[int, dict[str, Any]] = {}
    for line in complete_lines(data)[1:]:
        if not line.endswith(b"\n"):
            break
        payload = unframe(line)
        if payload is None:
            raise DatabaseCorrupt(f"{path.name} is damaged; restore a backup")
        try:
            record = orjson.loads(codec.open(payload, context))
            latest[int(record["seq"])] = record
        except (Undecryptable, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            raise DatabaseCorrupt(f"{path.name} holds a damaged record; restore a backup") from None
    return [latest[seq] for seq in sorted(latest)]
