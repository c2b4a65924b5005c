"""How dates, days, readiness, statuses and severities read on screen.

Strings and Rich text only (no Textual), so the words are tested headless; every severity
and status carries a symbol and a word as well as a colour.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text

from planner.domain.calendar import count_days, format_day
from planner.domain.gaps import Flag, Severity
from planner.domain.status import ItemStatus
from planner.domain.text import visible
from planner.tui.caseload_rows import CaseloadCounts, CaseRow

STATUS_SYMBOL: dict[ItemStatus, str] = {
    ItemStatus.NOT_STARTED: "○",
    ItemStatus.IN_PROGRESS: "◐",
    ItemStatus.DONE: "✔",
    ItemStatus.NOT_REQUIRED: "-",
    ItemStatus.DECLINED: "✗",
    ItemStatus.BLOCKED: "■",
}

# Rich styles per severity; the symbol and word carry the meaning without colour.
SEVERITY_STYLE: dict[Severity, str] = {
    Severity.CRITICAL: "bold red",
    Severity.WARNING: "yellow",
    Severity.INFO: "cyan",
}

STATUS_STYLE: dict[ItemStatus, str] = {
    ItemStatus.NOT_STARTED: "",
    ItemStatus.IN_PROGRESS: "cyan",
    ItemStatus.DONE: "green",
    ItemStatus.NOT_REQUIRED: "dim",
    ItemStatus.DECLINED: "dim",
    ItemStatus.BLOCKED: "bold red",
}


def release_text(day: date | None) -> str:
    return "no date" if day is None else format_day(day)


def days_text(days: int | None) -> str:
    """Days to release as a short column value."""
    if days is None:
        return "—"
    if days == 0:
        return "today"
    if days < 0:
        return f"{-days} ago"
    return str(days)


def days_sentence(days: int | None) -> str:
    """Days to release as words: '23 days to go', 'release day', '3 days ago'."""
    if days is None:
        return "no release date"
    if days == 0:
        return "release day is today"
    if days < 0:
        return f"release was {count_days(-days)} ago"
    return f"{count_days(days)} to go"


def readiness_text(readiness: float) -> str:
    return f"{round(readiness * 100)}%"


def severity_word(severity: Severity) -> str:
    """'!! critical', '! warning', 'i info'."""
    return f"{severity.symbol} {severity.value}"


def flag_line(flag: Flag) -> str:
    """A flag on one line; its reason may quote what an officer typed (a blocked reason)."""
    return visible(f"{severity_word(flag.severity)}: {flag.reason}")


def flag_headline(flag: Flag) -> str:
    """A flag for a narrow column: '!! overdue · Bank account held or opened: was due …'."""
    return f"{flag.severity.symbol} {flag.kind.label} · {flag.reason}"


def flag_counts(critical: int, warning: int, info: int) -> str:
    """'!!2 !1 i3'; zero counts are left out so the eye finds the others."""
    parts = []
    if critical:
        parts.append(f"{Severity.CRITICAL.symbol}{critical}")
    if warning:
        parts.append(f"{Severity.WARNING.symbol}{warning}")
    if info:
        parts.append(f"{Severity.INFO.symbol}{info}")
    return " ".join(parts) or "none"


def status_text(status: ItemStatus) -> str:
    return f"{STATUS_SYMBOL[status]} {status.label}"


def caseload_summary(counts: CaseloadCounts) -> Text:
    """The summary above the caseload, whatever the filter, in words (no abbreviations);
    two lines at 80 columns. "Overdue" is kept for items past due: a release date that
    has passed says so."""
    text = Text()
    text.append("Due for release in 7 / 28 / 84 days: ")
    text.append(f"{counts.next_7} / {counts.next_28} / {counts.next_84}", "bold")
    text.append(" │ ")
    critical = f"{Severity.CRITICAL.symbol} {counts.with_critical} with critical flags"
    text.append(critical, SEVERITY_STYLE[Severity.CRITICAL])
    text.append(f" │ release date: passed {counts.overdue} · unknown {counts.no_date} │ ")
    text.append(f"released homeless (last 28 days) {counts.released_nfa_28}")
    return text


def person_preview(row: CaseRow) -> Text:
    """Two lines under the caseload: who is highlighted, and their most urgent flag."""
    text = Text()
    text.append(visible(f"{row.number} {row.name}"), "bold")
    text.append(f" · {release_text(row.release)} · {days_sentence(row.days)}\n")
    if row.top is None:
        text.append("No flags.")
    else:
        text.append(flag_line(row.top), SEVERITY_STYLE[row.top.severity])
    return text
