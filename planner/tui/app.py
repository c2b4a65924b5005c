"""The planner app: a caseload screen to start from, and a factory to build it.

No exception ever shows a traceback (see :mod:`planner.tui.guard`); a passphrase
changed elsewhere while the app is open is asked for, and the officer goes on.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import WorkerCancelled, WorkerFailed

from planner.config import Settings
from planner.store.codec import Codec
from planner.store.errors import StoreError, WrongPassphrase
from planner.tui.commands import ScreenCommands
from planner.tui.guard import GuardedApp
from planner.tui.keys import checked_keymap
from planner.tui.literal import toast
from planner.tui.no_color import use_readable_monochrome
from planner.tui.save_queue import SAVE_GROUPS, STOPPED_GROUPS, StopsBeforeQuitting
from planner.tui.screens.caseload import CaseloadScreen
from planner.tui.screens.help import HelpScreen, screen_keys
from planner.tui.screens.passphrase import (
    ENCRYPT,
    EncryptOfferScreen,
    NewPassphraseScreen,
    PassphraseChanged,
    PassphraseScreen,
)
from planner.tui.screens.prompts import OfficerPrompt, PickerScreen
from planner.tui.screens.unsaved import DISCARD, SAVE, FormScreen, UnsavedChangesScreen
from planner.tui.session import NewDatabase, Session
from planner.tui.themes import DEFAULT_THEME, PLANNER_THEMES, THEME_CHOICES

if TYPE_CHECKING:
    # Loaded in the worker that opens the store, after the first paint.
    from planner.domain.template_loading import TemplateLibrary
    from planner.store.interface import CaseRepository

PASSPHRASE_WATCH_SECONDS = 3.0  # as often as the screens look for changes


class PlannerApp(GuardedApp):
    """Keyboard-first release planning; see `make_app`."""

    CSS_PATH = "app.tcss"
    TITLE = "planner"
    COMMANDS = App.COMMANDS | {ScreenCommands}
    # A class for the narrow layouts of app.tcss (the caseload's preview at 80 columns).
    HORIZONTAL_BREAKPOINTS = [(0, "-under-100"), (100, "")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f1,question_mark",
            "help",
            "Keys",
            tooltip="Show the keys of this screen",
            id="app.help",
        ),
        Binding(
            "ctrl+t",
            "pick_theme",
            "Theme",
            show=False,
            tooltip="Choose colours, including high contrast",
            id="app.theme",
        ),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        if self.no_color:  # greys, with text that stands out from its background
            use_readable_monochrome(self._filters)
        self.session = session
        self._unlocking = False
        self._after_unlock: list[Callable[[], None]] = []
        for theme in PLANNER_THEMES:
            self.register_theme(theme)
        wanted = session.settings.theme
        self.theme = wanted if wanted in self.available_themes else DEFAULT_THEME

    def get_default_screen(self) -> Screen[None]:
        return CaseloadScreen(self.session)

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.apply_keys(self.session.settings.keys)
        self.set_interval(PASSPHRASE_WATCH_SECONDS, self.look_for_new_passphrase)
        if not self.session.officer:
            self.push_screen(OfficerPrompt(), self._officer_given)
        else:
            self.offer_encryption()

    # --- first run: who is acting, and a new database offered encryption ------------------

    def offer_encryption(self) -> None:
        """A database this run creates: encrypt it (recommended) or not, before it is made."""
        new = self.session.new_database
        if new is None:
            return

        def answered(answer: str | None) -> None:
            if answer == ENCRYPT:
                self.push_screen(NewPassphraseScreen(new, self.session.officer), chosen)
            else:
                new.decide(None)
                toast(
                    self,
                    f"{new.path.name} is not encrypted; 'planner passphrase' encrypts it.",
                    severity="warning",
                    timeout=10,
                )

        def chosen(codec: Codec | None) -> None:
            if codec is None:  # back to the question
                self.push_screen(EncryptOfferScreen(new.path), answered)
                return
            new.decide(codec)
            toast(
                self,
                f"{new.path.name} is encrypted. Keep the passphrase safe: without it the "
                "records cannot be read.",
                timeout=10,
            )

        if new.encrypt:
            answered(ENCRYPT)
        else:
            self.push_screen(EncryptOfferScreen(new.path), answered)

    def apply_keys(self, keys: Mapping[str, str]) -> None:
        """Use the config file's `[keys]`; say which entries cannot be used."""
        if not keys:
            return
        usable, problems = checked_keymap(keys)
        self.set_keymap(usable)
        if problems:
            toast(
                self,
                "Config file [keys]: " + "; ".join(problems) + ".",
                severity="warning",
                timeout=15,
            )

    def _remember_theme(self, theme: Theme) -> None:
        self.session.set_theme(theme.name)

    def _officer_given(self, name: str | None) -> None:
        if name is None:
            self.session.failure = (
                "planner records who makes each change: run it again and give your name, "
                "or use --officer"
            )
            self.exit(return_code=1)
            return
        self.session.set_officer(name)
        self.screen.sub_title = name
        toast(self, f"Welcome, {name}. Your name is saved for next time.")
        self.offer_encryption()

    async def action_quit(self) -> None:
        """Ctrl+Q (or q) leaves planner; with a form's changes not saved, it asks first:
        save (then leave), leave without them, or keep editing."""
        form = next(
            (
                screen
                for screen in reversed(self.screen_stack)
                if isinstance(screen, FormScreen) and screen.has_unsaved_changes()
            ),
            None,
        )
        if form is None:
            await self.finish_saves()
            self.exit()
            return
        if isinstance(self.screen, UnsavedChangesScreen):
            return  # already asking

        def answered(answer: str | None) -> None:
            if answer == SAVE:
                form.quit_when_saved = True
                form.action_save()
            elif answer == DISCARD:
                self.exit()

        self.push_screen(
            UnsavedChangesScreen(form.what_is_edited, can_save=form.can_save), answered
        )

    async def finish_saves(self) -> None:
        """Wait for the changes still being written (the walk-through moves on before its
        saves land): an officer who leaves at once keeps what they saw saved. A batch of
        exports is stopped after the file being written, and noted, first."""
        for screen in self.screen_stack:
            if isinstance(screen, StopsBeforeQuitting):
                screen.stop_before_quitting()
        waited = SAVE_GROUPS | STOPPED_GROUPS
        pending = [w for w in self.workers if w.group in waited and not w.is_finished]
        if not pending:
            return
        self.notify("Finishing the saves under way, then leaving…")
        for worker in pending:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        screen = self.screen
        self.push_screen(HelpScreen(screen.title or screen.TITLE or "planner", screen_keys(screen)))

    def action_pick_theme(self) -> None:
        def chosen(theme: str | None) -> None:
            if theme is not None:
                self.theme = theme

        self.push_screen(PickerScreen("Colours", THEME_CHOICES, current=self.theme), chosen)

    # --- store errors and a passphrase changed elsewhere -----------------------------------

    def store_failed(self, error: StoreError) -> None:
        if isinstance(error, WrongPassphrase) or self.session.passphrase_changed():
            self.ask_for_new_passphrase()
            return
        self.notify(f"Could not finish that: {error}", severity="error", timeout=10, markup=False)

    def look_for_new_passphrase(self) -> None:
        """Every few seconds: has the passphrase been changed elsewhere? (Off the loop.)"""
        if self.session.is_open and not self._unlocking:
            self._check_passphrase()

    @work(
        thread=True,
        exclusive=True,
        group="passphrase-watch",
        description="checking the passphrase is current",
    )
    def _check_passphrase(self) -> None:
        """Notice a passphrase changed elsewhere before the officer's next step fails."""
        if self.session.passphrase_changed():
            self.call_from_thread(self.ask_for_new_passphrase)

    @on(PassphraseChanged)
    def ask_then_save_again(self, message: PassphraseChanged) -> None:
        self.ask_for_new_passphrase(message.then)

    def ask_for_new_passphrase(self, then: Callable[[], None] | None = None) -> None:
        """Ask for the passphrase the database was given elsewhere, open it again with
        it, then run `then` (a save to try again). One dialog however many ask."""
        if then is not None:
            self._after_unlock.append(then)
        if self._unlocking:
            return
        if not self.session.passphrase_changed():
            # The store in use opens the file (it was opened again meanwhile): go on.
            self.call_later(self._run_after_unlock)
            return
        self._unlocking = True
        self.push_screen(PassphraseScreen(self.session), self._unlocked)

    def _unlocked(self, opened: bool | None) -> None:
        self._unlocking = False
        if not opened:
            self._after_unlock.clear()
            self.stop(
                f"planner stopped: {self.session.store.path.name} has a new passphrase, "
                "given while planner was open; run planner again and type the new one. "
                "Changes not saved before were not written."
            )
            return
        if not self._after_unlock:
            self.notify("Unlocked with the new passphrase. Anything not saved is still on screen.")
        self._run_after_unlock()

    def _run_after_unlock(self) -> None:
        waiting, self._after_unlock = self._after_unlock, []
        for then in waiting:
            then()

    def on_unmount(self) -> None:
        if self.session.new_database is not None:
            self.session.new_database.cancel()  # a worker waiting to create it goes
        self.session.close()


