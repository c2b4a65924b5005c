"""Daily verified backups, backups on demand, restore, and refusing to overwrite damage."""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import planner.store.backup as backup_module
import planner.store.crypto as crypto
import planner.store.files as files_module
import planner.store.recovery as recovery
from planner.cli import main
from planner.domain.template import Template
from planner.store.backup import restore, verify_backup
from planner.store.backup_folders import (
    MANIFEST,
    backups_root,
    check_backup,
    list_backups,
    read_backup,
)
from planner.store.codec import PlainCodec
from planner.store.errors import BackupInvalid, DatabaseCorrupt, StoreError
from planner.store.layout import DatabaseFiles
from planner.store.recovery import restore_intent_path, restore_staging_path
from planner.store.repository import CaseStore
from tests.conftest import NOW, make_person
from tests.platform_branches import both_platforms

NUMBER = "A1234BC"


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now

    def next_day(self, days: int = 1) -> None:
        self.now += timedelta(days=days)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def open_store(db: Path, clock: Clock, **kwargs: object) -> CaseStore:
    return CaseStore(db, officer="Officer", clock=clock, **kwargs)  # type: ignore[arg-type]


def files_bytes(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in DatabaseFiles(db).all() if p.exists()}


def seed(db: Path, template: Template, clock: Clock, notes: str = "first") -> None:
    with open_store(db, clock) as store:
        store.add(make_person(NUMBER), template)
        store.update_notes(NUMBER, notes)


# --- the daily backup -----------------------------------------------------------------------


def test_a_new_database_is_not_backed_up_but_the_next_open_of_the_day_is(
    db_path: Path, template: Template, clock: Clock
):
    with open_store(db_path, clock) as store:
        assert store.last_backup is None
        store.add(make_person(NUMBER), template)
    assert list_backups(backups_root(db_path)) == []
    with open_store(db_path, clock) as store:
        taken = store.last_backup
        assert taken is not None and store.backup_problem is None
    with open_store(db_path, clock) as store:
        assert store.last_backup is None  # one a day
    (only,) = list_backups(backups_root(db_path))
    assert only == taken
    assert only.folder.name == NOW.astimezone().strftime("%Y-%m-%dT%H%M")
    assert check_backup(only) is None
    assert verify_backup(only, PlainCodec()) == only.seq == 1


@both_platforms
def test_backups_rotate_keeping_the_newest(db_path: Path, template: Template, clock: Clock):
    seed(db_path, template, clock)
    for day in range(6):
        clock.next_day()
        with open_store(db_path, clock, backups_keep=3) as store:
            store.update_notes(NUMBER, f"day {day}")
    kept = list_backups(backups_root(db_path))
    assert len(kept) == 3
    assert [b.taken for b in kept] == sorted((b.taken for b in kept), reverse=True)
    assert kept[0].taken == clock.now
    assert not list(backups_root(db_path).glob(".partial-*"))


def test_a_backup_is_a_consistent_copy_that_opens_as_it_was(
    db_path: Path, template: Template, clock: Clock
):
    seed(db_path, template, clock, notes="in the backup")
    with open_store(db_path, clock) as store:
        taken = store.admin.backup()
        history = store.history()
        store.update_notes(NUMBER, "after the backup")
    assert taken.seq == 2
    with CaseStore(taken.files.data) as copy:
        assert copy.read_only  # backup files are 0400...
        assert copy.get(NUMBER).notes == "in the backup"
        assert copy.history() == history
    if os.geteuid() != 0:  # ...which root ignores
        with pytest.raises(StoreError):
            CaseStore(taken.files.data).update_notes(NUMBER, "x")


def test_a_failed_daily_backup_never_stops_the_open(
    db_path: Path, template: Template, clock: Clock
):
    seed(db_path, template, clock)
    backups_root(db_path).write_text("not a folder")
    clock.next_day()
    with open_store(db_path, clock) as store:
        assert store.last_backup is None
        assert store.backup_problem is not None
        assert "could not be made" in store.backup_problem
        assert "\n" not in store.backup_problem
        assert store.get(NUMBER).notes == "first"
        store.update_notes(NUMBER, "still works")


