"""The lock of one database, and whether the database can be written at all.

The lock is an flock (on Windows a LockFileEx lock: see :mod:`planner.store.platform`) on
the database's journal (``NAME.journal``), not on a separate lock
file. A separate lock file can be deleted by a user or a sync tool "cleaning up" while a
planner holds it; the next planner then creates a new file, locks that, and two writers
are in at once. The journal is never deleted or replaced by planner once the database
exists (it is emptied in place when folded into the snapshot), and planner never creates
one except for a new database, exclusively. After taking the lock planner checks that the
file it locked is still the one at the path (same device and inode) and starts again if
not, and every write re-checks it before and after, so a journal that someone removed or
replaced meanwhile makes the save fail instead of being acknowledged into a file nobody
will read. A missing journal is damage that `planner doctor` names; it is not recreated
behind anyone's back.

Writers hold the lock exclusively, for as short as a save. Readers take it shared (so
they never read half of someone's change): a database whose file or folder cannot be
written is opened read-only and never takes more; and every open takes it shared only to
copy the journal's bytes, replaying them after it is let go (see
:meth:`planner.store.database.Database.open`). The kernel releases a flock when its holder
dies, so a killed planner never blocks the next one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from planner.store import platform
from planner.store.errors import DatabaseLocked, JournalMissing, StoreError
from planner.store.files import FILE_MODE

POLL_SECONDS = 0.005


def is_writable(data: Path) -> bool:
    """Whether planner may change this database: its folder and (if present) its file.

    A file or folder whose owner-write bit is off counts as read-only even for root: it
    says someone meant it not to change (backups are made so).
    """
    folder = data.parent if data.parent.exists() else data.parent.parent
    for path in (folder, data):
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            continue
        if not os.access(path, os.W_OK) or not mode & stat.S_IWUSR:
            return False
    return True


def open_regular(path: Path, flags: int, mode: int = FILE_MODE) -> int:
    """Open a file planner owns, refusing a symbolic link, a folder or a device with one
    clear line (StoreError) instead of following it."""
    try:
        fd = platform.open_file(path, flags, mode)
    except IsADirectoryError:
        raise StoreError(f"{path} is a folder, not a planner file; move it away") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise StoreError(
                f"{path} is a symbolic link; planner does not follow links for its own files"
            ) from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise StoreError(f"{path} is not a regular file; move it away")
    return fd


def lock_waiting(fd: int, *, exclusive: bool) -> None:
    """Lock `fd`, waiting as long as it takes (a file nobody else should be holding long:
    one just made, or an earlier planner's lock file)."""
    while not platform.try_lock(fd, exclusive=exclusive):
        time.sleep(POLL_SECONDS)


def _same_file(fd: int, path: Path) -> bool:
    try:
        at_path = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (at_path.st_dev, at_path.st_ino) == (held.st_dev, held.st_ino)


class DatabaseLock:
    """Exclusive (or, read-only, shared) lock on a database's journal; re-entrant within
    one object. While held, :attr:`fd` is the open journal, for reading and writing it."""

    def __init__(self, path: Path, *, timeout: float, shared: bool = False) -> None:
        self.path = path
        self.timeout = timeout
        self.shared = shared  # a read-only database: never more than a shared lock
        self._depth = 0
        self._fd: int | None = None
        self._holding_shared = False

    @property
    def exclusive_now(self) -> bool:
        """True while this lock is held exclusively (a writer's)."""
        return self._fd is not None and not self._holding_shared

    @property
    def fd(self) -> int:
        if self._fd is None:
            raise StoreError("the database lock is not held")
        return self._fd

    @property
    def held_now(self) -> bool:
        return self._fd is not None

    @contextlib.contextmanager
    def held(self, *, shared: bool = False) -> Iterator[None]:
        self.acquire(shared=shared)
        try:
            yield
        finally:
            self.release()

    def acquire(self, *, shared: bool = False) -> None:
        """Take the lock, shared (readers: any number at once, no writer) or exclusive
        (one writer, nobody else); JournalMissing when there is no journal to lock. Held
        already, it is taken again (re-entrant) if held at least as strongly."""
        shared = shared or self.shared
        if self._depth:
            if self._holding_shared and not shared:
                raise StoreError("a change was asked for while only reading the database")
            self._depth += 1
            return
        self._fd = self._take(blocking=True, exclusive=not shared)
        self._holding_shared = shared
        self._depth = 1

    def release(self) -> None:
        if not self._depth:
            return
        self._depth -= 1
        if self._depth:
            return
        fd, self._fd = self._fd, None
        self._holding_shared = False
        if fd is not None:
            platform.close_locked(fd)

    def create(self) -> None:
        """Create the journal of a new database, exclusively, and hold its lock.

        FileExistsError when there is one already (someone else is creating the database,
        or left its remains)."""
        fd = open_regular(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL)
        lock_waiting(fd, exclusive=True)
        self._fd = fd
        self._holding_shared = False
        self._depth = 1

    def still_at_path(self) -> bool:
        """True while the file this lock holds is the one at the path."""
        return self._fd is not None and _same_file(self._fd, self.path)

    def try_exclusive(self) -> bool:
        """Take and drop the exclusive lock at once: False when someone holds it now."""
        try:
            fd = self._take(blocking=False, exclusive=True)
        except DatabaseLocked:
            return False
        platform.close_locked(fd)
        return True

    def _take(self, *, blocking: bool, exclusive: bool | None = None) -> int:
        exclusive = not self.shared if exclusive is None else exclusive
        flags = os.O_RDWR if exclusive else os.O_RDONLY
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fd = open_regular(self.path, flags)
            except FileNotFoundError:
                raise JournalMissing(f"{self.path.name} is missing") from None
            locked = self._lock_fd(fd, exclusive=exclusive, blocking=blocking, deadline=deadline)
            if locked and _same_file(fd, self.path):
                return fd
            # Removed or replaced while we waited: that file is nobody's lock now.
            platform.close_locked(fd)

    def _lock_fd(self, fd: int, *, exclusive: bool, blocking: bool, deadline: float) -> bool:
        """Lock `fd`, polling until `deadline`; False when the file left the path meanwhile
        (take it again from the path), DatabaseLocked when the time is up."""
        while True:
            try:
                if platform.try_lock(fd, exclusive=exclusive):
                    return True
            except OSError:
                os.close(fd)
                raise
            if not blocking or time.monotonic() >= deadline:
                os.close(fd)
                raise self._busy()
            time.sleep(POLL_SECONDS)
            if not _same_file(fd, self.path):
                return False

    def _busy(self) -> DatabaseLocked:
        name = self.path.name.removesuffix(".journal")
        return DatabaseLocked(
            f"{name} is busy: another planner has held it for over {self.timeout:g} s; "
            "try again (a planner that crashed releases it at once)"
        )
