"""The Latin subsets of DejaVu Sans shipped for fast PDF export, and how they are made.

Embedding a font costs fpdf2 a parse and a subset of it for every file written: about
35 ms a document for the full DejaVu Sans pair (6,000 glyphs each), a fifth of that for
these subsets (about 430 glyphs: Western, Central and Eastern European Latin, with the
punctuation, currency and arrows the summaries use). A summary holding any character
outside `LATIN_RANGES` (a Vietnamese or Cyrillic name, say) is written with the full
fonts instead, so nothing is ever lost to a missing glyph. Regenerate the subsets after
changing the ranges or the fonts with

    python -m planner.export.font_subset
"""

from __future__ import annotations

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


@cache
def latin_code_points() -> frozenset[int]:
    return frozenset(cp for start, end in LATIN_RANGES for cp in range(start, end + 1))


def latin_only(text: str) -> bool:
    """Whether the Latin subsets can draw every printable character of `text`."""
    covered = latin_code_points()
    return all(ord(char) in covered for char in set(text) if char >= " ")


def write_subsets(folder: Path = FONT_FOLDER) -> list[Path]:  # pragma: no cover - dev tool
    """Make the Latin subset files from the full fonts in `folder`."""
    from fontTools import subset  # type: ignore[import-untyped]  # fpdf2's dependency

    written: list[Path] = []
    for full, latin in SUBSETS.items():
        options = subset.Options()
        options.layout_features = []
        options.hinting = False
        options.notdef_outline = True
        options.recommended_glyphs = True
        options.drop_tables += ["FFTM", "GPOS", "GSUB", "GDEF"]
        font = subset.load_font(str(folder / full), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(latin_code_points()))
        subsetter.subset(font)
        target = folder / latin
        subset.save_font(font, str(target), options)
        written.append(target)
    return written


if __name__ == "__main__":  # pragma: no cover - developer tool
    for path in write_subsets():
        print(f"wrote {path}")
