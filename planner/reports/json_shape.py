"""A report as JSON for scripts: every published number, and for a hidden one why it is
hidden, never its count."""

from __future__ import annotations

from typing import Any

from planner.domain.suppression import Cell, PublishedRate
from planner.reports.calendar import CalendarReport
from planner.reports.tables import GroupedReport


def _cell(cell: Cell, threshold: int) -> dict[str, Any]:
    return {
        "count": cell.count,
        "hidden": None if cell.hidden is None else cell.hidden.value,
        "text": cell.text(threshold),
    }


def _rate(rate: PublishedRate) -> dict[str, Any]:
    found = rate.rate
    if found is None:
        return {"rate": None, "withheld_because": rate.withheld_because}
    interval = found.interval
    return {
        "rate": found.rate,
        "count": found.count,
        "denominator": found.denominator,
        "unknown": found.unknown,
        "low": None if interval is None else interval.low,
        "high": None if interval is None else interval.high,
    }


def grouped_json(report: GroupedReport) -> dict[str, Any]:
    threshold = report.threshold
    measures = []
    for measure in report.measures:
        table = measure.table
        keys = [c.key for c in measure.spec.columns]
        rows = [
            {
                "group": group.key,
                "people": _cell(table.row_totals[n], threshold),
                "cells": {
                    key: _cell(cell, threshold)
                    for key, cell in zip(keys, table.cells[n], strict=True)
                },
                "rate": _rate(measure.rates[n]),
            }
            for n, group in enumerate(report.groups)
        ]
        spec = measure.spec
        measures.append(
            {
                "id": spec.id,
                "label": spec.label,
                "definition": spec.definition,
                "applies_to": spec.applies_to,
                "source": spec.source or None,
                "checked": None if spec.checked is None else spec.checked.isoformat(),
                "columns": [{"key": c.key, "label": c.label} for c in spec.columns],
                "rows": rows,
                "all": {
                    "people": _cell(table.grand_total, threshold),
                    "cells": {
                        key: _cell(cell, threshold)
                        for key, cell in zip(keys, table.column_totals, strict=True)
                    },
                    "rate": _rate(measure.overall),
                },
            }
        )
    return {
        "report": report.kind,
        "title": report.title,
        "from": report.first.isoformat(),
        "to": report.last.isoformat(),
        "grouping": {"key": report.grouping.key, "title": report.grouping.title},
        "threshold": threshold,
        "people": _cell(report.people, threshold),
        "groups": [{"key": g.key, "label": g.label} for g in report.groups],
        "measures": measures,
        "notes": list(report.notes),
    }


def calendar_json(report: CalendarReport) -> dict[str, Any]:
    return {
        "report": "calendar",
        "from": report.first.isoformat(),
        "to": report.last.isoformat(),
        "weeks": report.weeks,
        "threshold": report.threshold,
        "days": [
            {
                "date": row.day.isoformat(),
                "weekday": f"{row.day:%A}",
                "dated": row.dated,
                "expected": row.expected,
                "brought_forward": row.brought_forward,
                "readiness": row.readiness,
                "readiness_hidden": row.readiness_hidden,
                "marks": [mark.value for mark in row.marks],
                "bank_holiday": row.bank_holiday,
            }
            for row in report.days
        ],
        "by_week": [
            {
                "from": week.first.isoformat(),
                "to": week.last.isoformat(),
                "dated": week.dated,
                "expected": week.expected,
                "readiness": week.readiness,
                "readiness_hidden": week.readiness_hidden,
                "marked_days_with_releases": week.marked_days_with_releases,
            }
            for week in report.week_rows
        ],
    }
