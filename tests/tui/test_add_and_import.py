"""Adding a person and importing a CSV from the UI; editing a person's details."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Checkbox, Input

from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp
from planner.tui.screens.conflict import ConflictScreen
from planner.tui.screens.import_csv import ImportScreen
from planner.tui.screens.person import PersonScreen
from planner.tui.screens.person_form import PersonFormScreen
from planner.tui.widgets.case_table import CaseTable
from tests.tui.conftest import inline_error, settled, wait_for_caseload, wait_until


async def fill(pilot: Pilot[Any], field: str, text: str) -> None:
    """Type into a field (a long path is pasted: each key press costs the pilot ~40 ms)."""
    widget = pilot.app.screen.query_one(f"#field-{field} Input", Input)
    widget.focus()
    widget.value = ""
    if len(text) > 20:
        widget.insert_text_at_cursor(text)
        await pilot.pause()
    else:
        await pilot.press(*text)


def error_of(pilot: Pilot[Any], field: str) -> str:
    return inline_error(pilot.app.screen, field)


def people(db_path: Path) -> list[str]:
    with CaseStore(db_path) as fresh:
        return fresh.numbers()


async def test_add_person_refuses_a_bad_prison_number_then_adds(
    app: PlannerApp, db_path: Path
) -> None:
    before = people(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_caseload(pilot)
        await pilot.press("n")
        assert isinstance(app.screen, PersonFormScreen)
        await fill(pilot, "number", "A12BC")
        await fill(pilot, "forename", "Hana")
        await fill(pilot, "surname", "Hughes")
        await fill(pilot, "release_date", "30/02/2027")
        assert "not a real date" in error_of(pilot, "release_date")
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert isinstance(app.screen, PersonFormScreen)
        assert "not of the form A1234BC" in error_of(pilot, "number")  # every problem at once
        await fill(pilot, "release_date", "14/01/2027")
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert isinstance(app.screen, PersonFormScreen)
        assert "not of the form A1234BC" in error_of(pilot, "number")
        assert people(db_path) == before  # nothing saved

        await fill(pilot, "number", "a1234bc")
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert "already in this database" in error_of(pilot, "number")

        await fill(pilot, "number", "h1111hh")
        app.screen.query_one("#c-veteran", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settled(pilot)
        await pilot.pause()
        person = app.screen
        assert isinstance(person, PersonScreen)
        assert person.number == "H1111HH"
    with CaseStore(db_path) as fresh:
        added = fresh.get("H1111HH").person
        assert (added.forename, added.surname) == ("Hana", "Hughes")
        assert added.release_date is not None and added.release_date.isoformat() == "2027-01-14"
        assert added.circumstances.veteran


async def test_edit_details_with_inline_validation(app: PlannerApp, db_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        screen.open_number("A1234BC")
        await pilot.pause()
        await pilot.press("p")
        assert isinstance(app.screen, PersonFormScreen)
        assert app.screen.query_one("#field-number Input", Input).disabled
        await fill(pilot, "crn", "X12")
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert "CRN" in error_of(pilot, "crn")
        await fill(pilot, "crn", "x123456")
        await fill(pilot, "location", "D-1-001")
        app.screen.query_one("#c-on_medication", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settled(pilot)
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
        assert "D-1-001" in str(app.screen.query_one("#person-header").render())
    with CaseStore(db_path) as fresh:
        person = fresh.get("A1234BC").person
        assert (person.crn, person.location) == ("X123456", "D-1-001")
        assert person.circumstances.on_medication


CSV = (
    "Prison Number,Surname,Forename,Date of Birth,CRD,Cell\n"
    "K1111KK,Khan,Kamal,17/05/1990,04/01/2027,B-2-014\n"
    "K22,King,Kit,01/01/1985,05/01/2027,B-2-015\n"
)


async def test_import_a_csv_from_the_ui(app: PlannerApp, db_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "releases.csv"
    source.write_text(CSV, encoding="utf-8")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        await pilot.press("i")
        dialog = app.screen
        assert isinstance(dialog, ImportScreen)
        await fill(pilot, "path", str(tmp_path / "missing.csv"))
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "no such file" in error_of(pilot, "path"), "error")

        await fill(pilot, "path", str(source))
        await pilot.press("ctrl+s")  # all or nothing: the bad row stops it

        def report() -> str:
            return str(dialog.query_one("#import-report").render())

        await wait_until(pilot, lambda: "nothing was imported" in report(), "the report")
        assert "line 3:" in report()  # the CLI's per-line report
        assert "K1111KK" not in people(db_path)

        dialog.query_one("#skip-invalid", Checkbox).value = True
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "added 1" in report(), "the import")
        assert "line 3:" in report()
        await pilot.press("escape")
        await wait_until(
            pilot, lambda: "K1111KK" in {r.number for r in screen.rows}, "the caseload to reload"
        )
        assert "K1111KK" in {r.number for r in screen.query_one(CaseTable).rows}
    assert "K1111KK" in people(db_path)


async def test_details_changed_meanwhile_shows_both_versions(
    app: PlannerApp, db_path: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        screen.open_number("A1234BC")
        await pilot.pause()
        await pilot.press("p")
        await fill(pilot, "location", "MINE-1")
        with CaseStore(db_path, officer="Other Officer") as other:
            theirs = other.get("A1234BC").person.model_copy(update={"location": "THEIRS-1"})
            other.update_person(theirs)
        await pilot.press("ctrl+s")
        await settled(pilot)
        await pilot.pause()
        conflict = app.screen
        assert isinstance(conflict, ConflictScreen)
        assert ("Location", "MINE-1", "THEIRS-1") in conflict._differences
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
    with CaseStore(db_path) as fresh:
        assert fresh.get("A1234BC").person.location == "MINE-1"
