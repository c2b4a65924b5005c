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


def console() -> Console:
    """The terminal's width; in a pipe 200 columns, or $COLUMNS when it is set."""
    width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 200
    return Console(highlight=False, markup=False, emoji=False, width=width)


def plain(value: object, style: str = "", *, multiline: bool = False) -> Text:
    """Any text (a name, a reason, an audit value) as it is, with `style`."""
    return Text(visible(str(value), multiline=multiline), style)


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
