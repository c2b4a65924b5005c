"""planner release and planner follow-up: what happened on and after release day.

The answers are those of the template's outcome measures (see the `[[outcomes]]` part of
checklists/england-wales.toml): each is a value or its label, and "unknown" is always an
answer, kept apart from "no". A measure not given on a first recording is unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any, TypeVar

import click

from planner.cli.args import optional_date, prison_number
from planner.cli.context import Env, pass_env
from planner.cli.output import echo_plain, weekday_date
from planner.domain.case import Case
from planner.domain.errors import InvalidInput
from planner.domain.release_outcome import choose_measures, follow_ups_due, record_outcome
from planner.domain.template import Template
from planner.store.interface import CaseRepository

# The release-day measures of the shipped template, each with an option of its own named
# from its id (a site's own measures are given with --answer ID=ANSWER).
MEASURE_OPTIONS: dict[str, str] = {
    "first_night": "Where they stayed the first night: settled, temporary, cas, "
    "bail_probation (other housed), rough_sleeping, other_homeless, or unknown.",
    "id": "ID held on release: yes, no or unknown.",
    "bank": "Bank account open on release: yes, no or unknown.",
    "uc": "Universal Credit claim made or jobcentre appointment booked: yes, no or unknown.",
    "medication": "Medication supplied on release (people on medication): yes, no or unknown.",
    "treatment": "Community treatment appointment booked (substance misuse need only): yes, "
    "no or unknown.",
    "planned_day": "Released on the planned day: on_day, brought_forward, later or unknown.",
}


def option_name(measure_id: str) -> str:
    return "--" + measure_id.replace("_", "-")


def measures_for(env: Env, store: CaseRepository, case: Case) -> Template:
    """The template whose outcome measures the case records (see `choose_measures`)."""
    return choose_measures(
        store.outcome_template(case), store.template_for(case), env.templates.get
    )


def _named(message: str, given: Mapping[str, str]) -> str:
    """A domain message that starts with a measure id, naming the option that gave it."""
    head, sep, rest = message.partition(": ")
    if sep and head in given:
        return f"{given[head]}: {rest}"
    return message


def _assignments(values: Iterable[str], option: str) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for raw in values:
        name, sep, value = raw.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(f"{option}: {raw!r} is not MEASURE=ANSWER, e.g. employed_6w=yes")
        parsed[name.strip()] = value.strip()
    return parsed


def outcome_lines(case: Case, measures: Template, today: date) -> list[str]:
    """The outcome in words, for `planner show` and after recording: the release day,
    each answer, each follow-up answered, then each still due."""
    outcome = case.outcome
    if outcome is None:
        return []
    lines = [f"Release outcomes (released {weekday_date(outcome.released_on)}; {measures.key})"]
    for measure in measures.release_day_measures:
        value = outcome.answers.get(measure.id)
        if value is not None:
            lines.append(f"  {measure.label}: {measure.answer_label(value)}")
    for measure in measures.follow_up_measures:
        follow_up = outcome.follow_ups.get(measure.id)
        if follow_up is not None:
            lines.append(
                f"  {measure.label}: {measure.answer_label(follow_up.answer)} "
                f"(recorded {weekday_date(follow_up.recorded_on)})"
            )
    due = follow_ups_due(case, measures, today)
    for pending in due:
        when = "overdue since" if pending.overdue else "due"
        lines.append(f"  Follow-up {when} {weekday_date(pending.due)}: {pending.measure.label}")
    if due:
        ids = ", ".join(d.measure.id for d in due)
        lines.append(f"  (record with: planner follow-up {case.number} MEASURE=ANSWER; {ids})")
    return lines


F = TypeVar("F", bound=Callable[..., Any])


def _answer_options(command: F) -> F:
    for measure_id, text in reversed(MEASURE_OPTIONS.items()):
        command = click.option(option_name(measure_id), measure_id, metavar="ANSWER", help=text)(
            command
        )
    return command


@click.command()
@click.argument("number")
@click.option("--on", "on_day", metavar="DATE", help="The day of release (default today).")
@_answer_options
@click.option(
    "--answer",
    "extra",
    multiple=True,
    metavar="MEASURE=ANSWER",
    help="An answer to another measure of the template; repeat as needed.",
)
@pass_env
def release(
    env: Env, /, number: str, on_day: str | None, extra: tuple[str, ...], **answers: str | None
) -> None:
    """Record what happened on release day, and mark the person released.

    Each answer is one of the measure's answers (its value or its words), or unknown;
    "unknown" is kept apart from "no" and left out of every rate. On a first recording a
    measure not given is unknown; later, only what is given changes (every change is
    audited). Follow-ups after release are recorded with 'planner follow-up'.

    \b
    Examples:
      planner release A1234BC --first-night settled --id yes --bank yes --uc yes
      planner release A1234BC --on 02/11/2026 --first-night cas --planned-day brought_forward
      planner release A1234BC --bank no            # changes one answer
      planner release A1234BC --treatment unknown  # not known: never counted as "no"
    """
    key = prison_number(number)
    released_on = optional_date(on_day, "--on")
    given = {k: v for k, v in answers.items() if v is not None}
    names = {k: option_name(k) for k in given}
    others = _assignments(extra, "--answer")
    for measure_id in others:
        names.setdefault(measure_id, f"--answer {measure_id}")
    with env.open_store(create=False, writes=True) as store:
        case = store.get(key)
        measures = measures_for(env, store, case)
        previous = case.outcome
        try:
            outcome = record_outcome(
                measures,
                case.person,
                released_on=released_on or (None if previous else env.today),
                answers={**given, **others},
                today=env.today,
                by=env.officer,
                previous=previous,
            )
        except InvalidInput as exc:
            raise InvalidInput(_named(str(exc).replace("released on:", "--on:"), names)) from None
        saved = store.record_outcome(key, outcome, measures, expected=previous)
    changed = "no change" if saved.rev == case.rev else "saved"
    click.echo(f"{key}: release outcomes {changed}.")
    for line in outcome_lines(saved, measures, env.today):
        echo_plain(line)


@click.command(name="follow-up")
@click.argument("number")
@click.argument("answers", nargs=-1, required=True, metavar="MEASURE=ANSWER...")
@click.option("--on", "on_day", metavar="DATE", help="The day it was found out (default today).")
@pass_env
def follow_up(env: Env, number: str, answers: tuple[str, ...], on_day: str | None) -> None:
    """Record follow-ups after release (in work six weeks on, say), each as MEASURE=ANSWER.

    The follow-ups still due, with their dates, are listed by 'planner show'. "unknown" is
    an answer: it stops the follow-up being asked for, and is never counted as "no".

    \b
    Examples:
      planner follow-up A1234BC employed_6w=yes
      planner follow-up A1234BC jobcentre_kept=no treatment_3w=unknown --on 20/11/2026
      planner follow-up A1234BC settled_3m=settled
    """
    key = prison_number(number)
    found_on = optional_date(on_day, "--on")
    given = _assignments(answers, "MEASURE=ANSWER")
    with env.open_store(create=False, writes=True) as store:
        case = store.get(key)
        if case.outcome is None:
            raise InvalidInput(
                f"{key}: no release outcome is recorded yet; record release day first with "
                f"'planner release {key}'"
            )
        measures = measures_for(env, store, case)
        try:
            outcome = record_outcome(
                measures,
                case.person,
                released_on=None,
                follow_ups=given,
                follow_up_on=found_on,
                today=env.today,
                by=env.officer,
                previous=case.outcome,
            )
        except InvalidInput as exc:
            message = str(exc)
            if found_on is not None:
                message = message.replace(f"{found_on:%d/%m/%Y} is", f"--on {found_on:%d/%m/%Y} is")
            raise InvalidInput(message) from None
        saved = store.record_outcome(key, outcome, measures, expected=case.outcome)
    changed = "no change" if saved.rev == case.rev else "saved"
    click.echo(f"{key}: follow-ups {changed}.")
    for line in outcome_lines(saved, measures, env.today):
        echo_plain(line)
