"""A report as CSV that opens in a spreadsheet: UTF-8 with a byte-order mark, one header
row, and every text cell formula-safe, as the caseload CSV is written
(:mod:`planner.export.caseload_csv`)."""

from __future__ import annotations

import csv
import io

from planner.export.caseload_csv import BOM, safe_text
from planner.reports.calendar import CalendarReport
from planner.reports.tables import GroupedReport
from planner.reports.text_rows import ALL_LABEL, interval_text, rate_text


def _rate_number(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def grouped_csv(report: GroupedReport) -> bytes:
    """One row per measure and group (and everyone): the counts, the rate in per cent and
    its 95% interval, or the words a hidden number is shown as."""
    threshold = report.threshold
    columns: dict[str, str] = {}
    for measure in report.measures:
        for column in measure.spec.columns:
            columns.setdefault(column.key, column.label)
    what = "Section" if report.kind == "readiness" else "Measure"
    header = [
        what,
        report.grouping.title,
        "People",
        *columns.values(),
        "Rate %",
        "95% CI low %",
        "95% CI high %",
        "Rate as shown",
    ]
    rows: list[list[str]] = []
    for measure in report.measures:
        table = measure.table
        keys = [c.key for c in measure.spec.columns]
        lines = [
            (group.label, table.cells[n], table.row_totals[n], measure.rates[n])
            for n, group in enumerate(report.groups)
        ]
        lines.append((ALL_LABEL, table.column_totals, table.grand_total, measure.overall))
        for label, cells, total, rate in lines:
            by_key = dict(zip(keys, cells, strict=True))
            found = rate.rate
            interval = None if found is None else found.interval
            rows.append(
                [
                    measure.spec.label,
                    label,
                    total.text(threshold),
                    *(by_key[k].text(threshold) if k in by_key else "" for k in columns),
                    _rate_number(None if found is None else found.rate),
                    _rate_number(None if interval is None else interval.low),
                    _rate_number(None if interval is None else interval.high),
                    " ".join(
                        part
                        for part in (
                            rate_text(rate, (*cells, total), threshold),
                            interval_text(rate),
                        )
                        if part
                    ),
                ]
            )
    return _csv(header, rows)


def calendar_csv(report: CalendarReport) -> bytes:
    """One row per day of the calendar."""
    threshold = report.threshold
    header = [
        "Date",
        "Weekday",
        "Dated",
        "Expected",
        "Brought forward",
        "Mean readiness %",
        "Friday",
        "Weekend",
        "Bank holiday",
        "Day before a bank holiday",
    ]
    rows = []
    for row in report.days:
        marks = {mark.value for mark in row.marks}
        readiness = (
            f"fewer than {threshold}" if row.readiness_hidden else _rate_number(row.readiness)
        )
        rows.append(
            [
                row.day.isoformat(),
                f"{row.day:%A}",
                str(row.dated),
                str(row.expected),
                str(row.brought_forward),
                readiness,
                "yes" if "friday" in marks else "",
                "yes" if "weekend" in marks else "",
                row.bank_holiday or "",
                "yes" if "before_bank_holiday" in marks else "",
            ]
        )
    return _csv(header, rows)


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in header])
    writer.writerows([safe_text(cell) for cell in row] for row in rows)
    return (BOM + buffer.getvalue()).encode("utf-8")
