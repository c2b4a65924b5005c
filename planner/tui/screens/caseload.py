"""The first screen: everyone being planned for, most urgent first, filtered as you type."""

from __future__ import annotations

import gc
from dataclasses import replace
from datetime import timedelta
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Header, Input, Static
from textual.worker import Worker, WorkerState

from planner.domain.text import visible
from planner.store.errors import StoreError
from planner.tui.caseload_rows import (
    SORTS,
    CaseloadCounts,
    CaseRow,
    RowFilter,
    Window,
    apply_filter,
    build_rows,
    count_caseload,
    location_prefixes,
    sort_rows,
    split_window,
)
from planner.tui.formatting import caseload_summary, person_preview
from planner.tui.literal import literal, toast
from planner.tui.screens.base import DataScreen
from planner.tui.screens.caseload_keys import CASELOAD_BINDINGS
from planner.tui.screens.prompts import PickerScreen
from planner.tui.session import Session
from planner.tui.widgets.banner import StoreBanner
from planner.tui.widgets.case_table import CaseTable
from planner.tui.widgets.footer import PlannerFooter


class CaseloadScreen(DataScreen):
    """People, their release dates, readiness and flags; Enter opens a person."""

    TITLE = "Caseload"
    AUTO_FOCUS = None  # the table takes focus once the caseload is read
    EDITING = frozenset({"add_person", "import_csv"})

    BINDINGS: ClassVar[list[BindingType]] = CASELOAD_BINDINGS

    class Loaded(Message):
        """The caseload has been read and is on screen (benchmarks and tests wait for it)."""

        def __init__(self, people: int) -> None:
            super().__init__()
            self.people = people

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.rows: list[CaseRow] = []
        self._sorted: list[CaseRow] = []
        self.filter = RowFilter()
        self.sort_column = "urgency"
        self.sort_reverse = False
        self.counts: CaseloadCounts | None = None
        self.loaded = False  # people are on screen
        self.complete = False  # and everyone has been counted
        self._previewed: CaseRow | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield StoreBanner()
        yield Static("Opening the database…", id="summary")
        yield Input(placeholder="Search by name or prison number  ( / )", id="search")
        yield CaseTable(id="caseload")
        yield Static("", id="preview")
        yield PlannerFooter()

    def on_mount(self) -> None:
        table = self.query_one(CaseTable)
        table.loading = True
        table.focus()
        self.sub_title = visible(self.session.officer)
        self.load_caseload()

    # --- loading, off the event loop ------------------------------------------------------

    @work(thread=True, exclusive=True, group="caseload", exit_on_error=False)
    def load_caseload(self) -> None:
        """Read the caseload. The first time, the default view (the next 12 weeks) is
        built and shown first, then everyone else is counted in."""
        store = self.session.open()
        if not self.loaded:  # read-only, or today's backup failed: the banner says so
            self.app.call_from_thread(self._show_notices)
        change = store.change_number
        today = self.session.today
        rows: list[CaseRow] = []
        first = not self.loaded
        if first:
            # The default view first: only its people are summarised before it is shown.
            days = int(Window.DAYS_84.value)
            window = store.summaries_released_between(today, today + timedelta(days=days))
            soon, _ = split_window(window, today, days)
            rows = build_rows(soon, store.template, today)
            self.app.call_from_thread(self._show_rows, rows, change, False)
            shown = {row.number for row in rows}
            summaries = [s for s in store.summaries() if s.number not in shown]
        else:
            summaries = store.summaries()
        rows = rows + build_rows(summaries, store.template, today)
        if first:
            # The first read (the store's cache, the rows, the app) lives for the session:
            # keep the cyclic garbage collector from walking it again on a keystroke (a
            # pause of 100 ms or more at 20,000 people). Only once: whatever is frozen is
            # never collected, so freezing again would keep closed screens forever.
            gc.freeze()
        self.app.call_from_thread(self._show_rows, rows, change, True)

    def _show_notices(self) -> None:
        self.query_one(StoreBanner).show_notices(self.session)
        self.refresh_bindings()  # read-only greys the editing keys

    def data_changed(self, change: int) -> None:
        self.load_caseload()

    @on(Worker.StateChanged)
    def report_a_failed_load(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        if not self.loaded:
            unexpected = f"an unexpected error ({type(error).__name__})"  # no record's values
            reason = str(error) if isinstance(error, StoreError) else unexpected
            if self.session.failure is None:  # why planner stopped, if it already had
                self.session.failure = f"cannot open the caseload: {reason}"
            self.app.exit(return_code=1)
        else:
            toast(self, f"Could not refresh the caseload: {error}", severity="error")

    def _show_rows(self, rows: list[CaseRow], change: int, complete: bool) -> None:
        """Show `rows`; until `complete`, they are the default view only."""
        first = not self.loaded
        self.rows = rows
        self.loaded = True
        self.complete = complete
        table = self.query_one(CaseTable)
        table.loading = False
        table.empty_text = (
            "No one matches. Press a for everyone, Esc to clear the search."
            if rows or not complete
            else "No one here yet: press n to add a person, or i to import a CSV list."
        )
        if complete:
            self.seen_change = change
            self.counts = count_caseload(rows)
            self._show_summary()
            self.refresh_bindings()
        else:
            self.query_one("#summary", Static).update("Counting flags across everyone…")
        self._resort()
        if first:
            if not self.query_one("#search", Input).value:
                table.focus()
            self.post_message(self.Loaded(len(rows)))

    # --- filtering and sorting ------------------------------------------------------------

    def _resort(self) -> None:
        self._sorted = sort_rows(self.rows, self.sort_column, reverse=self.sort_reverse)
        self.query_one(CaseTable).set_sort_marker(self.sort_column, self.sort_reverse)
        self.refilter()

    def refilter(self) -> None:
        table = self.query_one(CaseTable)
        keep = table.highlighted.number if table.highlighted else None
        shown = apply_filter(self._sorted, self.filter)
        table.set_rows(shown, keep=keep)
        self._preview(table.highlighted)  # now, in the same frame as the rows
        table.border_title = literal(self.filter.describe().capitalize())  # the search typed
        of = f"{len(self.rows):,}" if self.complete else "…"
        table.border_subtitle = f"{len(shown):,} of {of} · {SORTS[self.sort_column][0]}"

    def _show_summary(self) -> None:
        if self.counts is not None:
            self.query_one("#summary", Static).update(caseload_summary(self.counts))

    @on(Input.Changed, "#search")
    def filter_as_you_type(self, event: Input.Changed) -> None:
        self._set_filter(text=event.value)

    @on(Input.Submitted, "#search")
    def search_done(self) -> None:
        self.query_one(CaseTable).focus()

    @on(CaseTable.Highlighted)
    def preview_the_person(self, event: CaseTable.Highlighted) -> None:
        self._preview(event.row)

    def _preview(self, row: CaseRow | None) -> None:
        """The highlighted person's most urgent flag in full, below the table."""
        if row is self._previewed and row is not None:
            return
        self._previewed = row
        content = "" if row is None else person_preview(row)
        # Two lines tall whatever it says: no layout pass needed.
        self.query_one("#preview", Static).update(content, layout=False)

    @on(CaseTable.HeaderClicked)
    def sort_by_clicked_column(self, event: CaseTable.HeaderClicked) -> None:
        self._sort_by(event.column)

    def _sort_by(self, column: str) -> None:
        if column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column, False
        self._resort()

    def _set_filter(self, **changes: Any) -> None:
        self.filter = replace(self.filter, **changes)
        self.refilter()

    # --- actions --------------------------------------------------------------------------

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_window(self, window: str) -> None:
        self._set_filter(window=Window(window))

    def action_toggle_critical(self) -> None:
        self._set_filter(critical_only=not self.filter.critical_only)

    def action_location(self) -> None:
        choices = [("", "All locations")]
        choices += [(loc, loc) for loc in location_prefixes(self.rows)]

        def chosen(location: str | None) -> None:
            if location is not None:
                self._set_filter(location=location)

        self.app.push_screen(
            PickerScreen("Location", choices, current=self.filter.location, filterable=True),
            chosen,
        )

    def action_sort(self) -> None:
        choices = [(key, label) for key, (label, _) in SORTS.items()]

        def chosen(column: str | None) -> None:
            if column is not None:
                self._sort_by(column)

        self.app.push_screen(PickerScreen("Sort by", choices, current=self.sort_column), chosen)

    def action_reverse(self) -> None:
        self._sort_by(self.sort_column)

    def action_clear(self) -> None:
        search = self.query_one("#search", Input)
        if search.value or self.filter != RowFilter():
            search.value = ""
            self.filter = RowFilter()
            self.refilter()
        self.query_one(CaseTable).focus()

    def action_reload(self) -> None:
        self.load_caseload()

    @on(CaseTable.Selected)
    def open_person(self, event: CaseTable.Selected) -> None:
        self.open_number(event.row.number)

    def open_number(self, number: str) -> None:
        from planner.tui.screens.person import PersonScreen

        self.app.push_screen(PersonScreen(self.session, number))

    def action_add_person(self) -> None:
        from planner.tui.screens.person_form import PersonFormScreen

        def added(number: str | None) -> None:
            if number is not None:
                self.load_caseload()
                self.open_number(number)

        self.app.push_screen(PersonFormScreen(self.session), added)

    def action_import_csv(self) -> None:
        from planner.tui.screens.import_csv import ImportScreen

        def closed(wrote: bool | None) -> None:
            if wrote:
                self.load_caseload()

        self.app.push_screen(ImportScreen(self.session), closed)

    def action_export(self) -> None:
        from planner.tui.screens.export_batch import BatchExportScreen

        shown = [row.number for row in self.query_one(CaseTable).rows]
        self.app.push_screen(BatchExportScreen(self.session, shown, self.filter.describe()))

    def action_staff(self) -> None:
        from planner.tui.screens.staff import StaffScreen

        self.app.push_screen(StaffScreen(self.session))

    def action_export_csv(self) -> None:
        from planner.tui.screens.export_caseload import CaseloadCsvScreen

        self.app.push_screen(CaseloadCsvScreen(self.session))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.complete and action not in {"search", "clear"}:
            return None  # shown, greyed out, until the whole caseload is read
        return super().check_action(action, parameters)
