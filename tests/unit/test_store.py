"""CaseStore on real files: records, edits, history, sharing, compaction and damage."""

from __future__ import annotations

import os
import random
import shutil
import stat
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from tinydb.table import Table

import planner.store.journal as journal_module
from planner.domain.assessment import ENGINE_VERSION, assess
from planner.domain.checklist import ItemRecord
from planner.domain.errors import InvalidInput
from planner.domain.gaps import FlagKind, evaluate
from planner.domain.person import Circumstances
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.domain.template_loading import (
    TemplateLibrary,
    builtin_template_dir,
    load_template,
)
from planner.store.commit import REASSESSED_FIELD as NOTE_FIELD
from planner.store.compaction import Fold, write_staged
from planner.store.database import Database
from planner.store.errors import (
    CaseExists,
    CaseNotFound,
    DatabaseCorrupt,
    NewerSchema,
    StaleEdit,
    StoreError,
)
from planner.store.files import frame, unframe, unframe_record
from planner.store.integrity import JOURNAL_BEHIND
from planner.store.layout import DatabaseFiles
from planner.store.repair import repair
from planner.store.repository import CaseStore
from planner.store.rewrite import replace_tables
from planner.store.snapshot import SCHEMA_VERSION, read_snapshot_header
from tests.conftest import NOW, TODAY, make_person
from tests.platform_branches import both_platforms
from tests.system.store_worker import field_name, many_fields_template

NUMBER = "A1234BC"
OTHER = "B5678CD"


class Clock:
    """A clock the test moves forward, so every change has its own time."""

    def __init__(self, start: datetime = NOW) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, minutes: int = 1) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def opened(db_path: Path, clock: Clock) -> Iterator[CaseStore]:
    with CaseStore(db_path, officer="Officer One", clock=clock) as store:
        yield store


def files_of(path: Path) -> DatabaseFiles:
    return DatabaseFiles(path)


def snapshot_bytes(path: Path) -> dict[str, bytes]:
    """Every file of the database folder (lock file aside), by name."""
    return {
        p.name: p.read_bytes()
        for p in sorted(path.parent.iterdir())
        if p.is_file() and not p.name.endswith(".lock")
    }


def journal_lines(path: Path) -> list[bytes]:
    return files_of(path).journal.read_bytes().splitlines(keepends=True)


def journal_record(line: bytes) -> dict[str, Any]:
    """What a (plain) journal record line holds."""
    parsed = unframe_record(unframe(line) or b"")
    assert parsed is not None
    return orjson.loads(parsed[2])  # type: ignore[no-any-return]


def fresh(path: Path, **kwargs: Any) -> CaseStore:
    return CaseStore(path, officer=kwargs.pop("officer", "Reader"), clock=lambda: NOW, **kwargs)


# --- add, get, find -----------------------------------------------------------------------


def test_add_get_find(opened: CaseStore, template: Template):
    case = opened.add(make_person(NUMBER), template)
    assert case.rev == 1
    assert case.created_at == NOW
    assert case.checklist.template_id == template.id
    assert case.checklist.template_version == template.version
    assert opened.get(NUMBER) == case
    assert opened.find(NUMBER) == case
    assert opened.find(OTHER) is None
    assert len(opened) == 1
    assert opened.numbers() == [NUMBER]
    assert opened.cases() == [case]
    assert [s.number for s in opened.summaries()] == [NUMBER]
    opened.add(make_person(OTHER, None), template)
    assert opened.numbers() == [NUMBER, OTHER]


def test_person_number_is_stored_upper_case(opened: CaseStore, template: Template):
    opened.add(make_person(" a1234bc "), template)
    assert opened.numbers() == [NUMBER]
    assert opened.get(NUMBER).person.number == NUMBER


def test_case_not_found(opened: CaseStore):
    with pytest.raises(CaseNotFound, match=OTHER):
        opened.get(OTHER)
    with pytest.raises(KeyError):
        opened.get(OTHER)
    with pytest.raises(CaseNotFound):
        opened.save_item(OTHER, "work.plan", status=ItemStatus.DONE)
    with pytest.raises(CaseNotFound):
        opened.update_person(make_person(OTHER))


def test_case_exists_refuses_a_second_add(db_path: Path, opened: CaseStore, template: Template):
    opened.add(make_person(NUMBER), template)
    before = snapshot_bytes(db_path)
    with pytest.raises(CaseExists, match=NUMBER):
        opened.add(make_person(NUMBER, surname="Other"), template)
    with fresh(db_path) as other, pytest.raises(CaseExists):
        other.add(make_person(NUMBER), template)
    assert snapshot_bytes(db_path) == before
    assert opened.get(NUMBER).person.surname == "Example"


def test_unknown_item_is_refused(opened: CaseStore, template: Template):
    opened.add(make_person(NUMBER), template)
    with pytest.raises(StoreError, match="not an item"):
        opened.save_item(NUMBER, "no.such_item", status=ItemStatus.DONE)


# --- save_item ----------------------------------------------------------------------------


