"""A journal or audit log deleted, rolled back, cut short, reordered or edited is found on
open and by doctor, nothing is written on top of it, and the repair gives back what the
other file holds. Real databases in temporary folders, plain and encrypted, with a
compaction in their past so the audit log has records before the snapshot's head too."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from planner.cli import main
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store.audit import AUDIT_ALTERED, AUDIT_MISSING, AUDIT_TRUNCATED
from planner.store.chain import PLAIN_CHAIN_KEY, genesis, link
from planner.store.codec import Codec, PlainCodec
from planner.store.crypto import AesGcmCodec
from planner.store.database import Database
from planner.store.doctor import diagnose
from planner.store.errors import DatabaseCorrupt
from planner.store.files import frame_record, unframe, unframe_record
from planner.store.integrity import AUDIT_BEHIND, JOURNAL_BEHIND
from planner.store.layout import DatabaseFiles
from planner.store.repair import RepairRefused, repair
from planner.store.repository import CaseStore
from tests.conftest import NOW, make_person

PEOPLE = ("A0001AA", "A0002AA", "A0003AA")
ENCRYPTED = AesGcmCodec.create("a test passphrase for damage", cost=15)


def build(folder: Path, template: Template, codec: Codec) -> tuple[Path, bytes]:
    """A database whose history spans a compaction, and a copy of its journal taken
    part of the way through (for rolling back)."""
    db = folder / "planner.db"
    clock = [NOW]
    with CaseStore(db, officer="Officer One", codec=codec, clock=lambda: clock[0]) as store:
        store.add_many([make_person(n) for n in PEOPLE], template)
        for n in range(6):
            clock[0] += timedelta(minutes=1)
            store.save_item(PEOPLE[n % 3], "work.plan", notes=f"before the snapshot {n}")
        store.compact()
        for n in range(4):
            clock[0] += timedelta(minutes=1)
            store.save_item(PEOPLE[n % 3], "bank.account", status=ItemStatus.IN_PROGRESS)
        older = DatabaseFiles(db).journal.read_bytes()
        for n in range(4):
            clock[0] += timedelta(minutes=1)
            store.update_notes(PEOPLE[n % 3], f"after the snapshot {n}")
    return db, older


def content(db: Path, codec: Codec) -> dict[str, Any]:
    with CaseStore(db, codec=codec, auto_backup=False) as store:
        return {n: store.get(n).model_dump(mode="json") for n in store.numbers()}


def entry_of(entry: Any) -> tuple[Any, ...]:
    return (entry.seq, entry.by, entry.case, entry.field, orjson.dumps(entry.new))


def files_now(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --- the damage, as a careless user, a sync tool or an insider would do it --------------


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def delete_journal(files: DatabaseFiles, older: bytes) -> None:
    files.journal.unlink()


def roll_back_journal(files: DatabaseFiles, older: bytes) -> None:
    files.journal.write_bytes(older)


def cut_last_journal_record(files: DatabaseFiles, older: bytes) -> None:
    files.journal.write_bytes(b"".join(lines_of(files.journal)[:-1]))


def drop_journal_newline(files: DatabaseFiles, older: bytes) -> None:
    files.journal.write_bytes(files.journal.read_bytes()[:-1])


def delete_audit(files: DatabaseFiles, older: bytes) -> None:
    files.audit.unlink()


def empty_audit(files: DatabaseFiles, older: bytes) -> None:
    files.audit.write_bytes(b"")


def truncate_audit_before_the_head(files: DatabaseFiles, older: bytes) -> None:
    files.audit.write_bytes(b"".join(lines_of(files.audit)[:4]))


def cut_last_audit_records(files: DatabaseFiles, older: bytes) -> None:
    files.audit.write_bytes(b"".join(lines_of(files.audit)[:-3]))


def reorder_audit_before_the_head(files: DatabaseFiles, older: bytes) -> None:
    lines = lines_of(files.audit)
    lines[3], lines[4] = lines[4], lines[3]
    files.audit.write_bytes(b"".join(lines))


def reorder_audit_after_the_head(files: DatabaseFiles, older: bytes) -> None:
    lines = lines_of(files.audit)
    lines[-2], lines[-3] = lines[-3], lines[-2]
    files.audit.write_bytes(b"".join(lines))


def repeat_an_audit_line(files: DatabaseFiles, older: bytes) -> None:
    lines = lines_of(files.audit)
    lines.insert(5, lines[5])
    files.audit.write_bytes(b"".join(lines))


def edit_audit_keeping_checksums(files: DatabaseFiles, older: bytes) -> None:
    """Plain: change who made a change, and make the line's checksum fit again."""
    lines = lines_of(files.audit)
    seq, old_link, payload = unframe_record(unframe(lines[4]) or b"") or (0, b"", b"")
    record = orjson.loads(payload)
    record["by"] = "Somebody Else"
    lines[4] = frame_record(seq, old_link, orjson.dumps(record))
    files.audit.write_bytes(b"".join(lines))


