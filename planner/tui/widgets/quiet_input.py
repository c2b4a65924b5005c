"""An Input that does not lay the screen out again on every keystroke.

Textual's Input sets its `virtual_size` (the text's width) on every change of its value,
and that reactive asks for a layout pass of the whole screen: at 20,000 people a frame
of its own, and follow-up frames for the scrollbars of the table below. An Input's place
on screen never depends on the width of its text, only how far it scrolls sideways, so
this one keeps the size without the layout and lets the scroll position follow.

A screen that filters as the officer types can also be told of each new value at once
(`on_change`), while the keystroke is handled: its changes are then drawn in the same
frame as the character typed. The `Changed` message, which reaches the screen a moment
later, would otherwise come after the field's own frame had been drawn, and the screen's
changes would wait for the next one (a sixtieth of a second at least, on every key).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.geometry import Size
from textual.widgets import Input


class QuietInput(Input):
    """A one-line text field; a keystroke repaints it, nothing else moves."""

    def __init__(self, *args: Any, on_change: Callable[[str], None] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._on_change = on_change

    def _watch_value(self, value: str) -> None:
        size = Size(self.content_width, 1)
        if size != self.virtual_size and not self.styles.auto_dimensions:
            self.set_reactive(Input.virtual_size, size)
            self._scroll_update(size)
        if self._on_change is not None and self.is_mounted:
            self._on_change(value)
        super()._watch_value(value)
