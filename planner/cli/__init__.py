"""The `planner` command.

With no subcommand it opens the terminal UI on the configured database. Every error is
one line on stderr: exit code 2 for bad input, 1 for anything else; never a traceback
(set PLANNER_DEBUG=1 to see one when reporting a fault).
"""

from __future__ import annotations

import os
import sys
from datetime import date

import click

from planner import __version__
from planner.cli.command_index import COMMANDS
from planner.cli.lazy_group import LazyGroup

# Only what `planner --help` needs is imported here: each command's module (and the
# store, pydantic, the exports behind it) is imported when that command runs.

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2


def _today(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    from planner.domain.dates import parse_date
    from planner.domain.errors import InvalidInput

    try:
        return parse_date(value, "date")
    except InvalidInput as exc:
        raise click.BadParameter(str(exc).removeprefix("date: ")) from None


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--db",
    metavar="PATH",
    help="Database file. Default: $PLANNER_DB, the config file's 'database', or the "
    "user data folder.",
)
@click.option(
    "--officer",
    metavar="NAME",
    help="Who is acting, recorded on every change. Default: $PLANNER_OFFICER or the config file.",
)
@click.option(
    "--today",
    metavar="YYYY-MM-DD",
    callback=_today,
    help="Evaluate deadlines as of another day (to plan ahead or review the past).",
)
@click.version_option(__version__, prog_name="planner")
@click.pass_context
def cli(ctx: click.Context, db: str | None, officer: str | None, today: date | None) -> None:
    """Plan each person's release: ID, bank account, Universal Credit, housing, PSR and more.

    Run with no command to open the terminal UI. Deadlines count back from release day;
    gaps are flagged weeks before it. Everything stays on this computer.
    """
    from planner.cli.context import Env
    from planner.config import load_settings

    ctx.obj = Env.build(load_settings(), db, officer, today)
    if ctx.invoked_subcommand is None:
        from planner.cli.ui import open_ui

        open_ui(ctx.obj)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code instead of raising."""
    try:
        # Without standalone mode, click returns the code of a ctx.exit(...) / Exit(...).
        result = cli.main(args=argv, prog_name="planner", standalone_mode=False)
        if isinstance(result, int):
            return result
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:
        _say("cancelled")
        return EXIT_FAILURE
    except click.UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx and exc.ctx.parent else ""
        _say(f"{exc.format_message()}{hint}")
        return EXIT_BAD_INPUT
    except click.ClickException as exc:
        _say(exc.format_message())
        return exc.exit_code
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    except Exception as exc:  # never show a traceback to a user
        return _failed(exc)
    return EXIT_OK


def _failed(exc: Exception) -> int:
    """Say what went wrong in one line; the exit code says whose fault it was."""
    from pydantic import ValidationError

    from planner.config import ConfigError
    from planner.domain.errors import InvalidInput, describe_validation_error
    from planner.store.errors import CaseExists, CaseNotFound, StaleEdit, StoreError

    if isinstance(exc, InvalidInput | CaseNotFound | CaseExists | ConfigError):
        _say(str(exc))
        return EXIT_BAD_INPUT
    if isinstance(exc, ValidationError):
        _say(describe_validation_error(exc))
        return EXIT_BAD_INPUT
    if isinstance(exc, StaleEdit | StoreError):
        _say(str(exc))
        return EXIT_FAILURE
    if isinstance(exc, BrokenPipeError):
        return EXIT_OK
    if os.environ.get("PLANNER_DEBUG"):
        raise exc
    # Only the class: an exception's message may quote a record's values.
    _say(
        f"internal error ({type(exc).__name__}); nothing unsaved was written; "
        "set PLANNER_DEBUG=1 to see details"
    )
    return EXIT_FAILURE


def _say(message: str) -> None:
    """One line on stderr; whatever the message quotes is shown, never acted on."""
    from planner.domain.text import visible

    click.echo(f"planner: {visible(message)}", err=True)


def run() -> None:  # pragma: no cover - console entry point
    sys.exit(main())
