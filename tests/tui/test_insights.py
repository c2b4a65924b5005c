"""The Insights screen: opened with `I` from the caseload, the reports of `planner report`
in a table and a chart, the grouping, report and window switched by keys, a small group
shown as "fewer than 5" (never a bar), labels as recorded, and every report shown audited."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable
from textual_plotext import PlotextPlot

from planner.domain.person import Circumstances
from planner.domain.template import Template
from planner.reports.audit import REPORT_FIELD
from planner.store.repository import CaseStore
from planner.tui.screens.insights import InsightsScreen
from tests.conftest import NOW
from tests.report_caseload import add_released, numbers
from tests.tui.conftest import OFFICER, build_app, wait_for_caseload, wait_until

RELEASED = date(2026, 11, 2)


@pytest.fixture
def released(db_path: Path, template: Template) -> CaseStore:
    """Twelve men and one woman released on 2 November 2026, five of the men on a wing
    named like markup."""
    with CaseStore(db_path, officer="Seeder", clock=lambda: NOW) as store:
        ids = numbers()
        for n in range(12):
            add_released(
                store,
                template,
                next(ids),
                released_on=RELEASED,
                answers={"first_night": "settled" if n < 9 else "rough_sleeping"},
                circumstances=Circumstances(on_medication=n < 6),
                sex="male",
                location="[red]East-1-001" if n < 5 else "West-2-002",
            )
        add_released(
            store,
            template,
            "W1234WA",
            released_on=RELEASED,
            answers={"first_night": "rough_sleeping"},
            sex="female",
        )
    store = CaseStore(db_path, officer=OFFICER, clock=lambda: NOW)
    return store


def rows(table: DataTable[Any]) -> list[list[str]]:
    return [
        [cell.plain if isinstance(cell, Text) else str(cell) for cell in table.get_row_at(i)]
        for i in range(table.row_count)
    ]


async def built(pilot: Pilot[Any], screen: InsightsScreen, report: str, by: str) -> None:
    await wait_until(
        pilot,
        lambda: (
            screen.built_for is not None
            and (screen.built_for.report, screen.built_for.by) == (report, by)
        ),
        f"the {report} report by {by}",
    )
    await pilot.pause()


async def test_switching_grouping_by_key_hides_the_small_group(released: CaseStore) -> None:
    app = build_app(released)
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_for_caseload(pilot)
        await pilot.press("I")
        screen = app.screen
        assert isinstance(screen, InsightsScreen)
        await built(pilot, screen, "readiness", "everyone")
        await pilot.press("o")
        await built(pilot, screen, "outcomes", "everyone")
        table = screen.query_one("#insights-table", DataTable)
        assert [row[0] for row in rows(table)] == ["All people"]  # everyone: one row, once
        await pilot.press("g")  # everyone -> sex
        await built(pilot, screen, "outcomes", "sex")
        shown = rows(table)
        assert [row[0] for row in shown] == ["Female", "Male", "All people"]
        female = shown[0]
        assert female[1] == "fewer than 5"  # her group's size
        assert all(cell in ("fewer than 5", "withheld", "0", "") for cell in female[1:])
        assert "rough" not in " ".join(female).lower()
        chart = screen.query_one("#insights-chart", PlotextPlot).plt.build()
        assert "Female: fewer than 5" in Text.from_ansi(chart).plain  # words, never a bar
        summary = str(screen.query_one("#insights-summary").render())
        assert "by sex" in summary and "counts below 5 hidden" in summary
        await pilot.press("m")  # the next measure: a table of its own, no read
        assert screen.query_one("#insights-table", DataTable).border_title is not None
        assert "ID held on release" in str(screen.query_one("#insights-table").border_title)
    entries = [e.new for e in released.history() if e.field == REPORT_FIELD]
    assert entries == [
        "ran the readiness report (by everyone, within 84 days, threshold 5, format screen)",
        "ran the outcomes report (by everyone, from 2025-11-23, to 2026-11-23, threshold 5, "
        "format screen)",
        "ran the outcomes report (by sex, from 2025-11-23, to 2026-11-23, threshold 5, "
        "format screen)",
    ]
    released.close()


async def test_labels_are_literal_and_the_calendar_and_window_switch(
    released: CaseStore,
) -> None:
    app = build_app(released)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for_caseload(pilot)
        await pilot.press("I", "o", "G")  # back from everyone: the last grouping, location
        screen = app.screen
        assert isinstance(screen, InsightsScreen)
        await built(pilot, screen, "outcomes", "location")
        labels = [row[0] for row in rows(screen.query_one("#insights-table", DataTable))]
        assert labels[:2] == ["[red]East", "West"]
        await pilot.press("c")
        await built(pilot, screen, "calendar", "location")
        assert screen.query_one("#insights-table", DataTable).border_title is not None
        await pilot.press("w")
        await wait_until(
            pilot,
            lambda: screen.built_for is not None and screen.built_for.window == 1,
            "the 4-week calendar",
        )
        assert "the next 4 weeks" in str(screen.query_one("#insights-summary").render())
        await pilot.press("escape")
        assert not isinstance(app.screen, InsightsScreen)
    released.close()
