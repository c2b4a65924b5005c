"""`planner import` and `planner demo` through the real CLI entry point."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from planner.cli import main
from planner.demo import DEMO_OFFICER, is_demo_database
from planner.domain.template import Template
from planner.store.repository import CaseStore
from tests.conftest import TODAY, make_person

HEADER = "Prison Number,Surname,Forename,Date of Birth,CRD,Cell"
GOOD = (
    "A1234BC,Example,Alex,17/05/1990,16/12/2026,B-2-014",
    "G7654XY,Other,Sam,01/01/1980,15/01/2027,A-1-001",
)


def write_csv(path: Path, *rows: str) -> Path:
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("utf-8-sig"))
    return path


def db_files(db: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for p in db.parent.iterdir()
        if p.is_file() and p.name.startswith(db.name) and not p.name.endswith(".lock")
    }


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The CLI as an officer runs it: with their name, as every change records it."""
    code = main(["--officer", "Test Officer", *argv])
    out, err = capsys.readouterr()
    return code, out, err


# --- import -------------------------------------------------------------------------------


def test_import_adds_people(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cases.db"
    csv = write_csv(tmp_path / "releases.csv", *GOOD)
    code, out, err = run(capsys, "--db", str(db), "--officer", "Pat", "import", str(csv))
    assert code == 0, err
    assert err == ""
    assert out.strip() == f"releases.csv into {db}: added 2, updated 0, 0 unchanged."
    with CaseStore(db) as store:
        assert store.numbers() == ["A1234BC", "G7654XY"]
        assert {e.by for e in store.history()} == {"Pat"}


def test_bad_rows_are_listed_one_line_each_and_nothing_is_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cases.db"
    csv = write_csv(
        tmp_path / "releases.csv",
        GOOD[0],
        "A12BC,Bad,Number,01/01/1980,15/01/2027,",
        "",
        "A1234BD,Bad,Date,01/01/1980,31/02/2026,",
        GOOD[1],
    )
    code, out, err = run(capsys, "--db", str(db), "import", str(csv))
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert lines[:2] == [
        "line 3: Prison Number: 'A12BC' is not of the form A1234BC",
        "line 5: CRD: '31/02/2026' is not a real date",
    ]
    assert len(lines) == 3
    assert lines[2].startswith("planner: 2 of 4 rows have problems; nothing was imported")
    assert "--skip-invalid" in lines[2]
    assert not db.exists()  # a refused import does not even create the database


def test_skip_invalid_imports_the_good_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cases.db"
    csv = write_csv(tmp_path / "r.csv", GOOD[0], "A12BC,Bad,Number,01/01/1980,15/01/2027,")
    code, out, err = run(capsys, "--db", str(db), "import", str(csv), "--skip-invalid")
    assert code == 0
    assert err.splitlines() == ["line 3: Prison Number: 'A12BC' is not of the form A1234BC"]
    assert "added 1" in out and "1 bad row skipped" in out
    with CaseStore(db) as store:
        assert store.numbers() == ["A1234BC"]


def test_reimport_updates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cases.db"
    csv = write_csv(tmp_path / "r.csv", *GOOD)
    assert run(capsys, "--db", str(db), "import", str(csv))[0] == 0
    write_csv(csv, "A1234BC,Example,Alex,17/05/1990,18/12/2026,B-2-014", GOOD[1])
    code, out, _err = run(capsys, "--db", str(db), "import", str(csv))
    assert code == 0
    assert "added 0, updated 1, 1 unchanged" in out
    with CaseStore(db) as store:
        assert len(store) == 2
        assert store.get("A1234BC").person.release_date == date(2026, 12, 18)


def test_dry_run_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], template: Template
) -> None:
    db = tmp_path / "cases.db"
    csv = write_csv(tmp_path / "r.csv", *GOOD)
    code, out, _err = run(capsys, "--db", str(db), "import", str(csv), "--dry-run")
    assert code == 0
    assert "dry run, nothing written: would add 2, would update 0" in out
    assert not db.exists()
    # ...and with a database that exists, its files stay byte for byte the same.
    with CaseStore(db, officer="Test Officer") as store:
        store.add(make_person("A1234BC", release=date(2026, 12, 10)), template)
    before = db_files(db)
    code, out, _err = run(capsys, "--db", str(db), "import", str(csv), "--dry-run")
    assert code == 0 and "would add 1, would update 1" in out
    assert db_files(db) == before


def test_json_output_has_the_documented_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cases.db"
    csv = write_csv(tmp_path / "r.csv", GOOD[0], "A12BC,Bad,Number,01/01/1980,15/01/2027,")
    code, out, err = run(capsys, "--db", str(db), "import", str(csv), "--json")
    assert code == 2
    data = json.loads(out)
    assert set(data) == {
        "file",
        "database",
        "dry_run",
        "imported",
        "template",
        "rows",
        "added",
        "updated",
        "unchanged",
        "skipped",
        "warnings",
    }
    assert data["imported"] is False and data["added"] == []
    assert data["skipped"] == [
        {"line": 3, "message": "Prison Number: 'A12BC' is not of the form A1234BC"}
    ]
    assert err.splitlines()[0].startswith("line 3:")

    code, out, _err = run(capsys, "--db", str(db), "import", str(csv), "--json", "--skip-invalid")
    assert code == 0
    data = json.loads(out)
    assert data["imported"] is True and data["added"] == ["A1234BC"]
    assert data["template"] == "england-wales@4" and data["rows"] == 2
    assert data["database"] == str(db)


