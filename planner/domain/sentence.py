"""Sentence length as a court gives it: years, months and days, never a number of days.

A month is not a fixed number of days (a "6 month" sentence is 181 to 184 days), so the
length is kept as typed: `SentenceLength(years=2, months=6)` for "2y6m". Days are worked
out only against a start day (`days_from`), the calendar way: 1 March + 1 month is
1 April. A number on its own ("540") is a number of days.

The band (`sentence_band`) says whether a sentence is short, as HMIP's 2019 thematic on
short sentences counts them (under 12 months), up to 4 years, or 4 years or more. It is
measured from the sentence's start when that is known and from `REFERENCE_START`
otherwise, so a sentence typed in months and years always falls in the band its words
say, and one typed in days falls in the band of the same length in an ordinary year:
365 days is 12 months, 364 days is under 12 months.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from enum import StrEnum

from pydantic import ConfigDict, Field, model_validator

from planner.domain.errors import InvalidInput
from planner.domain.validated import ValidatedModel

# No determinate sentence reaches this; a life sentence is not a length (say so instead).
MAX_YEARS = 99
MAX_DAYS = 99 * 366
# The day a sentence of unknown start is measured from: an ordinary year's 1 January, and
# the leap day of the fourth year on, so 4 years is 1,461 days as on average.
REFERENCE_START = date(2001, 1, 1)

_UNITS = {
    "y": "years",
    "yr": "years",
    "yrs": "years",
    "year": "years",
    "years": "years",
    "m": "months",
    "mo": "months",
    "mth": "months",
    "mths": "months",
    "month": "months",
    "months": "months",
    "w": "weeks",
    "wk": "weeks",
    "wks": "weeks",
    "week": "weeks",
    "weeks": "weeks",
    "d": "days",
    "day": "days",
    "days": "days",
}
_ORDER = ("years", "months", "weeks", "days")
_PART = re.compile(r"([0-9]{1,6})\s*([a-z]+)")
_EXAMPLES = 'e.g. "2y6m", "18m", "14d", "1y 3m 10d" or a number of days'


class SentenceBand(StrEnum):
    UNDER_12_MONTHS = "under_12_months"
    UP_TO_4_YEARS = "12_months_to_4_years"
    FOUR_YEARS_OR_MORE = "4_years_or_more"

    @property
    def label(self) -> str:
        return SENTENCE_BAND_LABELS[self]


SENTENCE_BAND_LABELS: dict[SentenceBand, str] = {
    SentenceBand.UNDER_12_MONTHS: "Under 12 months",
    SentenceBand.UP_TO_4_YEARS: "12 months to under 4 years",
    SentenceBand.FOUR_YEARS_OR_MORE: "4 years or more",
}


class SentenceLength(ValidatedModel):
    """A sentence's length in the court's terms. Weeks typed are kept as days."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    years: int = Field(default=0, ge=0, le=MAX_YEARS)
    months: int = Field(default=0, ge=0, le=MAX_YEARS * 12)
    days: int = Field(default=0, ge=0, le=MAX_DAYS)

    @model_validator(mode="after")
    def _not_empty(self) -> SentenceLength:
        if not (self.years or self.months or self.days):
            raise ValueError("a sentence length must be at least one day")
        if self.years * 12 + self.months > MAX_YEARS * 12:
            raise ValueError(f"a sentence length must be {MAX_YEARS} years or less")
        return self

    def end_from(self, start: date) -> date:
        """The day the length runs to from `start`, counting years and months by the
        calendar (31 January + 1 month is the last day of February), then days."""
        months = start.month - 1 + self.months + 12 * self.years
        year, month = start.year + months // 12, months % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return date(year, month, day) + timedelta(days=self.days)

    def days_from(self, start: date) -> int:
        """The length in days, for a sentence that starts on `start`."""
        return (self.end_from(start) - start).days

    @property
    def text(self) -> str:
        """In words: '2 years 6 months', '14 days', '1 year 3 months 10 days'."""
        parts = []
        for count, unit in ((self.years, "year"), (self.months, "month"), (self.days, "day")):
            if count:
                parts.append(f"{count} {unit}{'' if count == 1 else 's'}")
        return " ".join(parts)

    @property
    def short(self) -> str:
        """As it can be typed back: '2y 6m', '14d'."""
        parts = [
            f"{count}{unit}"
            for count, unit in ((self.years, "y"), (self.months, "m"), (self.days, "d"))
            if count
        ]
        return " ".join(parts)


def parse_sentence(raw: str, what: str = "sentence") -> SentenceLength:
    """A sentence length as an officer types it; InvalidInput naming `what` otherwise.

    Accepts "2y6m", "18m", "14d", "4y", "1y 3m 10d", "2 years 6 months", "6 weeks" and a
    number of days ("540"), in any case, with or without spaces and commas. Each unit at
    most once, largest first.
    """
    text = raw.strip().lower().replace(",", " ")
    if not text:
        raise InvalidInput(f"{what}: is blank; give a length, {_EXAMPLES}")
    if text in ("life", "ipp", "imprisonment for public protection"):
        raise InvalidInput(
            f"{what}: {raw.strip()!r} has no fixed length; record a determinate sentence only"
        )
    if re.fullmatch(r"[0-9]+", text):
        return _made(raw, what, days=int(text) if len(text) <= 7 else MAX_DAYS + 1)
    counts: dict[str, int] = {}
    position = 0
    last = -1
    for match in _PART.finditer(text):
        if text[position : match.start()].strip():
            break
        unit = _UNITS.get(match.group(2))
        if unit is None:
            raise InvalidInput(
                f"{what}: {match.group(2)!r} is not a unit (y, m, w or d); {_EXAMPLES}"
            )
        rank = _ORDER.index(unit)
        if unit in counts:
            raise InvalidInput(f"{what}: {unit} given twice in {raw.strip()!r}")
        if rank < last:
            raise InvalidInput(f"{what}: give years, then months, then days in {raw.strip()!r}")
        last = rank
        counts[unit] = int(match.group(1))
        position = match.end()
    if not counts or text[position:].strip():
        raise InvalidInput(f"{what}: {_shown(raw)} is not a length; {_EXAMPLES}")
    days = counts.get("days", 0) + 7 * counts.get("weeks", 0)
    return _made(raw, what, years=counts.get("years", 0), months=counts.get("months", 0), days=days)


def _made(raw: str, what: str, *, years: int = 0, months: int = 0, days: int = 0) -> SentenceLength:
    if years * 12 + months > MAX_YEARS * 12 or days > MAX_DAYS:
        raise InvalidInput(f"{what}: {_shown(raw)} is longer than {MAX_YEARS} years")
    if not (years or months or days):
        raise InvalidInput(f"{what}: {_shown(raw)} is no time at all; a sentence is a day or more")
    return SentenceLength(years=years, months=months, days=days)


def _shown(raw: str) -> str:
    text = raw.strip()
    return repr(text if len(text) <= 40 else text[:39] + "…")


def sentence_band(
    sentence: SentenceLength | None, start: date | None = None
) -> SentenceBand | None:
    """Under 12 months, 12 months to under 4 years, or 4 years or more (None: not recorded),
    measured from `start` (the sentence's first day) or from `REFERENCE_START`."""
    if sentence is None:
        return None
    begin = start or REFERENCE_START
    end = sentence.end_from(begin)
    if end < SentenceLength(months=12).end_from(begin):
        return SentenceBand.UNDER_12_MONTHS
    if end < SentenceLength(years=4).end_from(begin):
        return SentenceBand.UP_TO_4_YEARS
    return SentenceBand.FOUR_YEARS_OR_MORE
