"""Exports from the UI: one person's handover summary, a batch, the caseload CSV."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, Select, Static

from planner.domain.history import EXPORTED_FIELD
from planner.domain.status import ItemStatus
from planner.domain.template import ItemTemplate, Template
from planner.export import service as export_service
from planner.export.audit import TABLE_FIELD
from planner.export.files import ExportFormat
from planner.store.audit import AuditEntry
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp
from planner.tui.screens import export_batch as export_batch_module
from planner.tui.screens.export_batch import SHOWN, BatchExportScreen
from planner.tui.screens.export_case import SUMMARY_SENT, ExportScreen, sent_evidence
from planner.tui.screens.export_caseload import EVERYONE, CaseloadCsvScreen
from planner.tui.screens.person import PersonScreen
from planner.tui.screens.prompts import ConfirmScreen
from planner.tui.widgets.evidence import FormField
from tests.conftest import TODAY
from tests.tui.conftest import OFFICER, wait_for_caseload, wait_until
from tests.tui.test_person import on_disk, open_person

A1234BC_PDF = "A1234BC_Example_2026-12-16.pdf"


def result_text(screen: Any) -> str:
    return str(screen.query_one("#export-result", Static).render())


def messages(app: PlannerApp) -> list[str]:
    return [n.message for n in app._notifications]


async def start_batch(
    pilot: Pilot[Any], *, fmt: ExportFormat | None = None, folder: Path | None = None
) -> BatchExportScreen:
    """The batch dialog opened on the caseload and started for the people shown (in
    `fmt`, into `folder`, when given)."""
    await wait_for_caseload(pilot)
    await pilot.press("x")
    dialog = pilot.app.screen
    assert isinstance(dialog, BatchExportScreen)
    dialog.query_one("#field-who Select", Select).value = SHOWN
    if fmt is not None:
        dialog.query_one("#field-format Select", Select).value = fmt
    if folder is not None:
        dialog.query_one("#field-folder Input", Input).value = str(folder)
    await pilot.press("ctrl+s")
    return dialog


def audit_notes(db_path: Path, field: str) -> list[AuditEntry]:
    """The audit log's entries of `field`, read from the database file."""
    with CaseStore(db_path, read_only=True, auto_backup=False) as store:
        return [e for e in store.history() if e.field == field]


@pytest.fixture(autouse=True)
def _started_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """planner started in some other folder: exports never start there (the home folder,
    the test's own, until a folder is remembered)."""
    elsewhere = tmp_path / "started-here"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)


async def test_export_from_the_person_screen_then_record_it_sent(
    app: PlannerApp, db_path: Path, tmp_path: Path
) -> None:
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_person(pilot, "A1234BC")
        await pilot.press("x")
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        target = tmp_path / A1234BC_PDF
        assert dialog.query_one("#field-path Input", Input).value == str(target)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the offer")
        assert target.read_bytes().startswith(b"%PDF")
        assert target.stat().st_mode & 0o777 == 0o600
        assert str(target) in result_text(dialog)
        assert any(str(target) in m for m in messages(app))
        # Asked, not done: nothing is recorded before the officer answers.
        assert on_disk(db_path, "A1234BC", SUMMARY_SENT).status is ItemStatus.NOT_STARTED
        question = str(app.screen.query_one("#confirm-question", Static).render())
        assert "Mon 23 Nov 2026" in question and "PDF" in question
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is dialog
        assert "Marked" in result_text(dialog)
        await pilot.press("escape")
        assert isinstance(app.screen, PersonScreen)
    record = on_disk(db_path, "A1234BC", SUMMARY_SENT)
    assert record.status is ItemStatus.DONE
    assert record.evidence["date_sent"] == TODAY.isoformat()
    assert record.evidence["format"] == "PDF"
    assert record.changed_by == OFFICER
    (noted,) = audit_notes(db_path, EXPORTED_FIELD)
    assert (noted.case, noted.by) == ("A1234BC", OFFICER)
    assert noted.new == f"handover summary (PDF) to {target}"


