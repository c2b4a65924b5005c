"""The person's own plan from the UI: its key on the person screen opens the export dialog
with the plan chosen, and the file it writes in the background reads back."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from textual.widgets import Checkbox, Input, Select

from planner.export.files import ExportFormat
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp
from planner.tui.screens.export_case import ExportScreen
from planner.tui.screens.prompts import ConfirmScreen
from tests.tui.conftest import OFFICER, wait_until
from tests.tui.test_person import open_person

PLAN_FILE = "A1234BC_Example_2026-12-16_plan.pdf"


@pytest.fixture(autouse=True)
def _exports_start_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    elsewhere = tmp_path / "started-here"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)


def _text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


async def test_the_plan_key_writes_the_persons_own_plan(
    app: PlannerApp, db_path: Path, tmp_path: Path
) -> None:
    with CaseStore(db_path, officer=OFFICER) as store:
        store.save_item(
            "A1234BC",
            "benefits.uc_appointment",
            evidence={"appointment": "2026-12-17 09:30 | Leeds Jobcentre | 0113 496 0123"},
        )
        store.save_item(
            "A1234BC", "health.gp", evidence={"appointment": "2026-12-18 11:00 | The Surgery"}
        )
    async with app.run_test(size=(80, 24)) as pilot:
        await open_person(pilot, "A1234BC")
        await pilot.press("P")
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        assert dialog.query_one("#field-format Select", Select).value is ExportFormat.PLAN
        target = tmp_path / PLAN_FILE
        assert dialog.query_one("#field-path Input", Input).value == str(target)
        assert dialog.query_one("#include-health", Checkbox).value is False
        await pilot.press("ctrl+s")
        await wait_until(
            pilot,
            lambda: (
                target.exists() and "written" in str(dialog.query_one("#export-result").render())
            ),
            "the plan written",
        )
        assert not isinstance(app.screen, ConfirmScreen)  # a plan is not "summary sent"
    text = _text(target)
    assert "Your plan for leaving prison" in text
    assert "Thursday 17 December 2026 at 09:30 Jobcentre appointment" in text
    assert "Where: Leeds Jobcentre Phone: 0113 496 0123" in text
    assert "A health appointment" in text and "The Surgery" not in text  # health left out
    assert target.stat().st_mode & 0o777 == 0o600


async def test_an_appointment_is_edited_as_its_four_parts(app: PlannerApp, db_path: Path) -> None:
    from planner.tui.screens.person import PersonScreen
    from tests.tui.conftest import inline_error, settled
    from tests.tui.test_person import on_disk, open_item, type_into

    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, "A1234BC")
        editor = await open_item(pilot, person, "benefits.uc_appointment")
        await type_into(pilot, "#ev-appointment-date", "17/12/2026")
        await type_into(pilot, "#ev-appointment-time", "25:00")
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert "is not a time" in inline_error(editor, "ev-appointment")  # nothing saved
        assert on_disk(db_path, "A1234BC", "benefits.uc_appointment").rev == 0
        await type_into(pilot, "#ev-appointment-time", "9:30")
        await type_into(pilot, "#ev-appointment-place", "Leeds | Eastgate")
        await type_into(pilot, "#ev-appointment-phone", "0113 496 0123")
        await pilot.press("ctrl+s")
        await settled(pilot)
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
    record = on_disk(db_path, "A1234BC", "benefits.uc_appointment")
    assert record.evidence["appointment"] == "2026-12-17 09:30 | Leeds \\| Eastgate | 0113 496 0123"
