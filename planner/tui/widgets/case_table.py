"""A virtual table of people: renders only the lines on screen, whatever the caseload size.

Textual's DataTable measures every cell of every row it is given (about 2 s for 20,000
rows, and again after every filter change). The caseload needs only a cursor, a fixed
header and fixed-width columns, so this Line API widget takes a list of rows and draws
the twenty or forty that are visible: a filter or search keystroke costs the filtering
alone. Its columns are chosen (see planner.tui.table_columns); a cell not read yet shows
"…". The first column shows a mark (✔) on the rows marked with space, and a group of rows
can be headed by a line of its own ("Needs action now, outside the window").
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Collection, Sequence
from operator import attrgetter
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from planner.domain.text import visible
from planner.tui.caseload_rows import CaseRow
from planner.tui.table_columns import Justify, TableColumn, default_columns

MARK = "✔"  # a marked row: a character, not only a colour
_FLEX_MIN = 30  # the flexible column takes the rest of the width, at least this much
_GAP = 1
_MARK_WIDTH = 1
CellText = Callable[[TableColumn, CaseRow], str | None]
_number: Callable[[CaseRow], str] = attrgetter("number")


def drawn_cell(column: TableColumn, row: CaseRow) -> str | None:
    """A cell drawn from the row alone (the screen gives the table a reader for the rest)."""
    return column.cell(row) if column.cell is not None else None


def fit(text: str, width: int, justify: Justify = "left") -> str:
    """`text` as it is, padded or cut to exactly `width` cells (a cut ends in an ellipsis)."""
    if width <= 0:
        return ""
    text = visible(text)
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    pad = " " * (width - length)
    return pad + text if justify == "right" else text + pad


class TableMessage(Message):
    def __init__(self, table: CaseTable) -> None:
        super().__init__()
        self.table = table

    @property
    def control(self) -> CaseTable:
        return self.table


class CaseTable(ScrollView, can_focus=True):
    """People as rows; Enter selects the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("home", "first", "First", show=False, id="table.first"),
        Binding("end", "last", "Last", show=False, id="table.last"),
        Binding("enter", "select", "Open", tooltip="Open the highlighted person", id="table.open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "case-table--header",
        "case-table--cursor",
        "case-table--critical",
        "case-table--warning",
        "case-table--info",
        "case-table--inactive",
        "case-table--group",
    }

    DEFAULT_CSS = """
    CaseTable {
        height: 1fr;
        background: $surface;
        /* Always room for the sideways scrollbar: a search's extra column (or a column
           chosen) never lays the screen out again, with the scrollbars' frames after it. */
        overflow-x: scroll;
        & > .case-table--header { text-style: bold; background: $panel; }
        & > .case-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .case-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .case-table--critical { color: $text-error; text-style: bold; }
        & > .case-table--warning { color: $text-warning; }
        & > .case-table--info { color: $text-primary; }
        & > .case-table--inactive { color: $text-muted; }
        & > .case-table--group { text-style: bold; background: $panel; }
    }
    """

    cursor_row: reactive[int] = reactive(0, always_update=True)

    class Highlighted(TableMessage):
        """The cursor moved to another row (None: the table is empty)."""

        def __init__(self, table: CaseTable, row: CaseRow | None) -> None:
            super().__init__(table)
            self.row = row

    class Selected(TableMessage):
        """Enter (or a second click) on a row."""

        def __init__(self, table: CaseTable, row: CaseRow) -> None:
            super().__init__(table)
            self.row = row

    class HeaderClicked(TableMessage):
        def __init__(self, table: CaseTable, column: str) -> None:
            super().__init__(table)
            self.column = column

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: list[CaseRow] = []
        self.columns: list[TableColumn] = default_columns()
        self.cells: CellText = drawn_cell
        self.marked: Collection[str] = frozenset()  # prison numbers marked with space
        self.headings: list[tuple[int, str]] = []  # (the row it comes before, its words)
        self.sort_column = "urgency"
        self.sort_reverse = False
        self.empty_text = "Loading…"
        self._widths: list[int] = [c.width for c in self.columns]

    # --- data -----------------------------------------------------------------------------

    @property
    def highlighted(self) -> CaseRow | None:
        if 0 <= self.cursor_row < len(self.rows):
            return self.rows[self.cursor_row]
        return None

    def set_rows(
        self,
        rows: list[CaseRow],
        *,
        keep: str | None = None,
        headings: Sequence[tuple[int, str]] = (),
    ) -> None:
        """Show these rows, a heading line before the rows `headings` name; the cursor
        stays on prison number `keep` if it is still there."""
        self.rows = rows
        self.headings = sorted((i, text) for i, text in headings if 0 <= i < len(rows))
        index = 0
        if keep is not None:
            try:  # at C speed: 20,000 rows on a keystroke
                index = list(map(_number, rows)).index(keep)
            except ValueError:
                index = 0
        self._update_virtual_size()
        self.cursor_row = index
        self.refresh()

    def set_columns(self, columns: Sequence[TableColumn], cells: CellText) -> None:
        self.columns = list(columns)
        self.cells = cells
        self._update_virtual_size()
        self.refresh()

    def set_sort_marker(self, column: str, reverse: bool) -> None:
        self.sort_column = column
        self.sort_reverse = reverse
        self.refresh()

    # --- lines: the header, then rows with a heading line before some ---------------------

    def _line_of_row(self, index: int) -> int:
        """Where row `index` is drawn, counting from the first line under the header."""
        before = bisect_right([i for i, _ in self.headings], index)
        return index + before

    def _at_line(self, line: int) -> int | str | None:
        """The row index (or a heading's words) drawn on `line` under the header."""
        shift = 0
        for index, text in self.headings:
            at = index + shift
            if line == at:
                return text
            if line < at:
                break
            shift += 1
        row = line - shift
        return row if 0 <= row < len(self.rows) else None

    # --- geometry -------------------------------------------------------------------------

    def _update_virtual_size(self) -> None:
        columns = self.columns
        fixed = _MARK_WIDTH + _GAP + sum(c.width + _GAP for c in columns if c.width)
        available = self.scrollable_content_region.width or self.size.width
        self._widths = [c.width or max(_FLEX_MIN, available - fixed) for c in columns]
        total = _MARK_WIDTH + _GAP + sum(self._widths) + _GAP * (len(columns) - 1)
        size = Size(total, len(self.rows) + len(self.headings) + 1)
        if size == self.virtual_size:
            return
        # Setting `virtual_size` lays the whole screen out again (and draws the scrollbars
        # in frames of their own after it); the table's place on screen never depends on
        # it, only whether its scrollbars show, which `_scroll_update` decides (asking for
        # a layout itself when one comes or goes). So a filter draws in one frame.
        self.set_reactive(ScrollView.virtual_size, size)
        self._scroll_update(size)
        self.refresh()

    def on_resize(self, _event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_cursor_into_view()

    def _scroll_cursor_into_view(self) -> None:
        if not self.rows:
            return
        region = Region(int(self.scroll_x), self._line_of_row(self.cursor_row) + 1, 1, 1)
        self.scroll_to_region(region, spacing=Spacing(1, 0, 0, 0), animate=False, force=True)

    def validate_cursor_row(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1))

    def watch_cursor_row(self) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self, self.highlighted))

    # --- keys and mouse -------------------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_page_up(self) -> None:
        self.cursor_row -= self._page

    def action_page_down(self) -> None:
        self.cursor_row += self._page

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = len(self.rows) - 1

    def action_select(self) -> None:
        row = self.highlighted
        if row is not None:
            self.post_message(self.Selected(self, row))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            column = self._column_at(event.x + int(self.scroll_x))
            if column is not None and column.sort is not None:
                self.post_message(self.HeaderClicked(self, column.sort))
            return
        index = self._at_line(int(self.scroll_y) + event.y - 1)
        if isinstance(index, int):
            if index == self.cursor_row and event.chain >= 2:
                self.action_select()
            self.cursor_row = index

    def _column_at(self, x: int) -> TableColumn | None:
        left = _MARK_WIDTH + _GAP
        for column, width in zip(self.columns, self._widths, strict=True):
            if left <= x < left + width + _GAP:
                return column
            left += width + _GAP
        return None

    # --- rendering ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        base = self.rich_style
        if y == 0:
            strip = self._header_strip(base)
        else:
            line = scroll_y + y - 1
            at = self._at_line(line)
            if isinstance(at, int):
                strip = self._row_strip(self.rows[at], at == self.cursor_row, base)
            elif at is not None:
                style = base + self.get_component_rich_style("case-table--group")
                # A heading stays in view when the table is scrolled sideways.
                strip = Strip([Segment(" " * scroll_x + fit(at, width), style)])
            elif line == 0:
                strip = Strip([Segment(" " + self.empty_text, base)])
            else:
                strip = Strip.blank(0, base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _header_strip(self, base: Style) -> Strip:
        style = base + self.get_component_rich_style("case-table--header")
        segments = [Segment(" " * (_MARK_WIDTH + _GAP), style)]
        for column, width in zip(self.columns, self._widths, strict=True):
            label = column.label
            if column.sort is not None and column.sort == self.sort_column:
                label += " ▼" if self.sort_reverse else " ▲"
            segments.append(Segment(fit(label, width, column.justify) + " " * _GAP, style))
        return Strip(segments)

    def _row_strip(self, row: CaseRow, cursor: bool, base: Style) -> Strip:
        style = base
        if not row.active:
            style += self.get_component_rich_style("case-table--inactive")
        if cursor:
            style += self.get_component_rich_style("case-table--cursor")
        mark = MARK if row.number in self.marked else " "
        segments = [Segment(mark, style), Segment(" " * _GAP, style)]
        for column, width in zip(self.columns, self._widths, strict=True):
            cell_style = style
            if column.severity is not None and not cursor:
                severity = column.severity(row)
                if severity is not None:
                    cell_style += self.get_component_rich_style(f"case-table--{severity.value}")
            value = self.cells(column, row)
            text = fit("…" if value is None else value, width, column.justify)
            segments.append(Segment(text, cell_style))
            segments.append(Segment(" " * _GAP, style))
        return Strip(segments)
