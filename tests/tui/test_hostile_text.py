"""Stored text on screen is shown as typed, and the forms refuse what the models refuse.

Whatever text is stored (markup such as `[/]`, a link, an escape sequence, a bidi
override, emoji, a long line), the caseload, person and history screens show it
literally and never break; what the models refuse is refused in the form, beside the
field, with nothing saved.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.app import App
from textual.widget import Widget
from textual.widgets import DataTable, Input, OptionList, Static, TextArea

from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.domain.template_loading import TemplateLibrary
from planner.domain.text import line_text, name_text, notes_text, visible
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp
from planner.tui.screens.caseload import CaseloadScreen
from planner.tui.screens.history import HistoryScreen
from planner.tui.screens.item_editor import ItemEditor
from planner.tui.screens.person import PersonScreen
from planner.tui.screens.person_form import PersonFormScreen
from planner.tui.screens.prompts import OfficerPrompt, TextPrompt
from planner.tui.screens.walkthrough import WalkThroughScreen
from planner.tui.widgets.case_table import CaseTable, fit
from tests.conftest import NOW, make_person
from tests.hostile_text import hostile_text
from tests.tui.conftest import build_app, inline_error, settled, wait_for_caseload, wait_until
from tests.tui.test_person import open_item, open_person

NUMBER = "H1234HH"
UNSAFE = {chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))} - {"\n"} | set(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def kept(rule: Callable[[str], str], text: str, fallback: str) -> str:
    """`text` as the model stores it, or `fallback` where the model refuses it (or it is
    blank)."""
    try:
        return rule(text.strip()) or fallback
    except ValueError:
        return fallback


def rendered(widget: Widget) -> str:
    """What a widget shows, as plain text."""
    if isinstance(widget, CaseTable):
        return "\n".join(
            "".join(s.text for s in widget.render_line(y)) for y in range(widget.size.height)
        )
    return str(widget.render())


def assert_safe(app: App[Any]) -> None:
    """Nothing on the screen would control the terminal or reorder what is read."""
    for widget in app.screen.query("Static, CaseTable"):
        assert not set(rendered(widget)) & UNSAFE, type(widget).__name__
    assert not set(str(app.screen.sub_title or "")) & UNSAFE


Texts = dict[str, str]


def seed(path: Path, template: Template, texts: Texts) -> None:
    with CaseStore(path, officer="Seeder", clock=lambda: NOW) as store:
        person = make_person(
            NUMBER,
            date(2026, 12, 16),
            surname=texts["surname"],
            forename=texts["forename"],
            location=texts["location"],
        )
        store.add(person, template)
        store.save_item(NUMBER, "accommodation.address", evidence={"address": texts["address"]})
        store.save_item(NUMBER, "bank.account", status=ItemStatus.BLOCKED, reason=texts["reason"])
        store.save_item(NUMBER, "bank.account", notes=texts["notes"])
        store.update_notes(NUMBER, texts["notes"])


async def look_at_every_screen(app: PlannerApp, texts: Texts) -> None:
    name = f"{texts['forename']} {texts['surname']}"
    async with app.run_test(size=(160, 40)) as pilot:
        caseload = await wait_for_caseload(pilot)
        table = caseload.query_one(CaseTable)
        assert fit(name, 20).rstrip() in rendered(table)
        assert visible(f"{NUMBER} {name}") in rendered(caseload.query_one("#preview", Static))
        assert_safe(app)

        person = await open_person(pilot, NUMBER)
        assert visible(name) in rendered(person.query_one("#person-header", Static))
        assert visible(name) in str(person.sub_title)
        gaps = person.query_one("#gaps", OptionList)
        prompts = [str(getattr(o.prompt, "plain", o.prompt)) for o in gaps.options]
        assert any(visible(texts["reason"], multiline=True) in p for p in prompts)
        assert_safe(app)

        await pilot.press("h")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        cells = {
            str(cell)
            for row in range(history.query_one(DataTable).row_count)
            for cell in history.query_one(DataTable).get_row_at(row)
        }
        for key in ("surname", "forename", "location", "address"):
            value = visible(texts[key])
            assert any(value[:59] in cell for cell in cells), key
        assert_safe(app)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.fixed_dictionaries(
        {
            key: hostile_text(max_size=4)
            for key in ("surname", "forename", "location", "address", "reason", "notes")
        }
    )
)
def test_any_stored_text_is_shown_literally_on_every_screen(raw: dict[str, str]) -> None:
    texts = {
        "surname": kept(name_text, raw["surname"][:80], "Plain"),
        "forename": kept(name_text, raw["forename"][:80], "Pat"),
        "location": kept(name_text, raw["location"][:40], "B-1"),
        "address": kept(line_text, raw["address"], "1 Plain Street"),
        "reason": kept(notes_text, raw["reason"], "A reason"),
        "notes": kept(notes_text, raw["notes"], "A note"),
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "planner.db"
        seed(path, TemplateLibrary().get("england-wales"), texts)
        with CaseStore(path, officer="Test Officer", clock=lambda: NOW) as store:
            asyncio.run(look_at_every_screen(build_app(store), texts))


async def test_markup_and_escapes_chosen_by_hand_are_shown_literally(
    db_path: Path, template: Template
) -> None:
    texts = {
        "surname": "[/]",
        "forename": "Jim [aka Jimmy]",
        "location": "[bold]B[/bold]",
        "address": "[link=http://evil.example/]click[/link]",
        "reason": "[link=http://evil.example/]click[/link] [bold green]DONE[/]",
        "notes": "line one\n[red]line two[/red]",
    }
    seed(db_path, template, texts)
    with CaseStore(db_path, officer="Test Officer", clock=lambda: NOW) as store:
        await look_at_every_screen(build_app(store), texts)


# --- entry: the forms refuse what the models refuse -----------------------------------------


def paste(screen: Any, selector: str, text: str) -> None:
    """What a paste does: the whole text in the field at once (an ESC cannot be typed)."""
    widget = screen.query_one(selector, Input)
    widget.focus()
    widget.value = text


def fill_form(form: Any, **fields: str) -> None:
    for field, text in fields.items():
        paste(form, f"#field-{field} Input", text)


async def test_the_person_form_refuses_control_and_bidi_characters_beside_the_field(
    app: PlannerApp, db_path: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_caseload(pilot)
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, PersonFormScreen)
        fill_form(
            form,
            number="H1111HH",
            forename="Esc\x1b[2J",
            surname="Smith\u202e",
            location="B\u200b2",
            release_date="9999-12-31",
        )
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert isinstance(app.screen, PersonFormScreen)
        assert inline_error(form, "forename") == "contains a control character (U+001B)"
        assert "bidirectional control character (U+202E)" in inline_error(form, "surname")
        assert "zero-width character (U+200B)" in inline_error(form, "location")
        assert "9999-12-31 is not between 1900-01-01 and" in inline_error(form, "release_date")
        fill_form(form, date_of_birth="31/12/1899")
        await pilot.pause()
        assert "1899-12-31 is not between" in inline_error(form, "date_of_birth")

        fill_form(
            form,
            forename="[/]",
            surname="Jim [aka Jimmy]",
            location="B-2",
            release_date="2027-01-14",
            date_of_birth="",
        )
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, PersonScreen), "the person")
        header = rendered(app.screen.query_one("#person-header", Static))
        assert header.startswith("[/] Jim [aka Jimmy]")
    with CaseStore(db_path) as fresh:
        assert fresh.get("H1111HH").person.surname == "Jim [aka Jimmy]"


async def test_the_item_editor_refuses_them_in_evidence_reason_and_notes(
    app: PlannerApp, db_path: Path
) -> None:
    with CaseStore(db_path) as before:
        record = before.get("A1234BC").checklist.item("accommodation.address")
    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, "A1234BC")
        editor = await open_item(pilot, person, "accommodation.address")
        paste(editor, "#field-ev-address Input", "1 Road\x1b]8;;http://evil.example/\x07")
        paste(editor, "#field-reason Input", "why \u2066not\u2069")
        editor.query_one("#notes", TextArea).text = "fine\nthen \x9b2J"
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert isinstance(app.screen, ItemEditor)
        assert inline_error(editor, "ev-address") == "Contains a control character (U+001B)"
        assert "bidirectional control character (U+2066)" in inline_error(editor, "reason")
        notes_error = rendered(editor.query_one("#notes-error", Static))
        assert notes_error == "Contains a control character (U+009B)"
    with CaseStore(db_path) as after:
        assert after.get("A1234BC").checklist.item("accommodation.address") == record


async def test_an_evidence_date_out_of_range_is_refused_beside_the_field(
    app: PlannerApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, "A1234BC")
        editor = await open_item(pilot, person, "bank.account")
        paste(editor, "#field-ev-date_applied Input", "01/01/0001")
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert isinstance(app.screen, ItemEditor)
        assert "0001-01-01 is not between 1900-01-01" in inline_error(editor, "ev-date_applied")


async def test_the_walk_through_reason_refuses_a_bidi_override(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_person(pilot, "A1234BC")
        await pilot.press("w")
        assert isinstance(app.screen, WalkThroughScreen)
        await pilot.press("b")
        prompt = app.screen
        assert isinstance(prompt, TextPrompt)
        paste(prompt, "#prompt-input", "cost \u202e0001")
        await pilot.press("enter")
        assert isinstance(app.screen, TextPrompt)
        error = rendered(prompt.query_one("#prompt-error", Static))
        assert error == "Contains a bidirectional control character (U+202E)"


async def test_the_first_run_name_prompt_refuses_an_escape(caseload: CaseStore) -> None:
    app = build_app(caseload, officer=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, OfficerPrompt), "the prompt")
        paste(app.screen, "#officer-name", "Sam\x1b[2J")
        await pilot.press("enter")
        assert isinstance(app.screen, OfficerPrompt)
        error = rendered(app.screen.query_one("#officer-error", Static))
        assert error == "Contains a control character (U+001B)"
        assert isinstance(app.screen_stack[0], CaseloadScreen)
