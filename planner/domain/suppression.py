"""Small-number suppression: figures by group that never single anybody out.

A report publishes tables of counts of people: a row per group (women, men, "not
recorded"...), a column per category (a measure's yes, no and unknown, or the
accommodation categories), each row's total (the group's size), each column's total and
the grand total. :func:`suppress` decides which of those numbers may be shown.

**Primary suppression.** Any count from 1 to threshold - 1, totals included, is shown as
"fewer than N". The threshold is 5 by default, may be raised, and is never below 3
(:data:`MIN_THRESHOLD`): DOMAIN.md, "Small numbers", after the UK Longitudinal Linkage
Collaboration's practice (which uses 10).

**Zeros.** A zero is shown, except in a group smaller than the threshold. A zero in a
group of one woman says what happened to her ("no woman was housed"), so there it is
hidden like the small counts beside it (and shown as "fewer than N", which it is). In a
group of at least N people, a zero says the same of all of them, like a published rate of
0% or 100% does: nobody is singled out, and hiding it would hide the figures officers most
need ("nobody slept rough"). A zero in a column that is zero for everyone is shown too:
it says nothing about the small group that the column's total of 0 does not say of
everyone. Practice that hides every zero (UKLLC) buys little more here, at the cost of
most of a small prison's table. Anything in a report on fewer than N people in all is
withheld.

**Secondary suppression.** A hidden count must not be recoverable from what is shown. The
reader is assumed to know every shown number, that each row and column adds up to its
total, that a "fewer than N" count is below N (and, outside a small group, not 0), and
that a "withheld" count is N or more. For every hidden small count, :func:`suppress`
hides further cells so that a second table, different in that count and identical in
everything shown, fits all of that knowledge (a *witness*: one person moved around a
rectangle of hidden cells, the hypercube method of tau-ARGUS: Hundepool et al.,
*Statistical Disclosure Control*, Wiley 2012). So no hidden count can be worked out by
subtracting shown cells from a shown total, repeatedly, nor by any linear algebra or
bounds on it. Of the rectangles that give a witness, it takes the one that hides the
fewest people, preferring one that leaves every group's size as it is; a zero is never
hidden to protect another cell (it would protect nothing). Hiding only adds cells, and a
witness stays one when more cells are hidden, so one pass is stable. A table where no
rectangle gives a witness (rare: every count at the threshold exactly) is withheld whole.

**Rates.** A group's rate (and its interval) is shown only when every count in its row
is shown, and at least N people in the group have a known outcome: a rate beside a hidden
count would give that count away, and a rate of very few people is one person's story.

Tables built from the same people by the same grouping (one per measure) share their
group sizes: :func:`suppress_together` hides a group's size in all of them when any one
needs it hidden, so no table reveals what another hides by its totals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import product

from planner.domain.statistics import Rate

DEFAULT_THRESHOLD = 5
MIN_THRESHOLD = 3
YES_NO_UNKNOWN = ("yes", "no", "unknown")  # the columns of a yes/no measure's table


class ThresholdTooLow(ValueError):
    """A suppression threshold below the minimum, which could single people out."""


def checked_threshold(threshold: int) -> int:
    """The threshold, refused with a clear reason when it is below the minimum."""
    if threshold < MIN_THRESHOLD:
        raise ThresholdTooLow(
            f"the suppression threshold must be {MIN_THRESHOLD} or more "
            f"(a smaller group could single someone out): {threshold}"
        )
    return threshold


@dataclass(frozen=True, slots=True)
class CountTable:
    """Counts of people: a row per group, a column per category; totals are the sums."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        for what, labels in (("group", self.rows), ("column", self.columns)):
            seen: set[str] = set()
            for label in labels:
                if label in seen:
                    raise ValueError(f"{what} {label!r} is in the table twice")
                seen.add(label)
        if not self.columns:
            raise ValueError("a table needs at least one column")
        if len(self.counts) != len(self.rows):
            raise ValueError(f"{len(self.rows)} groups but {len(self.counts)} rows of counts")
        for label, row in zip(self.rows, self.counts, strict=True):
            if len(row) != len(self.columns):
                raise ValueError(f"group {label!r} has {len(row)} counts, not {len(self.columns)}")
            if any(count < 0 for count in row):
                raise ValueError(f"group {label!r} has a negative count")

    @classmethod
    def of(cls, columns: Sequence[str], counts: Mapping[str, Sequence[int]]) -> CountTable:
        """A table from each group's counts, in the order of `columns`."""
        return cls(tuple(counts), tuple(columns), tuple(tuple(row) for row in counts.values()))

    def row_total(self, row: int) -> int:
        return sum(self.counts[row])

    def column_total(self, column: int) -> int:
        return sum(row[column] for row in self.counts)

    @property
    def grand_total(self) -> int:
        return sum(map(sum, self.counts))


