"""Transfer out and transfer in: what the command line and the UI both call.

* :func:`transfer_out` reads the person's record, template, history and transfer points
  at one instant, seals them in a transfer file (written whole, readable by its owner
  only, never over an existing file unless asked), and only then marks the person
  transferred here (one audited change, keeping the point sent). If marking fails the
  file is removed again: a file exists only for a person marked sent.
* :func:`read_transfer` opens and checks a file: nothing is written.
* :func:`preview` works out what receiving it would do here: a person new here is added
  as they are (active, at the receiving prison, in nobody's caseload); a person already
  here is merged unit by unit (:mod:`planner.domain.merge`), from the latest transfer
  point both databases know, or from the empty record when there is none.
* :func:`receive` writes the preview's result as one audited change, with every conflict
  resolved by `prefer` or the officer's choice per unit; nothing is written while one is
  unresolved. The history from the other prison is kept beside this database's own audit
  log, marked with the prison.

A template the file's record uses is stored here if no case uses it yet; one stored here
under the same id and version with other content, or a record here on another template
version, is refused (the two plans would not mean the same).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from planner.domain.case import Case
from planner.domain.checklist import ItemRecord
from planner.domain.evidence_text import shown_value
from planner.domain.merge import (
    NOTES_UNIT,
    OUTCOME_UNIT,
    PERSON_UNIT,
    Decision,
    MergePlan,
    Side,
    arrived,
    merged_case,
    plan_merge,
    unit_item,
)
from planner.domain.person import PRISON_NAME_LENGTH, CaseState
from planner.domain.status import ItemStatus
from planner.domain.template import ItemTemplate, Template
from planner.domain.text import name_text
from planner.inputs import InputMissing, InputRefused, read_input
from planner.store.crypto import check_new_passphrase
from planner.store.files import atomic_write
from planner.store.interface import CaseRepository
from planner.store.layout import open_database_holding
from planner.store.repository import CaseStore
from planner.transfer.container import open_sealed, seal
from planner.transfer.payload import Incoming, build_payload, item_ids, parse_payload

MAX_FILE_BYTES = 64 * 1024 * 1024  # far beyond any one person's record and history
UNIT_LABELS = {
    PERSON_UNIT: "Person's details",
    NOTES_UNIT: "Case notes",
    OUTCOME_UNIT: "Release outcomes",
}


class TransferProblem(ValueError):
    """Something asked of a transfer that cannot be done (one line; nothing written)."""


def file_store(store: CaseRepository) -> CaseStore:
    """The database file a transfer reads or writes; TransferProblem on a team server,
    which keeps no transfer points or earlier prisons' history yet."""
    if not isinstance(store, CaseStore):
        raise TransferProblem(
            "a record moves between prisons from a database file: this planner is using a "
            "team server, which does not keep transfers yet"
        )
    return store


@dataclass(frozen=True)
class Sent:
    path: Path
    transfer_id: str
    case: Case
    entries: int


def check_transfer_passphrase(passphrase: str) -> str | None:
    """Refuse a transfer passphrase too easy to guess (ValueError, one line), as a
    database's passphrase is; a warning for a fairly weak one."""
    return check_new_passphrase(passphrase)


def transfer_out(
    repository: CaseRepository,
    number: str,
    path: Path,
    passphrase: str,
    *,
    to_prison: str,
    from_prison: str = "",
    at: datetime,
    force: bool = False,
) -> Sent:
    """Write the transfer file of `number` to `path` and mark them transferred here."""
    store = file_store(repository)
    try:
        to_prison = name_text(to_prison.strip())
        from_prison = name_text(from_prison.strip())
    except ValueError as exc:
        raise TransferProblem(f"prison: {exc}") from None
    if not to_prison:
        raise TransferProblem("name the receiving prison (--to)")
    if max(len(to_prison), len(from_prison)) > PRISON_NAME_LENGTH:
        # the receiving prison records it as the person's prison, which holds no more
        raise TransferProblem(f"prison: a prison's name is at most {PRISON_NAME_LENGTH} characters")
    out = store.transfers.outgoing(number)
    case = out.case
    if case.person.state is not CaseState.ACTIVE:
        raise TransferProblem(
            f"{number} is marked {case.person.state.value} here: only a person held here can "
            "be transferred"
        )
    from_prison = from_prison or case.person.prison
    if not from_prison:
        raise TransferProblem(
            f"{number} has no prison recorded: give the sending prison (--from), or record "
            "it with 'planner update --prison'"
        )
    database = open_database_holding(path)
    if database is not None:
        raise TransferProblem(
            f"{path} is part of the database {database.name}: give another file name; "
            "nothing was changed"
        )
    if path.exists() and not force:
        raise TransferProblem(f"{path} is already there: choose another name, or --force")
    if path.is_dir():
        raise TransferProblem(f"{path} is a folder: give a file name")
    transfer_id = uuid.uuid4().hex
    payload, point = build_payload(
        out,
        transfer_id=transfer_id,
        at=at,
        by=store.officer,
        from_prison=from_prison,
        to_prison=to_prison,
    )
    data = seal(payload, passphrase)
    try:
        atomic_write(path, [data])
    except OSError as exc:
        raise TransferProblem(
            f"could not write {path} ({exc.strerror or exc}); nothing was changed"
        ) from None
    try:
        marked = store.transfers.mark_sent(number, point, expected_rev=case.rev)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    return Sent(path, transfer_id, marked, len(out.entries))


