"""The caseload table's columns: the domain's columns, by the names `planner list --columns`
takes, drawn for a terminal.

The columns the caseload has always shown (number, name, location, release, days, ready,
the flag counts, the most urgent flag) are drawn from the row the screen already holds,
with their widths and colours; any other column (an item's status, an evidence field, the
COM, the assigned officer, the next due date...) is read by the domain's ColumnReader, as
`planner list` reads it. A column that needs the person's stored record is read only for
the rows on screen, off the event loop (see `TableCells`).

No Textual here: the tests read the cells directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from planner.domain.columns import (
    DEFAULT_COLUMNS,
    FIXED,
    Column,
    ColumnReader,
    Shape,
    cell_text,
    parse_columns,
)
from planner.domain.filter_terms import FilterError
from planner.domain.filter_vocabulary import Vocabulary
from planner.domain.flags import flag_order
from planner.domain.gaps import Severity
from planner.tui.caseload_rows import CaseRow
from planner.tui.formatting import days_text, flag_headline, readiness_text, release_text

Justify = Literal["left", "right"]
RowCells = dict[str, str]  # a row's record-read values, by column name
WINDOW_COLUMN = "window"  # where in the caseload a person is: added to a search's columns


@dataclass(frozen=True, slots=True)
class TableColumn:
    """One column of the table. `column` is the domain's (what a CSV of the view writes);
    `cell` draws it from the row, or is None when the domain's reader gives its value."""

    column: Column
    label: str
    width: int  # 0: the rest of the width
    cell: Callable[[CaseRow], str] | None = None
    justify: Justify = "left"
    severity: Callable[[CaseRow], Severity | None] | None = None
    sort: str | None = None  # what a click on its heading sorts by (a caseload_rows.SORTS key)

    @property
    def name(self) -> str:
        return self.column.name

    @property
    def needs_record(self) -> bool:
        return self.cell is None and self.column.needs_record


def _worst(row: CaseRow) -> Severity | None:
    return None if row.top is None else row.top.severity


def _count(severity: Severity) -> Callable[[CaseRow], str]:
    def count(row: CaseRow) -> str:
        value = {Severity.CRITICAL: row.critical, Severity.WARNING: row.warning}.get(
            severity, row.info
        )
        return str(value) if value else ""  # zero left out, so the eye finds the others

    return count


def _severity_if(severity: Severity) -> Callable[[CaseRow], Severity | None]:
    def style(row: CaseRow) -> Severity | None:
        value = {Severity.CRITICAL: row.critical, Severity.WARNING: row.warning}.get(
            severity, row.info
        )
        return severity if value else None

    return style


@dataclass(frozen=True, slots=True)
class _Drawn:
    label: str
    width: int
    cell: Callable[[CaseRow], str]
    justify: Justify = "left"
    severity: Callable[[CaseRow], Severity | None] | None = None
    sort: str | None = None


# The columns drawn from the row itself, by their domain names.
DRAWN: dict[str, _Drawn] = {
    "number": _Drawn("Number", 7, lambda r: r.number, sort="number"),
    "name": _Drawn("Name", 20, lambda r: r.name, sort="name"),
    "location": _Drawn("Location", 8, lambda r: r.location, sort="location"),
    "release": _Drawn("Release", 15, lambda r: release_text(r.release), sort="release"),
    "days": _Drawn("Days", 6, lambda r: days_text(r.days), "right", sort="days"),  # "21 ago"
    "ready": _Drawn("Ready", 5, lambda r: readiness_text(r.readiness), "right", sort="readiness"),
    "critical": _Drawn(
        Severity.CRITICAL.symbol, 3, _count(Severity.CRITICAL), "right",
        _severity_if(Severity.CRITICAL), "flags",
    ),
    "warning": _Drawn(
        Severity.WARNING.symbol, 3, _count(Severity.WARNING), "right",
        _severity_if(Severity.WARNING), "flags",
    ),
    "info": _Drawn(
        Severity.INFO.symbol, 3, _count(Severity.INFO), "right",
        _severity_if(Severity.INFO), "flags",
    ),
    "most_urgent": _Drawn(
        "Most urgent flag", 0, lambda r: "" if r.top is None else flag_headline(r.top),
        severity=_worst, sort="top",
    ),
}  # fmt: skip

