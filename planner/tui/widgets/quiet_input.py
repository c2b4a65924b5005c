"""An Input that does not lay the screen out again on every keystroke.

Textual's Input sets its `virtual_size` (the text's width) on every change of its value,
and that reactive asks for a layout pass of the whole screen: at 20,000 people a frame
of its own, and follow-up frames for the scrollbars of the table below. An Input's place
on screen never depends on the width of its text, only how far it scrolls sideways, so
this one keeps the size without the layout and lets the scroll position follow.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import Input


class QuietInput(Input):
    """A one-line text field; a keystroke repaints it, nothing else moves."""

    def _watch_value(self, value: str) -> None:
        size = Size(self.content_width, 1)
        if size != self.virtual_size and not self.styles.auto_dimensions:
            self.set_reactive(Input.virtual_size, size)
            self._scroll_update(size)
        super()._watch_value(value)