def read_transfer(path: Path, passphrase: str) -> Incoming:
    """The file at `path` opened with `passphrase` and checked; TransferRefused or
    TransferProblem (one line) when it cannot be used. Nothing is written."""
    try:  # the input rule every file planner reads keeps: a FIFO or a device is refused
        data = read_input(path, limit=MAX_FILE_BYTES, what="a transfer file")
    except InputMissing:
        raise TransferProblem(f"there is no file {path}") from None
    except InputRefused as exc:
        raise TransferProblem(str(exc)) from None
    return parse_payload(open_sealed(data, passphrase))


@dataclass(frozen=True)
class Row:
    """One unit of the preview: ours | theirs | what the result takes."""

    unit: str
    label: str
    ours: str
    theirs: str
    decision: Decision


@dataclass(frozen=True)
class Preview:
    incoming: Incoming
    ours: Case | None  # None: the person is new here
    template: Template
    plan: MergePlan | None
    base: str | None  # the transfer point the merge starts from (None: the empty record)
    rows: list[Row] = field(default_factory=list)
    already: bool = False  # this very transfer was received here before: nothing to do

    @property
    def conflicts(self) -> list[Row]:
        return [r for r in self.rows if r.decision is Decision.CONFLICT]

    @property
    def is_new(self) -> bool:
        return self.ours is None


def preview(repository: CaseRepository, incoming: Incoming) -> Preview:
    """What receiving `incoming` would do here (nothing is written); TransferProblem when
    its template cannot sit beside this database's."""
    store = file_store(repository)
    if incoming.from_db == store.db_id:
        raise TransferProblem(
            "this transfer file was written by this database: it is for the receiving "
            "prison (a person coming back is received from the file their prison sends); "
            "nothing was changed"
        )
    template = incoming.template
    stored = store.stored_templates().get(template.key)
    if stored is not None and stored != incoming.template_fingerprint:
        raise TransferProblem(
            f"template {template.key} is stored here with other content than the transfer "
            "file's: the two plans would not mean the same; nothing was changed"
        )
    if stored is not None:
        template = store.template(template.key)
    ours = store.find(incoming.number)
    theirs = incoming.case
    ids = item_ids(template)
    if ours is None:
        rows = [
            Row(r.unit, r.label, "", r.theirs, Decision.THEIRS)
            for r in _rows(template, None, theirs)
            if r.theirs
        ]
        return Preview(incoming, None, template, None, None, rows)
    if ours.checklist.template_id != theirs.checklist.template_id or (
        ours.checklist.template_version != theirs.checklist.template_version
    ):
        here = f"{ours.checklist.template_id}@{ours.checklist.template_version}"
        raise TransferProblem(
            f"{incoming.number} is planned here on template {here}, the transfer file on "
            f"{template.key}: they cannot be merged item by item; nothing was changed"
        )
    base_id, base = _agreed(store, incoming)
    plan = plan_merge(base, ours, theirs, ids)
    decisions = {u.unit: u.decision for u in plan.units}
    rows = [
        Row(r.unit, r.label, r.ours, r.theirs, decisions[r.unit])
        for r in _rows(template, ours, theirs)
    ]
    received = any(
        str(p.get("id")) == incoming.transfer_id for p in store.transfers.points(incoming.number)
    )
    return Preview(incoming, ours, template, plan, base_id, rows, already=received)


def _agreed(store: CaseStore, incoming: Incoming) -> tuple[str | None, Mapping[str, str] | None]:
    """The latest transfer point both sides know, as this database recorded it."""
    mine = {str(p.get("id")): p for p in store.transfers.points(incoming.number)}
    shared = [p for p in incoming.points if str(p.get("id")) in mine]
    if not shared:
        return None, None
    latest = max(shared, key=lambda p: str(p.get("at", "")))
    point = mine[str(latest["id"])]
    fingerprints = point.get("fingerprints")
    return str(latest["id"]), fingerprints if isinstance(fingerprints, dict) else None


