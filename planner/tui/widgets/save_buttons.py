"""Save and Back buttons for an editing dialog, and its read-only rule."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button


class SaveBackButtons(Horizontal):
    """'Save (Ctrl+S)' and 'Back (Esc)'; Save is disabled on a read-only database."""

    def __init__(self, save_id: str, *, read_only: bool) -> None:
        super().__init__(classes="buttons")
        self._save_id = save_id
        self._read_only = read_only

    def compose(self) -> ComposeResult:
        yield Button(
            "Save (Ctrl+S)",
            variant="primary",
            action="screen.save",
            id=self._save_id,
            disabled=self._read_only,
        )
        yield Button("Back (Esc)", action="screen.back")


def save_allowed(action: str, read_only: bool) -> bool | None:
    """check_action for an editing dialog: on a read-only database, saving is hidden."""
    return None if action == "save" and read_only else True
