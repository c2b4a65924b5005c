"""Dates as officers type them: ISO (2026-12-04) or UK (04/12/2026)."""

from __future__ import annotations

import re
from datetime import date

from planner.domain.errors import InvalidInput

_UK = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def parse_date(raw: str, what: str = "date") -> date:
    """Parse an ISO or dd/mm/yyyy date; raise InvalidInput naming `what`."""
    text = raw.strip()
    match = _UK.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        if _ISO.match(text):
            return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{what}: {raw!r} is not a real date") from None
    raise InvalidInput(f"{what}: {raw!r} is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
