"""England and Wales bank holidays: computed offline by the `holidays` package.

Building the calendar with `holidays` costs about 0.1 s in every process that needs it:
the package imports the module of every country it knows (some 250) before it builds the
United Kingdom's. So the bank holidays of a span of years (`FIRST_YEAR` to `LAST_YEAR`)
are computed once, in one go, and handed to a `SpanCache` when one is given
(:func:`keep_span_in`; the store keeps them in a small file in the user's cache folder,
:mod:`planner.store.holiday_cache`), for later processes to read in about a millisecond
without importing `holidays` at all. The domain does no I/O itself.

Nothing here is a list kept by hand: every date comes from `holidays`. A year outside the
span is computed when asked for. A cache that cannot serve the span returns None, and the
dates are then computed as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache, lru_cache
from typing import Protocol

FIRST_YEAR = 2000
LAST_YEAR = 2060
SUBDIVISION = "ENG"  # England; Wales has the same bank holidays

Calendar = dict[int, dict[date, str]]  # year -> day -> name


class SpanCache(Protocol):
    """Somewhere to keep the span's bank holidays between processes."""

    def read(self) -> Calendar | None:
        """The span, every year from FIRST_YEAR to LAST_YEAR; None when it cannot serve."""

    def write(self, calendar: Calendar) -> None:
        """Keep the span (quietly giving up when it cannot)."""


_kept_in: SpanCache | None = None


def keep_span_in(span_cache: SpanCache | None) -> None:
    """Read the span from (and keep it in) `span_cache` from now on; None for no cache."""
    global _kept_in
    _kept_in = span_cache
    _span.cache_clear()


def span_cache() -> SpanCache | None:
    return _kept_in


def bank_holidays(year: int) -> Mapping[date, str]:
    """The England and Wales bank holidays of `year`, with their names."""
    if FIRST_YEAR <= year <= LAST_YEAR:
        return _span().get(year, {})
    return _computed(year)


@cache
def _span() -> Calendar:
    """The span's bank holidays: from the cache when it serves, else computed (and kept)."""
    kept_in = _kept_in
    if kept_in is not None:
        cached = kept_in.read()
        if cached is not None:
            return cached
    calendar = _compute(range(FIRST_YEAR, LAST_YEAR + 1))
    if kept_in is not None:
        kept_in.write(calendar)
    return calendar


@lru_cache(maxsize=64)
def _computed(year: int) -> dict[date, str]:
    return _compute(range(year, year + 1)).get(year, {})


def _compute(years: range) -> Calendar:
    import holidays  # about 0.1 s: only when the cache cannot serve

    calendar: Calendar = {year: {} for year in years}
    for day, name in holidays.country_holidays("GB", subdiv=SUBDIVISION, years=years).items():
        calendar.setdefault(day.year, {})[day] = str(name)
    return calendar
