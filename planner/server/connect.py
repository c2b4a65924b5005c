"""Reaching the server: which `--db` values name one, and one-line errors when it fails.

Passwords are never planner's to keep: libpq reads PGPASSWORD and ~/.pgpass itself, and
when the server still asks for one the caller may prompt for it (see `ServerStore`).
TLS options (sslmode, sslrootcert and the rest) pass through in the URL to libpq as
they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from planner.store.errors import StoreError

SCHEMES = ("postgresql://", "postgres://")
PasswordSource = Callable[[], str]


class ServerUnreachable(StoreError):
    """The server cannot be reached or refused the connection; nothing was changed."""


class CommitUncertain(ServerUnreachable):
    """The connection was lost while a change was being committed: the server may have
    committed it or not, and planner cannot tell which until it can read it again."""


def is_server_url(text: str | None) -> bool:
    return text is not None and text.strip().lower().startswith(SCHEMES)


def url_has_password(url: str) -> bool:
    try:
        return bool(conninfo_to_dict(url).get("password"))
    except psycopg.ProgrammingError:
        return False


def describe(url: str) -> str:
    """The server database for messages: user, host and database name, no password."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the server database"
    host = str(parts.get("host") or "localhost")
    if host.startswith("/"):
        host = "local socket"
    user = f"{parts['user']}@" if parts.get("user") else ""
    return f"{user}{host}/{parts.get('dbname', '')}"


def database_name(url: str) -> str:
    try:
        return str(conninfo_to_dict(url).get("dbname") or "planner")
    except psycopg.ProgrammingError:
        return "planner"


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0].removeprefix("connection failed: ") if text else type(exc).__name__


def needs_password(exc: psycopg.OperationalError) -> bool:
    text = str(exc)
    return "no password supplied" in text or "password authentication failed" in text


def connect(
    url: str, password: PasswordSource | None = None, **kwargs: Any
) -> psycopg.Connection[Any]:
    """One connection (for administration and migration); ServerUnreachable when it fails."""
    try:
        return psycopg.connect(url, **kwargs)
    except psycopg.OperationalError as exc:
        if password is not None and needs_password(exc):
            try:
                return psycopg.connect(make_conninfo(url, password=password()), **kwargs)
            except psycopg.OperationalError as again:
                exc = again
        raise unreachable(url, exc) from None


def unreachable(url: str, exc: BaseException) -> ServerUnreachable:
    return ServerUnreachable(
        f"cannot reach the server database {describe(url)}: {first_line(exc)}; nothing was changed"
    )
