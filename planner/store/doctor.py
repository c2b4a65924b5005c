"""`planner doctor`: check a database's files and say plainly what is wrong and what to do.

Nothing here writes: an interrupted passphrase change or restore is reported, and finished
by the next ordinary open; a repair is :mod:`planner.store.repair`'s, when asked for. With
the codec (the passphrase given) the contents are also decrypted and parsed, and every
record of the audit log is checked against its chain; without it only checksums and
headers are checked (an encrypted database's chain cannot be checked without its key).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from planner.store.backup_folders import Backup, backups_root, check_backup, list_backups
from planner.store.codec import Codec, is_plain
from planner.store.crypto import CODEC_NAME, codec_for
from planner.store.database import Database
from planner.store.errors import StoreError
from planner.store.files import TEMP_PREFIX
from planner.store.inspect import (
    FileCheck,
    check_audit,
    check_journal,
    check_snapshot,
    file_mode_problem,
    human_size,
)
from planner.store.integrity import JOURNAL_BEHIND, Problem, check_structure
from planner.store.layout import DatabaseFiles
from planner.store.locking import DatabaseLock, is_writable
from planner.store.recovery import interrupted
from planner.store.rekey import SAME, sealed_with

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
    integrity: Problem | None = None  # the files do not vouch for each other: what is wrong
    backup_keys: dict[Path, str] = field(default_factory=dict)  # which passphrase opens each

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
    _check_backups(report, files, codec)
    _advise(report)
    return report


def _check_files(report: Diagnosis, files: DatabaseFiles, codec: Codec | None) -> None:
    path = files.data
    present = [p for p in files.all() if p.exists()]
    if not present:
        report.add(PROBLEM, f"there is no database at {path}")
        return
    unfinished = interrupted(path)
    for text in unfinished:
        report.add(NOTE, f"{text}; planner finishes it the next time it opens the database")
    snapshot, header = check_snapshot(path)
    if snapshot.problem or header is None:
        report.add(PROBLEM, snapshot.problem or f"{path.name} cannot be read")
        return
    kind = "encrypted" if header.codec.get("name") == CODEC_NAME else "not encrypted"
    report.add(OK, f"{path.name}: {', '.join(snapshot.notes)}; {kind}")
    journal = check_journal(files.journal, header.db_id, header.seq)
    if files.journal.exists() or journal.problem is None:
        _report_lines(report, journal)
    audit = check_audit(files.audit, header.db_id)
    if files.audit.exists() or audit.problem is None:
        _report_lines(report, audit)
    if unfinished:
        return  # the contents are checked once the next open has finished the work
    if header.codec.get("name") == CODEC_NAME and codec is None:
        report.add(
            NOTE,
            "the contents were not decrypted nor the audit log's chain checked (no passphrase "
            "given); a missing, older or shorter journal or audit log is still found",
        )
    try:
        unlocked = codec_for(header.codec, what=path.name, given=codec) if codec else None
        db = Database(path, read_only=True, lock_timeout=5.0)
        if unlocked is None and header.codec.get("name") == CODEC_NAME:
            _check_without_key(report, files)
            return
        db.open(create=False, codec=unlocked, passphrase=None, encrypt=False)
        with db.locked():
            if db.problem is None:
                records = db.audit.records()
    except StoreError as exc:
        report.add(PROBLEM, str(exc))
        return
    if db.problem is not None:
        _name_integrity(report, files, db.problem)
        return
    people = len(db.storage.read().get("cases", {}))
    report.add(
        OK,
        f"the contents open: {people} {'person' if people == 1 else 'people'}, "
        f"up to change {db.seq}, {len(records)} audit records, every one in its chain",
    )


def _check_without_key(report: Diagnosis, files: DatabaseFiles) -> None:
    """What can be said of an encrypted database without its key: whether the journal and
    the audit log are as long as the snapshot says (their records' numbers are outside the
    seal)."""
    problem = check_structure(files)
    if problem is not None:
        _name_integrity(report, files, problem)


def _name_integrity(report: Diagnosis, files: DatabaseFiles, problem: Problem) -> None:
    """Report what the files' check against each other found, in place of what the
    journal's and the audit log's own checks said (it says more: what was lost)."""
    own = (files.journal.name, files.audit.name)
    report.findings = [
        f for f in report.findings if not (f.level == PROBLEM and f.text.startswith(own))
    ]
    report.integrity = problem
    report.add(PROBLEM, problem.text)


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
    elif files.journal.exists():
        lock = DatabaseLock(files.journal, timeout=0)
        with contextlib.suppress(StoreError, OSError):
            if not lock.try_exclusive():
                report.add(NOTE, "another planner has the database open right now")
    if files.legacy_lock.exists():
        report.add(
            NOTE, f"{files.legacy_lock.name} is no longer used by planner; it can be deleted"
        )
    for part in files.all():
        warning = file_mode_problem(part)
        if warning:
            report.add(NOTE, warning)
    stale = list(folder.glob(TEMP_PREFIX + "*"))
    if stale:
        report.add(
            NOTE,
            f"{len(stale)} temporary file(s) left by a crash; removed by the next open (harmless)",
        )
    asides = sorted(folder.glob(f"{path.name}*.before-restore-*"))
    if asides:
        report.add(
            NOTE,
            f"{len(asides)} file(s) kept aside by earlier restores ({asides[0].name}, ...); "
            "delete them once you no longer need them",
        )


def _check_backups(report: Diagnosis, files: DatabaseFiles, codec: Codec | None) -> None:
    for backup in list_backups(backups_root(files.data)):
        try:
            problem = check_backup(backup)
        except OSError as exc:
            problem = f"cannot be read ({exc.strerror or exc})"
        report.backups.append((backup, problem))
        if problem is None and codec is not None and not is_plain(codec):
            report.backup_keys[backup.folder] = sealed_with(backup, codec)
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
    earlier = [folder for folder, which in report.backup_keys.items() if which != SAME]
    for folder in earlier:
        report.add(
            NOTE,
            f"backup {folder.name} opens with {report.backup_keys[folder]}, not the current "
            "one (a passphrase change did not reach it); restoring it needs that passphrase",
        )


def _advise(report: Diagnosis) -> None:
    if report.healthy:
        report.advice.append("nothing needs doing")
        return
    problem = report.integrity
    if problem is not None:
        report.advice.append(repair_advice(problem))
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


def repair_advice(problem: Problem) -> str:
    """What `planner doctor --repair` would do about `problem`, in words."""
    if problem.kind == JOURNAL_BEHIND and problem.lost is not None:
        first, last = problem.lost
        count = last - first + 1
        return (
            f"'planner doctor --repair' replays the {count} change{'s' if count != 1 else ''} "
            "from the audit log (each is checked against its record before it is kept, and "
            "the replay itself is recorded); the damaged file is kept aside"
        )
    return (
        "'planner doctor --repair' keeps the database's data as it is and starts the "
        "history again where it can be trusted, recording what was lost; the damaged file "
        "is kept aside"
    )