def test_save_item_merges_and_clears_evidence(opened: CaseStore, template: Template):
    opened.add(make_person(NUMBER), template)
    item = "id.documents"
    opened.save_item(NUMBER, item, evidence={"document_type": "passport"})
    opened.save_item(NUMBER, item, evidence={"date_applied": "2026-09-01"})
    record = opened.get(NUMBER).checklist.item(item)
    assert record.evidence == {"document_type": "passport", "date_applied": "2026-09-01"}
    assert record.status is ItemStatus.NOT_STARTED  # status untouched when not given
    opened.save_item(
        NUMBER,
        item,
        status=ItemStatus.DONE,
        evidence={"document_type": None, "stored_in_property": True},
        notes="In property box 3",
    )
    record = opened.get(NUMBER).checklist.item(item)
    assert record.evidence == {"date_applied": "2026-09-01", "stored_in_property": True}
    assert record.status is ItemStatus.DONE
    assert record.notes == "In property box 3"
    opened.save_item(NUMBER, item, reason="")
    assert opened.get(NUMBER).checklist.item(item).notes == "In property box 3"
    # clearing a field that is not there changes nothing
    rev = opened.get(NUMBER).rev
    opened.save_item(NUMBER, item, evidence={"funded_by": None})
    assert opened.get(NUMBER).rev == rev


def test_revisions_increment(opened: CaseStore, template: Template, clock: Clock):
    case = opened.add(make_person(NUMBER), template)
    assert case.rev == 1
    assert case.checklist.item("work.plan").rev == 0
    clock.tick()
    case = opened.save_item(NUMBER, "work.plan", status=ItemStatus.IN_PROGRESS)
    record = case.checklist.item("work.plan")
    assert (case.rev, record.rev) == (2, 1)
    assert record.changed_by == "Officer One"
    assert record.changed_at == clock.now
    assert case.updated_at == clock.now
    case = opened.save_item(NUMBER, "work.plan", evidence={"plan": "Forklift licence"})
    assert (case.rev, case.checklist.item("work.plan").rev) == (3, 2)
    case = opened.save_item(NUMBER, "health.gp", status=ItemStatus.IN_PROGRESS)
    assert (case.rev, case.checklist.item("health.gp").rev) == (4, 1)
    assert case.checklist.item("work.plan").rev == 2
    # an edit that changes nothing is not a revision and leaves no history
    entries = len(opened.history(NUMBER))
    case = opened.save_item(NUMBER, "health.gp", status=ItemStatus.IN_PROGRESS)
    assert case.rev == 4
    assert len(opened.history(NUMBER)) == entries
    assert opened.get(NUMBER) == case


def test_stale_item_edit_carries_both_versions(db_path: Path, template: Template):
    with (
        CaseStore(db_path, officer="First", clock=lambda: NOW) as first,
        CaseStore(db_path, officer="Second", clock=lambda: NOW) as second,
    ):
        first.add(make_person(NUMBER), template)
        seen = second.get(NUMBER).checklist.item("bank.account").rev
        first.save_item(NUMBER, "bank.account", status=ItemStatus.IN_PROGRESS, notes="Lloyds")
        before = snapshot_bytes(db_path)
        with pytest.raises(StaleEdit, match="First") as caught:
            second.save_item(
                NUMBER,
                "bank.account",
                status=ItemStatus.BLOCKED,
                reason="CIFAS marker",
                expected_rev=seen,
            )
        current = caught.value.current
        attempted = caught.value.attempted
        assert isinstance(current, ItemRecord) and isinstance(attempted, ItemRecord)
        assert current.status is ItemStatus.IN_PROGRESS
        assert current.notes == "Lloyds"
        assert current.rev == seen + 1
        assert attempted.status is ItemStatus.BLOCKED
        assert attempted.reason == "CIFAS marker"
        assert snapshot_bytes(db_path) == before
        # with the current rev the same edit goes through
        case = second.save_item(
            NUMBER,
            "bank.account",
            status=ItemStatus.BLOCKED,
            reason="CIFAS marker",
            expected_rev=current.rev,
        )
        assert case.checklist.item("bank.account").rev == current.rev + 1
        assert first.get(NUMBER).checklist.item("bank.account").status is ItemStatus.BLOCKED


def test_update_person_with_expected(db_path: Path, template: Template):
    with (
        CaseStore(db_path, officer="First", clock=lambda: NOW) as first,
        CaseStore(db_path, officer="Second", clock=lambda: NOW) as second,
    ):
        original = first.add(make_person(NUMBER), template).person
        moved = make_person(NUMBER, location="C-1-001")
        first.update_person(moved, expected=original)
        assert second.get(NUMBER).person.location == "C-1-001"
        attempt = make_person(NUMBER, release=date(2027, 1, 13))
        before = snapshot_bytes(db_path)
        with pytest.raises(StaleEdit) as caught:
            second.update_person(attempt, expected=original)
        assert caught.value.current == moved
        assert caught.value.attempted == attempt
        assert snapshot_bytes(db_path) == before
        case = second.update_person(
            make_person(NUMBER, release=date(2027, 1, 13), location="C-1-001"), expected=moved
        )
        assert case.person.release_date == date(2027, 1, 13)
        assert case.rev == 3
        # without `expected` the last writer wins
        case = first.update_person(make_person(NUMBER, release=None))
        assert case.person.release_date is None


