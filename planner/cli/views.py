"""planner list, show, gaps and history: reading the caseload.

Everything prints as plain aligned lines that fit the terminal (80 columns when there is
none): a name or a flag wraps rather than being cut, and what does not fit beside a row
is listed under it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from planner.cli.args import prison_number
from planner.cli.caseload_query import CaseloadQuery, view_option, where_option
from planner.cli.context import BadInput, Env, pass_env
from planner.cli.json_shapes import (
    case_json,
    flag_counts,
    flag_json,
    history_json,
    item_rows,
    summary_json,
)
from planner.cli.outcomes import outcome_lines
from planner.cli.output import (
    cell,
    echo_plain,
    echo_wrapped,
    emit_json,
    percent,
    terminal_width,
    weekday_date,
)
from planner.cli.plain_table import Col, Heading, Line, render
from planner.domain.bulk import bulk_parsing
from planner.domain.calendar import format_day, release_day_risk
from planner.domain.caseload_search import search as search_people
from planner.domain.columns import Cell, Column, Shape, cell_csv, cell_text
from planner.domain.equality_input import equality_facts
from planner.domain.filter_terms import Filter
from planner.domain.flags import Flag, flag_order
from planner.domain.gaps import Evaluation, Severity, parse_severity
from planner.domain.history import history_lines
from planner.domain.person import CIRCUMSTANCE_LABELS, CaseState, Contact, Person
from planner.domain.template import FieldType, ItemTemplate, Template
from planner.domain.text import visible
from planner.store.summary import CaseSummary, by_release_date
from planner.store.transfers import history_elsewhere, section_entries

if TYPE_CHECKING:
    from planner.store.interface import CaseRepository

# --- list -----------------------------------------------------------------------------------


@click.command(
    name="list",
    epilog="""\b
Examples:
  planner list --within 28
  planner list --where 'bank.account != done' --where 'release within 56'
  planner list --view 'No fixed abode within 28 days'
  planner list --where 'assigned = me' --columns number,name,release,com,bank.account
  planner list --where 'com is empty' --columns number,name,release --csv > no_com.csv
  planner list --search smith            (everyone, whatever the window)
