"""`planner --help` prints every command without importing them, and says what they say."""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

import planner.cli
from planner.cli import cli, main
from planner.cli.command_index import COMMANDS
from planner.cli.context import PASSPHRASE_ENV
from planner.store.crypto import MIN_COST, AesGcmCodec
from planner.store.repository import CaseStore


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_listed_command_loads_under_its_name_with_its_help(name: str) -> None:
    command = COMMANDS[name].load()
    assert command is not None
    assert command.name == name
    assert COMMANDS[name].short_help == command.get_short_help_str(400), (
        f"planner/cli/command_index.py: the line for {name!r} should read "
        f"{command.get_short_help_str(400)!r}"
    )


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_static_command_list_reads_as_the_commands_own_help(width: int) -> None:
    ctx = click.Context(cli, info_name="planner", terminal_width=width)
    static = click.HelpFormatter(width=width)
    cli.format_commands(ctx, static)
    for name in COMMANDS:
        cli.get_command(ctx, name)  # now loaded: click lists them from their own help
    loaded = click.HelpFormatter(width=width)
    click.Group.format_commands(cli, ctx, loaded)
    assert static.getvalue() == loaded.getvalue()


def test_every_command_the_cli_defines_is_listed() -> None:
    # By the command itself, not its name: `planner server init` is not `planner init`.
    defined: dict[int, click.Command] = {}
    nested: set[int] = set()
    for info in pkgutil.iter_modules(planner.cli.__path__, "planner.cli."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, click.Command) and value is not cli:
                if value.callback is not None and value.callback.__module__ == info.name:
                    defined[id(value)] = value
                if isinstance(value, click.Group):
                    nested.update(id(command) for command in value.commands.values())
    top = {str(command.name) for key, command in defined.items() if key not in nested}
    assert top == set(COMMANDS)


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert f"\n  {name} " in out


def test_an_unknown_command_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lsit"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "lsit" in err


_IMPORTED_BY_HELP = """
import sys
from planner.cli import main
code = main(["--help"])
heavy = ("planner.store", "planner.export", "planner.domain", "planner.tui", "pydantic",
         "tinydb", "fpdf", "textual")
print(code, sorted(m for m in sys.modules if m.startswith(heavy)))
"""


def test_help_imports_neither_the_store_nor_the_exports_nor_pydantic() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTED_BY_HELP],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines()[-1] == "0 []"


_IMPORTED_BEFORE_THE_UI_STARTS = """
import sys
import textual.app

def run(self, *args, **kwargs):  # stands in for the app's run: report, do not start
    heavy = ("planner.store.repository", "planner.store.crypto", "planner.domain.template_loading",
             "tinydb", "cryptography", "fpdf", "planner.export")
    print(sorted(m for m in sys.modules if m.startswith(heavy)))

textual.app.App.run = run
from planner.cli import main
main(["--db", sys.argv[1], "--officer", "Test Officer"])
"""


@pytest.mark.parametrize("encrypted", [False, True])
def test_the_ui_starts_before_the_store_and_its_encryption_are_loaded(
    tmp_path: Path, encrypted: bool
) -> None:
    """The first paint waits only for what it draws: the store, the encryption library and
    the templates load in the worker that opens the database, after the first frame. (An
    encrypted database needs its key first: its passphrase is asked for before the app.)"""
    db = tmp_path / "planner.db"
    codec = AesGcmCodec.create("correct horse battery", cost=MIN_COST) if encrypted else None
    CaseStore(db, officer="Test Officer", codec=codec).close()
    env = {**os.environ, PASSPHRASE_ENV: "correct horse battery"}
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTED_BEFORE_THE_UI_STARTS, str(db)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    imported = done.stdout.splitlines()[-1]
    if encrypted:
        assert "planner.store.crypto" in imported and "tinydb" not in imported
    else:
        assert imported == "[]"


def test_a_bad_option_of_a_nested_command_names_its_whole_help_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["transfer", "in", "x.transfer", "--prefer", "bogus"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "(see 'planner transfer in --help')" in err
