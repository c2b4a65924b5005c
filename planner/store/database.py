"""One database on disk: its files locked, loaded, checked against each other, and changed
one durable commit at a time.

A change reaches the disk in this order (see :mod:`planner.store.journal` and
:mod:`planner.store.audit`): its journal record, holding the new documents and the exact
audit line of the change, fsync'd (the commit point: "saved" means this); then that audit
line, fsync'd. A crash between the two is finished by the next open, which appends the
line the journal carries. Every open and every reload checks that the snapshot, the
journal and the audit log vouch for each other (:mod:`planner.store.integrity`); when they
do not, the database can still be read, but nothing is written until `planner doctor`
has recovered it, so nothing is ever written on top of a lost or altered history.

`CaseStore` (:mod:`planner.store.repository`) is the everyday API over this.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from planner.store.audit import AuditCopy, AuditEntry, AuditLog, copy_audit
from planner.store.backup_folders import backups_root, list_backups, newest_good_backup
from planner.store.codec import Codec, PlainCodec
from planner.store.compaction import (
    Fold,
    Staged,
    finish_journal_swap,
    install,
    sweep_temp_files,
)
from planner.store.crypto import AesGcmCodec, PassphraseSource, codec_for
from planner.store.errors import (
    DatabaseCorrupt,
    JournalMissing,
    LegacySchema,
    ReadOnlyDatabase,
    StoreError,
)
from planner.store.integrity import AUDIT_PROBLEMS, Problem, check
from planner.store.journal import JournalStorage, OpenCopy
from planner.store.journal_format import Embedded
from planner.store.layout import DatabaseFiles
from planner.store.locking import DatabaseLock
from planner.store.patch import Operation, operation
from planner.store.recovery import finish_interrupted, interrupted
from planner.store.snapshot import Tables, read_snapshot_header
from planner.store.tables import ASSESSMENTS, INDEX

Document = dict[str, Any]


# Tables whose documents are made from the others (the caseload index, the assessments):
# a patch leaves them out, and a replay makes them again.
DERIVED_TABLES = frozenset({INDEX, ASSESSMENTS})

# How often an open reads the snapshot again when another replaced it (a fold) between
# its read and the lock, before it reads it under the lock.
OPEN_ATTEMPTS = 3
# Journal bytes appended elsewhere (some dozen saves) past which they are replayed with no
# lock held before the lock is taken to read the database (see Database._catch_up).
CATCH_UP_BYTES = 64 * 1024


@dataclass(frozen=True)
class Change:
    """Audit entries in words, and the documents to write table by table (None removes
    one)."""

    entries: list[dict[str, Any]]
    documents: dict[str, dict[str, Document | None]]


def patch_of(tables: Tables, documents: dict[str, dict[str, Document | None]]) -> list[Operation]:
    """The exact patch that turns the stored documents into `documents`."""
    ops: list[Operation] = []
    for table, docs in documents.items():
        if table in DERIVED_TABLES:
            continue
        stored = tables.get(table, {})
        for key, doc in docs.items():
            ops.append(operation(table, key, stored.get(key), doc))
    return ops


class Database:
    """The files of one database, opened (see :meth:`open`); not safe to share between
    threads without the caller's own mutex (`CaseStore` has one)."""

    def __init__(self, path: Path, *, read_only: bool, lock_timeout: float) -> None:
        self.files = DatabaseFiles(path)
        self.read_only = read_only
        self.lock = DatabaseLock(self.files.journal, timeout=lock_timeout, shared=read_only)
        self.storage = JournalStorage(self.files, lock=self.lock, read_only=read_only)
        self.audit = AuditLog(self.files.audit, PlainCodec(), "")
        self.problem: Problem | None = None

    # --- opening --------------------------------------------------------------------------

    def open(
        self,
        *,
        create: bool,
        codec: Codec | None,
        passphrase: str | PassphraseSource | None,
        encrypt: bool,
    ) -> bool:
        """Create, or unlock and load, the database; True if it was created here.

        A wrong passphrase is refused before anything is read or written. A passphrase
        change or restore a crash interrupted is finished first (not when read-only).
        The files are then loaded holding the lock only to copy them (see :meth:`_load`).
        """
        path = self.files.data
        if self.read_only:
            unfinished = interrupted(path)
            if unfinished:
                raise ReadOnlyDatabase(
                    f"{path.name} is read-only and {unfinished[0]}: open it once where it can "
                    "be written to finish"
                )
        if not path.exists():
            if not create:
                raise StoreError(f"no database at {path}")
            if self.read_only:
                raise ReadOnlyDatabase(
                    f"no database at {path}, and its folder cannot be written to make one"
                )
            if self._create(codec, passphrase, encrypt):
                return True
            if not path.exists():
                raise DatabaseCorrupt(self._orphans())
        with self.locked():
            if not self.read_only:
                finish_interrupted(path)
                if self.lock.exclusive_now:
                    finish_journal_swap(self.files)
                    sweep_temp_files(path.parent)
            try:
                header, _ = read_snapshot_header(path)
                self.storage.codec = codec_for(
                    header.codec, what=path.name, given=codec, passphrase=passphrase
                )
                if header.audit is None:
                    raise LegacySchema(f"{path.name} was written by an earlier planner")
            except DatabaseCorrupt as exc:
                raise DatabaseCorrupt(f"{exc}; {backup_hint(path)}") from None
            except OSError as exc:
                raise StoreError(f"cannot read {path.name} ({exc.strerror or exc})") from None
        try:
            self._load()
        except DatabaseCorrupt as exc:
            raise DatabaseCorrupt(f"{exc}; {backup_hint(path)}") from None
        except OSError as exc:
            raise StoreError(f"cannot read {path.name} ({exc.strerror or exc})") from None
        return False

    def _load(self) -> None:
        """Load the files and check them, holding the lock (shared) only to copy what a
        save can change: the journal's bytes and the audit log's after the snapshot's
        head. The snapshot is read before the lock (it is only ever replaced whole, and
        is checked under the lock to be the one at the path), and the journal's records
        are parsed, checked and replayed, and the audit log checked, after it: a save
        elsewhere waits only for the copy, never for a large snapshot or a long journal
        to be read here."""
        copied = self._copy_files()
        if copied is None:
            with self.locked(shared=self.read_only):
                self.storage.refresh()
                self._new_audit()
                self._check()
            return
        files, audit = copied
        with audit:
            self.storage.load_copy(files)
            self._new_audit()
            lag = self._check(audit)
        if lag is not None and not self.read_only:
            with self.locked():  # a crash kept the last change's line from the audit log
                self.refresh()

    def _copy_files(self) -> tuple[OpenCopy, AuditCopy] | None:
        """The snapshot, read with no lock held, and the bytes of the journal and of the
        audit log that go with it, copied under the shared lock; None when the snapshot
        cannot be read now, or was replaced (by folds) each time it was read."""
        for _attempt in range(OPEN_ATTEMPTS):
            if not self.storage.preload():
                return None
            with self.locked(shared=True):
                files = self.storage.copy_for_open()
                if files is not None:
                    head = files.snapshot.header.audit
                    return files, copy_audit(self.files.audit, 0 if head is None else head.end)
            # a fold put a new snapshot in place in between: read that one, copy again
        return None

    def _create(
        self, codec: Codec | None, passphrase: str | PassphraseSource | None, encrypt: bool
    ) -> bool:
        """Make a new, empty database; False when someone else made it meanwhile."""
        files = self.files
        files.data.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if files.audit.exists() or list_backups(backups_root(files.data)):
            return False  # the remains of a database: never start a new one over them
        try:
            self.lock.create()
        except FileExistsError:
            if self._creation_interrupted():
                self.lock.acquire()
            else:
                return False  # someone else is creating it, or its remains are there
        try:
            if files.data.exists():
                return False
            if codec is None and encrypt:
                if passphrase is None:
                    raise ValueError("encrypt=True needs a passphrase")
                text = passphrase if isinstance(passphrase, str) else passphrase()
                codec = AesGcmCodec.create(text)
            self.storage.codec = codec or PlainCodec()
            self.storage.new_id(uuid.uuid4().hex)
            self._new_audit()
            head = self.audit.create()
            self.storage.create(head)
            self._new_audit()
            self._check()
            return True
        finally:
            self.lock.release()

    def _creation_interrupted(self) -> bool:
        """A journal with no database beside it: the remains of a creation a crash cut
        short (no record in it nor in an audit log), else of a database whose file went
        missing (never built upon)."""
        files = self.files
        if files.data.exists() or list_backups(backups_root(files.data)):
            return False
        return not any(_holds_records(part) for part in (files.journal, files.audit))

    def _orphans(self) -> str:
        files = self.files
        name = files.data.name
        for part in (files.journal, files.audit):
            if part.exists():
                return (
                    f"{name} is missing but {part.name} is still there, so it was not meant "
                    f"to be empty; {backup_hint(files.data)}"
                )
        root = backups_root(files.data)
        return (
            f"{name} is missing but {root.name} holds backups of it; {backup_hint(files.data)}, "
            "or move the backups folder away to start a new database"
        )

    def _new_audit(self) -> None:
        self.audit = AuditLog(self.files.audit, self.storage.codec, self.storage.db_id)

    # --- locking and checking -------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self, *, shared: bool = False) -> Iterator[None]:
        """Hold the database's lock: `shared` to read (with other readers, no writer),
        else exclusively, to write. With the journal (the lock) missing nobody can write,
        so the files are read without it, and the check names the problem."""
        try:
            self.lock.acquire(shared=shared)
        except JournalMissing:
            try:
                yield
            finally:
                if self.lock.held_now:  # a repair made a new journal meanwhile
                    self.lock.release()
                self._let_go()
            return
        try:
            yield
        finally:
            self.lock.release()
            self._let_go()

    def _let_go(self) -> None:
        if not self.lock.held_now:
            self.storage.release_retired()  # what a reload replaced, freed after the lock

    def preload(self) -> None:
        """Read a snapshot someone else wrote since, before taking the lock (a snapshot is
        only ever replaced whole, so reading it needs no lock): the lock is then held only
        to read the journal, and a save elsewhere never waits for a large snapshot to be
        parsed here."""
        self.storage.preload()

    @contextlib.contextmanager
    def locked_after_preload(self, *, shared: bool = False) -> Iterator[None]:
        """Hold the lock (see :meth:`locked`) with any new snapshot read before it (see
        :meth:`preload`). When a fold puts one in place between that read and the lock,
        the lock is let go to read it (up to OPEN_ATTEMPTS times), rather than read
        under the lock while a save elsewhere waits. The caller refreshes."""
        for attempt in range(1, OPEN_ATTEMPTS + 1):
            with contextlib.suppress(OSError):  # the refresh says what is wrong
                self._catch_up(self.storage.preload())
            with self.locked(shared=shared):
                if attempt < OPEN_ATTEMPTS and self.storage.unread_snapshot():
                    continue
                yield
                return

    def _catch_up(self, preloaded: bool) -> None:
        """Load, with no lock held, what other processes wrote since the files were read:
        the snapshot just `preloaded` with the journal after it, or what was appended to
        the journal when that is much (saves elsewhere during a long open or a quiet
        spell). The bytes are copied under the shared lock, as an open copies them, so
        the refresh under the lock that follows has only the newest few records left to
        read. Anything amiss is left for that refresh to find and name."""
        storage = self.storage
        if not preloaded and storage.appended() < CATCH_UP_BYTES:
            return
        with self.locked(shared=True):
            copied = storage.copy_for_open() if preloaded else storage.copy_appended()
        try:
            if isinstance(copied, OpenCopy):
                storage.load_copy(copied)
            elif copied is not None:
                storage.apply_appended(copied)
        except StoreError:
            storage.reload_next()

    def refresh(self) -> None:
        """Bring memory up to date with the files and check them; the caller holds the lock."""
        if self._can_write():
            finish_journal_swap(self.files)  # a fold a crash interrupted
        self.storage.refresh()
        if self.audit.db_id != self.storage.db_id or self.audit.codec is not self.storage.codec:
            self._new_audit()
        self._check()

    def _check(self, copy: AuditCopy | None = None) -> int | None:
        """Check the files (the audit log as `copy` holds it, if given) and finish the
        audit line a crash left in the journal only, when the lock allows; returns that
        change when it is still to be finished."""
        verdict = check(self.storage, self.audit, copy)
        self.problem = verdict.problem
        lag = verdict.audit_lag
        if lag is None or self.problem is not None:
            return None
        if self._can_write():
            with contextlib.suppress(OSError):
                self._finish_audit(lag)
                return None
        return lag

    def _finish_audit(self, seq: int) -> None:
        """Append the audit line of change `seq` from the journal's copy: the change was
        committed but a crash (or a full disk) kept its line from the audit log."""
        copy = self.storage.embedded[seq]
        self.audit.append(seq, copy.link, copy.payload)

    def _can_write(self) -> bool:
        return not self.read_only and self.lock.exclusive_now

    def require_sound(self) -> None:
        """Refuse to write on top of a history that does not hold together."""
        if self.read_only:
            raise ReadOnlyDatabase(
                f"{self.files.data.name} is read-only (the file or its folder cannot be "
                "written): changes cannot be saved"
            )
        if self.problem is not None:
            raise self.problem.error()

    # --- changing -------------------------------------------------------------------------

    def commit(self, change: Change, *, at: datetime, by: str) -> None:
        """Write `change` as the next change number: durable when this returns. OSError
        or WriteFailed when it could not be written; nothing was committed then. The
        caller holds the lock and has refreshed."""
        self.require_sound()
        storage = self.storage
        seq = storage.seq + 1
        if self.audit.last_seq == storage.seq - 1:
            self._finish_audit(storage.seq)  # OSError (a full disk) if it still cannot be
        if self.audit.last_seq != storage.seq:
            raise DatabaseCorrupt(
                f"{self.files.audit.name} is not up to date with the data; run 'planner doctor'"
            )
        record: dict[str, Any] = {
            "seq": seq,
            "at": at.isoformat(),
            "by": by,
            "entries": change.entries,
            "patch": patch_of(storage.read(), change.documents),
        }
        payload, audit_link = self.audit.next_line(seq, record)
        storage.commit(change.documents, Embedded(audit_link, payload))
        # Committed. A failure from here on is finished by the next open or save.
        with contextlib.suppress(OSError, StoreError):
            self.audit.append(seq, audit_link, payload)

    def fold_due(self) -> Fold | None:
        """What a fold of the journal into a new snapshot would write, when the journal
        has grown enough (see :mod:`planner.store.compaction`); None otherwise, or on top
        of a problem, or while the audit log is not up to date. The caller holds the lock."""
        storage = self.storage
        if self.problem is not None or not storage.compact_due():
            return None
        if self.audit.last_seq != storage.seq:
            return None
        return Fold(storage.tables_now(), storage.seq, self.audit.head(), storage.journal_mark)

    def install_fold(self, staged: Staged, fold: Fold) -> bool:
        """Put a fold written in the background in place; the caller holds the exclusive
        lock and has refreshed. False when a newer snapshot is in place already."""
        self.require_sound()
        return install(self.storage, staged, fold)

    def compact(self) -> None:
        self.require_sound()
        if self.audit.last_seq != self.storage.seq:
            raise DatabaseCorrupt(
                f"{self.files.audit.name} is not up to date with the data; run 'planner doctor'"
            )
        self.storage.compact(self.audit.head())

    # --- reading --------------------------------------------------------------------------

    def history(self, case: str | None = None) -> list[AuditEntry]:
        """The audit log's entries; IntegrityError when it cannot be trusted (a journal
        problem leaves it readable: it holds more than the data then)."""
        problem = self.problem
        if problem is not None and problem.kind in AUDIT_PROBLEMS:
            raise problem.error()
        return self.audit.entries(case)

    @property
    def seq(self) -> int:
        return self.storage.seq

    @property
    def db_id(self) -> str:
        return self.storage.db_id

    @property
    def codec(self) -> Codec:
        return self.storage.codec


def _holds_records(path: Path) -> bool:
    """Whether a journal or audit file holds more than its header line."""
    try:
        with path.open("rb") as handle:
            handle.readline(64 * 1024)
            return bool(handle.read(1))
    except FileNotFoundError:
        return False


def backup_hint(path: Path) -> str:
    """What to do about a database that cannot be opened: restore the newest good backup."""
    try:
        good = newest_good_backup(backups_root(path))
    except OSError:
        good = None
    if good is None:
        return "there is no good backup beside it: keep every file and run 'planner doctor'"
    return (
        f"the newest good backup is {good.folder} from {good.when()}: "
        f"run 'planner restore {good.folder}' (it keeps the current files aside)"
    )
