"""Bar charts of a report as PNG images (drawn with Pillow), for the PDF report.

One chart per measure: a bar per group for its rate, with its 95% interval as a line
across the bar's end. A group whose rate is not published has no bar: its row says
"fewer than N" or "withheld" instead, the words its table shows. The calendar's chart has
a bar per week for the releases expected in it (counts of releases, which it publishes).
Labels are drawn in the PDF's own DejaVu Sans; the table beside each chart holds the same
labels as text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from planner.export.font_subset import FONT_FOLDER
from planner.reports.bars import Bar

WIDTH = 1600
ROW = 46
TOP = 20
BOTTOM = 56
LABEL_WIDTH = 470
VALUE_WIDTH = 250
BAR = (31, 95, 173)
BAR_ALL = (21, 57, 92)
WHISKER = (26, 26, 26)
MUTED = (90, 90, 90)
GRID = (215, 219, 223)


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONT_FOLDER / name), size)


def _fitted(draw: ImageDraw.ImageDraw, text: str, width: int, font: ImageFont.FreeTypeFont) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def bar_chart(bars: Sequence[Bar], *, scale: float = 1.0, percent: bool = True) -> bytes:
    """The bars as a PNG: values from 0 to `scale`, written as percentages or counts."""
    height = TOP + ROW * len(bars) + BOTTOM
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    text_font, bold_font, small = _font(24), _font(24, True), _font(20)
    left = LABEL_WIDTH + 10
    room = WIDTH - left - VALUE_WIDTH
    scale = scale or 1.0
    for tick in range(5):
        x = left + room * tick // 4
        draw.line([(x, TOP), (x, height - BOTTOM + 6)], fill=GRID, width=2)
        mark = f"{tick * 25}%" if percent else f"{scale * tick / 4:.0f}"
        width = draw.textlength(mark, font=small)
        draw.text((x - width / 2, height - BOTTOM + 12), mark, fill=MUTED, font=small)
    for n, bar in enumerate(bars):
        top = TOP + n * ROW
        middle = top + ROW // 2
        font = bold_font if bar.strong else text_font
        label = _fitted(draw, bar.label, LABEL_WIDTH - 10, font)
        draw.text((LABEL_WIDTH, middle), label, fill=(26, 26, 26), font=font, anchor="rm")
        if bar.value is None:
            draw.text((left + 8, middle), bar.words, fill=MUTED, font=text_font, anchor="lm")
            continue
        end = left + round(room * min(max(bar.value / scale, 0.0), 1.0))
        draw.rectangle(
            [left, top + 8, max(end, left + 2), top + ROW - 8], fill=BAR_ALL if bar.strong else BAR
        )
        if bar.low is not None and bar.high is not None:
            x0 = left + round(room * bar.low / scale)
            x1 = left + round(room * bar.high / scale)
            draw.line([(x0, middle), (x1, middle)], fill=WHISKER, width=3)
            for x in (x0, x1):
                draw.line([(x, middle - 9), (x, middle + 9)], fill=WHISKER, width=3)
        shown = f"{bar.value * 100:.0f}%" if percent else f"{bar.value:.0f}"
        draw.text((left + room + 14, middle), shown, fill=(26, 26, 26), font=font, anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
