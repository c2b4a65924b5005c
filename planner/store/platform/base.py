"""What the store asks of the operating system, wherever POSIX and Windows differ.

Each platform answers the same questions (see :class:`Platform`); the store calls them
through :mod:`planner.store.platform` and never the operating system's own calls for
these. A lock is taken without waiting (:meth:`Platform.try_lock`); the store polls it
until its deadline, the same way on every platform (see :mod:`planner.store.locking`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class LockBackend(Protocol):
    """Shared or exclusive locks on an open file, released when the file is closed."""

    def try_lock(self, fd: int, *, exclusive: bool) -> bool:
        """Lock `fd` at once, shared (any number of holders) or exclusive (one, nobody
        else); False when another holder's lock is in the way. Never waits."""
        ...

    def unlock(self, fd: int) -> None:
        """Let go of the lock on `fd` (nothing happens when there is none)."""
        ...


class Platform(Protocol):
    """The calls the store makes that differ between operating systems."""

    name: str
    modes_protect: bool  # whether a file's mode bits keep other users out

    def open_file(self, path: Path, flags: int, mode: int, *, follow_links: bool) -> int:
        """os.open of one of planner's files: binary, not inherited by child processes,
        and, unless `follow_links`, never through a symbolic link (OSError ELOOP)."""
        ...

    def fsync_dir(self, folder: Path) -> None:
        """Make a rename or a new file in `folder` durable."""
        ...

    def replace(self, source: Path, target: Path) -> None:
        """Rename the file `source` over `target` (in one folder), durably where the
        platform can only do it so (Windows: the rename is written through)."""
        ...

    def move_folder(self, source: Path, target: Path) -> None:
        """Rename the folder `source` to the new name `target`."""
        ...

    def remove(self, path: Path) -> None:
        """Remove the file `path` (FileNotFoundError when it is not there)."""
        ...

    def remove_if_unused(self, path: Path) -> bool:
        """Remove the file `path` unless another process holds it locked or open now;
        True when it was removed."""
        ...

    def remove_tree(self, folder: Path) -> None:
        """Remove `folder` and everything in it, read-only files included; whatever
        cannot be removed stays (a later clean-up tries again)."""
        ...

    def set_mode(self, fd: int, mode: int) -> None:
        """Give the open file `fd` the permission bits `mode`, where they mean anything."""
        ...

    def try_lock(self, fd: int, *, exclusive: bool) -> bool:
        """See :meth:`LockBackend.try_lock`."""
        ...

    def close_locked(self, fd: int) -> None:
        """Let go of the lock on `fd`, if any, and close it."""
        ...

    def pread(self, fd: int, count: int, offset: int) -> bytes:
        """Up to `count` bytes of `fd` from byte `offset`."""
        ...

    def pwrite(self, fd: int, data: bytes | memoryview, offset: int) -> int:
        """Write `data` at byte `offset` of `fd`; returns how many bytes were written."""
        ...
