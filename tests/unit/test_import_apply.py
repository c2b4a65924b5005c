"""Applying a releases-due list to a real database: all or nothing, merges, dry runs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from planner.domain.person import Circumstances, Contact, ReleaseKind
from planner.domain.releases_csv import ParsedReleases, parse_releases
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store.importing import apply_import, merge_person
from planner.store.repository import CaseStore
from tests.conftest import make_person

HEADER = "Prison Number,Surname,Forename,Date of Birth,CRD,Cell"


def parsed(*rows: str, header: str = HEADER) -> ParsedReleases:
    return parse_releases(("\r\n".join([header, *rows]) + "\r\n").encode())


GOOD = (
    "A1234BC,Example,Alex,17/05/1990,16/12/2026,B-2-014",
    "G7654XY,Other,Sam,01/01/1980,15/01/2027,A-1-001",
)
BAD = "A12BC,Broken,Row,01/01/1980,15/01/2027,A-1-002"


def file_bytes(store: CaseStore) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in store.files.all() if p.exists()}


def test_new_people_are_added_in_one_commit(store: CaseStore, template: Template) -> None:
    before = store.change_number
    report = apply_import(store, parsed(*GOOD), template, dry_run=False, skip_invalid=False)
    assert report.imported and not report.dry_run
    assert report.added == ["A1234BC", "G7654XY"]
    assert report.updated == [] and report.unchanged == [] and report.skipped == []
    assert store.change_number == before + 1
    case = store.get("A1234BC")
    assert case.person.release_date == date(2026, 12, 16)
    assert case.person.location == "B-2-014"
    assert case.checklist.template_id == template.id
    assert report.summary() == "added 2, updated 0, 0 unchanged"


def test_one_bad_row_imports_nothing(store: CaseStore, template: Template) -> None:
    report = apply_import(
        store, parsed(GOOD[0], BAD, GOOD[1]), template, dry_run=False, skip_invalid=False
    )
    assert not report.imported
    assert report.added == [] and len(store) == 0
    assert [p.line for p in report.skipped] == [3]
    assert "nothing was imported" in report.summary()


def test_skip_invalid_imports_the_good_rows(store: CaseStore, template: Template) -> None:
    report = apply_import(
        store, parsed(GOOD[0], BAD, GOOD[1]), template, dry_run=False, skip_invalid=True
    )
    assert report.imported
    assert report.added == ["A1234BC", "G7654XY"]
    assert [p.line for p in report.skipped] == [3]
    assert store.numbers() == ["A1234BC", "G7654XY"]
    assert report.summary() == "added 2, updated 0, 0 unchanged, 1 bad row skipped"


def test_skip_invalid_cannot_skip_a_broken_header(store: CaseStore, template: Template) -> None:
    report = apply_import(
        store,
        parsed(GOOD[0], header="Prison Number,Name"),
        template,
        dry_run=False,
        skip_invalid=True,
    )
    assert not report.imported and len(store) == 0


def test_reimport_updates_the_release_date_without_duplicating(
    store: CaseStore, template: Template
) -> None:
    apply_import(store, parsed(*GOOD), template, dry_run=False, skip_invalid=False)
    moved = "A1234BC,Example,Alex,17/05/1990,18/12/2026,B-2-014"
    before = store.change_number
    report = apply_import(
        store, parsed(moved, GOOD[1]), template, dry_run=False, skip_invalid=False
    )
    assert report.added == []
    assert report.updated == ["A1234BC"]
    assert report.unchanged == ["G7654XY"]
    assert store.change_number == before + 1  # one commit for every update
    assert len(store) == 2
    case = store.get("A1234BC")
    assert case.person.release_date == date(2026, 12, 18)
    assert case.rev == 2
    changes = [
        (e.field, e.old, e.new) for e in store.history("A1234BC") if e.field.startswith("person.")
    ]
    assert ("person.release_date", "2026-12-16", "2026-12-18") in changes
    entry = next(e for e in store.history("A1234BC") if e.field == "person.release_date")
    assert entry.by == "Test Officer"


def test_reimport_keeps_what_the_list_does_not_carry(store: CaseStore, template: Template) -> None:
    rich = make_person(
        "A1234BC",
        release=date(2026, 12, 16),
        release_kind=ReleaseKind.HDC,
        circumstances=Circumstances(veteran=True, on_medication=True),
        community_offender_manager=Contact(name="Pat Officer", role="COM"),
        sex="male",
        ethnicity="white_british",
        crn="X123456",
    )
    store.add(rich, template)
    store.save_item("A1234BC", "bank.account", status=ItemStatus.BLOCKED, reason="CIFAS marker")
    # A list with a blank date of birth and no CRN or release-type columns.
    moved = "A1234BC,Example,Alex,,18/12/2026,C-3-001"
    report = apply_import(store, parsed(moved), template, dry_run=False, skip_invalid=False)
    assert report.updated == ["A1234BC"]
    person = store.get("A1234BC").person
    assert person.release_date == date(2026, 12, 18)
    assert person.release_kind is ReleaseKind.CRD  # the CRD column says what the date is
    assert person.location == "C-3-001"
    assert person.date_of_birth == rich.date_of_birth  # a blank cell never clears
    assert person.circumstances == rich.circumstances
    assert person.community_offender_manager == rich.community_offender_manager
    assert (person.sex, person.ethnicity, person.crn) == (rich.sex, rich.ethnicity, rich.crn)
    assert store.get("A1234BC").checklist.item("bank.account").status is ItemStatus.BLOCKED


def test_generic_release_date_column_keeps_the_recorded_kind() -> None:
    existing = make_person(release_kind=ReleaseKind.HDC)
    list_ = parsed(
        "A1234BC,Example,Alex,17/05/1990,20/12/2026",
        header="Prison Number,Surname,Forename,DOB,Release Date",
    )
    merged = merge_person(existing, list_.people[0][1])
    assert merged.release_date == date(2026, 12, 20)
    assert merged.release_kind is ReleaseKind.HDC


def test_reimport_of_the_same_list_changes_nothing(store: CaseStore, template: Template) -> None:
    apply_import(store, parsed(*GOOD), template, dry_run=False, skip_invalid=False)
    before = store.change_number
    report = apply_import(store, parsed(*GOOD), template, dry_run=False, skip_invalid=False)
    assert report.unchanged == ["A1234BC", "G7654XY"]
    assert report.added == report.updated == []
    assert store.change_number == before


def test_dry_run_writes_nothing(store: CaseStore, template: Template) -> None:
    apply_import(store, parsed(GOOD[0]), template, dry_run=False, skip_invalid=False)
    moved = "A1234BC,Example,Alex,17/05/1990,18/12/2026,B-2-014"
    before = file_bytes(store)
    seq = store.change_number
    report = apply_import(
        store, parsed(moved, GOOD[1], BAD), template, dry_run=True, skip_invalid=True
    )
    assert report.dry_run and report.imported
    assert report.added == ["G7654XY"] and report.updated == ["A1234BC"]
    assert report.summary().startswith("would add 1, would update 1")
    assert file_bytes(store) == before
    assert store.change_number == seq
    assert store.get("A1234BC").person.release_date == date(2026, 12, 16)
    assert store.find("G7654XY") is None


def test_dry_run_of_a_bad_list_reports_the_problems(store: CaseStore, template: Template) -> None:
    report = apply_import(store, parsed(BAD), template, dry_run=True, skip_invalid=False)
    assert report.dry_run and not report.imported
    assert [p.line for p in report.skipped] == [2]


def test_report_json_shape(store: CaseStore, template: Template) -> None:
    report = apply_import(store, parsed(GOOD[0], BAD), template, dry_run=False, skip_invalid=True)
    data = report.to_json()
    assert data == {
        "dry_run": False,
        "imported": True,
        "template": template.key,
        "rows": 2,
        "added": ["A1234BC"],
        "updated": [],
        "unchanged": [],
        "skipped": [{"line": 3, "message": "Prison Number: 'A12BC' is not of the form A1234BC"}],
        "warnings": [],
    }
