"""Export formats, predictable file names, and writing files that are never half-written.

Every export is written with the store's crash-safe replace (temporary file, fsync,
rename), readable only by its owner (mode 0600: these files hold personal data), and an
existing file is replaced only when the caller says so. A batch (`BatchFolder`) writes
each file the same way but makes the folder durable once, after its last file.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from types import TracebackType

from planner.store import platform
from planner.store.files import FILE_MODE, TEMP_PREFIX, atomic_write, fsync_dir
from planner.store.layout import open_database_holding


class ExportError(Exception):
    """An export that cannot be written; the message says what to do."""


class InvalidExport(ExportError):
    """A request the user can fix: an unknown format, a path that cannot be used."""


class OutputExists(InvalidExport):
    """Files to be written exist and replacing them was not asked for: `first` of them,
    `existing` of the `total` to write. Each interface says how to replace them (the
    command line's --force, the UI's Replace button)."""

    def __init__(self, first: Path, *, existing: int = 1, total: int = 1) -> None:
        self.first, self.existing, self.total = first, existing, total
        if total == 1:
            message = f"{first} already exists"
        else:
            message = (
                f"{existing} of {total} files already exist in {first.parent} (first: {first.name})"
            )
        super().__init__(message)


class ExportFormat(StrEnum):
    PDF = "pdf"
    MARKDOWN = "md"
    JSON = "json"
    NOTE = "note"
    PLAN = "plan"  # the person's own plan, a large-print PDF (not a handover summary)

    @property
    def extension(self) -> str:
        if self is ExportFormat.PLAN:
            return "pdf"
        return "txt" if self is ExportFormat.NOTE else self.value


def parse_format(raw: str) -> ExportFormat:
    aliases = {"markdown": "md", "txt": "note", "text": "note"}
    key = raw.strip().lower()
    try:
        return ExportFormat(aliases.get(key, key))
    except ValueError:
        choices = ", ".join(f.value for f in ExportFormat)
        raise InvalidExport(f"format {raw!r} is not one of: {choices}") from None


def safe_name_part(text: str, fallback: str = "unknown") -> str:
    """`text` as a file-name part anyone's system accepts: ASCII letters, digits, '-'.

    Accents are dropped ('Zoë' gives 'Zoe'), apostrophes vanish ('O'Neill' gives
    'ONeill'), and any other run of characters becomes one '-'.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['\u2019`]", "", ascii_text)
    cleaned = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")
    return cleaned[:40].rstrip("-") or fallback


def summary_file_name(number: str, surname: str, release: date | None, fmt: ExportFormat) -> str:
    """'{number}_{surname}_{release-date}.{ext}', e.g. 'A1234BC_ONeill-Ward_2026-12-16.pdf'."""
    day = release.isoformat() if release else "no-release-date"
    plan = "_plan" if fmt is ExportFormat.PLAN else ""  # beside the summary PDF, not over it
    return f"{number}_{safe_name_part(surname)}_{day}{plan}.{fmt.extension}"


@dataclass(frozen=True)
class OutputTarget:
    """Where an export was asked to go: a file, or a folder to put the file in."""

    path: Path
    is_folder: bool

    def file(self, name: str) -> Path:
        """The file to write: `name` inside the folder, or the file itself."""
        return self.path / name if self.is_folder else self.path

    def make_folder(self) -> None:
        """Make the folder (and its parents) if it is missing, readable by its owner only."""
        if self.is_folder:
            try:
                make_private_folder(self.path)
            except OSError as exc:
                raise InvalidExport(
                    f"cannot make folder {self.path}: {exc.strerror or exc}"
                ) from None


def make_private_folder(folder: Path) -> None:
    """Make `folder` and any missing parents, mode 0700, and make each new name durable.

    A folder's name lives in its parent: without the parent's fsync a crash could lose
    a new export folder with every file written into it.
    """
    missing: list[Path] = []
    level = folder
    while not level.exists() and level != level.parent:
        missing.append(level)
        level = level.parent
    # Each level is made here: Path.mkdir(parents=True) gives the parents the default mode.
    for made in reversed(missing):
        made.mkdir(mode=0o700, exist_ok=True)
    for made in missing:  # the deepest first; each name is in the folder above it
        fsync_dir(made.parent)


def output_target(text: str, *, base: Path | None = None) -> OutputTarget:
    """The one rule for an export path, in the command line and the terminal UI alike:
    a path that ends in a path separator, or names a folder that exists, is a folder.

    `~` is expanded; a relative path is taken from `base` (when given).
    """
    ends_as_folder = text.endswith(("/", os.sep)) or (
        os.altsep is not None and text.endswith(os.altsep)
    )
    path = Path(text).expanduser()
    if base is not None and not path.is_absolute():
        path = base / path
    return OutputTarget(path, ends_as_folder or path.is_dir())


def check_writable(path: Path, *, force: bool) -> None:
    """Raise a clear error unless `path` may be written: never one of an open database's
    own files, even with force."""
    refuse_database_file(path)
    if path.is_dir():
        raise InvalidExport(f"{path} is a folder; give a file name")
    if path.exists() and not force:
        raise OutputExists(path)
    if not path.parent.is_dir():
        raise InvalidExport(f"folder {path.parent} does not exist")


def refuse_database_file(path: Path) -> None:
    """InvalidExport when `path` is a file (or backup) of a database open here."""
    database = open_database_holding(path)
    if database is not None:
        raise InvalidExport(
            f"{path} is part of the database {database.name}: give another file name "
            "(nothing was written)"
        )


def write_file(path: Path, data: bytes, *, force: bool) -> Path:
    """Write `data` to `path` crash-safely with mode 0600; refuse to replace without force."""
    check_writable(path, force=force)
    try:
        atomic_write(path, [data])
    except OSError as exc:
        raise ExportError(f"could not write {path}: {exc.strerror or exc}") from None
    return path


class BatchFolder:
    """Many files written into one folder, each whole, their names made durable together.

    Each file goes to a temporary file beside it, is fsync'd and renamed into place, as
    `write_file` does; the folder is fsync'd once, when the `with` block ends, instead of
    after every file (the folder's fsync was half the time a file took to write). A crash
    before then may lose some of the new names, never leave a part-written file under one;
    the block ends, and so the batch reports success, only after the fsync.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written = 0  # files renamed into place and not yet made durable

    def __enter__(self) -> BatchFolder:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if error is None:
            self.sync()
        else:  # the files written so far stay, durably if the disk allows; the error is told
            with contextlib.suppress(ExportError):
                self.sync()

    def write(self, path: Path, data: bytes, *, force: bool) -> Path:
        """Write `data` to `path` (in the folder) whole, mode 0600; refuse to replace a file
        without force."""
        check_writable(path, force=force)
        try:
            _write_whole(path, data)
        except OSError as exc:
            raise ExportError(f"could not write {path}: {exc.strerror or exc}") from None
        self.written += 1
        return path

    def sync(self) -> None:
        """Make the names of the files written so far durable."""
        if not self.written:
            return
        try:
            fsync_dir(self.folder)
        except OSError as exc:
            raise ExportError(f"could not write {self.folder}: {exc.strerror or exc}") from None
        self.written = 0


def _write_whole(path: Path, data: bytes) -> None:
    """The store's `atomic_write` less its folder fsync, which `BatchFolder` does once."""
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            platform.set_mode(handle.fileno(), FILE_MODE)
            os.fsync(handle.fileno())
        platform.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
