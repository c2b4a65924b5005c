"""England and Wales bank holidays: computed offline by the `holidays` package, then cached.

Building the calendar with `holidays` costs about 0.1 s in every process that needs it:
the package imports the module of every country it knows (some 250) before it builds the
United Kingdom's. So the bank holidays of a span of years (`FIRST_YEAR` to `LAST_YEAR`)
are computed once, in one go, and kept in a small JSON file in the user's cache folder
(``PLANNER_CACHE_DIR`` overrides it), named after the version of `holidays` that computed
them: a new version, which may know of a new bank holiday, computes them again. Later
processes read the file, in about a millisecond, without importing `holidays` at all.

Nothing here is a list kept by hand: every date comes from `holidays`. A year outside the
span is computed when asked for. A cache that cannot be read, does not match, or cannot
be written is ignored; the dates are then computed as before.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from datetime import date
from functools import cache, lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import orjson

FIRST_YEAR = 2000
LAST_YEAR = 2060
CACHE_FORMAT = "planner-bank-holidays"
SUBDIVISION = "ENG"  # England; Wales has the same bank holidays

Calendar = dict[int, dict[date, str]]  # year -> day -> name


def bank_holidays(year: int) -> Mapping[date, str]:
    """The England and Wales bank holidays of `year`, with their names."""
    if FIRST_YEAR <= year <= LAST_YEAR:
        return _span().get(year, {})
    return _computed(year)


@cache
def _span() -> Calendar:
    """The span's bank holidays: from the cache when it matches, else computed (and kept)."""
    path = cache_path()
    if path is not None:
        cached = _read(path)
        if cached is not None:
            return cached
    calendar = _compute(range(FIRST_YEAR, LAST_YEAR + 1))
    if path is not None:
        _write(path, calendar)
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


@cache
def _holidays_version() -> str | None:
    try:
        return version("holidays")
    except PackageNotFoundError:  # pragma: no cover - a broken install: no cache
        return None


def cache_path() -> Path | None:
    """Where the span's bank holidays are cached, named after the `holidays` version."""
    computed_by = _holidays_version()
    if computed_by is None:
        return None
    folder = os.environ.get("PLANNER_CACHE_DIR")
    if not folder:
        import platformdirs  # only when the calendar is first needed

        folder = platformdirs.user_cache_dir("planner")
    return Path(folder) / f"bank-holidays-{SUBDIVISION.lower()}-{computed_by}.json"


def _header() -> dict[str, Any]:
    return {
        "format": CACHE_FORMAT,
        "holidays": _holidays_version(),
        "subdivision": SUBDIVISION,
        "first": FIRST_YEAR,
        "last": LAST_YEAR,
    }


def _read(path: Path) -> Calendar | None:
    """The cached span, or None when it is missing, damaged or made for something else."""
    try:
        data = orjson.loads(path.read_bytes())
        if not isinstance(data, dict) or data.get("header") != _header():
            return None
        calendar: Calendar = {year: {} for year in range(FIRST_YEAR, LAST_YEAR + 1)}
        for text, name in data["days"].items():
            day = date.fromisoformat(text)
            if not isinstance(name, str) or day.year not in calendar:
                return None
            calendar[day.year][day] = name
        return calendar
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None  # orjson.JSONDecodeError is a ValueError


def _write(path: Path, calendar: Calendar) -> None:
    """Keep the span for later processes: written whole or not at all."""
    days = {day.isoformat(): name for year in calendar.values() for day, name in year.items()}
    data = orjson.dumps({"header": _header(), "days": days})
    with contextlib.suppress(OSError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".bank-holidays-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
