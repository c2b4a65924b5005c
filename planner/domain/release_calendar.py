"""Releases per day for the coming weeks: where discharge and resettlement will be stretched.

Each day of the window shows how many releases are dated on it, how many are expected to
happen on it, the mean readiness of those, and marks for the days that strand people
(the release-day rules of :mod:`planner.domain.calendar`, DOMAIN.md "Release date and
release day"):

- a Friday: services close for the weekend after it, and about 1 in 3 releases fell on a
  Friday before the Offenders (Day of Release from Detention) Act 2023;
- the day before an England and Wales bank holiday (the calendar day before, as the
  release-day flag counts it), computed offline from :mod:`planner.domain.bank_holidays`;
- a weekend day or a bank holiday: releases dated then normally take place on the last
  working day before (:mod:`planner.domain.calendar`, and
  :func:`~planner.domain.calendar.previous_working_day`), so they are *expected* on that
  day and add to its load. One dated on a non-working day whose working day before is
  before the window's first day is expected before the window, and counted only as dated.

Readiness is the gap engine's: the share of applicable checklist items resolved, from 0
to 1 (a person simply "ready" or "not ready" counts as 1 or 0).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol

from planner.domain.calendar import bank_holiday_name, is_working_day, previous_working_day

DEFAULT_WEEKS = 12
MAX_WEEKS = 104


class Upcoming(Protocol):
    """A release as the calendar needs it (the store's CaseSummary is one)."""

    @property
    def release_date(self) -> date | None: ...

    @property
    def readiness(self) -> float: ...


@dataclass(frozen=True, slots=True)
class Release:
    """A release date and how ready the person is (0 to 1, or True / False)."""

    release_date: date | None
    readiness: float


class DayMark(StrEnum):
    FRIDAY = "friday"
    WEEKEND = "weekend"
    BANK_HOLIDAY = "bank_holiday"
    BEFORE_BANK_HOLIDAY = "before_bank_holiday"


@dataclass(frozen=True, slots=True)
class CalendarDay:
    day: date
    dated: int  # releases with this release date
    expected: int  # releases expected to happen on this day (none on a non-working day)
    mean_readiness: float | None  # of the expected releases; None when there are none
    marks: frozenset[DayMark]
    bank_holiday: str | None  # its name, on a bank holiday

    @property
    def brought_forward(self) -> int:
        """Releases dated on the non-working days after this one, expected on it."""
        return self.expected - (self.dated if is_working_day(self.day) else 0)


@dataclass(frozen=True, slots=True)
class ReleaseCalendar:
    first_day: date
    days: tuple[CalendarDay, ...]

    @property
    def last_day(self) -> date:
        return self.days[-1].day

    def weeks(self) -> list[tuple[CalendarDay, ...]]:
        """The days in weeks, Monday to Sunday (the first and last may be shorter)."""
        found: list[list[CalendarDay]] = []
        for one in self.days:
            if not found or one.day.weekday() == 0:
                found.append([])
            found[-1].append(one)
        return [tuple(week) for week in found]


def checked_weeks(weeks: int) -> int:
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"weeks must be from 1 to {MAX_WEEKS}: {weeks}")
    return weeks


def release_calendar(
    releases: Iterable[Upcoming], today: date, weeks: int = DEFAULT_WEEKS
) -> ReleaseCalendar:
    """Each day from `today` for `weeks` weeks, with its releases, readiness and marks."""
    weeks = checked_weeks(weeks)
    last = today + timedelta(days=7 * weeks - 1)
    dated: defaultdict[date, int] = defaultdict(int)
    expected: defaultdict[date, list[float]] = defaultdict(list)
    for release in releases:
        day = release.release_date
        if day is None or not today <= day <= last + timedelta(days=7):  # a week's margin
            continue
        readiness = float(release.readiness)
        if not 0.0 <= readiness <= 1.0:
            raise ValueError(f"readiness must be from 0 to 1: {readiness}")
        dated[day] += 1
        expected[day if is_working_day(day) else previous_working_day(day)].append(readiness)
    days = []
    for offset in range((last - today).days + 1):
        day = today + timedelta(days=offset)
        ready = expected.get(day, [])
        days.append(
            CalendarDay(
                day,
                dated.get(day, 0),
                len(ready),
                sum(ready) / len(ready) if ready else None,
                day_marks(day),
                bank_holiday_name(day),
            )
        )
    return ReleaseCalendar(today, tuple(days))


def day_marks(day: date) -> frozenset[DayMark]:
    """What makes a release on this day hard: every mark that applies."""
    marks = set()
    if day.weekday() == 4:
        marks.add(DayMark.FRIDAY)
    if day.weekday() >= 5:
        marks.add(DayMark.WEEKEND)
    if bank_holiday_name(day) is not None:
        marks.add(DayMark.BANK_HOLIDAY)
    if bank_holiday_name(day + timedelta(days=1)) is not None:
        marks.add(DayMark.BEFORE_BANK_HOLIDAY)
    return frozenset(marks)