def test_update_person_changes_the_stored_assessment(opened: CaseStore, template: Template):
    opened.add(make_person(NUMBER), template)
    assert opened.summaries()[0].assessment.applicable == 15
    opened.update_person(
        make_person(NUMBER, circumstances=Circumstances(veteran=True, on_medication=True))
    )
    summary = opened.summaries()[0]
    assert summary.assessment.applicable == 17
    assert summary.assessment.readiness == assess(opened.get(NUMBER), template).readiness
    assert opened.all_flags(TODAY) == list(evaluate(opened.get(NUMBER), template, TODAY).flags)


# --- history ------------------------------------------------------------------------------


def test_history_records_who_when_what(db_path: Path, template: Template, clock: Clock):
    with (
        CaseStore(db_path, officer="Officer One", clock=clock) as one,
        CaseStore(db_path, officer="Officer Two", clock=clock) as two,
    ):
        one.add(make_person(NUMBER), template)
        one.add(make_person(OTHER), template)
        t1 = clock.tick()
        one.save_item(NUMBER, "work.plan", status=ItemStatus.DONE, evidence={"plan": "Course"})
        t2 = clock.tick()
        two.save_item(NUMBER, "work.plan", evidence={"plan": "Job offer"})
        t3 = clock.tick()
        two.save_item(OTHER, "health.gp", status=ItemStatus.DECLINED, reason="Has a GP")
        t4 = clock.tick()
        one.update_person(make_person(NUMBER, location="A-1-001"))

        mine = one.history(NUMBER)
        assert mine == two.history(NUMBER)
        assert {e.case for e in mine} == {NUMBER}
        created = [e for e in mine if e.field == "case"]
        assert len(created) == 1 and created[0].new == "created" and created[0].at == NOW
        changes = [(e.by, e.at, e.item, e.field, e.old, e.new) for e in mine if e.at != NOW]
        assert changes == [
            ("Officer One", t1, "work.plan", "status", "not_started", "done"),
            ("Officer One", t1, "work.plan", "evidence.plan", None, "Course"),
            ("Officer Two", t2, "work.plan", "evidence.plan", "Course", "Job offer"),
            ("Officer One", t4, None, "person.location", "B-2-014", "A-1-001"),
        ]
        theirs = one.history(OTHER)
        assert {e.case for e in theirs} == {OTHER}
        assert [(e.by, e.at, e.item, e.field, e.old, e.new) for e in theirs if e.at == t3] == [
            ("Officer Two", t3, "health.gp", "status", "not_started", "declined"),
            ("Officer Two", t3, "health.gp", "reason", "", "Has a GP"),
        ]
        everyone = one.history()
        assert len(everyone) == len(mine) + len(theirs)
        assert [e.seq for e in everyone] == sorted(e.seq for e in everyone)
    # and it survives reopening
    with fresh(db_path) as again:
        assert again.history(NUMBER) == mine


# --- sharing between instances ------------------------------------------------------------


def test_a_second_instance_sees_changes_without_reopening(db_path: Path, template: Template):
    with (
        CaseStore(db_path, officer="Writer", clock=lambda: NOW) as writer,
        CaseStore(db_path, officer="Reader", clock=lambda: NOW) as reader,
    ):
        assert reader.numbers() == []
        writer.add(make_person(NUMBER), template)
        assert reader.numbers() == [NUMBER]
        assert reader.find(NUMBER) is not None
        start = reader.change_number
        writer.save_item(NUMBER, "work.plan", status=ItemStatus.DONE, evidence={"plan": "P1"})
        assert reader.get(NUMBER).checklist.item("work.plan").evidence == {"plan": "P1"}
        assert reader.change_number == start + 1
        summary = reader.summaries()[0]
        assert summary.rev == 2
        writer.compact()
        writer.save_item(NUMBER, "work.plan", evidence={"plan": "P2"})
        assert reader.get(NUMBER).checklist.item("work.plan").evidence == {"plan": "P2"}
        assert reader.summaries()[0].rev == 3
        assert reader.all_flags(TODAY) == writer.all_flags(TODAY)
        # and the other way round
        reader.save_item(NUMBER, "health.gp", status=ItemStatus.IN_PROGRESS)
        assert writer.get(NUMBER).checklist.item("health.gp").status is ItemStatus.IN_PROGRESS
        writer.update_person(make_person(NUMBER, location="X"))
        assert reader.get(NUMBER).person.location == "X"
        assert len(reader.history(NUMBER)) == len(writer.history(NUMBER))