async def test_no_to_the_offer_records_nothing(
    app: PlannerApp, db_path: Path, tmp_path: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_person(pilot, "A1234BC")
        await pilot.press("x")
        app.screen.query_one("#field-format Select", Select).value = ExportFormat.NOTE
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the offer")
        await pilot.press("n")
        await pilot.pause()
    assert (tmp_path / "A1234BC_Example_2026-12-16.txt").stat().st_size > 0
    assert not any(Path.cwd().iterdir())
    assert on_disk(db_path, "A1234BC", SUMMARY_SENT).status is ItemStatus.NOT_STARTED


async def test_redacted_export_is_named_so_offers_nothing_and_replaces_only_when_asked(
    app: PlannerApp, db_path: Path, tmp_path: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_person(pilot, "A1234BC")
        await pilot.press("x")
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        dialog.query_one("#field-format Select", Select).value = ExportFormat.MARKDOWN
        dialog.query_one("#redact", Checkbox).value = True
        await pilot.pause()
        target = tmp_path / "A1234BC_Example_2026-12-16_redacted.md"
        assert dialog.query_one("#field-path Input", Input).value == str(target)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: dialog.written is not None, "the file")
        assert not isinstance(app.screen, ConfirmScreen)  # a redacted copy is not for probation
        assert "redacted" in target.read_text(encoding="utf-8").lower()
        target.write_text("older", encoding="utf-8")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: dialog.exists is not None, "the replace offer")
        assert "already" in result_text(dialog)
        assert dialog.query_one("#export-replace", Button).display
        assert target.read_text(encoding="utf-8") == "older"
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: target.read_text(encoding="utf-8") != "older", "replace")
    assert on_disk(db_path, "A1234BC", SUMMARY_SENT).status is ItemStatus.NOT_STARTED


