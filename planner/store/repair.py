"""`planner doctor --repair`: recovering a database whose files do not vouch for each other.

Each problem :mod:`planner.store.integrity` names has one repair, made under the lock, each
step leaving a state the next repair can take up again if it is cut short, and each noted
in the audit log (without personal data). A damaged file is always kept aside first
(``NAME.journal.damaged-STAMP``, ``NAME.audit.damaged-STAMP``); nothing is deleted.

* The journal is behind (missing, rolled back, cut short or damaged) and the audit log
  holds the changes it lacks: the changes are replayed from the audit log's patches, each
  checked against the digest of the document it must give (see :mod:`planner.store.patch`),
  into a new snapshot.
* The audit log lacks records the journal still holds: they are appended from the
  journal's copies. Nothing is lost.
* The journal is missing but nothing is lost, or it is damaged past what any change was
  acknowledged with: a new journal is started, or it is cut at the damage.
* The audit log is missing, emptied, cut short or altered: the data is kept as it is, and
  the history starts again with what can still be trusted (the records at the start of the
  old log that still hold together, and the journal's copies of the changes since the
  last snapshot); a record says which changes' history was lost. This loses history, so
  the officer must agree to it first.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from planner.domain.template import STORED_COPY, Template
from planner.store.audit import AUDIT_ALTERED, AUDIT_MISSING, AUDIT_TRUNCATED
from planner.store.audit_format import trusted_records
from planner.store.database import Change, Database
from planner.store.documents import case_from_doc, index_entry
from planner.store.errors import DatabaseCorrupt, StoreError
from planner.store.files import copy_durably
from planner.store.integrity import (
    AUDIT_BEHIND,
    JOURNAL_BEHIND,
    JOURNAL_DAMAGED,
    JOURNAL_MISSING,
    Problem,
)
from planner.store.patch import PatchMismatch, apply
from planner.store.rewrite import Rewrite, rewrite_live
from planner.store.snapshot import Tables
from planner.store.tables import ASSESSMENTS, CASES, INDEX, TEMPLATES

REPAIR_FIELD = "database.repair"
STAMP = "%Y%m%dT%H%M%S"
MAX_STEPS = 4

REPLAY = "replay"
REBUILD_AUDIT = "rebuild-audit"
NEW_JOURNAL = "new-journal"
CUT_JOURNAL = "cut-journal"
RESTART_HISTORY = "restart-history"


class RepairRefused(StoreError):
    """The repair cannot be made (or needs the officer's agreement first)."""


@dataclass(frozen=True)
class RepairPlan:
    """What a repair of `problem` does, in words, and whether it gives up history."""

    problem: Problem
    action: str
    summary: str
    loses_history: bool


def plan_repair(problem: Problem) -> RepairPlan:
    kind = problem.kind
    if kind == JOURNAL_BEHIND and problem.lost is not None:
        first, last = problem.lost
        count = last - first + 1
        return RepairPlan(
            problem,
            REPLAY,
            f"replay the {count} change{'s' if count != 1 else ''} the audit log holds and "
            "the data lacks, each checked against its record, and note the replay",
            loses_history=False,
        )
    if kind == AUDIT_BEHIND:
        return RepairPlan(
            problem,
            REBUILD_AUDIT,
            "copy the records the audit log lacks from the journal, which holds them whole",
            loses_history=False,
        )
    if kind == JOURNAL_MISSING:
        return RepairPlan(
            problem,
            NEW_JOURNAL,
            "start a new, empty journal (no change is lost); first make sure no other "
            "planner has this database open",
            loses_history=False,
        )
    if kind == JOURNAL_DAMAGED:
        return RepairPlan(
            problem,
            CUT_JOURNAL,
            "cut the journal at the damage (the audit log proves no saved change lies "
            "beyond it); the damaged file is kept aside",
            loses_history=False,
        )
    if kind in (AUDIT_MISSING, AUDIT_TRUNCATED, AUDIT_ALTERED):
        return RepairPlan(
            problem,
            RESTART_HISTORY,
            "keep every record as it is and start the history again with what can still be "
            "trusted; the history of the changes that cannot be is given up (the damaged "
            "file is kept aside); restoring the newest good backup instead keeps more "
            "history but loses the changes made since it",
            loses_history=True,
        )
    raise RepairRefused(f"planner cannot repair this: {problem.text}")


def repair(
    db: Database,
    *,
    by: str,
    clock: Callable[[], datetime],
    accept_history_loss: bool,
) -> list[str]:
    """Repair `db` (opened writable, not locked by the caller) until its files vouch for
    each other; returns what was done, a line each. RepairRefused when a repair would
    give up history and that was not agreed, or cannot be made."""
    done: list[str] = []
    for _step in range(MAX_STEPS):
        with db.locked():
            db.refresh()
            if db.problem is None:
                return done
            plan = plan_repair(db.problem)
            if plan.loses_history and not accept_history_loss:
                raise RepairRefused(
                    f"{db.problem.text}: repairing it gives up history; agree to that first"
                )
            done.append(_ACTIONS[plan.action](db, plan.problem, by, clock()))
    with db.locked():
        db.refresh()
        if db.problem is not None:
            raise RepairRefused(f"the repair did not finish: {db.problem.text}")
    return done


# --- the repairs ------------------------------------------------------------------------


def _replay(db: Database, problem: Problem, by: str, at: datetime) -> str:
    storage, audit = db.storage, db.audit
    first, last = db.seq + 1, audit.last_seq
    tables: Tables = {name: dict(docs) for name, docs in storage.read().items()}
    touched: set[str] = set()
    for record in audit.records_after(db.seq):
        patch = record.get("patch")
        if not isinstance(patch, list):
            raise RepairRefused(
                f"change {record['seq']} cannot be replayed: its audit record holds no patch "
                "(made by an earlier planner); restore the newest good backup instead"
            )
        try:
            _apply_patch(tables, patch, touched)
        except PatchMismatch as exc:
            raise RepairRefused(
                f"change {record['seq']} cannot be replayed ({exc}); restore the newest good "
                "backup instead"
            ) from None
    _rebuild_index(tables, touched)
    _keep_aside(db.files.journal, at)
    _hold_journal(db)
    storage.restart_journal()  # the data is the snapshot's now: a replay can start again
    storage.replace(tables, last, audit.head())
    db.refresh()
    count = last - first + 1
    span = f"change {first}" if count == 1 else f"changes {first} to {last}"
    what = f"replayed {count} change{'s' if count != 1 else ''} ({span}) from the audit log"
    _note(db, f"{what}: {problem.text}", by, at)
    return what


def _rebuild_audit(db: Database, problem: Problem, by: str, at: datetime) -> str:
    first = db.audit.last_seq + 1
    for seq in range(first, db.seq + 1):
        copy = db.storage.embedded[seq]
        db.audit.append(seq, copy.link, copy.payload)
    db.refresh()
    what = f"copied the records of changes {first} to {db.seq} into the audit log from the journal"
    _note(db, f"{what}: {problem.text}", by, at)
    return what


def _new_journal(db: Database, problem: Problem, by: str, at: datetime) -> str:
    _hold_journal(db)
    db.storage.refresh()
    db.storage.restart_journal()
    db.refresh()
    what = "started a new journal"
    _note(db, f"{what}: {problem.text}", by, at)
    return what


def _cut_journal(db: Database, problem: Problem, by: str, at: datetime) -> str:
    damage = db.storage.damage
    if damage is None:
        raise RepairRefused(f"planner cannot repair this: {problem.text}")
    kept = _keep_aside(db.files.journal, at)
    _truncate_journal(db, damage.offset)
    db.refresh()
    what = f"cut the journal at byte {damage.offset}"
    if kept is not None:
        what += f" (the damaged file is kept as {kept.name})"
    _note(db, f"{what}: {problem.text}", by, at)
    return what


def _restart_history(db: Database, problem: Problem, by: str, at: datetime) -> str:
    storage, files = db.storage, db.files
    snapshot_seq = storage.snapshot_seq
    head = storage.audit_head
    assert head is not None
    kept = trusted_records(files.audit, db.codec, db.db_id, head=head)
    since = [
        db.audit.open_payload(storage.embedded[seq].payload, f"{files.journal.name}'s copy")
        for seq in range(snapshot_seq + 1, db.seq + 1)
    ]
    aside = _keep_aside(files.audit, at)
    last_kept = kept[-1]["seq"] if kept else 0
    lost = (
        f"the history of changes {last_kept + 1} to {snapshot_seq} was given up"
        if last_kept < snapshot_seq
        else "no history was given up"
    )
    where = f"; the damaged file is kept as {aside.name}" if aside is not None else ""
    what = f"started the history again ({lost}{where})"
    entry = {"case": None, "item": None, "field": REPAIR_FIELD, "old": None}
    note = {
        "seq": db.seq + 1,
        "at": at.isoformat(),
        "by": by,
        "entries": [{**entry, "new": f"{what}: {problem.text}"}],
        "patch": [],
    }
    _hold_journal(db)
    rewrite_live(db, Rewrite(dict(storage.read()), [*kept, *since, note], db.codec))
    return what


_ACTIONS: dict[str, Callable[[Database, Problem, str, datetime], str]] = {
    REPLAY: _replay,
    REBUILD_AUDIT: _rebuild_audit,
    NEW_JOURNAL: _new_journal,
    CUT_JOURNAL: _cut_journal,
    RESTART_HISTORY: _restart_history,
}


# --- helpers ----------------------------------------------------------------------------


def _apply_patch(tables: Tables, patch: list[Any], touched: set[str]) -> None:
    for op in patch:
        if not isinstance(op, list) or len(op) != 3:
            raise PatchMismatch("a change is malformed")
        table, key, change = op
        if not isinstance(table, str) or not isinstance(key, str):
            raise PatchMismatch("a change names no document")
        docs = tables.setdefault(table, {})
        result = apply(docs.get(key), change)
        if result is None:
            docs.pop(key, None)
        else:
            docs[key] = result
        if table == CASES:
            touched.add(key)


def _rebuild_index(tables: Tables, numbers: set[str]) -> None:
    """Make the caseload index entries of `numbers` again from their records."""
    cases, index = tables.setdefault(CASES, {}), tables.setdefault(INDEX, {})
    assessments = tables.setdefault(ASSESSMENTS, {})
    templates: dict[str, Template] = {}
    for number in numbers:
        doc = cases.get(number)
        if doc is None:
            index.pop(number, None)
            assessments.pop(number, None)
            continue
        case = case_from_doc(doc)
        key = f"{case.checklist.template_id}@{case.checklist.template_version}"
        if key not in templates:
            stored = tables.get(TEMPLATES, {}).get(key)
            if stored is None:
                raise DatabaseCorrupt(f"template {key} is not stored in this database")
            templates[key] = Template.model_validate(dict(stored)["template"], context=STORED_COPY)
        index[number], assessments[number] = index_entry(case, templates[key])


def _hold_journal(db: Database) -> None:
    """Hold the journal's lock, making a new journal first when there is none."""
    if db.lock.held_now:
        return
    db.lock.create()


def _truncate_journal(db: Database, offset: int) -> None:
    os.ftruncate(db.lock.fd, offset)
    os.fsync(db.lock.fd)


def _keep_aside(path: Path, at: datetime) -> Path | None:
    """Copy a damaged file aside (never moved: the journal is the lock); its new name."""
    if not path.exists():
        return None
    base = path.with_name(f"{path.name}.damaged-{at.astimezone().strftime(STAMP)}")
    target, n = base, 2
    while target.exists():
        target = base.with_name(f"{base.name}-{n}")
        n += 1
    copy_durably(path, target, mode=0o600)
    return target


def _note(db: Database, description: str, by: str, at: datetime) -> None:
    entry = {"case": None, "item": None, "field": REPAIR_FIELD, "old": None, "new": description}
    db.commit(Change([entry], {}), at=at, by=by)
