"""planner demo: write a sample caseload to try planner out, train officers or take screenshots."""

from __future__ import annotations

import shlex
import time
from datetime import date
from pathlib import Path

import click

from planner.cli.context import Env, pass_env
from planner.demo import DEMO_OFFICER, MAX_COUNT, DemoRefused, write_demo
from planner.demo.released import DEFAULT_RELEASED
from planner.domain.calendar import format_day
from planner.domain.errors import InvalidInput
from planner.domain.template import Template
from planner.store.repository import CaseStore

DEMO_FILE = "demo.db"

_HELP = f"""Write a sample caseload of fictional people to a database, then exit.

\b
About 40 invented people at every stage from 16 weeks to 2 days before release, with the
gaps real caseloads have (no fixed abode close to release, blocked items, work done without
evidence, Friday releases...), and 120 released over the last 12 months with their
release-day outcomes and follow-ups, so outcome figures look real at once. Deadlines are
counted from today (or --today), so open the sample soon after writing it, or write it
again.

\b
Where it goes: this command's --db, else the global --db, else {DEMO_FILE} in the same folder
as your configured database (never the configured database itself).

\b
Sample people are never mixed with real ones: every sample change is made by the officer
"{DEMO_OFFICER}", and a database holding any case created by anyone else is refused
(exit code 2), even with --force. A database that already holds the sample is left alone
unless you add --force, which replaces the sample with a fresh one.

\b
  planner demo                       # write {DEMO_FILE} beside your database
  planner demo --db /tmp/training.db --force
  planner --db /tmp/training.db      # open it
"""


@click.command("demo", help=_HELP, short_help="Write a sample caseload to try planner out.")
@click.option(
    "--db",
    "db",
    metavar="PATH",
    help=f"Database file for the sample (wins over the global --db). Default: {DEMO_FILE} "
    "beside your database.",
)
@click.option(
    "--count",
    type=click.IntRange(1, MAX_COUNT),
    default=40,
    show_default=True,
    help="How many sample people.",
)
@click.option(
    "--released",
    type=click.IntRange(0, MAX_COUNT),
    default=DEFAULT_RELEASED,
    show_default=True,
    help="How many sample people released in the last 12 months, with their outcomes.",
)
@click.option("--force", is_flag=True, help="Replace the sample in a database that holds one.")
@pass_env
def demo_command(env: Env, db: str | None, count: int, released: int, force: bool) -> None:
    path = _target(env, db)
    if path.is_dir():
        raise InvalidInput(f"{path}: is a folder; give a database file name with --db")
    template = _template(env)
    started = time.perf_counter()
    creating = not path.exists()
    try:
        with CaseStore(path, officer=DEMO_OFFICER, codec=env.codec(creating=creating)) as store:
            cases = write_demo(
                store, template, env.today, count=count, replace=force, released=released
            )
    except DemoRefused as exc:
        raise InvalidInput(str(exc)) from None
    elapsed = time.perf_counter() - started
    open_with = f"planner --db {shlex.quote(str(path))}"
    if env.today != date.today():
        open_with += f" --today {env.today.isoformat()}"
    past = f", and {released} released in the last 12 months" if released else ""
    click.echo(
        f"Wrote {len(cases)} sample people to {path}{past} (deadlines as of "
        f"{format_day(env.today)}; {elapsed:.1f} s)."
    )
    click.echo(f"Open it with: {open_with}")


def _target(env: Env, db: str | None) -> Path:
    if db:
        return Path(db).expanduser()
    if env.db_from_user:
        return env.db_path
    return env.db_path.with_name(DEMO_FILE)


def _template(env: Env) -> Template:
    template_id = env.settings.default_template
    try:
        return env.templates.get(template_id)
    except KeyError as exc:
        raise InvalidInput(str(exc.args[0]) if exc.args else str(exc)) from None
