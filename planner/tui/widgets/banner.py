"""A banner under the header of every screen: the database is read-only, a backup failed."""

from __future__ import annotations

from textual.widgets import Static

from planner.tui.literal import literal
from planner.tui.session import Session


class StoreBanner(Static):
    """Takes no room while there is nothing to say; otherwise one line per notice."""

    DEFAULT_CSS = """
    StoreBanner {
        height: auto;
        padding: 0 1;
        background: $warning-muted;
        color: $text;
        text-style: bold;
        display: none;
    }
    """

    def __init__(self) -> None:
        super().__init__("", id="store-banner")
        self._shown: list[str] | None = None

    def show_notices(self, session: Session) -> None:
        """Show what the session's store has to say (call again once the store opens).
        Screens call this every few seconds: nothing is redrawn while it says the same."""
        lines = session.notices()
        if lines == self._shown:
            return
        self._shown = lines
        self.update(literal("\n".join(lines), multiline=True))
        self.display = bool(lines)

    def on_mount(self) -> None:
        session = getattr(self.screen, "session", None)
        if isinstance(session, Session):
            self.show_notices(session)