""",
)
@click.option(
    "--within",
    type=click.IntRange(0, 3650),
    metavar="DAYS",
    help="Only releases from today up to DAYS days ahead.",
)
@click.option("--all", "show_all", is_flag=True, help="Include released and transferred people.")
@where_option
@view_option
@click.option(
    "--search",
    metavar="TEXT",
    help="Find people by name or prison number among everyone (any window, any state), "
    "and say which part of the caseload each is in.",
)
@click.option(
    "--columns",
    "columns_text",
    metavar="A,B,C",
    help="Columns to show, by name: any person's field, item (its status), item.field "
    "(its evidence), com, assigned, next_due... ('planner fields' lists the items).",
)
@click.option("--csv", "as_csv", is_flag=True, help="Print the rows and columns as CSV.")
@click.option(
    "--output",
    "-o",
    "output",
    type=click.Path(dir_okay=False),
    metavar="FILE.csv",
    help="Write the rows and columns as CSV to FILE (readable by you only).",
)
@click.option("--force", is_flag=True, help="Replace the --output file if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see README for the shape).")
@pass_env
def list_(
    env: Env,
    within: int | None,
    show_all: bool,
    wheres: tuple[str, ...],
    view_name: str | None,
    search: str | None,
    columns_text: str | None,
    as_csv: bool,
    output: str | None,
    force: bool,
    as_json: bool,
) -> None:
    """List people by release date, with readiness and gap counts.

    With --where, --view or --search, only the people they find; with --columns, the
    columns you choose; with --csv or -o FILE.csv, the same rows and columns for a
    spreadsheet (UTF-8, ISO dates).
    """
    if sum((as_csv, output is not None, as_json)) > 1:
        raise click.UsageError("give at most one of --csv, --output and --json")
    # Thousands of rows, cells and flags are built below and none holds a cycle: the
    # cyclic collector, which rescans them all each time it runs, is paused (a quarter
    # of the time of listing 20,000 people).
    with bulk_parsing(), env.open_store(create=False) as store:
        query = CaseloadQuery(env, store)
        wanted = query.filter(wheres, view_name)
        columns = query.columns(columns_text, *(("window",) if search is not None else ()))
        if search is not None:
            rows = _search(store.summaries(), search)
        else:
            window = query.window(wanted, within)
            rows = _select(query.summaries(window), env.today, within, show_all)
        rows = by_release_date(query.filtering.select(wanted, rows))
        values = query.reader().table(columns, rows)
        if as_csv or output is not None:
            _write_csv(store, columns, values, output, force=force, people=len(rows))
            return
        flag_sets = (
            {s.number: sorted(query.filtering.flags(s), key=flag_order) for s in rows}
            if as_json
            else {}
        )
    if as_json:
        people = [summary_json(s, flag_sets[s.number], env.today) for s in rows]
        if columns_text or search is not None:
            for person, row in zip(people, values, strict=True):
                person["columns"] = {
                    c.name: cell_csv(v, c.shape) for c, v in zip(columns, row, strict=True)
                }
        emit_json({"today": env.today.isoformat(), "people": people})
        return
    with bulk_parsing():
        _print_caseload(env, columns, values, wanted, search, within, show_all)


def _search(summaries: Iterable[CaseSummary], text: str) -> list[CaseSummary]:
    if not text.strip():
        raise click.BadParameter("give some of a name or a prison number", param_hint="--search")
    return search_people(summaries, text)


def _select(
    rows: list[CaseSummary], today: date, within: int | None, show_all: bool
) -> list[CaseSummary]:
    chosen = [s for s in rows if show_all or s.state == CaseState.ACTIVE.value]
    if within is not None:
        chosen = [s for s in chosen if s.releases_within(today, within)]
    return chosen


def _print_caseload(
    env: Env,
    columns: Sequence[Column],
    values: Sequence[Sequence[Cell]],
    wanted: Filter,
    searched: str | None,
    within: int | None,
    show_all: bool,
) -> None:
    if searched is not None:
        scope = f"everyone matching {searched.strip()!r}"
    else:
        scope = "everyone" if show_all else "active people"
        if within is not None:
            scope += f" due for release in the next {within} days"
    width = terminal_width()
    lines = [f"Caseload as of {format_day(env.today)}: {scope}"]
    if wanted:
        lines.append(f"Filter: {wanted}")
    for line in lines:
        echo_wrapped(line, width)
    if values:
        cols = [
            Col(_heading(c), wrap=c.wrap, right=c.shape in (Shape.COUNT, Shape.SHARE))
            for c in columns
        ]
        cols[0] = Col(cols[0].heading, cols[0].wrap, cols[0].right, keep=True)
        rows: list[Line] = [
            [cell(cell_text(v, c.shape)) for c, v in zip(columns, row, strict=True)]
            for row in values
        ]
        _echo_lines(render(cols, rows, width))
    count = len(values)
    click.echo(f"{count} {'person' if count == 1 else 'people'}.")
    if any(c.name in ("critical", "warning") for c in columns) and values:
        click.echo("!! is the number of critical flags, ! of warnings.")


def _heading(column: Column) -> str:
    return {"critical": "!!", "warning": "!", "info": "i"}.get(column.name, column.heading)


def _echo_lines(lines: Iterable[str]) -> None:
    """Print many lines at once: one write per few hundred lines, not one per line."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= 500:
            click.echo("\n".join(batch))
            batch = []
    if batch:
        click.echo("\n".join(batch))


def _write_csv(
    store: CaseRepository,
    columns: Sequence[Column],
    values: Sequence[Sequence[Cell]],
    output: str | None,
    *,
    force: bool,
    people: int,
) -> None:
    """The rows as CSV on standard output (as a listing, not noted) or in the file
    `output` (an export, noted in the audit log)."""
    from planner.cli.export_refusals import refusal
    from planner.export.audit import VIEW_CSV, note_rows_export
    from planner.export.caseload_csv import view_csv
    from planner.export.files import ExportError, InvalidExport, write_file

    data = view_csv(columns, values)
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        path = write_file(Path(output).expanduser(), data, force=force)
        note_rows_export(store, VIEW_CSV, people, path.absolute())
    except InvalidExport as exc:  # a file in the way, a folder that is not there
        raise BadInput(refusal(exc)) from None
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Wrote {people} {'person' if people == 1 else 'people'} to {visible(str(path))}")


