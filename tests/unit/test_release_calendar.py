"""The release calendar: releases per day for the coming weeks, with the hard days marked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner.domain.assessment import Assessment
from planner.domain.release_calendar import (
    DEFAULT_WEEKS,
    CalendarDay,
    DayMark,
    Release,
    ReleaseCalendar,
    release_calendar,
)
from planner.store.summary import CaseSummary
from tests.conftest import TODAY  # Monday 23 November 2026


def day_of(calendar: ReleaseCalendar, day: date) -> CalendarDay:
    (found,) = [one for one in calendar.days if one.day == day]
    return found


def test_twelve_weeks_from_today_in_weeks_from_monday():
    calendar = release_calendar([], TODAY)
    assert DEFAULT_WEEKS == 12
    assert calendar.first_day == TODAY
    assert calendar.last_day == date(2027, 2, 14)  # a Sunday
    weeks = calendar.weeks()
    assert len(weeks) == 12
    assert all(len(week) == 7 and week[0].day.weekday() == 0 for week in weeks)


def test_a_friday_and_the_weekend_after_it():
    releases = [
        Release(date(2026, 11, 27), 0.5),  # Friday
        Release(date(2026, 11, 27), 1.0),
        Release(date(2026, 11, 28), True),  # Saturday: released on the Friday before
        Release(date(2026, 11, 29), 0.0),  # Sunday: likewise
    ]
    calendar = release_calendar(releases, TODAY)
    friday = day_of(calendar, date(2026, 11, 27))
    assert friday.marks == {DayMark.FRIDAY}
    assert (friday.dated, friday.expected, friday.brought_forward) == (2, 4, 2)
    assert friday.mean_readiness == pytest.approx((0.5 + 1.0 + 1.0 + 0.0) / 4)
    saturday = day_of(calendar, date(2026, 11, 28))
    sunday = day_of(calendar, date(2026, 11, 29))
    assert saturday.marks == sunday.marks == {DayMark.WEEKEND}
    assert (saturday.dated, saturday.expected, saturday.mean_readiness) == (1, 0, None)
    assert (sunday.dated, sunday.expected) == (1, 0)
    thursday = day_of(calendar, date(2026, 11, 26))
    assert (thursday.marks, thursday.dated, thursday.expected) == (frozenset(), 0, 0)


def test_christmas_2026_marks_the_day_before_and_brings_releases_forward_to_it():
    releases = [
        Release(date(2026, 12, 24), 0.25),
        Release(date(2026, 12, 25), 0.75),  # Christmas Day, a Friday
        Release(date(2026, 12, 28), 0.5),  # Boxing Day (observed), the Monday after
    ]
    calendar = release_calendar(releases, TODAY)
    eve = day_of(calendar, date(2026, 12, 24))
    assert eve.marks == {DayMark.BEFORE_BANK_HOLIDAY}
    assert (eve.dated, eve.expected, eve.brought_forward) == (1, 3, 2)
    assert eve.mean_readiness == pytest.approx(0.5)
    christmas = day_of(calendar, date(2026, 12, 25))
    # A Friday, a bank holiday, and the day before Boxing Day.
    assert christmas.marks == {DayMark.FRIDAY, DayMark.BANK_HOLIDAY, DayMark.BEFORE_BANK_HOLIDAY}
    assert christmas.bank_holiday == "Christmas Day"
    assert (christmas.dated, christmas.expected) == (1, 0)
    assert day_of(calendar, date(2026, 12, 26)).marks == {DayMark.WEEKEND, DayMark.BANK_HOLIDAY}
    assert day_of(calendar, date(2026, 12, 27)).marks == {
        DayMark.WEEKEND,
        DayMark.BEFORE_BANK_HOLIDAY,
    }
    monday = day_of(calendar, date(2026, 12, 28))
    assert monday.marks == {DayMark.BANK_HOLIDAY}
    assert monday.bank_holiday == "Boxing Day (observed)"
    assert day_of(calendar, date(2026, 12, 29)).marks == frozenset()


def test_before_a_bank_holiday_monday_the_friday_is_a_friday_and_the_sunday_the_day_before():
    # The calendar day before, as the release-day flag counts it.
    calendar = release_calendar([], date(2026, 8, 24))
    assert day_of(calendar, date(2026, 8, 28)).marks == {DayMark.FRIDAY}
    assert day_of(calendar, date(2026, 8, 30)).marks == {
        DayMark.WEEKEND,
        DayMark.BEFORE_BANK_HOLIDAY,
    }
    assert day_of(calendar, date(2026, 8, 31)).bank_holiday == "Late Summer Bank Holiday"


def test_weeks_with_no_releases_are_listed_empty():
    releases = [Release(date(2026, 11, 24), 1.0), Release(date(2027, 1, 12), 0.0)]
    weeks = release_calendar(releases, TODAY).weeks()
    busy = [n for n, week in enumerate(weeks) if any(one.expected for one in week)]
    assert busy == [0, 7]
    for week in weeks[1:7]:
        assert [(one.dated, one.expected, one.mean_readiness) for one in week] == [(0, 0, None)] * 7


def test_the_window_edges():
    saturday = date(2026, 11, 21)
    releases = [
        Release(saturday, 1.0),  # its working day before is yesterday, outside the window
        Release(date(2026, 11, 28), 0.0),  # the Saturday after: expected on the last day
        Release(date(2026, 11, 30), 1.0),  # after the window
        Release(saturday - timedelta(days=1), 1.0),  # before it
        Release(None, 1.0),  # no release date
    ]
    calendar = release_calendar(releases, saturday, weeks=1)
    assert [one.day for one in calendar.days][-1] == date(2026, 11, 27)
    assert (calendar.days[0].dated, calendar.days[0].expected) == (1, 0)
    last = calendar.days[-1]
    assert (last.dated, last.expected, last.brought_forward, last.mean_readiness) == (0, 1, 1, 0.0)
    assert sum(one.dated for one in calendar.days) == 1
    assert len(calendar.weeks()) == 2  # Saturday and Sunday, then Monday to Friday


def test_the_caseloads_summaries_are_releases():
    def never(keep: bool) -> Assessment:
        raise AssertionError("the calendar reads the readiness counts only")

    summary = CaseSummary(
        number="A1234BC",
        surname="Smith",
        forename="Jo",
        prison="",
        location="",
        release_date=date(2026, 11, 27),
        release_kind="crd",
        state="active",
        rev=1,
        assessment=never,
        applicable=4,
        resolved=3,
    )
    friday = day_of(release_calendar([summary], TODAY), date(2026, 11, 27))
    assert (friday.expected, friday.mean_readiness) == (1, 0.75)


@pytest.mark.parametrize("weeks", [0, -1, 105])
def test_a_window_of_no_weeks_or_too_many_is_refused(weeks: int):
    with pytest.raises(ValueError, match="weeks must be from 1 to 104"):
        release_calendar([], TODAY, weeks)


@pytest.mark.parametrize("readiness", [-0.1, 1.5])
def test_a_readiness_outside_0_to_1_is_refused(readiness: float):
    with pytest.raises(ValueError, match="readiness must be from 0 to 1"):
        release_calendar([Release(TODAY, readiness)], TODAY)
