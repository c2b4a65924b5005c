"""planner init, passphrase, backup, restore, doctor and purge: looking after the data."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import click

from planner.cli.context import (
    NEW_PASSPHRASE_ENV,
    PASSPHRASE_ENV,
    BadInput,
    Env,
    can_prompt,
    guessable_words,
    new_codec,
    pass_env,
    read_secret,
)
from planner.cli.output import echo_plain
from planner.domain.calendar import format_day
from planner.domain.dates import parse_date
from planner.store.backup import restore_into, verify_backup
from planner.store.backup_folders import (
    Backup,
    backups_root,
    check_backup,
    list_backups,
    read_backup,
)
from planner.store.codec import Codec, is_plain
from planner.store.crypto import codec_for
from planner.store.doctor import encrypted
from planner.store.errors import BackupInvalid, StoreError, WrongPassphrase
from planner.store.inspect import human_size
from planner.store.rekey import PLAIN, sealed_with
from planner.store.repository import CaseStore
from planner.store.retention import DEFAULT_STATES, PurgePlan
from planner.store.snapshot import read_snapshot_header

LOCK_TIMEOUT = 15.0


def _confirm(question: str, yes: bool) -> bool:
    if yes:
        return True
    if not can_prompt():
        raise BadInput("this needs a yes: add --yes to go ahead without a question")
    return click.confirm(question, default=False, err=True)


# --- init ---------------------------------------------------------------------------------


@click.command()
@click.option(
    "--encrypt",
    is_flag=True,
    help=f"Encrypt the database (recommended for real records). The passphrase comes from "
    f"${PASSPHRASE_ENV} or is asked for twice; it cannot be recovered if lost.",
)
@pass_env
def init(env: Env, encrypt: bool) -> None:
    """Create a new, empty database at --db (or the default place).

    With --encrypt every file planner writes for it (the database, its journal, its audit
    log and its backups) is encrypted with AES-256-GCM under a key made from your
    passphrase. Without the passphrase nobody, not even you, can read the records.

    \b
    Example:
      planner --db /shared/resettlement/planner.db init --encrypt
    """
    path = env.db_path
    if path.exists():
        raise BadInput(f"{path} already exists; choose another --db or use it as it is")
    if path.is_dir():
        raise BadInput(f"{path} is a folder; give a database file name with --db")
    env.encrypt = env.encrypt or encrypt
    with env.open_store(create=True, writes=True) as store:
        secured = store.encrypted
    if secured:
        click.echo(
            f"Created {path}, encrypted. Keep the passphrase safe: without it the records "
            "and their backups cannot be read by anyone."
        )
    else:
        click.echo(
            f"Created {path}, not encrypted: anyone who can read the file can read the "
            "records. To encrypt it, run 'planner passphrase'."
        )


# --- passphrase ---------------------------------------------------------------------------


@click.command()
@pass_env
def passphrase(env: Env) -> None:
    """Change the passphrase of an encrypted database, or encrypt a plain one.

    Every file is sealed anew: the database, its journal, its audit log and the backups
    beside it. If planner is stopped half way (a crash, a power cut) the database still
    opens with the old passphrase or with the new one. Other planners that have the
    database open must be restarted.

    \b
    The current passphrase comes from $PLANNER_PASSPHRASE or a prompt; the new one from
    $PLANNER_NEW_PASSPHRASE or a prompt that asks twice. Use at least 8 characters: a few
    unrelated words are easy to remember and hard to guess. A passphrase that is easy to
    guess (a common password, a name, a keyboard run) is refused; a fairly weak one is
    taken with a warning.
    """
    if not env.db_path.exists():
        raise BadInput(f"no database at {env.db_path}")
    name = env.db_path.name
    with env.open_file_store(
        "planner passphrase", create=False, auto_backup=False, writes=True
    ) as store:
        was_plain = not store.encrypted
        codec = new_codec(
            f"New passphrase for {name}",
            env_var=NEW_PASSPHRASE_ENV,
            why=f"a new passphrase for {name} is needed",
            context=guessable_words(env.db_path, env.officer),
        )
        report = store.admin.change_passphrase(codec)
    done = "is now encrypted" if was_plain else "has a new passphrase"
    backups = len(report.backups_done)
    click.echo(
        f"{name} {done}: the database, its journal, its audit log and "
        f"{backups} backup{'s' if backups != 1 else ''} are sealed with it."
    )
    for folder, problem in report.backups_skipped:
        click.echo(f"Backup {folder.name} was left as it was: {problem}", err=True)
    if report.asides:
        kind = "unencrypted" if was_plain else "sealed with the old passphrase"
        click.echo(
            f"{len(report.asides)} file(s) kept aside by earlier restores are {kind} "
            f"({report.asides[0].name}, ...): delete them once you no longer need them."
        )
    click.echo("Any other planner that has this database open asks for the new passphrase.")


# --- backup and restore -------------------------------------------------------------------


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--list", "list_only", is_flag=True, help="List the backups and check each one.")
@pass_env
def backup(env: Env, path: Path | None, list_only: bool) -> None:
    """Take a verified backup now, or list backups (--list).

    Without PATH the backup goes beside the database, in NAME.backups/DATE-TIME/, where
    planner also takes one by itself on the first open of each day and keeps the newest
    (backups_keep in the config file, 14 by default). With PATH it goes into that new
    folder, for example on a USB stick. A backup of an encrypted database is encrypted
    with the same passphrase. Each backup is read back and opened before planner says so.
    """
    if list_only:
        _list_backups(env)
        return
    if path is not None and path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BadInput(f"{path} already exists; give a new folder for the backup")
    with env.open_file_store("planner backup", create=False, auto_backup=False) as store:
        taken = store.admin.backup(path)
        codec = store.codec
    changes = verify_backup(taken, codec)
    size = sum(p.stat().st_size for p in taken.folder.iterdir() if p.is_file())
    sealed = "encrypted" if not is_plain(codec) else "not encrypted"
    click.echo(
        f"Backup written to {taken.folder} and verified (up to change {changes}, "
        f"{human_size(size)}, {sealed})."
    )
    if path is None:
        keep = env.settings.backups_keep
        click.echo(f"The newest {keep} backups beside the database are kept.")


def _list_backups(env: Env) -> None:
    found = list_backups(backups_root(env.db_path))
    if not found:
        click.echo(f"No backups beside {env.db_path}.")
        return
    codec = _current_codec(env)
    for item in found:
        problem = check_backup(item)
        state = "good" if problem is None else f"NOT USABLE: {problem}"
        if problem is None:
            state += f", {_sealing(item, codec)}"
        click.echo(f"{item.folder}  {item.when()}  change {item.seq}  {state}")


def _current_codec(env: Env) -> Codec | None:
    """The database's key when it is encrypted and the passphrase is at hand (None else)."""
    if not env.db_path.exists() or not encrypted(env.db_path):
        return None
    if not (os.environ.get(PASSPHRASE_ENV) or can_prompt()):
        return None
    try:
        return env.unlock()
    except StoreError:
        return None


