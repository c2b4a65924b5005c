"""Printing results: rich tables on a terminal, plain text in a pipe, JSON for scripts."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

import click
import orjson
from rich.console import Console

from planner.domain.calendar import format_day
from planner.domain.gaps import Severity

JSON_VERSION = 1
SEVERITY_STYLE = {Severity.CRITICAL: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def console() -> Console:
    if sys.stdout.isatty():
        return Console(highlight=False)
    return Console(highlight=False, width=200)


def emit_json(payload: dict[str, Any]) -> None:
    """Print a JSON document with the shape's version first."""
    body = {"version": JSON_VERSION, **payload}
    click.echo(orjson.dumps(body, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode())


def severity_text(severity: Severity) -> str:
    """Severity as a word with a symbol, so it survives without colour."""
    return f"[{SEVERITY_STYLE[severity]}]{severity.symbol} {severity.value}[/]"


def percent(value: float) -> str:
    return f"{round(value * 100):d}%"


def weekday_date(day: date | None) -> str:
    return format_day(day) if day else "no date"
