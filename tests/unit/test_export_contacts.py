"""Contacts entered at the command line appear in every handover format, read back.

Markdown and the case note are read as text, JSON is parsed and validated against the
shipped schema, and the PDF's text is extracted with pypdf.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest
from pypdf import PdfReader

from planner.cli import main
from planner.export.json_export import shipped_schema
from tests.conftest import TODAY

NUMBER = "A1234BC"
CONTACTS = [
    *("--pom", "Chris Patel", "--pom-unit", "OMU East"),
    *("--pom-phone", "020 7946 0001", "--pom-email", "chris.patel@justice.example"),
    *("--com", "Sam Reed", "--com-pdu", "Leeds North"),
    *("--com-phone", "+44 113 496 0000", "--com-email", "sam.reed@justice.example"),
    *("--phone", "07700 900123", "--email", "alex@example.org"),
]
SHOWN = [
    "Chris Patel",
    "OMU East",
    "020 7946 0001",
    "chris.patel@justice.example",
    "Sam Reed",
    "Leeds North",
    "+44 113 496 0000",
    "sam.reed@justice.example",
    "07700 900123",
    "alex@example.org",
]


def planner(db: Path, *argv: str) -> None:
    given = ["--db", str(db), "--officer", "Test Officer", "--today", TODAY.isoformat()]
    assert main([*given, *argv]) == 0


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "p.db"
    person = ["--number", NUMBER, "--surname", "Example", "--forename", "Alex"]
    planner(path, "add", *person, "--release", "16/12/2026", *CONTACTS)
    return path


def exported(db: Path, fmt: str, redact: bool = False) -> bytes:
    target = db.parent / f"summary-{fmt}-{redact}"
    planner(db, "export", NUMBER, "--format", fmt, "-o", str(target), *(["--redact"] * redact))
    return target.read_bytes()


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("redact", [False, True])
def test_markdown_lists_every_contact(db: Path, redact: bool) -> None:
    text = exported(db, "md", redact).decode()
    contacts = text.split("## Contacts", 1)[1].split("##", 1)[0]
    assert "- **Prison offender manager (POM)**: Chris Patel, 020 7946 0001, " in contacts
    assert "Team: OMU East" in contacts
    assert (
        "- **Community offender manager (COM)**: Sam Reed, +44 113 496 0000, "
        "sam.reed@justice.example, Probation delivery unit: Leeds North"
    ) in contacts
    assert "- **The person**: 07700 900123, alex@example.org" in contacts
    assert "NOT RECORDED" not in contacts


def test_json_carries_every_contact_field_and_validates(db: Path) -> None:
    data = json.loads(exported(db, "json"))
    jsonschema.validate(data, shipped_schema(), cls=jsonschema.Draft202012Validator)
    assert data["schema_version"] == 1
    pom, com = data["contacts"]
    assert {k: com[k] for k in ("name", "unit", "phone", "email")} == {
        "name": "Sam Reed",
        "unit": "Leeds North",
        "phone": "+44 113 496 0000",
        "email": "sam.reed@justice.example",
    }
    assert com["detail"] == "Probation delivery unit: Leeds North"  # as in version 1 before
    assert (pom["name"], pom["unit"], pom["email"]) == (
        "Chris Patel",
        "OMU East",
        "chris.patel@justice.example",
    )
    assert (data["person"]["phone"], data["person"]["email"]) == (
        "07700 900123",
        "alex@example.org",
    )


def test_the_pdf_shows_every_contact(db: Path) -> None:
    pages = PdfReader(io.BytesIO(exported(db, "pdf"))).pages
    text = flat(" ".join(page.extract_text() for page in pages))
    for value in SHOWN:
        assert value in text, value
    assert "NOT RECORDED" not in text.split("Contacts", 1)[1]


def test_the_case_note_shows_every_contact(db: Path) -> None:
    note = exported(db, "note").decode()
    contacts = note.split("CONTACTS", 1)[1].split("CHECKLIST BY SECTION", 1)[0]
    for value in SHOWN:
        assert value in contacts, value


def test_a_missing_com_still_says_so_and_the_allocation_fills_the_gap(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    person = ["--number", NUMBER, "--surname", "Example", "--forename", "Alex"]
    planner(db, "add", *person, "--release", "16/12/2026")
    text = exported(db, "md").decode()
    assert "- **Community offender manager (COM)**: NOT RECORDED" in text
    assert "- **The person**: no phone or email recorded" in text
    planner(
        db,
        "set",
        NUMBER,
        "handover.com_allocated",
        "done",
        "--field",
        "com_name=Jo Field",
        "--field",
        "pdu=Bradford",
    )
    data = json.loads(exported(db, "json"))
    com = data["contacts"][1]
    assert (com["name"], com["unit"]) == ("Jo Field", "Bradford")
