"""Structural checks of a database's files, without a key and without changing anything.

Each check reads one file and says in plain words what is wrong with it, if anything:
checksums, lengths, headers, torn and damaged lines. Decrypting and parsing the contents
is left to the storage itself (see :func:`planner.store.backup.verify_backup`).
"""

from __future__ import annotations

import mmap
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner.store import platform
from planner.store.audit_format import AUDIT_FORMAT
from planner.store.errors import StoreError
from planner.store.files import complete_lines, json_object, record_lines, unframe
from planner.store.journal_format import JOURNAL_FORMAT
from planner.store.snapshot import SnapshotHeader, read_snapshot_header


@dataclass(frozen=True)
class FileCheck:
    """What one file looks like: a problem (None when sound) and what it holds."""

    path: Path
    problem: str | None = None
    notes: tuple[str, ...] = ()
    records: int = 0
    complete_length: int = 0  # bytes up to the end of the last complete line or body

    @property
    def ok(self) -> bool:
        return self.problem is None


def human_size(size: int) -> str:
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.1f} KB"
    return f"{size / 1_000_000:.1f} MB"


def check_snapshot(path: Path) -> tuple[FileCheck, SnapshotHeader | None]:
    """The snapshot's header, length and checksum."""
    name = path.name
    if not path.exists():
        return FileCheck(path, f"{name} is missing"), None
    try:
        header, body_start = read_snapshot_header(path)
    except StoreError as exc:
        return FileCheck(path, str(exc)), None
    except OSError as exc:
        return FileCheck(path, f"{name} cannot be read ({exc.strerror or exc})"), None
    try:
        crc, size = _body_crc(path, body_start)
    except OSError as exc:
        return FileCheck(path, f"{name} cannot be read ({exc.strerror or exc})"), header
    if size < header.length:
        problem = f"{name} is truncated (body {human_size(size)} of {human_size(header.length)})"
        return FileCheck(path, problem), header
    if size > header.length:
        extra = size - header.length
        return FileCheck(path, f"{name} has {human_size(extra)} of unexpected data"), header
    if crc != header.crc:
        problem = f"{name} is damaged (its body does not match its checksum)"
        return FileCheck(path, problem), header
    notes = (f"{human_size(size)}, up to change {header.seq}",)
    return FileCheck(path, None, notes, 1, body_start + size), header


def _body_crc(path: Path, start: int) -> tuple[int, int]:
    """CRC-32 and length of the file from `start` on, without copying it into memory."""
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size <= start:
            return zlib.crc32(b""), 0
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            view = memoryview(mapped)
            try:
                return zlib.crc32(view[start:]), size - start
            finally:
                view.release()


def check_journal(path: Path, db_id: str | None, snapshot_seq: int | None) -> FileCheck:
    """The journal's header and the checksum of every line."""
    check, header = _check_lines(path, JOURNAL_FORMAT, db_id)
    if check.problem or header is None:
        return check
    notes = list(check.notes)
    base = header.get("base")
    if snapshot_seq is not None and isinstance(base, int):
        if base > snapshot_seq:
            return FileCheck(
                path,
                f"{path.name} starts after change {base} but its snapshot holds only "
                f"{snapshot_seq} (the snapshot was replaced by an older copy)",
                records=check.records,
            )
        if base < snapshot_seq:
            notes.append("what it holds is in the snapshot already (harmless)")
    return FileCheck(path, None, tuple(notes), check.records, check.complete_length)


def check_audit(path: Path, db_id: str | None) -> FileCheck:
    check, _header = _check_lines(path, AUDIT_FORMAT, db_id)
    return check


def _check_lines(
    path: Path, file_format: str, db_id: str | None
) -> tuple[FileCheck, dict[str, Any] | None]:
    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return FileCheck(path, f"{name} is missing"), None
    except OSError as exc:
        return FileCheck(path, f"{name} cannot be read ({exc.strerror or exc})"), None
    lines = complete_lines(data[: 64 * 1024])
    header = json_object(unframe(lines[0])) if lines else None
    kind = "journal" if file_format == JOURNAL_FORMAT else "audit log"
    if not data and file_format == JOURNAL_FORMAT:
        return FileCheck(path, None, ("empty (folded into the snapshot)",), 0, 0), {}
    if header is None or header.get("format") != file_format:
        return FileCheck(path, f"{name} is not a planner {kind} (no valid header)"), None
    if db_id is not None and header.get("db") != db_id:
        return FileCheck(path, f"{name} belongs to another database"), None
    offset = len(lines[0])
    found = record_lines(data[offset:], offset)
    records = len(found.records)
    end = found.records[-1].end if found.records else offset
    if found.damaged_at is not None:
        problem = (
            f"{name} is damaged at byte {found.damaged_at} (record {records + 1}; "
            f"{human_size(len(data) - found.damaged_at)} from there on cannot be trusted)"
        )
        return FileCheck(path, problem, records=records), header
    notes: list[str] = [f"{records} record{'s' if records != 1 else ''}"]
    if found.torn is not None:
        notes.append(
            f"it ends with {human_size(len(found.torn.data))} of a change that was never "
            "completed (a crash mid-save); it is ignored"
        )
    return FileCheck(path, None, tuple(notes), records, end), header


def check_legacy_lines(*paths: Path) -> str | None:
    """The cheap check of a journal and audit log an earlier planner wrote (schema 1, whose
    lines carry a checksum but no change number): every line is whole and passes it."""
    for path in paths:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            continue
        except OSError as exc:
            return f"{path.name} cannot be read ({exc.strerror or exc})"
        for line in complete_lines(data):
            if not line.endswith(b"\n"):
                return f"{path.name} is incomplete"
            if unframe(line) is None:
                return f"{path.name} is damaged"
    return None


def file_mode_problem(path: Path) -> str | None:
    """A warning when others than the owner may read or write the file (POSIX only: on
    Windows the mode bits say nothing about who may read it; see
    :mod:`planner.store.platform.windows`)."""
    if not platform.modes_protect():
        return None
    try:
        mode = os.stat(path).st_mode & 0o777
    except OSError:
        return None
    if mode & 0o077:
        return f"{path.name} can be read by other users (mode {mode:o}): run 'chmod 600 {path}'"
    return None
