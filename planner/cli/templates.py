"""planner templates: list the checklist templates, check a template file."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from planner.cli.context import Env
from planner.cli.output import console, echo_plain, emit_json, plain
from planner.domain.template_loading import TemplateError, load_template


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def templates(ctx: click.Context, as_json: bool) -> None:
    """List the checklist templates this site can use.

    Templates are TOML files. A site adds its own by putting them in a folder named in the
    config file ('template_dirs') or in $PLANNER_TEMPLATES; a site template with the same id
    as a built-in one replaces it. Each case keeps the template version it was made with.
    """
    if ctx.invoked_subcommand is not None:
        return
    env: Env = ctx.obj
    library = env.templates
    infos = library.list()
    stored: dict[str, str] = {}
    if env.db_path.exists():
        with env.open_store(create=False) as store:
            stored = store.stored_templates()
    if as_json:
        emit_json(
            {
                "templates": [
                    {
                        "id": i.id,
                        "version": i.version,
                        "title": i.title,
                        "path": str(i.path),
                        "items": i.item_count,
                    }
                    for i in infos
                ],
                "in_database": sorted(stored),
                "problems": [str(p) for e in library.problems() for p in e.problems],
            }
        )
        return
    table = Table(title="Checklist templates")
    for heading in ("Id", "Version", "Items", "Title", "File"):
        table.add_column(heading)
    for info in infos:
        table.add_row(
            plain(info.id),
            str(info.version),
            str(info.item_count),
            plain(info.title),
            plain(info.path),
        )
    out = console()
    out.print(table)
    for key, fingerprint in sorted(stored.items()):
        template_id, _, version = key.partition("@")
        current = next((i for i in infos if i.id == template_id), None)
        if current is None:
            continue
        on_disk = library.get(template_id)
        if str(on_disk.version) == version and on_disk.fingerprint() != fingerprint:
            out.print(
                plain(
                    f"! {key} differs from the copy cases were made with: give the edited "
                    "template a new version number so the change is deliberate.",
                    "yellow",
                )
            )
    for error in library.problems():
        out.print(plain(f"x {error.report()}", "red", multiline=True))


@templates.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def check(file: Path) -> None:
    """Check a template file and report every problem with its place in the file.

    \b
    Each problem is one line on stderr, in file order:
      site.toml:42: items[3] (bank.account) > due_days_before_release: ...
    and the exit code is 2 when there is any. Besides the format (keys, types, ranges),
    it checks what the template means: conditions must name items, evidence fields,
    choices and circumstances that exist, and no item's condition may depend on itself,
    directly or through other items.
    """
    try:
        template = load_template(file)
    except TemplateError as exc:
        for problem in exc.problems:
            echo_plain(str(problem), err=True)
        click.echo(
            f"{file.name}: {len(exc.problems)} problem(s); the template cannot be used.", err=True
        )
        raise click.exceptions.Exit(2) from None
    click.echo(
        f"{file.name}: template {template.key} is valid "
        f"({len(template.sections)} sections, {len(template.items)} items)."
    )
