"""Windows: LockFileEx locks, no folder fsync, renames written through and retried.

Windows differs from POSIX in four ways that matter to the store:

* **Locks** are LockFileEx byte-range locks, shared or exclusive, on one byte past the
  end of any journal (:data:`LOCK_OFFSET`), as SQLite does. Windows enforces a
  byte-range lock on every read and write of the range, even through another handle of
  the same process; on a byte no file ever reaches, the lock keeps planners out of each
  other's way exactly as flock does on POSIX and blocks no read or write of the data.
  (msvcrt.locking has no shared lock, so readers would shut each other out; portalocker
  needs pywin32 for shared locks and locks from byte 0, so the lock holder's own second
  handle, a backup copying the journal for one, could not read it.) Windows drops the
  locks of a handle when it is closed or its process dies; planner unlocks first anyway,
  as Microsoft asks.
* **A folder cannot be fsync'd.** Instead each rename is written through
  (MoveFileExW with MOVEFILE_WRITE_THROUGH: it returns once the rename is on disk), which
  is what the folder's fsync gives a rename on POSIX.
* **A file another program holds open cannot be replaced or removed** (a reader, a virus
  scanner, a sync tool). Replacing and removing retry for about a second, in short
  steps, and then raise :class:`~planner.store.errors.FileInUse`, which says so.
* **Permission bits mean nothing** but read-only: a database lives in the officer's own
  profile folder, which Windows keeps from other users by its access lists. planner sets
  no ACLs and does not claim the bits protect anything (:attr:`modes_protect` is False).
  Windows has no O_NOFOLLOW either: a symbolic link is refused by looking first.

Everything here but the two Windows calls (LockFileEx/UnlockFileEx in
:class:`Kernel32Locks`, MoveFileExW in :func:`move_write_through`) runs on any platform,
and the tests run it on Linux with the flock backend in place of LockFileEx.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from planner.store.errors import FileInUse
from planner.store.platform.base import LockBackend

# The byte locked: at 1 GiB, where SQLite locks (known to work on every Windows file
# system and on network shares), past the end of any journal (a journal is folded into
# the snapshot when it reaches a quarter of it).
LOCK_OFFSET = 1 << 30
LOCK_LENGTH = 1
LOCKFILE_FAIL_IMMEDIATELY = 0x1
LOCKFILE_EXCLUSIVE_LOCK = 0x2
ERROR_LOCK_VIOLATION = 33  # another handle holds a lock in the way
ERROR_IO_PENDING = 997  # the same, on a handle opened for overlapped I/O
ERROR_NOT_LOCKED = 158
MOVEFILE_REPLACE_EXISTING = 0x1
MOVEFILE_WRITE_THROUGH = 0x8

RETRY_SECONDS = 1.0  # how long a replace or a removal waits for a file to be let go
FIRST_STEP = 0.01
LAST_STEP = 0.1

_OPEN_FLAGS = getattr(os, "O_BINARY", 0) | getattr(os, "O_NOINHERIT", 0)


def lock_flags(*, exclusive: bool) -> int:
    """LockFileEx's flags for a lock taken without waiting."""
    return LOCKFILE_FAIL_IMMEDIATELY | (LOCKFILE_EXCLUSIVE_LOCK if exclusive else 0)


def lock_outcome(succeeded: bool, error: int) -> bool:
    """What LockFileEx's answer means: True locked, False another holder is in the way;
    any other failure is raised."""
    if succeeded:
        return True
    if error in (ERROR_LOCK_VIOLATION, ERROR_IO_PENDING):
        return False
    raise OSError(errno.EIO, f"the file could not be locked (Windows error {error})")


def unlock_outcome(succeeded: bool, error: int) -> None:
    """What UnlockFileEx's answer means: nothing locked is no error."""
    if not succeeded and error != ERROR_NOT_LOCKED:
        raise OSError(errno.EIO, f"the file could not be unlocked (Windows error {error})")