# --- show -----------------------------------------------------------------------------------


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
        measures = store.outcome_template(case)
    items = item_rows(template, case, evaluation)
    if as_json:
        emit_json(case_json(case, evaluation, items, measures))
        return
    width = terminal_width()
    p = case.person
    days = evaluation.days_to_release
    head = [
        f"{p.display_name}  {p.number}  {p.prison} {p.location}".rstrip(),
        f"Release {weekday_date(p.release_date)} ({p.release_kind.value})"
        + ("" if days is None else f", {days} days to go")
        + f"; ready {percent(evaluation.readiness)}"
        + f"; template {template.key}",
    ]
    if p.release_date:
        risk = release_day_risk(p.release_date)
        if risk:
            head.append(f"! Release day: {risk.description}; {risk.advice}")
    on = [CIRCUMSTANCE_LABELS[k] for k, v in p.circumstances.as_flags().items() if v]
    if on:
        head.append("Circumstances: " + ", ".join(on))
    head.extend(_contacts(p, case.assigned_to))
    equality = equality_facts(p)
    if equality:
        head.append("Equality monitoring: " + "; ".join(f"{k} {v}" for k, v in equality))
    warning = p.pnc_warning()
    if warning:
        head.append(f"! {warning}")
    for line in head:
        echo_wrapped(line, width)
    click.echo("")
    _echo_lines(render(_ITEM_COLUMNS, _item_lines(template, items, evaluation), width))
    click.echo("")
    _print_flags(evaluation.flags, width, with_number=False)
    if measures is not None:
        click.echo("")
        for line in outcome_lines(case, measures, env.today):
            echo_wrapped(line, width)


_ITEM_COLUMNS = (
    Col("Item", keep=True),
    Col("Status"),
    Col("Due"),
    Col("Flag", wrap=True),
    Col("", below=True),  # the title, evidence and reason, listed under the row
)


def _item_lines(template: Template, items: list[dict[str, Any]], ev: Evaluation) -> list[Line]:
    lines: list[Line] = []
    section = None
    for row, item in zip(items, template.items, strict=True):
        if not row["applies"]:
            continue
        if item.section != section:
            section = item.section
            lines.append(Heading(cell(template.section_title(item.section))))
        flags = ev.flags_for_item(item.id)
        about = [item.title]
        evidence = "; ".join(
            f"{_label(item, k)}: {_shown(item, k, v)}" for k, v in row["evidence"].items()
        )
        if evidence:
            about.append(evidence)
        if row["reason"]:
            about.append(f"reason: {row['reason']}")
        lines.append(
            [
                item.id,
                row["status"].replace("_", " "),
                weekday_date(date.fromisoformat(row["due"])) if row["due"] else "",
                " ".join(f"{f.severity.symbol} {f.severity.value}" for f in flags),
                cell("\n".join(about)),
            ]
        )
    return lines


def _contacts(p: Person, assigned: str) -> list[str]:
    lines = [f"Assigned to {assigned}"] if assigned else []
    for title, contact in (
        ("Community offender manager", p.community_offender_manager),
        ("Prison offender manager", p.prison_offender_manager),
    ):
        described = _contact(contact, title)
        if described:
            lines.append(f"{title}: {described}")
    own = ", ".join(x for x in (p.phone, p.email) if x)
    if own:
        lines.append(f"Phone and email: {own}")
    return lines


def _contact(contact: Contact, title: str) -> str:
    role = "" if contact.role.casefold() == title.casefold() else contact.role
    parts = [contact.name, role, contact.unit, contact.phone, contact.email]
    return ", ".join(x for x in parts if x)


def _label(item: ItemTemplate, name: str) -> str:
    field = item.field(name)
    return name if field is None else str(field.label)