def test_a_change_touches_only_its_own_documents(
    db_path: Path, opened: CaseStore, template: Template, monkeypatch: pytest.MonkeyPatch
):
    """No change rebuilds a whole table (TinyDB's write path copies every key of one), and
    each is one journal record holding just the documents it changed."""
    opened.add_many([make_person(f"A{n:04d}AA") for n in range(40)], template)

    def whole_table(*args: object, **kwargs: object) -> None:
        raise AssertionError("a change went through TinyDB's whole-table write")

    monkeypatch.setattr(Table, "_update_table", whole_table)
    start = opened.change_number
    opened.save_item("A0007AA", "work.plan", status=ItemStatus.DONE, evidence={"plan": "P"})
    opened.update_notes("A0008AA", "notes")
    opened.add(make_person(NUMBER), template)
    opened.remove(["A0009AA"])
    opened.admin.record_event("database.note", "a note about nothing in particular")
    assert opened.change_number == start + 5
    records = [journal_record(line) for line in journal_lines(db_path)[-5:]]
    touched = [sorted((table, key) for table, key, _doc in r["ops"]) for r in records]
    assert touched == [
        [(table, number) for table in ("assessments", "cases", "index")]
        for number in ("A0007AA", "A0008AA", NUMBER, "A0009AA")
    ] + [[]]
    with fresh(db_path) as again:
        assert len(again) == 40
        assert again.get("A0007AA").checklist.item("work.plan").status is ItemStatus.DONE
        assert again.get("A0008AA").notes == "notes"
        assert again.find("A0009AA") is None
        assert [s.number for s in again.summaries()] == [s.number for s in opened.summaries()]


# --- a newer gap engine -------------------------------------------------------------------


def as_written_by_engine_1(path: Path, numbers: list[str]) -> None:
    """Make the stored assessments of `numbers` look as gap engine 1 wrote them."""
    with CaseStore(path, auto_backup=False) as store, store._locked():
        tables = {name: dict(docs) for name, docs in store._storage.read().items()}
        for number in numbers:
            tables["index"][number] = {**tables["index"][number], "engine": 1}
            stored = dict(tables["assessments"][number])
            tables["assessments"][number] = {**stored, "engine": 1}
        replace_tables(store._db, tables, at=NOW, by="Test", description="engine 1 assessments")


def listed(store: CaseStore) -> list[tuple[str, int, dict[str, Any]]]:
    return sorted((s.number, s.rev, s.assessment.to_json()) for s in store.summaries())


def test_assessments_of_an_older_gap_engine_are_stored_again_once(
    db_path: Path, template: Template, monkeypatch: pytest.MonkeyPatch
):
    numbers = [f"A{n:04d}AA" for n in range(4)]
    with fresh(db_path, officer="Officer One") as store:
        store.add_many([make_person(n) for n in numbers], template)
        store.save_item(numbers[1], "work.plan", status=ItemStatus.DONE, evidence={"plan": "P"})
        expected = listed(store)
        records = {n: store.get(n) for n in numbers}
    as_written_by_engine_1(db_path, numbers[:2])
    before = snapshot_bytes(db_path)

    # Read-only: assessed again in memory, nothing written.
    with fresh(db_path, read_only=True) as reader:
        seq = reader.change_number
        assert listed(reader) == expected
    assert snapshot_bytes(db_path) == before

    # Writable: stored again in one change that touches the index and the assessments alone.
    with fresh(db_path, auto_backup=False) as store:
        assert store.change_number == seq + 1
        with store._locked():
            tables = store._storage.read()
            assert {tables["index"][n]["engine"] for n in numbers} == {ENGINE_VERSION}
            assert {tables["assessments"][n]["engine"] for n in numbers} == {ENGINE_VERSION}
        assert listed(store) == expected
        assert {n: store.get(n) for n in numbers} == records
        note = store.history()[-1]
        assert (note.seq, note.case, note.item, note.field) == (seq + 1, None, None, NOTE_FIELD)
        assert not any(n in str(note.new) for n in numbers) and "2 people" in str(note.new)
    record = journal_record(journal_lines(db_path)[-1])
    assert sorted((table, key) for table, key, _doc in record["ops"]) == [
        ("assessments", numbers[0]),
        ("assessments", numbers[1]),
        ("index", numbers[0]),
        ("index", numbers[1]),
    ]

    # Once: the next open finds nothing to assess again, from memory or on disk.
    def no_reassessing(self: CaseStore, number: str) -> None:
        raise AssertionError(f"{number} was assessed again from its full record")

    monkeypatch.setattr(CaseStore, "_reassess", no_reassessing)
    with fresh(db_path, auto_backup=False) as store:
        assert store.change_number == seq + 1
        assert listed(store) == expected


# --- compaction ---------------------------------------------------------------------------


def test_forced_compaction_keeps_every_change(db_path: Path, opened: CaseStore, template):
    opened.add(make_person(NUMBER), template)
    for n in range(20):
        opened.save_item(NUMBER, "work.plan", evidence={"plan": f"v{n}"})
    opened.save_item(NUMBER, "health.gp", status=ItemStatus.DONE, evidence={"practice": "P"})
    files = files_of(db_path)
    journal_before = files.journal.stat().st_size
    inode_before = db_path.stat().st_ino
    seq = opened.change_number
    history = opened.history()
    case = opened.get(NUMBER)

    opened.compact()
    assert db_path.stat().st_ino != inode_before
    assert files.journal.stat().st_size < journal_before
    assert len(journal_lines(db_path)) == 1  # the header alone
    assert opened.change_number == seq
    assert opened.get(NUMBER) == case
    with fresh(db_path) as again:
        assert again.get(NUMBER) == case
        assert again.change_number == seq
        assert again.history() == history
        again.save_item(NUMBER, "work.plan", evidence={"plan": "after"})
        assert again.change_number == seq + 1
    assert opened.get(NUMBER).checklist.item("work.plan").evidence == {"plan": "after"}