def region() -> tuple[int, int, int, int]:
    """(offset low, offset high, length low, length high): the locked byte, as the
    OVERLAPPED structure and LockFileEx take it, in 32-bit halves."""
    mask = 0xFFFFFFFF
    return LOCK_OFFSET & mask, LOCK_OFFSET >> 32, LOCK_LENGTH & mask, LOCK_LENGTH >> 32


class Kernel32Locks:
    """LockFileEx/UnlockFileEx by ctypes, on :data:`LOCK_OFFSET`. Windows only: the
    bodies below the ``sys.platform`` checks are the lines only Windows runs."""

    _lock: Any
    _unlock: Any
    _overlapped: Any
    _handle: Any
    _last_error: Any
    _byref: Any

    def __init__(self) -> None:
        if sys.platform != "win32":
            raise OSError(errno.ENOSYS, "LockFileEx exists on Windows only")
        else:
            import ctypes
            import msvcrt
            from ctypes import wintypes

            class Overlapped(ctypes.Structure):
                _fields_ = [
                    ("Internal", ctypes.c_size_t),
                    ("InternalHigh", ctypes.c_size_t),
                    ("Offset", wintypes.DWORD),
                    ("OffsetHigh", wintypes.DWORD),
                    ("hEvent", wintypes.HANDLE),
                ]

            kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
            pointer = ctypes.POINTER(Overlapped)
            self._lock = kernel32.LockFileEx
            self._lock.argtypes = [wintypes.HANDLE, wintypes.DWORD, wintypes.DWORD]
            self._lock.argtypes += [wintypes.DWORD, wintypes.DWORD, pointer]
            self._lock.restype = wintypes.BOOL
            self._unlock = kernel32.UnlockFileEx
            self._unlock.argtypes = [wintypes.HANDLE, wintypes.DWORD, wintypes.DWORD]
            self._unlock.argtypes += [wintypes.DWORD, pointer]
            self._unlock.restype = wintypes.BOOL
            self._overlapped = Overlapped
            self._handle = msvcrt.get_osfhandle
            self._last_error = ctypes.get_last_error
            self._byref = ctypes.byref

    def _region(self) -> tuple[Any, int, int]:
        offset_low, offset_high, length_low, length_high = region()
        overlapped = self._overlapped()
        overlapped.Offset, overlapped.OffsetHigh = offset_low, offset_high
        return overlapped, length_low, length_high

    def try_lock(self, fd: int, *, exclusive: bool) -> bool:
        overlapped, low, high = self._region()  # a fresh OVERLAPPED for every call
        flags = lock_flags(exclusive=exclusive)
        done = self._lock(self._handle(fd), flags, 0, low, high, self._byref(overlapped))
        return lock_outcome(bool(done), 0 if done else self._last_error())

    def unlock(self, fd: int) -> None:
        overlapped, low, high = self._region()
        done = self._unlock(self._handle(fd), 0, low, high, self._byref(overlapped))
        unlock_outcome(bool(done), 0 if done else self._last_error())


def move_write_through(source: Path, target: Path) -> None:
    """Rename `source` over `target`, returning once the rename is on disk. Windows only."""
    if sys.platform != "win32":
        raise OSError(errno.ENOSYS, "MoveFileExW exists on Windows only")
    else:
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        flags = MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH
        if not kernel32.MoveFileExW(str(source), str(target), flags):
            raise ctypes.WinError(ctypes.get_last_error())  # PermissionError when in use


