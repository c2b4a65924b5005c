"""NO_COLOR: greys that can always be read.

With NO_COLOR set, Textual turns every colour into the grey of the same brightness. Two
colours of about the same brightness (a red count on the grey header, a highlighted
row's text on its cursor) then come out grey on grey. This filter does the same
conversion and, where a text's grey is too close to its background's, draws the text
in black or white instead, whichever stands out. The meaning never rested on the colour
(severity has its symbol and word, a status its symbol); now the text stays legible.
"""

from __future__ import annotations

from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter, Monochrome

MIN_CONTRAST = 0.35  # of brightness, 0 to 1, between a text's grey and its background's
BLACK = Color(0, 0, 0)
WHITE = Color(255, 255, 255)


@lru_cache(1024)
def readable_grey(style: Style, background: Color) -> Style:
    """`style` in greys, its text in black or white where it would not stand out."""
    back = (
        Color.from_rich_color(style.bgcolor).monochrome
        if style.bgcolor is not None
        else background.monochrome
    )
    fore = Color.from_rich_color(style.color).monochrome if style.color is not None else None
    if fore is not None and abs(fore.brightness - back.brightness) < MIN_CONTRAST:
        fore = BLACK if back.brightness > 0.5 else WHITE
    return style + Style.from_color(
        None if fore is None else fore.rich_color,
        None if style.bgcolor is None else back.rich_color,
    )


class ReadableMonochrome(LineFilter):
    """Monochrome, with text always readable against its background."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            Segment(text, readable_grey(style, background) if style else style, None)
            for text, style, _ in segments
        ]


def use_readable_monochrome(filters: list[LineFilter]) -> None:
    """Put ReadableMonochrome where Textual's NO_COLOR put its Monochrome filter."""
    for index, line_filter in enumerate(filters):
        if isinstance(line_filter, Monochrome):
            filters[index] = ReadableMonochrome()
