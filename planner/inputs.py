"""Reading a file an officer names (a CSV list, a template, the config file), safely.

`read_input` reads at most `limit` bytes, counting what it actually reads rather than
trusting the size the file system reports (``/proc`` files say 0, a device says 0 and
never ends). It opens without blocking and refuses anything that is not a regular file
once opened (checked with ``fstat`` on the open descriptor, so a file swapped for a pipe
between a check and the open is still caught): a FIFO, ``/dev/zero`` or a terminal is
refused at once instead of hanging or filling memory.

It needs nothing from the rest of the planner, so every layer can use it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["MB", "InputMissing", "InputRefused", "read_input", "refuse_unless_regular"]

MB = 1024 * 1024
_CHUNK = MB

# O_NONBLOCK: opening a FIFO with no writer returns at once (and is then refused).
# O_NOCTTY: naming a terminal never makes it this process's controlling terminal.
_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class InputRefused(Exception):
    """A file that cannot be read as input; the message is one line naming the file."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class InputMissing(InputRefused):
    """There is no file at that path (a caller may treat that as "use the defaults")."""


def read_input(path: Path | str, *, limit: int, what: str) -> bytes:
    """The whole content of the regular file at `path`, at most `limit` bytes.

    `what` names the kind of file for the message, e.g. "a releases-due list". Raises
    `InputRefused` for a missing or unreadable file, a folder, anything that is not a
    regular file, and a file longer than `limit`.
    """
    path = Path(path)
    try:
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        raise InputMissing(path, "no such file") from None
    except IsADirectoryError:
        raise InputRefused(path, f"is a folder, not {what}") from None
    except OSError as exc:
        raise InputRefused(path, f"cannot read it ({exc.strerror or exc})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputRefused(path, f"is a folder, not {what}")
        if not stat.S_ISREG(mode):
            raise InputRefused(path, f"is not a regular file (a device or a pipe?), not {what}")
        return _read_at_most(fd, path, limit, what)
    except OSError as exc:
        raise InputRefused(path, f"cannot read it ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def _read_at_most(fd: int, path: Path, limit: int, what: str) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        try:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
        except BlockingIOError:  # pragma: no cover - regular files never block
            raise InputRefused(path, "cannot be read without waiting") from None
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
    raise InputRefused(path, f"is larger than {_size(limit)}, too large for {what}")


def _size(limit: int) -> str:
    if limit >= MB and limit % MB == 0:
        return f"{limit // MB} MB"
    if limit >= 1024 and limit % 1024 == 0:
        return f"{limit // 1024} KB"
    return f"{limit} bytes"


def refuse_unless_regular(path: Path, *, what: str) -> None:
    """Refuse a path that exists but is not a regular file, without opening it.

    For a file another part of the planner opens later (the database): a FIFO named there
    would block that open forever. A path that does not exist yet is fine.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputRefused(path, f"cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(mode):
        raise InputRefused(path, f"is a folder, not {what}")
    if not stat.S_ISREG(mode):
        raise InputRefused(path, f"is not a regular file (a device or a pipe?), not {what}")
