"""Encryption at rest: the codec, no plaintext on disk, tampering, passphrases, the CLI."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
import unicodedata
import zlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

import planner.store.crypto as crypto
from planner.cli import main
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store.audit import AUDIT_ALTERED, AUDIT_TRUNCATED
from planner.store.backup import verify_backup
from planner.store.backup_folders import backups_root, list_backups
from planner.store.codec import Codec
from planner.store.crypto import AesGcmCodec, KdfParams, check_new_passphrase
from planner.store.errors import (
    DatabaseCorrupt,
    PassphraseNeeded,
    StoreError,
    Undecryptable,
    WrongPassphrase,
)
from planner.store.files import frame_record, unframe, unframe_record
from planner.store.integrity import JOURNAL_BEHIND
from planner.store.layout import DatabaseFiles
from planner.store.repository import CaseStore
from tests.conftest import NOW, make_person

PASS = "correct horse battery staple"
NEW_PASS = "a quite different passphrase"
FAST = 15  # scrypt cost for tests: the smallest planner accepts

PEOPLE = [
    ("A1234BC", "Quigglesworth", "Bartholomew", "Wing-C-3-017"),
    ("B2345CD", "Oyelaran-Smythe", "Temperance", "Houseblock-9"),
    ("C3456DE", "Zebedee", "Marigold", "Segregation-2"),
]
EVIDENCE = "Barclaycard-application-7731"
NOTE = "Sister-Philippa-collects-at-gate"


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "DEFAULT_COST", FAST)


@pytest.fixture(scope="module")
def codec() -> AesGcmCodec:
    return AesGcmCodec.create(PASS, cost=FAST)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def build(path: Path, template: Template, codec: Codec | None, clock: Clock) -> None:
    with CaseStore(path, officer="Officer Ermintrude", codec=codec, clock=clock) as store:
        for number, surname, forename, location in PEOPLE:
            store.add(
                make_person(number, surname=surname, forename=forename, location=location), template
            )
        store.save_item(
            "A1234BC", "bank.account", status=ItemStatus.IN_PROGRESS, evidence={"bank": "barclays"}
        )
        store.save_item("A1234BC", "work.plan", evidence={"plan": EVIDENCE})
        store.compact()  # the people are now in the snapshot, and later edits in the journal
        store.update_notes("B2345CD", NOTE)
        store.save_item("C3456DE", "health.gp", status=ItemStatus.DECLINED, reason="Has a GP")


def secrets_in(data: bytes) -> list[str]:
    words = [EVIDENCE, NOTE, "Officer Ermintrude", "Has a GP", "barclays"]
    for number, surname, forename, location in PEOPLE:
        words += [number, surname, forename, location]
    found = []
    for word in words:
        for form in {word, word.lower(), word.upper()}:
            if form.encode() in data or form.encode("utf-16-le") in data:
                found.append(form)
    return found


def every_file(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield path


# --- the codec ------------------------------------------------------------------------------


def test_seal_and_open_round_trip_with_a_fresh_nonce_each_time(codec: AesGcmCodec):
    plain = b'{"surname": "Quigglesworth"}'
    first, second = codec.seal(plain, b"ctx"), codec.seal(plain, b"ctx")
    assert first != second  # a fresh nonce for every write
    assert b"\n" not in first and b"\r" not in first
    assert codec.open(first, b"ctx") == plain == codec.open(second, b"ctx")
    blob = codec.seal_blob(plain, b"ctx")
    assert blob[:12] != codec.seal_blob(plain, b"ctx")[:12]
    assert codec.open_blob(blob, b"ctx") == plain
    assert len(blob) == 12 + len(plain) + 16


@pytest.mark.parametrize("damage", ["context", "flip", "truncate", "base64", "empty"])
def test_any_damage_to_sealed_data_is_refused(codec: AesGcmCodec, damage: str):
    sealed = codec.seal(b"secret record", b"db/journal")
    context = b"db/journal"
    if damage == "context":
        context = b"other-db/journal"
    elif damage == "flip":
        raw = bytearray(base64.b64decode(sealed))
        raw[20] ^= 1
        sealed = base64.b64encode(bytes(raw))
    elif damage == "truncate":
        sealed = base64.b64encode(base64.b64decode(sealed)[:20])
    elif damage == "base64":
        sealed = sealed[:-4] + b"!!!!"
    else:
        sealed = b""
    with pytest.raises(Undecryptable):
        codec.open(sealed, context)


def test_the_key_check_refuses_a_wrong_passphrase_and_accepts_any_unicode_form(
    codec: AesGcmCodec,
):
    header = codec.header()
    assert set(header) == {"name", "kdf", "check"}
    assert header["kdf"]["n"] == 2**FAST and len(base64.b64decode(header["kdf"]["salt"])) == 16
    assert PASS not in orjson.dumps(header).decode()
    with pytest.raises(WrongPassphrase, match="not right"):
        AesGcmCodec.unlock(header, PASS + "!", what="x.db")
    again = AesGcmCodec.unlock(header, PASS, what="x.db")
    assert again.accepts(header) and again.key_id == codec.key_id
    accented = AesGcmCodec.create("café au lait pass", cost=FAST)
    decomposed = unicodedata.normalize("NFD", "café au lait pass")
    assert AesGcmCodec.unlock(accented.header(), decomposed, what="x").key_id == accented.key_id


@pytest.mark.parametrize(
    "kdf",
    [
        None,
        {"name": "pbkdf2"},
        {"name": "scrypt", "n": 2**30, "r": 8, "p": 1, "salt": "AAAAAAAAAAAAAAAAAAAAAA=="},
        {"name": "scrypt", "n": 3 * 2**15, "r": 8, "p": 1, "salt": "AAAAAAAAAAAAAAAAAAAAAA=="},
        {"name": "scrypt", "n": 2**15, "r": 8, "p": 1, "salt": "short"},
        {"name": "scrypt", "n": 2**15, "r": 800, "p": 1, "salt": "AAAAAAAAAAAAAAAAAAAAAA=="},
        {"name": "scrypt", "n": True, "r": 8, "p": 1, "salt": "AAAAAAAAAAAAAAAAAAAAAA=="},
    ],
)
def test_unreasonable_kdf_parameters_are_refused_before_deriving(kdf: Any):
    with pytest.raises(DatabaseCorrupt, match="unsupported encryption"):
        KdfParams.from_json(kdf)


def test_short_passphrases_are_refused():
    with pytest.raises(ValueError, match="at least 8"):
        check_new_passphrase("  abc   ")
    with pytest.raises(ValueError):
        AesGcmCodec.create("1234567")


# --- nothing readable on disk --------------------------------------------------------------


def test_no_name_or_number_in_any_file_of_an_encrypted_database(
    tmp_path: Path, template: Template, codec: AesGcmCodec
):
    db = tmp_path / "planner.db"
    clock = Clock()
    build(db, template, codec, clock)
    clock.now += timedelta(days=1)
    with CaseStore(db, codec=codec, clock=clock) as store:  # the daily backup
        assert store.last_backup is not None
        store.admin.backup(tmp_path / "usb-stick" / "copy")
        assert store.get("A1234BC").person.surname == "Quigglesworth"
    # a crash mid-save leaves a temporary file: it must be sealed too
    script = (
        "import os, signal, sys\n"
        "import planner.store.files as files\n"
        "from planner.store.crypto import AesGcmCodec\n"
        "from planner.store.repository import CaseStore\n"
        "store = CaseStore(sys.argv[1], passphrase=sys.argv[2], auto_backup=False)\n"
        "files.os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)\n"
        "store.compact()\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(db), PASS], check=False)
    assert proc.returncode == -9
    names = [p.name for p in every_file(tmp_path)]
    assert any(n.startswith(".planner-tmp-") for n in names), names
    assert "planner.db.journal" in names and "backup.json" in names
    assert len(list_backups(backups_root(db))) == 1
    for path in every_file(tmp_path):
        assert secrets_in(path.read_bytes()) == [], path
    # and the same database, with the passphrase, has everything
    with CaseStore(db, passphrase=PASS) as store:
        assert store.get("B2345CD").notes == NOTE
        assert store.get("A1234BC").checklist.item("work.plan").evidence == {"plan": EVIDENCE}


def test_a_plain_database_does_hold_plaintext(tmp_path: Path, template: Template):
    """The search above would find the names if they were there."""
    db = tmp_path / "plain.db"
    with CaseStore(db, clock=lambda: NOW) as store:
        store.add(make_person("A1234BC", surname="Quigglesworth"), template)
    assert "Quigglesworth" in secrets_in(b"".join(p.read_bytes() for p in every_file(tmp_path)))


# --- tampering --------------------------------------------------------------------------------


def _reframe(line: bytes, mutate: Any) -> bytes:
    """A record line with its payload changed and its checksum made to match again."""
    parsed = unframe_record(unframe(line) or b"")
    assert parsed is not None
    seq, link, payload = parsed
    return frame_record(seq, link, mutate(payload))


def _refused_on_top(store: CaseStore, *kinds: str) -> None:
    problem = store.integrity_problem
    assert problem is not None and problem.kind in kinds, problem
    with pytest.raises(DatabaseCorrupt):
        store.update_notes("A1234BC", "written on top")


def _flip_b64(payload: bytes) -> bytes:
    raw = bytearray(base64.b64decode(payload))
    raw[len(raw) // 2] ^= 0x01
    return base64.b64encode(bytes(raw))


def test_tampered_snapshot_body_is_refused_even_with_a_matching_checksum(
    tmp_path: Path, template: Template, codec: AesGcmCodec
):
    db = tmp_path / "planner.db"
    build(db, template, codec, Clock())
    first, _, body = db.read_bytes().partition(b"\n")
    damaged = bytearray(body)
    damaged[100] ^= 0x04
    header = orjson.loads(first)
    header["crc"] = zlib.crc32(bytes(damaged))
    db.write_bytes(orjson.dumps(header) + b"\n" + bytes(damaged))
    before = db.read_bytes()
    with pytest.raises(DatabaseCorrupt, match="does not decrypt"):
        CaseStore(db, codec=codec)
    assert db.read_bytes() == before


def test_a_snapshot_header_moved_to_another_change_number_is_refused(
    tmp_path: Path, template: Template, codec: AesGcmCodec
):
    db = tmp_path / "planner.db"
    build(db, template, codec, Clock())
    first, _, body = db.read_bytes().partition(b"\n")
    header = orjson.loads(first)
    header["seq"] += 5  # the change number is authenticated with the body
    db.write_bytes(orjson.dumps(header) + b"\n" + body)
    with pytest.raises(DatabaseCorrupt, match="does not decrypt"):
        CaseStore(db, codec=codec)


def test_a_changed_salt_reads_as_a_wrong_passphrase(
    tmp_path: Path, template: Template, codec: AesGcmCodec
):
    db = tmp_path / "planner.db"
    build(db, template, codec, Clock())
    first, _, body = db.read_bytes().partition(b"\n")
    header = orjson.loads(first)
    header["codec"]["kdf"]["salt"] = base64.b64encode(os.urandom(16)).decode()
    db.write_bytes(orjson.dumps(header) + b"\n" + body)
    with pytest.raises(WrongPassphrase):
        CaseStore(db, passphrase=PASS)


@pytest.mark.parametrize("which", ["first", "last"])
def test_tampered_journal_line_is_refused_never_dropped(
    tmp_path: Path, template: Template, codec: AesGcmCodec, which: str
):
    db = tmp_path / "planner.db"
    build(db, template, codec, Clock())
    journal = DatabaseFiles(db).journal
    lines = journal.read_bytes().splitlines(keepends=True)
    assert len(lines) == 3  # header and two changes after the compaction
    index = 1 if which == "first" else 2
    lines[index] = _reframe(lines[index], _flip_b64)
    journal.write_bytes(b"".join(lines))
    before = _state(tmp_path)
    with CaseStore(db, codec=codec, auto_backup=False) as store:
        _refused_on_top(store, JOURNAL_BEHIND)
        assert "journal" in str(store.integrity_problem)
    assert _state(tmp_path) == before


def test_a_journal_line_from_another_database_is_refused(
    tmp_path: Path, template: Template, codec: AesGcmCodec
):
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    build(one, template, codec, Clock())
    build(two, template, codec, Clock())
    a = DatabaseFiles(one).journal.read_bytes().splitlines(keepends=True)
    b = DatabaseFiles(two).journal.read_bytes().splitlines(keepends=True)
    DatabaseFiles(one).journal.write_bytes(b"".join([a[0], b[1], a[2]]))
    with CaseStore(one, codec=codec, auto_backup=False) as store:
        _refused_on_top(store, JOURNAL_BEHIND)


@pytest.mark.parametrize("how", ["flip", "delete", "swap", "repeat"])
def test_tampered_audit_line_is_refused(
    tmp_path: Path, template: Template, codec: AesGcmCodec, how: str
):
    """Each line of an encrypted audit log is sealed and chained under the key: a changed,
    removed, moved or repeated line is found."""
    db = tmp_path / "planner.db"
    build(db, template, codec, Clock())
    audit = DatabaseFiles(db).audit
    lines = audit.read_bytes().splitlines(keepends=True)
    if how == "flip":
        lines[2] = _reframe(lines[2], _flip_b64)
    elif how == "delete":
        del lines[2]
    elif how == "swap":
        lines[2], lines[3] = lines[3], lines[2]
    else:
        lines.insert(3, lines[2])
    audit.write_bytes(b"".join(lines))
    with CaseStore(db, codec=codec, auto_backup=False) as store:
        assert len(store) == 3  # the cases themselves are intact
        # a line removed before the snapshot's head leaves the file short of it
        _refused_on_top(store, AUDIT_ALTERED, AUDIT_TRUNCATED)
        with pytest.raises(DatabaseCorrupt):
            store.history()


def test_a_flipped_bit_in_a_complete_last_journal_line_is_damage_not_a_torn_write(
    tmp_path: Path, template: Template
):
    db = tmp_path / "plain.db"
    with CaseStore(db, clock=lambda: NOW) as store:
        store.add(make_person("A1234BC"), template)
        store.update_notes("A1234BC", "acknowledged change")
    journal = DatabaseFiles(db).journal
    raw = bytearray(journal.read_bytes())
    raw[-10] ^= 0x01
    journal.write_bytes(bytes(raw))
    with CaseStore(db, auto_backup=False) as store:
        _refused_on_top(store, JOURNAL_BEHIND)
        assert "damaged at byte" in str(store.integrity_problem)


# --- passphrases ------------------------------------------------------------------------------


def _state(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in every_file(folder)}


def test_a_wrong_or_missing_passphrase_reads_and_writes_nothing(
    tmp_path: Path, template: Template, codec: AesGcmCodec
):
    db = tmp_path / "planner.db"
    build(db, template, codec, Clock())
    before = _state(tmp_path)
    later = NOW + timedelta(days=3)  # a backup would be due
    with pytest.raises(WrongPassphrase, match=r"not right for planner\.db"):
        CaseStore(db, passphrase="not the passphrase", clock=lambda: later)
    with pytest.raises(PassphraseNeeded, match="encrypted"):
        CaseStore(db, clock=lambda: later)
    assert _state(tmp_path) == before
    assert not backups_root(db).exists()


def test_passphrase_is_asked_only_when_needed(tmp_path: Path, template: Template):
    asked: list[str] = []

    def ask() -> str:
        asked.append("asked")
        return PASS

    with CaseStore(tmp_path / "plain.db", passphrase=ask, clock=lambda: NOW) as store:
        store.add(make_person(), template)
    assert asked == []
    with CaseStore(tmp_path / "enc.db", passphrase=ask, encrypt=True, clock=lambda: NOW) as store:
        assert store.encrypted
    with CaseStore(tmp_path / "enc.db", passphrase=ask) as store:
        assert len(store) == 0
    assert asked == ["asked", "asked"]


def test_changing_the_passphrase_reseals_everything(
    tmp_path: Path, template: Template, codec: AesGcmCodec
):
    db = tmp_path / "planner.db"
    clock = Clock()
    build(db, template, codec, clock)
    clock.now += timedelta(days=1)
    with CaseStore(db, codec=codec, clock=clock, officer="Officer Two") as store:
        cases = {c.number: c for c in store.cases()}
        history = store.history()
        new = AesGcmCodec.create(NEW_PASS, cost=FAST)
        report = store.admin.change_passphrase(new)
        assert [p.name for p in report.backups_done] == [store.last_backup.folder.name]  # type: ignore[union-attr]
        assert report.backups_skipped == []
        assert {c.number: c for c in store.cases()} == cases  # the open store goes on
        store.update_notes("C3456DE", "after the change")
    with pytest.raises(WrongPassphrase):
        CaseStore(db, passphrase=PASS)
    with CaseStore(db, passphrase=NEW_PASS, clock=clock) as store:
        assert store.get("A1234BC") == cases["A1234BC"]
        assert store.history()[: len(history)] == history
        notes = [e for e in store.history() if e.field == "database.encryption"]
        assert [(e.by, e.new, e.case) for e in notes] == [
            ("Officer Two", "passphrase changed", None)
        ]
        assert store.get("C3456DE").notes == "after the change"
    (backup,) = list_backups(backups_root(db))
    verify_backup(backup, AesGcmCodec.unlock(_header(db), NEW_PASS, what="x"))
    with pytest.raises(StoreError):
        verify_backup(backup, codec)


def _header(db: Path) -> dict[str, Any]:
    return orjson.loads(db.read_bytes().partition(b"\n")[0])["codec"]  # type: ignore[no-any-return]


def test_another_open_store_is_told_the_passphrase_changed(
    tmp_path: Path, template: Template, codec: AesGcmCodec
):
    db = tmp_path / "planner.db"
    build(db, template, codec, Clock())
    with CaseStore(db, codec=codec) as one, CaseStore(db, codec=codec) as two:
        one.admin.change_passphrase(AesGcmCodec.create(NEW_PASS, cost=FAST))
        with pytest.raises(WrongPassphrase, match="changed meanwhile"):
            two.numbers()


def test_encrypting_a_plain_database_leaves_no_plaintext_in_it_or_its_backups(
    tmp_path: Path, template: Template
):
    db = tmp_path / "planner.db"
    clock = Clock()
    build(db, template, None, clock)
    clock.now += timedelta(days=1)
    with CaseStore(db, clock=clock) as store:
        assert not store.encrypted and store.last_backup is not None
        store.admin.change_passphrase(AesGcmCodec.create(PASS, cost=FAST))
        assert store.encrypted
    for path in every_file(tmp_path):
        assert secrets_in(path.read_bytes()) == [], path
    with CaseStore(db, passphrase=PASS) as store:
        assert store.get("B2345CD").notes == NOTE


# --- file modes -----------------------------------------------------------------------------


def test_every_file_and_folder_planner_creates_is_private(
    tmp_path: Path, template: Template, codec: AesGcmCodec
):
    old = os.umask(0)
    try:
        db = tmp_path / "planner.db"
        clock = Clock()
        build(db, template, codec, clock)
        clock.now += timedelta(days=1)
        with CaseStore(db, codec=codec, clock=clock) as store:
            store.admin.change_passphrase(AesGcmCodec.create(NEW_PASS, cost=FAST))
            store.admin.backup(tmp_path / "elsewhere")
    finally:
        os.umask(old)
    for path in sorted(tmp_path.rglob("*")):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path.relative_to(tmp_path)} is {mode:o}"
        if path.is_file() and path.parent == tmp_path:
            assert mode == 0o600, path.name
        elif path.is_file():
            assert mode == 0o400, path  # backups cannot be changed by opening them


# --- the command line -----------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The CLI as an officer runs it: with their name, as every change records it."""
    code = main(["--officer", "Test Officer", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_init_encrypt_then_every_command_needs_the_passphrase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    db = str(tmp_path / "cli.db")
    monkeypatch.setenv("PLANNER_PASSPHRASE", PASS)
    code, out, err = run(capsys, "--db", db, "init", "--encrypt")
    assert code == 0 and "encrypted" in out and err == ""
    code, out, err = run(capsys, "--db", db, "init")
    assert code == 2 and "already exists" in err
    code, out, _ = run(
        capsys, "--db", db, "add", "--number", "A1234BC", "--surname", "Quigglesworth",
        "--forename", "Bo",
    )  # fmt: skip
    assert code == 0
    monkeypatch.setenv("PLANNER_PASSPHRASE", "definitely wrong")
    code, out, err = run(capsys, "--db", db, "list")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "passphrase is not right" in err
    monkeypatch.delenv("PLANNER_PASSPHRASE")
    code, out, err = run(capsys, "--db", db, "list")  # no terminal under pytest
    assert code == 2 and err.count("\n") == 1 and "PLANNER_PASSPHRASE" in err
    for path in every_file(tmp_path):
        assert b"Quigglesworth" not in path.read_bytes()


def test_cli_passphrase_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    db = str(tmp_path / "cli.db")
    monkeypatch.setenv("PLANNER_PASSPHRASE", PASS)
    assert run(capsys, "--db", db, "init", "--encrypt")[0] == 0
    monkeypatch.setenv("PLANNER_NEW_PASSPHRASE", "short")
    code, _, err = run(capsys, "--db", db, "passphrase")
    assert code == 2 and "at least 8" in err
    monkeypatch.setenv("PLANNER_NEW_PASSPHRASE", NEW_PASS)
    code, out, err = run(capsys, "--db", db, "passphrase")
    assert code == 0 and "new passphrase" in out, err
    assert run(capsys, "--db", db, "list")[0] == 2
    monkeypatch.setenv("PLANNER_PASSPHRASE", NEW_PASS)
    assert run(capsys, "--db", db, "list")[0] == 0


def test_cli_passphrase_encrypts_a_plain_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    db = str(tmp_path / "cli.db")
    code, out, _ = run(capsys, "--db", db, "init")
    assert code == 0 and "not encrypted" in out
    monkeypatch.setenv("PLANNER_NEW_PASSPHRASE", NEW_PASS)
    code, out, _ = run(capsys, "--db", db, "passphrase")
    assert code == 0 and "now encrypted" in out
    monkeypatch.setenv("PLANNER_PASSPHRASE", NEW_PASS)
    assert run(capsys, "--db", db, "list")[0] == 0


def test_without_a_terminal_or_variable_the_cli_says_so_in_one_line(
    tmp_path: Path, template: Template, codec: AesGcmCodec
):
    db = tmp_path / "planner.db"
    build(db, template, codec, Clock())
    env = {k: v for k, v in os.environ.items() if k != "PLANNER_PASSPHRASE"}
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "planner"), "--db", str(db), "list"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "PLANNER_PASSPHRASE" in proc.stderr
    assert "Traceback" not in proc.stderr