@both_platforms
def test_compaction_by_many_saves_keeps_every_change(
    db_path: Path, opened: CaseStore, template: Template, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(journal_module, "COMPACT_MIN_BYTES", 4096)
    opened.add_many([make_person(f"A{n:04d}AA") for n in range(30)], many_fields_template())
    snapshots = {read_snapshot_header(db_path)[0].seq}
    for n in range(150):
        number = f"A{n % 30:04d}AA"
        opened.save_item(number, "work.plan", evidence={field_name("P1", n): f"v{n}"})
        snapshots.add(read_snapshot_header(db_path)[0].seq)
    assert len(snapshots) >= 3, "the journal should have been folded into new snapshots twice"
    with fresh(db_path) as again:
        for slot in range(30):
            evidence = again.get(f"A{slot:04d}AA").checklist.item("work.plan").evidence
            assert evidence == {field_name("P1", n): f"v{n}" for n in range(slot, 150, 30)}
        assert again.change_number == 1 + 150
        entries = [e for e in again.history() if e.item == "work.plan"]
        assert len(entries) == 150


@both_platforms
def test_a_fold_keeps_what_was_saved_while_its_snapshot_was_written(
    db_path: Path, opened: CaseStore, template: Template
):
    """The install reads only the journal after the fold's change (its mark), and keeps
    every change saved meanwhile, here and by another store on the same files."""
    opened.add(make_person(NUMBER), template)
    for n in range(30):
        opened.save_item(NUMBER, "work.plan", evidence={"plan": f"v{n}"})
    storage = opened._storage
    with opened._locked():
        fold = Fold(
            storage.tables_now(), storage.seq, opened._db.audit.head(), storage.journal_mark
        )
    staged = write_staged(storage, fold)
    opened.save_item(NUMBER, "health.gp", evidence={"practice": "Riverside"})
    with fresh(db_path, officer="Officer Two") as other:
        other.save_item(NUMBER, "work.plan", evidence={"plan": "from the other store"})
    opened.save_item(NUMBER, "health.gp", status=ItemStatus.DONE)
    with opened._locked():
        assert storage.records_after(fold.seq, fold.journal_mark) == storage.records_after(fold.seq)
        assert [r.seq for r in storage.records_after(fold.seq, fold.journal_mark)] == [
            fold.seq + 1,
            fold.seq + 2,
            fold.seq + 3,
        ]
        assert opened._db.install_fold(staged, fold)
    assert read_snapshot_header(db_path)[0].seq == fold.seq
    with fresh(db_path) as again:
        checklist = again.get(NUMBER).checklist
        assert checklist.item("work.plan").evidence == {"plan": "from the other store"}
        assert checklist.item("health.gp").status is ItemStatus.DONE
        assert checklist.item("health.gp").evidence == {"practice": "Riverside"}
        assert again.change_number == fold.seq + 3
        assert again.integrity_problem is None


# --- files on disk ------------------------------------------------------------------------


def test_files_are_private(tmp_path: Path, template: Template):
    old_umask = os.umask(0)
    try:
        path = tmp_path / "private.db"
        with CaseStore(path, clock=lambda: NOW) as store:
            store.add(make_person(NUMBER), template)
            store.save_item(NUMBER, "work.plan", evidence={"plan": "x"})
            store.compact()
            store.save_item(NUMBER, "work.plan", evidence={"plan": "y"})
        with CaseStore(path, clock=lambda: NOW) as store:  # the first open of the day
            assert store.last_backup is not None  # took the daily backup
            store.save_item(NUMBER, "work.plan", evidence={"plan": "z"})
        files = files_of(path)
        for p in files.all():
            assert stat.S_IMODE(p.stat().st_mode) == 0o600, p.name
        everything = list(tmp_path.rglob("*"))
        assert {p.name for p in tmp_path.iterdir() if p.is_file()} == {p.name for p in files.all()}
        assert not [p for p in everything if p.name.startswith(".planner-tmp-")]
        for p in everything:  # backups too: nothing readable by group or others
            assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, p.relative_to(tmp_path)
    finally:
        os.umask(old_umask)


# --- damage -------------------------------------------------------------------------------


def _three_changes(path: Path, template: Template) -> None:
    with CaseStore(path, officer="Officer", clock=lambda: NOW) as store:
        store.add(make_person(NUMBER), template)
        store.save_item(NUMBER, "work.plan", evidence={"plan": "one"})
        store.save_item(NUMBER, "work.plan", evidence={"plan": "two"})


def _plan(store: CaseStore) -> Any:
    return store.get(NUMBER).checklist.item("work.plan").evidence.get("plan")


@pytest.mark.parametrize("garbage", [b"5f3a", b'0000000a {"seq": 4, "op', b"\x00\xff" * 40])
def test_torn_last_journal_line_is_ignored_then_trimmed(
    db_path: Path, template: Template, garbage: bytes
):
    _three_changes(db_path, template)
    journal = files_of(db_path).journal
    intact = journal.read_bytes()
    with journal.open("ab") as handle:
        handle.write(garbage)
    with fresh(db_path) as store:
        assert _plan(store) == "two"
        seq = store.change_number
        store.save_item(NUMBER, "work.plan", evidence={"plan": "three"})
    after = journal.read_bytes()
    assert after.startswith(intact)
    assert garbage not in after
    assert after.endswith(b"\n")
    assert all(unframe(line) is not None for line in after.splitlines(keepends=True))
    with fresh(db_path) as store:
        assert _plan(store) == "three"
        assert store.change_number == seq + 1


def _repaired(path: Path) -> list[str]:
    db = Database(path, read_only=False, lock_timeout=5)
    db.open(create=False, codec=None, passphrase=None, encrypt=False)
    return repair(db, by="Officer", clock=lambda: NOW, accept_history_loss=False)


def test_a_journal_cut_mid_line_is_found_and_the_change_replayed(db_path: Path, template: Template):
    """The last line of a journal whose audit record exists was acknowledged: cutting it is
    damage, not a torn write, and the audit log gives the change back."""
    _three_changes(db_path, template)
    journal = files_of(db_path).journal
    lines = journal_lines(db_path)
    cut = len(journal.read_bytes()) - len(lines[-1]) // 2
    os.truncate(journal, cut)
    before = snapshot_bytes(db_path)
    with fresh(db_path) as store:
        assert _plan(store) == "one"
        problem = store.integrity_problem
        assert problem is not None and problem.kind == JOURNAL_BEHIND and problem.lost == (3, 3)
        with pytest.raises(DatabaseCorrupt, match="audit log records 1 change"):
            store.save_item(NUMBER, "work.plan", evidence={"plan": "on top"})
    assert snapshot_bytes(db_path) == before  # nothing written on top
    assert _repaired(db_path) == ["replayed 1 change (change 3) from the audit log"]
    with fresh(db_path) as store:
        assert store.integrity_problem is None
        assert _plan(store) == "two"
        store.save_item(NUMBER, "work.plan", evidence={"plan": "again"})
        assert [e.new for e in store.history(NUMBER) if e.field == "evidence.plan"] == [
            "one",
            "two",
            "again",
        ]


def test_torn_line_written_by_another_process_is_trimmed_by_the_next_save(
    db_path: Path, template: Template
):
    _three_changes(db_path, template)
    with fresh(db_path) as store:
        with files_of(db_path).journal.open("ab") as handle:
            handle.write(b'deadbeef {"half')  # another process died mid-append
        assert _plan(store) == "two"
        store.save_item(NUMBER, "work.plan", evidence={"plan": "three"})
    with fresh(db_path) as store:
        assert _plan(store) == "three"


@pytest.mark.parametrize("how", ["flip a bit", "drop a record", "swap two records"])
def test_a_damaged_middle_journal_record_is_found_and_replayed(
    db_path: Path, template: Template, how: str
):
    _three_changes(db_path, template)
    journal = files_of(db_path).journal
    lines = journal_lines(db_path)
    assert len(lines) >= 4  # header, add, two saves
    if how == "flip a bit":
        damaged = bytearray(lines[2])
        damaged[20] ^= 0x01  # one flipped bit in the payload of a middle record
        lines[2] = bytes(damaged)
    elif how == "drop a record":
        del lines[2]
    else:
        lines[2], lines[3] = lines[3], lines[2]
    journal.write_bytes(b"".join(lines))
    before = snapshot_bytes(db_path)
    with fresh(db_path) as store:
        problem = store.integrity_problem
        assert problem is not None and problem.kind == JOURNAL_BEHIND, problem
        assert "journal" in problem.text
        with pytest.raises(DatabaseCorrupt):
            store.update_notes(NUMBER, "on top")
    assert snapshot_bytes(db_path) == before
    assert _repaired(db_path)[0].startswith("replayed 2 changes")
    with fresh(db_path) as store:
        assert _plan(store) == "two"
        assert store.integrity_problem is None


def test_newer_schema_is_refused_and_the_files_are_untouched(db_path: Path, template: Template):
    _three_changes(db_path, template)
    raw = db_path.read_bytes()
    first, _, body = raw.partition(b"\n")
    header = orjson.loads(first)
    header["schema"] = SCHEMA_VERSION + 1
    db_path.write_bytes(orjson.dumps(header) + b"\n" + body)
    before = snapshot_bytes(db_path)
    with pytest.raises(NewerSchema, match="newer planner"):
        fresh(db_path)
    with pytest.raises(NewerSchema):
        fresh(db_path, create=False)
    assert snapshot_bytes(db_path) == before


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00" * 100,
        b"hello, this is a shopping list\nmilk\neggs\n",
        b'{"_default": {"1": {"number": "A1234BC"}}}',  # a stock TinyDB file
        b"[1, 2, 3]\n",
        b'{"format": "planner-db"}\n{}',
        b'{"format": "planner-db", "schema": 1, "db": "x", "seq": 0, "codec": {"name": '
        b'"plain"}, "crc": 0, "length": 2}\n{}',  # body does not match its checksum
        bytes(random.Random(4096).getrandbits(8) for _ in range(4096)),  # fixed noise
    ],
)
def test_foreign_file_is_corrupt_and_not_modified(tmp_path: Path, content: bytes):
    path = tmp_path / "foreign.db"
    path.write_bytes(content)
    os.chmod(path, 0o644)
    mode = path.stat().st_mode
    with pytest.raises(DatabaseCorrupt):
        CaseStore(path)
    assert path.read_bytes() == content
    assert path.stat().st_mode == mode
    assert not files_of(path).journal.exists()
    assert not files_of(path).audit.exists()


