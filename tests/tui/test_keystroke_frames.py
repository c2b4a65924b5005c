"""A search letter, or a filter typed or pasted into the bar, changes what the caseload
shows without laying the screen out again: each layout pass is a frame of its own (tens
of milliseconds at 20,000 people), and the table's scrollbars used to be drawn in more
frames after it. Textual's own widgets are what would bring the passes back (the fields'
and the table's sizes are reactive), so this is checked on the real app."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from planner.tui.app import PlannerApp
from planner.tui.widgets.case_table import CaseTable
from tests.tui.conftest import wait_for_caseload, wait_until

FILTER = "release within 84 and bank.account != done"


def count_layouts(screen: Screen[Any]) -> list[int]:
    """How many times the screen is laid out from now on (one counter, in a list)."""
    passes = [0]
    original = screen._refresh_layout

    def counted(*args: Any, **kwargs: Any) -> None:
        passes[0] += 1
        original(*args, **kwargs)

    screen._refresh_layout = counted  # type: ignore[method-assign]
    return passes


async def settled(pilot: Pilot[Any]) -> None:
    """The caseload read to the end (its later stages lay the screen out, as they should)
    and the key just pressed handled: what comes after is the keystrokes' own work."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_search_letters_lay_nothing_out(app: PlannerApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_for_caseload(pilot)
        shown = len(screen.table.rows)
        await pilot.press("slash")
        await settled(pilot)
        passes = count_layouts(screen)
        await pilot.press("a")  # the first letter adds the column saying where each is
        await wait_until(pilot, lambda: screen.filter.text == "a", "the search")
        await pilot.press("l", "e")
        await wait_until(pilot, lambda: screen.filter.text == "ale", "the search")
        assert [row.name for row in screen.table.rows] == ["Alex Example"]
        await pilot.press("backspace", "backspace", "backspace")
        await wait_until(pilot, lambda: not screen.filter.text, "the search cleared")
        await pilot.pause()
        assert passes == [0]
        assert len(screen.table.rows) == shown


async def test_a_filter_in_the_open_bar_lays_nothing_out(app: PlannerApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_for_caseload(pilot)
        await pilot.press("f")
        await settled(pilot)
        passes = count_layouts(screen)
        field = screen.query_one("#filter")
        field.post_message(events.Paste(FILTER))
        await wait_until(pilot, lambda: screen.applied.text == FILTER, "the filter")
        await pilot.press("space", "a", "n", "d", "space", *"state = active")
        typed = FILTER + " and state = active"
        await wait_until(pilot, lambda: screen.applied.text == typed, "the filter typed")
        await pilot.pause()
        assert passes == [0]
        assert screen.table.rows and len(screen.table.rows) < len(screen.rows)
        assert isinstance(screen.table, CaseTable)


async def test_a_long_filter_scrolls_the_field_to_its_cursor(app: PlannerApp) -> None:
    """The field keeps its text's width without a layout, and still scrolls sideways."""
    long = FILTER + " and accommodation.address.accommodation_type in (no_fixed_abode)"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        await pilot.press("f")
        field = screen.query_one("#filter", Input)
        field.post_message(events.Paste(long))
        await wait_until(pilot, lambda: screen.applied.text == long, "the filter")
        await pilot.press("space")  # the cursor moved: the field scrolls to it
        await wait_until(pilot, lambda: screen.applied.text == long + " ", "the space")
        width = field.scrollable_content_region.width
        assert len(long) > width
        assert field.scroll_x > 0
        assert field.scroll_x <= field.cursor_position <= field.scroll_x + width
        await pilot.press("home")
        await pilot.pause()
        assert field.scroll_x == 0


async def test_a_search_letter_filters_while_the_key_is_handled(app: PlannerApp) -> None:
    """The matches are in the table before the field's own frame can be drawn: the search
    does not wait for the field's Changed message, which would reach the screen after
    that frame, leaving the matches to the next one (a sixtieth of a second later)."""
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_for_caseload(pilot)
        await pilot.press("slash")
        await settled(pilot)
        search = screen.query_one("#search", Input)
        search.insert_text_at_cursor("ale")  # what a key does, with no turn of the loop after
        assert screen.filter.text == "ale"
        assert [row.name for row in screen.table.rows] == ["Alex Example"]
        search.value = ""  # set another way (Escape clears it so): the same, at once
        assert not screen.filter.text
