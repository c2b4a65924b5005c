"""planner list, show, gaps and history: reading the caseload."""

from __future__ import annotations

from datetime import date
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from planner.cli.args import prison_number
from planner.cli.context import Env, pass_env
from planner.cli.json_shapes import case_json, flag_counts, flag_json, item_rows, summary_json
from planner.cli.output import console, emit_json, percent, plain, severity_text, weekday_date
from planner.domain.calendar import format_day, release_day_risk
from planner.domain.gaps import (
    Flag,
    Severity,
    days_to_release,
    flags_for,
    parse_severity,
)
from planner.domain.person import CIRCUMSTANCE_LABELS, CaseState
from planner.store.repository import CaseStore
from planner.store.summary import CaseSummary, by_release_date

# --- list -----------------------------------------------------------------------------------


@click.command(name="list")
@click.option(
    "--within",
    type=click.IntRange(0, 3650),
    metavar="DAYS",
    help="Only releases from today up to DAYS days ahead.",
)
@click.option("--all", "show_all", is_flag=True, help="Include released and transferred people.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see README for the shape).")
@pass_env
def list_(env: Env, within: int | None, show_all: bool, as_json: bool) -> None:
    """List people by release date, with readiness and gap counts."""
    with env.open_store(create=False) as store:
        rows = _select(store.summaries(), env.today, within, show_all)
        flag_sets = {s.number: _flags(store, s, env.today) for s in rows}
    if as_json:
        emit_json(
            {
                "today": env.today.isoformat(),
                "people": [summary_json(s, flag_sets[s.number], env.today) for s in rows],
            }
        )
        return
    table = Table(title=f"Caseload as of {format_day(env.today)}", show_lines=False)
    for heading in (
        "Number",
        "Name",
        "Location",
        "Release",
        "Days",
        "Ready",
        "Crit",
        "Warn",
        "Most urgent",
    ):
        table.add_column(heading, no_wrap=heading not in ("Most urgent", "Name"))
    for s in rows:
        flags = flag_sets[s.number]
        counts = flag_counts(flags)
        days = days_to_release(s.assessment, env.today)
        table.add_row(
            plain(s.number),
            plain(f"{s.surname.upper()}, {s.forename}"),
            plain(s.location),
            weekday_date(s.release_date),
            "" if days is None else str(days),
            percent(s.assessment.readiness),
            str(counts["critical"]),
            str(counts["warning"]),
            plain(flags[0].headline) if flags else "",
        )
    out = console()
    out.print(table)
    out.print(f"{len(rows)} people.")


def _select(
    rows: list[CaseSummary], today: date, within: int | None, show_all: bool
) -> list[CaseSummary]:
    chosen = [s for s in rows if show_all or s.state == CaseState.ACTIVE.value]
    if within is not None:
        chosen = [s for s in chosen if s.releases_within(today, within)]
    return by_release_date(chosen)


def _flags(store: CaseStore, summary: CaseSummary, today: date) -> list[Flag]:
    return flags_for(summary.assessment, store.template(summary.assessment.template_key), today)


@click.command()
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see README for the shape).")
@pass_env
def show(env: Env, number: str, as_json: bool) -> None:
    """Show a person, every checklist item and every flag."""
    key = prison_number(number)
    with env.open_store(create=False) as store:
        case = store.get(key)
        template = store.template_for(case)
        evaluation = store.evaluate(case, env.today)
    items = item_rows(template, case, evaluation)
    if as_json:
        emit_json(case_json(case, evaluation, items))
        return
    out = console()
    p = case.person
    days = evaluation.days_to_release
    who = plain(p.display_name, "bold")
    who.append(plain(f"  {p.number}  {p.prison} {p.location}".rstrip()))
    out.print(who)
    out.print(
        f"Release {weekday_date(p.release_date)} ({p.release_kind.value})"
        + ("" if days is None else f", {days} days to go")
        + f"; ready {percent(evaluation.readiness)}"
        + f"; template {template.key}"
    )
    if p.release_date:
        risk = release_day_risk(p.release_date)
        if risk:
            out.print(plain(f"! Release day: {risk.description}; {risk.advice}", "yellow"))
    on = [CIRCUMSTANCE_LABELS[k] for k, v in p.circumstances.as_flags().items() if v]
    if on:
        out.print("Circumstances: " + ", ".join(on))
    warning = p.pnc_warning()
    if warning:
        out.print(plain(f"! {warning}", "yellow"))
    table = Table(show_lines=False)
    for heading in ("Section", "Item", "Status", "Due", "Evidence / reason", "Flag"):
        table.add_column(heading)
    titles = {s.id: s.title for s in template.sections}
    for row, item in zip(items, template.items, strict=True):
        if not row["applies"]:
            continue
        flags = evaluation.flags_for_item(item.id)
        evidence = "; ".join(
            f"{_label(item, k)}: {_shown(item, k, v)}" for k, v in row["evidence"].items()
        )
        if row["reason"]:
            evidence = (evidence + "; " if evidence else "") + f"reason: {row['reason']}"
        title = Text("\n").join([plain(item.title), plain(item.id, "dim")])
        table.add_row(
            plain(titles.get(item.section, item.section)),
            title,
            row["status"].replace("_", " "),
            weekday_date(date.fromisoformat(row["due"])) if row["due"] else "",
            plain(evidence, multiline=True),
            Text(" ").join(severity_text(f.severity) for f in flags),
        )
    out.print(table)
    _print_flags(evaluation.flags, with_number=False)


