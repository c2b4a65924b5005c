"""Open the terminal UI: `planner` with no subcommand."""

from __future__ import annotations

import click

from planner.cli.context import Env


def open_ui(env: Env) -> None:
    """Run the app on the configured database until the officer quits.

    An encrypted database's passphrase is asked for here, on the plain terminal, before
    the app takes the screen. The store itself is opened inside the app, in a worker, so
    even a large database shows the caseload screen (with a loading state) at once. With
    no officer configured, the app asks for a name first and saves it in the config file.
    """
    env.codec(creating=not env.db_path.exists())
    from planner.tui.app import make_app

    app = make_app(
        env.open_store,
        today=env.today,
        settings=env.settings,
        templates=env.templates,
        officer=env.officer,
    )
    app.run()
    failure = app.session.failure
    if failure:
        raise click.ClickException(failure)