def test_snapshot_body_damage_is_corrupt(db_path: Path, template: Template):
    _three_changes(db_path, template)
    with CaseStore(db_path) as store:
        store.compact()
    raw = bytearray(db_path.read_bytes())
    raw[-5] ^= 0x20
    db_path.write_bytes(bytes(raw))
    with pytest.raises(DatabaseCorrupt, match="checksum"):
        fresh(db_path)


def test_no_database_and_create_false(tmp_path: Path):
    with pytest.raises(StoreError, match="no database"):
        CaseStore(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()


# --- templates ----------------------------------------------------------------------------


def _edited_copy(folder: Path) -> Path:
    folder.mkdir()
    copy = folder / "england-wales.toml"
    shutil.copy(builtin_template_dir() / "england-wales.toml", copy)
    return copy


def _edit(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    old_title = 'title = "Employment, education or training plan"'
    assert old_title in text
    text = text.replace(old_title, 'title = "Work plan (edited)"')
    marker = 'id = "work.plan"'
    head, tail = text.split(marker, 1)
    tail = tail.replace("due_days_before_release = 84", "due_days_before_release = 7", 1)
    path.write_text(head + marker + tail, encoding="utf-8")


def test_stored_template_is_used_after_the_file_changes(tmp_path: Path):
    site = tmp_path / "site"
    toml = _edited_copy(site)
    original = load_template(toml)
    db = tmp_path / "planner.db"
    with CaseStore(db, clock=lambda: NOW) as store:
        case = store.add(make_person(NUMBER, date(2026, 12, 16)), original)

    _edit(toml)
    edited = TemplateLibrary([site]).get("england-wales")
    assert edited.key == original.key
    assert edited.item("work.plan").title == "Work plan (edited)"
    assert edited.fingerprint() != original.fingerprint()

    with CaseStore(db, clock=lambda: NOW) as store:
        assert store.template_for(case) == original
        assert store.stored_templates() == {original.key: original.fingerprint()}
        ev = store.evaluate(store.get(NUMBER), TODAY)
        flag = next(f for f in ev.flags if f.item_id == "work.plan")
        assert flag.kind is FlagKind.OVERDUE  # R-84 from the stored template, not R-7
        assert flag.due == date(2026, 9, 23)
        assert "Employment, education or training plan" in flag.reason
        assert store.all_flags(TODAY) == list(ev.flags)


def test_adding_with_an_edited_template_of_the_same_key_stays_consistent(tmp_path: Path):
    site = tmp_path / "site"
    toml = _edited_copy(site)
    original = load_template(toml)
    db = tmp_path / "planner.db"
    with CaseStore(db, clock=lambda: NOW) as store:
        store.add(make_person(NUMBER, date(2026, 12, 16)), original)
        _edit(toml)
        edited = load_template(toml)
        case = store.add(make_person(OTHER, date(2026, 12, 16)), edited)
        via_case = store.evaluate(case, TODAY).flags
        via_caseload = [f for f in store.all_flags(TODAY) if f.number == OTHER]
        assert via_caseload == list(via_case)


class _CarriageReturnCodec:
    """A codec that keeps to the documented contract (no newline) but emits b'\\r'."""

    name = "cr-test"

    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        return plaintext.replace(b"e", b"\r")

    def open(self, sealed: bytes, context: bytes) -> bytes:
        return sealed.replace(b"\r", b"e")

    def header(self) -> dict[str, Any]:
        return {"name": self.name}


def test_frames_refuse_newlines():
    assert unframe(frame(b"payload")) == b"payload"
    with pytest.raises(ValueError, match="newline"):
        frame(b"two\nlines")


def test_a_codec_may_emit_carriage_returns(db_path: Path, template: Template):
    codec = _CarriageReturnCodec()
    with CaseStore(db_path, codec=codec, clock=lambda: NOW) as store:
        store.add(make_person(NUMBER), template)
        store.save_item(NUMBER, "work.plan", evidence={"plan": "three"})
    with CaseStore(db_path, codec=codec, clock=lambda: NOW) as store:
        assert _plan(store) == "three"


def test_opening_with_another_codec_is_refused(db_path: Path, template: Template):
    _three_changes(db_path, template)
    before = snapshot_bytes(db_path)
    with pytest.raises(StoreError, match="plain"):
        CaseStore(db_path, codec=_CarriageReturnCodec())
    assert snapshot_bytes(db_path) == before


def test_created_at_is_the_clock_of_the_store(tmp_path: Path, template: Template):
    moment = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    with CaseStore(tmp_path / "c.db", clock=lambda: moment) as store:
        assert store.add(make_person(NUMBER), template).created_at == moment


def test_summaries_of_a_release_window_alone(store, template):
    """The caseload shows its default window before summarising everyone else."""
    for number, days in (("A1111AA", 3), ("B2222BB", 40), ("C3333CC", 200)):
        store.add(make_person(number, release=TODAY + timedelta(days=days)), template)
    store.add(make_person("D4444DD", release=None), template)
    window = store.summaries_released_between(TODAY, TODAY + timedelta(days=84))
    assert sorted(s.number for s in window) == ["A1111AA", "B2222BB"]
    everyone = {s.number: s for s in store.summaries()}
    assert set(everyone) == {"A1111AA", "B2222BB", "C3333CC", "D4444DD"}
    assert all(everyone[s.number] is s for s in window)  # made once, then kept


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        ({"not_a_field": "x"}, "has no evidence field"),
        ({"bank": "monzo"}, "not one of its choices"),
        ({"date_applied": "01/02/2026"}, "not an ISO date"),
        ({"date_applied": True}, "expected text"),
    ],
)
def test_the_store_refuses_evidence_its_template_does_not_define(
    store, template, evidence, message
):
    """Bad input never reaches the file, whichever caller sends it."""
    store.add(make_person(), template)
    before = store.change_number
    with pytest.raises(InvalidInput, match=message):
        store.save_item("A1234BC", "bank.account", evidence=evidence)
    assert store.change_number == before
    assert store.get("A1234BC").checklist.item("bank.account").evidence == {}


