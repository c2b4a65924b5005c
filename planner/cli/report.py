"""planner report readiness|outcomes|calendar: figures by group that single nobody out.

Each report is built by :mod:`planner.reports` and shown as a plain aligned table, or
written as JSON, CSV or a PDF. Every number goes through the suppression rules of
:mod:`planner.domain.suppression` (the same in every format and in the UI). Every run is
noted in the audit log (who ran which report with which options, when), so a report
needs an officer's name, as a change does; the note holds no figures.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from planner.cli.args import optional_date
from planner.cli.context import Env, pass_env
from planner.cli.output import echo_plain, emit_json, terminal_width
from planner.cli.plain_table import Col, render
from planner.domain.errors import InvalidInput
from planner.domain.release_calendar import DEFAULT_WEEKS, MAX_WEEKS
from planner.domain.suppression import MIN_THRESHOLD
from planner.domain.text import visible
from planner.export.files import output_target, write_file
from planner.reports.audit import record_run
from planner.reports.calendar import CalendarReport, calendar_report
from planner.reports.csv_file import calendar_csv, grouped_csv
from planner.reports.groups import choices, grouping
from planner.reports.json_shape import calendar_json, grouped_json
from planner.reports.outcomes import outcomes_report
from planner.reports.pdf import calendar_pdf, grouped_pdf
from planner.reports.readiness import DEFAULT_WITHIN_DAYS, MAX_WITHIN_DAYS, readiness_report
from planner.reports.tables import GroupedReport
from planner.reports.text_rows import TextTable, calendar_tables, grouped_tables
from planner.store.interface import CaseRepository

Report = GroupedReport | CalendarReport


@click.group()
def report() -> None:
    """Readiness, outcomes and the release calendar, by group, with small numbers hidden.

    Any count from 1 to 4 (5 is the default threshold: --threshold, or report_threshold in
    the config file; never below 3) is shown as "fewer than 5", and further numbers are
    withheld where a hidden one could be worked out from a total. A report lists no names
    and no prison numbers. Every run is recorded in the audit log, without its figures.
    """


def _threshold(env: Env, given: int | None) -> int:
    value = env.settings.report_threshold if given is None else given
    if value < MIN_THRESHOLD:
        raise InvalidInput(
            f"--threshold: must be {MIN_THRESHOLD} or more (a smaller group could single "
            f"someone out): {value}"
        )
    return value


def _formats(fn: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option(
            "--threshold",
            type=int,
            metavar="N",
            help="Hide counts below N (default 5, or report_threshold in the config file; "
            "never below 3).",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts."),
        click.option("--csv", "as_csv", is_flag=True, help="Print CSV (UTF-8 with a BOM)."),
        click.option(
            "-o",
            "--output",
            metavar="FILE.csv",
            help="Write the CSV to FILE (readable by you only) instead of printing it.",
        ),
        click.option(
            "--pdf", "pdf_file", metavar="FILE.pdf", help="Write a PDF report with charts."
        ),
        click.option("--force", is_flag=True, help="Replace an existing file."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _by_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--by",
        default="everyone",
        show_default=True,
        metavar="GROUPING",
        help=f"Group by one of: {', '.join(choices())}. Ethnicity is the five ONS 2021 broad "
        "groups; ethnicity-detailed the 19 fine ones; location the wing (B-2-014 is B).",
    )(fn)


def _grouping(by: str) -> Any:
    try:
        return grouping(by)
    except InvalidInput as exc:
        raise InvalidInput(f"--by: {exc}") from None


def _chosen_format(as_json: bool, as_csv: bool, output: str | None, pdf_file: str | None) -> str:
    chosen = [
        name
        for name, on in (
            ("--json", as_json),
            ("--csv", as_csv or output is not None),
            ("--pdf", pdf_file),
        )
        if on
    ]
    if len(chosen) > 1:
        raise InvalidInput(f"{' and '.join(chosen)}: choose one output")
    return (
        {"--json": "json", "--csv": "csv", "--pdf": "pdf"}.get(chosen[0], "table")
        if chosen
        else "table"
    )


def _target(raw: str | None, option: str, force: bool) -> Path | None:
    if raw is None:
        return None
    target = output_target(raw)
    if target.is_folder:
        raise InvalidInput(f"{option}: {raw} is a folder; give a file name")
    if target.path.exists() and not force:
        raise InvalidInput(f"{option}: {target.path} exists; add --force to replace it")
    if not target.path.parent.is_dir():
        raise InvalidInput(f"{option}: folder {target.path.parent} does not exist")
    return target.path


def _deliver(
    env: Env,
    store: CaseRepository,
    built: Report,
    name: str,
    options: Mapping[str, object],
    fmt: str,
    files: dict[str, Path | None],
    force: bool,
) -> None:
    """Audit the run, then show or write the report: nothing is shown unaudited."""
    if store.read_only or store.integrity_problem is not None:
        why = "it is read-only" if store.read_only else "its history needs repair"
        raise click.ClickException(
            f"every report run is recorded in the audit log, and {store.path.name} cannot "
            f"record one now ({why}): no report was made"
        )
    output = files.get("csv")
    pdf_path = files.get("pdf")
    data: bytes | None = None
    now = datetime.now(UTC)
    if fmt == "pdf":
        data = (
            grouped_pdf(built, officer=env.officer, now=now)
            if isinstance(built, GroupedReport)
            else calendar_pdf(built, officer=env.officer, now=now)
        )
    elif fmt == "csv":
        data = grouped_csv(built) if isinstance(built, GroupedReport) else calendar_csv(built)
    record_run(store, name, {**options, "format": fmt})
    if fmt == "json":
        emit_json(
            {
                "today": env.today.isoformat(),
                **(
                    grouped_json(built)
                    if isinstance(built, GroupedReport)
                    else calendar_json(built)
                ),
            }
        )
    elif fmt == "pdf":
        assert data is not None and pdf_path is not None
        written = write_file(pdf_path, data, force=force)
        click.echo(f"Wrote {visible(str(written))}", err=True)
    elif fmt == "csv":
        assert data is not None
        if output is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            written = write_file(output, data, force=force)
            click.echo(f"Wrote {visible(str(written))}", err=True)
    else:
        for line in _table_lines(built):
            echo_plain(line)


def _table_lines(built: Report) -> Iterator[str]:
    width = terminal_width()
    if isinstance(built, GroupedReport):
        yield built.title
        yield (
            f"Grouped by: {built.grouping.title}. People counted: "
            f"{built.people.text(built.threshold)}. Counts below {built.threshold} hidden."
        )
        tables = grouped_tables(built)
    else:
        yield f"Release calendar: {built.first:%d %b %Y} to {built.last:%d %b %Y}"
        yield f"{built.dated} releases dated; counts below {built.threshold} hidden for readiness."
        tables = calendar_tables(built)
    for table in tables:
        yield ""
        yield table.title
        yield from _rendered(table, width)
        for note in table.notes:
            yield from _wrapped(note, width)


def _rendered(table: TextTable, width: int) -> Iterator[str]:
    cols = [
        Col(heading, wrap=not numeric, right=numeric, keep=n == 0)
        for n, (heading, numeric) in enumerate(zip(table.header, table.numeric, strict=True))
    ]
    rows = [[visible(cell).replace("\t", " ") for cell in row] for row in table.rows]
    yield from render(cols, rows, width)


def _wrapped(text: str, width: int) -> Iterator[str]:
    from planner.cli.plain_table import wrap

    yield from ("  " + line for line in wrap(text, width - 2))


@report.command()
@_by_option
@click.option(
    "--within",
    type=int,
    default=DEFAULT_WITHIN_DAYS,
    show_default=True,
    metavar="DAYS",
    help="People due for release from today up to DAYS ahead.",
)
@_formats
@pass_env
def readiness(
    env: Env,
    by: str,
    within: int,
    threshold: int | None,
    as_json: bool,
    as_csv: bool,
    output: str | None,
    pdf_file: str | None,
    force: bool,
) -> None:
    """Of the people due out soon, the share ready in each section and overall, by group.

    \b
    Examples:
      planner report readiness --by sex
      planner report readiness --by ethnicity --within 28 --pdf readiness.pdf
    """
    chosen = _grouping(by)
    limit = _threshold(env, threshold)
    if not 1 <= within <= MAX_WITHIN_DAYS:
        raise InvalidInput(f"--within: must be from 1 to {MAX_WITHIN_DAYS} days: {within}")
    fmt = _chosen_format(as_json, as_csv, output, pdf_file)
    files = {"csv": _target(output, "-o", force), "pdf": _target(pdf_file, "--pdf", force)}
    with env.open_store(create=False, writes=True) as store:
        built = readiness_report(store, env.today, chosen, within_days=within, threshold=limit)
        options = {"by": chosen.key, "within": f"{within} days", "threshold": limit}
        _deliver(env, store, built, "readiness", options, fmt, files, force)


@report.command()
@_by_option
@click.option("--from", "first", metavar="DATE", help="Releases from DATE (default a year ago).")
@click.option("--to", "last", metavar="DATE", help="Releases up to DATE (default today).")
@_formats
@pass_env
def outcomes(
    env: Env,
    by: str,
    first: str | None,
    last: str | None,
    threshold: int | None,
    as_json: bool,
    as_csv: bool,
    output: str | None,
    pdf_file: str | None,
    force: bool,
) -> None:
    """Each release-day outcome and follow-up as a count and a rate with its 95% interval.

    The measures and their definitions are the template's [[outcomes]]. Unknowns are
    counted apart and never in a rate, as the MoJ publishes them.

    \b
    Examples:
      planner report outcomes --by sex --from 01/04/2026 --to 31/03/2027
      planner report outcomes --by ethnicity --csv -o outcomes.csv
    """
    chosen = _grouping(by)
    limit = _threshold(env, threshold)
    end = optional_date(last, "--to") or env.today
    start = optional_date(first, "--from") or end - timedelta(days=365)
    fmt = _chosen_format(as_json, as_csv, output, pdf_file)
    files = {"csv": _target(output, "-o", force), "pdf": _target(pdf_file, "--pdf", force)}
    with env.open_store(create=False, writes=True) as store:
        built = outcomes_report(
            store,
            chosen,
            first=start,
            last=end,
            threshold=limit,
            fallback=_current_template(env),
        )
        options = {"by": chosen.key, "from": start, "to": end, "threshold": limit}
        _deliver(env, store, built, "outcomes", options, fmt, files, force)


def _current_template(env: Env) -> Any:
    try:
        return env.templates.get(env.settings.default_template)
    except (KeyError, InvalidInput):
        return None


@report.command()
@click.option(
    "--weeks",
    type=int,
    default=DEFAULT_WEEKS,
    show_default=True,
    metavar="N",
    help=f"The coming N weeks (1 to {MAX_WEEKS}).",
)
@_formats
@pass_env
def calendar(
    env: Env,
    weeks: int,
    threshold: int | None,
    as_json: bool,
    as_csv: bool,
    output: str | None,
    pdf_file: str | None,
    force: bool,
) -> None:
    """Releases per day for the coming weeks: Fridays, weekends and days before a bank
    holiday marked, and how ready each day's releases are.

    \b
    Examples:
      planner report calendar
      planner report calendar --weeks 4 --csv -o calendar.csv
    """
    limit = _threshold(env, threshold)
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidInput(f"--weeks: must be from 1 to {MAX_WEEKS}: {weeks}")
    fmt = _chosen_format(as_json, as_csv, output, pdf_file)
    files = {"csv": _target(output, "-o", force), "pdf": _target(pdf_file, "--pdf", force)}
    with env.open_store(create=False, writes=True) as store:
        built = calendar_report(store, env.today, weeks=weeks, threshold=limit)
        options = {"weeks": weeks, "threshold": limit}
        _deliver(env, store, built, "calendar", options, fmt, files, force)


__all__ = ["report"]
