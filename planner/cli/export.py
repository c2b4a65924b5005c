"""planner export: handover summaries for probation, and the caseload as CSV."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from planner.cli.args import prison_number
from planner.cli.context import Env, pass_env
from planner.cli.export_refusals import refusal
from planner.domain.text import visible
from planner.export.audit import (
    CASELOAD_CSV,
    ON_STANDARD_OUTPUT,
    note_case_exports,
    note_rows_export,
)
from planner.export.caseload_csv import caseload_file_name
from planner.export.files import (
    ExportError,
    ExportFormat,
    InvalidExport,
    OutputTarget,
    output_target,
)
from planner.export.service import (
    Progress as ProgressCallback,
)
from planner.export.service import (
    caseload_csv_rows,
    due_for_release,
    export_batch,
    export_case,
    export_caseload,
    render_case,
)

STANDARD_OUTPUT = "-"  # `-o -`: the summary or the CSV on standard output, not in a file

FORMAT_NAMES = {
    ExportFormat.PDF: "PDF",
    ExportFormat.MARKDOWN: "Markdown",
    ExportFormat.JSON: "JSON",
    ExportFormat.NOTE: "case-note text",
    ExportFormat.PLAN: "person's own plan",
}


class BadExport(click.ClickException):
    """A request the user can fix (a file in the way, a wrong path): exit code 2."""

    exit_code = 2


def _refuse_standard_output(export_format: ExportFormat, batch: bool, caseload: bool) -> None:
    """`-o -` takes one text: not a file per person, and not a PDF onto a terminal."""
    if batch:
        raise BadExport("--within writes a file per person: give -o a folder, not -")
    is_pdf = export_format in (ExportFormat.PDF, ExportFormat.PLAN)
    if is_pdf and not caseload and sys.stdout.isatty():
        raise BadExport(
            "a PDF cannot be shown on a terminal: give -o FILE.pdf, send it on with > or |, "
            "or choose a text format (--format md, json or note)"
        )


def _write_standard_output(data: bytes) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _output_target(text: str | None) -> OutputTarget | None:
    """The -o value, by the rule the UI shares: one ending in a path separator, or naming
    a folder that exists, is a folder (made if missing)."""
    if text is None:
        return None
    target = output_target(text)
    target.make_folder()
    return target


@click.command(
    "export",
    epilog="""\b
Examples:
  planner export A1234BC                      PDF in this folder, e.g.
                                              A1234BC_Example_2026-12-16.pdf
  planner export A1234BC --format md -o handover.md
  planner export A1234BC --format note        text to paste into case notes, split into
                                              parts of at most 3,950 characters
  planner export A1234BC --format md -o -     Markdown on standard output, for a pipe
  planner export A1234BC --redact             without sex, ethnicity, health detail, notes
  planner export --within 14 -o handover/     one PDF per person due for release in 14 days
  planner export --caseload -o caseload.csv   one row per person, for a spreadsheet
  planner export A1234BC --format plan        the person's own plan, large print, e.g.
                                              A1234BC_Example_2026-12-16_plan.pdf