def test_checking_that_a_case_exists_does_not_parse_its_record(db_path, template):
    """Adding a person looks the number up; that must not parse the stored record."""
    from planner.store.lazy import LazyDocument

    with CaseStore(db_path, clock=lambda: NOW) as store:
        store.add(make_person(), template)
        store.compact()
    with fresh(db_path) as again:
        doc = again._storage.read()["cases"]["A1234BC"]
        assert isinstance(doc, LazyDocument)
        assert again._cases.has_key("A1234BC")
        assert not again._cases.has_key("Z9999ZZ")
        assert doc._parsed is None


@both_platforms
@pytest.mark.parametrize("left", [b"", b'1234abcd {"format": "planner-jour'])
def test_a_journal_emptied_in_place_by_a_crash_takes_the_next_save(
    db_path: Path, template: Template, left: bytes
):
    """A compaction empties the journal in place: a crash after the cut and before the new
    header leaves it empty (or its header torn), which holds nothing beyond the snapshot;
    the next save writes the header first and chains its record from it."""
    _three_changes(db_path, template)
    with fresh(db_path) as store:
        store.compact()
    files_of(db_path).journal.write_bytes(left)
    with fresh(db_path) as store:
        assert store.integrity_problem is None
        assert _plan(store) == "two"
        store.save_item(NUMBER, "work.plan", evidence={"plan": "after the crash"})
    with fresh(db_path) as store:
        assert store.integrity_problem is None
        assert _plan(store) == "after the crash"


