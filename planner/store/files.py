"""File primitives: crash-safe replace, durable writes and checksummed line frames.

A header line is ``CRC PAYLOAD``; a record line (journal and audit log) is
``CRC SEQ LINK PAYLOAD``: the CRC-32 (8 hex digits) covers the rest of the line, SEQ is
the change number in decimal and LINK the record's hash-chain link in hex (see
:mod:`planner.store.chain`). Every line ends with a newline, which a payload never holds.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from planner.store import platform
from planner.store.chain import LINK_HEX

TEMP_PREFIX = ".planner-tmp-"
FILE_MODE = 0o600


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable (on Windows, where a folder cannot
    be fsync'd, each rename is written through instead: see :mod:`planner.store.platform`)."""
    platform.fsync_dir(folder)


def atomic_write(path: Path, chunks: list[bytes], *, mode: int = FILE_MODE) -> None:
    """Write a whole file so that a crash at any instant leaves the old or the new one.

    The data goes to a temporary file in the same folder, is fsync'd, then renamed over
    `path`, and the folder is fsync'd. On any error the temporary file is removed and the
    old file is untouched.
    """
    folder = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            platform.set_mode(handle.fileno(), mode)  # by the open file: its name may be gone
            os.fsync(handle.fileno())
        platform.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(folder)


def replace_durably(source: Path, target: Path) -> None:
    """Rename `source` over `target` (both in one folder) and make the rename durable."""
    platform.replace(source, target)
    fsync_dir(target.parent)


def copy_durably(source: Path, target: Path, length: int | None = None, *, mode: int) -> int:
    """Copy the first `length` bytes (all when None) of `source` into a new file `target`.

    The new file is created exclusively with `mode`, and fsync'd before this returns;
    returns the number of bytes copied. The kernel copies the bytes itself where it can
    (copy_file_range: about ten times faster than reading and writing them here). A failed
    copy removes the new file.
    """
    fd_in = platform.open_file(source, os.O_RDONLY, follow_links=True)
    try:
        wanted = os.fstat(fd_in).st_size if length is None else length
        fd_out = platform.open_file(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            copied = _copy_range(fd_in, fd_out, wanted)
            os.fsync(fd_out)
        except BaseException:
            os.close(fd_out)
            with contextlib.suppress(OSError):
                target.unlink()
            raise
        os.close(fd_out)
        return copied
    finally:
        os.close(fd_in)


def _copy_range(fd_in: int, fd_out: int, wanted: int) -> int:
    copied = 0
    kernel = hasattr(os, "copy_file_range")
    while copied < wanted:
        count = min(wanted - copied, 1 << 30)
        done = 0
        if kernel:
            try:
                done = os.copy_file_range(fd_in, fd_out, count, copied, copied)
            except OSError as exc:
                if exc.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
                    raise
                kernel = False
                continue
        else:
            os.lseek(fd_in, copied, os.SEEK_SET)
            os.lseek(fd_out, copied, os.SEEK_SET)
            view = memoryview(os.read(fd_in, min(count, 1 << 20)))
            while view:
                written = os.write(fd_out, view)
                view = view[written:]
                done += written
        if done == 0:
            break  # the source is shorter than asked: copy what there is
        copied += done
    return copied


def complete_lines(data: bytes) -> list[bytes]:
    """The lines of `data` split at b"\n" only, each keeping its newline; the last one may
    lack it (a torn line). Unlike bytes.splitlines, a b"\r" inside a line is kept."""
    if not data:
        return []
    lines = data.split(b"\n")
    out = [line + b"\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def frame(payload: bytes) -> bytes:
    """One line: an 8-hex-digit CRC-32 of the payload, a space, the payload, a newline."""
    if b"\n" in payload:
        raise ValueError("a framed payload cannot hold a newline")
    return b"%08x %s\n" % (zlib.crc32(payload), payload)


def unframe(line: bytes) -> bytes | None:
    """The payload of a complete line, or None when it is torn or damaged."""
    if len(line) < 10 or line[8:9] != b" " or not line.endswith(b"\n"):
        return None
    digits = line[:8]
    if digits.strip(b"0123456789abcdefABCDEF"):
        return None  # int() would also take signs, spaces and underscores
    payload = line[9:-1]
    return payload if zlib.crc32(payload) == int(digits, 16) else None


def json_object(payload: bytes | None) -> dict[str, Any] | None:
    """The JSON object a line's payload holds (a file header), or None when there is no
    payload, it is not JSON, or not an object."""
    if payload is None:
        return None
    try:
        value = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def write_at(fd: int, offset: int, data: bytes) -> int:
    """Write `data` at byte `offset` of the open file `fd` and fsync; returns the new end.

    Whatever lay at or after `offset` (a line torn by a crash) is cut off first, so the
    file never keeps half a record. A failed write is undone the same way.
    """
    if os.fstat(fd).st_size != offset:
        os.ftruncate(fd, offset)
    try:
        view = memoryview(data)
        position = offset
        while view:
            written = platform.pwrite(fd, view, position)
            view = view[written:]
            position += written
        os.fsync(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, offset)
            os.fsync(fd)
        raise
    return offset + len(data)


def frame_record(seq: int, link: bytes, payload: bytes) -> bytes:
    """One record line: its change number, its chain link and its payload, checksummed."""
    return frame(b"%d %s %s" % (seq, link.hex().encode(), payload))


@dataclass(frozen=True, slots=True)
class RecordLine:
    """One complete record line of a journal or an audit log, as found at byte `start`."""

    start: int
    end: int
    seq: int
    link: bytes
    payload: bytes

    @property
    def line(self) -> bytes:
        return frame_record(self.seq, self.link, self.payload)


def unframe_record(body: bytes) -> tuple[int, bytes, bytes] | None:
    """(change number, link, payload) of a record line's checked body, or None."""
    parts = body.split(b" ", 2)
    if len(parts) != 3 or not parts[0].isdigit() or len(parts[0]) > 18:
        return None
    digits, link, payload = parts
    if len(link) != LINK_HEX or link.strip(b"0123456789abcdef"):
        return None
    return int(digits), bytes.fromhex(link.decode()), payload


@dataclass(frozen=True, slots=True)
class Torn:
    """The last line of a file when it lacks its newline: where it starts, and its bytes."""

    start: int
    data: bytes


@dataclass(frozen=True, slots=True)
class Lines:
    """What a stretch of a journal or an audit log holds: its complete record lines, the
    torn last line (if any), and where the first damaged line starts (None when sound)."""

    records: list[RecordLine]
    torn: Torn | None
    damaged_at: int | None


def record_lines(tail: bytes, offset: int) -> Lines:
    """The record lines of `tail`, read from byte `offset` of its file. Reading stops at
    a torn last line (a crash mid-write) and at the first complete line that fails its
    checksum or is not a record (damage)."""
    records: list[RecordLine] = []
    for line in complete_lines(tail):
        if not line.endswith(b"\n"):
            return Lines(records, Torn(offset, line), None)
        body = unframe(line)
        parsed = None if body is None else unframe_record(body)
        if parsed is None:
            return Lines(records, None, offset)
        seq, link, payload = parsed
        records.append(RecordLine(offset, offset + len(line), seq, link, payload))
        offset += len(line)
    return Lines(records, None, None)


def torn_record(torn: Torn) -> RecordLine | None:
    """The record a torn last line holds when only its newline is missing, else None."""
    body = unframe(torn.data + b"\n")
    parsed = None if body is None else unframe_record(body)
    if parsed is None:
        return None
    seq, link, payload = parsed
    return RecordLine(torn.start, torn.start + len(torn.data) + 1, seq, link, payload)
