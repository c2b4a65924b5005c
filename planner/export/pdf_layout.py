"""A small page-layout layer over fpdf2: wrapped text, table rows, banners, page furniture.

fpdf2's own `multi_cell` re-measures the whole line for every character it adds, which
made a summary cost about 60 ms of line breaking, and `cell` costs 3 to 4 times what
`text` does. Here text is wrapped once with cached glyph widths and each line is placed
with `place`, which writes what `text` writes with less work, which keeps a thousand
summaries within the benchmark's budget. Page breaks
are decided here too: a table row never splits across pages unless it is taller than a
page, and a heading never ends a page (callers measure what must follow it with
`row_height`, and keep a whole block together with `keep`).

A line with a character the document's main font lacks, or one written right to left, or
a combining mark, is placed with `cell` instead, with fpdf2's text shaping (HarfBuzz:
Arabic letters joined, right-to-left runs reordered, marks positioned) and the document's
fallback fonts (see `pdf_fonts`); such lines are measured shaped, as they are drawn.
A summary in Latin letters only has no such line and never pays for either.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from fpdf import FPDF
from fpdf.drawing_primitives import DeviceCMYK, DeviceGray, DeviceRGB, convert_to_device_color
from fpdf.enums import TextMode
from fpdf.fonts import TTFFont

from planner.export.pdf_fonts import LATIN_ONLY, FontChain, attach
from planner.export.pdf_text import is_right_to_left, plain, without_invisible

FONT = "dejavu"
PT = 0.3528  # millimetres per point
LEADING = 1.32  # line height as a multiple of the font size

Colour = tuple[int, int, int]


@cache
def device(colour: Colour) -> DeviceGray | DeviceRGB | DeviceCMYK:
    """`colour` as fpdf2 holds it, converted once per process (fpdf2's colours are
    immutable; converting one each time it was set cost a twentieth of a summary)."""
    return convert_to_device_color(*colour)


@cache
def _operator(colour: DeviceGray | DeviceRGB | DeviceCMYK) -> str:
    """The operator that sets `colour` for text, as fpdf2's `text` writes it."""
    return colour.serialize().lower()


INK: Colour = (26, 26, 26)
MUTED: Colour = (90, 90, 90)
RULE: Colour = (200, 204, 208)


@dataclass(frozen=True, slots=True)
class Style:
    size: float = 9.5
    bold: bool = False
    colour: Colour = INK

    @property
    def line_height(self) -> float:
        return self.size * PT * LEADING


@dataclass(frozen=True, slots=True)
class Cell:
    """One column of a table row: text wrapped to `width` millimetres."""

    text: str
    width: float
    style: Style = Style()
    fill: Colour | None = None
    align: str = "L"


# Characters that may not start a line in Chinese and Japanese: closing punctuation,
# small kana, the prolonged sound mark.
_NO_BREAK_BEFORE = frozenset(
    "、。，．：；？！）」』】〕〉》〙〗〛｝］’”・ーゝゞヽヾ々"  # noqa: RUF001
    "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
)


