"""The fonts a PDF summary draws with: DejaVu Sans, then a chain of fonts for other scripts.

DejaVu Sans draws Latin, Greek, Cyrillic, Armenian, Georgian and Hebrew. For the scripts
it lacks, the fallback chain follows, first font holding a character first: Noto Sans for
Arabic (Arabic, Persian, Urdu, Pashto), Devanagari, Bengali, Gurmukhi, Gujarati, Tamil,
Ethiopic and Thai, then Droid Sans Fallback for Chinese, Japanese and Korean (in pieces of
4,096 code points, see `font_subset`). Every font ships in the package; nothing is read
from the system and nothing from a network.

A document embeds subsets of only the fonts its text needs: a summary in Latin letters
only embeds the two small Latin subsets of DejaVu Sans, exactly as before the chain; one
with a Chinese name adds the two or three pieces of Droid Sans Fallback that hold it.

fpdf2 parses a font file every time a document adds it: 25 ms for DejaVu Sans, 20 ms for
a piece of Droid Sans Fallback. Here each file is parsed once per process into a
prototype, and each document gets a copy of it that shares the prototype's character map
and glyph widths, with a glyph subset and a handle on the file of its own (fpdf2 subsets
that in place when it writes the document).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools import ttLib  # type: ignore[import-untyped]  # fpdf2's dependency
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from planner.export.files import ExportError
from planner.export.font_subset import (
    CJK_BLOCK,
    CJK_RANGES,
    FONT_FOLDER,
    cjk_piece,
    latin_code_points,
)
from planner.export.pdf_text import invisible, plain


@dataclass(frozen=True, slots=True)
class Face:
    """One font of the chain: its fpdf2 family name and its files; no bold file means bold
    text in it is drawn with the regular one."""

    family: str
    regular: str
    bold: str | None = None

    def files(self) -> dict[str, str]:
        """The file for each fpdf2 style ("" and "B")."""
        return {"": self.regular} | ({"B": self.bold} if self.bold else {})


def _noto(script: str) -> Face:
    return Face(
        f"noto{script.lower()}", f"NotoSans{script}-Regular.ttf", f"NotoSans{script}-Bold.ttf"
    )


LATIN = Face("dejavu", "DejaVuSans-Latin.ttf", "DejaVuSans-Bold-Latin.ttf")
FULL = Face("dejavu", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
FULL_FALLBACK = Face("dejavufull", FULL.regular, FULL.bold)
SCRIPTS = tuple(
    _noto(script)
    for script in (
        "Arabic",
        "Devanagari",
        "Bengali",
        "Gurmukhi",
        "Gujarati",
        "Tamil",
        "Ethiopic",
        "Thai",
    )
)
# DejaVu Sans has Arabic letters too, but Noto Sans Arabic draws them far better and with
# every letter Persian and Urdu need: DejaVu gives these ranges up to it.
_GIVEN_UP = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)


@dataclass(frozen=True, slots=True)
class FontChain:
    """The fonts one document draws with: `primary` for what it holds, `fallbacks` (in
    chain order) for the rest; `missing` are the characters none of them holds."""

    primary: Face
    fallbacks: tuple[Face, ...]
    missing: frozenset[str]

    @property
    def latin_only(self) -> bool:
        return self.primary is LATIN and not self.fallbacks


LATIN_ONLY = FontChain(LATIN, (), frozenset())


def chain_for(text: str) -> FontChain:
    """The fonts that draw every printable character of `text`, as few and small as can be."""
    latin = latin_code_points()
    others = {c for c in set(text) if c >= " " and ord(c) not in latin}
    if not others:
        return LATIN_ONLY
    faces = {c: face_for(c) for c in others if plain(c) == c}  # controls are never drawn
    missing = frozenset(c for c, face in faces.items() if face is None and not invisible(c))
    used = {face for face in faces.values() if face is not None}
    primary = LATIN
    if FULL_FALLBACK in used:  # a Cyrillic or Vietnamese name: DejaVu Sans draws most of it
        primary = FULL
        used.discard(FULL_FALLBACK)
    return FontChain(primary, tuple(f for f in _chain_order() if f in used), missing)


@cache
def face_for(char: str) -> Face | None:
    """The first font of the chain that holds `char` (DejaVu Sans's Latin letters aside)."""
    cp = ord(char)
    for face in SCRIPTS:
        if cp in cmap(face.regular):
            return face
    if any(start <= cp <= end for start, end in CJK_RANGES):
        piece = cjk_face(cp)
        if piece is not None and cp in cmap(piece.regular):
            return piece
    if cp in cmap(FULL.regular):
        return FULL_FALLBACK
    return None


def can_draw(char: str) -> bool:
    """Whether some font of the chain holds `char`."""
    return ord(char) in latin_code_points() or face_for(char) is not None


@cache
def cjk_face(cp: int) -> Face | None:
    """The piece of Droid Sans Fallback for `cp`'s block, if one ships."""
    name = cjk_piece(cp)
    if not (FONT_FOLDER / name).is_file():
        return None
    return Face(f"cjk{name.removeprefix('DroidSansFallback-').removesuffix('.ttf').lower()}", name)


@cache
def _chain_order() -> tuple[Face, ...]:
    blocks = {cp - cp % CJK_BLOCK for start, end in CJK_RANGES for cp in range(start, end + 1)}
    pieces = [f for f in (cjk_face(block) for block in sorted(blocks)) if f is not None]
    return (*SCRIPTS, *pieces, FULL_FALLBACK)


def cmap(file: str) -> dict[int, str]:
    """Code point to glyph name, as the document's fonts see it."""
    held: dict[int, str] = _prototype(file, "").cmap
    return held


def attach(pdf: FPDF, faces: Iterable[Face]) -> None:
    """Add each style of each face to `pdf`, parsing no file that this process has parsed."""
    for face in faces:
        for style, file in face.files().items():
            key = f"{face.family}{style}"
            try:
                pdf.fonts[key] = _copy(_prototype(file, style), pdf, key, _path(file))
            except (AttributeError, TypeError):  # fpdf2's font objects changed shape
                pdf.fonts.pop(key, None)
                _keep_glyph_bounds(_load(pdf, face.family, style, file))


def _path(file: str) -> Path:
    path = FONT_FOLDER / file
    if not path.is_file():
        raise ExportError(
            f"the PDF font {file} is missing from this installation; reinstall planner"
        )
    return path


_GLYPH_ORDERS: dict[str, tuple[str, ...]] = {}


@cache
def _prototype(file: str, style: str) -> TTFFont:
    font = _load(FPDF(), "prototype", style, file)
    _GLYPH_ORDERS[file] = tuple(font.ttfont.getGlyphOrder())
    font.ttfont.close()  # each document opens the file afresh
    _ = font.hbfont  # the text shaper's view of the font, shared by every copy
    return font


def _load(pdf: FPDF, family: str, style: str, file: str) -> TTFFont:
    """`file` parsed and added to `pdf` by fpdf2, less what DejaVu Sans gives up."""
    pdf.add_font(family, style, str(_path(file)))
    font = pdf.fonts[f"{family}{style}"]
    assert isinstance(font, TTFFont)  # add_font always makes one
    if file in (FULL.regular, FULL.bold):
        given_up = {cp for cp in font.cmap if any(a <= cp <= b for a, b in _GIVEN_UP)}
        font.cmap = {cp: g for cp, g in font.cmap.items() if cp not in given_up}
        font.glyph_ids = {cp: g for cp, g in font.glyph_ids.items() if cp not in given_up}
    return font


def _copy(prototype: TTFFont, pdf: FPDF, key: str, path: Path) -> TTFFont:
    font = copy.copy(prototype)
    font.i = len(pdf.fonts) + 1
    font.fontkey = key
    font.ttfont = ttLib.TTFont(str(path), recalcTimestamp=False, lazy=True)
    # Naming every glyph costs as much as reading the file; the names never change.
    font.ttfont.setGlyphOrder(list(_GLYPH_ORDERS[path.name]))
    font.subset = SubsetMap(font)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    _keep_glyph_bounds(font)
    return font


def _keep_glyph_bounds(font: object) -> None:
    """Embed each glyph's outline as stored instead of re-measuring its bounding box.

    Subsetting leaves outlines unchanged, so the stored bounds stay right; re-measuring
    them was a quarter of the time a PDF took. Skipped quietly if fpdf2's font objects
    ever change shape: the output is then the same, only slower.
    """
    ttfont = getattr(font, "ttfont", None)
    if ttfont is not None and hasattr(ttfont, "recalcBBoxes"):
        ttfont.recalcBBoxes = False
