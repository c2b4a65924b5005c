"""The caseload as CSV: one row per person, for a spreadsheet or a team meeting.

UTF-8 with a byte order mark and CR LF line ends, so Excel opens names with accents
correctly; ISO dates, which spreadsheets read as dates; whole-number percentages. Text a
spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return)
is prefixed with an apostrophe, as OWASP advises for CSV injection, and control
characters are shown as their codes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import date

from planner.domain.gaps import Severity, flags_for, section_statuses
from planner.domain.template import Template
from planner.domain.text import visible
from planner.export.summary import severity_counts
from planner.store.summary import CaseSummary

BOM = "\ufeff"
FIXED_COLUMNS = (
    "Prison number",
    "Surname",
    "Forename",
    "Prison",
    "Location",
    "Release date",
    "Release type",
    "Days to release",
    "State",
    "Readiness %",
)
COUNT_COLUMNS = ("Critical gaps", "Warning gaps", "Info gaps")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text a spreadsheet shows as typed, never runs as a formula."""
    shown = visible(value)
    return "'" + shown if value.startswith(_FORMULA_START) else shown


def caseload_table(
    summaries: Iterable[CaseSummary], template_for: Callable[[str], Template], today: date
) -> tuple[list[str], list[list[str]]]:
    """The header and rows: people by release date (unknown last), then prison number."""
    ordered = sorted(summaries, key=lambda s: (s.release_date or date.max, s.number))
    sections: dict[str, str] = {}
    for key in dict.fromkeys(s.assessment.template_key for s in ordered):
        for section in template_for(key).sections:
            sections.setdefault(section.id, section.title)
    header = [*FIXED_COLUMNS, *map(safe_text, sections.values()), *COUNT_COLUMNS]
    rows: list[list[str]] = []
    for summary in ordered:
        assessment = summary.assessment
        template = template_for(assessment.template_key)
        flags = flags_for(assessment, template, today)
        counts = severity_counts(flags)
        labels = {s.section: s.label for s in section_statuses(assessment, template, flags)}
        release = summary.release_date
        rows.append(
            [
                safe_text(summary.number),
                safe_text(summary.surname),
                safe_text(summary.forename),
                safe_text(summary.prison),
                safe_text(summary.location),
                release.isoformat() if release else "",
                safe_text(summary.release_kind),
                str((release - today).days) if release else "",
                safe_text(summary.state),
                str(round(assessment.readiness * 100)),
                *(labels.get(section, "") for section in sections),
                *(str(counts[s]) for s in (Severity.CRITICAL, Severity.WARNING, Severity.INFO)),
            ]
        )
    return header, rows


def render_caseload_csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (BOM + buffer.getvalue()).encode("utf-8")
