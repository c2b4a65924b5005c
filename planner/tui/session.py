"""What every screen needs: the store, today, the templates and the user's settings."""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from planner.config import ConfigError, Settings, save_setting
from planner.store.codec import Codec, accepts
from planner.store.errors import StoreError

if TYPE_CHECKING:
    from planner.domain.case import Case
    from planner.domain.gaps import Evaluation
    from planner.domain.template import Template

    # The store, the snapshot reader and the template library load in the worker that
    # opens the store, after the first paint (see `Session.open`).
    from planner.domain.template_loading import TemplateLibrary
    from planner.store.interface import CaseRepository

StoreOpener = Callable[[], "CaseRepository"]
FolderKind = Literal["import", "export"]


def reopen_with_passphrase(old: CaseRepository, passphrase: str) -> CaseRepository:
    """The same database as `old`, unlocked with `passphrase` (raises WrongPassphrase).

    Used after the passphrase was changed elsewhere; today's backup is already taken.
    """
    from planner.store.repository import CaseStore

    return CaseStore(
        old.path,
        officer=old.officer,
        passphrase=passphrase,
        read_only=True if old.read_only else None,
        auto_backup=False,
    )


@dataclass
class NewDatabase:
    """The database this run creates: before it is made, the officer is offered to
    encrypt it. `use` is given their choice (a codec, or None for a plain database);
    `words` are words a guesser would try first (the file's name, its folder)."""

    path: Path
    use: Callable[[Codec | None], None]
    words: tuple[str, ...] = ()
    cost: int | None = None  # scrypt's cost for the new key (the store's default if None)
    encrypt: bool = False  # the config file asks for encryption: go straight to the passphrase
    _decided: threading.Event = field(default_factory=threading.Event, repr=False)
    _cancelled: bool = False

    def decide(self, codec: Codec | None) -> None:
        self.use(codec)
        self._decided.set()

    def cancel(self) -> None:
        """planner is closing before the officer chose: nothing is created."""
        self._cancelled = True
        self._decided.set()

    def wait(self) -> None:
        """Until the officer has chosen (from the worker that opens the store)."""
        self._decided.wait()
        if self._cancelled:
            raise StoreError(f"{self.path.name} was not created")


