"""`planner transfer out` and `planner transfer in`: a person's record to another prison.

The transfer passphrase comes from $PLANNER_TRANSFER_PASSPHRASE or a hidden prompt (asked
twice on `out`), never from the command line, where `ps` would show it. The work is
:mod:`planner.transfer.service`; this module asks, prints and sets the exit code: 2 for a
file or an answer that cannot be used (a changed file, a wrong passphrase, a conflict
left unresolved), with nothing written.
"""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.args import prison_number
from planner.cli.context import BadInput, Env, can_prompt, pass_env, read_secret
from planner.cli.output import cell, echo_plain, emit_json, terminal_width
from planner.cli.plain_table import Col, render
from planner.domain.merge import Decision, Side
from planner.export.files import InvalidExport, output_target
from planner.store.repository import utc_now
from planner.transfer.container import TransferRefused
from planner.transfer.service import (
    Preview,
    TransferProblem,
    check_transfer_passphrase,
    describe,
    preview,
    read_transfer,
    receive,
    transfer_out,
)

TRANSFER_PASSPHRASE_ENV = "PLANNER_TRANSFER_PASSPHRASE"  # noqa: S105 - a variable's name
RESULT_WORDS = {
    Decision.SAME: "same",
    Decision.OURS: "keep ours",
    Decision.THEIRS: "take theirs",
    Decision.CONFLICT: "CONFLICT",
}


@click.group()
def transfer() -> None:
    """Move a person's record to another prison, or receive one, in an encrypted file."""


@transfer.command("out")
@click.argument("number")
@click.option(
    "-o",
    "--output",
    "output_text",
    required=True,
    metavar="PATH",
    help="The file, or a folder (one there, or a path ending in /) for NUMBER.transfer.",
)
@click.option("--to", "to_prison", required=True, help="The receiving prison.")
@click.option(
    "--from",
    "from_prison",
    default="",
    help="The sending prison (default: the prison recorded for the person).",
)
@click.option("--force", is_flag=True, help="Replace a file already there.")
@pass_env
def out(
    env: Env, number: str, output_text: str, to_prison: str, from_prison: str, force: bool
) -> None:
    """Write a person's record, checklist, template and history to an encrypted file for
    the receiving prison, and mark them transferred here (the record stays until purged).

    The file is sealed with a transfer passphrase ($PLANNER_TRANSFER_PASSPHRASE, or typed
    twice): give it to the receiving prison by another channel, never with the file.

    \b
    Example:
      planner transfer out A1234BC --to "HMP Leeds" -o A1234BC.transfer
    """
    key = prison_number(number)
    if output_text.strip() == "-":
        raise BadInput("a transfer file cannot go to standard output: give a file name with -o")
    target = output_target(output_text)
    output = target.file(f"{key}.transfer")
    with env.open_store(create=False, writes=True) as store:
        store.get(key)  # an unknown number is refused before the passphrase is asked
        passphrase = read_secret(
            "Transfer passphrase",
            env_var=TRANSFER_PASSPHRASE_ENV,
            confirm=True,
            why="a transfer file is sealed with a transfer passphrase",
        )
        try:
            warning = check_transfer_passphrase(passphrase)
        except ValueError as exc:
            raise BadInput(str(exc)) from None
        if warning:
            click.echo(f"planner: warning: {warning}", err=True)
        try:
            target.make_folder()
            sent = transfer_out(
                store,
                key,
                output,
                passphrase,
                to_prison=to_prison,
                from_prison=from_prison,
                at=utc_now(),
                force=force,
            )
        except (TransferProblem, InvalidExport) as exc:
            raise BadInput(str(exc)) from None
    echo_plain(
        f"Wrote {sent.path} for {key} ({sent.entries} history entries); {key} is marked "
        f"transferred here. Give the receiving prison the passphrase by another channel."
    )


@transfer.command("in")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--yes", "-y", is_flag=True, help="Receive it without asking.")
@click.option(
    "--prefer",
    type=click.Choice([s.value for s in Side]),
    default=None,
    help="Resolve every conflict with our version or theirs.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the preview as JSON.")
