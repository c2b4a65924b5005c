"""`planner doctor`: check a database's files and say plainly what is wrong and what to do.

Nothing here writes: an interrupted passphrase change or restore is reported, and finished
by the next ordinary open. With the codec (the passphrase given) the contents are also
decrypted and parsed; without it only checksums and headers are checked.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from planner.store.audit import AuditLog
from planner.store.backup import Backup, backups_root, check_backup, list_backups
from planner.store.codec import Codec
from planner.store.crypto import CODEC_NAME, codec_for
from planner.store.errors import DatabaseLocked, StoreError
from planner.store.files import TEMP_PREFIX
from planner.store.inspect import (
    FileCheck,
    check_audit,
    check_journal,
    check_snapshot,
    file_mode_problem,
    human_size,
)
from planner.store.journal import DatabaseFiles, JournalStorage
from planner.store.locking import DatabaseLock, is_writable
from planner.store.recovery import interrupted

OK = "ok"
NOTE = "note"
PROBLEM = "problem"


@dataclass(frozen=True)
class Finding:
    level: str  # OK, NOTE or PROBLEM
    text: str


@dataclass
class Diagnosis:
    path: Path
    findings: list[Finding] = field(default_factory=list)
    backups: list[tuple[Backup, str | None]] = field(default_factory=list)  # (backup, problem)
    advice: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return all(f.level != PROBLEM for f in self.findings)

    @property
    def newest_good(self) -> Backup | None:
        return next((b for b, problem in self.backups if problem is None), None)

    def add(self, level: str, text: str) -> None:
        self.findings.append(Finding(level, text))


def encrypted(path: Path) -> bool:
    """Whether the snapshot's header says it is encrypted (False if it cannot be read)."""
    _check, header = check_snapshot(path)
    return header is not None and header.codec.get("name") == CODEC_NAME


def diagnose(path: Path, codec: Codec | None = None) -> Diagnosis:
    """Check the database at `path` (see the module docstring)."""
    report = Diagnosis(path)
    files = DatabaseFiles(path)
    _check_files(report, files, codec)
    _check_surroundings(report, files)
    _check_backups(report, files)
    _advise(report)
    return report


def _check_files(report: Diagnosis, files: DatabaseFiles, codec: Codec | None) -> None:
    path = files.data
    present = [p for p in files.all() if p.exists()]
    if not present:
        report.add(PROBLEM, f"there is no database at {path}")
        return
    for text in interrupted(path):
        report.add(NOTE, f"{text}; planner finishes it the next time it opens the database")
    snapshot, header = check_snapshot(path)
    if snapshot.problem or header is None:
        report.add(PROBLEM, snapshot.problem or f"{path.name} cannot be read")
        return
    kind = "encrypted" if header.codec.get("name") == CODEC_NAME else "not encrypted"
    report.add(OK, f"{path.name}: {', '.join(snapshot.notes)}; {kind}")
    sound = True
    journal = check_journal(files.journal, header.db_id, header.seq)
    if files.journal.exists() or journal.problem is None:
        sound &= _report_lines(report, journal)
    else:
        report.add(NOTE, f"{files.journal.name} is missing; planner starts a new one (harmless)")
    audit = check_audit(files.audit, header.db_id)
    sound &= _report_lines(report, audit)
    if not sound:
        return
    if header.codec.get("name") == CODEC_NAME and codec is None:
        report.add(NOTE, "the contents were not decrypted (no passphrase given)")
        return
    try:
        unlocked = codec_for(header.codec, what=path.name, given=codec)
        storage = JournalStorage(files, unlocked, read_only=True)
        storage.refresh()
        records = AuditLog(files.audit, unlocked, storage.db_id).records(storage.seq)
    except StoreError as exc:
        report.add(PROBLEM, str(exc))
        return
    people = len(storage.read().get("cases", {}))
    report.add(
        OK,
        f"the contents open: {people} {'person' if people == 1 else 'people'}, "
        f"up to change {storage.seq}, {len(records)} audit records",
    )


def _report_lines(report: Diagnosis, check: FileCheck) -> bool:
    if check.problem:
        report.add(PROBLEM, check.problem)
        return False
    report.add(OK, f"{check.path.name}: {check.notes[0]}")
    for note in check.notes[1:]:
        report.add(NOTE, f"{check.path.name}: {note}")
    return True


def _check_surroundings(report: Diagnosis, files: DatabaseFiles) -> None:
    path = files.data
    folder = path.parent
    if not folder.exists():
        return
    if not is_writable(path):
        report.add(NOTE, f"{path.name} cannot be written here: planner opens it read-only")
    elif files.lock.exists():
        lock = DatabaseLock(files.lock, timeout=0)
        with contextlib.suppress(DatabaseLocked, OSError):
            if not lock.try_exclusive():
                report.add(NOTE, "another planner has the database open right now")
    for part in (*files.all(), files.lock):
        warning = file_mode_problem(part)
        if warning:
            report.add(NOTE, warning)
    stale = list(folder.glob(TEMP_PREFIX + "*"))
    if stale:
        report.add(
            NOTE,
            f"{len(stale)} temporary file(s) left by a crash; removed by the next save (harmless)",
        )
    asides = sorted(folder.glob(f"{path.name}*.before-restore-*"))
    if asides:
        report.add(
            NOTE,
            f"{len(asides)} file(s) kept aside by earlier restores ({asides[0].name}, ...); "
            "delete them once you no longer need them",
        )


def _check_backups(report: Diagnosis, files: DatabaseFiles) -> None:
    for backup in list_backups(backups_root(files.data)):
        try:
            problem = check_backup(backup)
        except OSError as exc:
            problem = f"cannot be read ({exc.strerror or exc})"
        report.backups.append((backup, problem))
    good = [b for b, problem in report.backups if problem is None]
    bad = [(b, p) for b, p in report.backups if p is not None]
    if good:
        newest = good[0]
        report.add(
            OK,
            f"{len(good)} good backup(s); the newest is {newest.folder.name} from {newest.when()}",
        )
    else:
        report.add(NOTE, "there are no good backups yet (one is taken on each day planner opens)")
    for backup, problem in bad:
        report.add(NOTE, f"backup {backup.folder.name} is not usable: {problem}")


def _advise(report: Diagnosis) -> None:
    if report.healthy:
        report.advice.append("nothing needs doing")
        return
    good = report.newest_good
    if good is not None:
        size = sum(p.stat().st_size for p in good.folder.iterdir() if p.is_file())
        report.advice.append(
            f"the newest good backup is {good.folder} from {good.when()} "
            f"({human_size(size)}): run 'planner restore {good.folder}'; it keeps the current "
            "files aside (nothing is deleted); changes made after the backup must be "
            "entered again"
        )
    else:
        report.advice.append(
            f"there is no good backup: copy every file in {report.path.parent} somewhere safe "
            "before trying anything else, and ask for help; do not delete any file"
        )
