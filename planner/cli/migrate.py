"""`planner migrate`: move a team's cases from a database file onto the server, or a
prison's cases from the server back into a file."""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.context import BadInput, Env, pass_env
from planner.cli.output import echo_plain
from planner.server.connect import describe, is_server_url, url_has_password
from planner.store.errors import StoreError
from planner.store.repository import utc_now


@click.command()
@click.option("--to", "to", required=True, metavar="URL|FILE", help="Where the cases go.")
@click.option(
    "--from",
    "from_",
    metavar="URL",
    help="A server database to export from (then --to is a new database file).",
)
@click.option("--prison", help="With --from: only this prison's cases.")
@pass_env
def migrate(env: Env, to: str, from_: str | None, prison: str | None) -> None:
    """Copy the database file (--db) to a server (--to postgresql://...), or a server's
    cases (--from postgresql://...) to a new file (--to FILE)."""
    from planner.server.copying import copy_to_file, copy_to_server

    by = env.acting_officer()
    if from_ is None:
        if not is_server_url(to):
            raise BadInput("--to must be a postgresql:// URL (or give --from to export to a file)")
        if url_has_password(to):
            raise BadInput("--to holds a password: use PGPASSWORD, a .pgpass file or the prompt")
        if not env.db_path.exists():
            raise BadInput(f"no database at {env.db_path} to copy")
        with (
            env.open_file_store(
                "planner migrate", create=False, read_only=True, auto_backup=False
            ) as source,
            env.open_server(to) as target,
        ):
            report = copy_to_server(source, target, by=by)
        where = describe(to)
    else:
        if not is_server_url(from_) or is_server_url(to):
            raise BadInput("--from must be a postgresql:// URL and --to a database file")
        from planner.store.repository import CaseStore

        path = Path(to).expanduser()
        if path.exists():
            raise BadInput(f"{path} already exists: give a new file for the exported cases")
        with env.open_server(from_) as source, CaseStore(path, officer=by) as target:
            report = copy_to_file(source, target, prison=prison, at=utc_now(), by=by)
        where = str(path)
    if not report.verified:
        raise StoreError(
            f"copied to {where}, but {len(report.missing)} case(s) are missing and "
            f"{len(report.mismatched)} differ there; run the same command again"
        )
    echo_plain(
        f"{report.copied} case(s) copied to {where}, {report.skipped} already there; "
        f"{report.audit_entries} audit entries, {report.templates} template version(s); "
        "every case checked by its checksum"
    )
