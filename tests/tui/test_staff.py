"""The staff view: each officer's load, the same numbers `planner staff` prints.

On a real database with people assigned to two officers (one name written as markup, shown
as typed), the screen opened with `S` from the caseload, or from the command palette, shows
row for row what `planner staff --json` counts; Enter on an officer lists their people,
Enter on a person opens them, Escape goes back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.command import CommandPalette
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import DataTable

from planner.cli import main
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp
from planner.tui.screens.caseload import CaseloadScreen
from planner.tui.screens.person import PersonScreen
from planner.tui.screens.staff import StaffScreen
from tests.conftest import TODAY
from tests.tui.conftest import build_app, wait_for_caseload, wait_until

MARKUP_OFFICER = "[b]Jo[/b] Bloggs"


@pytest.fixture
def assigned(caseload: CaseStore) -> CaseStore:
    caseload.assign(["B2345CD", "C3456DE", "D4567EF"], MARKUP_OFFICER)
    caseload.assign(["A1234BC"], "Sam Reed")
    return caseload


def cli_staff(db_path: Path, capsys: pytest.CaptureFixture[str]) -> list[list[str]]:
    """`planner staff --json` on the database, as the screen's rows would read."""
    capsys.readouterr()
    assert main(["--db", str(db_path), "--today", TODAY.isoformat(), "staff", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    return [
        [
            officer["officer"] or "Unassigned",
            str(officer["people"]),
            *(str(officer["within"][str(days)]) for days in data["windows"]),
            str(officer["no_release_date"]),
            str(officer["critical_flags"]),
            str(officer["people_with_critical"]),
        ]
        for officer in data["officers"]
    ]


def rows(table: DataTable[Any]) -> list[list[str]]:
    return [
        [cell.plain if isinstance(cell, Text) else str(cell) for cell in table.get_row_at(i)]
        for i in range(table.row_count)
    ]


async def open_staff(pilot: Pilot[Any]) -> StaffScreen:
    await wait_for_caseload(pilot)
    await pilot.press("S")
    screen = pilot.app.screen
    assert isinstance(screen, StaffScreen)
    await wait_until(pilot, lambda: screen.seen_change >= 0, "the staff view to count")
    return screen


async def test_the_staff_view_counts_as_planner_staff_does(
    assigned: CaseStore, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = cli_staff(db_path, capsys)
    assert [row[0] for row in expected] == [MARKUP_OFFICER, "Sam Reed", "Unassigned"]
    app = build_app(assigned)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_staff(pilot)
        loads = screen.query_one("#staff", DataTable)
        assert rows(loads) == expected
        assert not screen.query_one("#staff-cases", DataTable).display

        # Enter on the first officer lists their people, soonest release first.
        loads.move_cursor(row=0)
        await pilot.press("enter")
        await pilot.pause()
        cases = screen.query_one("#staff-cases", DataTable)
        assert cases.display and cases.has_focus
        assert [row[0] for row in rows(cases)] == ["D4567EF", "B2345CD", "C3456DE"]
        # Each person's critical flags add up to the officer's, as `planner staff` counts.
        assert sum(int(row[4]) for row in rows(cases)) == int(expected[0][6])
        assert all(int(row[4]) > 0 for row in rows(cases))  # nothing done this close
        # The title reads as typed: the getter hands back markup, escaped.
        assert Content.from_markup(cases.border_title or "").plain == f"{MARKUP_OFFICER}: 3 people"

        # Enter on a person opens them; Escape comes back to the same list.
        cases.move_cursor(row=1)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PersonScreen), "the person")
        person = app.screen
        assert isinstance(person, PersonScreen) and person.number == "B2345CD"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "the staff view again")

        # A change made elsewhere shows when the screen looks again.
        assigned.assign(["A1234BC", "F6789GH"], MARKUP_OFFICER)
        screen.action_reload()
        await wait_until(pilot, lambda: rows(loads)[0][1] == "5", "the reassignment to be counted")
        after = rows(loads)
        assert len(rows(cases)) == 5

        await pilot.press("escape")
        assert isinstance(app.screen, CaseloadScreen)
    # (The app holds standard output while it runs: the CLI is asked once it has closed.)
    assert after == cli_staff(db_path, capsys)


async def test_the_staff_view_is_in_the_command_palette(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_caseload(pilot)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"staff")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, StaffScreen), "the staff view")


async def test_the_staff_view_fits_80_columns(assigned: CaseStore) -> None:
    app = build_app(assigned)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_staff(pilot)
        loads = screen.query_one("#staff", DataTable)
        assert loads.virtual_size.width <= loads.scrollable_content_region.width
