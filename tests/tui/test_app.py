"""App-wide: keys and help, the command palette, themes, the first run, failures."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.widgets import OptionList

from planner.config import config_path
from planner.store.errors import DatabaseLocked
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp, make_app
from planner.tui.commands import ScreenCommands, screen_bindings
from planner.tui.keys import binding_owners, known_binding_ids
from planner.tui.screens.caseload import CaseloadScreen
from planner.tui.screens.conflict import ConflictScreen
from planner.tui.screens.export_batch import BatchExportScreen
from planner.tui.screens.export_case import ExportScreen
from planner.tui.screens.export_caseload import CaseloadCsvScreen
from planner.tui.screens.export_dialog import ExportDialog
from planner.tui.screens.help import HelpScreen
from planner.tui.screens.history import HistoryScreen
from planner.tui.screens.import_csv import ImportScreen
from planner.tui.screens.item_editor import ItemEditor
from planner.tui.screens.person import PersonScreen
from planner.tui.screens.person_form import PersonFormScreen
from planner.tui.screens.prompts import ConfirmScreen, OfficerPrompt, PickerScreen, TextPrompt
from planner.tui.screens.walkthrough import WalkThroughScreen
from planner.tui.widgets.case_table import CaseTable
from tests.conftest import TODAY
from tests.tui.conftest import build_app, wait_for_caseload, wait_until

ALL_BINDINGS: list[type[Any]] = binding_owners()


def test_every_screen_with_keys_is_found_without_a_list() -> None:
    found = set(ALL_BINDINGS)
    assert {PlannerApp, CaseloadScreen, PersonScreen, WalkThroughScreen, CaseTable} <= found
    assert {HistoryScreen, ItemEditor, ConflictScreen, PersonFormScreen, ImportScreen} <= found
    assert {HelpScreen, PickerScreen, TextPrompt, ConfirmScreen, OfficerPrompt} <= found
    # A screen that only inherits its keys (each export dialog) is covered by its parent.
    for dialog in (ExportScreen, BatchExportScreen, CaseloadCsvScreen):
        assert "BINDINGS" not in vars(dialog) and dialog.BINDINGS is ExportDialog.BINDINGS


@pytest.mark.parametrize("owner", ALL_BINDINGS, ids=lambda c: c.__name__)
def test_every_binding_has_an_id_and_a_description(owner: type[Any]) -> None:
    for binding in owner.BINDINGS:
        assert isinstance(binding, Binding)
        assert binding.id, f"{owner.__name__}: {binding.key} has no id"
        assert binding.description, f"{owner.__name__}: {binding.key} has no description"


def test_every_binding_id_can_be_remapped_and_is_unique() -> None:
    ids = [b.id for owner in binding_owners() for b in owner.BINDINGS if isinstance(b, Binding)]
    assert len(ids) == len(set(ids))
    for owner in ALL_BINDINGS:
        assert {b.id for b in owner.BINDINGS if isinstance(b, Binding)} <= known_binding_ids()


@pytest.mark.parametrize(
    "owner", [s for s in ALL_BINDINGS if issubclass(s, Screen)], ids=lambda c: c.__name__
)
def test_escape_goes_back_everywhere(owner: type[Any]) -> None:
    # A screen's keys include those it inherits (Textual merges BINDINGS down the classes).
    bindings = [
        b for cls in owner.__mro__ for b in vars(cls).get("BINDINGS", []) if isinstance(b, Binding)
    ]
    if owner is CaseloadScreen:  # the first screen: Escape clears the search and filters
        bindings = [b for b in bindings if b.action == "clear"]
    keys = {k for b in bindings for k in b.key.split(",")}
    assert "escape" in keys


async def test_question_mark_and_f1_show_the_keys_of_the_screen(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_caseload(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = [k.description for k in app.screen.keys]
        assert {"7 days", "Critical", "Search", "Open", "Keys"} <= set(keys)
        await pilot.press("escape")
        assert isinstance(app.screen, CaseloadScreen)
        await pilot.press("enter", "f1")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = [k.description for k in help_screen.keys]
        assert {"Walk me through", "History", "Back"} <= set(keys)
        await pilot.press("f1")
        assert isinstance(app.screen, PersonScreen)


async def test_the_palette_lists_the_current_screens_actions(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        screen.open_number("A1234BC")
        await pilot.pause()
        titles = [b.binding.description for b in screen_bindings(app.screen)]
        assert "Walk me through" in titles and "Back" in titles
        assert ScreenCommands in app.COMMANDS
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"walk")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, WalkThroughScreen), "the walk")


async def test_theme_switch_is_saved_in_the_config(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_caseload(pilot)
        await pilot.press("ctrl+t")
        assert isinstance(app.screen, PickerScreen)
        picker = app.screen.query_one(OptionList)
        while (
            picker.highlighted_option is None
            or picker.highlighted_option.id != "planner-high-contrast"
        ):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "planner-high-contrast"
    saved = tomllib.loads(config_path().read_text(encoding="utf-8"))
    assert saved["theme"] == "planner-high-contrast"


async def test_saved_theme_is_used_at_start(caseload: CaseStore) -> None:
    app = build_app(caseload, theme="planner-high-contrast-light")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_caseload(pilot)
        assert app.theme == "planner-high-contrast-light"
    app = build_app(caseload, theme="no-such-theme")
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == "textual-dark"


async def test_first_run_asks_for_the_officer_and_saves_it(
    caseload: CaseStore, db_path: Path
) -> None:
    app = build_app(caseload, officer=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OfficerPrompt)
        await pilot.press("enter")  # a name is needed
        assert isinstance(app.screen, OfficerPrompt)
        await pilot.press(*"Sam  Jones", "enter")
        screen = await wait_for_caseload(pilot)
        assert app.screen_stack[-1] == screen
        screen.open_number("A1234BC")
        await pilot.pause()
        await pilot.press("p", "ctrl+s")  # an unchanged save writes nothing
        await pilot.pause()
    saved = tomllib.loads(config_path().read_text(encoding="utf-8"))
    assert saved["officer"] == "Sam Jones"
    assert caseload.officer == "Sam Jones"


async def test_leaving_the_first_run_prompt_quits_with_a_reason(caseload: CaseStore) -> None:
    app = build_app(caseload, officer=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 1
    assert app.session.failure is not None and "--officer" in app.session.failure


async def test_a_store_that_will_not_open_ends_with_its_message(db_path: Path) -> None:
    def opener() -> CaseStore:
        raise DatabaseLocked("planner.db is busy: another planner has held it for over 15 s")

    from planner.config import Settings

    app = make_app(opener, today=TODAY, settings=Settings(officer="X"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.session.failure is not None, "the failure")
    assert app.return_code == 1
    assert app.session.failure is not None and "is busy" in app.session.failure


async def test_works_at_80_by_24(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        table = screen.query_one(CaseTable)
        assert table.size.height >= 8
        await pilot.press("enter")
        person = app.screen
        assert isinstance(person, PersonScreen)
        assert person.query_one("#checklist").size.height >= 8
