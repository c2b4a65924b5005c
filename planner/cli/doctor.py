"""planner doctor: check the database and say what to do; with --repair, recover it."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import click

from planner.cli.context import PASSPHRASE_ENV, BadInput, Env, can_prompt, pass_env
from planner.store.codec import Codec
from planner.store.database import Database
from planner.store.doctor import NOTE, OK, PROBLEM, Diagnosis, diagnose, encrypted
from planner.store.errors import StoreError, WrongPassphrase
from planner.store.repair import RepairRefused, plan_repair, repair

LOCK_TIMEOUT = 15.0
LABELS = {OK: "ok     ", NOTE: "note   ", PROBLEM: "PROBLEM"}


@click.command()
@click.option(
    "--repair",
    "mend",
    is_flag=True,
    help="Recover a journal or audit log that does not hold together (asks first).",
)
@click.option("--yes", is_flag=True, help="With --repair: go ahead without asking.")
@pass_env
def doctor(env: Env, mend: bool, yes: bool) -> None:
    """Check the database, its journal, its audit log and its backups, and say what to do.

    Nothing is changed without --repair. For an encrypted database give the passphrase
    ($PLANNER_PASSPHRASE or the prompt) to check the contents and the audit log's chain
    too; without it only checksums, headers and lengths are checked. Exit code 0 when all
    is well, 1 when not.

    \b
    --repair recovers what the check names, and records what it did in the audit log:
      * changes the journal lost (deleted, rolled back, cut short, damaged) are replayed
        from the audit log, each checked against its record;
      * audit records the audit log lost are copied back from the journal;
      * an audit log that was deleted, emptied or edited is started again with what can
        still be trusted (history that cannot be is given up: it asks you first).
    A damaged file is always kept aside (NAME.journal.damaged-..., NAME.audit.damaged-...).
    Close every other planner on this database first.
    """
    if mend:
        env.acting_officer()  # the repair is recorded in the audit log against its officer
    path = env.db_path
    codec = _codec(env, needed=mend)
    report = diagnose(path, codec)
    _print(report)
    if mend:
        _repair(env, report, codec, yes)
        return
    if not report.healthy:
        raise click.exceptions.Exit(1)


def _codec(env: Env, *, needed: bool) -> Codec | None:
    """The key, when the database is encrypted and a passphrase can be had (always asked
    for a repair, which must read and write the records)."""
    path = env.db_path
    if not (path.exists() and encrypted(path)):
        return None
    if needed:
        return env.codec(creating=False)
    try:
        return env.unlock() if (os.environ.get(PASSPHRASE_ENV) or can_prompt()) else None
    except WrongPassphrase as exc:
        click.echo(f"note: {exc}; checking without decrypting")
    except StoreError:
        pass
    return None


def _print(report: Diagnosis) -> None:
    click.echo(f"Checking {report.path}")
    for finding in report.findings:
        click.echo(f"{LABELS[finding.level]} {finding.text}")
    for line in report.advice:
        click.echo(f"What to do: {line}")


def _repair(env: Env, report: Diagnosis, codec: Codec | None, yes: bool) -> None:
    problem = report.integrity
    if problem is None:
        if report.healthy:
            click.echo("Nothing to repair.")
            return
        raise click.ClickException(
            "--repair mends a journal or an audit log that does not hold together; what is "
            "wrong here is not that: see 'What to do' above"
        )
    plan = plan_repair(problem)
    click.echo(f"The repair will {plan.summary}.")
    if plan.loses_history:
        question = "This gives up the history that cannot be trusted. Repair it like this?"
    else:
        question = "Repair it?"
    if not yes:
        if not can_prompt():
            raise BadInput("this needs a yes: add --yes to repair without a question")
        if not click.confirm(question, default=False, err=True):
            click.echo("Nothing was changed.")
            return
    db = Database(env.db_path, read_only=False, lock_timeout=LOCK_TIMEOUT)
    db.open(create=False, codec=codec, passphrase=None, encrypt=False)
    try:
        done = repair(
            db,
            by=env.acting_officer(),
            clock=lambda: datetime.now(UTC),
            accept_history_loss=plan.loses_history,
        )
    except RepairRefused as exc:
        raise click.ClickException(str(exc)) from None
    for line in done:
        click.echo(f"Done: {line}.")
    after = diagnose(env.db_path, codec)
    if after.healthy:
        click.echo("The database is sound again; the repair is in its history.")
        return
    _print(after)
    raise click.exceptions.Exit(1)
