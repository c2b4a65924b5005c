"""Retention: purging people who have left, their checklists and their audit details."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from planner.cli import main
from planner.domain.person import CaseState
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store.errors import ReadOnlyDatabase, WriteFailed
from planner.store.layout import DatabaseFiles
from planner.store.repository import CaseStore
from planner.store.retention import PURGE_FIELD, plan_purge
from tests.conftest import NOW, make_person

CUT_OFF = date(2026, 10, 1)
# number, surname, state, release date
PEOPLE = [
    ("A1111AA", "Gone-Longago", CaseState.RELEASED, date(2026, 6, 1)),
    ("B2222BB", "Moved-Away", CaseState.TRANSFERRED, date(2026, 9, 30)),
    ("C3333CC", "Just-Released", CaseState.RELEASED, date(2026, 10, 1)),  # not before
    ("D4444DD", "Still-Inside", CaseState.ACTIVE, date(2026, 5, 1)),  # not left
    ("E5555EE", "No-Date", CaseState.RELEASED, None),  # cannot tell: kept
]
GONE = {"A1111AA", "B2222BB"}


@pytest.fixture
def db(tmp_path: Path, template: Template) -> Iterator[Path]:
    path = tmp_path / "planner.db"
    times = iter([NOW + timedelta(minutes=n) for n in range(1000)])
    with CaseStore(path, officer="Officer Purdey", clock=lambda: next(times)) as store:
        for number, surname, state, release in PEOPLE:
            store.add(make_person(number, release=release, surname=surname), template)
            store.save_item(number, "work.plan", status=ItemStatus.DONE, evidence={"plan": surname})
            store.update_person(make_person(number, release=release, surname=surname, state=state))
    yield path


def database_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in DatabaseFiles(path).all())


def test_the_plan_takes_only_people_who_left_before_the_date(db: Path):
    with CaseStore(db) as store:
        plan = store.admin.plan_purge(CUT_OFF)
        assert plan.numbers == GONE
        assert [p.number for p in plan.people] == ["A1111AA", "B2222BB"]  # oldest first
        assert plan.undated == 1
        assert store.admin.plan_purge(CUT_OFF, ["released"]).numbers == {"A1111AA"}
        assert plan_purge(store.summaries(), date(2026, 1, 1), ["released"]).people == ()


def test_purge_removes_records_checklists_and_audit_details(db: Path):
    with CaseStore(db, officer="Officer Purdey") as store:
        kept_history = store.history("C3333CC")
        removed = store.admin.purge(store.admin.plan_purge(CUT_OFF))
        assert removed == 2
        assert set(store.numbers()) == {"C3333CC", "D4444DD", "E5555EE"}
        assert store.history("A1111AA") == []
        assert store.history("C3333CC") == kept_history
        (note,) = [e for e in store.history() if e.field == PURGE_FIELD]
        assert note.case is None and note.item is None and note.by == "Officer Purdey"
        assert "removed 2 people" in note.new and "2026-10-01" in note.new
        store.update_notes("C3333CC", "life goes on")
    raw = database_bytes(db)
    for number, surname, *_ in PEOPLE:
        present = number.encode() in raw or surname.encode() in raw
        assert present == (number not in GONE), number
    assert len(DatabaseFiles(db).journal.read_bytes().splitlines()) == 2  # header + 1 change
    with CaseStore(db) as again:
        assert again.get("C3333CC").notes == "life goes on"
        assert len([e for e in again.history() if e.field == PURGE_FIELD]) == 1


def test_someone_who_no_longer_fits_the_rule_is_kept(db: Path):
    with CaseStore(db) as store:
        plan = store.admin.plan_purge(CUT_OFF)
        store.update_person(
            make_person("A1111AA", release=date(2026, 6, 1), surname="Gone-Longago")
        )  # active again: a recall
        assert store.admin.purge(plan) == 1
        assert "A1111AA" in store.numbers() and "B2222BB" not in store.numbers()


def test_a_failed_purge_loses_nobody(db: Path, monkeypatch: pytest.MonkeyPatch):
    real = os.replace

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with CaseStore(db) as store:
        plan = store.admin.plan_purge(CUT_OFF)
        monkeypatch.setattr(os, "replace", full)
        with pytest.raises(WriteFailed, match="run it again"):
            store.admin.purge(plan)
        monkeypatch.setattr(os, "replace", real)
        assert len(store) == 5
        assert store.admin.purge(plan) == 2


def test_read_only_databases_cannot_be_purged(db: Path):
    with CaseStore(db, read_only=True) as store, pytest.raises(ReadOnlyDatabase):
        store.admin.purge(store.admin.plan_purge(CUT_OFF))


# --- the command line -----------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The CLI as an officer runs it: with their name, as every change records it."""
    code = main(["--officer", "Test Officer", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_dry_run_shows_names_and_count_and_changes_nothing(db: Path, capsys):
    before = database_bytes(db)
    code, out, _ = run(
        capsys, "--db", str(db), "--today", "2026-11-23", "purge",
        "--released-before", "01/10/2026", "--dry-run",
    )  # fmt: skip
    assert code == 0
    assert "2 people released or transferred with a release date before Thu 1 Oct 2026" in out
    assert "A1111AA  Alex Gone-Longago  released" in out
    assert "B2222BB  Alex Moved-Away  transferred" in out
    assert "C3333CC" not in out and "D4444DD" not in out
    assert "1 person released or transferred with no release date" in out
    assert "Dry run: nothing was removed." in out
    assert database_bytes(db) == before


def test_cli_asks_first_and_refuses_without_a_yes(db: Path, capsys):
    before = database_bytes(db)
    code, out, err = run(capsys, "--db", str(db), "purge", "--released-before", "2026-10-01")
    assert code == 2 and "--yes" in err and "A1111AA" in out
    assert database_bytes(db) == before


def test_cli_purge_with_yes_says_what_backups_still_hold(db: Path, capsys):
    with CaseStore(db, auto_backup=False) as store:
        store.admin.backup()
    code, out, err = run(
        capsys, "--db", str(db), "purge", "--released-before", "2026-10-01", "--yes"
    )
    assert code == 0, err
    assert "Removed 2 people" in out
    assert "Backups taken before now still hold their records: 1 beside the database" in out
    assert "deleted once 14 newer ones exist" in out


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("2099-01-01", "must not be after today"),
        ("2999-01-01", "is not between 1900-01-01 and"),
        ("31/02/2026", "not a real date"),
        ("soon", ""),
    ],
)
def test_cli_bad_dates_are_bad_input(db: Path, capsys, when: str, message: str):
    code, _out, err = run(capsys, "--db", str(db), "purge", "--released-before", when, "--yes")
    assert code == 2 and message in err and err.count("\n") == 1