def _shown(item: ItemTemplate, name: str, value: object) -> str:
    field = item.field(name)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field is not None and field.choices:
        return str(field.choice_label(str(value)))
    if field is not None and field.type is FieldType.DATE:
        try:
            return format_day(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    return str(value)


_FLAG_COLUMNS = (Col("Severity"), Col("Kind"), Col("Due"), Col("", below=True))


def _print_flags(
    flags: Sequence[Flag],
    width: int,
    *,
    with_number: bool,
    names: dict[str, str] | None = None,
) -> None:
    if not flags:
        click.echo("No gaps flagged.")
        return
    click.echo("Gaps, most urgent first")
    cols: tuple[Col, ...] = _FLAG_COLUMNS
    if with_number:
        cols = (Col("Number", keep=True), Col("Name", wrap=True), *cols)
    rows: list[Line] = []
    for flag in flags:
        row = [
            f"{flag.severity.symbol} {flag.severity.value}",
            flag.kind.label,
            weekday_date(flag.due) if flag.due else "",
            cell(flag.reason),
        ]
        if with_number:
            row = [flag.number, cell((names or {}).get(flag.number, "")), *row]
        rows.append(row)
    _echo_lines(render(cols, rows, width))


# --- gaps -----------------------------------------------------------------------------------


@click.command(
    epilog="""\b
Examples:
  planner gaps --severity critical
  planner gaps --where 'assigned = me' --within 28
  planner gaps --view 'No fixed abode within 28 days'
"""
)
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
@where_option
@view_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see README for the shape).")
@pass_env
def gaps(
    env: Env,
    within: int | None,
    min_severity: str | None,
    wheres: tuple[str, ...],
    view_name: str | None,
    as_json: bool,
) -> None:
    """Every gap across the caseload, most urgent first."""
    with env.open_store(create=False) as store:
        summaries = store.summaries()
        if wheres or view_name is not None:
            query = CaseloadQuery(env, store, summaries)
            chosen = query.filtering.select(query.filter(wheres, view_name), summaries)
            flags = [f for s in sorted(chosen, key=_number) for f in query.filtering.flags(s)]
            flags.sort(key=flag_order)
        else:
            flags = store.all_flags(env.today)
    by_number = {s.number: s for s in summaries}
    if within is not None:
        flags = [f for f in flags if by_number[f.number].releases_within(env.today, within)]
    if min_severity is not None:
        limit = parse_severity(min_severity).rank
        flags = [f for f in flags if f.severity.rank <= limit]
    names = {n: s.display_name for n, s in by_number.items()}
    if as_json:
        emit_json(
            {
                "today": env.today.isoformat(),
                "flags": [{**flag_json(f), "name": names[f.number]} for f in flags],
            }
        )
        return
    _print_flags(flags, terminal_width(), with_number=True, names=names)
    if flags:
        counts = flag_counts(flags)
        click.echo(
            f"{len(flags)} gaps: {counts['critical']} critical, "
            f"{counts['warning']} warning, {counts['info']} info."
        )


def _number(summary: CaseSummary) -> str:
    return summary.number


# --- history --------------------------------------------------------------------------------


@click.command()
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see README for the shape).")
@pass_env
def history(env: Env, number: str, as_json: bool) -> None:
    """The audit trail of a person, newest change first: who changed what, when, from
    what, to what (as the UI's history screen lists it)."""
    key = prison_number(number)
    with env.open_store(create=False) as store:
        case = store.get(key)
        template = store.template_for(case)
        measures = store.outcome_template(case)
        entries = store.history(key)
        elsewhere = history_elsewhere(store, key)
    lines = history_lines(entries, template, measures)
    if as_json:
        emit_json(
            {
                **history_json(key, entries, template, measures),
                "elsewhere": [
                    {
                        "prison": section.get("prison", ""),
                        "transfer": section.get("transfer", ""),
                        "sent_at": section.get("sent_at"),
                        "received_at": section.get("received_at"),
                        "entries": history_json(
                            key, section_entries(key, section), template, measures
                        )["entries"],
                    }
                    for section in elsewhere
                ],
            }
        )
        return
    width = terminal_width()
    click.echo(f"History of {key}, newest first")
    cols = (
        Col("When", keep=True),
        Col("Who", wrap=True),
        Col("What", wrap=True),
        Col("", below=True),
    )
    rows: list[Line] = [
        [line.when, cell(line.by or "—"), cell(line.what), cell(_change(line.old, line.new))]
        for line in lines
    ]
    _echo_lines(render(cols, rows, width))
    saves = len({line.change for line in lines})
    click.echo(f"{len(lines)} recorded field changes in {saves} saves.")
    for section in reversed(elsewhere):  # the most recent prison first, as the lines are
        there = history_lines(section_entries(key, section), template, measures)
        click.echo("")
        echo_plain(
            f"History at {section.get('prison') or 'another prison'}, before the transfer "
            f"sent {str(section.get('sent_at', ''))[:10]} (received here "
            f"{str(section.get('received_at', ''))[:10]}), newest first"
        )
        rows = [
            [line.when, cell(line.by or "—"), cell(line.what), cell(_change(line.old, line.new))]
            for line in there
        ]
        _echo_lines(render(cols, rows, width))
        click.echo(f"{len(there)} recorded field changes there.")


def _change(old: str, new: str) -> str:
    if "\n" in old or "\n" in new:
        return f"from: {old}\nto: {new}"
    return f"{old} -> {new}"
