"""Small-number suppression: nothing a report shows, or lets a reader work out, counts
fewer people than the threshold."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.statistics import Rate
from planner.domain.suppression import (
    DEFAULT_THRESHOLD,
    MIN_THRESHOLD,
    YES_NO_UNKNOWN,
    CountTable,
    Hidden,
    PublishedTable,
    ThresholdTooLow,
    checked_threshold,
    suppress,
    suppress_together,
)

Grid = list[list[int]]
Shown = list[list[int | None]]
Labels = list[list[Hidden | None]]


def true_grid(table: CountTable) -> Grid:
    """The counts, each row's total at its end, the column totals (and grand) below."""
    grid = [[*row, sum(row)] for row in table.counts]
    width = len(table.columns) + 1
    grid.append([sum(row[c] for row in grid) for c in range(width)])
    return grid


def shown_grid(published: PublishedTable) -> tuple[Shown, Labels]:
    pairs = zip(published.cells, published.row_totals, strict=True)
    rows = [[*cells, total] for cells, total in pairs]
    rows.append([*published.column_totals, published.grand_total])
    return [[cell.count for cell in row] for row in rows], [[c.hidden for c in row] for row in rows]


def equations(height: int, width: int) -> list[list[tuple[tuple[int, int], int]]]:
    """Each row and column of the grid: its cells add up to its total (sum of cell*sign = 0)."""
    found = []
    for r in range(height):
        found.append([((r, c), 1) for c in range(width - 1)] + [((r, width - 1), -1)])
    for c in range(width):
        found.append([((r, c), 1) for r in range(height - 1)] + [((height - 1, c), -1)])
    return found


def worked_out_by_subtraction(shown: Shown) -> Shown:
    """Everything a reader can work out by subtracting shown cells from a shown total, in
    a row or a column, repeatedly: an equation with one unknown left gives it."""
    known = [row[:] for row in shown]
    height, width = len(known), len(known[0])
    changed = True
    while changed:
        changed = False
        for equation in equations(height, width):
            unknown = [(p, sign) for p, sign in equation if known[p[0]][p[1]] is None]
            if len(unknown) != 1:
                continue
            (r, c), sign = unknown[0]
            rest = sum(s * (known[q[0]][q[1]] or 0) for q, s in equation if q != (r, c))
            known[r][c] = -rest * sign  # sign is +1 or -1
            changed = True
    return known