def _label(item: Any, name: str) -> str:
    field = item.field(name)
    return name if field is None else str(field.label)


def _shown(item: Any, name: str, value: object) -> str:
    field = item.field(name)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field is not None and field.choices:
        return str(field.choice_label(str(value)))
    return str(value)


def _print_flags(
    flags: list[Flag] | tuple[Flag, ...], *, with_number: bool, names: dict[str, str] | None = None
) -> None:
    out = console()
    if not flags:
        out.print("No gaps flagged.")
        return
    table = Table(title="Gaps, most urgent first")
    if with_number:
        table.add_column("Person")
    for heading in ("Severity", "Kind", "Due", "Reason"):
        table.add_column(heading)
    for flag in flags:
        cells = [
            severity_text(flag.severity),
            Text(flag.kind.label),
            Text(weekday_date(flag.due) if flag.due else ""),
            plain(flag.reason),
        ]
        if with_number:
            who = Text("\n").join([plain(flag.number), plain((names or {}).get(flag.number, ""))])
            cells.insert(0, who)
        table.add_row(*cells)
    out.print(table)


# --- gaps -----------------------------------------------------------------------------------


@click.command()
@click.option(
    "--within",
    type=click.IntRange(0, 3650),
    metavar="DAYS",
    help="Only people released from today up to DAYS days ahead.",
)
@click.option(
    "--severity",
    "min_severity",
    type=click.Choice([s.value for s in Severity]),
    help="Only flags of this severity or worse.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see README for the shape).")
@pass_env
def gaps(env: Env, within: int | None, min_severity: str | None, as_json: bool) -> None:
    """Every gap across the caseload, most urgent first."""
    with env.open_store(create=False) as store:
        summaries = {s.number: s for s in store.summaries()}
        flags = store.all_flags(env.today)
    if within is not None:
        flags = [f for f in flags if summaries[f.number].releases_within(env.today, within)]
    if min_severity is not None:
        limit = parse_severity(min_severity).rank
        flags = [f for f in flags if f.severity.rank <= limit]
    names = {n: s.display_name for n, s in summaries.items()}
    if as_json:
        emit_json(
            {
                "today": env.today.isoformat(),
                "flags": [{**flag_json(f), "name": names[f.number]} for f in flags],
            }
        )
        return
    _print_flags(flags, with_number=True, names=names)
    if flags:
        counts = flag_counts(flags)
        console().print(
            f"{len(flags)} gaps: {counts['critical']} critical, "
            f"{counts['warning']} warning, {counts['info']} info."
        )


# --- history --------------------------------------------------------------------------------


@click.command()
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see README for the shape).")
@pass_env
def history(env: Env, number: str, as_json: bool) -> None:
    """The audit trail of a person: who changed what, when, from what, to what."""
    key = prison_number(number)
    with env.open_store(create=False) as store:
        store.get(key)
        entries = store.history(key)
    if as_json:
        emit_json(
            {
                "number": key,
                "entries": [
                    {
                        "change": e.seq,
                        "at": e.at.isoformat(),
                        "by": e.by,
                        "item": e.item,
                        "field": e.field,
                        "old": e.old,
                        "new": e.new,
                    }
                    for e in entries
                ],
            }
        )
        return
    table = Table(title=f"History of {key}")
    for heading in ("When", "Who", "Item", "Field", "From", "To"):
        table.add_column(heading)
    for e in entries:
        table.add_row(
            f"{e.at:%Y-%m-%d %H:%M}",
            plain(e.by),
            plain(e.item or ""),
            plain(e.field),
            _audit_value(e.old),
            _audit_value(e.new),
        )
    console().print(table)


def _audit_value(value: object) -> Text:
    if value is None:
        return Text("")
    if isinstance(value, bool):
        return Text("yes" if value else "no")
    return plain(value, multiline=True)


COMMANDS: list[click.Command] = [list_, show, gaps, history]
