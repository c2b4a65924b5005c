"""Linux and macOS: flock, fsync of a folder, permission bits, O_NOFOLLOW, pread/pwrite.

This is the platform the project's tests and CI run on.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
from pathlib import Path

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BUSY = (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK)


class FlockLocks:
    """Locks by flock(2): on the open file, dropped by the kernel when it is closed or its
    holder dies; two opens of one file lock against each other, even in one process."""

    def try_lock(self, fd: int, *, exclusive: bool) -> bool:
        mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
        try:
            fcntl.flock(fd, mode)
        except OSError as exc:
            if exc.errno in _BUSY:
                return False
            raise
        return True

    def unlock(self, fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class PosixPlatform:
    """The POSIX calls, as the store has always made them."""

    name = "posix"
    modes_protect = True

    def __init__(self) -> None:
        self.locks = FlockLocks()

    def open_file(self, path: Path, flags: int, mode: int, *, follow_links: bool) -> int:
        return os.open(path, flags | _CLOEXEC | (0 if follow_links else _NOFOLLOW), mode)

    def fsync_dir(self, folder: Path) -> None:
        fd = os.open(folder, os.O_RDONLY | _CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def replace(self, source: Path, target: Path) -> None:
        os.replace(source, target)

    def move_folder(self, source: Path, target: Path) -> None:
        os.rename(source, target)

    def remove(self, path: Path) -> None:
        os.unlink(path)

    def remove_if_unused(self, path: Path) -> bool:
        try:
            fd = os.open(path, os.O_RDONLY | _CLOEXEC | _NOFOLLOW)
        except OSError:
            return False
        try:
            if not self.locks.try_lock(fd, exclusive=True):
                return False  # in use: its writer holds it locked
            os.unlink(path)
            return True
        except OSError:
            return False
        finally:
            os.close(fd)

    def remove_tree(self, folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)

    def set_mode(self, fd: int, mode: int) -> None:
        os.fchmod(fd, mode)

    def try_lock(self, fd: int, *, exclusive: bool) -> bool:
        return self.locks.try_lock(fd, exclusive=exclusive)

    def close_locked(self, fd: int) -> None:
        os.close(fd)  # closing drops the flock

    def pread(self, fd: int, count: int, offset: int) -> bytes:
        return os.pread(fd, count, offset)

    def pwrite(self, fd: int, data: bytes | memoryview, offset: int) -> int:
        return os.pwrite(fd, data, offset)
