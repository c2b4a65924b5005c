"""Printing results: rich tables on a terminal, plain text in a pipe, JSON for scripts.

Stored text is data: the console never reads markup or emoji codes in what it prints
(a name of `[/]` or `:smile:` is printed as typed), styles are given as `Text` styles,
and :func:`plain` shows what must not reach a terminal (ESC, bidi overrides...) as codes.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from typing import Any

import click
import orjson
from rich.console import Console
from rich.text import Text

from planner.domain.calendar import format_day
from planner.domain.gaps import Severity
from planner.domain.text import visible

JSON_VERSION = 1
SEVERITY_STYLE = {Severity.CRITICAL: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


DEFAULT_WIDTH = 80
MIN_WIDTH = 20


def terminal_width() -> int:
    """$COLUMNS when set; else the width of the terminal the output goes to, or of the
    one planner runs in when its output is piped (`planner list | less`); 80 when there
    is no terminal at all."""
    env = os.environ.get("COLUMNS", "").strip()
    if env.isdigit() and int(env) > 0:
        return max(int(env), MIN_WIDTH)
    for stream in (sys.stdout, sys.stderr, sys.stdin):
        try:
            columns = os.get_terminal_size(stream.fileno()).columns
        except (AttributeError, ValueError, OSError):
            continue
        if columns > 0:
            return max(columns, MIN_WIDTH)
    return DEFAULT_WIDTH


def console() -> Console:
    """A console as wide as :func:`terminal_width`."""
    return Console(highlight=False, markup=False, emoji=False, width=terminal_width())


def plain(value: object, style: str = "", *, multiline: bool = False) -> Text:
    """Any text (a name, a reason, an audit value) as it is, with `style`."""
    return Text(visible(str(value), multiline=multiline), style)


def cell(value: object) -> str:
    """Stored text for a plain table's cell: as it is, what must not reach a terminal as
    codes, tabs as spaces (line breaks kept)."""
    return visible(str(value), multiline=True).replace("\t", " ")


def echo_wrapped(text: str, width: int | None = None) -> None:
    """Print stored or long text wrapped to the terminal's width, never cut."""
    from planner.cli.plain_table import wrap

    for part in wrap(cell(text), width or terminal_width()):
        click.echo(part)


def echo_plain(line: str, *, err: bool = False) -> None:
    """click.echo for a line that holds stored text (or a file's)."""
    click.echo(visible(line, multiline=True), err=err)


def emit_json(payload: dict[str, Any]) -> None:
    """Print a JSON document with the shape's version first."""
    body = {"version": JSON_VERSION, **payload}
    click.echo(orjson.dumps(body, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode())


def severity_text(severity: Severity) -> Text:
    """Severity as a word with a symbol, so it survives without colour."""
    return Text(f"{severity.symbol} {severity.value}", SEVERITY_STYLE[severity])


def percent(value: float) -> str:
    return f"{round(value * 100):d}%"


def weekday_date(day: date | None) -> str:
    return format_day(day) if day else "no date"