def forge_audit_chain(files: DatabaseFiles, older: bytes) -> None:
    """Plain: edit a record and compute every later link again with the public key, as
    someone who has read the code would."""
    lines = lines_of(files.audit)
    header = unframe(lines[0]) or b""
    previous = genesis(PLAIN_CHAIN_KEY, header)
    out = [lines[0]]
    for index, line in enumerate(lines[1:], start=1):
        seq, _link, payload = unframe_record(unframe(line) or b"") or (0, b"", b"")
        if index == 3:
            record = orjson.loads(payload)
            record["by"] = "Somebody Else"
            payload = orjson.dumps(record)
        previous = link(PLAIN_CHAIN_KEY, previous, seq, payload)
        out.append(frame_record(seq, previous, payload))
    files.audit.write_bytes(b"".join(out))


Damage = Callable[[DatabaseFiles, bytes], None]

JOURNAL_DAMAGE: list[Damage] = [
    delete_journal,
    roll_back_journal,
    cut_last_journal_record,
    drop_journal_newline,
]
AUDIT_DAMAGE: list[tuple[Damage, set[str]]] = [
    (delete_audit, {AUDIT_MISSING}),
    (empty_audit, {AUDIT_TRUNCATED}),
    (truncate_audit_before_the_head, {AUDIT_TRUNCATED}),
    (cut_last_audit_records, {AUDIT_BEHIND}),
    (reorder_audit_before_the_head, {AUDIT_ALTERED}),
    (reorder_audit_after_the_head, {AUDIT_ALTERED}),
    (repeat_an_audit_line, {AUDIT_ALTERED}),
]
PLAIN_ONLY: list[tuple[Damage, set[str]]] = [
    (edit_audit_keeping_checksums, {AUDIT_ALTERED}),
    (forge_audit_chain, {AUDIT_ALTERED}),
]
CODECS: dict[str, Codec] = {"plain": PlainCodec(), "encrypted": ENCRYPTED}


def mend(db: Path, codec: Codec, *, accept: bool) -> list[str]:
    opened = Database(db, read_only=False, lock_timeout=5)
    opened.open(create=False, codec=codec, passphrase=None, encrypt=False)
    return repair(opened, by="Repairer", clock=lambda: NOW, accept_history_loss=accept)


def found_and_refused(db: Path, codec: Codec, kinds: set[str]) -> str:
    """Open finds the damage, refuses to write on top of it, and changes no file; doctor
    names it too. Returns the problem's text."""
    folder = db.parent
    before = files_now(folder)
    with CaseStore(db, codec=codec, auto_backup=False, clock=lambda: NOW) as store:
        problem = store.integrity_problem
        assert problem is not None and problem.kind in kinds, problem
        for attempt in (
            lambda: store.update_notes(PEOPLE[0], "written on top"),
            lambda: store.save_item(PEOPLE[1], "health.gp", status=ItemStatus.DONE),
            store.compact,
            lambda: store.admin.record_event("database.note", "a note"),
        ):
            with pytest.raises(DatabaseCorrupt, match="planner doctor"):
                attempt()
    assert files_now(folder) == before, "something was written on top of the damage"
    report = diagnose(db, codec)
    assert not report.healthy and report.integrity is not None
    assert report.integrity.kind == problem.kind
    assert any(problem.text in f.text for f in report.findings)
    return problem.text


