"""A small page-layout layer over fpdf2: wrapped text, table rows, banners, page furniture.

fpdf2's own `multi_cell` re-measures the whole line for every character it adds, which
made a summary cost about 60 ms of line breaking, and `cell` costs 3 to 4 times what
`text` does. Here text is wrapped once with cached glyph widths and each line is placed
with `text`, which keeps a thousand summaries within the benchmark's budget. Page breaks
are decided here too: a table row never splits across pages unless it is taller than a
page, and a heading never ends a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import as_file, files
from typing import Any

from fpdf import FPDF

FONT = "DejaVu"
FULL_FONTS = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
LATIN_FONTS = {"": "DejaVuSans-Latin.ttf", "B": "DejaVuSans-Bold-Latin.ttf"}
PT = 0.3528  # millimetres per point
LEADING = 1.32  # line height as a multiple of the font size

Colour = tuple[int, int, int]
INK: Colour = (26, 26, 26)
MUTED: Colour = (90, 90, 90)
RULE: Colour = (200, 204, 208)


_CONTROLS = {cp: None for cp in range(32) if cp != 10} | {9: " ", 13: "\n"}


def plain(text: str) -> str:
    """Text with line ends as LF, tabs as spaces and no other control characters."""
    return text.replace("\r\n", "\n").translate(_CONTROLS)


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


# Character widths in mm by (character, bold, size), for the Latin subsets and the full
# fonts, whose metrics are the same but which draw different characters.
_WIDTHS: dict[bool, dict[tuple[str, bool, float], float]] = {}


class Document(FPDF):
    """An A4 page with a header line and a numbered footer on every page."""

    def __init__(
        self, header_left: str, header_right: str, footer_left: str, *, latin_only: bool
    ) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.header_left = header_left
        self.header_right = header_right
        self.footer_left = footer_left
        self._widths = _WIDTHS.setdefault(latin_only, {})
        self._style: Style | None = None
        with as_file(files("planner.export").joinpath("fonts")) as folder:
            for style, name in (LATIN_FONTS if latin_only else FULL_FONTS).items():
                self.add_font(FONT, style, str(folder / name))
        _keep_glyph_bounds(self)
        self.set_margins(16, 22, 16)
        self.set_auto_page_break(False)
        self.bottom = self.h - 18
        self.c_margin = 1.2

    # --- page furniture ---------------------------------------------------------------------

    def header(self) -> None:
        self.set_xy(self.l_margin, 9)
        self.use(Style(8.5, bold=True))
        self.cell(self.epw * 0.62, 5, self.header_left)
        self.use(Style(8.5, colour=MUTED))
        self.cell(self.epw * 0.38, 5, self.header_right, align="R")
        self.set_draw_color(*RULE)
        self.set_line_width(0.3)
        self.line(self.l_margin, 15, self.w - self.r_margin, 15)
        self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.h - 14, self.w - self.r_margin, self.h - 14)
        self.set_xy(self.l_margin, self.h - 13)
        self.use(Style(7.5, colour=MUTED))
        self.cell(self.epw - 28, 4, self.footer_left)
        self.cell(28, 4, f"Page {self.page_no()} of {{nb}}", align="R")

    # --- measuring --------------------------------------------------------------------------

    def use(self, style: Style) -> None:
        if style != self._style:
            self.set_font(FONT, "B" if style.bold else "", style.size)
            self.set_text_color(*style.colour)
            self._style = style

    def add_page(self, *args: Any, **kwargs: Any) -> None:
        self._style = None  # the header and footer set fonts of their own
        super().add_page(*args, **kwargs)
        self._style = None

    def put(
        self, x: float, top: float, width: float, line: str, style: Style, align: str = "L"
    ) -> None:
        """One line of text in a box `width` wide whose top is at `top`."""
        self.use(style)
        if align == "R":
            x += width - self.c_margin - self.width_of(line, style)
        else:
            x += self.c_margin
        height = style.line_height
        self.text(x, top + 0.5 * height + 0.3 * style.size * PT, line)

    def width_of(self, text: str, style: Style) -> float:
        """Width in mm of `text`, from per-character widths measured once per process."""
        total = 0.0
        widths = self._widths
        for char in text:
            key = (char, style.bold, style.size)
            width = widths.get(key)
            if width is None:
                self.use(style)
                width = widths[key] = self.get_string_width(char)
            total += width
        return total

    def wrap(self, text: str, width: float, style: Style) -> list[str]:
        """`text` broken into lines that fit `width` mm; its own line breaks are kept."""
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

    def _fit(self, word: str, room: float, style: Style) -> int:
        used = 0.0
        for n, char in enumerate(word):
            used += self.width_of(char, style)
            if used > room:
                return max(n, 1)
        return len(word)

    # --- flowing content --------------------------------------------------------------------

    def room_left(self) -> float:
        return self.bottom - self.get_y()

    def keep(self, height: float) -> None:
        """Start a new page unless `height` mm fit on this one."""
        if height > self.room_left():
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

    def row(self, cells: Sequence[Cell], pad: float = 1.0, rule: bool = True) -> None:
        """A table row: columns side by side, kept on one page when it fits on one."""
        wrapped = [self.wrap(c.text, c.width, c.style) for c in cells]
        height = max(len(w) * c.style.line_height for w, c in zip(wrapped, cells, strict=True))
        height += 2 * pad
        if height > self.bottom - self.t_margin:
            self.text_block(" | ".join(c.text for c in cells), cells[-1].style)
            return
        self.keep(height)
        top = self.get_y()
        x = self.l_margin
        for cell, lines in zip(cells, wrapped, strict=True):
            if cell.fill is not None:
                self.set_fill_color(*cell.fill)
                self.rect(x, top, cell.width, height, style="F")
            y = top + pad
            for line in lines:
                self.put(x, y, cell.width, line, cell.style, cell.align)
                y += cell.style.line_height
            x += cell.width
        if rule:
            self.set_draw_color(*RULE)
            self.set_line_width(0.15)
            self.line(self.l_margin, top + height, x, top + height)
        self.set_xy(self.l_margin, top + height)

    def banner(self, text: str, style: Style, fill: Colour, edge: Colour) -> None:
        """A filled box with a coloured edge, for what must not be missed."""
        lines = self.wrap(text, self.epw - 4, style)
        height = len(lines) * style.line_height + 4
        self.keep(height)
        top = self.get_y()
        self.set_fill_color(*fill)
        self.rect(self.l_margin, top, self.epw, height, style="F")
        self.set_fill_color(*edge)
        self.rect(self.l_margin, top, 1.4, height, style="F")
        y = top + 2
        for line in lines:
            self.put(self.l_margin + 3, y, self.epw - 4, line, style)
            y += style.line_height
        self.set_xy(self.l_margin, top + height)

    def heading(self, text: str, style: Style, follow: float = 14) -> None:
        """A heading kept on the same page as at least `follow` mm of what follows it."""
        self.keep(style.line_height + 2 + follow)
        self.use(style)
        self.cell(self.epw, style.line_height + 1, text, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(*style.colour)
        self.set_line_width(0.4)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_y(self.get_y() + 1.5)


def _keep_glyph_bounds(pdf: FPDF) -> None:
    """Embed each glyph's outline as stored instead of re-measuring its bounding box.

    Subsetting leaves outlines unchanged, so the stored bounds stay right; re-measuring
    them was a quarter of the time a PDF took. Skipped quietly if fpdf2's font objects
    ever change shape: the output is then the same, only slower.
    """
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None and hasattr(ttfont, "recalcBBoxes"):
            ttfont.recalcBBoxes = False


def document(
    *,
    title: str,
    author: str,
    created: datetime,
    header_left: str,
    header_right: str,
    footer_left: str,
    latin_only: bool,
) -> Document:
    """A new document with its metadata set and its first page started.

    With `latin_only` the document embeds the shipped Latin subsets of the fonts, which are
    about a fifth of the cost to embed; use it when every character is in `LATIN_TEXT`.
    """
    pdf = Document(header_left, header_right, footer_left, latin_only=latin_only)
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_subject("Pre-release handover summary")
    pdf.set_creator("planner")
    pdf.set_lang("en-GB")
    pdf.set_creation_date(created)
    pdf.add_page()
    return pdf
