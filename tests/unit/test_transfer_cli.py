"""`planner transfer out` and `in` through the real CLI, between real databases."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from planner.cli import main
from planner.domain.person import CaseState
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store.crypto import MIN_COST, AesGcmCodec
from planner.store.layout import DatabaseFiles
from planner.store.repository import CaseStore
from planner.transfer.container import open_sealed, seal
from tests.conftest import NOW, TODAY, make_person

TRANSFER = "amber rocket violin harbour"
DB_PASSPHRASE = "quiet lantern orchard seven"
NUMBER = "A1234BC"


def files(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in DatabaseFiles(db).all() if p.exists()}


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("PLANNER_TRANSFER_PASSPHRASE", TRANSFER)

    def go(
        db: Path, *argv: str, officer: str = "Jo Sender", passphrase: str = ""
    ) -> tuple[int, str, str]:
        if passphrase:
            monkeypatch.setenv("PLANNER_PASSPHRASE", passphrase)
        else:
            monkeypatch.delenv("PLANNER_PASSPHRASE", raising=False)
        given = ["--db", str(db), "--officer", officer, "--today", TODAY.isoformat()]
        code = main([*given, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return go


def open_db(db: Path, passphrase: str = "") -> CaseStore:
    return CaseStore(db, passphrase=passphrase or None, read_only=True)


def encrypted_at_least_cost() -> dict[str, object]:
    """An encrypted database whose key is derived at scrypt's least cost: each command
    derives it again, and at the default cost that is a third of a second a time."""
    return {"codec": AesGcmCodec.create(DB_PASSPHRASE, cost=MIN_COST)}


def sending(tmp_path: Path, template: Template, *, encrypted: bool = False) -> Path:
    """A database at HMP Sender with one person and a worked checklist."""
    path = tmp_path / "sender.db"
    options = encrypted_at_least_cost() if encrypted else {}
    with CaseStore(path, officer="Jo Sender", clock=lambda: NOW, **options) as store:  # type: ignore[arg-type]
        store.add(make_person(NUMBER, prison="HMP Sender"), template)
        store.save_item(NUMBER, "bank.account", status=ItemStatus.IN_PROGRESS)
        store.save_item(
            NUMBER, "bank.account", status=ItemStatus.DONE, evidence={"bank": "barclays"}
        )
        store.save_item(NUMBER, "id.documents", status=ItemStatus.BLOCKED, reason="no birth cert")
        store.update_notes(NUMBER, "prefers afternoons")
    return path


def receiving(tmp_path: Path, *, encrypted: bool = False) -> Path:
    path = tmp_path / "receiver.db"
    options = encrypted_at_least_cost() if encrypted else {}
    with CaseStore(path, officer="Sam Receiver", clock=lambda: NOW, **options) as store:  # type: ignore[arg-type]
        assert len(store) == 0
    return path


@pytest.mark.parametrize(("out_encrypted", "in_encrypted"), [(False, True), (True, False)])
def test_out_and_in_between_a_plain_and_an_encrypted_database(
    run: Run, tmp_path: Path, template: Template, out_encrypted: bool, in_encrypted: bool
) -> None:
    sender = sending(tmp_path, template, encrypted=out_encrypted)
    receiver = receiving(tmp_path, encrypted=in_encrypted)
    file = tmp_path / "a.transfer"
    pp_out = DB_PASSPHRASE if out_encrypted else ""
    pp_in = DB_PASSPHRASE if in_encrypted else ""
    code, out, err = run(
        sender,
        "transfer",
        "out",
        NUMBER,
        "--to",
        "HMP Receiver",
        "-o",
        str(file),
        passphrase=pp_out,
    )
    assert code == 0, err
    assert "marked transferred" in out
    assert b"barclays" not in file.read_bytes() and b"Example" not in file.read_bytes()
    with open_db(sender, pp_out) as store:
        assert store.get(NUMBER).person.state is CaseState.TRANSFERRED  # kept until purged
        assert store.history(NUMBER)[-1].field == "transfer.out"
        assert not store.evaluate(store.get(NUMBER), TODAY).flags  # no gap flags once gone

    code, out, err = run(
        receiver, "transfer", "in", str(file), "--dry-run", officer="Sam Receiver", passphrase=pp_in
    )
    assert code == 0, err
    assert "New here" in out and "Bank: Barclays" in out  # a choice by its label
    assert len(open_db(receiver, pp_in)) == 0  # a dry run writes nothing

    code, out, err = run(
        receiver, "transfer", "in", str(file), "--yes", officer="Sam Receiver", passphrase=pp_in
    )
    assert code == 0, err
    assert "Added A1234BC from HMP Sender" in out
    with open_db(receiver, pp_in) as store:
        case = store.get(NUMBER)
        assert case.person.state is CaseState.ACTIVE
        assert case.person.prison == "HMP Receiver"
        assert case.assigned_to == ""
        assert case.checklist.item("bank.account").evidence == {"bank": "barclays"}
        assert case.checklist.item("id.documents").reason == "no birth cert"
        assert case.notes == "prefers afternoons"
        assert store.history(NUMBER)[-1].field == "transfer.in"

    # both audit trails are readable afterwards, and both databases check out
    code, out, err = run(receiver, "history", NUMBER, officer="Sam Receiver", passphrase=pp_in)
    assert code == 0, err
    assert "Transfer in" in out and "History at HMP Sender" in out and "Jo Sender" in out
    code, out, err = run(
        receiver, "history", NUMBER, "--json", officer="Sam Receiver", passphrase=pp_in
    )
    shape = json.loads(out)
    assert shape["elsewhere"][0]["prison"] == "HMP Sender"
    assert any(
        e["field"] == "status" and e["new"] == "done" for e in shape["elsewhere"][0]["entries"]
    )
    code, out, err = run(sender, "history", NUMBER, passphrase=pp_out)
    assert code == 0 and "Transfer out" in out
    for db, pp in ((sender, pp_out), (receiver, pp_in)):
        code, out, err = run(db, "doctor", passphrase=pp)
        assert code == 0, out + err


def _sent(run: Run, tmp_path: Path, template: Template) -> tuple[Path, Path, Path]:
    sender = sending(tmp_path, template)
    receiver = receiving(tmp_path)
    file = tmp_path / "a.transfer"
    code, _, err = run(sender, "transfer", "out", NUMBER, "--to", "HMP Receiver", "-o", str(file))
    assert code == 0, err
    return sender, receiver, file


def test_a_record_started_here_first_takes_both_sides_changes(
    run: Run, tmp_path: Path, template: Template
) -> None:
    _sender, receiver, file = _sent(run, tmp_path, template)
    with CaseStore(receiver, officer="Sam Receiver", clock=lambda: NOW) as store:
        store.add(make_person(NUMBER, prison="HMP Receiver"), template)
        store.save_item(NUMBER, "health.gp", status=ItemStatus.DONE)
    code, out, err = run(receiver, "transfer", "in", str(file), "--yes", officer="Sam Receiver")
    assert code == 0, err
    assert "take theirs" in out and "keep ours" in out
    with open_db(receiver) as store:
        case = store.get(NUMBER)
        assert case.checklist.item("health.gp").status is ItemStatus.DONE  # ours
        assert case.checklist.item("bank.account").status is ItemStatus.DONE  # theirs
        assert case.notes == "prefers afternoons"


def test_a_return_trip_merges_from_the_last_transfer(
    run: Run, tmp_path: Path, template: Template
) -> None:
    """Sent there, worked there, sent back: what changed there only comes back; what we
    changed meanwhile only stays; the same item changed on both is a conflict."""
    sender, receiver, file = _sent(run, tmp_path, template)
    assert run(receiver, "transfer", "in", str(file), "--yes", officer="Sam Receiver")[0] == 0
    with CaseStore(receiver, officer="Sam Receiver", clock=lambda: NOW) as store:
        store.save_item(NUMBER, "id.documents", status=ItemStatus.DONE, reason="")
        store.save_item(NUMBER, "health.gp", status=ItemStatus.IN_PROGRESS)
    with CaseStore(sender, officer="Jo Sender", clock=lambda: NOW) as store:  # a late note here
        store.save_item(NUMBER, "work.plan", status=ItemStatus.DONE)
        store.save_item(NUMBER, "health.gp", status=ItemStatus.BLOCKED, reason="no GP taking")
    back = tmp_path / "back.transfer"
    code, _, err = run(
        receiver,
        "transfer",
        "out",
        NUMBER,
        "--to",
        "HMP Sender",
        "-o",
        str(back),
        officer="Sam Receiver",
    )
    assert code == 0, err

    before = files(sender)
    code, out, err = run(sender, "transfer", "in", str(back), "--yes")
    assert code == 2
    assert "conflict: GP registration arranged" in err
    assert "since transfer" in out
    assert files(sender) == before  # nothing written

    code, out, err = run(sender, "transfer", "in", str(back), "--yes", "--prefer", "theirs")
    assert code == 0, err
    with open_db(sender) as store:
        case = store.get(NUMBER)
        assert case.person.state is CaseState.ACTIVE
        assert case.person.prison == "HMP Sender"
        assert case.checklist.item("id.documents").status is ItemStatus.DONE  # theirs only
        assert case.checklist.item("work.plan").status is ItemStatus.DONE  # ours only
        assert case.checklist.item("health.gp").status is ItemStatus.IN_PROGRESS  # preferred
        sections = store.transfers.sections(NUMBER)
        assert [s["prison"] for s in sections] == ["HMP Receiver"]  # our own is not copied back
    assert run(sender, "doctor")[0] == 0


def test_prefer_ours_keeps_ours_in_a_conflict(run: Run, tmp_path: Path, template: Template) -> None:
    _sender, receiver, file = _sent(run, tmp_path, template)
    with CaseStore(receiver, officer="Sam Receiver", clock=lambda: NOW) as store:
        store.add(make_person(NUMBER, prison="HMP Receiver"), template)
        store.save_item(NUMBER, "bank.account", status=ItemStatus.BLOCKED, reason="closed")
    code, _, err = run(receiver, "transfer", "in", str(file), "--yes", officer="Sam Receiver")
    assert code == 2 and "Bank account" in err
    code, _out, err = run(
        receiver, "transfer", "in", str(file), "--yes", "--prefer", "ours", officer="Sam Receiver"
    )
    assert code == 0, err
    with open_db(receiver) as store:
        assert store.get(NUMBER).checklist.item("bank.account").status is ItemStatus.BLOCKED


def test_a_flipped_byte_or_a_wrong_passphrase_is_refused_with_nothing_written(
    run: Run, tmp_path: Path, template: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    _sender, receiver, file = _sent(run, tmp_path, template)
    before = files(receiver)
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0x10
    bad = tmp_path / "bad.transfer"
    bad.write_bytes(bytes(data))
    code, _, err = run(receiver, "transfer", "in", str(bad), "--yes", officer="Sam Receiver")
    assert code == 2
    assert (
        err.strip().splitlines()
        == ["planner: the transfer file has been changed or damaged; ask for it to be sent again"]
        or "changed or damaged" in err
    )
    assert "Traceback" not in err
    monkeypatch.setenv("PLANNER_TRANSFER_PASSPHRASE", "amber rocket violin harbor")
    code, _out, err = run(receiver, "transfer", "in", str(file), "--yes", officer="Sam Receiver")
    assert code == 2 and "passphrase is not right" in err
    assert files(receiver) == before


def test_out_refuses_a_weak_passphrase_an_existing_file_and_a_second_transfer(
    run: Run, tmp_path: Path, template: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    sender = sending(tmp_path, template)
    file = tmp_path / "a.transfer"
    monkeypatch.setenv("PLANNER_TRANSFER_PASSPHRASE", "password")
    code, _, err = run(sender, "transfer", "out", NUMBER, "--to", "HMP R", "-o", str(file))
    assert code == 2 and "passphrase" in err and not file.exists()
    monkeypatch.setenv("PLANNER_TRANSFER_PASSPHRASE", TRANSFER)
    file.write_bytes(b"keep me")
    code, _, err = run(sender, "transfer", "out", NUMBER, "--to", "HMP R", "-o", str(file))
    assert code == 2 and "already there" in err and file.read_bytes() == b"keep me"
    code, _, err = run(
        sender, "transfer", "out", NUMBER, "--to", "HMP R", "-o", str(file), "--force"
    )
    assert code == 0, err
    code, _, err = run(
        sender, "transfer", "out", NUMBER, "--to", "HMP R", "-o", str(tmp_path / "b")
    )
    assert code == 2 and "marked transferred" in err


def test_a_transferred_person_is_purged_with_what_the_transfer_kept(
    run: Run, tmp_path: Path, template: Template
) -> None:
    sender, _receiver, _file = _sent(run, tmp_path, template)
    code, _out, err = run(
        sender, "--today", "2027-01-02", "purge", "--released-before", "2027-01-01", "--yes"
    )
    assert code == 0, err
    with open_db(sender) as store:
        assert store.find(NUMBER) is None
        assert store.transfers.points(NUMBER) == []
        assert store.history(NUMBER) == []


def test_a_template_this_planner_cannot_read_is_refused(
    run: Run, tmp_path: Path, template: Template
) -> None:
    """A newer planner's template (a field type this one does not know) is one line."""
    import orjson

    from planner.store.transfers import Outgoing
    from planner.transfer.container import seal
    from planner.transfer.payload import build_payload

    sender = sending(tmp_path, template)
    receiver = receiving(tmp_path)
    with open_db(sender) as store:
        out = store.transfers.outgoing(NUMBER)
    document = json.loads(json.dumps(out.template_document))
    document["template"]["items"][0]["evidence"][0]["type"] = "appointment_slot"
    newer = Outgoing(**{**out.__dict__, "template_document": document})
    payload, _ = build_payload(
        newer, transfer_id="t1", at=NOW, by="Jo", from_prison="HMP S", to_prison="HMP R"
    )
    file = tmp_path / "newer.transfer"
    file.write_bytes(seal(payload, TRANSFER))
    before = files(receiver)
    code, _, err = run(receiver, "transfer", "in", str(file), "--yes", officer="Sam Receiver")
    assert code == 2 and "cannot be read by this planner" in err, err
    assert files(receiver) == before
    future = orjson.loads(payload)
    future["template"]["format"] = 9
    file.write_bytes(seal(orjson.dumps(future), TRANSFER))
    code, _, err = run(receiver, "transfer", "in", str(file), "--yes", officer="Sam Receiver")
    assert code == 2 and "format 9" in err


