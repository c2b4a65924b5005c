"""A click group that imports a command's module only when that command runs.

`planner --help` and `planner list` should not pay for importing the PDF writer, the
doctor and the demo generator. Each command is named here with where it lives and its
one-line help, so the command list can be printed without importing anything; a test
checks that every line here matches the command's own help.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import click


@dataclass(frozen=True)
class LazyCommand:
    """Where a command lives (module and attribute) and what `--help` says of it."""

    module: str
    attribute: str
    short_help: str

    def load(self) -> click.Command | None:
        """The command itself, or None when its module is not part of this install."""
        try:
            module = importlib.import_module(self.module)
        except ModuleNotFoundError as exc:
            if exc.name != self.module:
                raise
            return None
        command = getattr(module, self.attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.module}.{self.attribute} is not a click command")
        return command


class LazyGroup(click.Group):
    """A group whose commands are imported on first use, listed from static help."""

    def __init__(self, *args: object, lazy: dict[str, LazyCommand], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        loaded = self.commands.get(cmd_name)
        if loaded is not None:
            return loaded
        entry = self.lazy.get(cmd_name)
        if entry is None:
            return None
        command = entry.load()
        if command is not None:
            self.commands[cmd_name] = command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the static table: nothing is imported to print it."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            entry = self.lazy.get(name)
            if entry is not None:
                text = entry.short_help
                if len(text) > limit:  # cut as click cuts a command's own help
                    text = click.Command(name, help=text).get_short_help_str(limit)
            else:
                text = self.commands[name].get_short_help_str(limit)
            rows.append((name, text))
        with formatter.section("Commands"):
            formatter.write_dl(rows)
