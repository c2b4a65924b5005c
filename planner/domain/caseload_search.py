"""Finding people by name or number among everyone, and naming the window each is in.

Search always looks at the whole caseload, whatever window or filter is showing, and says
where a match is, so an officer searching for someone released last week, or due out in
five months, finds them and knows why the default view did not show them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from planner.domain.filtering import CaseloadRow

Row = TypeVar("Row", bound=CaseloadRow)

ACTIVE = "active"
# The caseload's windows (the UI's keys 7, 2, 8), narrowest first.
WINDOWS: tuple[tuple[int, str], ...] = (
    (7, "in the next 7 days"),
    (28, "in the next 28 days"),
    (84, "in the next 12 weeks"),
)


def search_text(row: CaseloadRow) -> str:
    """What a search looks in: the number, 'Forename Surname' and 'SURNAME, Forename'."""
    return f"{row.number} {row.forename} {row.surname} {row.surname}, {row.forename}".casefold()


def search(
    rows: Iterable[Row], text: str, *, text_of: Callable[[Row], str] = search_text
) -> list[Row]:
    """Everyone whose number or name holds `text` (any case), in their order.

    `text_of` gives what is searched of a row: `search_text`, or a copy of it the caller
    made once (the UI keeps one per row, to search 20,000 people on every keystroke)."""
    wanted = searched_for(text)
    if not wanted:
        return list(rows)
    return [row for row in rows if wanted in text_of(row)]


def searched_for(text: str) -> str:
    """What a search for `text` looks for: its words, single-spaced, in any case."""
    return " ".join(text.split()).casefold()


def narrows(earlier: str, text: str) -> bool:
    """Whether everyone a search for `text` finds was found by one for `earlier` (so the
    next keystroke of a search need look only among the matches of the one before)."""
    before = searched_for(earlier)
    return bool(before) and before in searched_for(text)


def window_of(row: CaseloadRow, today: date) -> str:
    """Which part of the caseload a person is in, in words."""
    if row.state != ACTIVE:
        return row.state.replace("_", " ")
    release = row.release_date
    if release is None:
        return "no release date"
    days = (release - today).days
    if days < 0:
        return "release date passed, still active"
    for limit, words in WINDOWS:
        if days <= limit:
            return f"due for release {words}"
    return "due for release after the next 12 weeks"
