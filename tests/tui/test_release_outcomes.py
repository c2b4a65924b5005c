"""The release-outcomes form, driven on a real database: opened with `o` from the person
screen, answers saved to the file (unknown kept apart from no), the person marked
released, follow-ups recorded later, and a bad date refused beside its field with
nothing written."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Select

from planner.domain.outcome_measures import UNKNOWN
from planner.domain.person import CaseState
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp
from planner.tui.screens.person import PersonScreen
from planner.tui.screens.release_outcomes import ReleaseOutcomesScreen
from planner.tui.screens.unsaved import UnsavedChangesScreen
from tests.tui.conftest import inline_error, settled, wait_until
from tests.tui.test_person import open_person
from tests.tui.test_person_contacts import change_number

NUMBER = "D4567EF"  # release date Mon 2 Nov 2026 has passed; still active


async def open_outcomes(pilot: Pilot[Any]) -> ReleaseOutcomesScreen:
    await pilot.press("o")
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, ReleaseOutcomesScreen)
    return form


def choose(form: ReleaseOutcomesScreen, field: str, value: str) -> None:
    form.query_one(f"#field-{field} Select", Select).value = value


async def save_and_close(pilot: Pilot[Any], person: PersonScreen) -> None:
    await pilot.press("ctrl+s")
    await settled(pilot)
    await wait_until(pilot, lambda: pilot.app.screen is person, "the form to close")


def stored(db_path: Path) -> Any:
    with CaseStore(db_path) as fresh:
        return fresh.get(NUMBER)


async def test_release_day_answers_are_saved_and_the_person_is_released(
    app: PlannerApp, db_path: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, NUMBER)
        assert "o" in person.active_bindings  # in the footer and on the F1 screen
        form = await open_outcomes(pilot)
        assert form.query_one("#field-released_on Input", Input).value == "02/11/2026"
        bank = form.query_one("#field-answer_bank Select", Select)
        assert bank.value == UNKNOWN  # a first recording starts at Unknown, never No
        assert not form.query("#field-answer_treatment")  # no substance misuse need
        choose(form, "answer_first_night", "cas")
        choose(form, "answer_bank", "no")
        choose(form, "answer_planned_day", "on_day")
        await pilot.pause()
        await save_and_close(pilot, person)
        await wait_until(pilot, lambda: person.case is not None and person.case.outcome is not None)

    case = stored(db_path)
    assert case.person.state is CaseState.RELEASED
    assert case.outcome.released_on == date(2026, 11, 2)
    assert case.outcome.answers == {
        "first_night": "cas",
        "id": UNKNOWN,
        "bank": "no",
        "uc": UNKNOWN,
        "planned_day": "on_day",
    }
    assert case.outcome.recorded_by == "Test Officer"


async def test_follow_ups_are_recorded_later_and_a_bad_date_is_refused(
    app: PlannerApp, db_path: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, NUMBER)
        form = await open_outcomes(pilot)
        await save_and_close(pilot, person)  # release day, everything unknown
        await wait_until(pilot, lambda: person.case is not None and person.case.outcome is not None)

        form = await open_outcomes(pilot)
        hint = str(form.query_one("#field-follow_jobcentre_kept .hint").render())
        assert "Did they attend their first jobcentre appointment?" in hint
        assert "Due Mon 16 Nov 2026." in hint
        choose(form, "follow_jobcentre_kept", "yes")
        form.query_one("#field-follow_up_on Input", Input).value = "01/11/2026"
        await pilot.pause()
        before = change_number(db_path)
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert pilot.app.screen is form  # still open, nothing saved
        assert "before the release on 02/11/2026" in inline_error(form, "follow_jobcentre_kept")
        assert change_number(db_path) == before

        form.query_one("#field-follow_up_on Input", Input).value = "18/11/2026"
        await pilot.pause()
        await save_and_close(pilot, person)

        # Esc with a change not saved asks first; discarding writes nothing.
        form = await open_outcomes(pilot)
        choose(form, "follow_employed_6w", "no")
        await pilot.pause()
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, UnsavedChangesScreen)
        await pilot.press("d")
        await settled(pilot)

    outcome = stored(db_path).outcome
    assert {k: (v.answer, v.recorded_on) for k, v in outcome.follow_ups.items()} == {
        "jobcentre_kept": ("yes", date(2026, 11, 18))
    }
    assert set(outcome.answers.values()) == {UNKNOWN}


async def test_a_long_measure_label_wraps_at_80_columns_rather_than_being_cut(
    app: PlannerApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_person(pilot, NUMBER)
        form = await open_outcomes(pilot)
        await pilot.pause()
        label = form.query_one("#field-answer_uc Label")
        shown = label.render_lines(label.region.reset_offset)
        text = " ".join("".join(s.text for s in line).strip() for line in shown)
        assert "jobcentre appointment booked" in text  # the whole label, on two lines
        assert label.region.height >= 2
