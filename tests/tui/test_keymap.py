"""Remapped keys: the config file's [keys] table, by binding id."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from planner.config import load_settings
from planner.domain.template_loading import TemplateLibrary
from planner.store.repository import CaseStore
from planner.tui.app import make_app
from planner.tui.keys import checked_keymap, known_binding_ids
from planner.tui.screens.export_case import ExportScreen
from planner.tui.screens.help import HelpScreen
from planner.tui.screens.person import PersonScreen
from planner.tui.screens.walkthrough import WalkThroughScreen
from tests.conftest import TODAY
from tests.tui.conftest import OFFICER, wait_for_caseload
from tests.tui.test_person import open_person

CONFIG = """\
officer = "Test Officer"

[keys]
person.export = "ctrl+e"
"caseload.search" = "f"
"""


def test_keys_are_read_from_the_config_file_dotted_or_quoted(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    settings = load_settings(path)
    assert settings.keys == {"person.export": "ctrl+e", "caseload.search": "f"}


def test_unknown_ids_and_empty_keys_are_reported() -> None:
    usable, problems = checked_keymap(
        {"person.export": " ctrl+e , f9 ", "person.nope": "z", "person.walk": " "}
    )
    assert usable == {"person.export": "ctrl+e,f9"}
    assert problems == ["no key has the id 'person.nope'", "'person.walk' is given no key"]
    assert {"app.help", "caseload.export", "person.export", "export.replace"} <= (
        known_binding_ids()
    )


def test_a_renamed_id_still_works_and_says_its_new_name() -> None:
    usable, problems = checked_keymap({"caseload.overdue": "O"})
    assert usable == {"caseload.release_passed": "O"}
    assert problems == ["'caseload.overdue' is now called 'caseload.release_passed': used as that"]
    assert "caseload.overdue" not in known_binding_ids()  # "overdue" is for items past due


async def test_remapped_keys_replace_the_defaults(caseload: CaseStore, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG + '"person.nope" = "z"\n', encoding="utf-8")
    settings = load_settings(path)
    app = make_app(caseload, today=TODAY, settings=settings, templates=TemplateLibrary())
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await wait_for_caseload(pilot)
        assert any("no key has the id 'person.nope'" in n.message for n in app._notifications)
        await pilot.press("f")
        assert app.focused is screen.query_one("#search", Input)
        await pilot.press("escape")
        person = await open_person(pilot, "A1234BC")
        await pilot.press("x")  # the default key no longer exports
        assert app.screen is person
        await pilot.press("f1")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = {k.description: k.key for k in help_screen.keys}
        assert keys["Export"] == "^e"
        await pilot.press("escape", "ctrl+e")
        assert isinstance(app.screen, ExportScreen)
    assert app.session.officer == OFFICER


async def test_a_key_taken_from_another_action_is_reported(caseload: CaseStore) -> None:
    settings = load_settings(Path("/nonexistent/config.toml")).model_copy(
        update={"officer": OFFICER, "keys": {"person.export": "w"}}
    )
    app = make_app(caseload, today=TODAY, settings=settings, templates=TemplateLibrary())
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_person(pilot, "A1234BC")
        await pilot.press("w")
        assert isinstance(app.screen, ExportScreen)
        assert not isinstance(app.screen, WalkThroughScreen)
        told = [n.message for n in app._notifications]
        assert told == [
            "Config file [keys]: 'person.export' took w, so 'person.walk' (Walk me through) "
            "has no key: give it one."
        ]
        await pilot.press("escape")
        assert isinstance(app.screen, PersonScreen)
