"""A TinyDB storage that is crash-safe, fast to save, and shared safely between processes.

On disk a database is three files beside each other:

* ``NAME``: the snapshot (see :mod:`planner.store.snapshot`): every table at one change,
  only ever replaced whole (temp file, fsync, rename, fsync dir).
* ``NAME.journal``: a header line (database id, the change it follows, the id of the key
  its lines are sealed with), then one checksummed line per change since the snapshot,
  each holding the whole new documents it touched, sealed by the codec (base64 of a fresh
  nonce, ciphertext and tag when encrypted). A change is acknowledged only after its line
  is fsync'd. A last line without its newline (a crash mid-append) is ignored and trimmed;
  a complete line that fails its checksum or seal is damage (DatabaseCorrupt). A journal
  whose base is older than the snapshot was superseded by it (a crash between writing a
  snapshot and its new journal, or a passphrase change) and is replaced unread.
* ``NAME.lock``: held (flock) by whoever reads or writes; released by the kernel if its
  holder dies, so a killed process never blocks the next one.

TinyDB writes the whole database on every change. The repository commits the documents
a change touches (:meth:`JournalStorage.commit`) instead, so a save appends just those
documents and touches nothing else in memory. When the journal has grown to a
quarter of the snapshot, the next save folds it into a new snapshot.

A storage opened ``read_only`` never writes: a missing or stale journal reads as empty
and every write raises ReadOnlyDatabase.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from planner.store.codec import Codec, PlainCodec, key_id
from planner.store.errors import DatabaseCorrupt, ReadOnlyDatabase, StoreError, Undecryptable
from planner.store.files import (
    append_durably,
    atomic_write,
    frame,
    framed_lines,
    json_object,
    sweep_temp_files,
    unframe,
)
from planner.store.lazy import to_fragment
from planner.store.snapshot import (
    SCHEMA_VERSION,
    Tables,
    encode_snapshot,
    read_snapshot,
    sealing_context,
)

JOURNAL_FORMAT = "planner-journal"
COMPACT_MIN_BYTES = 1 << 20
# Tables whose documents are kept as JSON text on disk (see planner.store.lazy).
LAZY_TABLES = ("cases",)

Op = tuple[str, str]  # (table, document key)


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
    def lock(self) -> Path:
        return self.data.with_name(self.data.name + ".lock")

    def all(self) -> tuple[Path, ...]:
        return (self.data, self.journal, self.audit)


class JournalStorage(Storage):
    """TinyDB storage over a snapshot plus an append-only journal (see module docstring).

    Callers must hold the database lock around :meth:`refresh` and any write.
    """

    def __init__(
        self,
        files: DatabaseFiles,
        codec: Codec | None = None,
        *,
        lazy_tables: Collection[str] = LAZY_TABLES,
        read_only: bool = False,
    ) -> None:
        self.files = files
        self.codec: Codec = codec or PlainCodec()
        self.read_only = read_only
        # Tables whose documents are stored as JSON text and parsed only when read.
        self.lazy_tables = frozenset(lazy_tables)
        self._tables: Tables = {}
        self._db_id = ""
        self._seq = 0
        self._snapshot_seq = 0
        self._snapshot_key: tuple[int, int, int] | None = None
        self._snapshot_size = 0
        self._journal_ino = -1
        self._journal_offset = 0

    # --- TinyDB's interface ---------------------------------------------------------------

    def read(self) -> Tables:
        return self._tables

    def write(self, data: Tables) -> None:
        """TinyDB's way to change anything: the whole database as a new snapshot. The
        store commits changes with :meth:`commit` instead."""
        with self._reloading_on_failure():
            self._write_snapshot(data, self._seq + 1)

    def close(self) -> None:
        self._tables = {}
        self._snapshot_key = None

    # --- what the repository uses ---------------------------------------------------------

    @property
    def db_id(self) -> str:
        return self._db_id

    @property
    def seq(self) -> int:
        """The number of the last change this storage has seen."""
        return self._seq

    @property
    def journal_length(self) -> int:
        """Bytes of the journal up to the end of the last record applied."""
        return self._journal_offset

    def adopt(self, codec: Codec) -> None:
        """Use `codec` from now on (after a passphrase change); the caller holds the lock."""
        self.codec = codec
        self._snapshot_key = None

    def commit(self, changes: Mapping[str, Mapping[str, dict[str, Any] | None]]) -> None:
        """One change: put these documents in their tables (None removes one) and append
        them to the journal as one record, fsync'd before this returns.

        Only the documents named are touched, never the rest of a table, so a change
        costs the same in a database of 20 people or 20,000. With no documents the
        record is empty, so an audit note has a change number of its own. If anything
        fails, memory is reloaded from disk. The caller holds the lock.
        """
        self._writable()
        ops: list[Op] = []
        with self._reloading_on_failure():
            for table, docs in changes.items():
                target = self._tables.setdefault(table, {})
                for key, doc in docs.items():
                    if doc is None:
                        target.pop(key, None)
                    else:
                        target[key] = doc
                    ops.append((table, key))
            self._append(self._tables, ops)

    @contextlib.contextmanager
    def _reloading_on_failure(self) -> Iterator[None]:
        try:
            yield
        except BaseException:
            # The in-memory tables may hold a change that did not reach the disk.
            self._snapshot_key = None
            with contextlib.suppress(StoreError, OSError):
                self.refresh()
            raise

    def exists(self) -> bool:
        return self.files.data.exists()

    def create(self) -> None:
        """Write a new, empty database. The caller holds the lock."""
        self._db_id = uuid.uuid4().hex
        self._tables = {}
        self._seq = 0
        self._write_snapshot({}, 0)

    def refresh(self) -> bool:
        """Bring the in-memory tables up to date with the files; True if anything changed."""
        snap = os.stat(self.files.data)
        key = (snap.st_ino, snap.st_size, snap.st_mtime_ns)
        try:
            journal = os.stat(self.files.journal)
        except FileNotFoundError:
            journal = None
        if key != self._snapshot_key or journal is None or journal.st_ino != self._journal_ino:
            self._load()
            return True
        if journal.st_size > self._journal_offset:
            return self._replay_from(self._journal_offset) > 0
        return False

    def compact_if_due(self) -> bool:
        journal_bytes = self._journal_offset
        if journal_bytes > max(COMPACT_MIN_BYTES, self._snapshot_size // 4):
            self.compact()
            return True
        return False

    def compact(self) -> None:
        """Fold the journal into a new snapshot. The caller holds the lock."""
        self._write_snapshot(self._tables, self._seq)

    def replace_all(self, data: Tables) -> None:
        """Write `data` as the whole database in one new snapshot (bulk loads, purge)."""
        self._write_snapshot(data, self._seq + 1)
        self._tables = data

    # --- loading --------------------------------------------------------------------------

    def _load(self) -> None:
        snapshot = read_snapshot(self.files.data, self.codec, self.lazy_tables)
        header = snapshot.header
        self.codec = snapshot.codec
        self._db_id = header.db_id
        self._tables = snapshot.tables
        self._seq = header.seq
        self._snapshot_seq = header.seq
        self._snapshot_key = snapshot.key
        self._snapshot_size = snapshot.size
        self._load_journal()

    def _load_journal(self) -> None:
        journal = self.files.journal
        try:
            with journal.open("rb") as handle:
                first = handle.readline()
                stat = os.fstat(handle.fileno())
        except FileNotFoundError:
            # A crash between the snapshot and its new journal: start an empty one.
            self._fresh_journal()
            return
        header = json_object(unframe(first))
        if header is None or header.get("format") != JOURNAL_FORMAT:
            raise DatabaseCorrupt(f"{journal.name} is not a planner journal")
        if header.get("db") != self._db_id:
            raise DatabaseCorrupt(f"{journal.name} belongs to another database")
        base = header.get("base", self._snapshot_seq)
        if not isinstance(base, int) or base > self._snapshot_seq:
            raise DatabaseCorrupt(
                f"{journal.name} continues change {base} but {self.files.data.name} holds only "
                f"{self._snapshot_seq} (an older copy of the database?); run 'planner doctor'"
            )
        other_key = header.get("kid", key_id(self.codec)) != key_id(self.codec)
        if base < self._snapshot_seq or (other_key and stat.st_size == len(first)):
            # Superseded by the snapshot: every change it holds is in the snapshot already
            # (or it holds none, left by a passphrase change that was cut short).
            if self.read_only:
                self._journal_ino = stat.st_ino
                self._journal_offset = stat.st_size
            else:
                self._fresh_journal()
            return
        if other_key:
            raise DatabaseCorrupt(f"{journal.name} is sealed with another key than its database")
        self._journal_ino = stat.st_ino
        self._journal_offset = len(first)
        self._replay_from(len(first))

    def _fresh_journal(self) -> None:
        if self.read_only:
            self._journal_ino = -1
            self._journal_offset = 0
        else:
            self._new_journal(self._seq)

    def _replay_from(self, offset: int) -> int:
        """Apply journal records after `offset`; returns how many were new."""
        journal = self.files.journal
        with journal.open("rb") as handle:
            handle.seek(offset)
            tail = handle.read()
        applied = 0
        context = sealing_context(self._db_id, "journal")
        # A torn last line is left out: the change it held was never acknowledged.
        for start, payload, end in framed_lines(tail, offset, journal.name):
            offset = start
            try:
                record = orjson.loads(self.codec.open(payload, context))
                seq = int(record["seq"])
                ops = _checked_ops(record["ops"])
            except Undecryptable:
                raise DatabaseCorrupt(
                    f"{journal.name} holds a record at byte {offset} that does not decrypt: "
                    "it was altered or damaged; run 'planner doctor'"
                ) from None
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                raise DatabaseCorrupt(
                    f"{journal.name} holds a damaged record at byte {offset}"
                ) from None
            if seq > self._seq:
                if seq != self._seq + 1:
                    raise DatabaseCorrupt(
                        f"{journal.name} skips from change {self._seq} to {seq}; "
                        "run 'planner doctor'"
                    )
                for table, key, doc in ops:
                    if doc is None:
                        self._tables.get(table, {}).pop(key, None)
                    else:
                        self._tables.setdefault(table, {})[key] = doc
                self._seq = seq
                applied += 1
            offset = end
        self._journal_offset = offset
        return applied

    # --- writing --------------------------------------------------------------------------

    def _append(self, data: Tables, ops: list[Op]) -> None:
        self._writable()
        journal = self.files.journal
        seq = self._seq + 1
        record = {"seq": seq, "ops": [[t, k, data.get(t, {}).get(k)] for t, k in ops]}
        plain = orjson.dumps(record, default=to_fragment)
        line = frame(self.codec.seal(plain, sealing_context(self._db_id, "journal")))
        if os.stat(journal).st_size != self._journal_offset:
            os.truncate(journal, self._journal_offset)  # trim a torn line left by a crash
        self._journal_offset = append_durably(journal, line)
        self._seq = seq

    def encode_snapshot(self, data: Tables, seq: int, codec: Codec | None = None) -> list[bytes]:
        """The bytes of a snapshot file holding `data` as change `seq`, sealed by `codec`."""
        return encode_snapshot(
            data,
            db_id=self._db_id,
            seq=seq,
            codec=codec or self.codec,
            lazy_tables=self.lazy_tables,
        )

    def _write_snapshot(self, data: Tables, seq: int) -> None:
        self._writable()
        folder = self.files.data.parent
        folder.mkdir(parents=True, exist_ok=True)
        sweep_temp_files(folder)
        atomic_write(self.files.data, self.encode_snapshot(data, seq))
        snap = os.stat(self.files.data)
        self._snapshot_key = (snap.st_ino, snap.st_size, snap.st_mtime_ns)
        self._snapshot_size = snap.st_size
        self._snapshot_seq = seq
        self._seq = seq
        self._new_journal(seq)

    def encode_journal_header(self, base: int, codec: Codec | None = None) -> bytes:
        header = {
            "format": JOURNAL_FORMAT,
            "schema": SCHEMA_VERSION,
            "db": self._db_id,
            "base": base,
            "kid": key_id(codec or self.codec),
        }
        return frame(orjson.dumps(header))

    def _new_journal(self, base: int) -> None:
        self._writable()
        first = self.encode_journal_header(base)
        atomic_write(self.files.journal, [first])
        self._journal_ino = os.stat(self.files.journal).st_ino
        self._journal_offset = len(first)

    def _writable(self) -> None:
        if self.read_only:
            raise ReadOnlyDatabase(
                f"{self.files.data.name} is open read-only; changes cannot be saved"
            )


def _checked_ops(raw: object) -> list[tuple[str, str, Any]]:
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
