"""Databases written by the planner before the chained history (schema 1) open and are
upgraded once, keeping every record, every audit entry and their backups usable.

The fixtures in tests/fixtures/schema1 were written by planner at commit 7ad2dd5: with
that code, CaseStore(db, officer="Officer One") added A0000AA..A0002AA, marked A0000AA's
bank account done, compacted, set A0001AA's notes to "in the journal" and put A0002AA's
work plan in progress; a second day's open (officer "Officer Two") took the daily backup
and set A0000AA's notes to "after the backup".
"""

from __future__ import annotations

import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from planner.store.backup import restore_into, verify_backup
from planner.store.backup_folders import backups_root, check_backup, list_backups
from planner.store.commit import REASSESSED_FIELD
from planner.store.errors import ReadOnlyDatabase
from planner.store.layout import DatabaseFiles
from planner.store.repository import CaseStore
from planner.store.snapshot import SCHEMA_VERSION, read_snapshot_header
from planner.store.upgrade import UPGRADE_FIELD
from tests.conftest import NOW
from tests.platform_branches import both_platforms
from tests.system.test_protection import run_until_killed

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "schema1"
PASSPHRASES = {"plain": None, "encrypted": "schema one fixture passphrase"}


def copy_of(name: str, tmp_path: Path) -> Path:
    folder = tmp_path / name
    shutil.copytree(FIXTURES / name, folder, ignore=shutil.ignore_patterns("README.md"))
    for path in folder.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
    return folder / "planner.db"


def opened(db: Path, name: str, **kwargs: object) -> CaseStore:
    return CaseStore(db, officer="Upgrader", passphrase=PASSPHRASES[name], **kwargs)  # type: ignore[arg-type]


def what_it_holds(store: CaseStore) -> tuple[Any, ...]:
    notes = {n: store.get(n).notes for n in store.numbers()}
    plan = store.get("A0002AA").checklist.item("work.plan")
    history = [(e.seq, e.by, e.case, e.field, e.new) for e in store.history()]
    return notes, plan.status, plan.notes, history


@pytest.mark.parametrize("name", ["plain", "encrypted"])
def test_an_earlier_database_is_upgraded_once_and_keeps_everything(tmp_path: Path, name: str):
    db = copy_of(name, tmp_path)
    assert read_snapshot_header(db)[0].schema == 1
    with opened(db, name, auto_backup=False, clock=lambda: NOW) as store:
        assert store.integrity_problem is None
        notes, status, plan_notes, history = what_it_holds(store)
        assert notes == {
            "A0000AA": "after the backup",
            "A0001AA": "in the journal",
            "A0002AA": "",
        }
        assert (status.value, plan_notes) == ("in_progress", "a plan")
        # the fixture's assessments were made by an earlier gap engine: a newer one notes
        # that it assessed them again, after the upgrade
        *before, upgrade = [entry for entry in history if entry[3] != REASSESSED_FIELD]
        assert upgrade[3] == UPGRADE_FIELD and upgrade[1] == "Upgrader"
        assert {by for _seq, by, *_ in before} == {"Officer One", "Officer Two"}
        assert [seq for seq, *_ in history] == sorted(seq for seq, *_ in history)
        store.update_notes("A0002AA", "after the upgrade")
        seq = store.change_number
    assert read_snapshot_header(db)[0].schema == SCHEMA_VERSION
    assert not DatabaseFiles(db).legacy_lock.exists()
    with opened(db, name, auto_backup=False) as store:
        assert store.change_number == seq  # not upgraded twice
        assert store.get("A0002AA").notes == "after the upgrade"
        assert store.integrity_problem is None


@pytest.mark.parametrize("name", ["plain", "encrypted"])
def test_the_backups_of_an_earlier_planner_check_verify_and_restore(tmp_path: Path, name: str):
    db = copy_of(name, tmp_path)
    with opened(db, name, auto_backup=False) as store:
        codec = store.codec
        store.update_notes("A0001AA", "made after the upgrade")
    (backup,) = list_backups(backups_root(db))
    assert check_backup(backup) is None
    assert verify_backup(backup, codec) == backup.seq
    restore_into(db, backup, now=NOW, lock_timeout=5)
    with opened(db, name, auto_backup=False) as store:  # upgraded again, from the backup
        assert store.integrity_problem is None
        assert store.get("A0001AA").notes == "in the journal"
        assert store.get("A0000AA").notes == ""


def test_an_earlier_database_that_cannot_be_written_is_refused_not_changed(tmp_path: Path):
    db = copy_of("plain", tmp_path)
    before = {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()}
    with pytest.raises(ReadOnlyDatabase, match="earlier planner") as caught:
        CaseStore(db, read_only=True)
    assert "\n" not in str(caught.value)
    assert {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()} == before


@both_platforms
def test_an_upgrade_killed_at_every_step_leaves_the_old_or_the_new_database(tmp_path: Path):
    origin = copy_of("plain", tmp_path / "origin")
    with opened(copy_of("plain", tmp_path / "reference"), "plain", auto_backup=False) as store:
        expected = what_it_holds(store)[:3]
    schemas: set[int] = set()
    step = 0
    while True:
        step += 1
        work = tmp_path / f"step-{step}"
        shutil.copytree(origin.parent, work)
        db = work / origin.name

        def upgrade(db: Path = db) -> None:
            CaseStore(db, officer="Upgrader", auto_backup=False).close()

        finished = run_until_killed(upgrade, step)
        schemas.add(read_snapshot_header(db)[0].schema)
        with opened(db, "plain", auto_backup=False) as store:
            assert store.integrity_problem is None, f"step {step}"
            assert what_it_holds(store)[:3] == expected, f"step {step}"
        for path in work.iterdir():
            if path.is_file():
                assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path.name
        shutil.rmtree(work)
        if finished:
            break
        assert step < 100
    assert step > 5 and schemas == {1, SCHEMA_VERSION}
