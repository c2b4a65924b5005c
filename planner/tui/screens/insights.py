"""Insights: the readiness, outcomes and release-calendar reports on screen, with charts.

The same reports as `planner report` (:mod:`planner.reports`), suppressed by the same
domain functions, so a number hidden there is hidden here: "fewer than 5" or "withheld",
in the table and in the chart, where a hidden group has no bar. Keys choose the report
(`r` readiness, `o` outcomes, `c` calendar), the grouping (`g` next, `G` back), the
window (`w`: the weeks ahead, or the months of releases) and the measure shown (`m`
next, `M` back). Each report is built in a worker (the screen never waits for the disk)
and every one shown is recorded in the audit log, as `planner report` records its runs.
Group labels (a wing as recorded) are shown literally.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static
from textual_plotext import PlotextPlot

from planner.domain.calendar import format_day
from planner.domain.errors import InvalidInput
from planner.domain.text import visible
from planner.reports.audit import record_run
from planner.reports.bars import measure_bars
from planner.reports.calendar import CalendarReport, calendar_report
from planner.reports.groups import BY, grouping
from planner.reports.outcomes import outcomes_report
from planner.reports.readiness import readiness_report
from planner.reports.tables import GroupedReport
from planner.reports.text_rows import TextTable, calendar_tables, measure_rows
from planner.tui.literal import literal, literal_text
from planner.tui.screens.base import DataScreen
from planner.tui.session import Session
from planner.tui.widgets.banner import StoreBanner
from planner.tui.widgets.footer import PlannerFooter

REPORTS = ("readiness", "outcomes", "calendar")
GROUPINGS = tuple(BY)
# The windows `w` steps through: days ahead (readiness), months back (outcomes), weeks
# ahead (calendar); the first of each is the default.
WINDOWS = {"readiness": (84, 28, 182), "outcomes": (12, 3, 6), "calendar": (12, 4, 26)}
WINDOW_WORDS = {
    "readiness": "due for release in the next {} days",
    "outcomes": "released in the last {} months",
    "calendar": "the next {} weeks",
}
CHART_HEIGHT = 14


@dataclass(frozen=True, slots=True)
class Choice:
    """What the screen shows: which report, grouped how, over which window."""

    report: str = "readiness"
    by: str = "everyone"
    window: int = 0  # an index into WINDOWS[report]
    measure: int = 0  # which measure's table and chart

    @property
    def span(self) -> int:
        return WINDOWS[self.report][self.window % len(WINDOWS[self.report])]

    def options(self, today: date) -> dict[str, object]:
        """What the audit note records of this choice."""
        if self.report == "calendar":
            return {"weeks": self.span}
        if self.report == "readiness":
            return {"by": self.by, "within": f"{self.span} days"}
        first, last = self.period(today)
        return {"by": self.by, "from": first, "to": last}

    def period(self, today: date) -> tuple[date, date]:
        """The releases of the last `span` months: from the same day that many calendar
        months ago (the last day of a shorter month) to today."""
        year, month = divmod(today.month - 1 - self.span, 12)
        month += 1
        day = min(today.day, calendar.monthrange(today.year + year, month)[1])
        return date(today.year + year, month, day), today


Built = GroupedReport | CalendarReport


class InsightsScreen(DataScreen):
    """Reports by group on screen: a table and a bar chart of one measure at a time."""

    TITLE = "Insights"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "report('readiness')",
            "Readiness",
            tooltip="Readiness by group of the people due out",
            id="insights.readiness",
        ),
        Binding(
            "o",
            "report('outcomes')",
            "Outcomes",
            tooltip="Release-day outcomes and follow-ups by group",
            id="insights.outcomes",
        ),
        Binding(
            "c",
            "report('calendar')",
            "Calendar",
            tooltip="Releases per day for the coming weeks",
            id="insights.calendar",
        ),
        Binding(
            "g",
            "grouping(1)",
            "Grouping",
            tooltip="The next grouping: sex, ethnicity, age, sentence, religion, location…",
            id="insights.grouping",
        ),
        Binding(
            "G",
            "grouping(-1)",
            "Grouping back",
            show=False,
            tooltip="The grouping before",
            id="insights.grouping_back",
        ),
        Binding(
            "w",
            "window",
            "Window",
            tooltip="The next window: weeks ahead, or months of releases",
            id="insights.window",
        ),
        Binding(
            "m",
            "measure(1)",
            "Measure",
            tooltip="The next measure or section",
            id="insights.measure",
        ),
        Binding(
            "M",
            "measure(-1)",
            "Measure back",
            show=False,
            tooltip="The measure before",
            id="insights.measure_back",
        ),
        Binding(
            "f5",
            "reload",
            "Reload",
            show=False,
            tooltip="Build the report again",
            id="insights.reload",
        ),
        Binding("escape", "back", "Back", tooltip="Back to the caseload", id="insights.back"),
    ]

    def __init__(self, session: Session, choice: Choice | None = None) -> None:
        super().__init__(session)
        self.choice = choice or Choice()
        self.built: Built | None = None
        self.built_for: Choice | None = None
        self.stale = False  # the database changed since the report was built

    def compose(self) -> ComposeResult:
        yield Header()
        yield StoreBanner()
        yield Static("Building the report…", id="insights-summary")
        yield DataTable(id="insights-table", cursor_type="row", zebra_stripes=True)
        yield PlotextPlot(id="insights-chart")
        yield Static("", id="insights-notes")
        yield PlannerFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = format_day(self.session.today)
        self.query_one("#insights-table", DataTable).focus()
        if self.session.read_only:
            self.query_one("#insights-summary", Static).update(
                "Every report shown is recorded in the audit log, and this database is "
                f"read-only ({self.session.read_only_reason()}): no report can be shown."
            )
            return
        self.reload()

    # --- reading, in a worker ---------------------------------------------------------------

    def read_data(self) -> tuple[Choice, Built, int]:
        choice = self.choice
        store = self.session.store
        today = self.session.today
        threshold = self.session.settings.report_threshold
        built: Built
        if choice.report == "calendar":
            built = calendar_report(store, today, weeks=choice.span, threshold=threshold)
        elif choice.report == "readiness":
            built = readiness_report(
                store, today, grouping(choice.by), within_days=choice.span, threshold=threshold
            )
        else:
            first, last = choice.period(today)
            try:
                fallback = self.session.new_case_template()
            except (KeyError, InvalidInput):
                fallback = None
            built = outcomes_report(
                store,
                grouping(choice.by),
                first=first,
                last=last,
                threshold=threshold,
                fallback=fallback,
            )
        before = store.change_number
        record_run(
            store,
            choice.report,
            {**choice.options(today), "threshold": threshold, "format": "screen"},
        )
        after = store.change_number
        if after == before + 1:  # only the note of this run: no screen need read again
            self.app.call_from_thread(self._noted, before, after)
        return choice, built, after

    def _noted(self, before: int, after: int) -> None:
        """This run's audit note changed nothing a screen shows: the screens beneath, up
        to date before it, are up to date after it (the caseload would read 20,000
        people again for it)."""
        for screen in self.app.screen_stack:
            if isinstance(screen, DataScreen) and screen.seen_change == before:
                screen.seen_change = after

    def data_changed(self, change: int) -> None:
        """The database changed (another officer, a script): say so; F5 builds the report
        again (each build is a run, audited: it is not repeated at every change)."""
        self.seen_change = change
        self.stale = True
        if self.built is not None:
            self._show()

    def show_data(self, data: tuple[Choice, Built, int]) -> None:
        choice, built, change = data
        self.seen_change = change  # its own audit note is not a change to show
        if replace(choice, measure=0) != replace(self.choice, measure=0):
            return  # superseded by a key pressed while it was read
        self.built, self.built_for, self.stale = built, choice, False
        self._show()

    # --- showing ---------------------------------------------------------------------------

    def _summary(self, built: Built) -> str:
        choice = self.choice
        window = WINDOW_WORDS[choice.report].format(choice.span)
        keys = "r o c: report · g: grouping · w: window · m: measure"
        if isinstance(built, CalendarReport):
            return (
                f"Release calendar, {window}: {built.dated} releases dated. Readiness shown "
                f"for {built.threshold} or more releases. ({keys})"
            )
        what = "Readiness" if built.kind == "readiness" else "Outcomes"
        measure = choice.measure % max(len(built.measures), 1) + 1
        return (
            f"{what} of the people {window}, by {built.grouping.title.lower()}: "
            f"{built.people.text(built.threshold)} people; counts below {built.threshold} "
            f"hidden. Measure {measure} of {len(built.measures)}. ({keys})"
        )

    def _show(self) -> None:
        built = self.built
        if built is None:
            return
        summary = self._summary(built)
        if self.stale:
            summary += " The database has changed since: F5 builds the report again."
        self.query_one("#insights-summary", Static).update(literal(summary))
        if isinstance(built, CalendarReport):
            table = calendar_tables(built)[1]
            self._fill(table)
            self._calendar_chart(built)
            notes = table.notes
        elif built.measures:
            measure = built.measures[self.choice.measure % len(built.measures)]
            table = measure_rows(built, measure)
            self._fill(table)
            self._measure_chart(built, self.choice.measure % len(built.measures))
            notes = table.notes
        else:
            self._fill(TextTable("No measures", ("Group",), (), (False,)))
            notes = ("The template defines no outcome measures.",)
        self.query_one("#insights-notes", Static).update(literal(" ".join(notes)))

    def _fill(self, table: TextTable) -> None:
        widget = self.query_one("#insights-table", DataTable)
        widget.clear(columns=True)
        widget.border_title = literal(table.title)
        widget.add_columns(*table.header)
        for row in table.rows:
            widget.add_row(
                *(
                    Text(visible(cell), justify="right") if numeric else literal_text(cell)
                    for cell, numeric in zip(row, table.numeric, strict=True)
                )
            )

    def _measure_chart(self, built: GroupedReport, index: int) -> None:
        measure = built.measures[index]
        bars = measure_bars(built, measure)
        plot = self.query_one("#insights-chart", PlotextPlot)
        plt = plot.plt
        plt.clear_figure()
        labels = [_label(bar.label, bar.words if bar.value is None else "") for bar in bars]
        values = [0.0 if bar.value is None else round(bar.value * 100, 1) for bar in bars]
        plt.bar(labels, values, orientation="horizontal", width=0.6)
        plt.xlim(0, 100)
        plt.title(visible(f"{measure.spec.label} (%)"))
        plot.refresh()

    def _calendar_chart(self, built: CalendarReport) -> None:
        plot = self.query_one("#insights-chart", PlotextPlot)
        plt = plot.plt
        plt.clear_figure()
        labels = [f"{week.first:%d %b}" for week in built.week_rows]
        expected = [week.expected for week in built.week_rows]
        plt.bar(labels, expected, width=0.6)
        most = max([*expected, 1])
        step = max(1, -(-most // 6))
        plt.yticks(list(range(0, most + step, step)))  # whole releases
        plt.title("Releases expected each week")
        plot.refresh()

    # --- keys ------------------------------------------------------------------------------

    def _choose(self, choice: Choice) -> None:
        rebuild = replace(choice, measure=0) != replace(self.choice, measure=0)
        self.choice = choice
        if self.session.read_only:
            return
        if rebuild:
            self.query_one("#insights-summary", Static).update("Building the report…")
            self.reload()
        else:
            self._show()

    def action_report(self, report: str) -> None:
        if report in REPORTS and report != self.choice.report:
            self._choose(Choice(report, self.choice.by, 0, 0))

    def action_grouping(self, step: int) -> None:
        if self.choice.report == "calendar":
            return
        at = GROUPINGS.index(self.choice.by) if self.choice.by in GROUPINGS else 0
        self._choose(replace(self.choice, by=GROUPINGS[(at + step) % len(GROUPINGS)]))

    def action_window(self) -> None:
        self._choose(replace(self.choice, window=(self.choice.window + 1) % 3))

    def action_measure(self, step: int) -> None:
        self._choose(replace(self.choice, measure=self.choice.measure + step))

    def action_reload(self) -> None:
        if not self.session.read_only:
            self.reload()

    def action_back(self) -> None:
        self.dismiss(None)


def _label(text: str, words: str) -> str:
    """A chart's row label: the group as recorded (no control characters), and the words
    a hidden rate is shown as, since it has no bar."""
    shown = visible(text)
    shown = shown if len(shown) <= 24 else shown[:23] + "…"
    return f"{shown}: {words}" if words else shown