@pytest.mark.parametrize("target", ["missing.csv", "."])
def test_missing_file_or_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    code, out, err = run(capsys, "--db", str(tmp_path / "x.db"), "import", str(tmp_path / target))
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("planner: ")


def test_unknown_template_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = write_csv(tmp_path / "r.csv", *GOOD)
    code, _out, err = run(
        capsys, "--db", str(tmp_path / "x.db"), "import", str(csv), "--template", "nope"
    )
    assert code == 2
    assert len(err.splitlines()) == 1 and "no template 'nope'" in err


def test_not_utf8_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "r.csv"
    csv.write_bytes((HEADER + "\nA1234BC,Zoë,Alex,17/05/1990,16/12/2026,\n").encode("cp1252"))
    code, _out, err = run(capsys, "--db", str(tmp_path / "x.db"), "import", str(csv))
    assert code == 2
    assert err.splitlines()[0].startswith("line 2: the file is not UTF-8 text")


def test_import_help_shows_the_accepted_headers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "import", "--help")
    assert code == 0
    for text in ("Prison Number", "NOMS No", "Date of Birth", "--skip-invalid", "--dry-run"):
        assert text in out
    assert "A1234BC,Example,Alex,17/05/1990,04/12/2026,B-2-014" in out


# --- demo ---------------------------------------------------------------------------------


def test_demo_writes_the_sample_and_says_how_to_open_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "training.db"
    code, out, err = run(capsys, "--db", str(db), "--today", TODAY.isoformat(), "demo")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"Wrote 40 sample people to {db}, and 120 released in the last")
    assert lines[1] == f"Open it with: planner --db {db} --today {TODAY.isoformat()}"
    with CaseStore(db) as store:
        # 40 still in custody and 120 released with their outcomes, so that outcome
        # figures are there from the start.
        assert len(store) == 160 and is_demo_database(store)
        released = [c for c in store.cases() if c.outcome is not None]
        assert len(released) == 120


def test_demo_own_db_option_wins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outer, inner = tmp_path / "outer.db", tmp_path / "inner.db"
    code, _out, _err = run(capsys, "--db", str(outer), "demo", "--db", str(inner), "--count", "3")
    assert code == 0
    assert inner.exists() and not outer.exists()


def test_demo_without_db_writes_beside_the_configured_database(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configured = Path(os.environ["PLANNER_DB"])
    code, out, _err = run(capsys, "demo", "--count", "2")
    assert code == 0
    assert (configured.parent / "demo.db").exists()
    assert not configured.exists()
    assert "demo.db" in out


def test_demo_refuses_a_database_with_real_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cases.db"
    csv = write_csv(tmp_path / "r.csv", *GOOD)
    assert run(capsys, "--db", str(db), "import", str(csv))[0] == 0
    before = db_files(db)
    for extra in ([], ["--force"]):
        code, out, err = run(capsys, "--db", str(db), "demo", *extra)
        assert code == 2 and out == ""
        assert len(err.splitlines()) == 1
        assert "2 real records" in err
    assert db_files(db) == before


def test_demo_again_needs_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "demo.db"
    assert run(capsys, "--db", str(db), "demo", "--count", "4")[0] == 0
    code, _out, err = run(capsys, "--db", str(db), "demo", "--count", "4")
    assert code == 2 and "--force" in err and len(err.splitlines()) == 1
    code, out, _err = run(
        capsys, "--db", str(db), "demo", "--count", "6", "--released", "0", "--force"
    )
    assert code == 0 and "Wrote 6 sample people" in out
    with CaseStore(db, officer=DEMO_OFFICER) as store:
        assert len(store) == 6


def test_demo_count_is_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "--db", str(tmp_path / "d.db"), "demo", "--count", "0")
    assert code == 2 and len(err.splitlines()) == 1


def test_demo_refuses_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "demo", "--db", str(tmp_path))
    assert code == 2 and "is a folder" in err


def test_an_unexpected_error_names_only_its_kind_never_its_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """An exception's message may quote a record (a name, a note): only its class is
    printed, and the exit code is 1."""
    import planner.cli.views as views

    def fail(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("Forename Surname A1234BC")

    monkeypatch.setattr(views, "_select", fail)
    db = tmp_path / "x.db"
    assert main(["--db", str(db), "--officer", "O", "init"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "list"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        "planner: internal error (RuntimeError); nothing unsaved was written; "
        "set PLANNER_DEBUG=1 to see details"
    )
