"""Every call of the store's (and the exports') that POSIX and Windows make differently.

The store calls the functions below and never fcntl, msvcrt, os.replace, os.pread,
os.pwrite, os.fchmod or a folder's fsync itself (a test keeps it so). They answer for the
platform chosen once, when planner starts: Windows on Windows, POSIX elsewhere
(:mod:`.posix`, :mod:`.windows`). ``PLANNER_PLATFORM=windows`` chooses the Windows branch
on Linux or macOS, with flock and os.replace standing in for the two Windows calls
(LockFileEx and MoveFileExW), so the store's crash-safety tests run through every other
Windows rule here; ``PLANNER_PLATFORM=posix`` chooses POSIX (not possible on Windows).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from planner.store.platform.base import LockBackend, Platform
from planner.store.platform.windows import Kernel32Locks, WindowsPlatform, move_write_through

if sys.platform != "win32":
    from planner.store.platform.posix import FlockLocks, PosixPlatform

__all__ = [
    "LockBackend",
    "Platform",
    "WindowsPlatform",
    "close_locked",
    "current",
    "fsync_dir",
    "move_folder",
    "open_file",
    "pread",
    "pwrite",
    "remove",
    "remove_if_unused",
    "remove_tree",
    "replace",
    "select",
    "set_mode",
    "try_lock",
    "use",
]

CHOICE_VARIABLE = "PLANNER_PLATFORM"


def windows_platform() -> WindowsPlatform:
    """The Windows branch: its own calls on Windows, flock and os.replace elsewhere."""
    if sys.platform == "win32":
        return WindowsPlatform(locks=Kernel32Locks(), move=move_write_through)
    return WindowsPlatform(locks=FlockLocks(), move=os.replace)


def select(name: str | None = None) -> Platform:
    """The platform named (``posix`` or ``windows``), by default the one
    PLANNER_PLATFORM names, or else the one planner runs on."""
    native = "windows" if sys.platform == "win32" else "posix"
    chosen = name or os.environ.get(CHOICE_VARIABLE) or native
    if chosen == "windows":
        return windows_platform()
    if chosen == "posix" and sys.platform != "win32":
        return PosixPlatform()
    raise ValueError(f"{CHOICE_VARIABLE} must be 'windows' or, off Windows, 'posix'")


_current: Platform = select()


def current() -> Platform:
    return _current


@contextlib.contextmanager
def use(platform: Platform) -> Iterator[Platform]:
    """Run the store on `platform` inside the block (tests: each branch in turn)."""
    global _current
    before, _current = _current, platform
    try:
        yield platform
    finally:
        _current = before


def open_file(path: Path, flags: int, mode: int = 0o600, *, follow_links: bool = False) -> int:
    return _current.open_file(path, flags, mode, follow_links=follow_links)


def fsync_dir(folder: Path) -> None:
    _current.fsync_dir(folder)


def replace(source: Path, target: Path) -> None:
    _current.replace(source, target)


def move_folder(source: Path, target: Path) -> None:
    _current.move_folder(source, target)


def remove(path: Path) -> None:
    _current.remove(path)


def remove_if_unused(path: Path) -> bool:
    return _current.remove_if_unused(path)


def remove_tree(folder: Path) -> None:
    _current.remove_tree(folder)


def set_mode(fd: int, mode: int) -> None:
    _current.set_mode(fd, mode)


def try_lock(fd: int, *, exclusive: bool) -> bool:
    return _current.try_lock(fd, exclusive=exclusive)


def close_locked(fd: int) -> None:
    _current.close_locked(fd)


def pread(fd: int, count: int, offset: int) -> bytes:
    return _current.pread(fd, count, offset)


def pwrite(fd: int, data: bytes | memoryview, offset: int) -> int:
    return _current.pwrite(fd, data, offset)


def modes_protect() -> bool:
    """Whether a file's mode bits keep other users out here (not on Windows)."""
    return _current.modes_protect