class Hidden(StrEnum):
    """Why a published number is not shown."""

    FEWER_THAN = "fewer_than"  # primary: a count from 1 to threshold - 1 (or a small group's 0)
    SECONDARY = "secondary"  # it would let a hidden count be worked out
    TABLE = "table"  # the whole table is withheld


@dataclass(frozen=True, slots=True)
class Cell:
    """A published number: its count, or why it is hidden (then `count` is None)."""

    count: int | None
    hidden: Hidden | None = None

    def text(self, threshold: int) -> str:
        """The cell as a report prints it: '12', 'fewer than 5' or 'withheld'."""
        if self.hidden is Hidden.FEWER_THAN:
            return f"fewer than {threshold}"
        if self.hidden is not None:
            return "withheld"
        return str(self.count)


@dataclass(frozen=True, slots=True)
class PublishedRate:
    """A group's rate, or why it is withheld (then `rate` is None)."""

    rate: Rate | None
    withheld_because: str | None = None


@dataclass(frozen=True, slots=True)
class PublishedTable:
    """A :class:`CountTable` as it may be published: hidden cells carry no count at all."""

    threshold: int
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...]
    column_totals: tuple[Cell, ...]
    grand_total: Cell

    @property
    def withheld(self) -> bool:
        return self.grand_total.hidden is Hidden.TABLE

    def cell(self, row: str, column: str) -> Cell:
        return self.cells[self.rows.index(row)][self.columns.index(column)]

    def row_total(self, row: str) -> Cell:
        return self.row_totals[self.rows.index(row)]

    def column_total(self, column: str) -> Cell:
        return self.column_totals[self.columns.index(column)]

    def rate(
        self, row: str | None, numerator: Sequence[str], denominator: Sequence[str]
    ) -> PublishedRate:
        """The share of `row` (None: everyone) in the `numerator` columns, out of the
        `denominator` columns; the rest of the row is its unknown.

        Shown only when every count of the row is shown and the denominator is at least
        the threshold (see the module's rule for rates).
        """
        cells = self.column_totals if row is None else self.cells[self.rows.index(row)]
        if any(cell.count is None for cell in cells):
            return PublishedRate(None, "a count it is worked out from is hidden")
        counts = {column: cell.count or 0 for column, cell in zip(self.columns, cells, strict=True)}
        known = sum(counts[column] for column in denominator)
        if known < self.threshold:
            return PublishedRate(None, f"fewer than {self.threshold} with a known outcome")
        count = sum(counts[column] for column in numerator)
        return PublishedRate(Rate(count, known, sum(counts.values()) - known))

    def yes_rate(self, row: str | None) -> PublishedRate:
        """A yes/no measure's rate (columns :data:`YES_NO_UNKNOWN`): yes of yes and no."""
        return self.rate(row, ("yes",), ("yes", "no"))


Position = tuple[int, int]  # (row, column) in the grid, the totals last in each direction
Grid = list[list[int]]