_WIDTHS = {Shape.DATE: 15, Shape.COUNT: 5, Shape.SHARE: 5}
_TEXT_WIDTH = (12, 24)  # a text column is as wide as its heading, within these
_WIDE = {WINDOW_COLUMN: 39}  # "due for release after the next 12 weeks" whole


def table_column(column: Column) -> TableColumn:
    drawn = DRAWN.get(column.name)
    if drawn is not None:
        return TableColumn(
            column, drawn.label, drawn.width, drawn.cell, drawn.justify, drawn.severity, drawn.sort
        )
    low, high = _TEXT_WIDTH
    width = (
        _WIDE.get(column.name)
        or _WIDTHS.get(column.shape)
        or (min(max(len(column.heading), low), high))
    )
    right: Justify = "right" if column.shape in (Shape.COUNT, Shape.SHARE) else "left"
    return TableColumn(column, column.heading, max(width, len(column.heading)), justify=right)


def default_columns() -> list[TableColumn]:
    """The columns `planner list` shows by default, before any is chosen."""
    return [table_column(FIXED[name]) for name in DEFAULT_COLUMNS]


def choose_columns(names: Sequence[str], vocabulary: Vocabulary) -> list[TableColumn]:
    """The table's columns for `names` (the domain's default when empty); FilterError names
    an unknown one, as `planner list --columns` does."""
    return [table_column(c) for c in parse_columns(list(names or DEFAULT_COLUMNS), vocabulary)]


def columns_or_default(
    names: Sequence[str], vocabulary: Vocabulary
) -> tuple[list[TableColumn], str | None]:
    """The remembered columns, or the default ones and why the remembered ones cannot be
    used (a column of an item no template has any more)."""
    try:
        return choose_columns(names, vocabulary), None
    except FilterError as exc:
        return choose_columns((), vocabulary), f"config file, columns: {exc}"


def with_window(columns: Sequence[TableColumn], vocabulary: Vocabulary) -> list[TableColumn]:
    """A search's columns: the chosen ones with, after the name, where each match is."""
    if any(c.name == WINDOW_COLUMN for c in columns):
        return list(columns)
    where = choose_columns([WINDOW_COLUMN], vocabulary)[0]
    at = next((i + 1 for i, c in enumerate(columns) if c.name == "name"), min(len(columns), 2))
    return [*columns[:at], where, *columns[at:]]


_KEEP_AT_MOST = 50_000


class TableCells:
    """The text of every cell. Columns drawn from the row, or read from the row's summary
    and flags, are there at once; those read from the stored record are fetched for the
    rows asked for (the rows on screen), in a worker, and kept while the row's revision is
    the same. Until then the cell is None (the table shows "…")."""

    def __init__(self, reader: ColumnReader) -> None:
        self.reader = reader
        self._read: dict[tuple[str, int], RowCells] = {}
        self.wanted: dict[str, CaseRow] = {}

    def text(self, column: TableColumn, row: CaseRow) -> str | None:
        if column.cell is not None:
            return column.cell(row)
        domain = column.column
        if not domain.needs_record:
            flags = sorted(row.flags, key=flag_order) if domain.needs_flags else []
            return cell_text(self.reader.value(domain, row, flags, None), domain.shape)
        got = self._read.get((row.number, row.rev))
        if got is None or domain.name not in got:
            self.wanted[row.number] = row
            return None
        return got[domain.name]

    def take_wanted(self) -> list[CaseRow]:
        wanted, self.wanted = list(self.wanted.values()), {}
        return wanted

    def read(
        self, columns: Iterable[TableColumn], rows: Sequence[CaseRow]
    ) -> dict[tuple[str, int], RowCells]:
        """From a worker: the record-read columns of `rows` (the store's shared lock)."""
        wanted = [c.column for c in columns if c.needs_record]
        if not wanted or not rows:
            return {}
        table = self.reader.table(wanted, rows)
        return {
            (row.number, row.rev): {
                c.name: cell_text(value, c.shape) for c, value in zip(wanted, values, strict=True)
            }
            for row, values in zip(rows, table, strict=True)
        }

    def keep(self, read: dict[tuple[str, int], RowCells]) -> None:
        if len(self._read) > _KEEP_AT_MOST:  # old revisions of rows long changed
            self._read.clear()
        for key, cells in read.items():
            self._read.setdefault(key, {}).update(cells)

    def forget(self) -> None:
        """The columns changed: read again what is asked for."""
        self._read.clear()
        self.wanted.clear()
