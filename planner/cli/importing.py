"""planner import: bring a releases-due list (CSV) into the database."""

from __future__ import annotations

from pathlib import Path

import click
import orjson

from planner.cli.context import Env, pass_env
from planner.cli.output import echo_plain
from planner.domain.errors import InvalidInput
from planner.domain.releases_csv import ParsedReleases, load_releases
from planner.domain.template import Template
from planner.export.import_changes import ImportChanges, import_changes
from planner.store.importing import (
    ImportReport,
    apply_import,
    plan_import,
    refusal,
    report_for,
)

EXIT_BAD_INPUT = 2

_HELP = """Import a releases-due list (CSV) into the database.

\b
Every row is checked before anything is written. Each bad row is printed to stderr as
  line 7: Prison Number: 'A12BC' is not of the form A1234BC
and, if any row is bad, nothing is imported and the exit code is 2 (use --skip-invalid to
import the good rows anyway). People already in the database are updated, never
duplicated: only the columns the list has are changed, and a blank cell never clears
anything; circumstances, checklists and the contact details the list does not give are
kept. Every change is audited.

\b
The first line must be a header. Accepted headers (any case, spaces and punctuation
ignored; other columns are ignored with a warning):
  required  Prison Number (or NOMS No, NOMS Number, NOMIS ID, Prisoner Number, Prison No)
            Surname (or Last Name, Family Name)
            Forename (or First Name, Given Name)
            Date of Birth (or DOB)
            Release Date (or CRD, Conditional Release Date, ARD, HDCAD,
                          Confirmed Release Date, Actual Parole Date, PED)
  optional  Release Type (CRD, ARD, PED, HDC, SDS40 or confirmed), Location (or Cell),
            Prison (or Establishment), CRN, PNC
  contacts  COM Name (or COM, Community Offender Manager), COM PDU (or PDU, Probation
            Delivery Unit, COM Team), COM Phone, COM Email,
            POM Name (or POM, Prison Offender Manager), POM Team, POM Phone, POM Email,
            Phone (or Mobile) and Email: the person's own
Phone numbers and email addresses are checked for their shape (UK or international
numbers: digits, spaces and + ( ) -; an email needs one @ and a domain).
With several date columns, the release date is the first known of: Release Date,
confirmed, actual parole, HDC actual, CRD, ARD, PED; the release type follows it unless
a Release Type column says otherwise. Dates are DD/MM/YYYY or YYYY-MM-DD. UTF-8 (with or
without a byte-order mark), comma, semicolon or tab separated, CRLF or LF line ends.

\b
Example:
  Prison Number,Surname,Forename,Date of Birth,CRD,Cell
  A1234BC,Example,Alex,17/05/1990,04/12/2026,B-2-014

\b
  planner import releases.csv --dry-run     # check the file, write nothing: lists who
                                            # would be added, and who updated with each
                                            # change (Release date: old -> new)
  planner import releases.csv               # import it

\b
--json prints one object to stdout (bad rows still go to stderr):
  {"file": str, "database": str, "dry_run": bool, "imported": bool,
   "template": "id@version", "rows": int, "added": [prison numbers],
   "updated": [prison numbers], "unchanged": [prison numbers],
   "skipped": [{"line": int, "message": str}], "warnings": [{"line": int, "message": str}]}
"imported" is false when bad rows stopped the import (exit code 2).
"""


@click.command("import", help=_HELP, short_help="Import a releases-due list (CSV).")
@click.argument("file", metavar="FILE.csv", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Import the good rows even if some rows are bad (bad rows are still listed).",
)
@click.option(
    "--template",
    "template_id",
    metavar="ID",
    help="Checklist template for people new to the database. Default: the configured one.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (shape above).")
@pass_env
def import_command(
    env: Env,
    file: Path,
    dry_run: bool,
    skip_invalid: bool,
    template_id: str | None,
    as_json: bool,
) -> None:
    if not dry_run:
        env.acting_officer()  # before reading the file: an import is recorded against its officer
    parsed = load_releases(file)
    template = _template(env, template_id or env.settings.default_template)
    for problem in parsed.problems:
        click.echo(str(problem), err=True)
    for warning in parsed.warnings:
        click.echo(f"warning: {warning}", err=True)

    report = _run(env, parsed, template, dry_run=dry_run, skip_invalid=skip_invalid)
    if as_json:
        data = {"file": str(file), "database": str(env.db_path), **report.to_json()}
        click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
    if not report.imported:
        if not as_json:
            click.echo(f"planner: {_refusal(parsed, report)}", err=True)
        raise click.exceptions.Exit(EXIT_BAD_INPUT)
    if not as_json:
        if report.dry_run:
            for line in _preview(env, parsed).lines():
                echo_plain(line)
        where = "dry run, nothing written" if report.dry_run else f"into {env.db_path}"
        click.echo(f"{file.name} {where}: {report.summary()}.")


def _preview(env: Env, parsed: ParsedReleases) -> ImportChanges:
    """Who a dry run would add, and who it would update with each change (old -> new)."""
    if not env.db_path.exists():
        return import_changes(None, parsed)
    with env.open_store(create=False, read_only=True, auto_backup=False) as store:
        return import_changes(store, parsed)


def _run(
    env: Env, parsed: ParsedReleases, template: Template, *, dry_run: bool, skip_invalid: bool
) -> ImportReport:
    refused = refusal(parsed, template, dry_run=dry_run, skip_invalid=skip_invalid)
    if refused is not None:
        return refused  # before opening the store, so a refused import creates nothing
    if dry_run and not env.db_path.exists():
        # A dry run must not create the database: compare against an empty one.
        return report_for(plan_import({}, parsed), parsed, template, dry_run=True)
    with env.open_store(writes=not dry_run) as store:
        return apply_import(store, parsed, template, dry_run=dry_run, skip_invalid=skip_invalid)


def _template(env: Env, template_id: str) -> Template:
    try:
        return env.templates.get(template_id)
    except KeyError as exc:
        raise InvalidInput(str(exc.args[0]) if exc.args else str(exc)) from None


def _refusal(parsed: ParsedReleases, report: ImportReport) -> str:
    if parsed.whole_file_problem:
        return "the file cannot be imported as it is; nothing was imported"
    bad = len(report.skipped)
    good = len(parsed.people)
    rows = f"{bad} of {parsed.rows} row{'s' if parsed.rows != 1 else ''}"
    return (
        f"{rows} {'has a problem' if bad == 1 else 'have problems'}; nothing was imported. "
        f"Fix the file, or use --skip-invalid to import the other {good}."
    )
