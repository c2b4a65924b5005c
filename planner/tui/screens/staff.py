"""The staff view: each officer's caseload and the unassigned, to balance work.

The same numbers as `planner staff`, from `planner.domain.workload`: active people per
officer, how many are due for release within 7, 28 and 84 days, how many have no release
date, and their critical flags (and how many people have one). Enter on an officer lists
their people below, soonest release first; Enter on a person opens them.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static

from planner.domain.calendar import format_day
from planner.domain.workload import DEFAULT_WINDOWS, OfficerLoad, staff_loads
from planner.store.summary import CaseSummary
from planner.tui.formatting import days_text, release_text
from planner.tui.literal import literal, literal_text
from planner.tui.screens.base import DataScreen
from planner.tui.session import Session
from planner.tui.widgets.banner import StoreBanner
from planner.tui.widgets.footer import PlannerFooter

# Short headings, so every column fits 80 columns; the line above the table spells them out.
LOAD_COLUMNS = (
    "Officer",
    "People",
    *(f"{days} days" for days in DEFAULT_WINDOWS),
    "No date",
    "!! flags",
    "!! people",
)
OFFICER_MIN_WIDTH = 12  # below this the table scrolls sideways instead
CASE_COLUMNS = ("Number", "Name", "Release", "Days", "!! flags")


def load_cells(load: OfficerLoad) -> tuple[str, ...]:
    """One officer's row as the table shows it (and `planner staff` prints it)."""
    return (
        load.label,
        str(load.cases),
        *(str(n) for n in load.within),
        str(load.no_release_date),
        str(load.critical_flags),
        str(load.critical_people),
    )


class StaffScreen(DataScreen):
    """Caseloads by officer; Enter lists an officer's people, Enter again opens one."""

    TITLE = "Staff"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the caseload", id="staff.back"),
        Binding("f5", "reload", "Reload", show=False, tooltip="Count again", id="staff.reload"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.loads: list[OfficerLoad] = []
        self._summaries: dict[str, CaseSummary] = {}
        self._chosen: str | None = None  # the officer whose people are listed

    def compose(self) -> ComposeResult:
        yield Header()
        yield StoreBanner()
        yield Static("Counting each officer's caseload…", id="staff-summary")
        yield DataTable(id="staff", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="staff-cases", cursor_type="row", zebra_stripes=True)
        yield PlannerFooter()

    def on_mount(self) -> None:
        self.sub_title = format_day(self.session.today)
        loads = self.query_one("#staff", DataTable)
        loads.border_title = "Caseloads by officer"
        loads.border_subtitle = "Enter lists their people"
        cases = self.query_one("#staff-cases", DataTable)
        cases.add_columns(*CASE_COLUMNS)
        cases.display = False
        loads.focus()
        self.reload()

    def read_data(self) -> tuple[list[OfficerLoad], dict[str, CaseSummary]]:
        """Every officer's load, counted in a thread (a stored assessment per case)."""
        store = self.session.store
        summaries = {summary.number: summary for summary in store.summaries()}
        return staff_loads(summaries.values(), store.template, self.session.today), summaries

    def show_data(self, data: tuple[list[OfficerLoad], dict[str, CaseSummary]]) -> None:
        self.loads, self._summaries = data
        self._fill_loads()
        windows = " / ".join(str(days) for days in DEFAULT_WINDOWS)
        people = sum(load.cases for load in self.loads)
        self.query_one("#staff-summary", Static).update(
            f"{people:,} active {'person' if people == 1 else 'people'} as of "
            f"{format_day(self.session.today)}. People: active cases; {windows} days: of "
            "those, due for release from today to that many days ahead; No date: no "
            "release date recorded; !! flags: critical flags; !! people: people with one."
        )
        if self._chosen is not None:
            self._list_cases(self._chosen)

    def on_resize(self) -> None:
        if self.seen_change >= 0:
            self._fill_loads()

    def _fill_loads(self) -> None:
        """The officers' rows, the officer column taking what the counts leave of the
        width (a name too long for it ends in an ellipsis; the list of their people has
        it whole)."""
        table = self.query_one("#staff", DataTable)
        keep = table.cursor_row
        rows = [load_cells(load) for load in self.loads]
        table.clear(columns=True)
        pad = 2 * table.cell_padding
        counts = sum(
            max(len(label), *(len(row[i]) for row in rows)) + pad
            for i, label in enumerate(LOAD_COLUMNS[1:], start=1)
        )
        room = (table.scrollable_content_region.width or self.size.width - 2) - counts - pad
        officers = [literal_text(row[0]) for row in rows]
        longest = max(len(LOAD_COLUMNS[0]), *(officer.cell_len for officer in officers))
        table.add_column(LOAD_COLUMNS[0], width=max(OFFICER_MIN_WIDTH, min(longest, room)))
        table.add_columns(*LOAD_COLUMNS[1:])
        for load, officer, cells in zip(self.loads, officers, rows, strict=True):
            officer.no_wrap, officer.overflow = True, "ellipsis"
            table.add_row(
                officer, *(Text(cell, justify="right") for cell in cells[1:]), key=load.officer
            )
        table.move_cursor(row=min(keep, len(rows) - 1), animate=False)

    @on(DataTable.RowSelected, "#staff")
    def list_the_officers_people(self, event: DataTable.RowSelected) -> None:
        officer = event.row_key.value
        if officer is not None:
            self._list_cases(officer)
            self.query_one("#staff-cases", DataTable).focus()

    def _list_cases(self, officer: str) -> None:
        load = next((load for load in self.loads if load.officer == officer), None)
        table = self.query_one("#staff-cases", DataTable)
        table.clear()
        if load is None:  # their last case went to someone else meanwhile
            self._chosen = None
            table.display = False
            return
        self._chosen = officer
        for number, critical in zip(load.numbers, load.critical, strict=True):
            summary = self._summaries[number]
            days = (
                None
                if summary.release_date is None
                else (summary.release_date - self.session.today).days
            )
            table.add_row(
                number,
                literal_text(f"{summary.forename} {summary.surname}"),
                release_text(summary.release_date),
                Text(days_text(days), justify="right"),
                Text(str(critical), justify="right"),
                key=number,
            )
        people = "person" if load.cases == 1 else "people"
        table.border_title = literal(f"{load.label}: {load.cases} {people}")
        table.border_subtitle = "Enter opens · Tab back to the officers"
        table.display = True

    @on(DataTable.RowSelected, "#staff-cases")
    def open_the_person(self, event: DataTable.RowSelected) -> None:
        from planner.tui.screens.person import PersonScreen

        number = event.row_key.value
        if number is not None:
            self.app.push_screen(PersonScreen(self.session, number))

    def action_reload(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.dismiss(None)