@dataclass
class Session:
    """Shared by the screens of one app. The store may open late, in a worker."""

    opener: StoreOpener
    today: date
    settings: Settings
    template_library: Callable[[], TemplateLibrary]  # called once, when first needed
    officer: str = ""
    config_path: Path | None = None
    _store: CaseRepository | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    owns_store: bool = True
    failure: str | None = None  # why the app had to stop, for the CLI to report
    _header_key: tuple[int, int, int, int] | None = field(default=None, repr=False)
    _header_fits: bool = field(default=True, repr=False)
    new_database: NewDatabase | None = None  # first run: offer encryption before creating
    _templates: TemplateLibrary | None = field(default=None, repr=False)
    # Its own lock: the store's is held for seconds while a large database opens.
    _templates_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def templates(self) -> TemplateLibrary:
        """The templates new cases can use (loaded once, when first asked for)."""
        with self._templates_lock:
            if self._templates is None:
                self._templates = self.template_library()
            return self._templates

    @property
    def store(self) -> CaseRepository:
        """The open store; screens other than the caseload only run once it is open."""
        if self._store is None:
            return self.open()
        return self._store

    @property
    def is_open(self) -> bool:
        return self._store is not None

    @property
    def read_only(self) -> bool:
        """True once the store is open and cannot be changed here."""
        return self._store is not None and self._store.read_only

    def read_only_reason(self) -> str:
        """Why the open store is read-only, in a few words ('' when it is not)."""
        if not self.read_only:
            return ""
        assert self._store is not None
        path = self._store.path
        if not _writable(path.parent):
            return f"its folder {path.parent} cannot be written"
        if not _writable(path):
            return f"the file {path} cannot be written"
        return "it was opened read-only"

    def notices(self) -> list[str]:
        """What every screen's banner says about the database: read-only, a failed backup,
        files that do not vouch for each other."""
        if self._store is None:
            return []
        lines = []
        if self._store.read_only:
            lines.append(
                f"Read-only: this database cannot be changed here ({self.read_only_reason()})."
            )
        if self._store.backup_problem:
            lines.append(
                f"Backup problem: {self._store.backup_problem}. `planner doctor` says more."
            )
        unreachable = getattr(self._store, "connection_problem", None)  # a server's
        if unreachable:
            lines.append(
                f"Server unreachable: {unreachable}. What is on screen may be out of date; "
                "nothing is saved until it can be reached again."
            )
        problem = self._store.integrity_problem
        if problem is not None:
            lines.append(
                f"Damaged: {problem.text}. Nothing can be saved until it is repaired: "
                "run `planner doctor`."
            )
        return lines

    def open(self) -> CaseRepository:
        """Open the store (from a worker thread: at 20,000 people this takes seconds)."""
        if self.new_database is not None:
            self.new_database.wait()
        with self._lock:
            if self._store is None:
                store = self.opener()
                if self.officer:
                    store.officer = self.officer
                self._store = store
            return self._store

    def passphrase_changed(self) -> bool:
        """True when the open store's key no longer opens the file: its passphrase was
        changed (or a plain database encrypted) by `planner passphrase` since it opened.

        A stat(), and a read of the header line only when the file was replaced.
        """
        store = self._store
        if store is None:
            return False
        try:
            found = os.stat(store.path)
            key = (id(store), found.st_ino, found.st_size, found.st_mtime_ns)
            if key != self._header_key:
                from planner.store.snapshot import read_snapshot_header

                header, _ = read_snapshot_header(store.path)
                self._header_fits = accepts(store.codec, header.codec)
                self._header_key = key
        except (StoreError, OSError):  # a damaged or missing file: the store says what
            return False
        return not self._header_fits

    def reopen(self, passphrase: str) -> None:
        """Open the database again with `passphrase`, after it was changed elsewhere.

        From a worker thread: deriving the key takes a moment. Raises WrongPassphrase
        (and keeps the store as it was) when `passphrase` does not open it.
        """
        with self._lock:
            old = self._store
        if old is None:
            raise StoreError("the database is not open yet")
        store = reopen_with_passphrase(old, passphrase)
        if self.officer:
            store.officer = self.officer
        with self._lock:
            self._store = store
            close_old = self.owns_store
            self.owns_store = True  # the new one is this session's to close
        if close_old:
            old.close()

    def close(self) -> None:
        with self._lock:
            if self._store is not None and self.owns_store:
                self._store.close()
            self._store = None

    def read_case(self, number: str) -> tuple[Case, Template, Evaluation]:
        """A case, its template and its flags as of today (raises CaseNotFound)."""
        store = self.store
        case = store.get(number)
        template = store.template_for(case)
        from planner.domain.gaps import evaluate

        return case, template, evaluate(case, template, self.today)

    def new_case_template(self) -> Template:
        """The template new people are planned with."""
        return self.templates.get(self.settings.default_template)

    def set_officer(self, name: str) -> None:
        """Record who is acting, for this session's changes and in the config file."""
        self.officer = name
        if self._store is not None:
            self._store.officer = name
        self.settings = self.settings.model_copy(update={"officer": name})
        save_setting("officer", name, self.config_path)

    def set_theme(self, theme: str) -> None:
        if theme == self.settings.theme:
            return
        self.settings = self.settings.model_copy(update={"theme": theme})
        save_setting("theme", theme, self.config_path)

    def set_columns(self, names: list[str]) -> None:
        """The caseload's columns, chosen by the officer: used from now on, and kept in
        the config file as `columns` (the default of `planner list` too). From a worker:
        it writes a file; ConfigError or OSError when it cannot be kept."""
        self.settings = self.settings.model_copy(update={"columns": list(names)})
        save_setting("columns", list(names), self.config_path)

    def start_folder(self, kind: FolderKind) -> Path:
        """Where an import or export starts: the folder last used for it, or the home
        folder; never wherever planner happened to be started from."""
        remembered = getattr(self.settings, f"last_{kind}_folder")
        if remembered:
            folder = Path(remembered).expanduser()
            try:
                if folder.is_dir():
                    return folder
            except OSError:
                pass
        return Path.home()

    def remember_folder(self, kind: FolderKind, folder: Path) -> None:
        """Keep `folder` as the one to start from next time, in the config file (only that
        key is written). From a worker: it writes a file. Failing to keep it loses nothing."""
        key = f"last_{kind}_folder"
        value = str(folder)
        if getattr(self.settings, key) == value:
            return
        self.settings = self.settings.model_copy(update={key: value})
        # Not kept, the next import or export starts from the home folder instead.
        with contextlib.suppress(ConfigError, OSError):
            save_setting(key, value, self.config_path)


def _writable(path: Path) -> bool:
    """As the store judges it: an owner-write bit that is off means read-only, even for root."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return True
    return bool(mode & stat.S_IWUSR) and os.access(path, os.W_OK)
