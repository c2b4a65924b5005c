"""Dates as officers type them (ISO 2026-12-04, UK 04/12/2026 or 04/12/26), and the range
any date planner keeps or works with must fall in: 1 January 1900 to 100 years from today.

A date outside it is a typing slip (9999, 0001) that would otherwise break every listing
and deadline computed from it; the range is checked once here, for every entry point.

A two-digit year is read as the year of that name in the hundred years that end
`TWO_DIGIT_YEARS_AHEAD` (20) years after this one: in 2026, 26 is 2026, 46 is 2046 and 47
is 1947. Release dates and evidence fall well inside that window; a date of birth before it
(1946 or earlier, in 2026) has to be typed with its full year, and reads as a date in the
future, which a date of birth cannot be, if it is not.
"""

from __future__ import annotations

import re
from datetime import date

from planner.domain.errors import InvalidInput

EARLIEST = date(1900, 1, 1)
YEARS_AHEAD = 100
TWO_DIGIT_YEARS_AHEAD = 20

_UK = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4}|[0-9]{2})$")
_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def latest(today: date | None = None) -> date:
    """The last date accepted: the same day 100 years on (28 February for a 29th)."""
    today = today or date.today()
    year = today.year + YEARS_AHEAD
    try:
        return today.replace(year=year)
    except ValueError:  # 29 February, and the year 100 years on is not a leap year
        return date(year, 2, 28)


def range_problem(day: date) -> str | None:
    """Why `day` is outside the range planner works in; None when it is inside."""
    last = latest()
    if EARLIEST <= day <= last:
        return None
    return f"{day.isoformat()} is not between {EARLIEST.isoformat()} and {last.isoformat()}"


def in_range(day: date) -> date:
    """`day`, or ValueError (for the models, which name the field themselves)."""
    problem = range_problem(day)
    if problem is not None:
        raise ValueError(problem)
    return day


def birth_date(day: date) -> date:
    """A date of birth: inside the range and not in the future."""
    in_range(day)
    if day > date.today():
        raise ValueError(f"{day.isoformat()} is in the future")
    return day


def full_year(two_digits: int, today: date | None = None) -> int:
    """The year a two-digit year names: the one in the hundred years ending
    `TWO_DIGIT_YEARS_AHEAD` years after today's."""
    last = (today or date.today()).year + TWO_DIGIT_YEARS_AHEAD
    return last - (last - two_digits) % 100


def parse_date(raw: str, what: str = "date") -> date:
    """Parse an ISO, dd/mm/yyyy or dd/mm/yy date inside the range; raise InvalidInput
    naming `what`."""
    text = raw.strip()
    match = _UK.match(text)
    if not match and not _ISO.match(text):
        raise InvalidInput(
            f"{what}: {raw!r} is not a date (use DD/MM/YYYY, DD/MM/YY or YYYY-MM-DD)"
        )
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            if len(match.group(3)) == 2:
                year = full_year(year)
            parsed = date(year, month, day)
        else:
            parsed = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{what}: {raw!r} is not a real date") from None
    problem = range_problem(parsed)
    if problem is not None:
        raise InvalidInput(f"{what}: {problem}")
    return parsed
