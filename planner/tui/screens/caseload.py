"""The first screen: everyone being planned for, most urgent first, filtered as you type.

An officer's working tracker: the filter bar (`f`) takes the expressions `planner list
--where` takes and lists exactly the people it lists; saved views (`v`) are named
filters; the columns are chosen (`C`) and remembered; `/` finds anyone, whatever the
window or filter; "my caseload" is the default once cases are assigned to the officer;
rows marked with space are assigned together (`A`); and `X` exports the view on screen.
Every rule (the filter, the columns, the search, whose case is whose) is the domain's;
reading records, writing and exporting run in workers.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Header, Input, Static
from textual.worker import Worker, WorkerState

from planner.domain.caseload_search import narrows
from planner.domain.columns import ColumnReader, column_names
from planner.domain.filter_terms import Filter, FilterError
from planner.domain.filter_vocabulary import Vocabulary
from planner.domain.filtering import CaseloadFilter, FilterColumns
from planner.domain.saved_views import SavedView, saved_views
from planner.domain.text import visible
from planner.domain.workload import known_spelling, officers, same_officer
from planner.store.errors import StoreError
from planner.tui.caseload_rows import (
    DEFAULT_WINDOW,
    SORTS,
    CaseloadCounts,
    CaseRow,
    CaseView,
    RowFilter,
    Scope,
    Window,
    build_rows,
    count_caseload,
    in_scope,
    location_prefixes,
    row_flags,
    sort_rows,
    split_window,
    view_of,
)
from planner.tui.formatting import caseload_summary, person_preview
from planner.tui.literal import literal, toast
from planner.tui.saving import SAVE_REFUSED, SaveRefused, refuse_if_read_only, report_save_failure
from planner.tui.screens.base import DataScreen
from planner.tui.screens.caseload_keys import CASELOAD_BINDINGS
from planner.tui.screens.prompts import PickerScreen
from planner.tui.session import Session
from planner.tui.stored_records import StoredRecords
from planner.tui.table_columns import (
    RowCells,
    TableCells,
    TableColumn,
    columns_or_default,
    default_columns,
    with_window,
)
from planner.tui.widgets.banner import StoreBanner
from planner.tui.widgets.case_table import CaseTable
from planner.tui.widgets.filter_bar import FilterBar
from planner.tui.widgets.footer import PlannerFooter
from planner.tui.widgets.quiet_input import QuietInput
from planner.tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from planner.store.interface import CaseRepository  # opened in a worker, after the first paint


@dataclass(frozen=True, slots=True)
class AppliedFilter:
    """The filter bar's filter in use, the text it was read from, and the saved view it
    came from (if it did)."""

    filter: Filter = field(default_factory=Filter)
    text: str = ""
    view: str = ""  # "3 No fixed abode within 28 days"

    def describe(self) -> str:
        if not self.filter:
            return ""
        if self.view:
            number, _, name = self.view.partition(" ")
            return f'View {number} "{name}": {self.filter}'
        return f"Filter: {self.filter}"


# Stored records a filter may read on the event loop (parsing a few thousand takes tens
# of milliseconds the first time); a filter that needs more is applied in a worker.
RECORDS_ON_THE_SPOT = 2_000


class _NotOnTheSpot(Exception):
    """The filter needs more stored records than the event loop may read."""


class CaseloadScreen(DataScreen):
    """People, their release dates, readiness and flags; Enter opens a person."""

    TITLE = "Caseload"
    AUTO_FOCUS = None  # the table takes focus once the caseload is read
    EDITING = frozenset({"add_person", "import_csv", "assign"})
    NEED_ROWS = frozenset({"search", "clear", "clear_filter", "mark"})  # work before counting

    BINDINGS: ClassVar[list[BindingType]] = CASELOAD_BINDINGS

    class Loaded(Message):
        """The caseload has been read and is on screen (benchmarks and tests wait for it)."""

        def __init__(self, people: int) -> None:
            super().__init__()
            self.people = people

    class Filtered(Message):
        """The filter bar's filter has been applied and the table shows its people."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.rows: list[CaseRow] = []
        self._sorted: list[CaseRow] = []
        self.filter = RowFilter()
        self.applied = AppliedFilter()
        self.matching: frozenset[str] | None = None  # who the applied filter lets through
        self.filtering = False  # a filter is being applied in a worker
        self._generation = 0  # of the filter being applied: an older result is dropped
        self.view = CaseView([])
        self.marked: set[str] = set()
        self.sort_column = "urgency"
        self.sort_reverse = False
        self.counts: CaseloadCounts | None = None
        self.loaded = False  # people are on screen
        self.complete = False  # and everyone has been counted
        self.scope_chosen = False  # the officer chose whose cases to see
        self.saving = ""  # what the save line says: "Saving…", "Saved", ""
        self.vocabulary = Vocabulary(())
        self.engine: CaseloadFilter | None = None  # on the event loop, few records
        self._engine_in_worker: CaseloadFilter | None = None  # any number of them
        self._records = StoredRecords()  # what filters on evidence read, kept with the rows
        self._columns: FilterColumns[CaseRow] = FilterColumns(())  # what filters read
        self.cells: TableCells | None = None
        self.columns: list[TableColumn] = default_columns()
        self._cells_asked = False
        self._previewed: CaseRow | None = None
        # The rows searched, the text, and the matches, of the last search
        self._last_search: tuple[list[CaseRow], str, list[CaseRow]] = ([], "", [])
        self._read_only_shown: bool | None = None
        self._saving_shown = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield StoreBanner()
        yield Static("Opening the database…", id="summary")
        yield QuietInput(
            placeholder="Search everyone by name or prison number  ( / )",
            id="search",
            on_change=self.search_for,  # the matches drawn in the frame of the key typed
        )
        yield FilterBar(id="filter-bar")
        with Horizontal(id="caseload-status"):
            yield StatusLine(id="active-filter")
            yield Static("", id="save-status")
        yield CaseTable(id="caseload")
        yield Static("", id="preview")
        yield PlannerFooter()

    def on_mount(self) -> None:
        table = self.query_one(CaseTable)
        table.loading = True
        table.marked = self.marked
        table.focus()
        self.sub_title = visible(self.session.officer)
        self._show_status()
        # Once the first frame is drawn: opening the store holds the interpreter for
        # most of a second, and started now it would share it with that frame.
        self.call_after_refresh(self.load_caseload)

    @property
    def table(self) -> CaseTable:
        return self.query_one(CaseTable)

    @property
    def bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    @property
    def officer(self) -> str:
        return self.session.officer

    # --- loading, off the event loop ------------------------------------------------------

    @work(
        thread=True,
        exclusive=True,
        group="caseload",
        exit_on_error=False,
        description="reading the caseload",
    )
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
            days = int(DEFAULT_WINDOW.value)
            window = store.summaries_released_between(today, today + timedelta(days=days))
            soon, _ = split_window(window, today, days)
            rows = build_rows(soon, store.template, today)
            self.app.call_from_thread(self._show_rows, rows, change, False)
            shown = {row.number for row in rows}
            summaries = [s for s in store.summaries() if s.number not in shown]
        else:
            summaries = store.summaries()
        rows = rows + build_rows(summaries, store.template, today)
        vocabulary = self._vocabulary(store, rows)
        records = self._records.renewed(store, rows)
        columns = self._filter_columns(rows, vocabulary, today)
        if first:
            # The first read (the store's cache, the rows, the app) lives for the session:
            # keep the cyclic garbage collector from walking it again on a keystroke (a
            # pause of 100 ms or more at 20,000 people). Only once: whatever is frozen is
            # never collected, so freezing again would keep closed screens forever.
            gc.freeze()
        self.app.call_from_thread(
            self._show_everyone, rows, change, store, vocabulary, records, columns
        )

    def _filter_columns(
        self, rows: list[CaseRow], vocabulary: Vocabulary, today: date
    ) -> FilterColumns[CaseRow]:
        """The rows grouped by what the filter language reads of them, made here, off the
        event loop, so that a filter over 20,000 people takes a few milliseconds."""
        columns = FilterColumns(rows)
        maker = CaseloadFilter(
            today=today,
            template_for=lambda key: self.session.store.template(key),
            records=lambda numbers: {},
            flags_of=row_flags,
        )
        maker.prepare(columns, vocabulary.items)
        return columns

    def _vocabulary(self, store: CaseRepository, rows: list[CaseRow]) -> Vocabulary:
        """What filters and columns may name: the templates the cases use (the template
        for new people while there are none), as `planner list` reads them."""
        keys = dict.fromkeys(row.assessment.template_key for row in rows)
        templates = [store.template(key) for key in keys] or [self.session.new_case_template()]
        return Vocabulary(templates)

    def _show_notices(self) -> None:
        self.query_one(StoreBanner).show_notices(self.session)
        read_only = self.session.read_only
        if read_only != self._read_only_shown:  # not every poll: the footer is rebuilt
            self._read_only_shown = read_only
            self.refresh_bindings()  # read-only greys the editing keys

    def data_changed(self, change: int) -> None:
        self.load_caseload()

    @on(Worker.StateChanged)
    def report_a_failed_worker(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        group = event.worker.group
        if group == "filter":
            self.filtering = False
            self._show_status()
            toast(self, f"Could not apply the filter: {error}", severity="error")
            return
        if group == "cells":
            toast(self, f"Could not read the columns: {error}", severity="error")
            return
        if not self.loaded:
            unexpected = f"an unexpected error ({type(error).__name__})"  # no record's values
            reason = str(error) if isinstance(error, StoreError) else unexpected
            if self.session.failure is None:  # why planner stopped, if it already had
                self.session.failure = f"cannot open the caseload: {reason}"
            self.app.exit(return_code=1)
        else:
            toast(self, f"Could not refresh the caseload: {error}", severity="error")

    def _show_everyone(
        self,
        rows: list[CaseRow],
        change: int,
        store: CaseRepository,
        vocabulary: Vocabulary,
        records: StoredRecords,
        columns: FilterColumns[CaseRow],
    ) -> None:
        """Everyone is read: filters, columns and views can now be used."""
        self.vocabulary = vocabulary
        self.bar.vocabulary = vocabulary
        self._records = records
        self._columns = columns
        if self.engine is None:
            self.engine, self._engine_in_worker = (
                CaseloadFilter(
                    today=self.session.today,
                    template_for=store.template,
                    records=read,
                    officer=self.officer,
                    flags_of=row_flags,
                )
                for read in (self._records_on_the_spot, self._stored_records)
            )
            reader = ColumnReader(self.engine, store.raw_records, vocabulary)
            self.cells = TableCells(reader)
            self._use_columns(self.session.settings.columns, say_why=True)
        else:
            assert self.cells is not None
            self.cells.reader.vocabulary = vocabulary
        self._show_rows(rows, change, True)
        if self.applied.filter:
            self._apply_everywhere()  # records may have changed: read the filter again

    def _show_rows(self, rows: list[CaseRow], change: int, complete: bool) -> None:
        """Show `rows`; until `complete`, they are the default view only."""
        first = not self.loaded
        self.rows = rows
        self.loaded = True
        self.complete = complete
        self.marked.intersection_update(row.number for row in rows)
        table = self.table
        table.loading = False
        table.empty_text = (
            "No one matches. Press a for everyone, Esc to clear the filter and search."
            if rows or not complete
            else "No one here yet: press n to add a person, or i to import a CSV list."
        )
        self._choose_default_scope(rows, final=complete)
        if complete:
            self.seen_change = change
            self._count()
            self.refresh_bindings()
        else:
            self.query_one("#summary", Static).update("Counting flags across everyone…")
        self._resort()
        if first:
            if not self.query_one("#search", Input).value:
                table.focus()
            self.post_message(self.Loaded(len(rows)))

    def _choose_default_scope(self, rows: list[CaseRow], *, final: bool) -> None:
        """With an officer name set and cases assigned to them, planner opens on their
        caseload ("my caseload"; `m` shows everyone's). Decided while the caseload is
        first read, never again after the officer has chosen."""
        if self.scope_chosen:
            return
        if (
            self.officer
            and self.filter.scope is Scope.EVERYONE
            and any(same_officer(row.assigned_to, self.officer) for row in rows)
        ):
            self.filter = replace(self.filter, scope=Scope.MINE)
        self.scope_chosen = final

    def _count(self) -> None:
        if not self.complete:
            return
        self.counts = count_caseload(in_scope(self.rows, self.filter.scope, self.officer))
        self.query_one("#summary", Static).update(caseload_summary(self.counts))

    # --- filtering and sorting ------------------------------------------------------------

    def _resort(self) -> None:
        self._sorted = sort_rows(self.rows, self.sort_column, reverse=self.sort_reverse)
        self.table.set_sort_marker(self.sort_column, self.sort_reverse)
        self.refilter()

    def refilter(self) -> None:
        table = self.table
        keep = table.highlighted.number if table.highlighted else None
        rows = self._sorted
        text = self.filter.text
        if self.filter.searching:
            # A letter typed onto a search looks only among the last search's matches.
            last_rows, last_text, last_found = self._last_search
            if last_rows is rows and narrows(last_text, text):
                rows = last_found
        self.view = view = view_of(rows, self.filter, officer=self.officer, matching=self.matching)
        if self.filter.searching:
            self._last_search = (self._sorted, text, view.rows)
        headings = []
        if view.outside:
            people = len(view.outside)
            # Whole at 80 columns: what the group is, then how many.
            headings.append(
                (
                    len(view.rows),
                    f"Needs action now, outside the 12 weeks: {people:,} "
                    "(a critical flag or no release date)",
                )
            )
        self._set_table_columns()
        table.set_rows(view.shown, keep=keep, headings=headings)
        self._preview(table.highlighted)  # now, in the same frame as the rows
        described = self.filter.describe(self.officer)
        table.border_title = literal(described[:1].upper() + described[1:])
        of = f"{len(self.rows):,}" if self.complete else "…"
        subtitle = f"{len(view.rows):,} of {of}"
        if view.outside:
            subtitle += f" + {len(view.outside):,} needing action"
        if self.marked:
            subtitle += f" · {len(self.marked):,} marked"
        table.border_subtitle = f"{subtitle} · {SORTS[self.sort_column][0]}"
        self._show_status()

    def _set_table_columns(self) -> None:
        searching = self.filter.searching
        wanted = with_window(self.columns, self.vocabulary) if searching else self.columns
        table = self.table
        if table.cells != self._cell or [c.name for c in table.columns] != [c.name for c in wanted]:
            table.set_columns(wanted, self._cell)

    def _show_status(self) -> None:
        """The line above the table: the filter in use (as text, never markup), or how to
        make one; and on its right, whether a save is under way."""
        if self.filter.searching:
            line = "Searching everyone, whatever the window or filter · Esc clears the search"
        elif self.bar.is_open and self.bar.error is not None:
            line = f"{self.applied.describe() or 'No filter'} (the bar's text is not one yet)"
        elif self.applied.filter:
            line = self.applied.describe()
            if self.filtering:
                line += "  (applying…)"
        elif self.complete:
            line = "No filter · f filters by any item, evidence or field · v saved views"
        else:
            line = ""
        if self.marked:
            line += f" · {len(self.marked):,} marked (A assigns them, space unmarks)"
        # Only what changed, and a layout pass only when the line needs another height:
        # this runs on every keystroke, and a layout costs tens of ms at 20,000 people
        # (and the table's scrollbars redraw in frames of their own after it). While the
        # bar is open the line keeps two lines, so that a filter being typed, which
        # often wraps onto a second, never moves the table.
        status = self.query_one("#active-filter", StatusLine)
        status.keep_lines(2 if self.bar.is_open else 1)
        status.say(line)
        if self.saving != self._saving_shown:  # its width follows its words: a layout
            self._saving_shown = self.saving
            self.query_one("#save-status", Static).update(literal(self.saving))

    def search_for(self, text: str) -> None:
        """Filter as the officer types: called by the search field as each key is handled."""
        if text != self.filter.text:
            self._set_filter(text=text)

    @on(Input.Changed, "#search")
    def filter_as_you_type(self, event: Input.Changed) -> None:
        self.search_for(event.value)  # already done, unless the value was set another way

    @on(Input.Submitted, "#search")
    def search_done(self) -> None:
        self.table.focus()

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

    # --- the filter bar and saved views ---------------------------------------------------

    def action_filter(self) -> None:
        self.bar.open(self.applied.text)
        self._show_status()

    @on(FilterBar.Changed)
    def apply_what_was_typed(self, event: FilterBar.Changed) -> None:
        """Applied as it is typed, while it reads as a filter; nothing while it does not.
        Text that reads as the filter in use (a space typed after it) changes nothing."""
        if event.filter is not None and event.filter == self.applied.filter:
            self.applied = replace(self.applied, text=event.text)
        elif event.filter is not None:
            self._apply(AppliedFilter(event.filter, event.text))
            return
        self._show_status()

    @on(FilterBar.Done)
    def back_to_the_table(self) -> None:
        if self.bar.error is None:
            self.bar.close()
        self.table.focus()
        self._show_status()

    def _apply(self, applied: AppliedFilter) -> None:
        self.applied = applied
        if not applied.filter:
            self._generation += 1
            self.filtering = False
            self.matching = None
            self.refilter()
            self.post_message(self.Filtered())
            return
        self._apply_everywhere()

    def _apply_everywhere(self) -> None:
        """Find who the filter lets through among everyone; the window, scope and the
        rest then apply on top of it. At once, in the same frame as the text typed, while
        it reads few stored records (most filters read none, or those of a few hundred
        people); in a worker when it would read more (the first filter on evidence over
        everyone parses thousands of records)."""
        if self.engine is None or self._engine_in_worker is None:
            return
        self._generation += 1
        for engine in (self.engine, self._engine_in_worker):
            engine.officer = self.officer
        columns = self._columns
        try:
            found = frozenset(
                row.number for row in self.engine.select_columns(self.applied.filter, columns)
            )
        except _NotOnTheSpot:
            self.filtering = True
            self._show_status()
            self._select(self._engine_in_worker, self.applied.filter, columns, self._generation)
            return
        except FilterError as exc:  # "me" with no officer name set
            toast(self, f"Could not apply the filter: {exc}", severity="error")
            return
        self._selected(self._generation, found)

    @property
    def stored_records(self) -> StoredRecords:
        """The stored records the filters read, kept with the rows on screen."""
        return self._records

    def _stored_records(self, numbers: Iterable[str]) -> dict[str, Mapping[str, Any]]:
        """The stored records of `numbers`, as of the rows (in a worker: from a server,
        those not read yet are fetched)."""
        return self._records.read(numbers)

    def _records_on_the_spot(self, numbers: Sequence[str]) -> dict[str, Mapping[str, Any]]:
        """On the event loop: only a few records, and only those already at hand."""
        if len(numbers) > RECORDS_ON_THE_SPOT:
            raise _NotOnTheSpot
        records = self._records.at_hand(numbers)
        if records is None:
            raise _NotOnTheSpot
        return records

    # Each worker is given its description: Textual's default is the repr of every
    # argument, 20,000 rows of them (a quarter of a second, and personal data in it).
    @work(
        thread=True,
        exclusive=True,
        group="filter",
        exit_on_error=False,
        description="applying the filter",
    )
    def _select(
        self,
        engine: CaseloadFilter,
        wanted: Filter,
        columns: FilterColumns[CaseRow],
        generation: int,
    ) -> None:
        found = frozenset(row.number for row in engine.select_columns(wanted, columns))
        self.app.call_from_thread(self._selected, generation, found)

    def _selected(self, generation: int, found: frozenset[str]) -> None:
        if generation != self._generation:
            return  # a newer filter was typed meanwhile
        self.matching = found
        self.filtering = False
        self.refilter()
        self.post_message(self.Filtered())

    def action_clear_filter(self) -> None:
        """F5: no filter (the bar emptied and closed); the window and the rest stay."""
        self.bar.set_text("")
        self.bar.error = None
        self.bar.close()
        if self.applied.filter:
            self._apply(AppliedFilter())
        self.table.focus()
        self._show_status()

    def action_views(self) -> None:
        from planner.tui.screens.view_picker import ViewPicker

        views = saved_views(self.session.settings.views)

        def chosen(picked: str | None) -> None:
            if picked is None:
                return
            number = int(picked)
            if number == 0:
                self.action_clear_filter()
            else:
                self.use_view(number, views[number - 1])

        self.app.push_screen(ViewPicker(views, self.vocabulary), chosen)

    def use_view(self, number: int, view: SavedView) -> None:
        """Put the view's expression in the filter bar and apply it; a view from the config
        file that does not read is shown in the bar with its error."""
        try:
            wanted = view.filter(self.vocabulary)
        except FilterError:
            self.bar.open(view.expression)
            self.bar.set_text(view.expression)
            self._show_status()
            return
        self.bar.set_text(view.expression)
        self.bar.close()
        self._apply(AppliedFilter(wanted, view.expression, f"{number} {view.name}"))
        self.table.focus()

    # --- columns --------------------------------------------------------------------------

    def _use_columns(self, names: list[str], *, say_why: bool = False) -> None:
        columns, problem = columns_or_default(names, self.vocabulary)
        if problem is not None and say_why:
            toast(self, f"{problem}; showing the default columns", severity="warning")
        self.columns = columns
        if self.cells is not None:
            self.cells.forget()
        self.table.set_columns(columns, self._cell)
        if self.loaded:
            self.refilter()

    def _cell(self, column: TableColumn, row: CaseRow) -> str | None:
        if self.cells is None:
            return column.cell(row) if column.cell is not None else None
        value = self.cells.text(column, row)
        if value is None and not self._cells_asked:
            self._cells_asked = True
            self.call_after_refresh(self._fetch_cells)
        return value

    def _fetch_cells(self) -> None:
        self._cells_asked = False
        if self.cells is None:
            return
        rows = self.cells.take_wanted()
        if rows:
            self._read_cells(self.cells, list(self.table.columns), rows)

    @work(thread=True, group="cells", exit_on_error=False, description="reading cells")
    def _read_cells(
        self, cells: TableCells, columns: list[TableColumn], rows: list[CaseRow]
    ) -> None:
        read = cells.read(columns, rows)
        self.app.call_from_thread(self._cells_read, cells, read)

    def _cells_read(self, cells: TableCells, read: dict[tuple[str, int], RowCells]) -> None:
        cells.keep(read)
        self.table.refresh()

    def action_columns(self) -> None:
        from planner.tui.screens.column_chooser import ColumnChooser

        names = column_names(self.vocabulary)

        def chosen(picked: list[str] | None) -> None:
            if picked is not None:
                self._use_columns(picked)

        current = [c.name for c in self.columns]
        self.app.push_screen(ColumnChooser(self.session, current, names, self.vocabulary), chosen)

    # --- whose cases ----------------------------------------------------------------------

    def action_scope(self, scope: str) -> None:
        wanted = Scope(scope)
        if wanted is Scope.MINE and not self.officer.strip():
            toast(self, 'No officer name is set: put officer = "Your Name" in the config file.')
            return
        if self.filter.scope is wanted:
            wanted = Scope.EVERYONE
        self.scope_chosen = True
        self.filter = replace(self.filter, scope=wanted)
        self._count()
        self.refilter()

    # --- marks and assignment -------------------------------------------------------------

    def action_mark(self) -> None:
        """Space: mark the highlighted person (or unmark them), then move down a row."""
        table = self.table
        row = table.highlighted
        if row is None:
            return
        self.marked.symmetric_difference_update({row.number})
        table.cursor_row += 1
        self.refilter()

    def action_assign(self) -> None:
        if refuse_if_read_only(self, self.session):
            return
        from planner.tui.screens.assign import AssignScreen

        # Everyone marked, whether the view shows them now or not (the line above the
        # table counts them); with no one marked, the highlighted person.
        numbers = list(self.marked) or (
            [self.table.highlighted.number] if self.table.highlighted else []
        )
        if not numbers:
            return
        numbers.sort()
        known = officers(self.rows)

        def chosen(officer: str | None) -> None:
            if officer is not None:
                self._start_assign(numbers, officer)

        self.app.push_screen(AssignScreen(len(numbers), known, self.officer), chosen)

    def _start_assign(self, numbers: list[str], officer: str) -> None:
        self.saving = "Saving…"
        self._show_status()
        self._assign(numbers, officer)

    @work(thread=True, group="assign", exit_on_error=False, description="assigning")
    def _assign(self, numbers: list[str], officer: str) -> None:
        """Every assignment goes through the store, in one audited change."""
        try:
            store = self.session.store
            name = known_spelling(officer, store.summaries()) if officer else ""
            changed = store.assign(numbers, name)
        except SAVE_REFUSED as exc:
            self.app.call_from_thread(self._assign_refused, exc, numbers, officer)
            return
        self.app.call_from_thread(self._assigned, numbers, name, len(changed))

    def _assigned(self, numbers: list[str], officer: str, changed: int) -> None:
        self.saving = "Saved"
        self.marked.difference_update(numbers)
        people = "person" if changed == 1 else "people"
        if not changed:
            toast(self, "No change: already so.")
        elif officer:
            toast(self, f"Assigned {changed} {people} to {officer}; saved.")
        else:
            toast(self, f"Unassigned {changed} {people}; saved.")
        self.refilter()
        self.load_caseload()  # the rows as the store has them now

    def _assign_refused(self, exc: SaveRefused, numbers: list[str], officer: str) -> None:
        self.saving = "Not saved"
        self._show_status()
        report_save_failure(self, exc, retry=lambda: self._start_assign(numbers, officer))

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
        """Escape, one layer at a time: a search (the view it looked past comes back as it
        was); else the filter bar's filter (from the bar, always that); else the window
        and the other choices (whose cases staying)."""
        search = self.query_one("#search", Input)
        if search.value and not self.bar.is_open:
            search.value = ""  # its Changed message clears the search from the view
            self.filter = replace(self.filter, text="")
            self.refilter()
        elif self.bar.is_open or self.applied.filter:
            self.action_clear_filter()
            return
        else:
            default = RowFilter(scope=self.filter.scope)
            if self.filter != default:
                self.filter = default
                self.refilter()
        self.table.focus()

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

    def action_transfer_in(self) -> None:
        from planner.tui.screens.transfer_in import TransferInScreen

        if refuse_if_read_only(self, self.session):
            return

        def closed(received: bool | None) -> None:
            if received:
                self.load_caseload()

        self.app.push_screen(TransferInScreen(self.session), closed)

    def action_export(self) -> None:
        from planner.tui.screens.export_batch import BatchExportScreen

        shown = [row.number for row in self.table.rows]
        described = "; ".join(
            part for part in (self.filter.describe(self.officer), self.applied.describe()) if part
        )
        self.app.push_screen(BatchExportScreen(self.session, shown, described))

    def action_staff(self) -> None:
        from planner.tui.screens.staff import StaffScreen

        self.app.push_screen(StaffScreen(self.session))

    def action_insights(self) -> None:
        from planner.tui.screens.insights import InsightsScreen

        self.app.push_screen(InsightsScreen(self.session))

    def action_export_csv(self) -> None:
        from planner.tui.screens.export_caseload import CaseloadCsvScreen, ViewExport

        view = None
        if self.cells is not None:
            described = "; ".join(
                part
                for part in (self.filter.describe(self.officer), self.applied.describe())
                if part
            )
            view = ViewExport(
                rows=list(self.table.rows),
                columns=[c.column for c in self.table.columns],
                described=described,
                reader=self.cells.reader,
            )
        self.app.push_screen(CaseloadCsvScreen(self.session, view))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.complete and action not in self.NEED_ROWS:
            return None  # shown, greyed out, until the whole caseload is read
        return super().check_action(action, parameters)
