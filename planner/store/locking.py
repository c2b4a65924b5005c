"""The lock of one database, and whether the database can be written at all.

Writers (and readers of a writable database) hold an exclusive flock on ``NAME.lock``.
A database whose file or folder cannot be written is opened read-only: it takes a shared
flock on the lock file when there is one (so it never reads half of someone's change) and
creates nothing. The kernel releases a flock when its holder dies, so a killed planner
never blocks the next one, and two writers are never let in at once.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from planner.store.errors import DatabaseLocked

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: read-only openers take no lock
    fcntl = None  # type: ignore[assignment]
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


class DatabaseLock:
    """Exclusive (or, read-only, shared) lock on a database; re-entrant within one object."""

    def __init__(self, path: Path, *, timeout: float, shared: bool = False) -> None:
        self.path = path
        self.timeout = timeout
        self.shared = shared
        self._depth = 0
        self._fd: int | None = None
        self._exclusive = FileLock(
            path,
            timeout=timeout,
            mode=FILE_MODE,
            thread_local=False,
            fallback_to_soft=False,
            preserve_lock_file=True,
            poll_interval=POLL_SECONDS,
        )

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        self.acquire()
        try:
            yield
        finally:
            self.release()

    def acquire(self) -> None:
        if self._depth:
            self._depth += 1
            return
        if self.shared:
            self._acquire_shared()
        else:
            try:
                self._exclusive.acquire()
            except Timeout:
                raise self._busy() from None
        self._depth = 1

    def release(self) -> None:
        if not self._depth:
            return
        self._depth -= 1
        if self._depth:
            return
        if self.shared:
            if self._fd is not None:
                os.close(self._fd)  # closing drops the flock
                self._fd = None
        else:
            self._exclusive.release()

    def try_exclusive(self) -> bool:
        """Take and drop the exclusive lock at once: False when someone holds it now."""
        try:
            self._exclusive.acquire(blocking=False)
        except Timeout:
            return False
        self._exclusive.release()
        return True

    def _acquire_shared(self) -> None:
        if fcntl is None:  # pragma: no cover - Windows
            return
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return  # nobody has ever written here, and nobody can
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    os.close(fd)
                    raise
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise self._busy() from None
                time.sleep(POLL_SECONDS)
                continue
            self._fd = fd
            return

    def _busy(self) -> DatabaseLocked:
        name = self.path.name.removesuffix(".lock")
        return DatabaseLocked(
            f"{name} is busy: another planner has held it for over {self.timeout:g} s; "
            "try again (a planner that crashed releases it at once)"
        )
