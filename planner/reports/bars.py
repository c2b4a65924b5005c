"""A chart's rows, the same in the PDF report's images and on the Insights screen: a
value per group (a rate, or a count) with its interval, or, where the report does not
publish the rate, the words its table shows instead ("fewer than 5", "withheld"), and no
bar."""

from __future__ import annotations

from dataclasses import dataclass

from planner.reports.tables import GroupedReport, MeasureTable
from planner.reports.text_rows import ALL_LABEL, rate_text


@dataclass(frozen=True, slots=True)
class Bar:
    """One row of a chart: a value from 0 to `scale` with an optional interval, or the
    words shown instead of a bar."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    words: str = ""  # shown instead of a bar when there is no value
    strong: bool = False  # the "all people" row


def measure_bars(report: GroupedReport, measure: MeasureTable) -> list[Bar]:
    """A bar per group and one for everyone; words instead of a bar where the rate is not
    published."""
    threshold = report.threshold
    table = measure.table
    lines = [
        (report.groups[n].label, measure.rates[n], (*table.cells[n], table.row_totals[n]), False)
        for n in report.by_group
    ]
    lines.append((ALL_LABEL, measure.overall, (*table.column_totals, table.grand_total), True))
    bars = []
    for label, rate, cells, strong in lines:
        found = rate.rate
        interval = None if found is None else found.interval
        if found is None or found.rate is None:
            bars.append(Bar(label, None, words=rate_text(rate, cells, threshold), strong=strong))
        else:
            bars.append(
                Bar(
                    label,
                    found.rate,
                    None if interval is None else interval.low,
                    None if interval is None else interval.high,
                    strong=strong,
                )
            )
    return bars
