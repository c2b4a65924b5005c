"""What `list` and `gaps` share: the filter (--where, --view), the columns, the rows.

The filter's names come from the templates the database's cases use (the configured
default template when it holds nobody yet); saved views from the built-in ones and the
config file's `[views]`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from planner.cli.context import Env
from planner.domain.columns import DEFAULT_COLUMNS, Column, ColumnReader, parse_columns
from planner.domain.errors import InvalidInput
from planner.domain.filter_terms import Filter
from planner.domain.filter_vocabulary import Vocabulary
from planner.domain.filtering import CaseloadFilter
from planner.domain.filters import parse_filter
from planner.domain.saved_views import SavedView, find_view, saved_views
from planner.domain.template import Template
from planner.store.repository import CaseStore
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

    def __init__(self, env: Env, store: CaseStore, summaries: Sequence[CaseSummary]) -> None:
        self.env = env
        self.store = store
        keys = dict.fromkeys(s.assessment.template_key for s in summaries)
        templates = [store.template(k) for k in keys] or [default_template(env)]
        self.vocabulary = Vocabulary(templates)
        self.filtering = CaseloadFilter(
            today=env.today,
            template_for=store.template,
            records=store.raw_records,
            officer=env.officer,
        )

    def filter(self, wheres: Sequence[str], view_name: str | None) -> Filter:
        wanted = parse_filter(list(wheres), self.vocabulary)
        if view_name is not None:
            view = find_view(views_of(self.env), view_name)
            wanted = view.filter(self.vocabulary) & wanted
        return wanted

    def columns(self, text: str | None, *extra: str) -> list[Column]:
        names: Sequence[str] = (
            text.split(",") if text else (self.env.settings.columns or DEFAULT_COLUMNS)
        )
        return parse_columns([*names, *extra], self.vocabulary)

    def reader(self) -> ColumnReader:
        return ColumnReader(self.filtering, self.store.raw_records, self.vocabulary)