def test_a_backup_that_does_not_read_back_is_not_kept(
    db_path: Path, template: Template, clock: Clock, monkeypatch: pytest.MonkeyPatch
):
    seed(db_path, template, clock)
    monkeypatch.setattr(backup_module, "check_backup", lambda _b: "it is damaged")
    clock.next_day()
    with open_store(db_path, clock) as store:
        assert store.backup_problem and "did not read back" in store.backup_problem
    assert list(backups_root(db_path).iterdir()) == []


def test_backup_into_a_named_folder(db_path: Path, template: Template, clock: Clock, tmp_path):
    seed(db_path, template, clock)
    target = tmp_path / "usb" / "copy"
    with open_store(db_path, clock) as store:
        taken = store.admin.backup(target)
        with pytest.raises(BackupInvalid, match="not empty"):
            store.admin.backup(target)
    assert taken.folder == target
    assert verify_backup(read_backup(target), PlainCodec()) == 2


# --- refusing to overwrite damage ---------------------------------------------------------


def test_a_damaged_database_is_refused_naming_the_newest_good_backup(
    db_path: Path, template: Template, clock: Clock
):
    seed(db_path, template, clock)
    clock.next_day()
    with open_store(db_path, clock) as store:
        good = store.last_backup
        store.compact()
    assert good is not None
    os.truncate(db_path, db_path.stat().st_size // 2)
    before = files_bytes(db_path)
    with pytest.raises(DatabaseCorrupt) as caught:
        open_store(db_path, clock)
    message = str(caught.value)
    assert "\n" not in message
    assert str(good.folder) in message and "planner restore" in message
    assert files_bytes(db_path) == before


def test_without_a_backup_the_refusal_says_keep_the_files(tmp_path: Path):
    db = tmp_path / "foreign.db"
    db.write_text("shopping list\n")
    with pytest.raises(DatabaseCorrupt, match="no good backup"):
        CaseStore(db)
    assert db.read_text() == "shopping list\n"


@pytest.mark.parametrize("left", ["journal", "audit", "backups"])
def test_a_missing_snapshot_is_never_replaced_by_an_empty_database(
    db_path: Path, template: Template, clock: Clock, left: str
):
    seed(db_path, template, clock)
    clock.next_day()
    open_store(db_path, clock).close()  # a backup
    files = DatabaseFiles(db_path)
    db_path.unlink()
    if left != "journal":
        files.journal.unlink()
    if left == "backups":
        files.audit.unlink()
    before = {p.name for p in db_path.parent.iterdir()}
    with pytest.raises(DatabaseCorrupt, match="missing"):
        open_store(db_path, clock)
    assert {p.name for p in db_path.parent.iterdir()} == before


# --- restore --------------------------------------------------------------------------------


def test_restore_keeps_the_current_files_aside_and_notes_itself(
    db_path: Path, template: Template, clock: Clock
):
    seed(db_path, template, clock, notes="good times")
    clock.next_day()
    with open_store(db_path, clock) as store:
        good = store.last_backup
        store.update_notes(NUMBER, "a mistake")
    assert good is not None
    current = files_bytes(db_path)
    files = DatabaseFiles(db_path)
    aside = restore(files, good, now=clock.now)
    assert sorted(p.name.split(".before-restore-")[0] for p in aside) == sorted(current)
    assert {p.name.split(".before-restore-")[0]: p.read_bytes() for p in aside} == current
    assert not restore_intent_path(db_path).exists()
    assert not restore_staging_path(db_path).exists()
    with open_store(db_path, clock) as store:
        assert store.get(NUMBER).notes == "good times"
        assert store.change_number == good.seq
        store.update_notes(NUMBER, "carry on")
    assert check_backup(good) is None  # the backup itself is untouched


def test_restore_of_a_damaged_backup_is_refused_before_touching_anything(
    db_path: Path, template: Template, clock: Clock, tmp_path: Path, capsys
):
    seed(db_path, template, clock)
    with open_store(db_path, clock) as store:
        store.compact()
        taken = store.admin.backup()
    target = taken.files.data
    target.chmod(0o600)
    raw = bytearray(target.read_bytes())
    raw[-3] ^= 0x10
    target.write_bytes(bytes(raw))
    before = files_bytes(db_path)
    with pytest.raises(BackupInvalid, match="checksum"):
        verify_backup(taken, PlainCodec())
    officer = ["--officer", "Test Officer"]
    code = main(["--db", str(db_path), *officer, "restore", str(taken.folder), "--yes"])
    _out, err = capsys.readouterr()
    assert code == 1 and "not usable" in err and err.count("\n") == 1
    assert files_bytes(db_path) == before
    assert main(["--db", str(db_path), *officer, "restore", str(tmp_path), "--yes"]) == 2
    assert "not a planner backup" in capsys.readouterr().err


@both_platforms
def test_a_restore_cut_short_after_its_commit_is_finished_by_the_next_open(
    db_path: Path, template: Template, clock: Clock, monkeypatch: pytest.MonkeyPatch
):
    seed(db_path, template, clock, notes="backed up")
    with open_store(db_path, clock) as store:
        taken = store.admin.backup()
        store.update_notes(NUMBER, "newer")
    real = files_module.replace_durably
    calls: list[Path] = []

    def crash_after_one(source: Path, target: Path) -> None:
        if calls:
            raise KeyboardInterrupt  # the process dies here
        calls.append(target)
        real(source, target)

    monkeypatch.setattr(recovery, "replace_durably", crash_after_one)
    with pytest.raises(KeyboardInterrupt):
        restore(DatabaseFiles(db_path), taken, now=clock.now)
    monkeypatch.setattr(recovery, "replace_durably", real)
    assert restore_intent_path(db_path).exists()
    with open_store(db_path, clock) as store:
        assert store.get(NUMBER).notes == "backed up"
    assert not restore_intent_path(db_path).exists()


@both_platforms
def test_a_restore_cut_short_before_its_commit_changes_nothing(
    db_path: Path, template: Template, clock: Clock, monkeypatch: pytest.MonkeyPatch
):
    seed(db_path, template, clock, notes="backed up")
    with open_store(db_path, clock) as store:
        taken = store.admin.backup()
        store.update_notes(NUMBER, "newer")

    def crash(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(backup_module, "atomic_write", crash)  # the intent is never written
    with pytest.raises(KeyboardInterrupt):
        restore(DatabaseFiles(db_path), taken, now=clock.now)
    assert restore_staging_path(db_path).exists()
    with open_store(db_path, clock) as store:
        assert store.get(NUMBER).notes == "newer"
    assert not restore_staging_path(db_path).exists()


# --- the command line -----------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The CLI as an officer runs it: with their name, as every change records it."""
    code = main(["--officer", "Test Officer", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_backup_list_and_restore(
    db_path: Path, template: Template, clock: Clock, capsys, tmp_path: Path
):
    seed(db_path, template, clock, notes="keep me")
    db = str(db_path)
    code, out, err = run(capsys, "--db", db, "backup")
    assert code == 0 and "verified" in out, err
    folder = out.split("Backup written to ")[1].split(" and verified")[0]
    code, out, _ = run(capsys, "--db", db, "backup", str(tmp_path / "elsewhere"))
    assert code == 0 and "elsewhere" in out
    assert (tmp_path / "elsewhere" / MANIFEST).exists()
    code, out, _ = run(capsys, "--db", db, "backup", "--list")
    assert code == 0 and folder in out and "good" in out
    with open_store(db_path, clock) as store:
        store.update_notes(NUMBER, "oops")
    code, _out, err = run(capsys, "--db", db, "restore", folder)  # no terminal: needs --yes
    assert code == 2 and "--yes" in err
    code, out, err = run(capsys, "--db", db, "restore", folder, "--yes")
    assert code == 0 and "kept as" in out, err
    with open_store(db_path, clock) as store:
        assert store.get(NUMBER).notes == "keep me"
        (event,) = [e for e in store.history() if e.field == "database.restored"]
        assert Path(folder).name in event.new and event.case is None
    assert len(list(db_path.parent.glob("*.before-restore-*"))) == 3


def test_cli_restore_of_an_encrypted_backup_needs_its_passphrase(
    db_path: Path, template: Template, capsys, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(crypto, "DEFAULT_COST", 15)
    monkeypatch.setenv("PLANNER_PASSPHRASE", "the right passphrase")
    db = str(db_path)
    assert run(capsys, "--db", db, "init", "--encrypt")[0] == 0
    code, out, _ = run(capsys, "--db", db, "backup")
    folder = out.split("Backup written to ")[1].split(" and verified")[0]
    assert "encrypted" in out
    monkeypatch.setenv("PLANNER_PASSPHRASE", "the wrong passphrase")
    code, _, err = run(capsys, "--db", db, "restore", folder, "--yes")
    assert code == 2 and "not right" in err
    monkeypatch.setenv("PLANNER_PASSPHRASE", "the right passphrase")
    code, out, err = run(capsys, "--db", db, "restore", folder, "--yes")
    assert code == 0, err
    with CaseStore(db_path, passphrase="the right passphrase") as store:
        assert store.encrypted


@pytest.mark.parametrize("kernel_copy", [True, False])
def test_copies_are_exact_with_or_without_a_kernel_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel_copy: bool
):
    if not kernel_copy:
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    source = tmp_path / "source"
    data = os.urandom(3_000_001)
    source.write_bytes(data)
    assert files_module.copy_durably(source, tmp_path / "part", 2_500_000, mode=0o600) == 2_500_000
    assert (tmp_path / "part").read_bytes() == data[:2_500_000]
    assert files_module.copy_durably(source, tmp_path / "all", mode=0o600) == len(data)
    assert (tmp_path / "all").read_bytes() == data
    assert files_module.copy_durably(source, tmp_path / "more", 9_000_000, mode=0o600) == len(data)


def test_cli_restore_refuses_a_backup_of_another_database_unless_forced(
    db_path: Path, template: Template, clock: Clock, capsys, tmp_path: Path
):
    other = tmp_path / "other" / "other.db"
    seed(other, template, clock, notes="another prison's records")
    code, _out, _ = run(capsys, "--db", str(other), "backup", str(tmp_path / "theirs"))
    assert code == 0
    seed(db_path, template, clock, notes="ours")
    before = files_bytes(db_path)
    code, _out, err = run(
        capsys, "--db", str(db_path), "restore", str(tmp_path / "theirs"), "--yes"
    )
    assert code == 2 and "another database" in err and "--force" in err
    with open_store(db_path, clock) as store:
        ours = store.db_id
    assert ours[:12] in err  # both ids are shown
    assert files_bytes(db_path) == before
    code, _out, err = run(
        capsys, "--db", str(db_path), "restore", str(tmp_path / "theirs"), "--yes", "--force"
    )
    assert code == 0 and "Warning: backup" in err
    with open_store(db_path, clock) as store:
        assert store.get(NUMBER).notes == "another prison's records"


def test_cli_restore_refuses_an_unencrypted_backup_over_an_encrypted_database(
    db_path: Path, template: Template, clock: Clock, capsys, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(crypto, "DEFAULT_COST", 15)
    seed(db_path, template, clock, notes="before encrypting")
    code, out, _ = run(capsys, "--db", str(db_path), "backup")
    plain_backup = out.split("Backup written to ")[1].split(" and verified")[0]
    monkeypatch.setenv("PLANNER_NEW_PASSPHRASE", "a long enough new passphrase")
    # the passphrase change re-seals the backup beside it, so take one it cannot reach
    shutil.copytree(plain_backup, db_path.parent / "kept-elsewhere")
    assert run(capsys, "--db", str(db_path), "passphrase")[0] == 0
    monkeypatch.setenv("PLANNER_PASSPHRASE", "a long enough new passphrase")
    code, out, _ = run(capsys, "--db", str(db_path), "backup", "--list")
    assert code == 0 and "opens with the current passphrase" in out
    code, _out, err = run(
        capsys, "--db", str(db_path), "restore", str(db_path.parent / "kept-elsewhere"), "--yes"
    )
    assert code == 2 and "not encrypted" in err and "unencrypted" in err
