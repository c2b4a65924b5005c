"""planner doctor: says plainly what is wrong, how to recover, and never changes a file."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

import planner.store.crypto as crypto
from planner.cli import main
from planner.domain.template import Template
from planner.store.doctor import NOTE, PROBLEM, Diagnosis, diagnose
from planner.store.files import frame_record, unframe, unframe_record
from planner.store.layout import DatabaseFiles
from planner.store.recovery import rekey_snapshot_path
from planner.store.repository import CaseStore
from tests.conftest import NOW, make_person

NUMBER = "A1234BC"


@pytest.fixture
def db(tmp_path: Path, template: Template) -> Iterator[Path]:
    """A database with three changes, compacted, then two more, and yesterday's backup."""
    path = tmp_path / "planner.db"
    times = iter([NOW + timedelta(minutes=n) for n in range(100)])
    with CaseStore(path, officer="O", clock=lambda: next(times)) as store:
        store.add(make_person(NUMBER), template)
        store.update_notes(NUMBER, "one")
        store.compact()
        store.update_notes(NUMBER, "two")
        store.update_notes(NUMBER, "three")
    later = NOW + timedelta(days=1)
    CaseStore(path, clock=lambda: later).close()
    yield path


def everything(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def problems(report: Diagnosis) -> list[str]:
    return [f.text for f in report.findings if f.level == PROBLEM]


def notes(report: Diagnosis) -> list[str]:
    return [f.text for f in report.findings if f.level == NOTE]


def test_a_healthy_database(db: Path):
    report = diagnose(db)
    assert report.healthy, report.findings
    assert report.advice == ["nothing needs doing"]
    texts = " | ".join(f.text for f in report.findings)
    assert "1 person" in texts and "up to change 4" in texts and "not encrypted" in texts
    assert "1 good backup" in texts


def test_a_truncated_snapshot_names_its_sizes_and_the_backup(db: Path):
    size = db.stat().st_size
    os.truncate(db, size - 1000)
    before = everything(db.parent)
    report = diagnose(db)
    assert not report.healthy
    (problem,) = problems(report)
    assert problem.startswith("planner.db is truncated (body ")
    assert " of " in problem and "KB" in problem
    (advice,) = report.advice
    good = report.newest_good
    assert good is not None
    assert f"planner restore {good.folder}" in advice and good.when() in advice
    assert everything(db.parent) == before


def test_a_damaged_middle_journal_line(db: Path):
    journal = DatabaseFiles(db).journal
    lines = journal.read_bytes().splitlines(keepends=True)
    damaged = bytearray(lines[1])
    damaged[15] ^= 0x02
    journal.write_bytes(b"".join([lines[0], bytes(damaged), *lines[2:]]))
    (problem,) = problems(diagnose(db))
    assert problem.startswith(f"planner.db.journal is damaged at byte {len(lines[0])}")
    assert "the audit log records" in problem  # and so what was lost can be replayed


def test_a_torn_last_line_is_only_a_note(db: Path):
    with DatabaseFiles(db).journal.open("ab") as handle:
        handle.write(b'0badc0de {"seq": 9')
    report = diagnose(db)
    assert report.healthy
    assert any("never completed" in n for n in notes(report))


def test_a_foreign_file(tmp_path: Path):
    path = tmp_path / "notes.db"
    path.write_text("milk\neggs\n")
    report = diagnose(path)
    assert problems(report) == [
        "notes.db is not a planner database (its first line is not a header)"
    ]
    assert "no good backup" in report.advice[0] and "do not delete" in report.advice[0]


def test_no_database(tmp_path: Path):
    report = diagnose(tmp_path / "missing.db")
    assert problems(report) == [f"there is no database at {tmp_path / 'missing.db'}"]


def test_an_interrupted_passphrase_change_is_reported_not_finished(db: Path):
    staged = rekey_snapshot_path(db)
    staged.write_bytes(b"staged")
    report = diagnose(db)
    assert report.healthy
    assert any("interrupted before it took effect" in n for n in notes(report))
    assert staged.exists()


def test_files_others_can_read_are_reported(db: Path):
    DatabaseFiles(db).audit.chmod(0o644)
    assert any("chmod 600" in n for n in notes(diagnose(db)))


def test_another_planner_holding_the_lock_is_mentioned(db: Path):
    with CaseStore(db, auto_backup=False) as store, store._db.lock.held():
        report = diagnose(db)
    assert any("open right now" in n for n in notes(report))


def test_encrypted_contents_are_checked_only_with_the_passphrase(
    tmp_path: Path, template: Template, monkeypatch: pytest.MonkeyPatch, capsys
):
    monkeypatch.setattr(crypto, "DEFAULT_COST", 15)
    path = tmp_path / "enc.db"
    with CaseStore(path, passphrase="long enough phrase", encrypt=True, clock=lambda: NOW) as s:
        s.add(make_person(NUMBER), template)
        s.update_notes(NUMBER, "x")
    audit = DatabaseFiles(path).audit
    lines = audit.read_bytes().splitlines(keepends=True)
    parsed = unframe_record(unframe(lines[1]) or b"")
    assert parsed is not None
    seq, link, payload = parsed
    raw = bytearray(base64.b64decode(payload))
    raw[30] ^= 1
    # a valid checksum over altered data
    lines[1] = frame_record(seq, link, base64.b64encode(bytes(raw)))
    audit.write_bytes(b"".join(lines))
    blind = diagnose(path)
    assert blind.healthy and any("not decrypted" in n for n in notes(blind))
    code = main(["--db", str(path), "doctor"])
    out = capsys.readouterr().out
    assert code == 0 and "not decrypted" in out
    monkeypatch.setenv("PLANNER_PASSPHRASE", "long enough phrase")
    code = main(["--db", str(path), "doctor"])
    out = capsys.readouterr().out
    assert code == 1
    assert "PROBLEM planner.db.audit's record of change 1" in out.replace("enc.db", "planner.db")
    assert "does not fit the chain" in out
    monkeypatch.setenv("PLANNER_PASSPHRASE", "the wrong phrase!")
    code = main(["--db", str(path), "doctor"])
    out = capsys.readouterr().out
    assert code == 0 and "checking without decrypting" in out


def test_cli_doctor_output_and_exit_codes(db: Path, capsys):
    assert main(["--db", str(db), "doctor"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Checking {db}\n") and "What to do: nothing needs doing" in out
    raw = bytearray(db.read_bytes())
    raw[-20] ^= 0x08
    db.write_bytes(bytes(raw))
    before = everything(db.parent)
    assert main(["--db", str(db), "doctor"]) == 1
    out = capsys.readouterr().out
    assert "PROBLEM planner.db is damaged (its body does not match its checksum)" in out
    assert "What to do: the newest good backup is" in out and "planner restore" in out
    assert everything(db.parent) == before


def test_doctor_on_a_backup_left_unusable(db: Path):
    (backup,) = diagnose(db).backups
    data = backup[0].files.data
    data.chmod(0o600)
    data.write_bytes(data.read_bytes()[:-5])
    report = diagnose(db)
    assert any("is not usable" in n and "truncated" in n for n in notes(report))
    assert report.newest_good is None


def test_without_the_passphrase_a_lost_journal_is_still_found(
    tmp_path: Path, template: Template, monkeypatch: pytest.MonkeyPatch
):
    """Change numbers stand outside the seal, so doctor needs no key to see that the audit
    log records changes a rolled-back journal no longer holds."""
    monkeypatch.setattr(crypto, "DEFAULT_COST", 15)
    path = tmp_path / "enc.db"
    with CaseStore(path, passphrase="long enough phrase", encrypt=True, clock=lambda: NOW) as s:
        s.add(make_person(NUMBER), template)
        older = DatabaseFiles(path).journal.read_bytes()
        s.update_notes(NUMBER, "x")
        s.update_notes(NUMBER, "y")
    DatabaseFiles(path).journal.write_bytes(older)
    report = diagnose(path)
    assert report.integrity is not None and report.integrity.lost == (2, 3)
    (problem,) = problems(report)
    assert "the audit log records 2 changes (changes 2 to 3)" in problem
    assert any("--repair" in line for line in report.advice)