def receive(
    repository: CaseRepository,
    seen: Preview,
    *,
    at: datetime,
    prefer: Side | None = None,
    choices: Mapping[str, Side] | None = None,
) -> Case:
    """Write what `seen` previewed; TransferProblem naming every unresolved conflict."""
    store = file_store(repository)
    incoming = seen.incoming
    if seen.already:
        raise TransferProblem(
            f"this transfer of {incoming.number} was received here before: nothing to do; "
            "nothing was changed"
        )
    resolved = dict(choices or {})
    if prefer is not None:
        for row in seen.conflicts:
            resolved.setdefault(row.unit, prefer)
    missing = [row.label for row in seen.conflicts if row.unit not in resolved]
    if missing:
        raise TransferProblem("; ".join(f"conflict: {label}" for label in missing))
    theirs = incoming.case
    if seen.ours is None or seen.plan is None:
        new = arrived(theirs, prison=incoming.to_prison)
        taken_there = len(seen.rows)
    else:
        taken = seen.plan.taken(resolved)
        new = merged_case(seen.ours, theirs, taken)
        person = new.person.model_copy(
            update={
                "state": CaseState.ACTIVE,
                "prison": seen.ours.person.prison or incoming.to_prison,
            }
        )
        new = new.model_copy(update={"person": person})
        taken_there = sum(1 for side in taken.values() if side is Side.THEIRS)
    sections = [s for s in incoming.sections if s.get("db") != store.db_id]
    kept = sum(len(s["entries"]) for s in sections)
    description = (
        f"received from {incoming.from_prison} ({incoming.transfer_id}): "
        f"{'new here' if seen.ours is None else 'merged'}, {taken_there} taken from there, "
        f"{len(seen.conflicts)} conflicts resolved, {kept} entries of history from there kept"
    )
    received = [
        {**s, "received_at": at.isoformat()} if "received_at" not in s else s for s in sections
    ]
    return store.transfers.receive(
        seen.ours,
        new,
        seen.template,
        sections=received,
        points=incoming.points,
        description=description,
    )


# --- the preview's words ----------------------------------------------------------------


def _rows(template: Template, ours: Case | None, theirs: Case) -> list[Row]:
    rows: list[Row] = []
    for item in template.items:
        unit = f"item:{item.id}"
        mine = ours.checklist.item(item.id) if ours is not None else None
        there = theirs.checklist.item(item.id)
        rows.append(
            Row(
                unit,
                item.title,
                item_summary(item, mine) if mine is not None else "",
                item_summary(item, there),
                Decision.SAME,
            )
        )
    rows.append(
        Row(
            PERSON_UNIT,
            UNIT_LABELS[PERSON_UNIT],
            _person(ours) if ours else "",
            _person(theirs),
            Decision.SAME,
        )
    )
    rows.append(
        Row(
            NOTES_UNIT,
            UNIT_LABELS[NOTES_UNIT],
            ours.notes if ours else "",
            theirs.notes,
            Decision.SAME,
        )
    )
    rows.append(
        Row(
            OUTCOME_UNIT,
            UNIT_LABELS[OUTCOME_UNIT],
            _outcome(ours) if ours else "",
            _outcome(theirs),
            Decision.SAME,
        )
    )
    return rows


def item_summary(item: ItemTemplate, record: ItemRecord) -> str:
    """An item in a few words: its status, then its evidence, reason and notes; "" for an
    item never touched."""
    if record == ItemRecord() or (
        record.status is ItemStatus.NOT_STARTED
        and not record.evidence
        and not record.reason
        and not record.notes
    ):
        return ""
    parts = [record.status.label]
    for name, value in record.evidence.items():
        field = item.field(name)
        parts.append(f"{field.label if field else name}: {shown_value(field, value)}")
    if record.reason:
        parts.append(f"reason: {record.reason}")
    if record.notes:
        parts.append(f"notes: {record.notes}")
    return "; ".join(parts)


def _person(case: Case) -> str:
    p = case.person
    parts = [
        p.display_name,
        f"born {p.date_of_birth.isoformat()}" if p.date_of_birth else "",
        f"release {p.release_date.isoformat() if p.release_date else 'not known'}",
        p.release_kind.value,
        f"location {p.location}" if p.location else "",
        f"COM {p.community_offender_manager.name}" if p.community_offender_manager.name else "",
        f"POM {p.prison_offender_manager.name}" if p.prison_offender_manager.name else "",
    ]
    return "; ".join(part for part in parts if part)


def _outcome(case: Case) -> str:
    return "" if case.outcome is None else f"released {case.outcome.released_on.isoformat()}"


def unit_title(unit: str, template: Template) -> str:
    item_id = unit_item(unit)
    if item_id is not None and template.has_item(item_id):
        return template.item(item_id).title
    return UNIT_LABELS.get(unit, unit)


def describe(incoming: Incoming) -> dict[str, Any]:
    """What the file says of itself, for the preview's heading."""
    return {
        "number": incoming.number,
        "name": incoming.case.person.display_name,
        "from_prison": incoming.from_prison,
        "to_prison": incoming.to_prison,
        "sent_at": incoming.sent_at.isoformat(),
        "sent_by": incoming.sent_by,
        "transfer": incoming.transfer_id,
        "history_entries": incoming.entry_count,
    }
