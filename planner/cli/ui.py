"""Open the terminal UI (filled in by the TUI work)."""

from __future__ import annotations

import click

from planner.cli.context import Env


def open_ui(env: Env) -> None:
    raise click.ClickException("the terminal UI is not built yet")
