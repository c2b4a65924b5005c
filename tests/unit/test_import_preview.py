"""An import's check lists who would be added and who updated, each change old -> new."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from planner.domain.releases_csv import load_releases
from planner.domain.template import Template
from planner.export.import_changes import import_changes
from planner.store.repository import CaseStore
from tests.conftest import make_person
from tests.unit.test_cli_import_demo import GOOD, db_files, run, write_csv


def test_dry_run_lists_adds_and_updates_with_old_and_new(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], template: Template
) -> None:
    db = tmp_path / "cases.db"
    with CaseStore(db, officer="Test Officer") as store:
        store.add(make_person("A1234BC", release=date(2026, 12, 10), location="C-1-001"), template)
    csv = write_csv(tmp_path / "r.csv", *GOOD)
    before = db_files(db)
    code, out, err = run(capsys, "--db", str(db), "import", str(csv), "--dry-run")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "would add G7654XY Sam Other, release Fri 15 Jan 2027"
    assert lines[1].startswith("would update A1234BC ")
    changes = [line.strip() for line in lines if line.startswith("  ")]
    assert "Release date: Thu 10 Dec 2026 -> Wed 16 Dec 2026" in changes
    assert "Location: C-1-001 -> B-2-014" in changes
    assert lines[-1].endswith("would add 1, would update 1, 0 unchanged.")
    assert db_files(db) == before  # nothing written


def test_a_real_import_prints_no_preview(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write_csv(tmp_path / "r.csv", *GOOD)
    code, out, _ = run(capsys, "--db", str(tmp_path / "cases.db"), "import", str(csv))
    assert code == 0 and not out.startswith("would")


def test_against_no_database_everyone_is_added(tmp_path: Path) -> None:
    parsed = load_releases(write_csv(tmp_path / "r.csv", *GOOD))
    changes = import_changes(None, parsed)
    assert [p.number for p in changes.added] == ["A1234BC", "G7654XY"]
    assert changes.updated == ()


def test_unchanged_people_are_not_listed_and_blank_cells_change_nothing(
    tmp_path: Path, template: Template
) -> None:
    db = tmp_path / "cases.db"
    csv = write_csv(tmp_path / "r.csv", *GOOD)
    parsed = load_releases(csv)
    with CaseStore(db, officer="Test Officer") as store:
        for _line, person in parsed.people:
            store.add(person, template)
        assert list(import_changes(store, parsed).lines()) == []
        blank_cell = load_releases(
            write_csv(tmp_path / "b.csv", "A1234BC,Example,Alex,17/05/1990,16/12/2026,")
        )
        assert list(import_changes(store, blank_cell).lines()) == []