""",
)
@click.argument("number", required=False)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice([f.value for f in ExportFormat]),
    default=ExportFormat.PDF.value,
    show_default=True,
    help="pdf (A4, for email or print), md (Markdown), json (for other systems, with a "
    "published JSON Schema), note (plain text for probation case notes), plan (the "
    "person's own plan: a large-print PDF in plain English for the person leaving prison).",
)
@click.option(
    "--output",
    "-o",
    "output_text",
    type=click.Path(),
    help="File to write, or a folder to write into (always a folder for --within). A "
    "path ending in / or naming an existing folder is a folder, made if needed. - writes "
    "to standard output instead (a PDF only into a pipe or a file, never a terminal; "
    "./- is a file named -). Default: a name made of the prison number, surname and "
    "release date, in the current folder.",
)
@click.option(
    "--within",
    type=click.IntRange(0, 730),
    metavar="DAYS",
    help="Export everyone due for release from today to DAYS days ahead, one file each.",
)
@click.option("--caseload", is_flag=True, help="Write the caseload as CSV, one row per person.")
@click.option(
    "--redact",
    is_flag=True,
    help="Leave out special category and health detail: sex, ethnicity, health and "
    "substance misuse evidence, and free-text notes. The summary says it is redacted.",
)
@click.option(
    "--include-health",
    is_flag=True,
    help="With --format plan: name health appointments (GP, treatment, mental health) with "
    "their place and phone, and list the health items. Left out by default.",
)
@click.option("--force", is_flag=True, help="Replace files that already exist.")
@pass_env
@click.pass_context
def export(
    ctx: click.Context,
    env: Env,
    number: str | None,
    fmt: str,
    output_text: str | None,
    within: int | None,
    caseload: bool,
    redact: bool,
    include_health: bool,
    force: bool,
) -> None:
    """Write handover summaries for probation: who, when, where, what is booked for release
    day, every checklist section with its evidence, and what is still open, most urgent
    first.

    Give a prison NUMBER for one person, --within DAYS for everyone due for release soon, or
    --caseload for the whole caseload as CSV. Files are readable only by you (they hold
    personal data) and are never replaced without --force.
    """
    chosen = [number is not None, within is not None, caseload]
    if sum(chosen) != 1:
        raise click.UsageError("give one of: a prison NUMBER, --within DAYS or --caseload")
    format_given = ctx.get_parameter_source("fmt") is not click.core.ParameterSource.DEFAULT
    if caseload and format_given:
        raise click.UsageError("--caseload always writes CSV; leave out --format")
    export_format = ExportFormat(fmt)
    _check_plan_options(export_format, within is not None, redact, include_health)
    if not caseload:
        env.acting_officer()  # a handover summary names the officer who produced it
    if output_text == STANDARD_OUTPUT:
        _refuse_standard_output(export_format, within is not None, caseload)
        with env.open_store(create=False) as store, _export_errors():
            if number is not None:
                key = prison_number(number)
                data = render_case(
                    store,
                    key,
                    export_format,
                    officer=env.officer,
                    today=env.today,
                    redact=redact,
                    include_health=include_health,
                )
                _write_standard_output(data)
                note_case_exports(
                    store,
                    [key],
                    export_format,
                    ON_STANDARD_OUTPUT,
                    redacted=redact,
                    with_health=include_health,
                )
            else:
                data, people = caseload_csv_rows(store, env.today)
                _write_standard_output(data)
                note_rows_export(store, CASELOAD_CSV, people, None)
        return
    with env.open_store(create=False) as store, _export_errors():
        target = _output_target(output_text)
        output = target.path if target else None
        if number is not None:
            path = export_case(
                store,
                prison_number(number),
                export_format,
                output,
                officer=env.officer,
                today=env.today,
                redact=redact,
                force=force,
                include_health=include_health,
            )
            click.echo(f"Wrote {visible(str(path))}")
        elif within is not None:
            numbers = due_for_release(store, env.today, within)
            if not numbers:
                click.echo(
                    f"Nobody is due for release in the next {within} days; no files written."
                )
                return
            folder = output or Path.cwd()
            with _progress(len(numbers)) as advance:
                paths = export_batch(
                    store,
                    numbers,
                    export_format,
                    folder,
                    officer=env.officer,
                    today=env.today,
                    redact=redact,
                    force=force,
                    progress=advance,
                )
            kind = FORMAT_NAMES[export_format]
            click.echo(f"Wrote {len(paths)} {kind} summaries to {visible(str(folder))}")
        else:
            name = caseload_file_name(env.today)  # as the UI names it
            csv_path = target.file(name) if target else Path.cwd() / name
            path = export_caseload(store, csv_path, today=env.today, force=force)
            click.echo(f"Wrote {visible(str(path))}")


def _check_plan_options(
    export_format: ExportFormat, batch: bool, redact: bool, include_health: bool
) -> None:
    """The person's own plan is one person's, never redacted (it leaves out equality data
    always and health detail unless asked); --include-health is for it alone."""
    plan = export_format is ExportFormat.PLAN
    if plan and batch:
        raise click.UsageError("--format plan writes one person's plan: give a prison NUMBER")
    if plan and redact:
        raise click.UsageError(
            "--redact is for handover summaries: the person's own plan never holds equality "
            "data, and holds health detail only with --include-health"
        )
    if include_health and not plan:
        raise click.UsageError("--include-health is for --format plan only")


@contextmanager
def _export_errors() -> Iterator[None]:
    try:
        yield
    except InvalidExport as exc:
        raise BadExport(refusal(exc)) from None
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None


@contextmanager
def _progress(total: int) -> Iterator[ProgressCallback | None]:
    """A progress bar on a terminal; nothing at all in a pipe or a log."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    columns = (
        TextColumn("Exporting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("", total=total)

        def advance(done: int, _total: int, path: Path) -> None:
            bar.update(task, completed=done, description=path.name)

        yield advance
