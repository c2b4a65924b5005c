"""planner views and planner fields: what a filter, a view or a column can name."""

from __future__ import annotations

import click

from planner.cli.caseload_query import default_template, views_of
from planner.cli.context import Env, pass_env
from planner.cli.output import cell, echo_wrapped, emit_json, terminal_width
from planner.cli.plain_table import Col, Heading, Line, render
from planner.domain.filter_terms import FilterError
from planner.domain.filter_vocabulary import Vocabulary
from planner.domain.template import EvidenceField, ItemTemplate, Template


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def views(env: Env, as_json: bool) -> None:
    """List the saved views: the built-in ones, then the config file's [views].

    Use one with 'planner list --view NAME' (or its number). A view is a filter
    expression; add your own in the config file:

    \b
    [views]
    "Mine, no GP" = "assigned = me and health.gp != done"
    """
    vocabulary = Vocabulary([default_template(env)])
    rows = []
    for number, view in enumerate(views_of(env), start=1):
        try:
            problem = ""
            view.filter(vocabulary)
        except FilterError as exc:
            problem = str(exc)
        rows.append((number, view, problem))
    if as_json:
        emit_json(
            {
                "views": [
                    {
                        "number": number,
                        "name": view.name,
                        "expression": view.expression,
                        "built_in": view.built_in,
                        "about": view.about,
                        "problem": problem or None,
                    }
                    for number, view, problem in rows
                ]
            }
        )
        return
    width = terminal_width()
    lines: list[Line] = []
    for number, view, problem in rows:
        where = "built in" if view.built_in else "config file"
        about = [view.expression]
        if view.about:
            about.append(view.about)
        if problem:
            about.append(f"cannot be used: {problem}")
        lines.append([str(number), cell(view.name), where, cell("\n".join(about))])
    cols = (
        Col("#", right=True, keep=True),
        Col("View", wrap=True),
        Col("From"),
        Col("", below=True),
    )
    for line in render(cols, lines, width):
        click.echo(line)
    echo_wrapped("Use one with: planner list --view NAME (or its number).", width)


@click.command()
@click.argument("item", required=False)
@click.option("--template", "template_id", help="Checklist template id (default from config).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def fields(env: Env, item: str | None, template_id: str | None, as_json: bool) -> None:
    """List each item's evidence fields: names, types and choices.

    ITEM may be an item id (bank.account) or a section (accommodation). These are the
    names 'planner set --field NAME=VALUE', 'planner list --where' and '--columns' take.
    """
    template = _template(env, template_id)
    chosen = _items(template, item)
    if as_json:
        emit_json(
            {
                "template": template.key,
                "items": [
                    {
                        "id": i.id,
                        "section": i.section,
                        "title": i.title,
                        "applies": i.applies_label,
                        "fields": [_field_json(f) for f in i.evidence],
                    }
                    for i in chosen
                ],
            }
        )
        return
    width = terminal_width()
    click.echo(f"Evidence fields of template {template.key}")
    lines: list[Line] = []
    for one in chosen:
        applies = "" if one.applies_label == "all" else f" (applies {one.applies_label})"
        lines.append(Heading(cell(f"{one.id}: {one.title}{applies}")))
        for field in one.evidence:
            about = [field.label]
            if field.choices:
                choices = ", ".join(
                    c.value
                    if c.label.lower() == c.value.replace("_", " ")
                    else f"{c.value} ({c.label})"
                    for c in field.choices
                )
                about.append(f"choices: {choices}")
            if field.help:
                about.append(field.help)
            kind = field.type.value.replace("_", "/") + (", required" if field.required else "")
            lines.append(["  " + field.name, kind, cell("\n".join(about))])
    cols = (Col("Field", keep=True), Col("Type"), Col("", below=True))
    for line in render(cols, lines, width):
        click.echo(line)
    echo_wrapped(
        "Record one with: planner set NUMBER ITEM STATUS --field NAME=VALUE; find people "
        "by one with: planner list --where 'ITEM.NAME = VALUE'.",
        width,
    )


def _template(env: Env, template_id: str | None) -> Template:
    if template_id is None:
        return default_template(env)
    try:
        return env.templates.get(template_id)
    except KeyError as exc:
        raise FilterError(
            str(exc.args[0]) if exc.args else f"unknown template {template_id}"
        ) from None


def _items(template: Template, wanted: str | None) -> list[ItemTemplate]:
    if wanted is None:
        return list(template.items)
    key = wanted.strip().lower()
    section = [i for i in template.items if i.section == key]
    if section:
        return section
    subject = Vocabulary([template]).subject(key)
    if not subject.item:
        raise FilterError(f"{wanted.strip()!r} is not an item of template {template.key}")
    return [template.item(subject.item)]


def _field_json(field: EvidenceField) -> dict[str, object]:
    return {
        "name": field.name,
        "label": field.label,
        "type": field.type.value,
        "required": field.required,
        "choices": [{"value": c.value, "label": c.label} for c in field.choices],
    }