async def test_a_folder_that_does_not_exist_is_one_line(app: PlannerApp, tmp_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_person(pilot, "A1234BC")
        await pilot.press("x")
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        dialog.query_one("#field-path Input", Input).value = str(tmp_path / "nowhere" / "a.md")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Not exported" in result_text(dialog), "the error")
        assert "does not exist" in result_text(dialog)


def test_sent_evidence_uses_a_matching_choice(template: Template) -> None:
    item = template.item(SUMMARY_SENT)
    assert sent_evidence(item, ExportFormat.NOTE, TODAY) == {
        "date_sent": "2026-11-23",
        "format": "case note text",
    }
    data = item.model_dump()
    for field in data["evidence"]:
        if field["name"] == "format":
            field["type"] = "choice"
            field["choices"] = [
                {"value": "pdf", "label": "PDF by email"},
                {"value": "paper", "label": "Paper"},
            ]
    as_choice = ItemTemplate.model_validate(data)
    assert sent_evidence(as_choice, ExportFormat.PDF, TODAY)["format"] == "pdf"
    assert "format" not in sent_evidence(as_choice, ExportFormat.JSON, TODAY)


async def test_batch_export_of_the_people_shown(
    app: PlannerApp, db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        dialog = await start_batch(pilot, fmt=ExportFormat.MARKDOWN, folder=folder)
        await wait_until(pilot, lambda: "written to" in result_text(dialog), "the batch")
        # the next 12 weeks, and the two outside them who need action now
        assert result_text(dialog) == f"5 files written to {folder}"
        assert any(str(folder) in m for m in messages(app))
        names = sorted(p.name for p in folder.iterdir())
        assert names == [
            "A1234BC_Example_2026-12-16.md",
            "B2345CD_Brown_2026-11-27.md",
            "C3456DE_Cole_no-release-date.md",
            "D4567EF_Davies_2026-11-02.md",
            "F6789GH_Fisher_2027-02-11.md",
        ]
        for path in folder.iterdir():
            assert path.stat().st_size > 0 and path.stat().st_mode & 0o777 == 0o600
        await pilot.press("ctrl+s")  # again: every file is in the way
        await wait_until(pilot, lambda: dialog.exists is not None, "the replace offer")
        assert "5 of 5 files already exist" in result_text(dialog)
        assert "--force" not in result_text(dialog)
    noted = audit_notes(db_path, EXPORTED_FIELD)
    assert sorted(e.case or "" for e in noted) == [name[:7] for name in names]
    assert {e.new for e in noted} == {f"handover summary (Markdown) to folder {folder}"}


async def test_a_batch_in_the_next_7_days(app: PlannerApp, tmp_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_caseload(pilot)
        await pilot.press("x")
        dialog = app.screen
        assert isinstance(dialog, BatchExportScreen)
        dialog.query_one("#field-who Select", Select).value = "7"
        dialog.query_one("#field-format Select", Select).value = ExportFormat.JSON
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "written to" in result_text(dialog), "the batch")
    folder = tmp_path / f"handover-summaries-{TODAY.isoformat()}"
    assert [p.name for p in folder.iterdir()] == ["B2345CD_Brown_2026-11-27.json"]


async def test_cancel_stops_a_batch_after_the_file_being_written(
    app: PlannerApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = threading.Event()

    def slow_batch(
        *args: Any, progress: Callable[..., None], stop: Callable[[], bool], **kwargs: Any
    ) -> list[Path]:
        first = tmp_path / "first.md"
        first.write_text("x")
        progress(1, 3, first)
        started.set()
        for _ in range(500):
            if stop():
                return [first]
            threading.Event().wait(0.01)
        raise AssertionError("never stopped")

    monkeypatch.setattr("planner.tui.screens.export_batch.export_batch", slow_batch)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await start_batch(pilot)
        await wait_until(pilot, started.is_set, "the first file")
        await pilot.press("escape")  # cancels; does not close
        await wait_until(pilot, lambda: "Stopped" in result_text(dialog), "the stop")
        assert app.screen is dialog
        assert "1 file of 5 written" in result_text(dialog)
        await pilot.press("escape")
        assert app.screen is not dialog


async def test_quitting_during_a_batch_stops_it_and_notes_whom_it_wrote(
    app: PlannerApp, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+Q while a batch is being written: planner stops it after the file being
    written, waits for it, and every summary written is noted in its person's history."""
    real_batch = export_service.export_batch
    started = threading.Event()

    def slowed_batch(*args: Any, progress: Callable[..., None], **kwargs: Any) -> list[Path]:
        def slowly(done: int, total: int, path: Path) -> None:
            progress(done, total, path)
            started.set()
            threading.Event().wait(0.3)

        return real_batch(*args, progress=slowly, **kwargs)

    monkeypatch.setattr(export_batch_module, "export_batch", slowed_batch)
    folder = tmp_path / "out"
    async with app.run_test(size=(80, 24)) as pilot:
        await start_batch(pilot, fmt=ExportFormat.MARKDOWN, folder=folder)
        await wait_until(pilot, started.is_set, "the first file")
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not app.is_running, "planner to quit")
    written = sorted(path.name[:7] for path in folder.iterdir())
    assert 0 < len(written) < 5  # stopped part way
    assert sorted(e.case or "" for e in audit_notes(db_path, EXPORTED_FIELD)) == written


def choice_labels(dialog: Any) -> list[str]:
    select = dialog.query_one("#field-who Select", Select)
    return [str(label) for label, value in select._options if value is not Select.NULL]


async def test_export_dialogs_say_due_for_release(app: PlannerApp) -> None:
    """Whom an export covers reads as who is due for release, never as released."""
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_caseload(pilot)
        await pilot.press("x")
        batch = app.screen
        assert isinstance(batch, BatchExportScreen)
        assert batch.query_one("#field-who", FormField).label == "Who"
        labels = choice_labels(batch)
        assert labels[:3] == [
            "Due for release in the next 7 days",
            "Due for release in the next 14 days",
            "Due for release in the next 28 days",
        ]
        assert re.fullmatch(r"The \d+ people shown", labels[3])
        await pilot.press("escape")
        await pilot.press("X")
        csv = app.screen
        assert isinstance(csv, CaseloadCsvScreen)
        labels = choice_labels(csv)
        assert labels[0].startswith("This view: ")
        assert labels[1:] == [
            "Everyone in the database (every item)",
            "Due for release in the next 28 days (every item)",
            "Due for release in the next 12 weeks (every item)",
        ]
        assert not any("eleased in" in label for label in labels)


async def test_caseload_csv(app: PlannerApp, db_path: Path, tmp_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_caseload(pilot)
        await pilot.press("X")
        dialog = app.screen
        assert isinstance(dialog, CaseloadCsvScreen)
        dialog.query_one("#field-who Select", Select).value = EVERYONE
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: dialog.written is not None, "the CSV")
    target = tmp_path / f"caseload-{TODAY.isoformat()}.csv"
    text = target.read_text(encoding="utf-8-sig")
    assert text.count("\n") == 8  # a header and seven people
    assert target.stat().st_mode & 0o777 == 0o600
    (noted,) = audit_notes(db_path, TABLE_FIELD)
    assert (noted.case, noted.new) == (
        None,
        f"the caseload CSV of 7 people to a file in {tmp_path}",
    )


async def test_a_large_pdf_batch_renders_in_worker_processes(
    app: PlannerApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PDFs of a large batch render in a process pool, started from inside the app (where
    sys.stderr is Textual's capture, whose fileno() is -1)."""
    monkeypatch.setattr("planner.export.service.POOL_THRESHOLD", 2)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_caseload(pilot)
        await pilot.press("x")
        dialog = app.screen
        assert isinstance(dialog, BatchExportScreen)
        dialog.query_one("#field-who Select", Select).value = "28"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not dialog.running, "the batch")
        assert result_text(dialog).startswith("2 files written to")
    folder = tmp_path / f"handover-summaries-{TODAY.isoformat()}"
    assert all(p.read_bytes().startswith(b"%PDF") for p in folder.iterdir())