@pytest.mark.parametrize(
    "argv",
    [
        ("transfer", "out", NUMBER, "--to", "HMP Leeds", "-o", "{db}", "--force"),
        ("transfer", "out", NUMBER, "--to", "HMP Leeds", "-o", "{db}.audit", "--force"),
        ("export", NUMBER, "--format", "plan", "-o", "{db}", "--force"),
        ("export", NUMBER, "--format", "pdf", "-o", "{db}.journal", "--force"),
        ("export", NUMBER, "--format", "md", "-o", "{db}.backups/summary.md", "--force"),
    ],
)
def test_no_output_ever_replaces_the_database_or_its_files(
    tmp_path: Path, template: Template, run: Run, argv: tuple[str, ...]
) -> None:
    """A mistyped -o with --force once replaced the database with the file written."""
    db = sending(tmp_path, template)
    (tmp_path / "sender.db.backups").mkdir(exist_ok=True)
    before = files(db)
    code, out, err = run(db, *(a.replace("{db}", str(db)) for a in argv))
    assert code == 2 and out == ""
    assert "is part of the database sender.db" in err and err.count("\n") == 1
    assert files(db) == before
    with open_db(db) as store:
        assert store.get(NUMBER).person.state is not CaseState.TRANSFERRED


def test_a_pipe_or_a_device_is_refused_at_once_not_read(
    tmp_path: Path, template: Template, run: Run
) -> None:
    """A FIFO would wait for ever, /dev/zero would fill the memory."""
    db = receiving(tmp_path)
    fifo = tmp_path / "named.transfer"
    os.mkfifo(fifo)
    for given in (fifo, Path("/dev/zero")):
        code, out, err = run(db, "transfer", "in", str(given), "--dry-run")
        assert code == 2 and out == ""
        assert "is not a regular file" in err and err.count("\n") == 1