def linearly_determined(shown: Shown) -> set[tuple[int, int]]:
    """The hidden cells any linear algebra on the row and column sums pins down exactly:
    a unit vector in the row space of the equations over the hidden cells (exact RREF)."""
    height, width = len(shown), len(shown[0])
    unknowns = [(r, c) for r in range(height) for c in range(width) if shown[r][c] is None]
    index = {p: n for n, p in enumerate(unknowns)}
    matrix = []
    for equation in equations(height, width):
        row = [Fraction(0)] * len(unknowns)
        for p, sign in equation:
            if p in index:
                row[index[p]] += sign
        if any(row):
            matrix.append(row)
    pivots: list[int] = []
    rank = 0
    for column in range(len(unknowns)):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        lead = matrix[rank][column]
        matrix[rank] = [value / lead for value in matrix[rank]]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column] != 0:
                factor = matrix[r][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        pivots.append(column)
        rank += 1
    determined = set()
    for r, column in enumerate(pivots):
        if all(value == 0 for n, value in enumerate(matrix[r]) if n != column):
            determined.add(unknowns[column])
    return determined


def small_cells(grid: Grid, threshold: int) -> set[tuple[int, int]]:
    """The counts from 1 to threshold - 1, and a small group's zeros (the module's rule)."""
    height, width = len(grid), len(grid[0])
    found = set()
    for r in range(height):
        for c in range(width):
            value = grid[r][c]
            small_group = r < height - 1 and c < width - 1 and 0 < grid[r][-1] < threshold
            if 0 < value < threshold or (value == 0 and small_group and grid[-1][c] > 0):
                found.add((r, c))
    return found


def fits(alternative: Grid, shown: Shown, labels: Labels, threshold: int) -> bool:
    """Whether a reader could take `alternative` for the real table: it adds up, it has
    every shown number, and each hidden cell is what its label says."""
    height, width = len(shown), len(shown[0])
    for equation in equations(height, width):
        if sum(sign * alternative[r][c] for (r, c), sign in equation) != 0:
            return False
    for r in range(height):
        for c in range(width):
            value, label = alternative[r][c], labels[r][c]
            if label is None and value != shown[r][c]:
                return False
            if label is Hidden.FEWER_THAN:
                in_small_group = (
                    r < height - 1 and c < width - 1 and labels[r][-1] is Hidden.FEWER_THAN
                )
                if not (0 if in_small_group else 1) <= value < threshold:
                    return False
            if label is Hidden.SECONDARY and value < threshold:
                return False
    return True


def has_a_witness(grid: Grid, published: PublishedTable, cell: tuple[int, int]) -> bool:
    """Whether some other table, differing in `cell`, fits everything the report shows:
    one person moved around any rectangle of cells through it."""
    shown, labels = shown_grid(published)
    height, width = len(grid), len(grid[0])
    i, j = cell
    for k in range(height):
        for m in range(width):
            if k == i or m == j:
                continue
            for step in (1, -1):
                alternative = [row[:] for row in grid]
                for r, c, turn in ((i, j, 1), (i, m, -1), (k, j, -1), (k, m, 1)):
                    sign = turn * (-1 if r == height - 1 else 1) * (-1 if c == width - 1 else 1)
                    alternative[r][c] += sign * step
                if fits(alternative, shown, labels, published.threshold):
                    return True
    return False


def check_nothing_small_is_revealed(table: CountTable, threshold: int) -> PublishedTable:
    published = suppress(table, threshold)
    grid = true_grid(table)
    shown, labels = shown_grid(published)
    small = small_cells(grid, threshold)
    # Shown numbers are the true ones; hidden ones carry no number; labels tell the truth.
    for r, row in enumerate(shown):
        for c, value in enumerate(row):
            assert value is None or value == grid[r][c]
            assert (value is None) == (labels[r][c] is not None)
            if labels[r][c] is Hidden.FEWER_THAN:
                assert (r, c) in small
            if labels[r][c] is Hidden.SECONDARY:
                assert grid[r][c] >= threshold
    if published.withheld:
        assert all(label is Hidden.TABLE for row in labels for label in row)
        return published
    # Nothing shown, nor worked out by subtraction, counts 1 to threshold - 1 people, and
    # no small group's zero can be worked out either.
    worked_out = worked_out_by_subtraction(shown)
    for r, c in small:
        assert shown[r][c] is None, (r, c)
        assert worked_out[r][c] is None, (r, c)
    for row in worked_out:
        assert all(value is None or value == 0 or value >= threshold for value in row)
    # Nor by any linear algebra on the sums, nor by the bounds the labels give: another
    # table, differing in that cell, fits everything shown.
    assert not small & linearly_determined(shown)
    for cell in small:
        assert has_a_witness(grid, published, cell), cell
    return published


count = st.one_of(st.integers(0, 2), st.integers(0, 9), st.integers(0, 80))


@st.composite
def tables(draw: st.DrawFn, max_rows: int = 6, max_columns: int = 4) -> CountTable:
    height = draw(st.integers(1, max_rows))
    width = draw(st.integers(1, max_columns))
    rows = draw(
        st.lists(st.lists(count, min_size=width, max_size=width), min_size=height, max_size=height)
    )
    return CountTable(
        tuple(f"group {n}" for n in range(height)),
        tuple(f"column {n}" for n in range(width)),
        tuple(tuple(row) for row in rows),
    )


@st.composite
def tables_with_one_small_cell(draw: st.DrawFn) -> CountTable:
    height = draw(st.integers(1, 5))
    width = draw(st.integers(1, 4))
    rows = [[draw(st.integers(5, 60)) for _ in range(width)] for _ in range(height)]
    rows[draw(st.integers(0, height - 1))][draw(st.integers(0, width - 1))] = draw(
        st.integers(0, 4)
    )
    return CountTable.of(
        [f"column {n}" for n in range(width)], {f"group {n}": row for n, row in enumerate(rows)}
    )


@settings(max_examples=250, deadline=None)
@given(tables(), st.integers(MIN_THRESHOLD, 8))
def test_no_small_count_is_shown_or_can_be_worked_out(table: CountTable, threshold: int):
    check_nothing_small_is_revealed(table, threshold)


@settings(max_examples=100, deadline=None)
@given(tables_with_one_small_cell())
def test_one_small_cell_among_large_ones_stays_hidden(table: CountTable):
    published = check_nothing_small_is_revealed(table, DEFAULT_THRESHOLD)
    assert not published.withheld or table.grand_total < DEFAULT_THRESHOLD


@settings(max_examples=25, deadline=None)
@given(tables(max_rows=20, max_columns=3))
def test_the_fine_ethnic_groups_keep_nothing_small_in_sight(table: CountTable):
    check_nothing_small_is_revealed(table, DEFAULT_THRESHOLD)


def one_woman_among_men(her_outcome: str) -> CountTable:
    men = {"yes": 31, "no": 12, "unknown": 2}
    her = [1 if column == her_outcome else 0 for column in YES_NO_UNKNOWN]
    return CountTable.of(YES_NO_UNKNOWN, {"female": her, "male": list(men.values())})


@pytest.mark.parametrize("her_outcome", YES_NO_UNKNOWN)
def test_nothing_reveals_the_outcome_of_the_one_woman(her_outcome: str):
    table = one_woman_among_men(her_outcome)
    published = check_nothing_small_is_revealed(table, DEFAULT_THRESHOLD)
    assert not published.withheld
    assert all(cell.count is None for cell in published.cells[0])
    assert published.row_total("female").hidden is Hidden.FEWER_THAN
    # Her group's size cannot come from the grand total less the men's.
    assert published.row_total("male").count is None or published.grand_total.count is None
    assert published.yes_rate("female").rate is None
    # Every outcome she might have had fits what is shown just as well as the real one.
    shown, labels = shown_grid(published)
    fitting = set()
    for outcome in YES_NO_UNKNOWN:
        if fits(true_grid(one_woman_among_men(outcome)), shown, labels, DEFAULT_THRESHOLD):
            fitting.add(outcome)
        else:  # then another table of men, with hers, must fit instead
            grid = true_grid(table)
            assert has_a_witness(grid, published, (0, YES_NO_UNKNOWN.index(outcome)))
    assert her_outcome in fitting
    for column in range(3):
        assert has_a_witness(true_grid(table), published, (0, column))


def test_the_men_are_still_counted_where_it_reveals_nothing_of_her():
    published = suppress(one_woman_among_men("no"))
    assert published.grand_total.count == 46
    assert [cell.text(5) for cell in published.cells[0]] == ["fewer than 5"] * 3


def test_a_zero_in_a_large_group_is_shown_and_in_a_small_group_hidden():
    table = CountTable.of(
        ("housed", "rough sleeping"), {"men": (40, 0), "women": (3, 0), "not recorded": (20, 6)}
    )
    published = suppress(table)
    assert published.cell("men", "rough sleeping").count == 0
    assert published.cell("women", "rough sleeping").hidden is Hidden.FEWER_THAN
    nobody = CountTable.of(("housed", "rough sleeping"), {"men": (40, 0), "women": (3, 0)})
    # Nobody slept rough: the column's total says as much of everyone, so it is shown.
    assert suppress(nobody).cell("women", "rough sleeping").count == 0
    assert suppress(nobody).column_total("rough sleeping").count == 0


def test_one_small_cell_hides_a_second_in_its_row_and_its_column():
    table = CountTable.of(YES_NO_UNKNOWN, {"a": (40, 3, 20), "b": (50, 60, 30), "c": (45, 35, 25)})
    published = check_nothing_small_is_revealed(table, DEFAULT_THRESHOLD)
    assert published.cell("a", "no").hidden is Hidden.FEWER_THAN
    row = [*published.cells[0], published.row_totals[0]]
    column = [*(cells[1] for cells in published.cells), published.column_totals[1]]
    assert sum(cell.hidden is not None for cell in row) >= 2
    assert sum(cell.hidden is not None for cell in column) >= 2
    # The cheapest rectangle: 3 is moved with the 20 beside it and the 35 and 25 of c.
    hidden = {
        (r, c)
        for r, cells in enumerate(published.cells)
        for c, cell in enumerate(cells)
        if cell.hidden
    }
    assert hidden == {(0, 1), (0, 2), (2, 1), (2, 2)}
    assert published.grand_total.count == 308 and published.row_totals[0].count == 63


def test_a_single_group_table():
    table = CountTable.of(YES_NO_UNKNOWN, {"everyone": (30, 12, 2)})
    published = check_nothing_small_is_revealed(table, DEFAULT_THRESHOLD)
    assert published.cell("everyone", "unknown").hidden is Hidden.FEWER_THAN
    assert published.column_total("unknown").hidden is Hidden.FEWER_THAN
    assert published.grand_total.count is None or published.column_total("no").count is None


def test_fewer_people_than_the_threshold_in_all_withholds_the_table():
    published = suppress(CountTable.of(YES_NO_UNKNOWN, {"a": (2, 1, 0), "b": (0, 1, 0)}))
    assert published.withheld
    assert all(cell.hidden is Hidden.TABLE for cell in published.cells[0])
    assert published.grand_total.text(5) == "withheld"


def test_nobody_at_all_is_shown_as_zeros():
    published = suppress(CountTable.of(YES_NO_UNKNOWN, {"a": (0, 0, 0)}))
    assert not published.withheld
    assert published.grand_total.count == 0
    assert published.rate("a", ["yes"], ["yes", "no"]).withheld_because == (
        "fewer than 5 with a known outcome"
    )


def test_threshold_three_is_allowed_and_two_refused():
    assert checked_threshold(3) == 3
    table = CountTable.of(("yes", "no"), {"a": (3, 40), "b": (4, 50)})
    assert suppress(table, 3).cell("a", "yes").count == 3
    assert suppress(table, 5).cell("a", "yes").hidden is Hidden.FEWER_THAN
    with pytest.raises(ThresholdTooLow, match="must be 3 or more"):
        suppress(table, 2)
    with pytest.raises(ThresholdTooLow, match="2"):
        checked_threshold(2)


def test_a_higher_threshold_hides_more():
    table = CountTable.of(("yes", "no"), {"a": (7, 40), "b": (30, 50)})
    assert suppress(table).cell("a", "yes").count == 7
    assert suppress(table, 10).cell("a", "yes").text(10) == "fewer than 10"


def test_a_rate_is_shown_only_with_every_count_of_its_row_and_enough_known():
    table = CountTable.of(
        YES_NO_UNKNOWN,
        {"men": (30, 10, 5), "women": (2, 9, 0), "not recorded": (20, 20, 6), "asked": (0, 0, 7)},
    )
    published = check_nothing_small_is_revealed(table, DEFAULT_THRESHOLD)
    # The women's 2 is hidden with the men's yes and no (the cheapest rectangle).
    assert [cell.count for cell in published.cells[2]] == [20, 20, 6]
    shown = published.rate("not recorded", ["yes"], ["yes", "no"]).rate
    assert shown is not None
    assert (shown.count, shown.denominator, shown.unknown, shown.rate) == (20, 40, 6, 0.5)
    assert published.rate("men", ["yes"], ["yes", "no"]).rate is None
    women = published.rate("women", ["yes"], ["yes", "no"])
    assert women.rate is None
    assert women.withheld_because == "a count it is worked out from is hidden"
    # Every count of the group is shown, but nobody's outcome is known.
    asked = published.rate("asked", ["yes"], ["yes", "no"])
    assert [cell.count for cell in published.cells[3]] == [0, 0, 7]
    assert asked.rate is None
    assert asked.withheld_because == "fewer than 5 with a known outcome"


def test_the_overall_rate_comes_from_the_column_totals():
    published = suppress(CountTable.of(YES_NO_UNKNOWN, {"few": (5, 0, 0), "many": (40, 40, 0)}))
    assert published.rate("few", ["yes"], ["yes", "no"]).rate == Rate(5, 5, 0)
    assert published.rate(None, ["yes"], ["yes", "no"]).rate == Rate(45, 85, 0)


def test_a_measure_with_a_hidden_unknown_keeps_its_rate_hidden():
    published = suppress(CountTable.of(YES_NO_UNKNOWN, {"men": (30, 40, 2), "women": (25, 20, 0)}))
    assert published.cell("men", "unknown").hidden is Hidden.FEWER_THAN
    # The rate with its unknowns would tell 72 - 70 = 2.
    assert published.rate("men", ["yes"], ["yes", "no"]).rate is None


def test_tables_of_the_same_people_hide_the_same_group_sizes():
    housed = CountTable.of(YES_NO_UNKNOWN, {"female": (1, 0, 0), "male": (30, 12, 2)})
    bank = CountTable.of(YES_NO_UNKNOWN, {"female": (0, 1, 0), "male": (20, 20, 4)})
    together = suppress_together([housed, bank])
    hidden_sizes = [
        [label for label, cell in zip(one.rows, one.row_totals, strict=True) if cell.hidden]
        for one in together
    ]
    assert hidden_sizes[0] == hidden_sizes[1]
    assert [one.grand_total.hidden is None for one in together] in ([True, True], [False, False])
    for one in together:
        shown, _ = shown_grid(one)
        assert worked_out_by_subtraction(shown)[0][-1] is None  # her group's size


@st.composite
def measures_of_the_same_people(draw: st.DrawFn) -> list[CountTable]:
    sizes = draw(st.lists(count, min_size=1, max_size=5))
    tables = []
    for _ in range(draw(st.integers(2, 3))):
        rows = {}
        for n, size in enumerate(sizes):
            yes = draw(st.integers(0, size))
            no = draw(st.integers(0, size - yes))
            rows[f"group {n}"] = (yes, no, size - yes - no)
        tables.append(CountTable.of(YES_NO_UNKNOWN, rows))
    return tables


@settings(max_examples=80, deadline=None)
@given(measures_of_the_same_people())
def test_measures_of_the_same_people_hide_the_same_sizes_and_nothing_small(
    tables: list[CountTable],
):
    together = suppress_together(tables)
    # A table withheld whole hides every number, its group sizes too, so it may hide a
    # size the others show (an empty group's 0): the sizes are the same people's in every
    # table, and its own counts stay hidden. The tables that are published agree.
    hidden_sizes = {
        tuple(cell.hidden is not None for cell in [*one.row_totals, one.grand_total])
        for one in together
        if not one.withheld
    }
    assert len(hidden_sizes) <= 1
    for table, one in zip(tables, together, strict=True):
        assert one == suppress(
            table,
            hide_row_totals=[r for r, c in zip(one.rows, one.row_totals, strict=True) if c.hidden],
            hide_grand_total=one.grand_total.hidden is not None,
        )
        grid = true_grid(table)
        shown, _ = shown_grid(one)
        small = small_cells(grid, DEFAULT_THRESHOLD)
        if not one.withheld:
            assert not small & linearly_determined(shown)
            assert all(has_a_witness(grid, one, cell) for cell in small)


def test_tables_suppressed_together_must_count_the_same_people():
    with pytest.raises(ValueError, match="same groups and sizes"):
        suppress_together(
            [
                CountTable.of(("yes",), {"a": (5,), "b": (6,)}),
                CountTable.of(("yes",), {"a": (5,), "b": (7,)}),
            ]
        )


@pytest.mark.parametrize(
    ("columns", "counts", "message"),
    [
        (("yes",), {"a": (-1,)}, "negative"),
        (("yes", "no"), {"a": (1,)}, "1 counts, not 2"),
        ((), {"a": ()}, "at least one column"),
        (("yes", "yes"), {"a": (1, 2)}, "twice"),
    ],
)
def test_a_malformed_table_is_refused(
    columns: tuple[str, ...], counts: dict[str, tuple[int, ...]], message: str
):
    with pytest.raises(ValueError, match=message):
        CountTable.of(columns, counts)
