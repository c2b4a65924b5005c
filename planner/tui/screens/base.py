"""Screens that show stored data re-read it when the database changes, in any process, and
keep their banner up to date with what the store has to say (read-only, damaged files)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.screen import Screen
from textual.worker import get_current_worker

from planner.store.errors import StoreError, WrongPassphrase
from planner.tui.literal import toast
from planner.tui.session import Session
from planner.tui.widgets.banner import StoreBanner

POLL_SECONDS = 3.0
READING = "Reading the record…"  # shown until a screen's first read lands
READ_AGAIN_SECONDS = 2.0  # a first read refused (the database busy) is tried again after


class DataScreen(Screen[None]):
    """Polls the store's change number (a stat(), off the event loop) every few seconds.

    Actions named in EDITING change the database: on a read-only database they stay in
    the footer, greyed out, and do nothing (the banner says why).
    """

    EDITING: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.seen_change = -1

    def on_mount(self) -> None:
        self.set_interval(POLL_SECONDS, self.check_for_changes)

    def on_screen_resume(self) -> None:
        self.check_for_changes()

    def check_for_changes(self) -> None:
        if self.session.is_open and self.seen_change >= 0:
            self._poll()

    @work(
        thread=True,
        exclusive=True,
        group="poll",
        exit_on_error=False,
        description="looking for changes",
    )
    def _poll(self) -> None:
        try:
            change = self.session.store.change_number  # also checks the files against each other
        except StoreError:  # a server out of reach: the banner says so, the screen stays
            self.app.call_from_thread(self._show_notices)
            return
        self.app.call_from_thread(self._show_notices)
        if change != self.seen_change:
            self.app.call_from_thread(self.data_changed, change)

    def _show_notices(self) -> None:
        for banner in self.query(StoreBanner):
            banner.show_notices(self.session)

    def data_changed(self, change: int) -> None:
        """Re-read what the screen shows; `change` is the store's new change number."""
        self.reload()

    # --- reading, off the event loop ------------------------------------------------------

    def reload(self) -> None:
        """Read what the screen shows again, in a thread, then show it: the event loop
        never waits for the database, which another process may hold locked for a while.
        A newer reload supersedes one still reading."""
        self._load()

    def read_data(self) -> Any:
        """What the screen shows, read from the store (called in a thread)."""
        raise NotImplementedError  # pragma: no cover

    def show_data(self, data: Any) -> None:
        """Show what read_data read (on the event loop)."""
        raise NotImplementedError  # pragma: no cover

    def read_refused(self, error: StoreError) -> None:
        """The store could not be read (busy past its timeout, damaged): say so; what is
        on screen stays, and the next change or poll tries again (a screen never read yet,
        which no poll watches, tries again in a moment)."""
        if isinstance(error, WrongPassphrase):  # changed elsewhere: ask, then read again
            from planner.tui.screens.passphrase import PassphraseChanged

            self.app.post_message(PassphraseChanged(self.reload))
            return
        toast(self, f"Could not read the database: {error}", severity="error")
        if self.seen_change < 0:
            # Never read yet: no poll looks for changes until it has been, so nothing else
            # would try again and the screen would say "reading" for ever.
            self.set_timer(READ_AGAIN_SECONDS, self.reload)

    @work(thread=True, exclusive=True, group="load", description="reading")
    def _load(self) -> None:
        worker = get_current_worker()
        try:
            change = self.session.store.change_number
            data = self.read_data()
        except StoreError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self.read_refused, exc)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._loaded, change, data)

    def _loaded(self, change: int, data: Any) -> None:
        if self not in self.app.screen_stack:
            return  # the screen was closed while reading
        self.seen_change = change
        self.show_data(data)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.EDITING and self.session.read_only:
            return None
        return True