def test_a_file_is_refused_by_the_database_that_wrote_it(
    run: Run, tmp_path: Path, template: Template
) -> None:
    """Received back by mistake, it made the person sent away active again here."""
    sender, _receiver, file = _sent(run, tmp_path, template)
    before = files(sender)
    code, out, err = run(sender, "transfer", "in", str(file), "--yes", "--prefer", "theirs")
    assert code == 2 and out == ""
    assert "written by this database" in err and err.count("\n") == 1
    assert files(sender) == before
    with open_db(sender) as store:
        assert store.get(NUMBER).person.state is CaseState.TRANSFERRED


def _remade(file: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """The file opened with its passphrase, changed as a hand could, and sealed again."""
    payload = json.loads(open_sealed(file.read_bytes(), TRANSFER))
    change(payload)
    file.write_bytes(seal(json.dumps(payload).encode(), TRANSFER))


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p["history"][0]["entries"][0].update(by="Jo \x1b[31mSender"),
        lambda p: p["history"][0]["entries"][0].update(at="not a date"),
        lambda p: p["history"][0]["entries"][0].update(change=-1),
        lambda p: p["history"][0]["entries"][0].update(new="a\u202eb"),
        lambda p: p["history"][0].update(prison="HMP \x07Bell"),
        lambda p: p.update(sent_by="Jo\x1bSender"),
        lambda p: p["case"]["person"].update(surname="Ex\x1bample"),
    ],
    ids=["officer", "time", "change", "value", "prison", "sent-by", "surname"],
)
def test_a_file_remade_by_hand_is_checked_as_typed_text_is(
    run: Run, tmp_path: Path, template: Template, change: Callable[[dict[str, Any]], None]
) -> None:
    """Sealed with the right passphrase, a file can still say anything: the dry run refuses
    what receiving would, and nothing of it is kept."""
    _sender, receiver, file = _sent(run, tmp_path, template)
    _remade(file, change)
    before = files(receiver)
    for extra in (("--dry-run",), ("--yes",)):
        code, out, err = run(receiver, "transfer", "in", str(file), *extra, officer="Sam R")
        assert code == 2 and out == "", (extra, out, err)
        assert err.count("\n") == 1 and "\x1b" not in err and "\x07" not in err
    assert files(receiver) == before


