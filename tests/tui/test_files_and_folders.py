"""Where imports and exports go: the folder rule, the file picker, the remembered folder.

Real databases, real files and a real config file (PLANNER_CONFIG, in the test's home):
an export path ending in "/" is a folder; F2 in the import dialog opens a file picker
(textual-fspicker) that is driven by keys; the check lists who would be added and who
updated with each change (old -> new); the folder last used is kept in the config file
without losing the officer's comments, and is where the next run starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static
from textual_fspicker import FileOpen, FileSave

from planner.config import config_path, load_settings
from planner.domain.template_loading import TemplateLibrary
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp, make_app
from planner.tui.screens.export_case import ExportScreen
from planner.tui.screens.import_csv import ImportScreen
from planner.tui.screens.prompts import ConfirmScreen
from tests.conftest import TODAY
from tests.tui.conftest import OFFICER, wait_for_caseload, wait_until
from tests.tui.test_person import open_person

A1234BC_PDF = "A1234BC_Example_2026-12-16.pdf"
CSV = (
    "Prison Number,Surname,Forename,Date of Birth,CRD,Cell\r\n"
    "A1234BC,Example,Alex,17/05/1990,18/12/2026,Z-9-001\r\n"
    "H5555HH,Hollis,Hal,01/02/1985,20/01/2027,A-1-001\r\n"
)
COMMENTED_CONFIG = '# Sam\'s settings: keep this note\nofficer = "Test Officer"  # me\n'


def app_from_config(store: CaseStore) -> PlannerApp:
    """The app as `planner` builds it: settings read from the config file."""
    settings = load_settings()
    return make_app(
        store, today=TODAY, settings=settings, templates=TemplateLibrary(), officer=OFFICER
    )


def report(screen: ImportScreen) -> str:
    return str(screen.query_one("#import-report", Static).render())


async def export_dialog(pilot: Pilot[Any]) -> ExportScreen:
    await open_person(pilot, "A1234BC")
    await pilot.press("x")
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportScreen)
    return dialog


async def write_to(pilot: Pilot[Any], dialog: ExportScreen, typed: str) -> Path:
    field = dialog.query_one("#field-path Input", Input)
    field.value = typed
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: dialog.written is not None, "the file")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), "the offer")
    await pilot.press("n")
    assert dialog.written is not None
    return dialog.written


async def test_an_export_path_ending_in_a_slash_is_a_folder_made_if_missing(
    app: PlannerApp, tmp_path: Path
) -> None:
    folder = tmp_path / "for probation"
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await export_dialog(pilot)
        written = await write_to(pilot, dialog, f"{folder}/")
    assert written == folder / A1234BC_PDF
    assert written.read_bytes().startswith(b"%PDF")
    assert folder.stat().st_mode & 0o777 == 0o700


async def test_an_export_path_naming_a_folder_writes_into_it(
    app: PlannerApp, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await export_dialog(pilot)
        written = await write_to(pilot, dialog, str(folder))
    assert written == folder / A1234BC_PDF


async def test_the_export_folder_is_remembered_across_a_restart_keeping_comments(
    caseload: CaseStore, tmp_path: Path
) -> None:
    config = config_path()
    config.write_text(COMMENTED_CONFIG, encoding="utf-8")
    folder = tmp_path / "handovers"
    async with app_from_config(caseload).run_test(size=(80, 24)) as pilot:
        dialog = await export_dialog(pilot)
        assert dialog.query_one("#field-path Input", Input).value == str(tmp_path / A1234BC_PDF)
        await write_to(pilot, dialog, f"{folder}/")
    text = config.read_text(encoding="utf-8")
    assert text.startswith(COMMENTED_CONFIG)  # the officer's lines, as they were
    assert load_settings().last_export_folder == str(folder)

    async with app_from_config(caseload).run_test(size=(80, 24)) as pilot:
        dialog = await export_dialog(pilot)
        assert dialog.query_one("#field-path Input", Input).value == str(folder / A1234BC_PDF)
        await pilot.press("f2")
        picker = pilot.app.screen
        assert isinstance(picker, FileSave)
        await pilot.press("escape")
        assert pilot.app.screen is dialog


async def test_a_missing_remembered_folder_falls_back_to_home(
    caseload: CaseStore, tmp_path: Path
) -> None:
    config_path().write_text(f'last_export_folder = "{tmp_path / "gone"}"\n', encoding="utf-8")
    async with app_from_config(caseload).run_test(size=(80, 24)) as pilot:
        dialog = await export_dialog(pilot)
        assert dialog.query_one("#field-path Input", Input).value == str(tmp_path / A1234BC_PDF)


async def test_import_picks_the_file_then_checks_it_listing_adds_and_updates(
    caseload: CaseStore, db_path: Path, tmp_path: Path
) -> None:
    """F2 opens the picker in the home folder; choosing the CSV fills the path; the check
    lists who would be added and who updated, old -> new, and writes nothing."""
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    (downloads / "releases.csv").write_text(CSV, encoding="utf-8")
    before = caseload.change_number
    async with app_from_config(caseload).run_test(size=(80, 24)) as pilot:
        await wait_for_caseload(pilot)
        await pilot.press("i")
        dialog = app_screen = pilot.app.screen
        assert isinstance(dialog, ImportScreen)
        await pilot.press("f2")
        picker = pilot.app.screen
        assert isinstance(picker, FileOpen)
        entries = picker.query_one(OptionList)
        entries.focus()
        await pilot.pause()
        await highlight(pilot, entries, "Downloads")
        await pilot.press("enter")  # into Downloads
        await wait_until(pilot, lambda: "releases.csv" in names(entries), "the folder's files")
        await highlight(pilot, entries, "releases.csv")
        await pilot.press("enter")  # the name goes into the picker's field
        await pilot.press("enter")  # and is chosen
        assert pilot.app.screen is app_screen
        path = dialog.query_one("#field-path Input", Input).value
        assert Path(path) == downloads / "releases.csv"

        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "check only" in report(dialog), "the check")
        text = report(dialog)
        assert "would add H5555HH Hal Hollis, release Wed 20 Jan 2027" in text
        assert "would update A1234BC Alex Example" in text
        assert "Release date: Wed 16 Dec 2026 -> Fri 18 Dec 2026" in text
        assert "Location:" in text and "-> Z-9-001" in text
        assert "would add 1, would update 1" in text
    assert caseload.change_number == before
    with CaseStore(db_path) as fresh:
        assert "H5555HH" not in fresh.numbers()
    assert load_settings().last_import_folder == str(downloads)


def names(entries: OptionList) -> list[str]:
    """The names the picker lists (its entries know their paths)."""
    options = (entries.get_option_at_index(i) for i in range(entries.option_count))
    return [getattr(option, "location", Path()).name for option in options]


async def highlight(pilot: Pilot[Any], entries: OptionList, name: str) -> None:
    """Move down the picker's list, key by key, to `name`."""
    wanted = names(entries).index(name)
    while entries.highlighted != wanted:
        await pilot.press("down" if (entries.highlighted or 0) < wanted else "up")
