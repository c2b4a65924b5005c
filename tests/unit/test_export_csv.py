"""The caseload CSV: one row per person, readable by the csv module and by spreadsheets."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from planner.domain.template import Template
from planner.export.caseload_csv import BOM, caseload_table, render_caseload_csv, safe_text
from planner.export.service import export_caseload
from planner.store.repository import CaseStore
from tests.conftest import TODAY, make_person
from tests.unit.test_export_cases import SENSITIVE_VALUES, record_rich_case


def _read(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(BOM.encode("utf-8"))
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _caseload(store: CaseStore) -> bytes:
    header, rows = caseload_table(store.summaries(), store.template, TODAY)
    return render_caseload_csv(header, rows)


def test_one_row_per_person_round_trips(store: CaseStore, template: Template) -> None:
    record_rich_case(store, template)
    store.add(make_person("B2345CD", release=None, surname='Zoë, "Jr" Smith'), template)
    store.add(make_person("C3456DE", release=date(2026, 12, 1)), template)
    rows = _read(_caseload(store))
    assert [r["Prison number"] for r in rows] == ["C3456DE", "A1234BC", "B2345CD"]
    rich = rows[1]
    assert rich["Surname"] == "O'Neill-Ward"
    assert rich["Release date"] == "2026-12-16"
    assert rich["Days to release"] == "23"
    assert rich["Readiness %"] == "72"
    assert rich["Bank account"] == "complete"
    assert rich["Accommodation"] == "in progress, critical"  # a CAS3 address not booked
    assert (rich["Critical gaps"], rich["Warning gaps"], rich["Info gaps"]) == ("2", "2", "1")
    assert rows[2]["Surname"] == 'Zoë, "Jr" Smith'  # quoting survives commas and quotes
    assert rows[2]["Release date"] == rows[2]["Days to release"] == ""


def test_every_section_has_a_column(store: CaseStore, template: Template) -> None:
    store.add(make_person(), template)
    header = next(csv.reader(io.StringIO(_caseload(store).decode("utf-8-sig"))))
    for section in template.sections:
        assert section.title in header


def test_text_is_never_run_as_a_formula() -> None:
    assert safe_text('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert safe_text("@SUM(A1)") == "'@SUM(A1)"
    assert safe_text("O'Neill") == "O'Neill"


def test_caseload_file_is_private_and_uses_crlf(
    store: CaseStore, template: Template, tmp_path: Path
) -> None:
    store.add(make_person(), template)
    path = export_caseload(store, tmp_path / "caseload.csv", today=TODAY)
    data = path.read_bytes()
    assert data.count(b"\r\n") == 2 and path.stat().st_mode & 0o777 == 0o600


def test_caseload_holds_no_special_category_or_health_detail(
    store: CaseStore, template: Template
) -> None:
    record_rich_case(store, template)
    text = _caseload(store).decode("utf-8-sig")
    for value in SENSITIVE_VALUES:
        assert value not in text, value
