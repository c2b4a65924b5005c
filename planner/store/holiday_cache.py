"""The file that keeps the bank holiday calendar between processes.

A small JSON file in the user's cache folder (``PLANNER_CACHE_DIR`` overrides it), named
after the version of `holidays` that computed the dates: a new version, which may know of
a new bank holiday, computes them again. The file holds no personal data. One that cannot
be read, does not match, or cannot be written only costs the time of computing the dates.
"""

from __future__ import annotations

import contextlib
import os
from datetime import date
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import orjson

from planner.domain.bank_holidays import (
    FIRST_YEAR,
    LAST_YEAR,
    SUBDIVISION,
    Calendar,
    keep_span_in,
    span_cache,
)
from planner.store.files import atomic_write

CACHE_FORMAT = "planner-bank-holidays"


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


class HolidayCacheFile:
    """The span kept in the cache file at :func:`cache_path`, looked up when first needed
    (so a test or a process that sets PLANNER_CACHE_DIR later still gets its own)."""

    def read(self) -> Calendar | None:
        path = cache_path()
        if path is None:
            return None
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

    def write(self, calendar: Calendar) -> None:
        """Keep the span for later processes: written whole or not at all."""
        path = cache_path()
        if path is None:
            return
        days = {day.isoformat(): name for year in calendar.values() for day, name in year.items()}
        data = orjson.dumps({"header": _header(), "days": days})
        with contextlib.suppress(OSError):
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            atomic_write(path, [data])


def _header() -> dict[str, Any]:
    return {
        "format": CACHE_FORMAT,
        "holidays": _holidays_version(),
        "subdivision": SUBDIVISION,
        "first": FIRST_YEAR,
        "last": LAST_YEAR,
    }


def use_holiday_cache_file() -> None:
    """Keep the calendar in the cache file from now on (once per process is enough)."""
    if not isinstance(span_cache(), HolidayCacheFile):
        keep_span_in(HolidayCacheFile())
