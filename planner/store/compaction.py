"""Folding the journal into a new snapshot in the background, never on a save's path.

A save only appends to the journal; when the journal's records since the snapshot have
grown to a quarter of it, the store folds them in, in three steps:

1. Under the lock, briefly: take a copy of the tables (each table's mapping: documents
   are replaced whole by a change, never changed in place) and the audit log's head, at
   change `s`.
2. With no lock, in a thread: write the snapshot of that copy to a temporary file beside
   the database, and fsync it. Saves go on meanwhile, here and in other processes.
3. Under the exclusive lock, briefly: if no newer snapshot has been installed meanwhile,
   write the journal as it must become (a header after `s`, then the records of the
   changes saved since `s`, their links made again from the new header) to
   ``NAME.journal.next``; rename the new snapshot into place (the commit point); copy
   ``NAME.journal.next`` over the journal in place (the journal is the lock: it keeps its
   inode); remove ``NAME.journal.next``.

A crash before the rename leaves the old snapshot and journal, and a temporary file that
the next open sweeps away. A crash after it leaves ``NAME.journal.next``, whose base is
then the snapshot's change: the next open (or save) copies it into the journal again
(:func:`finish_journal_swap`). Between the rename and that copy, the old journal still
holds every record, the ones the new snapshot holds being superseded. (If someone deletes
``NAME.journal.next`` and a crash then cuts the copy short, the journal lacks the changes
since `s`: the audit log has them, and the integrity check names it for `planner doctor
--repair` to replay.)
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from planner.store import platform
from planner.store.audit_format import AuditHead
from planner.store.chain import chain_key, genesis, link
from planner.store.files import (
    FILE_MODE,
    TEMP_PREFIX,
    atomic_write,
    frame_record,
    fsync_dir,
    json_object,
    replace_durably,
    unframe,
    write_at,
)
from planner.store.journal import JournalStorage
from planner.store.layout import DatabaseFiles
from planner.store.locking import open_regular
from planner.store.snapshot import Tables, read_snapshot_header


@dataclass(frozen=True)
class Fold:
    """What a background fold writes: every table at change `seq`, and the audit log's
    head then."""

    tables: Tables
    seq: int
    audit_head: AuditHead
    journal_mark: tuple[int, int] | None = None  # the journal at `seq` (JournalStorage)


@dataclass
class Staged:
    """A snapshot written in the background, its temporary file held open and locked so
    that a sweep of files left by crashes passes it by (see :func:`sweep_temp_files`)."""

    path: Path
    fd: int | None

    def close(self, *, remove: bool) -> None:
        """Close the file (Windows renames and removes no open file), once however often
        this is called, then remove it if asked."""
        fd, self.fd = self.fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                platform.close_locked(fd)
        if remove:
            with contextlib.suppress(OSError):
                self.path.unlink()


def write_staged(storage: JournalStorage, fold: Fold) -> Staged:
    """Write the snapshot of `fold` to a temporary file beside the database, fsync'd; no
    lock on the database needed. The caller installs it (or closes it, removing it)."""
    folder = storage.files.data.parent
    chunks = storage.encode_snapshot(fold.tables, fold.seq, fold.audit_head)
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
    staged = Staged(Path(name), fd)
    try:
        platform.try_lock(fd, exclusive=True)  # a name just made: nobody else holds it
        platform.set_mode(fd, FILE_MODE)
        view = memoryview(b"".join(chunks))
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        staged.close(remove=True)
        raise
    return staged


def install(storage: JournalStorage, staged: Staged, fold: Fold) -> bool:
    """Put the staged snapshot of `fold` in place and the journal after it (step 3 of the
    module docstring); False (and the staged file removed) when a newer snapshot is in
    place already. The caller holds the exclusive lock and has refreshed `storage`."""
    if storage.snapshot_seq >= fold.seq:
        staged.close(remove=True)
        return False
    files = storage.files
    key = chain_key(storage.codec)
    header = storage.encode_journal_header(fold.seq, fold.audit_head, storage.codec)
    payload = unframe(header)
    assert payload is not None
    previous = genesis(key, payload)
    lines = [header]
    for record in storage.records_after(fold.seq, fold.journal_mark):
        previous = link(key, previous, record.seq, record.payload)
        lines.append(frame_record(record.seq, previous, record.payload))
    content = b"".join(lines)
    pending = files.next_journal
    atomic_write(pending, [content])
    staged.close(remove=False)  # no sweep can take it: that needs the lock held here
    replace_durably(staged.path, files.data)  # the commit point
    _copy_into_journal(files, content)
    with contextlib.suppress(FileNotFoundError):  # someone tidied it away: it was done with
        pending.unlink()
    fsync_dir(files.data.parent)
    storage.adopt_snapshot(fold.seq, fold.audit_head, content)
    return True


def finish_journal_swap(files: DatabaseFiles) -> bool:
    """Finish (or drop) a journal swap a crash interrupted; the caller holds the lock.
    True when there was one to finish."""
    pending = files.next_journal
    try:
        content = pending.read_bytes()
    except FileNotFoundError:
        return False
    first = content.split(b"\n", 1)[0] + b"\n"
    header = json_object(unframe(first))
    try:
        snapshot, _ = read_snapshot_header(files.data)
    except OSError:
        return False
    base = header.get("base") if header is not None else None
    if base == snapshot.seq:  # the new snapshot is in place: the journal must follow it
        _copy_into_journal(files, content)
    with contextlib.suppress(FileNotFoundError):
        pending.unlink()
    fsync_dir(files.data.parent)
    return True


def _copy_into_journal(files: DatabaseFiles, content: bytes) -> None:
    fd = open_regular(files.journal, os.O_RDWR)
    try:
        write_at(fd, 0, content)
    finally:
        os.close(fd)


def sweep_temp_files(folder: Path) -> int:
    """Remove the temporary files crashes left; returns how many. A fold another planner
    is writing now holds its file locked, and is passed by."""
    removed = 0
    for leftover in folder.glob(TEMP_PREFIX + "*"):
        if platform.remove_if_unused(leftover):  # in use: a fold on its way
            removed += 1
    return removed