def make_app(
    store: CaseRepository | Callable[[], CaseRepository],
    *,
    today: date,
    settings: Settings,
    templates: TemplateLibrary | Callable[[], TemplateLibrary] | None = None,
    officer: str | None = None,
    config_path: Path | None = None,
    new_database: NewDatabase | None = None,
) -> PlannerApp:
    """Build the app on a store, or on a function that opens one.

    Given a function, the store is opened in a worker after the first paint, so a large
    database never keeps the screen blank. `officer` defaults to the settings'; with no
    officer at all the app asks for a name first and saves it in the config file.
    With `new_database` (the store's file does not exist yet), the officer is offered to
    encrypt it, and chooses its passphrase, before the store is opened.
    """
    opener: Callable[[], CaseRepository] = store if callable(store) else lambda: store
    session = Session(
        opener=opener,
        today=today,
        settings=settings,
        template_library=_template_library(templates),
        officer=(officer if officer is not None else settings.officer).strip(),
        config_path=config_path,
        owns_store=callable(store),
        new_database=new_database,
    )
    return PlannerApp(session)


def _template_library(
    given: TemplateLibrary | Callable[[], TemplateLibrary] | None,
) -> Callable[[], TemplateLibrary]:
    """What loads the templates when a screen first needs them: after the first paint."""
    if callable(given):
        return given
    if given is not None:
        library = given
        return lambda: library

    def built_in() -> TemplateLibrary:
        from planner.domain.template_loading import TemplateLibrary

        return TemplateLibrary()

    return built_in
