"""planner assign, unassign and staff: whose caseload each person is in, and each officer's load."""

from __future__ import annotations

from typing import Any

import click
from rich import box
from rich.table import Table

from planner.cli.args import prison_number
from planner.cli.context import Env, officer_name, pass_env
from planner.cli.output import console, echo_plain, emit_json, plain, weekday_date
from planner.domain.calendar import format_day
from planner.domain.errors import InvalidInput
from planner.domain.workload import DEFAULT_WINDOWS, OfficerLoad, known_spelling, staff_loads
from planner.store.errors import CaseNotFound
from planner.store.summary import CaseSummary


def _numbers(raw: tuple[str, ...], command: str) -> list[str]:
    """The prison numbers given, each checked; a name split by the shell is explained."""
    if not raw:
        raise click.UsageError(f"give at least one prison number: planner {command} A1234BC ...")
    numbers: list[str] = []
    for text in raw:
        try:
            numbers.append(prison_number(text))
        except InvalidInput:
            hint = (
                ' (an officer name with a space needs quotes: planner assign A1234BC "Jo Bloggs")'
                if command == "assign"
                else ""
            )
            raise InvalidInput(
                f"{text!r} is not a prison number of the form A1234BC{hint}"
            ) from None
    return list(dict.fromkeys(numbers))


def _assign(env: Env, numbers: list[str], officer: str) -> None:
    env.acting_officer()  # every assignment is audited against the officer who makes it
    with env.open_store(create=False, writes=True) as store:
        summaries = {s.number: s for s in store.summaries()}
        unknown = [n for n in numbers if n not in summaries]
        if unknown:
            raise CaseNotFound(
                f"no person with prison number {', '.join(unknown)} in this database; "
                "nothing was changed"
            )
        if officer:
            officer = known_spelling(officer, summaries.values())
        changed = [case.number for case in store.assign(numbers, officer)]
    for number in changed:
        summary = summaries[number]
        was = summary.assigned_to or "unassigned"
        echo_plain(f"{number} {summary.display_name}: {officer or 'unassigned'} (was {was})")
    echo_plain(_outcome(len(changed), len(numbers), officer))


def _outcome(changed: int, given: int, officer: str) -> str:
    """One line: what was saved, and how many were already so."""
    if not changed:
        return "No change: already so."
    people = "person" if changed == 1 else "people"
    line = (
        f"Assigned {changed} {people} to {officer}" if officer else f"Unassigned {changed} {people}"
    )
    kept = given - changed
    if kept:
        line += f"; {kept} already {'was' if kept == 1 else 'were'}"
    return line + "; saved."


@click.command("assign")
@click.argument("args", nargs=-1, required=True, metavar="NUMBER... OFFICER")
@pass_env
def assign(env: Env, args: tuple[str, ...]) -> None:
    """Put people in an officer's caseload (every assignment is audited).

    The last argument is the officer's name (in quotes if it has a space). A name that
    is already in use, typed with other capitals or spaces, is taken as that officer.

    \b
    Examples:
      planner assign A1234BC "Jo Bloggs"
      planner assign A1234BC B2345CD C3456DE "Sam Reed"
      planner unassign A1234BC
    """
    *raw_numbers, raw_officer = args
    numbers = _numbers(tuple(raw_numbers), "assign")
    officer = officer_name(" ".join(raw_officer.split()))
    if not officer:
        raise InvalidInput(
            "the officer's name is blank; to leave people unassigned use 'planner unassign'"
        )
    _assign(env, numbers, officer)


@click.command("unassign")
@click.argument("raw_numbers", nargs=-1, required=True, metavar="NUMBER...")
@pass_env
def unassign(env: Env, raw_numbers: tuple[str, ...]) -> None:
    """Take people out of whichever caseload they are in (audited).

    \b
    Example:
      planner unassign A1234BC B2345CD
    """
    _assign(env, _numbers(raw_numbers, "unassign"), "")


@click.command("staff")
@click.option("--cases", "list_cases", is_flag=True, help="List each officer's people as well.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see README for the shape).")
@pass_env
def staff(env: Env, list_cases: bool, as_json: bool) -> None:
    """Each officer's caseload, and the unassigned, to balance work.

    For every officer with a case: how many active people, how many are due for release
    within 7, 28 and 84 days, how many have no release date, and their critical flags
    (and how many people have one). Released and transferred people are left out.

    \b
    Examples:
      planner staff
      planner staff --cases
    """
    with env.open_store(create=False) as store:
        summaries = {s.number: s for s in store.summaries()}
        loads = staff_loads(summaries.values(), store.template, env.today)
    if as_json:
        officers = [_load_json(load) for load in loads]
        emit_json(
            {"today": env.today.isoformat(), "windows": list(DEFAULT_WINDOWS), "officers": officers}
        )
        return
    _print_loads(loads, env)
    if list_cases:
        for load in loads:
            echo_plain(f"\n{load.label}: {load.cases} {'person' if load.cases == 1 else 'people'}")
            for number in load.numbers:
                echo_plain(_case_line(summaries[number], env))


def _case_line(summary: CaseSummary, env: Env) -> str:
    release = summary.release_date
    days = "" if release is None else f" ({(release - env.today).days} days)"
    name = f"{summary.surname.upper()}, {summary.forename}"
    return f"  {summary.number}  {name}  {weekday_date(release)}{days}"


def _print_loads(loads: list[OfficerLoad], env: Env) -> None:
    # No vertical rules and no outer padding: nine columns fit an 80-column terminal.
    table = Table(
        title=f"Caseloads by officer as of {format_day(env.today)}", box=box.SIMPLE, pad_edge=False
    )
    table.add_column("Officer", overflow="fold", min_width=12)
    table.add_column("\nPeople", justify="right", no_wrap=True)
    for window in DEFAULT_WINDOWS:
        table.add_column(f"Within\n{window} days", justify="right", no_wrap=True)
    table.add_column("No\ndate", justify="right", no_wrap=True)
    table.add_column("Critical\nflags", justify="right", no_wrap=True)
    table.add_column("Critical\npeople", justify="right", no_wrap=True)
    for load in loads:
        table.add_row(
            plain(load.label),
            str(load.cases),
            *(str(n) for n in load.within),
            str(load.no_release_date),
            str(load.critical_flags),
            str(load.critical_people),
        )
    out = console()
    out.print(table)
    out.print(
        "People: active cases. Within N days: of those, due for release from today to N days "
        "ahead. No date: no release date recorded. Critical people: people with a critical flag."
    )


def _load_json(load: OfficerLoad) -> dict[str, Any]:
    return {
        "officer": load.officer or None,
        "people": load.cases,
        "within": {str(w): n for w, n in zip(load.windows, load.within, strict=True)},
        "no_release_date": load.no_release_date,
        "release_passed": load.release_passed,
        "critical_flags": load.critical_flags,
        "people_with_critical": load.critical_people,
        "numbers": list(load.numbers),
    }