def _sealing(backup: Backup, codec: Codec | None) -> str:
    which = sealed_with(backup, codec)
    if which == PLAIN:
        return "not encrypted"
    if codec is None:
        return "encrypted (give the passphrase to see which one opens it)"
    return f"opens with {which}"


@click.command(name="restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--force",
    is_flag=True,
    help="Restore a backup of another database, or one encrypted differently from it.",
)
@pass_env
def restore_command(env: Env, path: Path, yes: bool, force: bool) -> None:
    """Put a backup in place of the database.

    PATH is a backup folder (see 'planner backup --list'). The backup is opened and
    checked first (with its passphrase, if it is encrypted); then the current files are
    kept aside, renamed NAME.before-restore-DATE-TIME (nothing is deleted), and the
    backup's files take their place. Changes made after the backup was taken are not in
    it. A backup of another database, or one that is encrypted where the database is not
    (or the other way round), is refused unless --force.
    """
    officer = env.acting_officer()  # the restore is recorded against its officer
    try:
        chosen = read_backup(path)
    except BackupInvalid as exc:
        raise BadInput(str(exc)) from None
    codec = _backup_codec(env, chosen)
    changes = verify_backup(chosen, codec)
    data = env.db_path
    mismatch = _mismatch(chosen, data, codec)
    if mismatch and not force:
        raise BadInput(f"{mismatch}; add --force to restore it all the same")
    if mismatch:
        click.echo(f"Warning: {mismatch}.", err=True)
    click.echo(
        f"Backup {chosen.folder.name} from {chosen.when()} is good (up to change {changes}). "
        f"It will replace {data}; the current files are kept aside."
    )
    if not _confirm(f"Restore it over {data.name}?", yes):
        click.echo("Nothing was changed.")
        return
    now = datetime.now(UTC)
    try:
        aside = restore_into(data, chosen, now=now, lock_timeout=LOCK_TIMEOUT)
    except OSError as exc:
        raise click.ClickException(
            f"could not restore ({exc.strerror or exc}); run 'planner doctor' to see where "
            "things stand: the database opens as it was or as the backup, never neither"
        ) from None
    env._codec = codec if not is_plain(codec) else None
    with CaseStore(data, officer=officer, codec=codec, auto_backup=False) as store:
        store.admin.record_event(
            "database.restored",
            f"restored from backup {chosen.folder.name} taken {chosen.taken.isoformat()}",
        )
    click.echo(f"Restored {data.name} from {chosen.folder}.")
    if aside:
        click.echo("The previous files are kept as: " + ", ".join(p.name for p in aside))


