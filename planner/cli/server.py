"""`planner server`: set up a PostgreSQL server database for team mode (administrators)."""

from __future__ import annotations

import click
import psycopg
from psycopg import sql

from planner.cli.context import BadInput, Env, pass_env
from planner.cli.output import echo_plain
from planner.server.connect import connect, describe, is_server_url
from planner.server.migrations import (
    ADMIN_ROLE,
    OFFICER_ROLE,
    REGIONAL_ROLE,
    SCHEMA_VERSION,
    apply_migrations,
)
from planner.store.errors import StoreError


def _server_url(env: Env) -> str:
    if env.server_url is None:
        raise BadInput(
            "give the server database with --db postgresql://ADMIN@HOST/DATABASE (or PLANNER_DB)"
        )
    return env.server_url


@click.group()
def server() -> None:
    """Set up a PostgreSQL server database for a team (run by its administrator)."""


@server.command()
@pass_env
def init(env: Env) -> None:
    """Create or upgrade planner's schema and roles on the server database at --db."""
    url = _server_url(env)
    with connect(url) as conn:
        try:
            applied = apply_migrations(conn)
        except psycopg.errors.InsufficientPrivilege as exc:
            raise StoreError(
                "the role in --db may not create planner's schema and roles "
                f"({exc.diag.message_primary}); connect as the database's owner with the "
                "CREATEROLE right"
            ) from None
    done = ", ".join(str(v) for v in applied) if applied else "none (already up to date)"
    echo_plain(
        f"{describe(url)}: planner schema version {SCHEMA_VERSION} (migrations applied: {done}). "
        f"Officers log in as roles in {OFFICER_ROLE}, regional managers in {REGIONAL_ROLE}, "
        f"administrators in {ADMIN_ROLE}: 'planner server add-officer' adds one."
    )


@server.command("add-officer")
@click.argument("role")
@click.option("--prison", "prisons", multiple=True, help="A prison whose cases they work on.")
@click.option("--regional", is_flag=True, help="Reads every prison's cases instead.")
@pass_env
def add_officer(env: Env, role: str, prisons: tuple[str, ...], regional: bool) -> None:
    """Let an existing login ROLE use planner: an officer of --prison, or --regional."""
    url = _server_url(env)
    if not regional and not prisons:
        raise BadInput("give --prison (one or more) for an officer, or --regional")
    if not is_server_url(url):
        raise BadInput("--db must name a server database")
    with connect(url) as conn, conn.transaction():
        found = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        if found is None:
            raise BadInput(
                f"there is no role {role} on the server: create it first "
                f"(CREATE ROLE {role} LOGIN PASSWORD '...')"
            )
        group = REGIONAL_ROLE if regional else OFFICER_ROLE
        conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(role)))
        for prison in prisons:
            conn.execute(
                "INSERT INTO planner.prison_members (role_name, prison) VALUES (%s, %s)"
                " ON CONFLICT DO NOTHING",
                (role, prison),
            )
    where = "every prison (read only)" if regional else ", ".join(prisons)
    echo_plain(f"{role} may now use planner on {describe(url)}: {where}")