@pytest.mark.parametrize("name", CODECS)
@pytest.mark.parametrize("damage", JOURNAL_DAMAGE, ids=lambda d: d.__name__)
def test_a_damaged_journal_is_found_and_the_audit_log_gives_every_change_back(
    tmp_path: Path, template: Template, name: str, damage: Damage
):
    codec = CODECS[name]
    db, older = build(tmp_path, template, codec)
    expected = content(db, codec)
    damage(DatabaseFiles(db), older)
    text = found_and_refused(db, codec, {JOURNAL_BEHIND})
    assert "audit log records" in text
    done = mend(db, codec, accept=False)
    assert len(done) == 1 and done[0].startswith("replayed")
    assert content(db, codec) == expected  # every acknowledged change is back
    with CaseStore(db, codec=codec, auto_backup=False) as store:
        assert store.integrity_problem is None
        assert store.history()[-1].field == "database.repair"
        store.update_notes(PEOPLE[2], "saved after the repair")
    assert diagnose(db, codec).healthy
    kept = [p.name for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert kept == [] if damage is delete_journal else len(kept) == 1


@pytest.mark.parametrize("name", CODECS)
@pytest.mark.parametrize(
    ("damage", "kinds"), AUDIT_DAMAGE, ids=[d.__name__ for d, _ in AUDIT_DAMAGE]
)
def test_a_damaged_audit_log_is_found_and_history_starts_again_only_when_agreed(
    tmp_path: Path, template: Template, name: str, damage: Damage, kinds: set[str]
):
    codec = CODECS[name]
    db, older = build(tmp_path, template, codec)
    expected = content(db, codec)
    with CaseStore(db, codec=codec, auto_backup=False) as store:
        whole = [entry_of(e) for e in store.history()]
    damage(DatabaseFiles(db), older)
    found_and_refused(db, codec, kinds)
    if AUDIT_BEHIND in kinds:
        assert mend(db, codec, accept=False)[0].startswith("copied the records")
    else:
        with pytest.raises(RepairRefused, match="agree"):
            mend(db, codec, accept=False)
        mend(db, codec, accept=True)
    assert content(db, codec) == expected  # the data is never touched
    with CaseStore(db, codec=codec, auto_backup=False) as store:
        assert store.integrity_problem is None
        after = [entry_of(e) for e in store.history()]
        store.update_notes(PEOPLE[2], "saved after the repair")
    assert after[-1][3] == "database.repair"
    kept = after[:-1]
    # what is kept is the true history: a part of it, never anything altered
    assert set(kept) <= set(whole)
    seqs = [seq for seq, *_ in kept]
    assert seqs == sorted(seqs)
    if AUDIT_BEHIND in kinds:
        assert kept == whole
    # the changes since the last snapshot always keep their history (the journal has it)
    assert {e for e in whole if e[0] > 10} <= set(kept)
    assert diagnose(db, codec).healthy


@pytest.mark.parametrize(("damage", "kinds"), PLAIN_ONLY, ids=[d.__name__ for d, _ in PLAIN_ONLY])
def test_an_edited_plain_audit_log_is_found_even_with_its_checksums_made_to_fit(
    tmp_path: Path, template: Template, damage: Damage, kinds: set[str]
):
    codec = PlainCodec()
    db, older = build(tmp_path, template, codec)
    damage(DatabaseFiles(db), older)
    found_and_refused(db, codec, kinds)
    mend(db, codec, accept=True)
    with CaseStore(db, codec=codec, auto_backup=False) as store:
        assert "Somebody Else" not in {e.by for e in store.history()}


def test_doctor_on_the_command_line_names_the_damage_and_repairs_it(
    tmp_path: Path, template: Template, capsys: pytest.CaptureFixture[str]
):
    db, older = build(tmp_path, template, PlainCodec())
    expected = content(db, PlainCodec())
    roll_back_journal(DatabaseFiles(db), older)
    assert main(["--db", str(db), "doctor"]) == 1
    out = capsys.readouterr().out
    assert "PROBLEM planner.db.journal is older or shorter than it was" in out
    assert "planner doctor --repair" in out
    assert main(["--db", str(db), "--officer", "Repairer", "doctor", "--repair", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Done: replayed 4 changes (changes 11 to 14) from the audit log." in out
    assert "sound again" in out
    assert content(db, PlainCodec()) == expected
    assert main(["--db", str(db), "doctor"]) == 0


def test_reading_commands_warn_and_writing_commands_refuse(
    tmp_path: Path, template: Template, capsys: pytest.CaptureFixture[str]
):
    db, older = build(tmp_path, template, PlainCodec())
    delete_audit(DatabaseFiles(db), older)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    assert main(["--db", str(db), "list", "--all"]) == 0
    err = capsys.readouterr().err
    assert "warning: planner.db.audit is missing" in err and "planner doctor" in err
    code = main(["--db", str(db), "--officer", "X", "update", PEOPLE[0], "--location", "B-1"])
    assert code == 1
    warning, error = capsys.readouterr().err.strip().split("\n")
    assert "warning: planner.db.audit is missing" in warning
    assert error.startswith("planner: planner.db.audit is missing") and "planner doctor" in error
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    shutil.rmtree(tmp_path / "planner.db.backups", ignore_errors=True)
