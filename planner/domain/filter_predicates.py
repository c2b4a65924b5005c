"""How one condition of a filter compares one value: text, a choice, yes or no, a date.

Each predicate is made once per condition (and, on the caseload's fast path, applied
once per distinct value); the filter language's meaning of each operator lives here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from planner.domain.filter_terms import TODAY, Condition, Op

Predicate = Callable[[object], bool]


def _folded(value: object) -> str:
    return value.strip().casefold() if isinstance(value, str) else ""


def text_predicate(op: Op, values: tuple[str, ...]) -> Predicate:
    folded = [v.strip().casefold() for v in values]
    first = folded[0] if folded else ""
    group = frozenset(folded)
    tests: dict[Op, Predicate] = {
        Op.EQ: lambda v: _folded(v) == first,
        Op.NE: lambda v: _folded(v) != first,
        Op.IN: lambda v: _folded(v) in group,
        Op.NOT_IN: lambda v: _folded(v) not in group,
        Op.CONTAINS: lambda v: first in _folded(v),
        Op.STARTS_WITH: lambda v: _folded(v).startswith(first),
        Op.EMPTY: lambda v: not _folded(v),
        Op.NOT_EMPTY: lambda v: bool(_folded(v)),
    }
    return tests[op]


def _chosen(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def choice_predicate(condition: Condition) -> Predicate:
    values = condition.values
    first = values[0] if values else ""
    group = frozenset(values)
    tests: dict[Op, Predicate] = {
        Op.EQ: lambda v: _chosen(v) == first,
        Op.NE: lambda v: _chosen(v) != first,
        Op.IN: lambda v: _chosen(v) in group,
        Op.NOT_IN: lambda v: _chosen(v) not in group,
        Op.EMPTY: lambda v: _chosen(v) is None,
        Op.NOT_EMPTY: lambda v: _chosen(v) is not None,
    }
    return tests[condition.op]


def yes_no_predicate(condition: Condition) -> Predicate:
    wanted = bool(condition.values) and condition.values[0] == "yes"
    tests: dict[Op, Predicate] = {
        Op.EQ: lambda v: isinstance(v, bool) and v is wanted,
        Op.NE: lambda v: not (isinstance(v, bool) and v is wanted),
        Op.EMPTY: lambda v: not isinstance(v, bool),
        Op.NOT_EMPTY: lambda v: isinstance(v, bool),
    }
    return tests[condition.op]


def _iso_day(value: object) -> str | None:
    """A stored date as its ISO day; None for no date."""
    if isinstance(value, str) and len(value) >= 10:
        return value[:10]
    return None


def date_predicate(condition: Condition, today: date) -> Predicate:
    op = condition.op
    today_iso = today.isoformat()
    if op in (Op.WITHIN, Op.WITHIN_LAST):
        days = timedelta(days=int(condition.values[0]))
        if op is Op.WITHIN:
            low, high = today_iso, (today + days).isoformat()
        else:
            low, high = (today - days).isoformat(), today_iso

        def within(v: object) -> bool:
            day = _iso_day(v)
            return day is not None and low <= day <= high

        return within
    value = condition.values[0] if condition.values else ""
    bound = today_iso if value == TODAY else value
    tests: dict[Op, Predicate] = {
        Op.EQ: lambda v: _iso_day(v) == bound,
        Op.NE: lambda v: _iso_day(v) != bound,
        Op.BEFORE: lambda v: (day := _iso_day(v)) is not None and day < bound,
        Op.AFTER: lambda v: (day := _iso_day(v)) is not None and day > bound,
        Op.EMPTY: lambda v: _iso_day(v) is None,
        Op.NOT_EMPTY: lambda v: _iso_day(v) is not None,
    }
    return tests[op]


def day_predicate(condition: Condition, today: date) -> Callable[[date | None], bool]:
    """The date predicate for a value held as a date (the summary's release date)."""
    op = condition.op
    if op in (Op.WITHIN, Op.WITHIN_LAST):
        days = timedelta(days=int(condition.values[0]))
        low, high = (today, today + days) if op is Op.WITHIN else (today - days, today)
        return lambda d: d is not None and low <= d <= high
    value = condition.values[0] if condition.values else ""
    bound = today if value in ("", TODAY) else date.fromisoformat(value)
    tests: dict[Op, Callable[[date | None], bool]] = {
        Op.EQ: lambda d: d == bound,
        Op.NE: lambda d: d != bound,
        Op.BEFORE: lambda d: d is not None and d < bound,
        Op.AFTER: lambda d: d is not None and d > bound,
        Op.EMPTY: lambda d: d is None,
        Op.NOT_EMPTY: lambda d: d is not None,
    }
    return tests[op]
