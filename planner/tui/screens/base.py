"""Screens that show stored data re-read it when the database changes, in any process, and
keep their banner up to date with what the store has to say (read-only, damaged files)."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.screen import Screen

from planner.tui.session import Session
from planner.tui.widgets.banner import StoreBanner

POLL_SECONDS = 3.0


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

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _poll(self) -> None:
        change = self.session.store.change_number  # also checks the files against each other
        self.app.call_from_thread(self._show_notices)
        if change != self.seen_change:
            self.app.call_from_thread(self.data_changed, change)

    def _show_notices(self) -> None:
        for banner in self.query(StoreBanner):
            banner.show_notices(self.session)

    def data_changed(self, change: int) -> None:
        """Re-read what the screen shows; `change` is the store's new change number."""
        raise NotImplementedError  # pragma: no cover

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.EDITING and self.session.read_only:
            return None
        return True
