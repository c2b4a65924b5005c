"""Open the terminal UI: `planner` with no subcommand."""

from __future__ import annotations

import os

import click

from planner.cli.context import PASSPHRASE_ENV, Env, guessable_words


def open_ui(env: Env) -> None:
    """Run the app on the configured database until the officer quits.

    An encrypted database's passphrase is asked for here, on the plain terminal, before
    the app takes the screen; a database this run creates is offered encryption in the
    UI (recommended; `n` declines), its passphrase chosen there, and any warning that it
    is weak shown there too. The store itself is opened inside the app, in a worker, so
    even a large database shows the caseload screen (with a loading state) at once. With
    no officer configured, the app asks for a name first and saves it in the config file.

    Whatever goes wrong inside the app ends in one line on stderr once the terminal is
    back, and exit status 1; never a traceback (unless PLANNER_DEBUG is set).
    """
    from planner.tui.app import make_app
    from planner.tui.guard import debugging, unexpected_line
    from planner.tui.session import NewDatabase

    new_database = None
    creating = env.server_url is None and not env.db_path.exists()
    if env.server_url is not None:
        pass  # a server database: no file to create, no passphrase (its server protects it)
    elif creating and not os.environ.get(PASSPHRASE_ENV):
        # The first run: the UI offers to encrypt the new database before it is made
        # (with the `encrypt` setting, it goes straight to choosing the passphrase).
        new_database = NewDatabase(
            env.db_path,
            use=env.use_codec,
            words=guessable_words(env.db_path, env.officer),
            encrypt=env.wants_encryption,
        )
    else:
        env.codec(creating=creating)

    try:
        app = make_app(
            env.open_store,
            today=env.today,
            settings=env.settings,
            templates=lambda: env.templates,
            officer=env.officer,
            new_database=new_database,
        )
        app.run()
    except Exception as exc:  # outside the app's own loop: building it, or shutting down
        if debugging():
            raise
        click.echo(unexpected_line(exc), err=True)
        raise click.exceptions.Exit(1) from None
    if app.stop_line:
        click.echo(app.stop_line, err=True)
        raise click.exceptions.Exit(1)
    failure = app.session.failure
    if failure:
        raise click.ClickException(failure)
    if app.return_code:
        raise click.exceptions.Exit(app.return_code)