def test_cases_are_assigned_in_one_audited_change(opened: CaseStore, template: Template):
    opened.add_many([make_person(n) for n in ("A0001AA", "A0002AA", "A0003AA")], template)
    start = opened.change_number
    changed = opened.assign(["A0001AA", "A0002AA", "A0001AA"], "Officer Two")
    assert [c.number for c in changed] == ["A0001AA", "A0002AA"]
    assert opened.change_number == start + 1
    assert opened.assign(["A0002AA"], "Officer Two") == []  # nothing to change
    assert opened.change_number == start + 1
    listed = {s.number: s.assigned_to for s in opened.summaries()}
    assert listed == {"A0001AA": "Officer Two", "A0002AA": "Officer Two", "A0003AA": ""}
    entries = [e for e in opened.history() if e.field == "assigned_to"]
    assert [(e.case, e.old, e.new, e.by) for e in entries] == [
        ("A0001AA", "", "Officer Two", "Officer One"),
        ("A0002AA", "", "Officer Two", "Officer One"),
    ]
    with pytest.raises(CaseNotFound):
        opened.assign(["Z9999ZZ"], "Officer Two")
    opened.assign(["A0001AA"], "")
    assert opened.get("A0001AA").assigned_to == ""


def test_raw_records_are_the_stored_documents_unvalidated(opened: CaseStore, template: Template):
    opened.add(make_person(NUMBER), template)
    opened.save_item(NUMBER, "work.plan", status=ItemStatus.DONE, evidence={"plan": "P"})
    raw = opened.raw_records()
    assert set(raw) == {NUMBER}
    item = raw[NUMBER]["checklist"]["items"]["work.plan"]
    assert item["status"] == "done" and item["evidence"] == {"plan": "P"}
    assert opened.raw_records(["Z9999ZZ", NUMBER]).keys() == {NUMBER}


def test_an_index_entry_from_before_assignment_reads_as_unassigned(
    db_path: Path, template: Template
):
    with fresh(db_path) as store:
        store.add(make_person(NUMBER), template)
        with store._locked():
            tables = {name: dict(docs) for name, docs in store._storage.read().items()}
            entry = dict(tables["index"][NUMBER])
            del entry["assigned"]
            tables["index"][NUMBER] = entry
            replace_tables(store._db, tables, at=NOW, by="Test", description="older entries")
    with fresh(db_path, read_only=True) as store:
        (summary,) = store.summaries()
        assert summary.assigned_to == ""
