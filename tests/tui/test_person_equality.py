"""Equality fields in the details form: religion and sentence length entered, checked,
saved to the file, and a length that is not one refused beside its field."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Select

from planner.domain.sentence import SentenceLength
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp
from tests.tui.conftest import inline_error, settled, wait_until
from tests.tui.test_person import open_person
from tests.tui.test_person_contacts import NUMBER, change_number, fill, open_details


async def test_religion_and_sentence_are_saved_and_a_bad_length_is_refused(
    app: PlannerApp, db_path: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, NUMBER)
        before = change_number(db_path)
        form = await open_details(pilot)
        form.query_one("#field-religion Select", Select).value = "sikh"
        await fill(pilot, "#field-sentence Input", "two years")
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert app.screen_stack[-1] is form
        assert inline_error(form, "sentence").startswith("Sentence length: 'two years'")
        assert change_number(db_path) == before

        await fill(pilot, "#field-sentence Input", "2y 6m")
        await pilot.press("ctrl+s")
        await settled(pilot)
        await wait_until(pilot, lambda: app.screen is person, "the form to close")

        form = await open_details(pilot)  # shown back as it can be typed
        assert form.query_one("#field-sentence Input").value == "2y 6m"  # type: ignore[attr-defined]
        assert form.query_one("#field-religion Select", Select).value == "sikh"

    with CaseStore(db_path) as fresh:
        saved = fresh.get(NUMBER).person
    assert (saved.religion, saved.sentence) == ("sikh", SentenceLength(years=2, months=6))
