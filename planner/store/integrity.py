"""Do the snapshot, the journal and the audit log vouch for each other?

Each change is written to the journal first, then to the audit log, and the snapshot
records where the audit log stood when it was written (see :mod:`planner.store.journal`
and :mod:`planner.store.audit`). So, at rest, after any crash:

* the audit log reaches the snapshot's head, and its records after the head link on
  from it with consecutive change numbers;
* the journal's records after the snapshot carry the same audit lines the audit log
  holds for those changes;
* the audit log holds every change the data holds, or all but the last one (a crash
  between the journal and the audit log), which the journal's copy completes.

Anything else is named here, and nothing is written on top of it: a journal that is
missing, older than the snapshot says, cut short or damaged (the audit log proves changes
the data lacks: they can be replayed from it), an audit log that is missing, emptied,
truncated, edited or reordered, or records that differ between the two. `planner doctor`
says how to recover (see :mod:`planner.store.repair`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner.store.audit import (
    AUDIT_ALTERED,
    AUDIT_MISSING,
    AUDIT_TRUNCATED,
    AuditCopy,
    AuditLog,
)
from planner.store.errors import DatabaseCorrupt, IntegrityError, StoreError
from planner.store.files import complete_lines, record_lines
from planner.store.journal import JournalStorage
from planner.store.layout import DatabaseFiles
from planner.store.snapshot import read_snapshot_header

JOURNAL_MISSING = "journal-missing"
JOURNAL_BEHIND = "journal-behind"
JOURNAL_DAMAGED = "journal-damaged"
AUDIT_BEHIND = "audit-behind"
# The problems that leave the audit log's own records untrustworthy or unreadable.
AUDIT_PROBLEMS = frozenset({AUDIT_ALTERED, AUDIT_MISSING, AUDIT_TRUNCATED})


@dataclass(frozen=True)
class Problem:
    """What is wrong, in one line, and which changes the data lacks that the audit log
    holds (first, last), if any."""

    kind: str
    text: str
    lost: tuple[int, int] | None = None

    def error(self) -> IntegrityError:
        return IntegrityError(
            self.kind,
            f"{self.text}; nothing is written on top of that: 'planner doctor' says how to recover",
        )


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: a problem (None when the files agree), and the change whose
    audit line a crash left in the journal only (to append), if any."""

    problem: Problem | None
    audit_lag: int | None = None


def check(storage: JournalStorage, audit: AuditLog, copied: AuditCopy | None = None) -> Verdict:
    """Compare the loaded storage with the audit log (both read under the lock, or the
    storage loaded from bytes copied under it and the audit log as `copied` then)."""
    head = storage.audit_head
    if head is None:
        raise DatabaseCorrupt("the database has not been read")
    journal = storage.files.journal.name
    try:
        audit.scan(head, copied)
    except IntegrityError as exc:
        return Verdict(Problem(exc.kind, str(exc)))
    except DatabaseCorrupt as exc:
        return Verdict(Problem(AUDIT_ALTERED, str(exc)))
    data_seq, audit_seq = storage.seq, audit.last_seq
    for seq in range(storage.snapshot_seq + 1, min(data_seq, audit_seq) + 1):
        copy = storage.embedded.get(seq)
        if copy is None or audit.link_of(seq) != copy.link:
            return Verdict(
                Problem(
                    AUDIT_ALTERED,
                    f"{audit.path.name}'s record of change {seq} differs from the one in "
                    f"{journal}: one of them was altered or replaced",
                )
            )
    if audit_seq > data_seq:
        return Verdict(_behind(_journal_state(storage), data_seq + 1, audit_seq))
    if storage.journal_missing:
        return Verdict(
            Problem(
                JOURNAL_MISSING,
                f"{journal} is missing (no change is lost: the audit log and the data agree)",
            )
        )
    damage = storage.damage
    if damage is not None and damage.followed:
        return Verdict(Problem(JOURNAL_DAMAGED, f"{damage.text}, and more follows it"))
    if audit_seq < data_seq - 1:
        first, last = audit_seq + 1, data_seq
        return Verdict(
            Problem(
                AUDIT_BEHIND,
                f"{audit.path.name} lacks the records of {_span(first, last)} that "
                f"{journal} holds: it was cut short or replaced by an older copy",
            )
        )
    return Verdict(None, data_seq if audit_seq == data_seq - 1 else None)


def _behind(state: str, first: int, last: int) -> Problem:
    """The journal lacks changes `first` to `last`, which the audit log holds."""
    count = last - first + 1
    what = f"{count} change{'s' if count != 1 else ''} ({_span(first, last)})"
    text = f"{state}: the audit log records {what} that the data does not hold"
    return Problem(JOURNAL_BEHIND, text, lost=(first, last))


def _journal_state(storage: JournalStorage) -> str:
    name = storage.files.journal.name
    if storage.journal_missing:
        return f"{name} is missing"
    if storage.damage is not None:
        return storage.damage.text
    if storage.unterminated is not None:
        return f"{name}'s last record lost its line end"
    return f"{name} is older or shorter than it was"


def _span(first: int, last: int) -> str:
    return f"change {first}" if first == last else f"changes {first} to {last}"


def check_structure(files: DatabaseFiles) -> Problem | None:
    """The same comparison, made without the key (for `planner doctor` on an encrypted
    database): a record's change number stands outside its seal, so a missing, emptied,
    older or shorter journal or audit log is found; edits are not."""
    try:
        header, _ = read_snapshot_header(files.data)
    except (StoreError, OSError):
        return None  # the snapshot's own check reports it
    head = header.audit
    if head is None:
        return None
    audit = _last_seq(files.audit, head.end)
    if audit is None:
        return Problem(AUDIT_MISSING, f"{files.audit.name} is missing")
    if audit < 0:
        return Problem(
            AUDIT_TRUNCATED,
            f"{files.audit.name} is shorter than the database records: it ends before change "
            f"{head.seq}",
        )
    data = max(header.seq, _last_seq(files.journal, 0) or 0)
    if audit > data:
        name = files.journal.name
        if files.journal.exists():
            return _behind(f"{name} is older or shorter than it was", data + 1, audit)
        return _behind(f"{name} is missing", data + 1, audit)
    if audit < data - 1:
        return Problem(
            AUDIT_BEHIND,
            f"{files.audit.name} lacks the records of {_span(audit + 1, data)} that "
            f"{files.journal.name} holds",
        )
    if not files.journal.exists():
        return Problem(JOURNAL_MISSING, f"{files.journal.name} is missing")
    return None


def _last_seq(path: Path, start: int) -> int | None:
    """The change number of a file's last record line read from byte `start` (the head's
    end for the audit log, after the header for a journal): None when the file is
    missing, -1 when it is shorter than `start`."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    if len(data) < start:
        return -1
    if start == 0:
        lines = complete_lines(data[: 64 * 1024])
        if not lines or not lines[0].endswith(b"\n"):
            return 0
        start = len(lines[0])
    found = record_lines(data[start:], start).records
    return found[-1].seq if found else 0
