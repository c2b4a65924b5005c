"""What `list` and `gaps` share: the filter (--where, --view), the columns, the rows.

The filter's names come from the templates the database's cases use (the configured
default template when it holds nobody yet); saved views from the built-in ones and the
config file's `[views]`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import click

from planner.cli.context import Env
from planner.domain.columns import DEFAULT_COLUMNS, Column, ColumnReader, parse_columns
from planner.domain.errors import InvalidInput
from planner.domain.filter_terms import Filter, FilterError
from planner.domain.filter_vocabulary import Vocabulary
from planner.domain.filtering import CaseloadFilter, release_window
from planner.domain.filters import parse_filter
from planner.domain.saved_views import SavedView, find_view, saved_views
from planner.domain.template import Template
from planner.store.interface import CaseRepository
from planner.store.summary import CaseSummary

WHERE_HELP = (
    "Only people for whom EXPR holds, e.g. 'bank.account != done' or "
    "'release within 28'; repeat it and all must hold (see README, Filters)."
)
VIEW_HELP = "Only people in a saved view, by name or number ('planner views' lists them)."


def where_option(func: Any) -> Any:
    return click.option("--where", "wheres", multiple=True, metavar="EXPR", help=WHERE_HELP)(func)


def view_option(func: Any) -> Any:
    return click.option("--view", "view_name", metavar="NAME", help=VIEW_HELP)(func)


def default_template(env: Env) -> Template:
    wanted = env.settings.default_template
    try:
        return env.templates.get(wanted)
    except KeyError as exc:
        raise InvalidInput(str(exc.args[0]) if exc.args else f"unknown template {wanted}") from None


def views_of(env: Env) -> list[SavedView]:
    return saved_views(env.settings.views)


class CaseloadQuery:
    """The filter, columns and flags of one command over an open store."""

    def __init__(
        self, env: Env, store: CaseRepository, summaries: Sequence[CaseSummary] | None = None
    ) -> None:
        self.env = env
        self.store = store
        if summaries is not None:
            keys = list(dict.fromkeys(s.assessment.template_key for s in summaries))
        else:  # every template version the database's cases were made with
            keys = list(store.stored_templates())
        templates = [store.template(k) for k in keys] or [default_template(env)]
        self.vocabulary = Vocabulary(templates)
        self.filtering = CaseloadFilter(
            today=env.today,
            template_for=store.template,
            records=store.raw_records,
            officer=env.officer,
            keep_assessments=False,  # one pass: a 20,000 list would hold them all parsed
        )

    def filter(self, wheres: Sequence[str], view_name: str | None) -> Filter:
        wanted = parse_filter(list(wheres), self.vocabulary)
        if view_name is not None:
            view = find_view(views_of(self.env), view_name)
            wanted = view.filter(self.vocabulary) & wanted
        return wanted

    def window(self, wanted: Filter, within: int | None) -> tuple[date, date] | None:
        """The release dates the people listed can have (None: any, or none at all)."""
        bounds = release_window(wanted, self.env.today)
        if within is not None:
            soon = (self.env.today, self.env.today + timedelta(days=within))
            bounds = soon if bounds is None else (max(bounds[0], soon[0]), min(bounds[1], soon[1]))
        return bounds

    def summaries(self, window: tuple[date, date] | None) -> list[CaseSummary]:
        """The summaries of the people due for release in `window` (everyone when None): reading
        only those from the index is much cheaper than reading all 20,000."""
        if window is None:
            return self.store.summaries()
        first, last = window
        if first > last:
            return []
        return self.store.summaries_released_between(first, last)

    def columns(self, text: str | None, *extra: str) -> list[Column]:
        """The --columns named, else the config file's `columns`, else the default."""
        if text:
            return parse_columns([*text.split(","), *extra], self.vocabulary)
        configured = self.env.settings.columns
        try:
            return parse_columns([*(configured or DEFAULT_COLUMNS), *extra], self.vocabulary)
        except FilterError as exc:
            raise FilterError(f"config file, columns: {exc}") from None

    def reader(self) -> ColumnReader:
        return ColumnReader(self.filtering, self.store.raw_records, self.vocabulary)
