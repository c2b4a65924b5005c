"""planner add, update and set: changing people and their checklists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from planner.cli.args import optional_date, prison_number
from planner.cli.contact_options import (
    CONTACT_OPTIONS,
    apply_contacts,
    contact_options,
    validated_person,
)
from planner.cli.context import Env, pass_env
from planner.cli.json_shapes import case_json, item_rows
from planner.cli.output import console, echo_plain, emit_json, plain, weekday_date
from planner.domain.case import Case
from planner.domain.dates import parse_date
from planner.domain.equality import ETHNICITIES, RELIGIONS, SEX_LABELS
from planner.domain.equality_input import EQUALITY_FIELDS, parse_equality
from planner.domain.errors import InvalidInput
from planner.domain.evidence import (
    check_evidence_dates,
    check_reason,
    find_item,
    parse_field_assignments,
)
from planner.domain.gaps import (
    Evaluation,
    Severity,
)
from planner.domain.person import CIRCUMSTANCE_LABELS, CaseState, parse_release_kind
from planner.domain.status import parse_status

RELEASE_KINDS = "CRD, ARD, PED, HDC, SDS40 or confirmed"
COM_ITEM = "handover.com_allocated"
# Person fields and the options that give them, to name an option in an error.
PERSON_OPTIONS = {
    "number": "--number",
    "surname": "--surname",
    "forename": "--forename",
    "release_date": "--release",
    "release_kind": "--release-kind",
    "date_of_birth": "--dob",
    "location": "--location",
    "prison": "--prison",
    "crn": "--crn",
    "pnc": "--pnc",
    "state": "--state",
    **{name: f"--{name}" for name in EQUALITY_FIELDS},
}


# --- add / update ---------------------------------------------------------------------------

F = TypeVar("F", bound=Callable[..., Any])


def equality_options(*, clearing: bool) -> Callable[[F], F]:
    """--sex, --ethnicity, --religion and --sentence: optional, special category data;
    with `clearing`, "" clears one."""
    clears = ' "" clears it.' if clearing else ""
    options = [
        click.option("--sex", metavar="SEX", help=f"One of {', '.join(SEX_LABELS)}.{clears}"),
        click.option(
            "--ethnicity",
            metavar="CODE",
            help=f"ONS 2021 group, e.g. white_british, black_caribbean, prefer_not_to_say "
            f"({len(ETHNICITIES)} codes), or its words.{clears}",
        ),
        click.option("--religion", metavar="CODE", help=f"One of {', '.join(RELIGIONS)}.{clears}"),
        click.option(
            "--sentence",
            metavar="LENGTH",
            help=f"Sentence length as given: 2y6m, 18m, 14d, '1y 3m 10d' or days.{clears}",
        ),
    ]

    def decorate(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


@click.command()
@click.option("--number", required=True, help="Prison (NOMIS) number, e.g. A1234BC.")
@click.option("--surname", required=True)
@click.option("--forename", required=True)
@click.option("--release", metavar="DATE", help="Release date, YYYY-MM-DD or DD/MM/YYYY.")
@click.option("--release-kind", default="CRD", show_default=True, help=f"One of {RELEASE_KINDS}.")
@click.option("--dob", metavar="DATE", help="Date of birth.")
@click.option("--location", default="", help="Cell or wing, e.g. B-2-014.")
@click.option("--prison", default="", help="Establishment, e.g. HMP Example.")
@click.option("--crn", help="Probation case reference, e.g. X123456.")
@click.option("--pnc", help="PNC number, e.g. 2012/0052834X (a wrong check letter warns).")
@click.option(
    "--circumstance",
    "circumstances",
    multiple=True,
    type=click.Choice(list(CIRCUMSTANCE_LABELS)),
    help="A circumstance that switches items on; repeat as needed.",
)
@equality_options(clearing=False)
@contact_options(clearing=False)
@click.option("--template", "template_id", help="Checklist template id (default from config).")
@click.option("--json", "as_json", is_flag=True, help="Print the new case as JSON.")
@pass_env
def add(
    env: Env,
    /,
    number: str,
    surname: str,
    forename: str,
    release: str | None,
    release_kind: str,
    dob: str | None,
    location: str,
    prison: str,
    crn: str | None,
    pnc: str | None,
    circumstances: tuple[str, ...],
    template_id: str | None,
    as_json: bool,
    sex: str | None,
    ethnicity: str | None,
    religion: str | None,
    sentence: str | None,
    **contacts: str | None,
) -> None:
    """Add a person and open their checklist.

    Contacts are optional: the prison and community offender managers (name, unit or
    probation delivery unit, phone, email) and the person's own phone and email. So are
    sex, ethnicity, religion and sentence length (special category data: left out of
    redacted exports).

    \b
    Examples:
      planner add --number A1234BC --surname Smith --forename Jo --release 04/12/2026
      planner add --number A1234BC --surname Smith --forename Jo --release 04/12/2026 \\
          --sex female --ethnicity white_irish --religion none --sentence 2y6m
      planner add --number A1234BC --surname Smith --forename Jo --release 04/12/2026 \\
          --com "Sam Reed" --com-pdu "Leeds North" --com-email sam.reed@justice.example
    """
    data: dict[str, Any] = {
        "number": prison_number(number),
        "surname": surname,
        "forename": forename,
        "release_date": optional_date(release, "--release"),
        "release_kind": parse_release_kind(release_kind),
        "date_of_birth": optional_date(dob, "--dob"),
        "location": location,
        "prison": prison,
        "crn": crn,
        "pnc": pnc,
        "circumstances": dict.fromkeys(circumstances, True),
    }
    given = {"sex": sex, "ethnicity": ethnicity, "religion": religion, "sentence": sentence}
    data.update(parse_equality(given, PERSON_OPTIONS))
    apply_contacts(data, contacts)
    person = validated_person(data, PERSON_OPTIONS)
    template = _template(env, template_id)
    with env.open_store(writes=True) as store:
        case = store.add(person, template)
        evaluation = store.evaluate(case, env.today)
    if as_json:
        emit_json(case_json(case, evaluation, item_rows(template, case, evaluation)))
        return
    warning = person.pnc_warning()
    if warning:
        click.echo(f"warning: {warning}", err=True)
    _print_added(case, evaluation)
    _com_hint(case)


def _template(env: Env, template_id: str | None) -> Any:
    wanted = template_id or env.settings.default_template
    try:
        return env.templates.get(wanted)
    except KeyError as exc:
        raise InvalidInput(str(exc.args[0]) if exc.args else f"unknown template {wanted}") from None


def _print_added(case: Case, evaluation: Evaluation) -> None:
    out = console()
    person = case.person
    out.print(
        plain(
            f"Added {person.number} {person.display_name}, release "
            f"{weekday_date(person.release_date)} ({evaluation.assessment.applicable} items apply)."
        )
    )
    critical = sum(1 for f in evaluation.flags if f.severity is Severity.CRITICAL)
    if critical:
        out.print(f"{critical} critical gap(s) already: see 'planner show {person.number}'.")


def _com_hint(case: Case) -> None:
    """A COM's name is in the contacts but the allocation item is still open: say how to
    record it there too, so the checklist does not go on flagging it."""
    com = case.person.community_offender_manager.name
    record = case.checklist.item(COM_ITEM)
    if com and not record.status.resolved:
        click.echo(
            f"note: {COM_ITEM} is still {record.status.label}; when the allocation is "
            f"confirmed: planner set {case.number} {COM_ITEM} done --field com_name=..."
        )


@click.command()
@click.argument("number")
@click.option("--surname")
@click.option("--forename")
@click.option("--release", metavar="DATE", help="New release date (YYYY-MM-DD or DD/MM/YYYY).")
@click.option("--release-kind", help=f"One of {RELEASE_KINDS}.")
@click.option("--dob", metavar="DATE")
@click.option("--location")
@click.option("--prison")
@click.option("--crn", help="Probation case reference (empty to clear).")
@click.option("--pnc", help="PNC number (empty to clear).")
@click.option("--state", type=click.Choice([s.value for s in CaseState]), help="Case state.")
@click.option(
    "--on",
    "turn_on",
    multiple=True,
    type=click.Choice(list(CIRCUMSTANCE_LABELS)),
    help="Set a circumstance (switches its items on); repeat as needed.",
)
@click.option(
    "--off",
    "turn_off",
    multiple=True,
    type=click.Choice(list(CIRCUMSTANCE_LABELS)),
    help="Clear a circumstance; repeat as needed.",
)
@equality_options(clearing=True)
@contact_options(clearing=True)
@pass_env
def update(
    env: Env,
    /,
    number: str,
    turn_on: tuple[str, ...],
    turn_off: tuple[str, ...],
    **fields: str | None,
) -> None:
    """Change a person's details, contacts, circumstances or state (every change is audited).

    \b
    Examples:
      planner update A1234BC --release 11/12/2026 --release-kind confirmed
      planner update A1234BC --on on_medication --off dependants
      planner update A1234BC --com "Sam Reed" --com-pdu "Leeds North" \\
          --com-phone "0113 496 0000" --com-email sam.reed@justice.example
      planner update A1234BC --pom-phone ""      # clears the POM's phone
      planner update A1234BC --sentence "1y 3m" --religion prefer_not_to_say
      planner update A1234BC --ethnicity ""      # no longer recorded
      planner update A1234BC --state released
    """
    key = prison_number(number)
    with env.open_store(create=False, writes=True) as store:
        current = store.get(key)
        data = current.person.model_dump()
        apply_contacts(data, fields)
        data.update(parse_equality(fields, PERSON_OPTIONS))
        for name, value in fields.items():
            if value is None or name in CONTACT_OPTIONS or name in EQUALITY_FIELDS:
                continue
            if name == "release":
                data["release_date"] = parse_date(value, "--release")
            elif name == "dob":
                data["date_of_birth"] = parse_date(value, "--dob")
            elif name == "release_kind":
                data["release_kind"] = parse_release_kind(value)
            else:
                data[name] = value
        data["circumstances"] = {
            **data["circumstances"],
            **dict.fromkeys(turn_on, True),
            **dict.fromkeys(turn_off, False),
        }
        person = validated_person(data, PERSON_OPTIONS)
        case = store.update_person(person, expected=current.person)
    changed = "no change" if case.person == current.person and case.rev == current.rev else "saved"
    click.echo(f"{key}: {changed}.")
    if (
        case.person.community_offender_manager.name
        != current.person.community_offender_manager.name
    ):
        _com_hint(case)


# --- set ------------------------------------------------------------------------------------


@click.command(name="set")
@click.argument("number")
@click.argument("item_id")
@click.argument("status")
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="NAME=VALUE",
    help="Evidence value; repeat as needed. Dates DD/MM/YYYY, DD/MM/YY or YYYY-MM-DD, yes/no, "
    "a choice's value or label. NAME= clears a field.",
)
@click.option("--reason", help="Why (needed for not_required, declined and blocked).")
@click.option("--note", help="Replace the item's notes.")
@click.option(
    "--rev",
    type=int,
    help="Refuse if the item's revision is no longer REV (set by scripts that read first).",
)
@pass_env
def set_(
    env: Env,
    number: str,
    item_id: str,
    status: str,
    fields: tuple[str, ...],
    reason: str | None,
    note: str | None,
    rev: int | None,
) -> None:
    """Record an item's status and evidence.

    STATUS is one of not_started, in_progress, done, not_required, declined, blocked.

    \b
    Examples:
      planner set A1234BC bank.account done --field bank=barclays --field outcome=opened
      planner set A1234BC id.documents in_progress --field document_type=birth_certificate \\
          --field date_applied=02/11/2026
      planner set A1234BC special.veteran not_required --reason "Not a veteran"
    """
    key = prison_number(number)
    new_status = parse_status(status)
    with env.open_store(create=False, writes=True) as store:
        case = store.get(key)
        template = store.template_for(case)
        item = find_item(template, item_id)
        evidence = parse_field_assignments(item, list(fields))
        check_evidence_dates(item, evidence, case.person, env.today)
        check_reason(new_status, reason, case.checklist.item(item.id))
        case = store.save_item(
            key,
            item.id,
            status=new_status,
            evidence=evidence,
            reason=reason,
            notes=note,
            expected_rev=rev,
        )
        evaluation = store.evaluate(case, env.today)
    flags = evaluation.flags_for_item(item.id)
    click.echo(f"{key} {item.id}: {new_status.label}, saved.")
    for flag in flags:
        echo_plain(f"  {flag.severity.symbol} {flag.severity.value}: {flag.reason}")