def suppress(
    table: CountTable,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    hide_row_totals: Iterable[str] = (),
    hide_grand_total: bool = False,
) -> PublishedTable:
    """`table` as it may be published under the module's rules.

    `hide_row_totals` and `hide_grand_total` hide group sizes another table of the same
    people had to hide (see :func:`suppress_together`).
    """
    threshold = checked_threshold(threshold)
    grid = _grid(table)
    height, width = len(grid), len(grid[0])
    grand = grid[-1][-1]
    hidden: dict[Position, Hidden] | None = None
    if not 0 < grand < threshold:
        hidden = _hide(grid, threshold, set(hide_row_totals), table.rows, hide_grand_total)
    if hidden is None:  # too few people in all, or no witness for some count
        hidden = {(r, c): Hidden.TABLE for r in range(height) for c in range(width)}

    def cell(r: int, c: int) -> Cell:
        why = hidden.get((r, c))
        return Cell(None, why) if why is not None else Cell(grid[r][c])

    body = height - 1
    return PublishedTable(
        threshold,
        table.rows,
        table.columns,
        tuple(tuple(cell(r, c) for c in range(width - 1)) for r in range(body)),
        tuple(cell(r, width - 1) for r in range(body)),
        tuple(cell(body, c) for c in range(width - 1)),
        cell(body, width - 1),
    )


def suppress_together(
    tables: Sequence[CountTable], threshold: int = DEFAULT_THRESHOLD
) -> list[PublishedTable]:
    """Tables of the same people by the same grouping, suppressed so that they agree.

    Each group's size is hidden in every table once any table needs it hidden, and the
    grand total likewise, repeated until no table hides another one.
    """
    if not tables:
        return []
    first = tables[0]
    sizes = [first.row_total(r) for r in range(len(first.rows))]
    for other in tables[1:]:
        if (
            other.rows != first.rows
            or [other.row_total(r) for r in range(len(other.rows))] != sizes
        ):
            raise ValueError("tables suppressed together must have the same groups and sizes")
    hide_rows: set[str] = set()
    hide_grand = False
    while True:
        published = [
            suppress(table, threshold, hide_row_totals=hide_rows, hide_grand_total=hide_grand)
            for table in tables
        ]
        rows = {
            label
            for one in published
            for label, total in zip(one.rows, one.row_totals, strict=True)
            if total.hidden is not None
        }
        grand = any(one.grand_total.hidden is not None for one in published)
        if rows == hide_rows and grand == hide_grand:
            return published
        hide_rows, hide_grand = rows | hide_rows, grand or hide_grand


def _grid(table: CountTable) -> Grid:
    """The counts with each row's total at its end and the column totals below."""
    grid = [[*row, sum(row)] for row in table.counts]
    grid.append(
        [sum(column) for column in zip(*grid, strict=True)]
        if grid
        else [0] * (len(table.columns) + 1)
    )
    return grid


def _hide(
    grid: Grid,
    threshold: int,
    hide_rows: set[str],
    rows: tuple[str, ...],
    hide_grand: bool,
) -> dict[Position, Hidden] | None:
    """Which cells to hide, and why; None when some small count has no witness."""
    last_row, last_column = len(grid) - 1, len(grid[0]) - 1
    hidden: dict[Position, Hidden] = {}
    for r, c in product(range(last_row + 1), range(last_column + 1)):
        if _is_small(grid, r, c, threshold):
            hidden[(r, c)] = Hidden.FEWER_THAN
    forced = [(rows.index(label), last_column) for label in hide_rows if label in rows]
    if hide_grand:
        forced.append((last_row, last_column))
    for position in forced:
        if grid[position[0]][position[1]] > 0:
            hidden.setdefault(position, Hidden.SECONDARY)
    small = sorted(
        (position for position, why in hidden.items() if why is Hidden.FEWER_THAN),
        key=lambda p: (grid[p[0]][p[1]], p),
    )
    for position in small:
        corners = _cheapest_witness(grid, hidden, position, threshold)
        if corners is None:
            return None
        for corner in corners:
            hidden.setdefault(corner, Hidden.SECONDARY)
    return hidden


def _is_small(grid: Grid, r: int, c: int, threshold: int) -> bool:
    """A count from 1 to threshold - 1, or a zero in a small group (see the module)."""
    last_row, last_column = len(grid) - 1, len(grid[0]) - 1
    value = grid[r][c]
    if 0 < value < threshold:
        return True
    in_body = r < last_row and c < last_column
    small_group = 0 < grid[r][last_column] < threshold
    return value == 0 and in_body and small_group and grid[last_row][c] > 0


