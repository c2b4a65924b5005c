"""planner add, update, list, show, set, gaps and history."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import click
from rich.table import Table

from planner.cli.context import Env, pass_env
from planner.cli.output import console, emit_json, percent, severity_text
from planner.domain.calendar import format_day, release_day_risk
from planner.domain.case import Case
from planner.domain.dates import parse_date
from planner.domain.errors import InvalidInput
from planner.domain.evidence import check_reason, find_item, parse_field_assignments
from planner.domain.gaps import Evaluation, Flag, Severity, days_to_release, parse_severity
from planner.domain.identifiers import normalise_prison_number
from planner.domain.person import CIRCUMSTANCE_LABELS, CaseState, Person, parse_release_kind
from planner.domain.status import parse_status
from planner.store.repository import CaseStore, CaseSummary

RELEASE_KINDS = "CRD, ARD, PED, HDC, SDS40 or confirmed"


def _number(raw: str) -> str:
    try:
        return normalise_prison_number(raw)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


def _date_option(raw: str | None, what: str) -> date | None:
    return None if raw is None else parse_date(raw, what)


def _weekday_date(day: date | None) -> str:
    return format_day(day) if day else "no date"


# --- add / update ---------------------------------------------------------------------------


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
@click.option("--template", "template_id", help="Checklist template id (default from config).")
@click.option("--json", "as_json", is_flag=True, help="Print the new case as JSON.")
@pass_env
def add(
    env: Env,
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
) -> None:
    """Add a person and open their checklist.

    \b
    Example:
      planner add --number A1234BC --surname Smith --forename Jo --release 04/12/2026
    """
    person = Person.model_validate(
        {
            "number": _number(number),
            "surname": surname,
            "forename": forename,
            "release_date": _date_option(release, "--release"),
            "release_kind": parse_release_kind(release_kind),
            "date_of_birth": _date_option(dob, "--dob"),
            "location": location,
            "prison": prison,
            "crn": crn,
            "pnc": pnc,
            "circumstances": dict.fromkeys(circumstances, True),
        }
    )
    template = _template(env, template_id)
    with env.open_store() as store:
        case = store.add(person, template)
        evaluation = store.evaluate(case, env.today)
    if as_json:
        emit_json(_case_json(case, evaluation, store_template_items(template, case, evaluation)))
        return
    warning = person.pnc_warning()
    if warning:
        click.echo(f"warning: {warning}", err=True)
    _print_added(case, evaluation)


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
        f"Added {person.number} {person.display_name}, release {_weekday_date(person.release_date)}"
        f" ({evaluation.assessment.applicable} items apply)."
    )
    critical = sum(1 for f in evaluation.flags if f.severity is Severity.CRITICAL)
    if critical:
        out.print(f"{critical} critical gap(s) already: see 'planner show {person.number}'.")


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
@pass_env
def update(
    env: Env,
    /,
    number: str,
    turn_on: tuple[str, ...],
    turn_off: tuple[str, ...],
    **fields: str | None,
) -> None:
    """Change a person's details, circumstances or state (every change is audited).

    \b
    Examples:
      planner update A1234BC --release 11/12/2026 --release-kind confirmed
      planner update A1234BC --on on_medication --off dependants
      planner update A1234BC --state released
    """
    key = _number(number)
    with env.open_store(create=False) as store:
        current = store.get(key)
        data = current.person.model_dump()
        for name, value in fields.items():
            if value is None:
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
        person = Person.model_validate(data)
        case = store.update_person(person, expected=current.person)
    changed = "no change" if case.person == current.person and case.rev == current.rev else "saved"
    click.echo(f"{key}: {changed}.")


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
                "people": [_summary_json(s, flag_sets[s.number], env.today) for s in rows],
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
        counts = _counts(flags)
        days = days_to_release(s.assessment, env.today)
        table.add_row(
            s.number,
            f"{s.surname.upper()}, {s.forename}",
            s.location,
            _weekday_date(s.release_date),
            "" if days is None else str(days),
            percent(s.assessment.readiness),
            str(counts["critical"]),
            str(counts["warning"]),
            flags[0].headline if flags else "",
        )
    out = console()
    out.print(table)
    out.print(f"{len(rows)} people.")


def _select(
    rows: list[CaseSummary], today: date, within: int | None, show_all: bool
) -> list[CaseSummary]:
    chosen = [s for s in rows if show_all or s.state == CaseState.ACTIVE.value]
    if within is not None:
        last = today + timedelta(days=within)
        chosen = [
            s for s in chosen if s.release_date is not None and today <= s.release_date <= last
        ]
    return sorted(chosen, key=lambda s: (s.release_date or date.min, s.surname, s.number))


def _flags(store: CaseStore, summary: CaseSummary, today: date) -> list[Flag]:
    from planner.domain.gaps import flags_for

    return flags_for(summary.assessment, store.template(summary.assessment.template_key), today)


def _counts(flags: list[Flag]) -> dict[str, int]:
    counts = {s.value: 0 for s in Severity}
    for flag in flags:
        counts[flag.severity.value] += 1
    return counts


def _summary_json(s: CaseSummary, flags: list[Flag], today: date) -> dict[str, Any]:
    return {
        "number": s.number,
        "surname": s.surname,
        "forename": s.forename,
        "prison": s.prison,
        "location": s.location,
        "release_date": s.release_date.isoformat() if s.release_date else None,
        "release_weekday": f"{s.release_date:%A}" if s.release_date else None,
        "release_kind": s.release_kind,
        "days_to_release": days_to_release(s.assessment, today),
        "readiness": round(s.assessment.readiness, 4),
        "state": s.state,
        "flags": _counts(flags),
        "most_urgent": flags[0].reason if flags else None,
    }


# --- show -----------------------------------------------------------------------------------


def store_template_items(template: Any, case: Case, evaluation: Evaluation) -> list[dict[str, Any]]:
    from planner.domain.assessment import applies, due_date

    items = []
    for item in template.items:
        record = case.checklist.item(item.id)
        items.append(
            {
                "id": item.id,
                "section": item.section,
                "title": item.title,
                "applies": applies(item, case),
                "status": record.status.value,
                "due": _iso(due_date(item, case.person.release_date, case.created_at.date())),
                "evidence": record.evidence,
                "reason": record.reason,
                "notes": record.notes,
                "changed_by": record.changed_by,
                "changed_at": record.changed_at.isoformat() if record.changed_at else None,
                "rev": record.rev,
            }
        )
    return items


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _flag_json(flag: Flag) -> dict[str, Any]:
    return {
        "number": flag.number,
        "kind": flag.kind.value,
        "severity": flag.severity.value,
        "item": flag.item_id,
        "section": flag.section,
        "due": _iso(flag.due),
        "reason": flag.reason,
    }


def _case_json(case: Case, evaluation: Evaluation, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "today": evaluation.today.isoformat(),
        "person": case.person.model_dump(mode="json"),
        "template": f"{case.checklist.template_id}@{case.checklist.template_version}",
        "rev": case.rev,
        "days_to_release": evaluation.days_to_release,
        "readiness": round(evaluation.readiness, 4),
        "sections": [
            {
                "id": s.section,
                "title": s.title,
                "applicable": s.applicable,
                "resolved": s.resolved,
                "status": s.label,
            }
            for s in evaluation.sections
        ],
        "items": items,
        "flags": [_flag_json(f) for f in evaluation.flags],
    }


@click.command()
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see README for the shape).")
@pass_env
def show(env: Env, number: str, as_json: bool) -> None:
    """Show a person, every checklist item and every flag."""
    key = _number(number)
    with env.open_store(create=False) as store:
        case = store.get(key)
        template = store.template_for(case)
        evaluation = store.evaluate(case, env.today)
    items = store_template_items(template, case, evaluation)
    if as_json:
        emit_json(_case_json(case, evaluation, items))
        return
    out = console()
    p = case.person
    days = evaluation.days_to_release
    out.print(f"[bold]{p.display_name}[/]  {p.number}  {p.prison} {p.location}".rstrip())
    out.print(
        f"Release {_weekday_date(p.release_date)} ({p.release_kind.value})"
        + ("" if days is None else f", {days} days to go")
        + f"; ready {percent(evaluation.readiness)}"
        + f"; template {template.key}"
    )
    if p.release_date:
        risk = release_day_risk(p.release_date)
        if risk:
            out.print(f"[yellow]! Release day: {risk.description}; {risk.advice}[/]")
    on = [CIRCUMSTANCE_LABELS[k] for k, v in p.circumstances.as_flags().items() if v]
    if on:
        out.print("Circumstances: " + ", ".join(on))
    warning = p.pnc_warning()
    if warning:
        out.print(f"[yellow]! {warning}[/]")
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
        table.add_row(
            titles.get(item.section, item.section),
            f"{item.title}\n[dim]{item.id}[/]",
            row["status"].replace("_", " "),
            _weekday_date(date.fromisoformat(row["due"])) if row["due"] else "",
            evidence,
            " ".join(severity_text(f.severity) for f in flags),
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
            flag.kind.label,
            _weekday_date(flag.due) if flag.due else "",
            flag.reason,
        ]
        if with_number:
            cells.insert(0, f"{flag.number}\n{(names or {}).get(flag.number, '')}")
        table.add_row(*cells)
    out.print(table)


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
    help="Evidence value; repeat as needed. Dates YYYY-MM-DD or DD/MM/YYYY, yes/no, "
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
    key = _number(number)
    new_status = parse_status(status)
    with env.open_store(create=False) as store:
        case = store.get(key)
        template = store.template_for(case)
        item = find_item(template, item_id)
        evidence = parse_field_assignments(item, list(fields))
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
        click.echo(f"  {flag.severity.symbol} {flag.severity.value}: {flag.reason}")


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
        last = env.today + timedelta(days=within)
        flags = [
            f
            for f in flags
            if (r := summaries[f.number].release_date) is not None and env.today <= r <= last
        ]
    if min_severity is not None:
        limit = parse_severity(min_severity).rank
        flags = [f for f in flags if f.severity.rank <= limit]
    names = {n: s.display_name for n, s in summaries.items()}
    if as_json:
        emit_json(
            {
                "today": env.today.isoformat(),
                "flags": [{**_flag_json(f), "name": names[f.number]} for f in flags],
            }
        )
        return
    _print_flags(flags, with_number=True, names=names)
    if flags:
        counts = _counts(flags)
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
    key = _number(number)
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
            f"{e.at:%Y-%m-%d %H:%M}", e.by, e.item or "", e.field, _plain(e.old), _plain(e.new)
        )
    console().print(table)


def _plain(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


COMMANDS: list[click.Command] = [add, update, list_, show, set_, gaps, history]