@pass_env
def in_(env: Env, file: Path, dry_run: bool, yes: bool, prefer: str | None, as_json: bool) -> None:
    """Receive a person's record from another prison: add them, or merge item by item
    with the record already here.

    Shows what will be added or, for a person already here, each item side by side (ours,
    theirs, the result), then asks. An item changed on one side only takes that side; one
    changed on both is a conflict: --prefer ours|theirs resolves them, otherwise nothing
    is written (exit code 2, naming each item). A changed or damaged file, a wrong
    passphrase, or a template this planner cannot read is refused, nothing written.

    \b
    Examples:
      planner transfer in A1234BC.transfer --dry-run
      planner transfer in A1234BC.transfer --prefer theirs --yes
    """
    with env.open_store(create=False, writes=not dry_run) as store:
        passphrase = read_secret(
            "Transfer passphrase",
            env_var=TRANSFER_PASSPHRASE_ENV,
            confirm=False,
            why="a transfer file opens with its transfer passphrase",
        )
        try:
            incoming = read_transfer(file, passphrase)
            seen = preview(store, incoming)
        except (TransferRefused, TransferProblem) as exc:
            raise BadInput(str(exc)) from None
        side = Side(prefer) if prefer else None
        if seen.already:
            if as_json:
                emit_json({**_preview_json(seen, side), "received": False, "already": True})
            else:
                echo_plain(
                    f"This transfer of {incoming.number} was received here before: nothing "
                    "to do; nothing was changed."
                )
            return
        if as_json:
            emit_json(_preview_json(seen, side))
        else:
            _show(seen, side)
        if dry_run:
            return
        unresolved = [row for row in seen.conflicts if side is None]
        if unresolved:
            for row in unresolved:
                echo_plain(f"planner: conflict: {row.label}", err=True)
            raise BadInput(
                f"{len(unresolved)} items were changed on both sides: choose with "
                "--prefer ours|theirs (or in the UI); nothing was written"
            )
        if not yes:
            if not can_prompt():
                raise BadInput("receiving a transfer needs --yes when nobody can answer")
            if not click.confirm("Receive it?", default=False, err=True):
                click.echo("Nothing was changed.", err=True)
                return
        try:
            receive(store, seen, at=utc_now(), prefer=side)
        except TransferProblem as exc:
            raise BadInput(str(exc)) from None
    if not as_json:
        action = "Added" if seen.is_new else "Merged"
        echo_plain(
            f"{action} {incoming.number} from {incoming.from_prison}; their history there is "
            f"kept ({incoming.entry_count} entries): 'planner history {incoming.number}'."
        )


def _result(row_decision: Decision, side: Side | None) -> str:
    if row_decision is Decision.CONFLICT and side is not None:
        return f"conflict: {side.value}"
    return RESULT_WORDS[row_decision]


def _show(seen: Preview, side: Side | None) -> None:
    incoming = seen.incoming
    person = incoming.case.person
    echo_plain(
        f"Transfer of {person.display_name} ({incoming.number}) from {incoming.from_prison} "
        f"to {incoming.to_prison}, sent {incoming.sent_at:%Y-%m-%d %H:%M} UTC by "
        f"{incoming.sent_by or 'someone unnamed'}; {incoming.entry_count} history entries."
    )
    if seen.is_new:
        click.echo(f"New here: will be added with {len(seen.rows) - 1} recorded items:")
        cols: tuple[Col, ...] = (Col("What", wrap=True), Col("As recorded there", wrap=True))
        lines = render(cols, [[cell(row.label), cell(row.theirs)] for row in seen.rows], _width())
    else:
        since = (
            f"since transfer {seen.base}" if seen.base else "with no earlier transfer between us"
        )
        changed = [row for row in seen.rows if row.decision is not Decision.SAME]
        click.echo(
            f"Already here: merged item by item ({since}); {len(changed)} differ, "
            f"{len(seen.conflicts)} conflicts."
        )
        cols = (
            Col("What", wrap=True),
            Col("Ours", wrap=True),
            Col("Theirs", wrap=True),
            Col("Result", keep=True),
        )
        rows = [
            [
                cell(row.label),
                cell(row.ours or "—"),
                cell(row.theirs or "—"),
                _result(row.decision, side),
            ]
            for row in changed
        ]
        lines = render(cols, rows, _width())
    for line in lines:
        echo_plain(line)


def _width() -> int:
    return terminal_width()


def _preview_json(seen: Preview, side: Side | None) -> dict[str, object]:
    return {
        "transfer": describe(seen.incoming),
        "new": seen.is_new,
        "base": seen.base,
        "items": [
            {
                "unit": row.unit,
                "what": row.label,
                "ours": row.ours,
                "theirs": row.theirs,
                "decision": row.decision.value,
                "result": _result(row.decision, side),
            }
            for row in seen.rows
        ],
        "conflicts": [row.label for row in seen.conflicts],
    }
