"""Transfer out from the person screen and transfer in from the caseload, with Pilot."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.widgets import Button, DataTable, Input, Static

from planner.domain.person import CaseState
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store.repository import CaseStore
from planner.transfer.service import transfer_out
from planner.tui.app import PlannerApp
from planner.tui.screens.conflict import ConflictScreen
from planner.tui.screens.history import HistoryScreen
from planner.tui.screens.transfer_in import TransferInScreen, preview_table
from planner.tui.screens.transfer_out import TransferOutScreen
from tests.conftest import NOW, make_person
from tests.tui.conftest import OFFICER, wait_for_caseload, wait_until
from tests.tui.test_person import open_person

PASSPHRASE = "amber rocket violin harbour"


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_transfer_out_writes_the_file_and_marks_the_person(
    app: PlannerApp, db_path: Path, tmp_path: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_person(pilot, "A1234BC")
        await pilot.press("T")
        dialog = app.screen
        assert isinstance(dialog, TransferOutScreen)
        target = tmp_path / "A1234BC.transfer"  # the number alone: no name on the drive
        assert dialog.query_one("#field-path Input", Input).value == str(target)
        dialog.query_one("#field-to Input", Input).value = "HMP Leeds"
        dialog.query_one("#transfer-passphrase", Input).value = PASSPHRASE
        dialog.query_one("#transfer-passphrase-again", Input).value = PASSPHRASE + "x"
        await pilot.press("ctrl+s")
        assert "not the same" in text_of(dialog, "#export-result")
        assert not target.exists()
        dialog.query_one("#transfer-passphrase-again", Input).value = PASSPHRASE
        await pilot.press("ctrl+s")
        await wait_until(
            pilot, lambda: "written" in text_of(dialog, "#export-result"), "the file written"
        )
        assert "marked transferred" in text_of(dialog, "#export-result")
        assert target.read_bytes().startswith(b"PLANNER-TRANSFER\n")
        await pilot.press("escape")
    with CaseStore(db_path, read_only=True) as store:
        assert store.get("A1234BC").person.state is CaseState.TRANSFERRED


def _file_from_elsewhere(tmp_path: Path, template: Template) -> Path:
    """B2345CD's record at another prison, with the bank account done there."""
    other = tmp_path / "other" / "other.db"
    other.parent.mkdir()
    with CaseStore(other, officer="Kim Other", clock=lambda: NOW) as store:
        store.add(
            make_person(
                "B2345CD", date(2026, 11, 27), surname="Brown", forename="Bea", location="C-1-002"
            ),
            template,
        )
        store.save_item(
            "B2345CD", "bank.account", status=ItemStatus.DONE, evidence={"bank": "barclays"}
        )
        path = tmp_path / "B2345CD.transfer"
        transfer_out(
            store,
            "B2345CD",
            path,
            PASSPHRASE,
            to_prison="HMP Example",
            at=datetime.now(UTC),
        )
    return path


async def test_transfer_in_previews_asks_about_the_conflict_and_saves(
    app: PlannerApp, db_path: Path, tmp_path: Path, template: Template
) -> None:
    path = _file_from_elsewhere(tmp_path, template)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_caseload(pilot)
        await pilot.press("T")
        dialog = app.screen
        assert isinstance(dialog, TransferInScreen)
        dialog.query_one("#field-path Input", Input).value = str(path)
        dialog.query_one("#transfer-passphrase", Input).value = "amber rocket violin harbor"
        await pilot.press("ctrl+r")
        await wait_until(
            pilot, lambda: "Not received" in text_of(dialog, "#transfer-result"), "a refusal"
        )
        assert "passphrase is not right" in text_of(dialog, "#transfer-result")
        dialog.query_one("#transfer-passphrase", Input).value = PASSPHRASE
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: dialog.seen is not None, "the preview")
        assert "already here" in text_of(dialog, "#transfer-result")
        assert dialog.seen is not None
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(preview_table(dialog.seen, dialog.choices))
        table = console.export_text()
        assert "Bank account held or opened" in table and "choose" in table
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConflictScreen), "the conflict")
        conflict = app.screen
        assert "at the other prison" in str(conflict.query(Static)[0].render())
        assert "Take theirs (t)" in [str(b.label) for b in conflict.query(Button)]
        await pilot.press("t")
        await wait_until(
            pilot, lambda: "Saved" in text_of(dialog, "#transfer-result"), "the record saved"
        )
        await pilot.press("escape")
        await wait_for_caseload(pilot)
        # the history there is listed after ours, its officers marked with the prison
        await open_person(pilot, "B2345CD")
        await pilot.press("h")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        rows = history.query_one(DataTable)
        await wait_until(pilot, lambda: rows.row_count > 0, "the history")
        who = [str(rows.get_row_at(i)[1]) for i in range(rows.row_count)]
        assert "Kim Other (HMP Example)" in who and OFFICER in who
    with CaseStore(db_path, read_only=True) as store:
        case = store.get("B2345CD")
        assert case.checklist.item("bank.account").status is ItemStatus.DONE  # theirs, chosen
        assert case.checklist.item("accommodation.address").status is ItemStatus.IN_PROGRESS
        assert store.transfers.sections("B2345CD")[0]["prison"] == "HMP Example"
