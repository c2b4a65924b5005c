"""Contacts in the details form: entered, checked as the CLI checks them, saved, shown.

Driven on a real database: the COM typed into the form is read back from the file by a
fresh CaseStore, the missing-COM flag goes, a bad email is refused beside its field with
nothing written, and leaving with a contact changed and not saved asks first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static

from planner.domain.flags import FlagKind
from planner.domain.gaps import evaluate
from planner.domain.template import Template
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp
from planner.tui.screens.person import PersonScreen
from planner.tui.screens.person_form import PersonFormScreen
from planner.tui.screens.unsaved import UnsavedChangesScreen
from tests.conftest import TODAY
from tests.tui.conftest import inline_error, settled, wait_until
from tests.tui.test_person import open_person, type_into

NUMBER = "A1234BC"  # due for release in 23 days with no COM: the flag is critical


def change_number(db_path: Path) -> int:
    with CaseStore(db_path) as fresh:
        return fresh.change_number


def no_com_flags(db_path: Path, template: Template) -> list[object]:
    with CaseStore(db_path) as fresh:
        case = fresh.get(NUMBER)
        flags = evaluate(case, fresh.template_for(case), TODAY).flags
    return [flag for flag in flags if flag.kind is FlagKind.NO_COM]


def flag_kinds(screen: PersonScreen) -> set[FlagKind]:
    assert screen.evaluation is not None
    return {flag.kind for flag in screen.evaluation.flags}


async def fill(pilot: Pilot[Any], selector: str, text: str) -> None:
    """As if typed (the form hears the change), without a key press per character."""
    pilot.app.screen.query_one(selector, Input).value = text
    await pilot.pause()


async def open_details(pilot: Pilot[Any]) -> PersonFormScreen:
    await pilot.press("p")
    form = pilot.app.screen
    assert isinstance(form, PersonFormScreen)
    return form


async def test_a_com_entered_in_the_form_is_saved_and_the_flag_goes(
    app: PlannerApp, db_path: Path, template: Template
) -> None:
    assert no_com_flags(db_path, template)
    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, NUMBER)
        assert FlagKind.NO_COM in flag_kinds(person)
        contacts = str(person.query_one("#person-contacts", Static).render())
        assert "COM: not recorded (p adds one)" in contacts

        # A change to a contact, then Escape: it asks, and "discard" writes nothing.
        before = change_number(db_path)
        form = await open_details(pilot)
        await type_into(pilot, "#field-com Input", "Sam Reed")
        await pilot.press("escape")
        assert isinstance(app.screen, UnsavedChangesScreen)
        await pilot.press("d")
        await settled(pilot)
        assert form not in app.screen_stack
        assert change_number(db_path) == before

        # A bad email is refused beside its field, as `planner update --com-email` is.
        form = await open_details(pilot)
        await fill(pilot, "#field-com Input", "Sam Reed")
        await type_into(pilot, "#field-com_email Input", "sam.reed")
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert app.screen_stack[-1] is form  # still open, nothing saved
        assert inline_error(form, "com_email").startswith("Email is not an email address")
        assert change_number(db_path) == before

        await fill(pilot, "#field-com_email Input", "sam.reed@justice.example")
        await fill(pilot, "#field-com_pdu Input", "Leeds North")
        await fill(pilot, "#field-com_phone Input", "0113 496 0000")
        await fill(pilot, "#field-pom Input", "Chris Patel")
        await fill(pilot, "#field-phone Input", "07700 900123")
        await pilot.press("ctrl+s")
        await settled(pilot)
        await wait_until(pilot, lambda: app.screen is person, "the form to close")
        assert FlagKind.NO_COM not in flag_kinds(person)
        contacts = str(person.query_one("#person-contacts", Static).render())
        assert "COM: Sam Reed, Leeds North PDU, 0113 496 0000, sam.reed@justice.example" in (
            contacts
        )
        assert "POM: Chris Patel" in contacts and "Their own: 07700 900123" in contacts

    with CaseStore(db_path) as fresh:
        saved = fresh.get(NUMBER).person
    com = saved.community_offender_manager
    assert (com.name, com.unit, com.phone, com.email) == (
        "Sam Reed",
        "Leeds North",
        "0113 496 0000",
        "sam.reed@justice.example",
    )
    assert saved.prison_offender_manager.name == "Chris Patel"
    assert saved.phone == "07700 900123" and saved.email == ""
    assert no_com_flags(db_path, template) == []
