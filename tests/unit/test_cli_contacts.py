"""Contacts through the real CLI: `planner add`/`update` options and import columns.

The offender managers (name, unit or probation delivery unit, phone, email) and the
person's own phone and email are entered, changed, cleared and imported; every change is
audited; a phone or email that is not one is refused naming the option or the column,
with nothing written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.cli import main
from planner.domain.person import Contact
from planner.store.layout import DatabaseFiles
from planner.store.repository import CaseStore
from tests.conftest import TODAY

OFFICER = "Test Officer"
NUMBER = "A1234BC"
COM = {
    "--com": "Sam Reed",
    "--com-pdu": "Leeds North",
    "--com-phone": "0113 496 0000",
    "--com-email": "sam.reed@justice.example",
}
POM = {
    "--pom": "Chris Patel",
    "--pom-unit": "OMU East",
    "--pom-phone": "+44 (0)20 7946 0001",
    "--pom-email": "chris.patel@justice.example",
}


def run(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "--officer", OFFICER, "--today", TODAY.isoformat(), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def options(given: dict[str, str]) -> list[str]:
    return [part for pair in given.items() for part in pair]


def files(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in DatabaseFiles(db).all() if p.exists()}


def add(capsys: pytest.CaptureFixture[str], db: Path, *extra: str) -> tuple[int, str, str]:
    person = ["--number", NUMBER, "--surname", "Example", "--forename", "Alex"]
    return run(capsys, db, "add", *person, "--release", "16/12/2026", *extra)


def stored(db: Path) -> tuple[Contact, Contact, str, str]:
    with CaseStore(db, read_only=True) as store:
        person = store.get(NUMBER).person
    return (
        person.prison_offender_manager,
        person.community_offender_manager,
        person.phone,
        person.email,
    )


def test_add_records_every_contact(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    own = ["--phone", "07700 900123", "--email", "alex@example.org"]
    code, out, err = add(capsys, db, *options(COM), *options(POM), *own)
    assert code == 0, err
    pom, com, phone, email = stored(db)
    assert (com.name, com.unit, com.phone, com.email) == tuple(COM.values())
    assert (pom.name, pom.unit, pom.phone, pom.email) == tuple(POM.values())
    assert (phone, email) == ("07700 900123", "alex@example.org")
    assert "handover.com_allocated is still not started" in out  # how to record it there
    code, out, _ = run(capsys, db, "show", NUMBER, "--json")
    shown = json.loads(out)["person"]
    assert shown["community_offender_manager"]["email"] == "sam.reed@justice.example"
    assert shown["phone"] == "07700 900123"


def test_update_changes_and_clears_contacts_and_each_change_is_audited(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "p.db"
    assert add(capsys, db)[0] == 0
    code, out, err = run(capsys, db, "update", NUMBER, *options(COM))
    assert (code, out.splitlines()[0]) == (0, f"{NUMBER}: saved."), err
    assert run(capsys, db, "update", NUMBER, "--com-phone", "", "--pom", "Chris Patel")[0] == 0
    pom, com, _phone, _email = stored(db)
    assert (com.name, com.phone, com.email) == ("Sam Reed", "", "sam.reed@justice.example")
    assert pom.name == "Chris Patel"
    with CaseStore(db, read_only=True) as store:
        changes = [e for e in store.history(NUMBER) if "offender_manager" in e.field]
    # Each part of a contact is its own change: which detail, from what, to what.
    com_field, pom_field = "person.community_offender_manager", "person.prison_offender_manager"
    assert [(e.field, e.old, e.new, e.by) for e in changes] == [
        (f"{com_field}.name", "", "Sam Reed", OFFICER),
        (f"{com_field}.unit", "", "Leeds North", OFFICER),
        (f"{com_field}.phone", "", "0113 496 0000", OFFICER),
        (f"{com_field}.email", "", "sam.reed@justice.example", OFFICER),
        (f"{pom_field}.name", "", "Chris Patel", OFFICER),
        (f"{com_field}.phone", "0113 496 0000", "", OFFICER),
    ]
    code, out, _ = run(capsys, db, "history", NUMBER)
    assert "COM phone" in out and "0113 496 0000 -> —" in out
    assert "COM PDU" in out and "— -> Leeds North" in out and "POM name" in out
    assert "phone:" not in out  # never the whole contact as one value
    code, out, _ = run(capsys, db, "update", NUMBER, "--com", "Sam Reed")
    assert (code, out) == (0, f"{NUMBER}: no change.\n")


@pytest.mark.parametrize(
    ("option", "value", "problem"),
    [
        ("--com-email", "sam.reed", "is not an email address"),
        ("--pom-email", "chris patel@justice.example", "is not an email address"),
        ("--com-phone", "ring the office", "is not a phone number"),
        ("--phone", "12345", "is not a phone number: it has 5 digits"),
        ("--email", "alex@", "is not an email address"),
    ],
)
def test_a_bad_phone_or_email_is_refused_naming_the_option_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, option: str, value: str, problem: str
) -> None:
    db = tmp_path / "p.db"
    code, _, err = add(capsys, db, option, value)
    assert code == 2 and not db.exists()
    assert err.startswith(f"planner: {option}: {problem}") and err.count("\n") == 1
    assert value not in err  # personal data is never repeated back
    assert add(capsys, db)[0] == 0
    before = files(db)
    code, _, err = run(capsys, db, "update", NUMBER, "--location", "C-1-001", option, value)
    assert code == 2 and err.startswith(f"planner: {option}: {problem}")
    assert files(db) == before


# --- import ---------------------------------------------------------------------------------

HEADER = "Prison Number,Surname,Forename,CRD,COM Name,COM Email,PDU,COM Phone,POM,POM Email,Mobile"


def releases(path: Path, header: str, *rows: str) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_import_reads_the_contact_columns(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "p.db"
    row = (
        f"{NUMBER},Example,Alex,16/12/2026,Sam Reed,sam.reed@justice.example,Leeds North,"
        "0113 496 0000,Chris Patel,chris.patel@justice.example,07700 900123"
    )
    code, _, err = run(capsys, db, "import", str(releases(tmp_path / "r.csv", HEADER, row)))
    assert code == 0, err
    assert "ignored" not in err  # every contact column is recognised
    pom, com, phone, _email = stored(db)
    assert (com.name, com.email, com.unit, com.phone) == (
        "Sam Reed",
        "sam.reed@justice.example",
        "Leeds North",
        "0113 496 0000",
    )
    assert (pom.name, pom.email, phone) == (
        "Chris Patel",
        "chris.patel@justice.example",
        "07700 900123",
    )


def test_a_reimport_changes_only_the_contact_details_the_list_gives(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "p.db"
    assert add(capsys, db, *options(COM))[0] == 0
    later = releases(
        tmp_path / "later.csv",
        "Prison Number,Surname,Forename,CRD,COM Phone,COM Email",
        f"{NUMBER},Example,Alex,16/12/2026,+44 113 496 0999,",
    )
    code, out, err = run(capsys, db, "import", str(later))
    assert code == 0 and "updated 1" in out, err
    _pom, com, _phone, _email = stored(db)
    assert (com.name, com.unit, com.phone, com.email) == (
        "Sam Reed",
        "Leeds North",
        "+44 113 496 0999",  # given
        "sam.reed@justice.example",  # a blank cell never clears
    )
    with CaseStore(db, read_only=True) as store:
        *_, change = [e for e in store.history(NUMBER) if "offender_manager" in e.field]
    assert change.field == "person.community_offender_manager.phone" and change.by == OFFICER
    assert (change.old, change.new) == ("0113 496 0000", "+44 113 496 0999")


def test_bad_contact_cells_are_listed_by_line_and_column_and_nothing_is_imported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "p.db"
    path = releases(
        tmp_path / "r.csv",
        HEADER,
        f"{NUMBER},Example,Alex,16/12/2026,Sam Reed,sam.reed@justice.example,,,,,",
        "G7654XY,Other,Sam,15/01/2027,,not-an-email,,12ab,,,",
    )
    code, _, err = run(capsys, db, "import", str(path))
    assert code == 2 and not db.exists()
    (line, _summary) = err.splitlines()
    assert line.startswith("line 3: ")
    assert "COM Email: is not an email address" in line
    assert "COM Phone: is not a phone number" in line
    assert "not-an-email" not in line and "12ab" not in line
