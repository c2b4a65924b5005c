"""How the fonts shipped for PDF export are made from their sources (a developer tool).

Embedding a font costs fpdf2 a parse and a subset of it for every file written, roughly in
proportion to the glyphs the font holds. So the fonts ship cut to size:

* `DejaVuSans-Latin.ttf` and `DejaVuSans-Bold-Latin.ttf` hold about 430 glyphs each
  (Western, Central and Eastern European Latin, with the punctuation, currency and arrows
  the summaries use); a summary whose every character is in `LATIN_RANGES` embeds only
  these. A summary holding anything else (a Vietnamese or Cyrillic name, say) is written
  with the full DejaVu Sans pair instead.
* Droid Sans Fallback (Chinese, Japanese and Korean: 20,902 ideographs, kana, hangul) is
  split into one file per 1,024 code points, `DroidSansFallback-4C00.ttf` holding what the
  font has of U+4C00 to U+4FFF, so a Chinese name embeds two or three small files rather
  than one of 3 MB.

Regenerate them after changing the ranges or the sources with

    python -m planner.export.font_subset [path/to/DroidSansFallback.ttf]

(the Droid source is DroidSansFallback.ttf from Debian's fonts-droid-fallback package;
without it only the Latin subsets are made). The other fonts in fonts/ ship unmodified;
fonts/README.md says where each comes from.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

FONT_FOLDER = Path(__file__).with_name("fonts")
SUBSETS = {
    "DejaVuSans.ttf": "DejaVuSans-Latin.ttf",
    "DejaVuSans-Bold.ttf": "DejaVuSans-Bold-Latin.ttf",
}
# Inclusive code point ranges; keep in step with the shipped subset files (a test checks).
LATIN_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x017F),  # Latin-1 Supplement, Latin Extended-A
    (0x0218, 0x021B),  # Romanian S and T with comma below
    (0x02C6, 0x02C7),  # modifier circumflex and caron
    (0x02D8, 0x02DD),  # breve, dot above, ring, ogonek, small tilde, double acute
    (0x2010, 0x2027),  # dashes, quotation marks, bullets, ellipsis
    (0x2030, 0x203A),  # per mille, primes, single guillemets
    (0x20AC, 0x20AC),  # euro sign
    (0x2122, 0x2122),  # trade mark sign
    (0x2190, 0x2193),  # arrows
    (0x2212, 0x2212),  # minus sign
    (0x2713, 0x2713),  # check mark
    (0x2717, 0x2717),  # ballot X
)

# What the PDF writer cuts each Latin subset file down to, once per process, smallest
# first (see `pdf_shared_fonts`); a document takes the first that holds what it draws, or
# else the whole file. Inclusive code point ranges, each within `LATIN_RANGES`.
ASCII_RANGES: tuple[tuple[int, int], ...] = ((0x0020, 0x007E),)
WESTERN_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement: Western European letters, pound sign
    *(r for r in LATIN_RANGES if r[0] >= 0x2010),  # punctuation, euro, arrows, marks
)
LATIN_FILES = frozenset(SUBSETS.values())

CJK_SOURCE = "DroidSansFallback.ttf"
CJK_PIECE = "DroidSansFallback-{block:04X}.ttf"
CJK_BLOCK = 0x400  # code points per piece
# What is taken from Droid Sans Fallback; DejaVu Sans draws the rest of what it holds.
CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FFF),  # CJK and Kangxi radicals, ideographic description characters
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3100, 0x31FF),  # bopomofo, Hangul compatibility jamo, kanbun, strokes, katakana ext.
    (0x3200, 0x33FF),  # enclosed CJK letters, CJK compatibility
    (0x3400, 0x4DBF),  # CJK unified ideographs extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA960, 0xA97F),  # Hangul Jamo extended A
    (0xAC00, 0xD7FF),  # Hangul syllables, Hangul Jamo extended B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # halfwidth and fullwidth forms
)


@cache
def latin_code_points() -> frozenset[int]:
    return frozenset(cp for start, end in LATIN_RANGES for cp in range(start, end + 1))


@cache
def shared_tiers() -> tuple[frozenset[int], ...]:
    """The code points of each fixed glyph set the Latin subsets are cut to, smallest first."""
    return tuple(
        frozenset(cp for start, end in ranges for cp in range(start, end + 1))
        for ranges in (ASCII_RANGES, WESTERN_RANGES)
    )


def latin_only(text: str) -> bool:
    """Whether the Latin subsets can draw every printable character of `text`."""
    covered = latin_code_points()
    return all(ord(char) in covered for char in set(text) if char >= " ")


def cjk_piece(code_point: int) -> str:
    """The name of the Droid Sans Fallback piece that would hold `code_point`."""
    return CJK_PIECE.format(block=code_point - code_point % CJK_BLOCK)


def _options() -> object:  # pragma: no cover - dev tool
    from fontTools import subset  # type: ignore[import-untyped]  # fpdf2's dependency

    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    options.recommended_glyphs = True
    options.drop_tables += ["FFTM", "GPOS", "GSUB", "GDEF", "vhea", "vmtx"]
    return options


def _subset(source: Path, target: Path, unicodes: list[int]) -> Path:  # pragma: no cover
    from fontTools import subset

    options = _options()
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    subset.save_font(font, str(target), options)
    return target


def write_subsets(folder: Path = FONT_FOLDER) -> list[Path]:  # pragma: no cover - dev tool
    """Make the Latin subset files from the full fonts in `folder`."""
    latin = sorted(latin_code_points())
    return [_subset(folder / full, folder / part, latin) for full, part in SUBSETS.items()]


def write_cjk_pieces(source: Path, folder: Path = FONT_FOLDER) -> list[Path]:  # pragma: no cover
    """Split Droid Sans Fallback into pieces of `CJK_BLOCK` code points, in `CJK_RANGES`."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    held = TTFont(str(source), lazy=True).getBestCmap()
    wanted = [cp for start, end in CJK_RANGES for cp in range(start, end + 1) if cp in held]
    pieces: dict[str, list[int]] = {}
    for cp in wanted:
        pieces.setdefault(cjk_piece(cp), []).append(cp)
    for old in folder.glob(CJK_PIECE.replace("{block:04X}", "*")):
        old.unlink()
    return [_subset(source, folder / name, cps) for name, cps in sorted(pieces.items())]


if __name__ == "__main__":  # pragma: no cover - developer tool
    written = write_subsets()
    if len(sys.argv) > 1:
        written += write_cjk_pieces(Path(sys.argv[1]))
    for path in written:
        print(f"wrote {path}")
