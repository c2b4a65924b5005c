"""Saved views: the questions officers ask of their caseload every day, as named filters.

planner ships the common ones; a site or an officer adds their own in the config file::

    [views]
    "Mine, no GP" = "assigned = me and health.gp != done"
    "B wing, no ID" = ["location starts with B", "id.documents = not_started"]

A view named like a built-in one replaces it. Views are offered in this order (built-in
first, then the config file's, as written), so the UI can give each a number key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from planner.domain.filter_terms import Filter, FilterError
from planner.domain.filter_vocabulary import Vocabulary, nearest, shown
from planner.domain.filters import parse_filter


@dataclass(frozen=True, slots=True)
class SavedView:
    """A named filter expression; `built_in` when planner ships it."""

    name: str
    expression: str
    built_in: bool = False
    about: str = ""

    def filter(self, vocabulary: Vocabulary) -> Filter:
        """The view's filter; FilterError names the view when its expression is wrong."""
        try:
            return parse_filter(self.expression, vocabulary)
        except FilterError as exc:
            raise FilterError(f"view {shown(self.name)}: {exc}") from None


BUILT_IN_VIEWS: tuple[SavedView, ...] = (
    SavedView(
        "No bank account",
        "bank.account not in (done, not_required)",
        True,
        "a bank account still to be opened (declined and blocked included)",
    ),
    SavedView(
        "ID not received",
        "id.documents.date_applied is not empty and id.documents.date_received is empty",
        True,
        "ID applied for and not yet received: the people to chase",
    ),
    SavedView(
        "No fixed abode within 28 days",
        "accommodation.address.accommodation_type in (no_fixed_abode, rough_sleeping)"
        " and release within 28",
        True,
        "no fixed abode or rough sleeping, due for release in the next 28 days",
    ),
    SavedView(
        "No jobcentre appointment",
        "benefits.uc_appointment not in (done, not_required)",
        True,
        "no jobcentre appointment booked for the first working day",
    ),
    SavedView(
        "Duty to Refer not made",
        "accommodation.duty_to_refer not in (done, not_required)",
        True,
        "a Duty to Refer is needed (no settled address) and not yet made",
    ),
    SavedView(
        "No COM allocated",
        "com is empty",
        True,
        "no community offender manager recorded in the person's details",
    ),
)


def saved_views(configured: Mapping[str, str] | None = None) -> list[SavedView]:
    """The built-in views, then the config file's; a configured view named like a
    built-in one (in any case) takes its place."""
    views = list(BUILT_IN_VIEWS)
    for name, expression in (configured or {}).items():
        mine = SavedView(name.strip(), expression)
        at = [i for i, v in enumerate(views) if v.name.casefold() == mine.name.casefold()]
        if at:
            views[at[0]] = mine
        else:
            views.append(mine)
    return views


def find_view(views: Sequence[SavedView], wanted: str) -> SavedView:
    """A view by its name (any case) or its number in the list (1 is the first)."""
    key = wanted.strip()
    if key.isdigit() and 1 <= int(key) <= len(views):
        return views[int(key) - 1]
    for view in views:
        if view.name.casefold() == key.casefold():
            return view
    names = {v.name.casefold(): v.name for v in views}
    close = [names[n] for n in nearest(key.casefold(), names)]
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    listed = "; ".join(v.name for v in views)
    raise FilterError(f"unknown view {shown(key)}{hint}; views: {listed}")
