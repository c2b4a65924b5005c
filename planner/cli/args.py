"""Parsing command-line values into domain values, with one-line errors."""

from __future__ import annotations

from datetime import date

from planner.domain.dates import parse_date
from planner.domain.errors import InvalidInput
from planner.domain.identifiers import normalise_prison_number


def prison_number(raw: str) -> str:
    """A prison number as typed (any case, spaces around), or InvalidInput."""
    try:
        return normalise_prison_number(raw)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


def optional_date(raw: str | None, what: str) -> date | None:
    return None if raw is None else parse_date(raw, what)
