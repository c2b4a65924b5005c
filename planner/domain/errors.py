"""Errors for bad input: the message names the field, the row or the line."""

from __future__ import annotations

from pydantic import ValidationError


class InvalidInput(ValueError):
    """Input a user typed or a file held is not acceptable; exit code 2 from the CLI."""


def describe_validation_error(exc: ValidationError, *, prefix: str = "") -> str:
    """The first problem of a pydantic error as one line: 'release_date: ...'."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "value"
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{prefix}{where}: {message}"
