"""What every command needs: settings, the database path, who is acting, and today.

It also holds the one place the passphrase of an encrypted database is asked for:
``PLANNER_PASSPHRASE``, or a hidden prompt on a terminal. The key is derived once per run
and kept (as a codec) for every later open in the same run; it is never written anywhere.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from planner.config import (
    Settings,
    config_path,
    resolve_database,
    resolve_officer,
    template_dirs,
)
from planner.domain.errors import InvalidInput
from planner.domain.text import name_text
from planner.inputs import InputRefused, refuse_unless_regular
from planner.server.connect import database_name, describe, is_server_url, url_has_password
from planner.store.codec import PlainCodec
from planner.store.errors import PassphraseNeeded, WrongPassphrase

if TYPE_CHECKING:
    # Imported where they are used: opening the UI paints its first screen before the
    # store, its encryption and the template library are loaded (in the UI's worker).
    from planner.domain.template_loading import TemplateLibrary
    from planner.server.store import ServerStore
    from planner.store.codec import Codec
    from planner.store.crypto import AesGcmCodec
    from planner.store.interface import CaseRepository
    from planner.store.repository import CaseStore

PASSPHRASE_ENV = "PLANNER_PASSPHRASE"  # noqa: S105 - the name of a variable, not a secret
SERVER_PASSWORD_ENV = "PGPASSWORD"  # noqa: S105 - libpq's variable, read by libpq itself
NEW_PASSPHRASE_ENV = "PLANNER_NEW_PASSPHRASE"  # noqa: S105 - a variable name


class BadInput(click.ClickException):
    """One line on stderr and exit code 2: something the user gave cannot be used."""

    exit_code = 2


def can_prompt() -> bool:
    """A person can type an answer: a terminal, and not from inside the UI's workers."""
    interactive = sys.stdin is not None and sys.stdin.isatty()
    return interactive and threading.current_thread() is threading.main_thread()


def read_secret(prompt: str, *, env_var: str, confirm: bool, why: str) -> str:
    """A passphrase from `env_var` or a hidden prompt; BadInput when neither is possible."""
    value = os.environ.get(env_var)
    if value:
        return value
    if value == "" and not can_prompt():
        raise BadInput(f"{why}: {env_var} is set but empty")
    if not can_prompt():
        raise BadInput(f"{why}: set {env_var} or run planner in a terminal to type it")
    text: str = click.prompt(
        prompt,
        hide_input=True,
        confirmation_prompt="Type it again" if confirm else False,
        err=True,
    )
    return text


def new_codec(prompt: str, *, env_var: str, why: str, context: tuple[str, ...] = ()) -> AesGcmCodec:
    """A codec with a fresh salt for a passphrase chosen now (asked twice on a terminal).

    A passphrase too easy to guess is refused (BadInput); a fairly weak one is taken with
    a warning on stderr. `context` names words a guesser would try, like the file name.
    """
    from planner.store.crypto import AesGcmCodec, check_new_passphrase

    passphrase = read_secret(prompt, env_var=env_var, confirm=True, why=why)
    try:
        warning = check_new_passphrase(passphrase, context=context)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    if warning:
        click.echo(f"planner: warning: {warning}", err=True)
    return AesGcmCodec.create(passphrase)


def guessable_words(db_path: Path, officer: str) -> tuple[str, ...]:
    """Words a guesser would try first for this database: its name, its folder, the officer."""
    words = (db_path.stem, db_path.parent.name, *officer.split())
    return tuple(w for w in words if len(w) > 2)


def officer_name(name: str) -> str:
    """Who is acting, as recorded on every change: a name like any other stored one."""
    try:
        return name_text(name)
    except ValueError as exc:
        raise InvalidInput(
            f"officer name: {exc} (it comes from --officer, $PLANNER_OFFICER or the config file)"
        ) from None


def officer_missing() -> BadInput:
    """The refusal of a change that would be recorded against nobody: one line saying how
    to give the officer's name."""
    return BadInput(
        "no officer name is set, and every change is recorded against the officer who "
        'makes it: give --officer "Your Name", set PLANNER_OFFICER, or add '
        f'officer = "Your Name" to {config_path()}'
    )


