"""The caseload screen: default view, filters, search, sort, summary, refresh."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from planner.domain.status import ItemStatus
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp
from planner.tui.screens.caseload import CaseloadScreen
from planner.tui.screens.person import PersonScreen
from planner.tui.screens.prompts import PickerScreen
from planner.tui.widgets.case_table import CaseTable
from tests.conftest import NOW
from tests.tui.conftest import wait_for_caseload, wait_until


def shown(screen: CaseloadScreen) -> list[str]:
    return [row.number for row in screen.query_one(CaseTable).rows]


def in_window(screen: CaseloadScreen) -> list[str]:
    """The rows of the window, without the group needing action after them."""
    return [row.number for row in screen.view.rows]


async def test_default_view_is_the_next_12_weeks_most_urgent_first(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        # B (critical: NFA 4 days out) first; G (June 2027) and released E are not shown;
        # C (no release date) and D (release passed, critical) need action now: after them.
        assert in_window(screen) == ["B2345CD", "A1234BC", "F6789GH"]
        assert shown(screen)[3:] == ["C3456DE", "D4567EF"]
        table = screen.query_one(CaseTable)
        assert table.headings == [(3, table.headings[0][1])]
        assert table.headings[0][1].startswith("Needs action now, outside the 12 weeks: 2 ")
        assert isinstance(app.focused, CaseTable)
        counts = screen.counts
        assert counts is not None
        assert (counts.next_7, counts.next_28, counts.next_84) == (1, 2, 3)
        assert counts.with_critical >= 2  # B (NFA) and C (no release date)
        assert (counts.overdue, counts.no_date, counts.released_nfa_28) == (1, 1, 1)
        summary = str(screen.query_one("#summary").render())
        assert "released homeless (last 28 days) 1" in summary
        assert "!! " in summary and "critical" in summary


async def test_single_key_filters(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        await pilot.press("7")
        assert shown(screen) == ["B2345CD"]
        await pilot.press("2")
        assert set(shown(screen)) == {"B2345CD", "A1234BC"}
        await pilot.press("a")
        assert len(shown(screen)) == 7
        await pilot.press("c")  # critical only, across everyone
        critical = {row.number for row in screen.rows if row.critical}
        assert {"B2345CD", "C3456DE"} <= critical
        assert set(shown(screen)) == critical
        await pilot.press("c", "o")  # critical off; overdue releases
        assert shown(screen) == ["D4567EF"]
        await pilot.press("8")
        assert len(in_window(screen)) == 3
        table = screen.query_one(CaseTable)
        assert "12 weeks" in str(table.border_title)


async def test_search_filters_on_each_keystroke(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        await pilot.press("a", "slash")
        await pilot.press("e")
        many = shown(screen)
        await pilot.press("v", "a", "n")
        assert shown(screen) == ["E5678FG"]
        assert len(many) > 1
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await pilot.press(*"g7890")  # by prison number, any case
        assert shown(screen) == ["G7890HJ"]
        await pilot.press("enter")  # back to the table with the filter kept
        assert isinstance(app.focused, CaseTable)
        assert shown(screen) == ["G7890HJ"]
        await pilot.press("escape")  # clears the search: back to everyone (a)
        assert len(shown(screen)) == 7
        await pilot.press("escape")  # and then the window
        assert in_window(screen) == ["B2345CD", "A1234BC", "F6789GH"]


async def test_sort_by_any_column_and_reverse(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        await pilot.press("a", "s")
        assert isinstance(app.screen, PickerScreen)
        options = [o.id for o in app.screen.query_one("OptionList")._options]  # type: ignore[attr-defined]
        assert {"number", "name", "location", "release", "days", "readiness", "flags"} <= set(
            options
        )
        await pilot.press("home")
        for _ in range(options.index("name")):
            await pilot.press("down")
        await pilot.press("enter")
        # Brown, Cole, Davies, Evans, Example, Fisher, Green
        names = ["B2345CD", "C3456DE", "D4567EF", "E5678FG", "A1234BC", "F6789GH", "G7890HJ"]
        assert shown(screen) == names
        await pilot.press("r")
        assert shown(screen) == list(reversed(names))
        table = screen.query_one(CaseTable)
        assert table.sort_column == "name" and table.sort_reverse


async def test_header_click_sorts(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        await pilot.press("a")
        await pilot.click(CaseTable, offset=(3, 0))  # the Number header (after the mark)
        assert shown(screen) == sorted(shown(screen))
        assert screen.sort_column == "number"


async def test_location_filter(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        await pilot.press("a", "l")
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("C")
        await pilot.press("enter")  # the first match: wing C
        assert set(shown(screen)) == {"B2345CD", "F6789GH"}
        await pilot.press("l")
        await pilot.press("down", "home", "enter")  # All locations
        assert len(shown(screen)) == 7


async def test_enter_opens_the_person(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_caseload(pilot)
        await pilot.press("down", "enter")
        assert isinstance(app.screen, PersonScreen)
        assert app.screen.number == "A1234BC"
        await pilot.press("escape")
        assert isinstance(app.screen, CaseloadScreen)


async def test_refreshes_when_another_process_changes_the_data(
    app: PlannerApp, db_path: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        before = {r.number: r for r in screen.rows}["A1234BC"].readiness
        with CaseStore(db_path, officer="Other Officer", clock=lambda: NOW) as other:
            other.save_item(
                "A1234BC",
                "psr.status",
                status=ItemStatus.DONE,
                evidence={"status": "not_prepared"},
            )
        screen.check_for_changes()  # the 3-second poll, without the wait

        def readiness() -> float:
            return {r.number: r for r in screen.rows}["A1234BC"].readiness

        await wait_until(pilot, lambda: readiness() > before, "the caseload to reload")


async def test_release_day_in_the_table(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        row = screen.query_one(CaseTable).rows[0]
        assert row.release == date(2026, 11, 27)
        assert row.top is not None and row.top.severity.value == "critical"
        preview = str(screen.query_one("#preview").render())
        assert "!! critical" in preview and "4 days to go" in preview
