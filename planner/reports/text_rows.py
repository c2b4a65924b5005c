"""A report's tables as rows of text: what the terminal table, the CSV and the PDF show.

Only what a report already decided may be shown is laid out here: a hidden count is
"fewer than N" or "withheld" (:meth:`planner.domain.suppression.Cell.text`), a rate is
shown as a percentage with its 95% interval only where the report publishes it, and
says why not otherwise. Group labels are stored text (a location as recorded): they are
returned as they are, for each format to show literally.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from planner.domain.calendar import format_day
from planner.domain.statistics import Rate
from planner.domain.suppression import Cell, Hidden, PublishedRate
from planner.reports.calendar import CalendarReport
from planner.reports.tables import GroupedReport, MeasureTable

ALL_LABEL = "All people"


@dataclass(frozen=True, slots=True)
class TextTable:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]  # which columns hold numbers (right-aligned)
    notes: tuple[str, ...] = ()


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def rate_text(rate: PublishedRate, cells: Sequence[Cell], threshold: int) -> str:
    """The rate in words: '67%', or why it is not shown."""
    if rate.rate is not None:
        return percent(rate.rate.rate or 0.0) if rate.rate.denominator else "none known"
    if any(cell.hidden is Hidden.FEWER_THAN for cell in cells):
        return f"fewer than {threshold}"
    if any(cell.hidden is not None for cell in cells):
        return "withheld"
    return f"fewer than {threshold} known"


def interval_text(rate: PublishedRate) -> str:
    found: Rate | None = rate.rate
    interval = None if found is None else found.interval
    if interval is None:
        return ""
    return f"{percent(interval.low)} to {percent(interval.high)}"


def measure_rows(report: GroupedReport, measure: MeasureTable) -> TextTable:
    """One measure: a row per group and one for everyone, each count, the rate and its
    interval."""
    threshold = report.threshold
    table = measure.table
    columns = measure.spec.columns
    header = (
        "Group",
        "People",
        *(c.label for c in columns),
        measure_rate_heading(report),
        "95% CI",
    )
    rows: list[tuple[str, ...]] = []
    for n in report.by_group:
        group = report.groups[n]
        cells = table.cells[n]
        total = table.row_totals[n]
        rows.append(
            (
                group.label,
                total.text(threshold),
                *(cell.text(threshold) for cell in cells),
                rate_text(measure.rates[n], (*cells, total), threshold),
                interval_text(measure.rates[n]),
            )
        )
    totals = table.column_totals
    rows.append(
        (
            ALL_LABEL,
            table.grand_total.text(threshold),
            *(cell.text(threshold) for cell in totals),
            rate_text(measure.overall, (*totals, table.grand_total), threshold),
            interval_text(measure.overall),
        )
    )
    notes = [measure.spec.definition]
    if measure.spec.applies_to != "everyone":
        notes.append(f"Applies to {measure.spec.applies_to}.")
    if measure.spec.source:
        checked = f" (checked {measure.spec.checked:%d %b %Y})" if measure.spec.checked else ""
        notes.append(f"Source: {measure.spec.source}{checked}.")
    return TextTable(
        measure.spec.label,
        header,
        tuple(rows),
        (False, *([True] * (len(header) - 2)), False),
        tuple(notes),
    )


def measure_rate_heading(report: GroupedReport) -> str:
    return "Share ready" if report.kind == "readiness" else "Rate"


def grouped_tables(report: GroupedReport) -> list[TextTable]:
    return [measure_rows(report, measure) for measure in report.measures]


def calendar_tables(report: CalendarReport) -> list[TextTable]:
    """The days with releases dated or expected (or a mark), then the weeks."""
    threshold = report.threshold
    days: list[tuple[str, ...]] = []
    for row in report.days:
        if not (row.dated or row.expected):
            continue
        marks = list(row.mark_labels)
        if row.bank_holiday:
            marks.append(row.bank_holiday)
        days.append(
            (
                format_day(row.day),
                str(row.dated),
                str(row.expected),
                str(row.brought_forward) if row.brought_forward else "",
                _readiness(row.readiness, row.readiness_hidden, threshold),
                ", ".join(marks),
            )
        )
    weeks = tuple(
        (
            f"{_no_year(week.first)} to {_no_year(week.last)}",
            str(week.dated),
            str(week.expected),
            str(week.marked_days_with_releases),
            _readiness(week.readiness, week.readiness_hidden, threshold),
        )
        for week in report.week_rows
    )
    return [
        TextTable(
            "Releases by day",
            ("Day", "Dated", "Expected", "Brought forward", "Readiness", "Marks"),
            tuple(days),
            (False, True, True, True, True, False),
            (
                "Dated: releases with this release date. Expected: releases that will happen "
                "on the day (one dated on a weekend or bank holiday happens on the working "
                "day before; those are brought forward).",
                f"Readiness: the mean share of checklist items resolved of the day's "
                f"expected releases, shown for {threshold} or more.",
            ),
        ),
        TextTable(
            "Releases by week",
            ("Week", "Dated", "Expected", "Marked days", "Readiness"),
            weeks,
            (False, True, True, True, True),
            (
                "Marked days: days with releases that are a Friday, a weekend, a bank holiday "
                "or the day before one.",
            ),
        ),
    ]


def _no_year(day: date) -> str:
    """'Tue 1 Dec': the calendar's title gives the years."""
    return format_day(day).rsplit(" ", 1)[0]


def _readiness(value: float | None, hidden: bool, threshold: int) -> str:
    if hidden:
        return f"fewer than {threshold}"
    return "" if value is None else percent(value)
