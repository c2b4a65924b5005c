"""The caseload CSV: one row per person, readable by the csv module and by spreadsheets.

Each item has a status column and a worst-flag column, so one tick of a spreadsheet's
filter answers "who still has no bank account?"; the key evidence, the community
offender manager, date of birth, CRN and the assigned officer have columns of their own.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from planner.cli import main
from planner.domain.person import Contact
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.export.caseload_csv import (
    BOM,
    COM_COLUMNS,
    FIXED_COLUMNS,
    KEY_EVIDENCE,
    caseload_file_name,
    caseload_table,
    flag_column,
    render_caseload_csv,
    safe_text,
    status_column,
)
from planner.export.service import export_caseload
from planner.store.repository import CaseStore
from tests.conftest import TODAY, make_person
from tests.unit.test_export_cases import SENSITIVE_VALUES, record_rich_case

SEVERITIES = {"", "critical", "warning", "info"}


def _read(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(BOM.encode("utf-8"))
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _caseload(store: CaseStore, tmp_path: Path) -> list[dict[str, str]]:
    path = export_caseload(store, tmp_path / "caseload.csv", today=TODAY, force=True)
    return _read(path.read_bytes())


def test_one_row_per_person_with_the_key_evidence(
    store: CaseStore, template: Template, tmp_path: Path
) -> None:
    record_rich_case(store, template)
    store.add(make_person("B2345CD", release=None, surname='Zoë, "Jr" Smith'), template)
    store.add(make_person("C3456DE", release=date(2026, 12, 1)), template)
    store.assign(["A1234BC", "C3456DE"], "Jo Bloggs")
    rows = _caseload(store, tmp_path)
    assert [r["Prison number"] for r in rows] == ["C3456DE", "A1234BC", "B2345CD"]
    rich = rows[1]
    assert {k: rich[k] for k in ("Surname", "Date of birth", "CRN", "Assigned officer")} == {
        "Surname": "O'Neill-Ward",
        "Date of birth": "1990-05-17",
        "CRN": "X123456",
        "Assigned officer": "Jo Bloggs",
    }
    assert (rich["Release date"], rich["Days to release"], rich["Readiness %"]) == (
        "2026-12-16",
        "23",
        "72",
    )
    assert {column: rich[column] for column, _item, _field in KEY_EVIDENCE} == {
        "Accommodation type": "CAS3",  # the choice's label
        "Release address": "Flat 2, 14 Acre Lane, London SW2 5SG",
        "ID received": "",
        "Bank outcome": "Opened",
        "Jobcentre appointment": "2026-12-17",  # ISO, which a spreadsheet reads as a date
        "Jobcentre appointment time": "09:30",
        "Jobcentre": "Brixton Jobcentre Plus",
    }
    # The name and unit recorded on allocation fill in what the COM contact leaves blank.
    assert [rich[c] for c in COM_COLUMNS] == ["Sam Okafor", "", "020 7946 0999", "Lambeth PDU"]
    assert (rich["Worst flag"], rich["Most urgent"]) == (
        "critical",
        "Accommodation: address not booked",  # a CAS3 address whose booking is not arranged
    )
    assert (rich["Critical gaps"], rich["Warning gaps"], rich["Info gaps"]) == ("2", "2", "1")
    assert rows[0]["Assigned officer"] == "Jo Bloggs" and rows[2]["Assigned officer"] == ""
    assert rows[2]["Surname"] == 'Zoë, "Jr" Smith'  # quoting survives commas and quotes
    assert rows[2]["Release date"] == rows[2]["Days to release"] == ""


def test_every_item_has_a_status_and_a_flag_column(
    store: CaseStore, template: Template, tmp_path: Path
) -> None:
    record_rich_case(store, template)
    (row,) = _caseload(store, tmp_path)
    for item in template.items:
        if item.section == "health":
            continue
        assert status_column(item.id) in row and flag_column(item.id) in row, item.id
    assert row[status_column("bank.account")] == "done"
    assert row[status_column("handover.meeting")] == "blocked"
    assert row[flag_column("handover.meeting")] == "warning"
    assert row[status_column("id.documents")] == "done"
    assert row[flag_column("id.documents")] == "critical"  # not received by R-28
    assert row[status_column("special.veteran")] == "not applicable"
    assert row[status_column("work.plan")] == "declined"
    # One value per severity: a filter on "critical" is one tick.
    flags = {value for key, value in row.items() if key.endswith(" flag")}
    assert flags <= SEVERITIES


def test_who_has_no_bank_account_is_one_filter(
    store: CaseStore, template: Template, tmp_path: Path
) -> None:
    for number in ("A0001AA", "A0002AA", "A0003AA"):
        store.add(make_person(number), template)
    store.save_item(
        "A0002AA",
        "bank.account",
        status=ItemStatus.DONE,
        evidence={"bank": "coop", "outcome": "opened"},
    )
    rows = _caseload(store, tmp_path)
    no_account = [r["Prison number"] for r in rows if r[status_column("bank.account")] != "done"]
    assert no_account == ["A0001AA", "A0003AA"]


def test_health_is_one_pair_of_columns_and_no_health_detail_is_in_it(
    store: CaseStore, template: Template, tmp_path: Path
) -> None:
    record_rich_case(store, template)
    path = export_caseload(store, tmp_path / "caseload.csv", today=TODAY)
    text = path.read_bytes().decode("utf-8-sig")
    (row,) = _read(path.read_bytes())
    assert not [key for key in row if key.startswith("health.")]  # which apply says too much
    assert row["health status"] == "in progress" and row["health flag"] in SEVERITIES
    for value in SENSITIVE_VALUES:
        assert value not in text, value


def test_numbers_stay_numbers_and_text_never_runs_as_a_formula(
    store: CaseStore, template: Template, tmp_path: Path
) -> None:
    com = Contact(name="=HYPERLINK(1)", unit="+PDU", email="a@b.example")
    store.add(make_person(release=date(2026, 11, 20), community_offender_manager=com), template)
    store.save_item(make_person().number, "accommodation.address", evidence={"address": "-1 Road"})
    (row,) = _caseload(store, tmp_path)
    assert row["Days to release"] == "-3"  # a number, not text
    assert (row["COM name"], row["COM PDU"], row["Release address"]) == (
        "'=HYPERLINK(1)",
        "'+PDU",
        "'-1 Road",
    )
    assert safe_text("@SUM(A1)") == "'@SUM(A1)" and safe_text("O'Neill") == "O'Neill"


def test_the_header_starts_with_the_person_and_keeps_its_order(
    store: CaseStore, template: Template
) -> None:
    store.add(make_person(), template)
    cases = {case.number: case for case in store.cases()}
    header, rows = caseload_table(store.summaries(), store.template, TODAY, cases)
    assert header[: len(FIXED_COLUMNS)] == list(FIXED_COLUMNS)
    assert header.index("COM name") < header.index(status_column("release.date_confirmed"))
    data = render_caseload_csv(header, rows)
    assert data.count(b"\r\n") == 2


def test_caseload_file_is_private_and_uses_crlf(
    store: CaseStore, template: Template, tmp_path: Path
) -> None:
    store.add(make_person(), template)
    path = export_caseload(store, tmp_path / "caseload.csv", today=TODAY)
    data = path.read_bytes()
    assert data.count(b"\r\n") == 2 and path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("where", ["default", "folder"])
def test_the_cli_names_the_file_as_the_ui_does(
    store: CaseStore,
    template: Template,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    store.add(make_person(), template)
    store.close()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    output = [] if where == "default" else ["-o", f"{work / 'out'}/"]
    argv = ["--db", str(store.path), "--today", TODAY.isoformat(), "export", "--caseload"]
    assert main([*argv, *output]) == 0  # no officer: the CSV names nobody
    folder = work if where == "default" else work / "out"
    assert caseload_file_name(TODAY) == "caseload-2026-11-23.csv"
    (row,) = _read((folder / caseload_file_name(TODAY)).read_bytes())
    assert row["Prison number"] == "A1234BC"
