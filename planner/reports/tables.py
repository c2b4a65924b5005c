"""A grouped report's tables: one per measure, a row per group, suppressed together.

Every table of one report counts the same people by the same grouping, so each has
every person in exactly one of its columns (a measure that applies to some people only
has a "not applicable" column for the others) and they share their group sizes:
:func:`planner.domain.suppression.suppress_together` hides a group's size in all of them
when any one needs it hidden. A rate (with its Wilson 95% interval) is published only as
:meth:`planner.domain.suppression.PublishedTable.rate` allows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from planner.domain.report_groups import NOT_RECORDED, Grouping
from planner.domain.suppression import (
    Cell,
    CountTable,
    PublishedRate,
    PublishedTable,
    suppress_together,
)
from planner.reports.groups import EVERYONE_KEY


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Group:
    key: str
    label: str  # a location as recorded: stored text, shown literally


@dataclass(frozen=True, slots=True)
class MeasureSpec:
    """What one table counts, before counting: its columns and which make its rate."""

    id: str
    label: str
    definition: str
    columns: tuple[Column, ...]
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    source: str = ""
    checked: date | None = None
    applies_to: str = "everyone"


@dataclass(frozen=True, slots=True)
class MeasureTable:
    """One measure as it may be published: its cells, each group's rate and everyone's."""

    spec: MeasureSpec
    table: PublishedTable
    rates: tuple[PublishedRate, ...]  # one per group, in the table's order
    overall: PublishedRate

    def cell(self, group: str, column: str) -> Cell:
        return self.table.cell(group, column)


@dataclass(frozen=True, slots=True)
class GroupedReport:
    """A report of measures by group: who it counts, how grouped, and its tables."""

    kind: str
    title: str
    grouping: Grouping
    groups: tuple[Group, ...]
    threshold: int
    first: date
    last: date
    people: Cell  # everyone counted, as published
    measures: tuple[MeasureTable, ...]
    notes: tuple[str, ...] = ()

    @property
    def by_group(self) -> list[int]:
        """The positions of the groups shown a row each: none when everyone is one group
        (the row for everyone says it all; shown twice it read as two groups)."""
        if len(self.groups) == 1 and self.grouping.key == EVERYONE_KEY:
            return []
        return list(range(len(self.groups)))

    @property
    def withheld(self) -> bool:
        return self.people.count is None


POOLED = "pooled_small_groups"
MAX_OPEN_GROUPS = 24  # an open grouping's largest groups listed; the rest counted together


def pooled_label(grouping: Grouping, threshold: int) -> str:
    return "Others together (smaller groups)"


def _pooled(
    grouping: Grouping,
    counts: Mapping[str, Sequence[Mapping[str, int]]],
    sizes: Mapping[str, int],
    threshold: int,
) -> tuple[dict[str, list[dict[str, int]]], dict[str, int]]:
    """An open grouping's groups of fewer than `threshold` people, and those beyond its
    :data:`MAX_OPEN_GROUPS` largest, counted as one group: a location of two people would
    be all "fewer than N" anyway, and hundreds of them would leave a table of nothing but
    hidden cells (and take the suppression minutes to settle)."""
    largest = sorted(
        (g for g, n in sizes.items() if n >= threshold and g != NOT_RECORDED),
        key=lambda g: (-sizes[g], g),
    )
    kept = set(largest[:MAX_OPEN_GROUPS]) | {NOT_RECORDED}
    merged: dict[str, list[dict[str, int]]] = {}
    merged_sizes: dict[str, int] = {}
    for group, size in sizes.items():
        key = group if group in kept else POOLED
        merged_sizes[key] = merged_sizes.get(key, 0) + size
        rows = merged.setdefault(key, [{} for _ in counts[group]])
        for into, one in zip(rows, counts[group], strict=True):
            for column, n in one.items():
                into[column] = into.get(column, 0) + n
    return merged, merged_sizes


def published(
    grouping: Grouping,
    specs: Sequence[MeasureSpec],
    counts: Mapping[str, Sequence[Mapping[str, int]]],
    sizes: Mapping[str, int],
    threshold: int,
) -> tuple[tuple[Group, ...], tuple[MeasureTable, ...], Cell]:
    """The tables of `specs`, from each group's counts (`counts[group][n]` for the n-th
    spec: a count per column; `sizes[group]` its people), suppressed together; with the
    groups in report order and the grand total as published. An open grouping's small
    groups are counted together (see :func:`_pooled`)."""
    if grouping.open:
        counts, sizes = _pooled(grouping, counts, sizes, threshold)
    pooled = POOLED in sizes
    order = grouping.ordered(k for k in sizes if k != POOLED)
    if pooled:
        at = len(order) - (NOT_RECORDED in order)
        order.insert(at, POOLED)
    groups = tuple(
        Group(key, pooled_label(grouping, threshold) if key == POOLED else grouping.label(key))
        for key in order
    )
    tables = [
        CountTable(
            tuple(order),
            tuple(column.key for column in spec.columns),
            tuple(
                tuple(counts[group][n].get(column.key, 0) for column in spec.columns)
                for group in order
            ),
        )
        for n, spec in enumerate(specs)
    ]
    if not tables:  # nothing measured: the size of each group alone
        tables = [CountTable(tuple(order), ("people",), tuple((sizes[g],) for g in order))]
    done = suppress_together(tables, threshold)
    measures = tuple(
        MeasureTable(
            spec,
            table,
            tuple(table.rate(group, spec.numerator, spec.denominator) for group in order),
            table.rate(None, spec.numerator, spec.denominator),
        )
        for spec, table in zip(specs, done, strict=False)
    )
    return groups, measures, done[0].grand_total
