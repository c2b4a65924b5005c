"""Evidence dates in the item editor: typed the UK way, shown back the UK way, and refused
beside the field when they cannot be right (today is Mon 23 Nov 2026; A1234BC was born on
17 May 1990 and is released on Wed 16 Dec 2026)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from planner.store.repository import CaseStore
from planner.tui.screens.item_editor import ItemEditor
from planner.tui.screens.person import PersonScreen
from tests.tui.conftest import build_app, inline_error
from tests.tui.test_person import on_disk, open_item, open_person, type_into


async def test_dates_are_checked_and_shown_back_as_the_officer_types_them(
    caseload: CaseStore, db_path: Path
) -> None:
    caseload.save_item("A1234BC", "id.documents", evidence={"date_applied": "2026-11-02"})
    app = build_app(caseload)
    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, "A1234BC")
        editor = await open_item(pilot, person, "id.documents")
        assert editor.query_one("#field-ev-date_applied Input", Input).value == "02/11/2026"
        # a day that has not happened yet, and one before the person was born
        await type_into(pilot, "#field-ev-date_received Input", "30/11/2026")
        assert inline_error(editor, "ev-date_received") == (
            "Mon 30 Nov 2026 is after today (Mon 23 Nov 2026): date received is a day that has "
            "already happened."
        )
        await type_into(pilot, "#field-ev-date_applied Input", "01/01/1980")
        assert "before the person's date of birth (Thu 17 May 1990)" in inline_error(
            editor, "ev-date_applied"
        )
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ItemEditor)  # still open, nothing saved
        assert on_disk(db_path, "A1234BC", "id.documents").evidence == {
            "date_applied": "2026-11-02"
        }
        # dd/mm/yy is a date, saved as ISO and shown back as dd/mm/yyyy
        await type_into(pilot, "#field-ev-date_applied Input", "02/11/26")
        await type_into(pilot, "#field-ev-date_received Input", "20/11/26")
        assert inline_error(editor, "ev-date_received") == ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
        assert on_disk(db_path, "A1234BC", "id.documents").evidence == {
            "date_applied": "2026-11-02",
            "date_received": "2026-11-20",
        }
        editor = await open_item(pilot, person, "id.documents")
        assert editor.query_one("#field-ev-date_received Input", Input).value == "20/11/2026"
