"""Every export is noted in the audit log: one person's record in their history (what was
written, where, by whom, when), rows of many people once for the database (how many and
where, never who). A database open read-only exports and notes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from planner.cli import main
from planner.domain.history import EXPORTED_FIELD
from planner.domain.template import Template
from planner.export.audit import TABLE_FIELD, ExportNotNoted, note_case_exports
from planner.export.caseload_csv import caseload_file_name
from planner.export.files import ExportFormat
from planner.export.service import export_case
from planner.store.audit import AuditEntry
from planner.store.repository import CaseStore
from tests.conftest import NOW, TODAY, make_person
from tests.lock_holder import HOLDER

NUMBER = "A1234BC"
DUE = "B2345CD"
LATER = "C3456DE"


@pytest.fixture
def db(tmp_path: Path, template: Template, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "planner.db"
    with CaseStore(path, officer="Seeder", clock=lambda: NOW) as store:
        store.add(make_person(NUMBER, release=date(2026, 12, 16), surname="[/]Lee"), template)
        store.add(make_person(DUE, release=date(2026, 11, 30)), template)
        store.add(make_person(LATER, release=date(2027, 6, 1)), template)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return path


def planner(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "--officer", "Pat Officer", "--today", TODAY.isoformat(), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def notes(db: Path, number: str | None = None) -> list[AuditEntry]:
    field = TABLE_FIELD if number is None else EXPORTED_FIELD
    with CaseStore(db, read_only=True, auto_backup=False) as store:
        return [e for e in store.history(number) if e.field == field]


def test_one_summary_is_noted_in_the_persons_history_with_where_it_went(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = planner(capsys, db, "export", NUMBER, "--format", "md", "--redact")
    assert (code, err) == (0, "")
    written = out.strip().removeprefix("Wrote ")
    (entry,) = notes(db, NUMBER)
    assert (entry.by, entry.item) == ("Pat Officer", None)
    assert entry.new == f"redacted handover summary (Markdown) to {written}"
    assert notes(db, DUE) == [] and notes(db) == []

    code, out, _ = planner(capsys, db, "history", NUMBER)
    assert code == 0
    assert "Exported" in out and "[/]Lee" in out  # the file name holds the surname as typed
    listed = json.loads(planner(capsys, db, "history", NUMBER, "--json")[1])
    assert [e["what"] for e in listed["entries"] if e["field"] == EXPORTED_FIELD] == ["Exported"]


def test_the_persons_own_plan_says_when_it_holds_health_detail(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = planner(
        capsys, db, "export", NUMBER, "--format", "plan", "--include-health", "-o", "plan.pdf"
    )
    assert (code, err) == (0, "")
    (entry,) = notes(db, NUMBER)
    assert entry.new == (
        f"the person's own plan (PDF), with health detail, to {Path.cwd() / 'plan.pdf'}"
    )


def test_a_batch_notes_each_person_it_wrote_and_no_one_else(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = planner(
        capsys, db, "export", "--within", "28", "--format", "json", "-o", "out/"
    )
    assert (code, err) == (0, ""), err
    assert out.strip().endswith("Wrote 2 JSON summaries to out")
    for number in (NUMBER, DUE):
        (entry,) = notes(db, number)
        assert entry.new == f"handover summary (JSON) to folder {Path.cwd() / 'out'}"
    assert notes(db, LATER) == []
    with CaseStore(db, read_only=True, auto_backup=False) as store:
        assert len({e.seq for e in store.history() if e.field == EXPORTED_FIELD}) == 1


def test_standard_output_is_noted_too(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = planner(capsys, db, "export", NUMBER, "--format", "note", "-o", "-")
    assert code == 0 and out.startswith("Part 1 of ")
    (entry,) = notes(db, NUMBER)
    assert entry.new == "handover summary (case-note text) to standard output"
    code, out, _ = planner(capsys, db, "export", "--caseload", "-o", "-")
    assert code == 0
    (entry,) = notes(db)
    assert entry.new == "the caseload CSV of 3 people to standard output"


def test_rows_of_many_people_are_noted_once_for_the_database_never_naming_them(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert planner(capsys, db, "export", "--caseload")[0] == 0
    assert planner(capsys, db, "list", "--all", "-o", "view.csv")[0] == 0
    listed = planner(capsys, db, "list", "--all", "--csv")  # a listing: not an export
    assert listed[0] == 0 and NUMBER in listed[1]
    entries = notes(db)
    assert [(e.case, e.new) for e in entries] == [
        (None, f"the caseload CSV of 3 people to a file in {Path.cwd()}"),
        (None, f"a caseload view as CSV of 3 people to a file in {Path.cwd()}"),
    ]
    assert (Path.cwd() / caseload_file_name(TODAY)).exists()
    # the file's name, which an officer may make a person's, is not in the note
    assert planner(capsys, db, "list", "--search", "Lee", "-o", "lee-kowalski.csv")[0] == 0
    assert "kowalski" not in str([e.new for e in notes(db)])
    assert all(number not in str(e.new) for e in entries for number in (NUMBER, DUE, LATER))
    assert all(notes(db, number) == [] for number in (NUMBER, DUE, LATER))


def test_a_database_open_read_only_exports_and_notes_nothing(
    db: Path, tmp_path: Path, template: Template
) -> None:
    with CaseStore(db, read_only=True, auto_backup=False, officer="Reader") as store:
        change = store.change_number
        path = export_case(store, NUMBER, ExportFormat.PDF, tmp_path, officer="Reader", today=TODAY)
        assert path.read_bytes().startswith(b"%PDF-")
    with CaseStore(db, read_only=True, auto_backup=False) as store:
        assert store.change_number == change
    assert notes(db, NUMBER) == []


def test_a_note_that_cannot_be_made_says_the_file_was_written(db: Path, tmp_path: Path) -> None:
    """Another process holds the database's lock for longer than the store waits."""
    with CaseStore(db, officer="Pat Officer", lock_timeout=0.2) as store:
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(db.with_name(db.name + ".journal"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
            with pytest.raises(ExportNotNoted) as refused:
                note_case_exports(store, [NUMBER], ExportFormat.PDF, str(tmp_path / "x.pdf"))
        finally:
            holder.communicate(b"\n", timeout=30)
    message = str(refused.value)
    assert message.startswith(f"wrote {tmp_path / 'x.pdf'}, but could not note the export")
    assert "\n" not in message
    assert notes(db, NUMBER) == []


def test_a_batch_ended_by_a_file_it_cannot_write_notes_those_it_wrote(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder where the second summary should go: the first is written and noted."""
    (Path.cwd() / "out" / "A1234BC_Lee_2026-12-16.md").mkdir(parents=True)
    code, _out, err = planner(
        capsys, db, "export", "--within", "28", "-f", "md", "-o", "out/", "--force"
    )
    assert code != 0 and err.count("\n") == 1, err
    assert [p.name for p in (Path.cwd() / "out").glob("B2345CD_*.md")] != []
    (entry,) = notes(db, DUE)
    assert entry.new == f"handover summary (Markdown) to folder {Path.cwd() / 'out'}"
    assert notes(db, NUMBER) == []


def test_a_path_is_noted_with_its_control_characters_as_codes(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "two\nlines\x1b]0;title\x07.md"
    code, out, err = planner(capsys, db, "export", NUMBER, "-f", "md", "-o", name)
    assert (code, err) == (0, "")
    assert out == "Wrote two<U+000A>lines<U+001B>]0;title<U+0007>.md\n"  # as given, shown safely
    assert (Path.cwd() / name).is_file()
    (entry,) = notes(db, NUMBER)
    assert entry.new == (
        f"handover summary (Markdown) to {Path.cwd()}/two<U+000A>lines<U+001B>]0;title<U+0007>.md"
    )
    shown = planner(capsys, db, "history", NUMBER, "--json")[1]
    assert "two<U+000A>lines<U+001B>]0;title<U+0007>.md" in shown
