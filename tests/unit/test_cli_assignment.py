"""`planner assign`, `unassign` and `staff` through the real CLI, on a real database."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from planner.cli import main
from planner.domain.template import Template
from planner.store.layout import DatabaseFiles
from planner.store.repository import CaseStore
from tests.conftest import NOW, TODAY, make_person

SENIOR = "Pat Senior"
NUMBERS = ("A0001AA", "A0002AA", "A0003AA", "A0004AA", "A0005AA")


def run(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str, str]:
    given = ["--db", str(db), "--officer", SENIOR, "--today", TODAY.isoformat()]
    code = main([*given, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def files(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in DatabaseFiles(db).all() if p.exists()}


@pytest.fixture
def db(tmp_path: Path, template: Template) -> Path:
    """Five people: released in 3, 20, 60 and 200 days, and one with no release date."""
    path = tmp_path / "p.db"
    releases = (3, 20, 60, 200, None)
    with CaseStore(path, officer="Seeder", clock=lambda: NOW) as store:
        store.add_many(
            [
                make_person(n, None if d is None else TODAY + timedelta(days=d), surname=f"P{i}")
                for i, (n, d) in enumerate(zip(NUMBERS, releases, strict=True))
            ],
            template,
        )
    return path


def assigned(db: Path) -> dict[str, str]:
    with CaseStore(db, read_only=True) as store:
        return {s.number: s.assigned_to for s in store.summaries()}


def test_assign_several_people_in_one_audited_change(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    with CaseStore(db, read_only=True) as store:
        start = store.change_number
    code, out, err = run(capsys, db, "assign", "a0001aa", "A0002AA", "A0003AA", "Jo Bloggs")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "A0001AA Alex P0: Jo Bloggs (was unassigned)"
    assert lines[-1] == "Assigned 3 people to Jo Bloggs; saved."
    assert assigned(db) == {
        "A0001AA": "Jo Bloggs",
        "A0002AA": "Jo Bloggs",
        "A0003AA": "Jo Bloggs",
        "A0004AA": "",
        "A0005AA": "",
    }
    with CaseStore(db, read_only=True) as store:
        assert store.change_number == start + 1  # one change for all three
        entries = [e for e in store.history() if e.field == "assigned_to"]
    assert [(e.case, e.old, e.new, e.by) for e in entries] == [
        (n, "", "Jo Bloggs", SENIOR) for n in ("A0001AA", "A0002AA", "A0003AA")
    ]


def test_reassigning_says_who_had_them_and_a_name_in_use_keeps_its_spelling(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    assert run(capsys, db, "assign", "A0001AA", "Jo Bloggs")[0] == 0
    code, out, _ = run(capsys, db, "assign", "A0001AA", "A0002AA", "  jo   BLOGGS ")
    assert code == 0
    assert out.splitlines() == [
        "A0002AA Alex P1: Jo Bloggs (was unassigned)",
        "Assigned 1 person to Jo Bloggs; 1 already was; saved.",
    ]
    code, out, _ = run(capsys, db, "assign", "A0001AA", "Sam Reed")
    assert out.splitlines()[0] == "A0001AA Alex P0: Sam Reed (was Jo Bloggs)"
    code, out, _ = run(capsys, db, "assign", "A0001AA", "Sam Reed")
    assert (code, out) == (0, "No change: already so.\n")


def test_unassign(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    assert run(capsys, db, "assign", "A0001AA", "A0002AA", "Jo Bloggs")[0] == 0
    code, out, _ = run(capsys, db, "unassign", "A0001AA")
    assert code == 0
    assert out.splitlines() == [
        "A0001AA Alex P0: unassigned (was Jo Bloggs)",
        "Unassigned 1 person; saved.",
    ]
    assert assigned(db)["A0001AA"] == "" and assigned(db)["A0002AA"] == "Jo Bloggs"


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (("assign", "A0001AA", "Z9999ZZ", "Y8888YY", "Jo"), "no person with prison number "
         "Z9999ZZ, Y8888YY in this database; nothing was changed"),
        (("assign", "A0001AA", "Jo", "Bloggs"), "'Jo' is not a prison number of the form "
         'A1234BC (an officer name with a space needs quotes: planner assign A1234BC "Jo Bloggs")'),
        (("assign", "A0001AA", "  "), "the officer's name is blank"),
        (("assign", "A0001AA", "Jo\x1bBloggs"), "officer name: contains a control character"),
        (("assign", "Jo Bloggs"), "give at least one prison number"),
        (("unassign", "Z9999ZZ"), "no person with prison number Z9999ZZ"),
    ],
)  # fmt: skip
def test_bad_assignments_are_refused_with_one_line_and_nothing_changes(
    capsys: pytest.CaptureFixture[str], db: Path, argv: tuple[str, ...], problem: str
) -> None:
    before = files(db)
    code, out, err = run(capsys, db, *argv)
    assert code == 2 and out == ""
    assert err.startswith(f"planner: {problem}") and err.count("\n") == 1
    assert files(db) == before


def test_staff_counts_each_officers_people_by_window_with_critical_flags(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    assert run(capsys, db, "assign", "A0001AA", "A0003AA", "A0005AA", "Jo Bloggs")[0] == 0
    assert run(capsys, db, "assign", "A0002AA", "Sam Reed")[0] == 0
    code, out, err = run(capsys, db, "staff", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["version"], data["windows"]) == (1, [7, 28, 84])
    by_officer = {o["officer"]: o for o in data["officers"]}
    assert list(by_officer) == ["Jo Bloggs", "Sam Reed", None]  # the unassigned last
    jo = by_officer["Jo Bloggs"]
    assert (jo["people"], jo["within"], jo["no_release_date"]) == (
        3,
        {"7": 1, "28": 1, "84": 2},
        1,
    )
    assert jo["numbers"] == ["A0001AA", "A0003AA", "A0005AA"]  # soonest first, no date last
    # Released in 3 days with nothing done, and no release date: both have critical flags.
    assert jo["people_with_critical"] == 2 and jo["critical_flags"] >= 2
    assert by_officer[None]["numbers"] == ["A0004AA"]
    assert by_officer[None]["critical_flags"] == 0


def test_staff_as_a_table_and_with_each_officers_people(
    capsys: pytest.CaptureFixture[str], db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, db, "assign", "A0001AA", "A0002AA", "Jo Bloggs")[0] == 0
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(capsys, db, "staff", "--cases")
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 80
    jo = next(line for line in out.splitlines() if line.startswith(" Jo Bloggs "))
    nobody = next(line for line in out.splitlines() if line.startswith(" Unassigned "))
    # People, within 7 / 28 / 84 days, no date (then critical flags and people).
    assert jo.split()[2:7] == ["2", "1", "2", "2", "0"]
    assert nobody.split()[1:6] == ["3", "0", "0", "1", "1"]
    assert "  A0001AA  P0, Alex  Thu 26 Nov 2026 (3 days)" in out
    assert "Unassigned: 3 people" in out


def test_staff_works_without_an_officer_name(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code = main(["--db", str(db), "staff"])
    assert code == 0 and "Unassigned" in capsys.readouterr().out