def _breaks_anywhere(char: str) -> bool:
    """Whether a line may break beside `char` without a space (a CJK character)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


# Character widths in mm by (character, bold, size), for each main font (the Latin subsets
# and the full fonts, whose metrics are the same but which draw different characters).
_WIDTHS: dict[str, dict[tuple[str, bool, float], float]] = {}

# Wrapped lines by (text, width, style), for every document that draws in the Latin subsets
# alone: there a text wraps the same way in any document, and most of what a summary
# says (headings, item titles, labels, statuses) is in every summary. Each text is
# measured twice in a document too (a row's height is asked for before it is drawn).
# Documents in other scripts keep lines of their own: their widths depend on their fonts.
Lines = tuple[str, ...]
_LATIN_LINES: dict[tuple[str, float, Style], Lines] = {}
_LATIN_LINES_HELD = 20_000  # about 5 MB; the memo starts afresh when it holds more


class Document(FPDF):
    """An A4 page with a header line and a numbered footer on every page."""

    def __init__(
        self, header_left: str, header_right: str, footer_left: str, *, fonts: FontChain
    ) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.header_left = header_left
        self.header_right = header_right
        self.footer_left = footer_left
        self._widths = _WIDTHS.setdefault(fonts.primary.regular, {})
        self._style: Style | None = None
        attach(self, (fonts.primary, *fonts.fallbacks))
        # The main family comes last: its regular face draws what its bold face lacks.
        self._fallbacks = [f.family for f in fonts.fallbacks] + [FONT]
        self._mixed = not fonts.latin_only
        self._simple: dict[tuple[str, bool], bool] = {}
        self._lines = _LATIN_LINES if fonts.latin_only else {}
        self._encoded: dict[tuple[int, str], str] = {}  # (font, line) to its text operator
        self._shaped_widths: dict[tuple[str, bool, float], float] = {}
        self.set_margins(16, 22, 16)
        self.set_auto_page_break(False)
        self.bottom = self.h - 18
        self.c_margin = 1.2

    # --- page furniture ---------------------------------------------------------------------

    def header(self) -> None:
        left = self.epw * 0.62
        self.put(self.l_margin, 9, left, self.header_left, Style(8.5, bold=True), height=5)
        right = Style(8.5, colour=MUTED)
        self.put(self.l_margin + left, 9, self.epw - left, self.header_right, right, "R", 5)
        self.set_draw_color(device(RULE))
        self.set_line_width(0.3)
        self.line(self.l_margin, 15, self.w - self.r_margin, 15)
        self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        self.set_draw_color(device(RULE))
        self.line(self.l_margin, self.h - 14, self.w - self.r_margin, self.h - 14)
        self.set_xy(self.l_margin, self.h - 13)
        style = Style(7.5, colour=MUTED)
        self.put(self.l_margin, self.h - 13, self.epw - 28, self.footer_left, style, height=4)
        self.use(style)
        self.set_xy(self.w - self.r_margin - 28, self.h - 13)
        self.cell(28, 4, f"Page {self.page_no()} of {{nb}}", align="R")

    # --- measuring --------------------------------------------------------------------------

    def use(self, style: Style) -> None:
        current = self._style
        if style != current:
            if current is None or (current.bold, current.size) != (style.bold, style.size):
                self.set_font(FONT, "B" if style.bold else "", style.size)
            if current is None or current.colour != style.colour:
                self.set_text_color(device(style.colour))
            self._style = style

    def add_page(self, *args: Any, **kwargs: Any) -> None:
        self._style = None  # the header and footer set fonts of their own
        super().add_page(*args, **kwargs)
        self._style = None

    def put(
        self,
        x: float,
        top: float,
        width: float,
        line: str,
        style: Style,
        align: str = "L",
        height: float | None = None,
    ) -> None:
        """One line of text in a box `width` wide (and a line high) whose top is at `top`."""
        self.use(style)
        height = style.line_height if height is None else height
        if self._needs_shaping(line, style):
            with self._shaping(line):
                self.set_xy(x, top)
                self.cell(width, height, line, align=align)
            return
        line = without_invisible(line)
        if align == "R":
            x += width - self.c_margin - self.width_of(line, style)
        else:
            x += self.c_margin
        self.place(x, top + 0.5 * height + 0.3 * style.size * PT, line)

    def place(self, x: float, y: float, line: str) -> None:
        """fpdf2's `text(x, y, line)`: the same operators, each line's encoding kept.

        fpdf2's `text` re-encodes the line character by character each time, checks for
        options a summary never sets and formats the colour anew: a quarter of the time a
        summary took. Here, in a TrueType font with none of those options set, the page
        gets exactly what `text` would write, and each distinct line of the document is
        encoded once (its characters are then in the font subset, so nothing is missed).
        Anything else is left to `text`.
        """
        font = self.current_font
        if (
            not isinstance(font, TTFFont)
            or font.is_symbol
            or font.color_font
            or self.text_mode != TextMode.FILL
            or self.underline
            or self.strikethrough
            or self._record_text_quad_points
        ):
            self.text(x, y, line)
            return
        if not self.current_font_is_set_on_page:
            self._out(self._set_font_for_page(font, self.font_size_pt))
        key = (font.i, line)
        encoded = self._encoded.get(key)
        if encoded is None:
            encoded = self._encoded[key] = font.encode_text(line)
        operators = f"BT {x * self.k:.2f} {(self.h - y) * self.k:.2f} Td {encoded} ET"
        colour = self.text_color
        if self.fill_color != colour:
            operators = f"q {_operator(colour)} {operators} Q"
        self._out(operators)

    def _needs_shaping(self, text: str, style: Style) -> bool:
        """Whether `text` holds a character the main font lacks, or one written right to
        left, or a combining mark; never so in a Latin-only document."""
        if not self._mixed:
            return False
        simple = self._simple
        for char in text:
            key = (char, style.bold)
            known = simple.get(key)
            if known is None:
                self.use(style)
                font = self.current_font
                known = simple[key] = (
                    font is not None
                    and ord(char) in font.cmap  # type: ignore[union-attr]
                    and not is_right_to_left(char)
                    and not unicodedata.combining(char)
                )
            if not known:
                return True
        return False

    @contextmanager
    def _shaping(self, text: str) -> Iterator[None]:
        """Text shaping and the fallback fonts on, for one line; stored text is never taken
        for the page-count alias."""
        strong = {unicodedata.bidirectional(c) for c in text} & {"L", "R", "AL"}
        direction = "rtl" if strong and "L" not in strong else "ltr"
        alias = self.str_alias_nb_pages
        self.set_text_shaping(True, direction=direction)
        self.set_fallback_fonts(self._fallbacks, exact_match=False)
        self.str_alias_nb_pages = ""
        try:
            yield
        finally:
            self.str_alias_nb_pages = alias
            self.set_fallback_fonts([])
            self.set_text_shaping(False)

    def width_of(self, text: str, style: Style) -> float:
        """Width in mm of `text`, from per-character widths measured once per process (or
        shaped, as it will be drawn, if it needs shaping)."""
        if self._needs_shaping(text, style):
            key = (text, style.bold, style.size)
            shaped = self._shaped_widths.get(key)
            if shaped is None:
                self.use(style)
                with self._shaping(text):
                    shaped = self._shaped_widths[key] = self.get_string_width(text)
            return shaped
        total = 0.0
        widths = self._widths
        for char in without_invisible(text):
            key = (char, style.bold, style.size)
            width = widths.get(key)
            if width is None:
                self.use(style)
                width = widths[key] = self.get_string_width(char)
            total += width
        return total

    def wrap(self, text: str, width: float, style: Style) -> Lines:
        """`text` broken into lines that fit `width` mm; its own line breaks are kept."""
        key = (text, width, style)
        lines = self._lines.get(key)
        if lines is None:
            if len(self._lines) >= _LATIN_LINES_HELD:
                self._lines.clear()
            lines = self._lines[key] = tuple(self._wrap(text, width, style))
        return lines

    def _wrap(self, text: str, width: float, style: Style) -> list[str]:
        room = width - 2 * self.c_margin
        space = self.width_of(" ", style)
        lines: list[str] = []
        for paragraph in plain(text).split("\n"):
            line, used = "", 0.0
            for word in paragraph.split(" "):
                size = self.width_of(word, style)
                extra = size + space if line else size
                if used + extra <= room:
                    line = f"{line} {word}" if line else word
                    used += extra
                    continue
                if line and self._mixed and any(_breaks_anywhere(c) for c in word):
                    # Chinese, Japanese and Korean have no spaces: fill this line first.
                    cut = self._fit(word, room - used - space, style, at_least=0)
                    if cut:
                        line, word = f"{line} {word[:cut]}", word[cut:]
                        size = self.width_of(word, style)
                if line:
                    lines.append(line)
                line, used = word, size
                while used > room and len(line) > 1:
                    cut = self._fit(line, room, style)
                    lines.append(line[:cut])
                    line = line[cut:]
                    used = self.width_of(line, style)
            lines.append(line)
        return lines

    def _fit(self, word: str, room: float, style: Style, at_least: int = 1) -> int:
        """How many of `word`'s characters fit `room` mm (at least `at_least`), never
        leaving closing punctuation to start the next line."""
        used = 0.0
        for n, char in enumerate(word):
            used += self.width_of(char, style)
            if used > room:
                while n > 1 and word[n] in _NO_BREAK_BEFORE:
                    n -= 1
                return max(n, at_least)
        return len(word)

    def dropped_characters(self) -> set[str]:
        """Characters some font was asked for and lacked (after `output`); none, as the
        text is checked before it is drawn, unless that check has a hole."""
        missing: set[str] = set()
        for font in self.fonts.values():
            missing.update(chr(cp) for cp in getattr(font, "missing_glyphs", ()))
        return missing

    # --- flowing content --------------------------------------------------------------------

    def room_left(self) -> float:
        return self.bottom - self.get_y()

    def keep(self, height: float) -> None:
        """Start a new page unless `height` mm fit on this one (or on no page at all)."""
        if height > self.room_left() and self.get_y() > self.t_margin + 0.1:
            self.add_page()

    def gap(self, height: float) -> None:
        if self.get_y() > self.t_margin + 0.1:
            self.set_y(min(self.get_y() + height, self.bottom))

    def text_block(self, text: str, style: Style, indent: float = 0) -> None:
        """Wrapped text over as many pages as it needs."""
        height = style.line_height
        for line in self.wrap(text, self.epw - indent, style):
            self.keep(height)
            self.put(self.l_margin + indent, self.get_y(), self.epw - indent, line, style)
            self.set_y(self.get_y() + height)

    def page_room(self) -> float:
        """The height a whole page holds between its header and footer."""
        return self.bottom - self.t_margin

    def row_height(self, cells: Sequence[Cell], pad: float = 1.0) -> float:
        """The height `row` takes for these cells (capped at a page: taller rows flow)."""
        wrapped = [self.wrap(c.text, c.width, c.style) for c in cells]
        height = max(len(w) * c.style.line_height for w, c in zip(wrapped, cells, strict=True))
        return min(height + 2 * pad, self.page_room())

    def row(self, cells: Sequence[Cell], pad: float = 1.0, rule: bool = True) -> None:
        """A table row: columns side by side, kept on one page when it fits on one."""
        wrapped = [self.wrap(c.text, c.width, c.style) for c in cells]
        height = max(len(w) * c.style.line_height for w, c in zip(wrapped, cells, strict=True))
        height += 2 * pad
        if height > self.page_room():
            self.text_block(" | ".join(c.text for c in cells), cells[-1].style)
            return
        self.keep(height)
        top = self.get_y()
        x = self.l_margin
        for cell, lines in zip(cells, wrapped, strict=True):
            if cell.fill is not None:
                self.set_fill_color(device(cell.fill))
                self.rect(x, top, cell.width, height, style="F")
            y = top + pad
            for line in lines:
                self.put(x, y, cell.width, line, cell.style, cell.align)
                y += cell.style.line_height
            x += cell.width
        if rule:
            self.set_draw_color(device(RULE))
            self.set_line_width(0.15)
            self.line(self.l_margin, top + height, x, top + height)
        self.set_xy(self.l_margin, top + height)

    def banner(self, text: str, style: Style, fill: Colour, edge: Colour) -> None:
        """A filled box with a coloured edge, for what must not be missed."""
        lines = self.wrap(text, self.epw - 4, style)
        height = len(lines) * style.line_height + 4
        self.keep(height)
        top = self.get_y()
        self.set_fill_color(device(fill))
        self.rect(self.l_margin, top, self.epw, height, style="F")
        self.set_fill_color(device(edge))
        self.rect(self.l_margin, top, 1.4, height, style="F")
        y = top + 2
        for line in lines:
            self.put(self.l_margin + 3, y, self.epw - 4, line, style)
            y += style.line_height
        self.set_xy(self.l_margin, top + height)

    @staticmethod
    def heading_height(style: Style) -> float:
        """The height `heading` takes, its rule and the space under it included."""
        return style.line_height + 2.5

    def heading(self, text: str, style: Style, follow: float = 14) -> None:
        """A heading kept on the same page as at least `follow` mm of what follows it."""
        self.keep(min(self.heading_height(style) + follow, self.page_room()))
        height = style.line_height + 1
        self.put(self.l_margin, self.get_y(), self.epw, text, style, height=height)
        self.set_y(self.get_y() + height)
        self.set_draw_color(device(style.colour))
        self.set_line_width(0.4)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_y(self.get_y() + 1.5)


def document(
    *,
    title: str,
    author: str,
    created: datetime,
    header_left: str,
    header_right: str,
    footer_left: str,
    fonts: FontChain = LATIN_ONLY,
) -> Document:
    """A new document with its metadata set and its first page started, drawing with
    `fonts` (`pdf_fonts.chain_for` the text it will hold)."""
    pdf = Document(header_left, header_right, footer_left, fonts=fonts)
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_subject("Pre-release handover summary")
    pdf.set_creator("planner")
    pdf.set_lang("en-GB")
    pdf.set_creation_date(created)
    pdf.add_page()
    return pdf
