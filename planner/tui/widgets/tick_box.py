"""A tick box that shows ticked or not in a character (✔ or a space), not only a shade:
Textual's Checkbox draws the same X either way and tells them apart by colour alone,
which NO_COLOR and some terminals' palettes lose."""

from __future__ import annotations

from typing import Any

from textual.widgets import Checkbox

TICKED = "✔"
UNTICKED = " "


class TickBox(Checkbox):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.BUTTON_INNER = TICKED if self.value else UNTICKED

    def watch_value(self) -> None:
        self.BUTTON_INNER = TICKED if self.value else UNTICKED
        super().watch_value()