def _bounds(
    grid: Grid, hidden: Mapping[Position, Hidden], position: Position, threshold: int
) -> tuple[int, int | None]:
    """What a reader knows of a hidden cell from its label: its lowest and highest value."""
    r, c = position
    last_row, last_column = len(grid) - 1, len(grid[0]) - 1
    if hidden.get(position) is Hidden.FEWER_THAN:
        in_small_group = (
            r < last_row and c < last_column and hidden.get((r, last_column)) is Hidden.FEWER_THAN
        )
        return (0 if in_small_group else 1), threshold - 1
    return threshold, None  # withheld: a count that is not small, and never a zero


def _cheapest_witness(
    grid: Grid, hidden: Mapping[Position, Hidden], small: Position, threshold: int
) -> list[Position] | None:
    """The corners of the cheapest rectangle through `small` giving it a witness.

    Cheapest: one that leaves the group sizes as they are if any does, then the fewest
    people newly hidden, then the fewest cells. A corner not hidden yet would be hidden as
    withheld, so its bounds are withheld's.
    """
    i, j = small
    last_row, last_column = len(grid) - 1, len(grid[0]) - 1
    # What hiding each cell of the row and of the column would cost; None: never (a zero).
    in_row = [_cost(grid, hidden, (i, m)) for m in range(last_column + 1)]
    in_column = [_cost(grid, hidden, (k, j)) for k in range(last_row + 1)]
    ks = sorted((cost, k) for k, cost in enumerate(in_column) if k != i and cost is not None)
    ms = sorted((cost, m) for m, cost in enumerate(in_row) if m != j and cost is not None)
    passes = (
        [ms]
        if j == last_column
        else [
            [(cost, m) for cost, m in ms if m != last_column],  # group sizes left as they are
            [(cost, m) for cost, m in ms if m == last_column],
        ]
    )
    for candidates in passes:
        best_key: tuple[int, int, int, int] | None = None  # cost, cells hidden, k, m
        best: list[Position] = []
        for column_cost, k in ks:
            if not candidates or (
                best_key is not None and column_cost + candidates[0][0] > best_key[0]
            ):
                break
            row_of_k = grid[k]
            for row_cost, m in candidates:
                if best_key is not None and row_cost + column_cost > best_key[0]:
                    break
                corner_hidden = (k, m) in hidden
                corner_cost = 0 if corner_hidden else row_of_k[m]
                if corner_cost == 0 and not corner_hidden:
                    continue  # a shown zero: never hidden to protect another
                new = [p for p in ((i, m), (k, j), (k, m)) if p not in hidden]
                key = (row_cost + column_cost + corner_cost, len(new), k, m)
                if best_key is not None and key >= best_key:
                    continue
                if _shift_fits(grid, hidden, small, (k, m), 1, threshold) or _shift_fits(
                    grid, hidden, small, (k, m), -1, threshold
                ):
                    best_key, best = key, new
        if best_key is not None:
            return best
    return None


def _cost(grid: Grid, hidden: Mapping[Position, Hidden], position: Position) -> int | None:
    """The people hiding this cell would hide (0 if it is hidden); None for a zero shown,
    which is never hidden to protect another: a reader knows hidden means N or more."""
    if position in hidden:
        return 0
    value = grid[position[0]][position[1]]
    return value if value > 0 else None


def _shift_fits(
    grid: Grid,
    hidden: Mapping[Position, Hidden],
    small: Position,
    opposite: Position,
    step: int,
    threshold: int,
) -> bool:
    """Whether moving `step` people around the rectangle keeps every corner in its bounds.

    The move adds `step` at `small` and `opposite` and takes it from the other two corners,
    with the signs turned for totals (a person added to a cell is added to its totals),
    so every row and column still adds up and no shown cell changes.
    """
    (i, j), (k, m) = small, opposite
    last_row, last_column = len(grid) - 1, len(grid[0]) - 1
    for r, c, turn in ((i, j, 1), (i, m, -1), (k, j, -1), (k, m, 1)):
        sign = turn * (-1 if r == last_row else 1) * (-1 if c == last_column else 1)
        value = grid[r][c] + sign * step
        low, high = _bounds(grid, hidden, (r, c), threshold)
        if value < low or (high is not None and value > high):
            return False
    return True
