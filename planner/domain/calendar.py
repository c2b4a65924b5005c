"""Release-day calendar for England and Wales, computed offline.

The Offenders (Day of Release from Detention) Act 2023 lets a governor bring forward a
release due on a Friday, or on the day before a bank holiday, by up to two working days.
Releases due on a weekend or bank holiday normally take place on the last working day before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from planner.domain.bank_holidays import bank_holidays
from planner.domain.dates import range_problem


def bank_holiday_name(day: date) -> str | None:
    """The England and Wales bank holiday on this day, if any."""
    return bank_holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and bank_holiday_name(day) is None


def previous_working_day(day: date) -> date:
    """The last working day strictly before `day`."""
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def working_days_before(day: date, count: int) -> list[date]:
    """The `count` working days before `day`, nearest first."""
    found: list[date] = []
    while len(found) < count:
        day = previous_working_day(day)
        found.append(day)
    return found


class ReleaseDayRiskKind(StrEnum):
    FRIDAY = "friday"
    WEEKEND = "weekend"
    BANK_HOLIDAY = "bank_holiday"
    BEFORE_BANK_HOLIDAY = "before_bank_holiday"


@dataclass(frozen=True, slots=True)
class ReleaseDayRisk:
    kind: ReleaseDayRiskKind
    day: date
    description: str
    advice: str


@lru_cache(maxsize=2048)
def release_day_risk(day: date) -> ReleaseDayRisk | None:
    """Why a release on this day strands people, and what can be done; None if it is fine.

    None too for a day outside the dates planner works with: such a date is refused at
    entry, and one stored before that rule (the year 9999) must not break every listing.
    """
    if range_problem(day) is not None:
        return None
    kind = release_day_risk_kind(day)
    if kind is None:
        return None
    when = format_day(day)
    if kind is ReleaseDayRiskKind.WEEKEND or kind is ReleaseDayRiskKind.BANK_HOLIDAY:
        what = "a weekend" if kind is ReleaseDayRiskKind.WEEKEND else f"{bank_holiday_name(day)}"
        before = previous_working_day(day)
        return ReleaseDayRisk(
            kind,
            day,
            f"release date {when} falls on {what}",
            f"releases due then normally happen on the last working day before, "
            f"{format_day(before)}: confirm the date and plan services for that day",
        )
    if kind is ReleaseDayRiskKind.FRIDAY:
        what = "a Friday"
    else:
        what = f"the day before {bank_holiday_name(next_calendar_day(day))}"
    earlier = working_days_before(day, 2)
    return ReleaseDayRisk(
        kind,
        day,
        f"release date {when} falls on {what}; services close for days after",
        "the governor may bring it forward by up to 2 working days (Offenders (Day of "
        f"Release from Detention) Act 2023): ask for {format_day(earlier[0])} or "
        f"{format_day(earlier[1])}, and book the jobcentre and housing for release day",
    )


def release_day_risk_kind(day: date) -> ReleaseDayRiskKind | None:
    if day.weekday() >= 5:
        return ReleaseDayRiskKind.WEEKEND
    if bank_holiday_name(day) is not None:
        return ReleaseDayRiskKind.BANK_HOLIDAY
    if bank_holiday_name(next_calendar_day(day)) is not None:
        return ReleaseDayRiskKind.BEFORE_BANK_HOLIDAY
    if day.weekday() == 4:
        return ReleaseDayRiskKind.FRIDAY
    return None


def next_calendar_day(day: date) -> date:
    return day + timedelta(days=1)


@lru_cache(maxsize=4096)
def format_day(day: date) -> str:
    """'Fri 4 Dec 2026': the weekday always shown, as officers plan around it."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def count_days(n: int) -> str:
    """'1 day', '0 days', '12 days': a count of days in words."""
    return f"{n} day" if n == 1 else f"{n} days"