class WindowsPlatform:
    """The Windows rules (module docstring). `locks` and `move` are LockFileEx and
    MoveFileExW on Windows; elsewhere (tests) flock and os.replace stand in for them.
    `clock` and `sleep` pace the retries."""

    name = "windows"
    modes_protect = False

    def __init__(
        self,
        *,
        locks: LockBackend,
        move: Callable[[Path, Path], None],
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self.locks = locks
        self._move = move
        self._clock = clock
        self._sleep = sleep
        self.retry_seconds = retry_seconds
        self._positional = threading.Lock()  # pread and pwrite move the file's position

    def open_file(self, path: Path, flags: int, mode: int, *, follow_links: bool) -> int:
        if not follow_links:
            with contextlib.suppress(FileNotFoundError):
                if stat.S_ISLNK(os.lstat(path).st_mode):
                    raise OSError(errno.ELOOP, "a symbolic link", str(path))
        return os.open(path, flags | _OPEN_FLAGS, mode)

    def fsync_dir(self, folder: Path) -> None:
        """Nothing: Windows cannot open a folder to flush it; renames are written through
        instead (:meth:`replace`)."""

    def replace(self, source: Path, target: Path) -> None:
        self._retrying(lambda: self._move(source, target), target, "replaced")

    def move_folder(self, source: Path, target: Path) -> None:
        self._retrying(lambda: os.rename(source, target), source, "renamed")

    def remove(self, path: Path) -> None:
        self._retrying(lambda: os.unlink(path), path, "removed")

    def remove_if_unused(self, path: Path) -> bool:
        try:
            fd = self.open_file(path, os.O_RDONLY, 0, follow_links=False)
        except OSError:
            return False
        try:
            if not self.locks.try_lock(fd, exclusive=True):
                os.close(fd)
                return False  # in use: its writer holds it locked
        except OSError:
            os.close(fd)
            return False
        self.close_locked(fd)  # Windows removes no file that is open, ours included
        try:
            os.unlink(path)
        except OSError:
            return False  # open elsewhere: in use
        return True

    def remove_tree(self, folder: Path) -> None:
        if sys.version_info >= (3, 12):
            shutil.rmtree(folder, onexc=_clear_read_only)
        else:
            shutil.rmtree(folder, onerror=_clear_read_only)

    def set_mode(self, fd: int, mode: int) -> None:
        """Nothing: see the module docstring."""

    def try_lock(self, fd: int, *, exclusive: bool) -> bool:
        return self.locks.try_lock(fd, exclusive=exclusive)

    def close_locked(self, fd: int) -> None:
        try:
            with contextlib.suppress(OSError):
                self.locks.unlock(fd)
        finally:
            os.close(fd)

    def pread(self, fd: int, count: int, offset: int) -> bytes:
        with self._positional:
            was = os.lseek(fd, 0, os.SEEK_CUR)
            try:
                os.lseek(fd, offset, os.SEEK_SET)
                return os.read(fd, count)
            finally:
                os.lseek(fd, was, os.SEEK_SET)

    def pwrite(self, fd: int, data: bytes | memoryview, offset: int) -> int:
        with self._positional:
            was = os.lseek(fd, 0, os.SEEK_CUR)
            try:
                os.lseek(fd, offset, os.SEEK_SET)
                return os.write(fd, data)
            finally:
                os.lseek(fd, was, os.SEEK_SET)

    def _retrying(self, action: Callable[[], None], path: Path, done: str) -> None:
        """`action`, tried again in short steps while Windows says the file is in use
        (PermissionError: a sharing violation or access denied), for at most
        :attr:`retry_seconds`; then FileInUse."""
        deadline = self._clock() + self.retry_seconds
        step = FIRST_STEP
        while True:
            try:
                action()
                return
            except PermissionError:
                if self._clock() >= deadline:
                    raise FileInUse(
                        f"{path.name} could not be {done}: another program (a virus "
                        "scanner, a backup or sync tool, another planner) holds it open, "
                        "or it is read-only; close that program and try again"
                    ) from None
            self._sleep(step)
            step = min(step * 2, LAST_STEP)


def _clear_read_only(function: Callable[..., Any], path: str, _error: Any) -> None:
    """shutil.rmtree's error handler: Windows removes no read-only file (backups are
    made read-only), so clear that and try once more; anything else stays."""
    with contextlib.suppress(OSError):
        os.chmod(path, stat.S_IWRITE | stat.S_IREAD)
        function(path)
