"""The person screen: header, checklist, item editor, stale edits, gap panel, history."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, OptionList, Select

from planner.domain.status import ItemStatus
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp
from planner.tui.screens.conflict import ConflictScreen
from planner.tui.screens.history import HistoryScreen
from planner.tui.screens.item_editor import ItemEditor
from planner.tui.screens.person import PersonScreen
from tests.conftest import NOW
from tests.tui.conftest import inline_error, settled, wait_for_caseload, wait_until


async def open_person(pilot: Pilot[Any], number: str) -> PersonScreen:
    screen = await wait_for_caseload(pilot)
    screen.open_number(number)
    await pilot.pause()
    person = pilot.app.screen
    assert isinstance(person, PersonScreen)
    await wait_until(pilot, lambda: person.case is not None, "the person to be read")
    return person


async def open_item(pilot: Pilot[Any], person: PersonScreen, item_id: str) -> ItemEditor:
    checklist = person.query_one("#checklist", OptionList)
    checklist.highlighted = checklist.get_option_index(item_id)
    await pilot.press("enter")
    editor = pilot.app.screen
    assert isinstance(editor, ItemEditor)
    return editor


async def type_into(pilot: Pilot[Any], selector: str, text: str) -> None:
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*text)


async def choose_status(pilot: Pilot[Any], status: ItemStatus) -> None:
    select = pilot.app.screen.query_one("#field-status Select", Select)
    select.focus()
    await pilot.press("enter")
    order = list(ItemStatus)
    current = select.value
    assert isinstance(current, ItemStatus)
    steps = order.index(status) - order.index(current)
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
    assert select.value is status


def screen_runs(app: PlannerApp) -> str:
    """The screen as text, each differently styled run with its spaces at either end
    dropped, as a tool that copies text run by run reads it."""
    svg = app.export_screenshot()
    runs = re.findall(r"<text[^>]*>(.*?)</text>", svg)
    return "".join(html.unescape(run).replace("\xa0", " ").strip() for run in runs)


def on_disk(db_path: Path, number: str, item_id: str) -> Any:
    with CaseStore(db_path) as fresh:
        return fresh.get(number).checklist.item(item_id)


async def test_header_shows_release_day_risk_and_readiness(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, "B2345CD")
        header = str(person.query_one("#person-header").render())
        assert "Bea Brown" in header and "B2345CD" in header
        assert "Fri 27 Nov 2026" in header and "(CRD)" in header
        assert "4 days to go" in header
        assert "ready 1 of" in header
        assert "release day" in header and "Friday" in header
        assert "governor may bring it forward" in header  # what can be done
        gaps = person.query_one("#gaps", OptionList)
        assert "Gaps (" in str(gaps.border_title)
        # Copied as text run by run (a screenshot's text, a screen reader), the name and
        # number, and a section's title and count, stay apart.
        runs = screen_runs(app)
        assert "Bea Brown · B2345CD" in runs and "Release· 1/2" in runs
        assert "BrownB2345CD" not in runs and "Release1/2" not in runs


async def test_change_status_and_evidence_saves_to_disk(app: PlannerApp, db_path: Path) -> None:
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        person = await open_person(pilot, "A1234BC")
        editor = await open_item(pilot, person, "id.documents")
        assert "prisoner ID programme" in str(editor.query_one("#item-about").render())
        await choose_status(pilot, ItemStatus.IN_PROGRESS)
        await type_into(pilot, "#field-ev-date_applied Input", "02/11/2026")
        await type_into(pilot, "#field-ev-funded_by Input", "Prisoner ID programme")
        await pilot.press("ctrl+s")
        await settled(pilot)
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
        assert any(n.message == "Saved" for n in app._notifications)
        record = on_disk(db_path, "A1234BC", "id.documents")
        assert record.status is ItemStatus.IN_PROGRESS
        assert record.evidence["date_applied"] == "2026-11-02"
        assert record.evidence["funded_by"] == "Prisoner ID programme"
        assert record.changed_by == "Test Officer"


async def test_impossible_date_is_refused_inline(app: PlannerApp, db_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, "A1234BC")
        editor = await open_item(pilot, person, "id.documents")
        await type_into(pilot, "#field-ev-date_applied Input", "31/02/2026")
        assert "not a real date" in inline_error(editor, "ev-date_applied")
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert isinstance(app.screen, ItemEditor)  # still open, nothing saved
        assert on_disk(db_path, "A1234BC", "id.documents").rev == 0
        await type_into(pilot, "#field-ev-date_applied Input", "2026-11-02")
        assert inline_error(editor, "ev-date_applied") == ""


async def test_reason_is_needed_for_not_required(app: PlannerApp, db_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, "A1234BC")
        editor = await open_item(pilot, person, "work.plan")
        await choose_status(pilot, ItemStatus.NOT_REQUIRED)
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert isinstance(app.screen, ItemEditor)
        assert "reason is needed" in inline_error(editor, "reason")
        await type_into(pilot, "#field-reason Input", "Retired")
        await pilot.press("ctrl+s")
        await settled(pilot)
        await pilot.pause()
        record = on_disk(db_path, "A1234BC", "work.plan")
        assert (record.status, record.reason) == (ItemStatus.NOT_REQUIRED, "Retired")


async def test_stale_edit_overwrite_with_mine(app: PlannerApp, db_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, "A1234BC")
        await open_item(pilot, person, "health.gp")
        with CaseStore(db_path, officer="Other Officer", clock=lambda: NOW) as other:
            other.save_item(
                "A1234BC",
                "health.gp",
                status=ItemStatus.IN_PROGRESS,
                evidence={"practice": "Theirs"},
            )
        await type_into(pilot, "#field-ev-practice Input", "Mine")
        await pilot.press("ctrl+s")
        await settled(pilot)
        await pilot.pause()
        conflict = app.screen
        assert isinstance(conflict, ConflictScreen)
        assert "Other Officer" in str(conflict.query_one(".dialog").border_title)
        assert ("GP practice", "Mine", "Theirs") in conflict._differences
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
        record = on_disk(db_path, "A1234BC", "health.gp")
        assert record.evidence["practice"] == "Mine"
        assert record.changed_by == "Test Officer"


async def test_stale_edit_keep_theirs(app: PlannerApp, db_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, "A1234BC")
        await open_item(pilot, person, "health.gp")
        with CaseStore(db_path, officer="Other Officer", clock=lambda: NOW) as other:
            other.save_item("A1234BC", "health.gp", evidence={"practice": "Theirs"})
        await type_into(pilot, "#field-ev-practice Input", "Mine")
        await pilot.press("ctrl+s")
        await settled(pilot)
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
        assert on_disk(db_path, "A1234BC", "health.gp").evidence["practice"] == "Theirs"


async def test_the_save_button_saves(app: PlannerApp, db_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, "A1234BC")
        editor = await open_item(pilot, person, "health.gp")
        await type_into(pilot, "#field-ev-practice Input", "Clicked")
        save = editor.query_one("Button.-primary", Button)
        save.scroll_visible(animate=False)
        await pilot.pause()
        await pilot.click(save)
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
        assert on_disk(db_path, "A1234BC", "health.gp").evidence["practice"] == "Clicked"


async def test_escape_unchanged_leaves_the_editor_at_once(app: PlannerApp, db_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, "A1234BC")
        await open_item(pilot, person, "health.gp")
        await pilot.press("escape")
        assert isinstance(app.screen, PersonScreen)
        assert on_disk(db_path, "A1234BC", "health.gp").rev == 0


async def test_gap_panel_jumps_to_the_item(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, "B2345CD")
        await pilot.press("g")
        gaps = person.query_one("#gaps", OptionList)
        assert app.focused is gaps
        flags = person._flags
        target = next(i for i, f in enumerate(flags) if f.item_id == "bank.account")
        gaps.highlighted = gaps.get_option_index(f"flag:{target}")
        await pilot.press("enter")
        checklist = person.query_one("#checklist", OptionList)
        assert app.focused is checklist
        assert checklist.highlighted_option is not None
        assert checklist.highlighted_option.id == "bank.account"
        reason = flags[target].reason
        assert "CIFAS marker on file" in reason


async def test_history_lists_the_audit_trail(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_person(pilot, "B2345CD")
        await pilot.press("h")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        table = history.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        whats = {row[2] for row in rows}
        assert "Bank account held or opened: status" in whats
        assert any(row[1] == "Seeder" for row in rows)
        assert any(row[4] == "CIFAS marker on file" for row in rows)
        await pilot.press("escape")
        assert isinstance(app.screen, PersonScreen)


async def test_history_follows_changes_made_elsewhere(app: PlannerApp, db_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_person(pilot, "A1234BC")
        await pilot.press("h")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        table = history.query_one(DataTable)
        before = table.row_count
        with CaseStore(db_path, officer="Other Officer", clock=lambda: NOW) as other:
            other.save_item("A1234BC", "psr.status", status=ItemStatus.IN_PROGRESS)
        history.check_for_changes()  # the 3-second poll, without the wait
        await wait_until(pilot, lambda: table.row_count > before, "the new change")
        newest = [str(cell) for cell in table.get_row_at(0)]
        assert newest[1] == "Other Officer"
        assert newest[2] == "Pre-sentence report status recorded: status"
        summary = str(history.query_one("#history-summary").render())
        assert summary.startswith(f"{table.row_count} recorded field changes")
