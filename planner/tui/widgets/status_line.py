"""A line of literal text that asks for a layout pass only when its height changes.

The caseload's lines above and under the filter bar are rewritten on every keystroke;
Textual's Static lays the whole screen out again on each update (tens of milliseconds
at 20,000 people). This one does so only when the text wraps onto another number of
lines, which is the only time its height, and so the layout, can change; and it can be
told to keep a height of a few lines whatever it says (`keep_lines`).
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from textual.widgets import Static

from planner.tui.literal import literal

_MEASURE = Console(width=1000, no_color=True, color_system=None)


def wrapped_lines(text: str, width: int) -> int:
    """How many lines `text` takes wrapped at `width` (-1 while it is not laid out)."""
    if width <= 0:
        return -1
    return len(Text(text).wrap(_MEASURE, width)) if text else 1


class StatusLine(Static):
    """Stored and typed text is shown as it is (never as markup)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes)
        self.text = ""
        self.least_lines = 1

    def say(self, text: str) -> None:
        if text == self.text:
            return
        width = self.content_region.width
        layout = self._height(text, width) != self._height(self.text, width)
        self.text = text
        self.update(literal(text), layout=layout)

    def keep_lines(self, lines: int) -> None:
        """Take at least `lines` lines, so that text of up to that many moves nothing."""
        if lines != self.least_lines:
            self.least_lines = lines
            self.styles.min_height = lines

    def _height(self, text: str, width: int) -> int:
        lines = wrapped_lines(text, width)
        return lines if lines < 0 else max(lines, self.least_lines)