@dataclass
class Env:
    settings: Settings
    db_path: Path
    officer: str
    today: date
    db_from_user: bool = False
    encrypt: bool = False  # encrypt a database created in this run (`planner init --encrypt`)
    server_url: str | None = None  # team mode: the cases are on this PostgreSQL server
    _library: TemplateLibrary | None = field(default=None, repr=False)
    _codec: Codec | None = field(default=None, repr=False)

    @classmethod
    def build(
        cls, settings: Settings, db: str | None, officer: str | None, today: date | None
    ) -> Env:
        server_url = server_database(db, settings)
        if server_url is not None:
            return cls(
                settings=settings,
                db_path=Path(database_name(server_url)),
                officer=officer_name(resolve_officer(officer, settings)),
                today=today or date.today(),
                db_from_user=True,
                server_url=server_url,
            )
        db_path = resolve_database(db, settings)
        try:  # a FIFO named as the database would block its first read forever
            refuse_unless_regular(db_path, what="a planner database")
        except InputRefused as exc:
            raise BadInput(f"{exc}; give a database file name with --db") from None
        return cls(
            settings=settings,
            db_path=db_path,
            officer=officer_name(resolve_officer(officer, settings)),
            today=today or date.today(),
            db_from_user=db is not None,
        )

    def acting_officer(self) -> str:
        """Who is making a change; BadInput (exit code 2) when no name is set anywhere.

        Every command that writes calls this before it does anything, so a change is never
        recorded against an unknown officer; reading commands work without a name.
        """
        if not self.officer:
            raise officer_missing()
        return self.officer

    @property
    def templates(self) -> TemplateLibrary:
        if self._library is None:
            from planner.domain.template_loading import TemplateLibrary

            self._library = TemplateLibrary(template_dirs(self.settings))
        return self._library

    @property
    def wants_encryption(self) -> bool:
        """Encrypt new databases: `init --encrypt`, or the `encrypt` setting."""
        return self.encrypt or bool(getattr(self.settings, "encrypt", False))

    def unlock(self, passphrase: str | None = None) -> Codec | None:
        """Unlock the existing database with `passphrase` (default: PLANNER_PASSPHRASE or a
        prompt) and keep the key for this run. Returns None for a database that is not
        encrypted. Raises WrongPassphrase (a StoreError) when it does not fit, so a UI can
        ask again; nothing is written either way."""
        if self._codec is not None:
            return self._codec
        from planner.store.snapshot import read_snapshot_header

        header, _ = read_snapshot_header(self.db_path)
        if header.codec.get("name") == PlainCodec.name:
            return None  # no key to derive, and no need to load the encryption library
        from planner.store.crypto import codec_for

        name = self.db_path.name

        def ask() -> str:
            if passphrase is not None:
                return passphrase
            return read_secret(
                f"Passphrase for {name}",
                env_var=PASSPHRASE_ENV,
                confirm=False,
                why=f"{name} is encrypted and needs its passphrase",
            )

        codec = codec_for(header.codec, what=name, passphrase=ask)
        if codec.name == "plain":
            return None
        self._codec = codec
        return codec

    def use_codec(self, codec: Codec | None) -> None:
        """Create the new database with `codec` (None: not encrypted), chosen in the UI."""
        self._codec = codec

    def codec(self, *, creating: bool) -> Codec | None:
        """The codec to open the database with: None for a plain database."""
        if self._codec is not None:
            return self._codec
        if creating:
            if not self.wants_encryption:
                return None
            self._codec = new_codec(
                f"New passphrase for {self.db_path.name}",
                env_var=PASSPHRASE_ENV,
                why=f"{self.db_path.name} is to be encrypted and needs a passphrase",
                context=guessable_words(self.db_path, self.officer),
            )
            return self._codec
        try:
            return self.unlock()
        except (WrongPassphrase, PassphraseNeeded) as exc:
            raise BadInput(str(exc)) from None

    def open_store(
        self,
        *,
        create: bool = True,
        read_only: bool | None = None,
        auto_backup: bool = True,
        writes: bool = False,
    ) -> CaseRepository:
        """Open the database (a file, or a server's in team mode). `writes`: the command
        changes it, so an officer's name is required first (see `acting_officer`)."""
        if writes:
            self.acting_officer()
        if self.server_url is not None:
            return self.open_server(self.server_url, read_only=read_only)
        if not create and not self.db_path.exists():
            raise click.ClickException(
                f"no database at {self.db_path}: add people with 'planner add', "
                "'planner import' or 'planner demo' first"
            )
        from planner.store.repository import CaseStore

        creating = not self.db_path.exists()
        store = CaseStore(
            self.db_path,
            officer=self.officer,
            codec=self.codec(creating=creating),
            read_only=read_only,
            backups_keep=self.settings.backups_keep,
            auto_backup=auto_backup,
        )
        if threading.current_thread() is threading.main_thread():
            if store.backup_problem:
                click.echo(f"planner: warning: {store.backup_problem}", err=True)
            if store.integrity_problem is not None:
                click.echo(
                    f"planner: warning: {store.integrity_problem.text}; changes cannot be "
                    "saved until it is repaired: run 'planner doctor'",
                    err=True,
                )
        return store

    def open_file_store(self, what: str, **options: bool) -> CaseStore:
        """The database file, for what only a file has (passphrase, backups): a server
        database is refused in one line naming `what`."""
        if self.server_url is not None:
            raise BadInput(
                f"{what} is for a database file; the server database {describe(self.server_url)} "
                "is protected and backed up by its server (its administrator's pg_dump)"
            )
        store = self.open_store(**options)
        from planner.store.repository import CaseStore

        assert isinstance(store, CaseStore)
        return store

    def open_server(self, url: str, *, read_only: bool | None = None) -> ServerStore:
        """The server database at `url`. libpq reads PGPASSWORD and ~/.pgpass itself; a
        password the server still asks for is typed at a hidden prompt."""
        from planner.server.store import ServerStore

        where = describe(url)

        def password() -> str:
            return read_secret(
                f"Password for {where}",
                env_var=SERVER_PASSWORD_ENV,
                confirm=False,
                why=f"the server database {where} asks for a password",
            )

        return ServerStore(url, officer=self.officer, read_only=read_only, password=password)


def server_database(cli_value: str | None, settings: Settings) -> str | None:
    """The server database's URL when --db, PLANNER_DB or the config file's `database`
    names one (the first of them that is set decides); None for a file.

    A password written in the config file is refused: it would lie in plain text in a
    file anyone reading the officer's folder can read."""
    from_settings = settings.database
    for candidate, source in (
        (cli_value, "--db"),
        (os.environ.get("PLANNER_DB"), "PLANNER_DB"),
        (from_settings, "config"),
    ):
        if not candidate:
            continue
        if not is_server_url(candidate):
            return None
        if source == "config" and url_has_password(candidate):
            raise BadInput(
                f"the database URL in {config_path()} holds a password, which must never be "
                "kept in the config file: remove it and use PGPASSWORD, a .pgpass file or the "
                "prompt"
            )
        return candidate.strip()
    return None


pass_env = click.make_pass_decorator(Env)
