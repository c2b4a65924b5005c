"""The release calendar as a report: releases per day for the coming weeks, the days that
strand people marked, and how ready each day's releases are.

The days, their marks (Friday, weekend, bank holiday, the day before one) and the
releases expected on each (a weekend's brought to the working day before) are
:func:`planner.domain.release_calendar.release_calendar`'s. The calendar counts releases
by day, for the staff who discharge them; it groups nobody by who they are. Its readiness
is a mean over people, so it is shown only for a day (or week) with at least the
suppression threshold of releases expected: the readiness of one or two people due out on
a Tuesday is theirs, and says so to anyone who knows who they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from planner.domain.release_calendar import (
    DEFAULT_WEEKS,
    CalendarDay,
    DayMark,
    Release,
    checked_weeks,
    release_calendar,
)
from planner.domain.suppression import checked_threshold
from planner.store.interface import CaseRepository

MARK_LABELS = {
    DayMark.FRIDAY: "Friday",
    DayMark.WEEKEND: "weekend",
    DayMark.BANK_HOLIDAY: "bank holiday",
    DayMark.BEFORE_BANK_HOLIDAY: "day before a bank holiday",
}


@dataclass(frozen=True, slots=True)
class DayRow:
    day: date
    dated: int  # releases dated on the day
    expected: int  # releases expected on it (a weekend's on the working day before)
    brought_forward: int  # of them, dated on the non-working days after it
    readiness: float | None  # mean readiness of the expected; None when not shown
    readiness_hidden: bool  # expected, but fewer than the threshold: not shown
    marks: tuple[DayMark, ...]
    bank_holiday: str | None

    @property
    def mark_labels(self) -> tuple[str, ...]:
        return tuple(MARK_LABELS[mark] for mark in self.marks)


@dataclass(frozen=True, slots=True)
class WeekRow:
    first: date
    last: date
    dated: int
    expected: int
    readiness: float | None
    readiness_hidden: bool
    marked_days_with_releases: int  # days with a mark on which releases are expected or dated


@dataclass(frozen=True, slots=True)
class CalendarReport:
    first: date
    last: date
    weeks: int
    threshold: int
    days: tuple[DayRow, ...]
    week_rows: tuple[WeekRow, ...]

    @property
    def dated(self) -> int:
        return sum(day.dated for day in self.days)


_MARK_ORDER = tuple(MARK_LABELS)


def _shown(total: float, people: int, threshold: int) -> tuple[float | None, bool]:
    if people == 0:
        return None, False
    if people < threshold:
        return None, True
    return total / people, False


def _day(one: CalendarDay, threshold: int) -> DayRow:
    mean, hidden = _shown((one.mean_readiness or 0.0) * one.expected, one.expected, threshold)
    return DayRow(
        one.day,
        one.dated,
        one.expected,
        one.brought_forward,
        mean,
        hidden,
        tuple(mark for mark in _MARK_ORDER if mark in one.marks),
        one.bank_holiday,
    )


def calendar_report(
    store: CaseRepository, today: date, *, weeks: int = DEFAULT_WEEKS, threshold: int
) -> CalendarReport:
    """Each day from `today` for `weeks` weeks, from the active people's summaries."""
    threshold = checked_threshold(threshold)
    weeks = checked_weeks(weeks)
    releases = [
        Release(s.release_date, s.readiness)
        for s in store.summaries()
        if s.state == "active" and s.release_date is not None and s.release_date >= today
    ]
    return calendar_of(releases, today, weeks=weeks, threshold=threshold)


def calendar_of(
    releases: list[Release], today: date, *, weeks: int, threshold: int
) -> CalendarReport:
    found = release_calendar(releases, today, weeks)
    week_rows = []
    for week in found.weeks():
        expected = sum(day.expected for day in week)
        total = sum((day.mean_readiness or 0.0) * day.expected for day in week)
        mean, hidden = _shown(total, expected, threshold)
        week_rows.append(
            WeekRow(
                week[0].day,
                week[-1].day,
                sum(day.dated for day in week),
                expected,
                mean,
                hidden,
                sum(1 for day in week if day.marks and (day.expected or day.dated)),
            )
        )
    return CalendarReport(
        found.first_day,
        found.last_day,
        weeks,
        threshold,
        tuple(_day(one, threshold) for one in found.days),
        tuple(week_rows),
    )
