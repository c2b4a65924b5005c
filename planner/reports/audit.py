"""Every report run is noted in the audit log: who ran which report with which options,
and when (the audit record's own officer and time), never a figure of it."""

from __future__ import annotations

from collections.abc import Mapping

from planner.store.interface import CaseRepository

REPORT_FIELD = "report.run"


def run_description(report: str, options: Mapping[str, object]) -> str:
    """The note: the report's name and its options, in a fixed order, no figures."""
    shown = ", ".join(f"{name} {value}" for name, value in options.items() if value is not None)
    return f"ran the {report} report" + (f" ({shown})" if shown else "")


def record_run(store: CaseRepository, report: str, options: Mapping[str, object]) -> None:
    """Note that `report` was run with `options` (the grouping, the dates, the threshold,
    the format), as the store's officer, now."""
    store.admin.record_event(REPORT_FIELD, run_description(report, options))