def _mismatch(chosen: Backup, data: Path, codec: Codec) -> str | None:
    """Why restoring `chosen` over the database at `data` is probably a mistake, or None."""
    try:
        header, _ = read_snapshot_header(data)
    except (StoreError, OSError):
        return None  # no database (or a damaged one): the backup is what is wanted
    if header.db_id != chosen.db_id:
        return (
            f"backup {chosen.folder.name} is of another database (id {chosen.db_id[:12]}) than "
            f"{data.name} (id {header.db_id[:12]})"
        )
    here_encrypted = header.codec.get("name") != "plain"
    if here_encrypted and is_plain(codec):
        return (
            f"backup {chosen.folder.name} is not encrypted but {data.name} is: restoring it "
            "leaves the records unencrypted"
        )
    if not here_encrypted and not is_plain(codec):
        return (
            f"backup {chosen.folder.name} is encrypted but {data.name} is not: after "
            "restoring, the database opens only with the backup's passphrase"
        )
    return None


def _backup_codec(env: Env, chosen: Backup) -> Codec:
    header, _ = read_snapshot_header(chosen.files.data)
    name = chosen.folder.name

    def ask() -> str:
        return read_secret(
            f"Passphrase for backup {name}",
            env_var=PASSPHRASE_ENV,
            confirm=False,
            why=f"backup {name} is encrypted and needs its passphrase",
        )

    try:
        return codec_for(header.codec, what=f"backup {name}", given=env._codec, passphrase=ask)
    except WrongPassphrase as exc:
        raise BadInput(str(exc)) from None


# --- purge --------------------------------------------------------------------------------


@click.command()
@click.option(
    "--released-before",
    "before_text",
    required=True,
    metavar="DATE",
    help="Remove people released (or transferred) with a release date before this day.",
)
@click.option(
    "--released-only", is_flag=True, help="Keep people marked transferred; remove released only."
)
@click.option("--dry-run", is_flag=True, help="Show who would be removed; change nothing.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_env
def purge(env: Env, before_text: str, released_only: bool, dry_run: bool, yes: bool) -> None:
    """Remove people who have left, under your retention rule, for good.

    Removes everyone whose case state is released (or transferred) and whose release date
    is before DATE: their details, their checklist and every audit entry about them. The
    audit log keeps a note of the purge itself (how many, the date rule, who, when) with
    no names or numbers. It lists who will go and asks first.

    \b
    Backups taken before the purge still hold these records until they are rotated out
    (backups_keep, 14 by default: one backup per day planner is used).

    \b
    Example:
      planner purge --released-before 2025-11-01 --dry-run
    """
    before = parse_date(before_text, "--released-before")
    if before > env.today:
        raise BadInput("--released-before must not be after today")
    states = ("released",) if released_only else DEFAULT_STATES
    with env.open_store(create=False, writes=not dry_run) as store:
        plan = store.admin.plan_purge(before, states)
        _print_plan(plan)
        if not plan.people:
            click.echo("Nobody to remove.")
            return
        if dry_run:
            click.echo("Dry run: nothing was removed.")
            return
        count = len(plan.people)
        question = (
            f"Remove these {count} {'person' if count == 1 else 'people'}, their checklists "
            "and their history for good?"
        )
        if not _confirm(question, yes):
            click.echo("Nothing was removed.")
            return
        removed = store.admin.purge(plan)
        backups = store.admin.backups()
    click.echo(
        f"Removed {removed} {'person' if removed == 1 else 'people'}, with their checklists "
        "and history. The audit log records the purge (how many, by whom, when) without names."
    )
    _print_backup_retention(env, backups)


def _print_plan(plan: PurgePlan) -> None:
    states = " or ".join(plan.states)
    click.echo(
        f"{len(plan.people)} {'person' if len(plan.people) == 1 else 'people'} {states} "
        f"with a release date before {format_day(plan.before)}:"
    )
    for person in plan.people:
        echo_plain(
            f"  {person.number}  {person.name}  {person.state}  {format_day(person.release_date)}"
        )
    if plan.undated:
        click.echo(
            f"{plan.undated} {'person' if plan.undated == 1 else 'people'} {states} with no "
            "release date are kept: give them a release date to bring them under the rule."
        )


def _print_backup_retention(env: Env, backups: list[Backup]) -> None:
    keep = env.settings.backups_keep
    if backups:
        oldest = backups[-1]
        click.echo(
            f"Backups taken before now still hold their records: {len(backups)} beside the "
            f"database, the oldest from {oldest.when()}. Each backup is deleted once {keep} "
            f"newer ones exist (one is taken on each day planner is used), so after {keep} "
            "more days of use no backup beside the database holds them. Copies made with "
            "'planner backup PATH' elsewhere, and files kept aside by restores "
            "(NAME.before-restore-*), must be deleted by hand."
        )
    else:
        click.echo("There are no backups beside the database that hold their records.")
