"""A TinyDB storage that is crash-safe, fast to save, and shared safely between processes.

On disk a database is three files beside each other:

* ``NAME``: the snapshot (see :mod:`planner.store.snapshot`): every table at one change,
  with the audit log's head at that change; only ever replaced whole (temp file, fsync,
  rename, fsync of the folder).
* ``NAME.journal``: a header line (database id, the change it follows, the audit head
  then, the id of the key its lines are sealed with), then one chained record line per
  change since (see :mod:`planner.store.files` and :mod:`planner.store.chain`), each
  holding the whole new documents it touched and the exact line its audit record has,
  sealed by the codec. A change is acknowledged only after its line is fsync'd. The
  journal is also the database's lock (see :mod:`planner.store.locking`), so planner never
  deletes or replaces it: folding it into a new snapshot empties it in place.
* ``NAME.audit``: the audit log (see :mod:`planner.store.audit`).

A last journal line without its newline (a crash mid-write) is ignored and cut off by the
next write; a complete line that fails its checksum, its seal or its chain is damage
(DatabaseCorrupt). Records up to the change the snapshot holds are superseded by it (a
crash between writing a snapshot and emptying the journal leaves them) and are skipped. An
empty journal, or one whose header a crash cut short, holds nothing beyond the snapshot.
Whether the journal holds *every* change is for the audit log to say (see
:mod:`planner.store.integrity`).

TinyDB writes the whole database on every change. The store commits the documents a
change touches (:meth:`JournalStorage.commit`) instead, so a save appends just those
documents and touches nothing else in memory.

A storage opened ``read_only`` never writes: every write raises ReadOnlyDatabase.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tinydb.storages import Storage

from planner.store import platform
from planner.store.audit_format import AuditHead
from planner.store.chain import chain_key, genesis, link
from planner.store.codec import Codec, PlainCodec
from planner.store.errors import (
    DatabaseCorrupt,
    ReadOnlyDatabase,
    StoreError,
    WriteFailed,
)
from planner.store.files import (
    RecordLine,
    atomic_write,
    complete_lines,
    frame_record,
    json_object,
    record_lines,
    torn_record,
    unframe,
    write_at,
)
from planner.store.journal_format import (
    Embedded,
    encode_header,
    open_record,
    parse_header,
    seal_record,
)
from planner.store.layout import DatabaseFiles
from planner.store.locking import DatabaseLock
from planner.store.snapshot import Snapshot, Tables, encode_snapshot, read_snapshot

COMPACT_MIN_BYTES = 1 << 20
# Tables whose documents are kept as JSON text until read (see planner.store.lazy).
LAZY_TABLES = ("cases", "assessments")


@dataclass(frozen=True, slots=True)
class JournalCopy:
    """The journal as it stood under the lock: its identity (device, inode; None when it
    is missing), its bytes up to its length then, and those of ``NAME.journal.next`` (a
    fold a crash interrupted), if there is one. Replayed after the lock is let go, it
    reads exactly as the files did then, whatever a writer does meanwhile (appending,
    cutting off a torn last line, emptying the journal in place after a fold)."""

    identity: tuple[int, int] | None
    data: bytes
    pending: bytes | None


@dataclass(frozen=True, slots=True)
class OpenCopy:
    """What an open takes under the lock to load with the lock let go: the snapshot read
    before (checked to be the one at the path then) and the journal written after it."""

    snapshot: Snapshot
    journal: JournalCopy


@dataclass(frozen=True, slots=True)
class Appended:
    """The journal's bytes after the last record read, copied under the lock to be
    replayed after it (see :meth:`JournalStorage.copy_appended`)."""

    generation: int
    offset: int
    data: bytes


@dataclass(frozen=True, slots=True)
class Damage:
    """Where the journal holds a record that cannot be read: its byte, what is wrong, and
    whether more lines follow it (a crash damages only the last)."""

    offset: int
    text: str
    followed: bool


class JournalStorage(Storage):
    """TinyDB storage over a snapshot plus an append-only journal (see module docstring).

    Callers hold the database lock (`lock`) around :meth:`refresh` and any write. An
    open holds it only around :meth:`copy_for_open`, and loads the copy after it
    (:meth:`load_copy`).
    """

    def __init__(
        self,
        files: DatabaseFiles,
        codec: Codec | None = None,
        *,
        lock: DatabaseLock | None = None,
        lazy_tables: Collection[str] = LAZY_TABLES,
        read_only: bool = False,
    ) -> None:
        self.files = files
        self.codec: Codec = codec or PlainCodec()
        self.lock = lock
        self.read_only = read_only
        # Tables whose documents are stored as JSON text and parsed only when read.
        self.lazy_tables = frozenset(lazy_tables)
        self._tables: Tables = {}
        self._db_id = ""
        self._seq = 0
        self._snapshot_seq = 0
        self.audit_head: AuditHead | None = None  # as the snapshot records it
        self._snapshot_key: tuple[int, int, int] | None = None
        self._snapshot_size = 0
        self._preloaded: Snapshot | None = None
        self._retired: Tables | None = None  # replaced by a reload, to free after the lock
        self._pending: bytes | None = None  # the journal a fold left to put in place
        self._reset_journal_state()

    def _reset_journal_state(self) -> None:
        # Changes whenever the journal in memory stops being a continuation of the one
        # before (read afresh, or swapped after a fold): see `journal_mark`.
        self._generation = getattr(self, "_generation", 0) + 1
        self._journal_id: tuple[int, int] | None = None
        self._journal_offset = 0  # end of the last complete record (where the next goes)
        self._journal_link = b""
        self._journal_fresh = True  # holds no header yet: write one before a record
        self._journal_foreign: str | None = None  # why records after the snapshot cannot apply
        self._journal_last_seq = 0  # of the last record line read (applied or superseded)
        self._live_start = 0  # where the records after the snapshot begin
        self.journal_missing = False
        self.embedded: dict[int, Embedded] = {}  # audit lines of changes after the snapshot
        self.unterminated: RecordLine | None = None  # a whole last record missing its newline
        self.damage: Damage | None = None  # where reading stopped at a damaged record

    # --- TinyDB's interface ---------------------------------------------------------------

    def read(self) -> Tables:
        return self._tables

    def write(self, data: Tables) -> None:
        raise StoreError("planner changes the database through its store, not TinyDB's writes")

    def close(self) -> None:
        self._tables = {}
        self._snapshot_key = None

    # --- what the store uses --------------------------------------------------------------

    @property
    def db_id(self) -> str:
        return self._db_id

    @property
    def seq(self) -> int:
        """The number of the last change this storage holds."""
        return self._seq

    @property
    def snapshot_seq(self) -> int:
        return self._snapshot_seq

    @property
    def journal_length(self) -> int:
        """Bytes of the journal up to the end of the last record applied."""
        return self._journal_offset

    def adopt(self, codec: Codec) -> None:
        """Use `codec` from now on (after a passphrase change); the caller holds the lock."""
        self.codec = codec
        self._snapshot_key = None

    def refresh(self) -> bool:
        """Bring the in-memory tables up to date with the files; True if anything changed."""
        if self._pending is not None and not self.files.next_journal.exists():
            self._pending = None  # the fold is finished: the journal holds the same bytes
        snap = os.stat(self.files.data)
        key = (snap.st_ino, snap.st_size, snap.st_mtime_ns)
        journal = self._journal_stat()
        identity = None if journal is None else (journal.st_dev, journal.st_ino)
        if key != self._snapshot_key or identity != self._journal_id:
            self._load()
            return True
        if journal is not None and journal.st_size < self._journal_offset:
            self._load()  # cut short by someone: read it again, for the audit log to judge
            return True
        if journal is not None and journal.st_size != self._journal_offset:
            return (
                self._read_journal(self._journal_offset, self._read_bytes(self._journal_offset)) > 0
            )
        return False

    def _take_preloaded(self) -> Snapshot | None:
        """The preloaded snapshot, if it is the one at the path now. One that is not is
        left for the next preload to replace: freeing a large snapshot's documents takes
        tens of milliseconds, never to be spent holding the lock."""
        preloaded = self._preloaded
        if preloaded is None:
            return None
        snap = os.stat(self.files.data)
        if preloaded.key != (snap.st_ino, snap.st_size, snap.st_mtime_ns):
            return None
        self._preloaded = None
        return preloaded

    def reload_next(self) -> None:
        """Read the files afresh at the next refresh."""
        self._snapshot_key = None

    def release_retired(self) -> None:
        """Free the tables a reload replaced (the caller has let the lock go: freeing a
        large snapshot's documents takes tens of milliseconds)."""
        self._retired = None

    # --- catching up with no lock held ---------------------------------------------------

    def appended(self) -> int:
        """Bytes someone appended to the journal since it was read (0 when it was replaced,
        cut short or never read); no lock needed, it is only a hint."""
        if self._pending is not None or self._journal_offset == 0:
            return 0
        try:
            journal = os.stat(self.files.journal, follow_symlinks=False)
        except FileNotFoundError:
            return 0
        if (journal.st_dev, journal.st_ino) != self._journal_id:
            return 0
        return max(0, journal.st_size - self._journal_offset)

    def copy_appended(self) -> Appended | None:
        """The journal's bytes after the last record read, for :meth:`apply_appended` to
        replay with no lock held; the caller holds the lock (shared is enough). None when
        the files are no longer the ones loaded (a fold, a journal cut short): the refresh
        reloads them then."""
        if self._pending is not None or self._journal_offset == 0 or self._snapshot_key is None:
            return None
        snap = os.stat(self.files.data)
        journal = self._journal_stat()
        if (
            (snap.st_ino, snap.st_size, snap.st_mtime_ns) != self._snapshot_key
            or journal is None
            or (journal.st_dev, journal.st_ino) != self._journal_id
            or journal.st_size < self._journal_offset
        ):
            return None
        offset = self._journal_offset
        return Appended(self._generation, offset, self._read_file(offset))

    def apply_appended(self, appended: Appended) -> None:
        """Replay what :meth:`copy_appended` took, as a refresh would, if nothing was
        read since; the next refresh under the lock reads only what came after it."""
        if (appended.generation, appended.offset) == (self._generation, self._journal_offset):
            self._read_journal(appended.offset, appended.data)

    def _journal_stat(self) -> os.stat_result | None:
        if self.lock is not None and self.lock.held_now:
            return os.fstat(self.lock.fd)
        try:
            return os.stat(self.files.journal, follow_symlinks=False)
        except FileNotFoundError:
            return None

    # --- loading --------------------------------------------------------------------------

    def preload(self) -> bool:
        """Read the snapshot at the path if it is not the one loaded (no lock needed: it
        is only ever replaced whole); the next refresh uses it if it is still there.
        True when a snapshot is held ready (False: it is the one loaded, or it cannot be
        read now)."""
        try:
            snap = os.stat(self.files.data)
        except FileNotFoundError:
            return False
        key = (snap.st_ino, snap.st_size, snap.st_mtime_ns)
        if key == self._snapshot_key:
            return False
        if self._preloaded and self._preloaded.key == key:
            return True
        try:
            self._preloaded = read_snapshot(self.files.data, self.codec, self.lazy_tables)
        except (StoreError, OSError):
            self._preloaded = None  # the refresh under the lock says what is wrong
        return self._preloaded is not None

    def unread_snapshot(self) -> bool:
        """Whether the snapshot at the path is neither the one loaded nor the one
        preloaded: someone put a new one in place (a fold) since the last preload."""
        try:
            snap = os.stat(self.files.data)
        except FileNotFoundError:
            return False  # the refresh says what is wrong
        key = (snap.st_ino, snap.st_size, snap.st_mtime_ns)
        preloaded = self._preloaded
        return key != self._snapshot_key and (preloaded is None or preloaded.key != key)

    def copy_for_open(self) -> OpenCopy | None:
        """The preloaded snapshot and the journal's bytes, for :meth:`load_copy` to load
        with no lock held; the caller holds the lock (shared is enough), just for this.
        None when the snapshot preloaded is not the one at the path (a fold came in
        between: preload again) or none was."""
        snapshot = self._take_preloaded()
        if snapshot is None:
            return None
        return OpenCopy(snapshot, self.copy_journal())

    def load_copy(self, copy: OpenCopy) -> None:
        """Load what :meth:`copy_for_open` took, as a refresh under the lock would have:
        the records are parsed, checked against the chain and applied here, with no lock
        held, so a save elsewhere does not wait for a long journal's replay."""
        self._install(copy.snapshot, copy.journal)

    def copy_journal(self) -> JournalCopy:
        """The journal's bytes as they stand; the caller holds the lock."""
        pending = self._read_pending()
        journal = self._journal_stat()
        if journal is None:
            return JournalCopy(None, b"", pending)
        return JournalCopy((journal.st_dev, journal.st_ino), self._read_file(0), pending)

    def _load(self) -> None:
        snapshot = self._take_preloaded() or read_snapshot(
            self.files.data, self.codec, self.lazy_tables
        )
        self._install(snapshot, self.copy_journal())

    def _install(self, snapshot: Snapshot, journal: JournalCopy) -> None:
        """Hold `snapshot` and replay `journal` (read under the lock) after it."""
        header = snapshot.header
        if header.audit is None:
            raise DatabaseCorrupt(f"{self.files.data.name} must be upgraded before it is read")
        self.codec = snapshot.codec
        self._db_id = header.db_id
        if self._tables:
            self._retired = self._tables  # freed once the lock is let go
        self._tables = snapshot.tables
        self._seq = header.seq
        self._snapshot_seq = header.seq
        self.audit_head = header.audit
        self._snapshot_key = snapshot.key
        self._snapshot_size = snapshot.size
        self._reset_journal_state()
        self._pending = _following(journal.pending, self._snapshot_seq)
        if journal.identity is None:
            self.journal_missing = True
            return
        self._journal_id = journal.identity
        self._read_journal(0, journal.data if self._pending is None else self._pending)

    def _read_pending(self) -> bytes | None:
        """The journal a fold a crash interrupted left to put in place, if any."""
        try:
            return self.files.next_journal.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def _read_bytes(self, offset: int) -> bytes:
        if self._pending is not None:
            return self._pending[offset:]
        return self._read_file(offset)

    def _read_file(self, offset: int) -> bytes:
        """The journal's bytes from `offset` to its end (by the lock's file when held)."""
        if self.lock is not None and self.lock.held_now:
            fd = self.lock.fd
            size = os.fstat(fd).st_size
            chunks = []
            while offset < size:
                chunk = platform.pread(fd, min(size - offset, 1 << 24), offset)
                if not chunk:
                    break
                chunks.append(chunk)
                offset += len(chunk)
            return b"".join(chunks)
        with self.files.journal.open("rb") as handle:
            handle.seek(offset)
            return handle.read()

    def _read_journal(self, offset: int, data: bytes) -> int:
        """Read the journal's bytes `data`, from byte `offset` (0: from its header), and
        apply the records after the snapshot's change; returns how many were new."""
        if offset == 0:
            offset = self._read_header(data)
            if offset == 0:
                return 0  # empty, or a header cut short by a crash: nothing beyond the snapshot
            data = data[offset:]
        lines = record_lines(data, offset)
        applied = 0
        for record in lines.records:
            try:
                applied += self._apply(record)
            except DatabaseCorrupt as exc:
                self.damage = Damage(record.start, str(exc), _more_after(data, offset, record.end))
                return applied
            self._journal_offset = record.end
            self._journal_link = record.link
            self._journal_last_seq = record.seq
        self.unterminated = None
        if lines.damaged_at is not None:
            line_end = data.index(b"\n", lines.damaged_at - offset) + 1 + offset
            self.damage = Damage(
                lines.damaged_at,
                f"{self.files.journal.name} is damaged at byte {lines.damaged_at} (a record "
                "there fails its checksum)",
                _more_after(data, offset, line_end),
            )
        elif lines.torn is not None:
            whole = torn_record(lines.torn)
            if whole is not None and self._fits(whole):
                self.unterminated = whole
        return applied

    def _read_header(self, data: bytes) -> int:
        """Check the journal's header; returns where its records start (0: none yet)."""
        name = self.files.journal.name
        lines = complete_lines(data[: 64 * 1024])
        if not lines or not lines[0].endswith(b"\n"):
            return 0
        payload = unframe(lines[0])
        header = parse_header(payload, db_id=self._db_id, codec=self.codec, name=name)
        if header.base > self._snapshot_seq:
            raise DatabaseCorrupt(
                f"{name} continues change {header.base} but {self.files.data.name} holds only "
                f"{self._snapshot_seq} (an older copy of the database?); run 'planner doctor'"
            )
        if header.legacy:
            return 0  # an earlier planner's, folded into the snapshot by the upgrade
        assert payload is not None
        base = header.base
        head = self.audit_head
        if not header.same_key:
            self._journal_foreign = f"{name} is sealed with another key than its database"
        elif base == self._snapshot_seq and head is not None and header.audit_link != head.link:
            self._journal_foreign = f"{name} was made for another copy of {self.files.data.name}"
        self._journal_link = genesis(chain_key(self.codec), payload)
        self._journal_fresh = False
        self._journal_offset = self._live_start = len(lines[0])
        self._journal_last_seq = base
        return len(lines[0])

    def _fits(self, record: RecordLine) -> bool:
        """Whether `record` comes next in the chain (a whole record, its newline missing)."""
        if self._journal_fresh or self._journal_foreign is not None:
            return False
        following = record.seq == self._journal_last_seq + 1
        key = chain_key(self.codec)
        return (
            following and link(key, self._journal_link, record.seq, record.payload) == record.link
        )

    def _apply(self, record: RecordLine) -> int:
        """Check one record against the chain and apply it if the snapshot lacks it."""
        name = self.files.journal.name
        where = f"{name} at byte {record.start}"
        if record.seq <= self._snapshot_seq:
            self._live_start = record.end
            return 0  # superseded by the snapshot (and maybe sealed with an older key)
        if self._journal_foreign is not None:
            raise DatabaseCorrupt(f"{self._journal_foreign}; run 'planner doctor'")
        if (
            link(chain_key(self.codec), self._journal_link, record.seq, record.payload)
            != record.link
        ):
            raise DatabaseCorrupt(
                f"{where} does not fit the journal's chain: it was altered, or records were "
                "removed or moved; run 'planner doctor'"
            )
        if record.seq != self._seq + 1:
            raise DatabaseCorrupt(
                f"{name} skips from change {self._seq} to {record.seq}; run 'planner doctor'"
            )
        ops, audit_line = open_record(self.codec, self._db_id, record.seq, record.payload, where)
        for table, key, doc in ops:
            if doc is None:
                self._tables.get(table, {}).pop(key, None)
            else:
                self._tables.setdefault(table, {})[key] = doc
        self._seq = record.seq
        self.embedded[record.seq] = audit_line
        return 1

    # --- writing --------------------------------------------------------------------------

    def commit(
        self,
        changes: Mapping[str, Mapping[str, dict[str, Any] | None]],
        audit_line: Embedded,
    ) -> None:
        """One change: put these documents in their tables (None removes one) and append
        them, with the change's audit line, to the journal as one record, fsync'd before
        this returns.

        Only the documents named are touched, never the rest of a table, so a change
        costs the same in a database of 20 people or 20,000. If anything fails, memory is
        reloaded from disk. The caller holds the lock and has refreshed.
        """
        self._writable()
        seq = self._seq + 1
        ops = [[table, key, doc] for table, docs in changes.items() for key, doc in docs.items()]
        with self._reloading_on_failure():
            if self._journal_fresh:  # emptied, or its header cut short by a crash
                self._write_header(self._snapshot_seq)
            payload = seal_record(self.codec, self._db_id, seq, ops, audit_line)
            chained = link(chain_key(self.codec), self._journal_link, seq, payload)
            self._append(frame_record(seq, chained, payload))
            for table, docs in changes.items():
                target = self._tables.setdefault(table, {})
                for key, doc in docs.items():
                    if doc is None:
                        target.pop(key, None)
                    else:
                        target[key] = doc
            self._seq = seq
            self._journal_link = chained
            self._journal_last_seq = seq
            self.embedded[seq] = audit_line

    def _append(self, line: bytes) -> None:
        lock = self._held_lock()
        self._journal_offset = write_at(lock.fd, self._journal_offset, line)
        self.unterminated = None
        if not lock.still_at_path():
            raise WriteFailed(
                f"{self.files.journal.name} was removed or replaced while saving, so this "
                "change may not be kept: nothing is acknowledged; run 'planner doctor'"
            )

    def _held_lock(self) -> DatabaseLock:
        if self.lock is None or not self.lock.held_now or self.lock.shared:
            raise StoreError("writing needs the database's exclusive lock")
        if not self.lock.still_at_path():
            raise WriteFailed(
                f"{self.files.journal.name} was removed or replaced since planner locked it; "
                "nothing was changed; run 'planner doctor'"
            )
        return self.lock

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

    def create(self, audit_head: AuditHead) -> None:
        """Write a new, empty database at change 0 (the caller created and holds the lock)."""
        self._tables = {}
        self._seq = 0
        self._write_snapshot({}, 0, audit_head)

    def new_id(self, db_id: str) -> None:
        self._db_id = db_id

    def compact_due(self) -> bool:
        """Whether the journal's records since the snapshot have grown enough to fold."""
        live = self._journal_offset - self._live_start
        return live > max(COMPACT_MIN_BYTES, self._snapshot_size // 4)

    # --- folding the journal in the background (see planner.store.compaction) -------------

    def tables_now(self) -> Tables:
        """A copy of every table as it stands: documents are replaced whole by a change,
        never changed in place, so copying each table's mapping is enough."""
        return {name: dict(docs) for name, docs in self._tables.items()}

    @property
    def journal_mark(self) -> tuple[int, int]:
        """Where the journal stands: valid for `records_after` while the journal is only
        appended to (the same generation), whatever other processes append."""
        return self._generation, self._journal_offset

    def records_after(self, seq: int, mark: tuple[int, int] | None = None) -> list[RecordLine]:
        """The journal's record lines of the changes after `seq` (the caller holds the lock
        and has refreshed; they are all after the snapshot). With the `journal_mark` taken
        at change `seq`, only the journal's bytes after it are read (a fold's install
        keeps the lock for as long as this takes, and the journal may be 16 MB)."""
        if seq < self._snapshot_seq:
            raise StoreError("the records asked for are folded into the snapshot already")
        start = self._live_start
        if mark is not None and mark[0] == self._generation and start <= mark[1]:
            start = mark[1]
        data = self._read_bytes(start)[: self._journal_offset - start]
        return [r for r in record_lines(data, start).records if r.seq > seq]

    def adopt_snapshot(self, seq: int, audit_head: AuditHead, journal_content: bytes) -> None:
        """The snapshot at the path is now the one of change `seq` (renamed in by the
        caller under the lock), and the journal holds `journal_content`: a header after
        `seq` and the records since, as just written."""
        snap = os.stat(self.files.data)
        self._snapshot_key = (snap.st_ino, snap.st_size, snap.st_mtime_ns)
        self._snapshot_size = snap.st_size
        self._snapshot_seq = seq
        self.audit_head = audit_head
        self._generation += 1  # a new journal: marks taken on the old one no longer hold
        lines = complete_lines(journal_content)
        payload = unframe(lines[0])
        assert payload is not None
        self._journal_offset = len(journal_content)
        self._live_start = len(lines[0])
        self._journal_link = genesis(chain_key(self.codec), payload)
        self._journal_last_seq = seq
        for line in record_lines(journal_content[len(lines[0]) :], len(lines[0])).records:
            self._journal_link, self._journal_last_seq = line.link, line.seq
        self.embedded = {n: line for n, line in self.embedded.items() if n > seq}

    def compact(self, audit_head: AuditHead) -> None:
        """Fold the journal into a new snapshot; `audit_head` is the audit log's head at
        the current change. The caller holds the lock."""
        self._write_snapshot(self._tables, self._seq, audit_head)

    def replace(self, data: Tables, seq: int, audit_head: AuditHead) -> None:
        """Write `data` as the whole database at change `seq`, the audit log standing at
        `audit_head` (a repair's replay); the journal is emptied. The caller holds the lock."""
        self._write_snapshot(data, seq, audit_head)

    def encode_snapshot(
        self, data: Tables, seq: int, audit_head: AuditHead, codec: Codec | None = None
    ) -> list[bytes]:
        """The bytes of a snapshot file holding `data` as change `seq`, sealed by `codec`."""
        return encode_snapshot(
            data,
            db_id=self._db_id,
            seq=seq,
            audit=audit_head,
            codec=codec or self.codec,
            lazy_tables=self.lazy_tables,
        )

    def _write_snapshot(self, data: Tables, seq: int, audit_head: AuditHead) -> None:
        self._writable()
        lock = self._held_lock()
        atomic_write(self.files.data, self.encode_snapshot(data, seq, audit_head))
        snap = os.stat(self.files.data)
        self._snapshot_key = (snap.st_ino, snap.st_size, snap.st_mtime_ns)
        self._snapshot_size = snap.st_size
        self._snapshot_seq = seq
        self._seq = seq
        self._tables = data
        self.audit_head = audit_head
        held = os.fstat(lock.fd)
        self._reset_journal_state()
        self._journal_id = (held.st_dev, held.st_ino)
        self._write_header(seq)

    def encode_journal_header(self, base: int, audit_head: AuditHead, codec: Codec) -> bytes:
        return encode_header(self._db_id, base, audit_head, codec)

    def _write_header(self, base: int) -> None:
        """Empty the journal in place and start it again after change `base`."""
        lock = self._held_lock()
        assert self.audit_head is not None
        first = self.encode_journal_header(base, self.audit_head, self.codec)
        write_at(lock.fd, 0, first)
        payload = unframe(first)
        assert payload is not None
        self._journal_foreign = None
        self._journal_offset = self._live_start = len(first)
        self._journal_link = genesis(chain_key(self.codec), payload)
        self._journal_last_seq = base
        self._journal_fresh = False
        self.embedded = {}
        self.unterminated = None

    def restart_journal(self) -> None:
        """Empty the journal after a rewrite of the snapshot (the caller reloaded)."""
        self._writable()
        self._write_header(self._snapshot_seq)

    def _writable(self) -> None:
        if self.read_only:
            raise ReadOnlyDatabase(
                f"{self.files.data.name} is open read-only; changes cannot be saved"
            )


def _following(content: bytes | None, seq: int) -> bytes | None:
    """`content` (a journal a fold a crash interrupted left to put in place) if it
    follows change `seq`, the snapshot's (read it instead: the journal may be half
    copied)."""
    if content is None:
        return None
    first = content.split(b"\n", 1)[0]
    header = json_object(unframe(first + b"\n"))
    if header is None or header.get("base") != seq:
        return None
    return content


def _more_after(data: bytes, offset: int, end: int) -> bool:
    """Whether `data` (read from byte `offset`) holds anything after byte `end`."""
    return end - offset < len(data)