def test_an_empty_passphrase_variable_is_named_as_empty(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = receiving(tmp_path)
    monkeypatch.setenv("PLANNER_TRANSFER_PASSPHRASE", "")
    code, out, err = run(db, "transfer", "in", str(tmp_path / "a.transfer"), "--dry-run")
    assert code == 2 and out == ""
    assert err.strip().endswith("PLANNER_TRANSFER_PASSPHRASE is set but empty")


def test_the_same_file_received_again_is_nothing_to_do(
    run: Run, tmp_path: Path, template: Template
) -> None:
    """It was reported as a second merge, and audited as one, though nothing changed."""
    _sender, receiver, file = _sent(run, tmp_path, template)
    assert run(receiver, "transfer", "in", str(file), "--yes", officer="Sam R")[0] == 0
    before = files(receiver)
    code, out, err = run(receiver, "transfer", "in", str(file), "--yes", officer="Sam R")
    assert code == 0, err
    assert "received here before: nothing to do" in out
    code, out, _ = run(receiver, "transfer", "in", str(file), "--json", "--yes", officer="Sam R")
    assert code == 0 and json.loads(out)["already"] is True
    assert files(receiver) == before


def test_out_takes_a_folder_as_export_does_and_refuses_standard_output(
    run: Run, tmp_path: Path, template: Template
) -> None:
    sender = sending(tmp_path, template)
    code, _, err = run(sender, "transfer", "out", NUMBER, "--to", "HMP Leeds", "-o", "-")
    assert code == 2 and "cannot go to standard output" in err
    folder = tmp_path / "to send"
    code, _, err = run(sender, "transfer", "out", NUMBER, "--to", "HMP Leeds", "-o", f"{folder}/")
    assert code == 0, err
    assert (folder / f"{NUMBER}.transfer").is_file()
    assert not (tmp_path / "-").exists()


def test_a_prison_name_longer_than_a_record_keeps_is_refused(
    run: Run, tmp_path: Path, template: Template
) -> None:
    """The receiving prison records it as the person's prison, which would refuse it."""
    sender = sending(tmp_path, template)
    before = files(sender)
    target = str(tmp_path / "x.transfer")
    code, out, err = run(sender, "transfer", "out", NUMBER, "--to", "H" * 81, "-o", target)
    assert code == 2 and out == "" and "at most 80 characters" in err
    assert files(sender) == before
