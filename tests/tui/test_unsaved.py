"""Leaving a form with unsaved changes asks: save, discard, or keep editing, on every form.

Each form is driven on a real database: "discard" leaves the files as they were (the
change number and the record on disk), "save" saves through the form's own save, "keep
editing" returns to the form with the edit intact, and an unchanged form closes at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input

from planner.domain.status import ItemStatus
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp
from planner.tui.screens.item_editor import ItemEditor
from planner.tui.screens.person import PersonScreen
from planner.tui.screens.person_form import PersonFormScreen
from planner.tui.screens.prompts import TextPrompt
from planner.tui.screens.unsaved import FormScreen, UnsavedChangesScreen
from planner.tui.screens.walkthrough import WalkThroughScreen
from tests.tui.conftest import settled, wait_for_caseload, wait_until
from tests.tui.test_person import on_disk, open_item, open_person, type_into


def change_number(db_path: Path) -> int:
    with CaseStore(db_path) as fresh:
        return fresh.change_number


def practice(db_path: Path) -> object:
    return on_disk(db_path, "A1234BC", "health.gp").evidence.get("practice")


def location(db_path: Path, number: str = "A1234BC") -> str:
    with CaseStore(db_path) as fresh:
        return fresh.get(number).person.location


def numbers(db_path: Path) -> list[str]:
    with CaseStore(db_path) as fresh:
        return fresh.numbers()


# --- opening each form with one change made -----------------------------------------------


async def edited_item(pilot: Pilot[Any]) -> FormScreen[Any]:
    person = await open_person(pilot, "A1234BC")
    editor = await open_item(pilot, person, "health.gp")
    await type_into(pilot, "#field-ev-practice Input", "Unsaved Surgery")
    return editor


async def edited_details(pilot: Pilot[Any]) -> FormScreen[Any]:
    await open_person(pilot, "A1234BC")
    await pilot.press("p")
    form = pilot.app.screen
    assert isinstance(form, PersonFormScreen)
    await type_into(pilot, "#field-location Input", "Z-9-099")
    return form


async def edited_circumstance(pilot: Pilot[Any]) -> FormScreen[Any]:
    """A tick box is a change too."""
    await open_person(pilot, "A1234BC")
    await pilot.press("p")
    form = pilot.app.screen
    assert isinstance(form, PersonFormScreen)
    form.query_one("#c-veteran", Checkbox).value = True
    await pilot.pause()
    return form


async def new_person(pilot: Pilot[Any]) -> FormScreen[Any]:
    await wait_for_caseload(pilot)
    await pilot.press("n")
    form = pilot.app.screen
    assert isinstance(form, PersonFormScreen)
    await type_into(pilot, "#field-number Input", "h2222hh")
    await type_into(pilot, "#field-forename Input", "Ivy")
    await type_into(pilot, "#field-surname Input", "Ives")
    return form


async def blocked_reason(pilot: Pilot[Any]) -> FormScreen[Any]:
    await open_person(pilot, "A1234BC")
    await pilot.press("w")
    walk = pilot.app.screen
    assert isinstance(walk, WalkThroughScreen)
    while walk.item_id != "health.gp":
        await pilot.press("right")
    await pilot.press("b")
    prompt = pilot.app.screen
    assert isinstance(prompt, TextPrompt)
    await pilot.press(*"No surgery nearby")
    return prompt


Opener = Callable[[Pilot[Any]], Awaitable[FormScreen[Any]]]


def item_saved(db_path: Path) -> bool:
    return practice(db_path) == "Unsaved Surgery"


def details_saved(db_path: Path) -> bool:
    return location(db_path) == "Z-9-099"


def circumstance_saved(db_path: Path) -> bool:
    with CaseStore(db_path) as fresh:
        return fresh.get("A1234BC").person.circumstances.veteran


def person_added(db_path: Path) -> bool:
    return "H2222HH" in numbers(db_path)


def reason_saved(db_path: Path) -> bool:
    gp = on_disk(db_path, "A1234BC", "health.gp")
    return gp.status is ItemStatus.BLOCKED and gp.reason == "No surgery nearby"


FORMS = [
    pytest.param(edited_item, item_saved, id="item editor"),
    pytest.param(edited_details, details_saved, id="details form"),
    pytest.param(edited_circumstance, circumstance_saved, id="details form tick box"),
    pytest.param(new_person, person_added, id="add-person form"),
    pytest.param(blocked_reason, reason_saved, id="walk-through reason"),
]


async def escape_asks(pilot: Pilot[Any], form: FormScreen[Any]) -> UnsavedChangesScreen:
    await pilot.press("escape")
    question = pilot.app.screen
    assert isinstance(question, UnsavedChangesScreen)
    assert pilot.app.screen_stack[-2] is form
    text = str(question.query_one("#unsaved-question").render())
    assert text.startswith(f"You have changed {form.what_is_edited}") and "not saved" in text
    return question


@pytest.mark.parametrize(("opened", "was_saved"), FORMS)
async def test_discard_leaves_the_database_as_it_was(
    app: PlannerApp, db_path: Path, opened: Opener, was_saved: Callable[[Path], bool]
) -> None:
    before = change_number(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await opened(pilot)
        await escape_asks(pilot, form)
        await pilot.press("d")
        await settled(pilot)
        assert form not in app.screen_stack
    assert change_number(db_path) == before
    assert not was_saved(db_path)


@pytest.mark.parametrize(("opened", "was_saved"), FORMS)
async def test_keep_editing_returns_to_the_form_as_it_was_and_save_saves_it(
    app: PlannerApp, db_path: Path, opened: Opener, was_saved: Callable[[Path], bool]
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        form = await opened(pilot)
        focused = app.focused
        await escape_asks(pilot, form)
        await pilot.press("escape")  # keep editing
        assert app.screen is form
        assert form.has_unsaved_changes()
        assert app.focused is focused
        assert not was_saved(db_path)
        await escape_asks(pilot, form)  # asked again, the edit still there: save it
        await pilot.press("s")
        await settled(pilot)
        await wait_until(pilot, lambda: form not in app.screen_stack, "the form to close")
    assert was_saved(db_path)  # what was typed before "keep editing" is what was saved


async def test_enter_alone_on_the_question_keeps_editing(app: PlannerApp, db_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        form = await edited_item(pilot)
        await escape_asks(pilot, form)
        await pilot.press("enter")
        assert app.screen is form
    assert practice(db_path) is None


async def test_an_unchanged_form_closes_without_asking(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, "A1234BC")
        await open_item(pilot, person, "health.gp")
        await pilot.press("escape")
        assert app.screen is person
        await pilot.press("p")
        assert isinstance(app.screen, PersonFormScreen)
        await pilot.press("escape")
        assert app.screen is person


async def test_a_change_typed_back_to_what_it_was_is_no_change(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, "A1234BC")
        editor = await open_item(pilot, person, "health.gp")
        await type_into(pilot, "#field-ev-practice Input", "x")
        await pilot.press("backspace", "escape")
        assert app.screen is person
        assert editor not in app.screen_stack


async def test_the_back_button_asks_as_escape_does(app: PlannerApp, db_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        form = await edited_item(pilot)
        assert isinstance(form, ItemEditor)
        form.query_one("#field-ev-practice Input", Input).value = "By button"
        await pilot.pause()
        form.action_back()
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesScreen)
        await pilot.press("d")
        assert isinstance(app.screen, PersonScreen)
    assert practice(db_path) is None


async def test_an_invalid_form_chosen_to_save_stays_open_with_its_messages(
    app: PlannerApp, db_path: Path
) -> None:
    before = numbers(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await new_person(pilot)
        await type_into(pilot, "#field-number Input", "A12BC")
        await escape_asks(pilot, form)
        await pilot.press("s")
        await settled(pilot)
        assert app.screen is form
    assert numbers(db_path) == before


@pytest.mark.parametrize(("answer", "kept"), [("d", False), ("s", True)])
async def test_quitting_with_a_changed_form_asks_too(
    app: PlannerApp, db_path: Path, answer: str, kept: bool
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        form = await edited_item(pilot)
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, UnsavedChangesScreen)
        await pilot.press("escape")  # keep editing: nothing quits
        assert app.screen_stack[-1] is form and app.is_running
        await pilot.press("ctrl+q")
        await pilot.press(answer)
        await settled(pilot)
        await wait_until(pilot, lambda: not app.is_running, "planner to quit")
    assert (practice(db_path) == "Unsaved Surgery") is kept


async def test_quitting_with_nothing_changed_just_quits(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, "A1234BC")
        await open_item(pilot, person, "health.gp")
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not app.is_running, "planner to quit")
