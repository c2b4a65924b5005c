"""The Latin fonts written into each PDF from subsets cut once per process.

fpdf2 writes every embedded font by subsetting it with fontTools to the glyphs the
document drew, compressing the result, and building a 128 KB glyph map character by
character: for a summary in Latin letters, about half of the time its PDF took (two fonts,
about 6 ms each). The Latin subsets of DejaVu Sans are small, so here each is cut once per
process to a fixed glyph set, the smallest of three that holds what the document drew, and
every such document embeds the same bytes, compressed once:

* printable ASCII (98 glyphs, about 6 KB compressed): a summary in plain English letters;
* with the Latin-1 letters, the dashes, quotation marks and symbols of names and notes in
  Western European languages (about 240 glyphs, 11 KB);
* the whole Latin subset file (about 410 glyphs, 15 KB): Central and Eastern European names.

What makes the PDF what it is stays per document and as fpdf2 writes it: the text, each
glyph's width, and the character map that makes the text searchable. The embedded font
holds every glyph the document draws, and may hold some it does not. Any other font (the
full DejaVu Sans pair, the fallback fonts for other scripts) is written by fpdf2 itself.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset as ftsubset  # type: ignore[import-untyped]  # fpdf2's dependency
from fontTools import ttLib
from fpdf.fonts import TTFFont
from fpdf.output import (
    OutputProducer,
    PDFExtGState,
    PDFFont,
    PDFFontStream,
    PDFType3Font,
    PDFXObject,
)
from fpdf.pattern import Pattern
from fpdf.syntax import Name, PDFArray, PDFContentStream

from planner.export.font_subset import FONT_FOLDER, LATIN_FILES, shared_tiers

# fpdf2 writes a Type0 font's parts with these; the fixed path uses the same, and a
# release that renamed them leaves every font to fpdf2 (slower, the same PDF).
try:
    from fpdf.output import CIDSystemInfo, _build_cmap_blocks, _tt_font_widths
except ImportError:  # pragma: no cover - depends on the fpdf2 release
    SHARED_SUBSETS = False
else:
    SHARED_SUBSETS = True


@dataclass(frozen=True, slots=True)
class SharedSubset:
    """One font file cut to a fixed glyph set: what each document embeds of it."""

    glyph_ids: dict[str, int]  # glyph name to its index in the subset
    compressed: bytes  # the subset font file, deflated
    length: int  # its size before deflating

    def holds(self, glyph_names: Iterable[str]) -> bool:
        return all(name in self.glyph_ids for name in glyph_names)


# (file, tier) to the subset, cut the first time a document in this process needs it.
_CUT: dict[tuple[str, int], SharedSubset] = {}


def shared_subset(font: TTFFont) -> SharedSubset | None:
    """The smallest shared subset of `font`'s file that holds every glyph the document
    drew with it, or None for a file that has none (or a font fpdf2 shaped differently)."""
    try:
        file = Path(font.ttffile).name
        if file not in LATIN_FILES or font.color_font or font.is_cff:
            return None
        used = [glyph.glyph_name for glyph, _code in font.subset.items() if glyph is not None]
        cmap = font.cmap
    except AttributeError:  # fpdf2's font objects changed shape: fpdf2 writes it
        return None
    for tier, code_points in enumerate((*shared_tiers(), None)):
        key = (file, tier)
        subset = _CUT.get(key)
        if subset is None:
            names = None if code_points is None else {cmap[cp] for cp in code_points if cp in cmap}
            subset = _CUT[key] = cut(FONT_FOLDER / file, names)
        if subset.holds(used):
            return subset
    return None  # a glyph outside the file itself: never drawn by it, but fpdf2 decides


def cut(path: Path, glyph_names: Iterable[str] | None) -> SharedSubset:
    """`path` subset as fpdf2 subsets a font for a document, to `glyph_names` (every glyph
    when None)."""
    ttfont = ttLib.TTFont(str(path), recalcTimestamp=False, lazy=True)
    ttfont.recalcBBoxes = False  # subsetting leaves outlines, and so their bounds, as stored
    names = ttfont.getGlyphOrder() if glyph_names is None else sorted(glyph_names)
    subsetter = ftsubset.Subsetter(_options())
    subsetter.populate(glyphs=names)
    subsetter.subset(ttfont)
    buffer = io.BytesIO()
    ttfont.save(buffer)
    ttfont.close()
    data = buffer.getvalue()
    order = ttfont.getGlyphOrder()
    return SharedSubset(
        {name: gid for gid, name in enumerate(order)},
        zlib.compress(data),
        len(data),
    )


def _options() -> object:
    """fpdf2's own subsetting options (fpdf/output.py, `_add_fonts`)."""
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True)
    options.drop_tables += [
        "FFTM",
        "GDEF",
        "GPOS",
        "GSUB",
        "MATH",
        "hdmx",
        "meta",
        "sbix",
        "CBDT",
        "CBLC",
        "EBDT",
        "EBLC",
        "EBSC",
        "SVG ",
        "CPAL",
        "COLR",
    ]
    return options


class SharedSubsetOutput(OutputProducer):
    """fpdf2's PDF writer, writing the Latin fonts from their shared subsets.

    Passed to `FPDF.output(output_producer_class=...)`, fpdf2's hook for its writer.
    """

    def _add_fonts(
        self,
        image_objects_per_index: dict[int, PDFXObject],
        gfxstate_objs_per_name: dict[str, PDFExtGState],
        pattern_objs_per_name: dict[str, Pattern],
    ) -> dict[int, PDFFont | PDFType3Font]:
        registry = self.fpdf.fonts  # fpdf2 writes what this holds: the others, for now
        fonts = dict(registry)
        shared: dict[str, tuple[TTFFont, SharedSubset]] = {}
        if SHARED_SUBSETS:
            for key, font in fonts.items():
                if isinstance(font, TTFFont) and (subset := shared_subset(font)) is not None:
                    shared[key] = (font, subset)
                    del registry[key]
        try:
            written = super()._add_fonts(
                image_objects_per_index, gfxstate_objs_per_name, pattern_objs_per_name
            )
        finally:
            registry.clear()
            registry.update(fonts)
        for font, subset in shared.values():
            written[font.i] = self._add_shared_font(font, subset)
        return written

    def _add_shared_font(self, font: TTFFont, subset: SharedSubset) -> PDFFont:
        """The objects fpdf2 writes for a TrueType font, the font program taken from
        `subset`."""
        fontname = f"MPDFAA+{font.name}"
        composite = PDFFont(subtype="Type0", base_font=fontname, encoding="Identity-H")
        self._add_pdf_obj(composite, "fonts")
        cid_font = PDFFont(
            subtype="CIDFontType2",
            base_font=fontname,
            d_w=font.desc.missing_width,
            w=_tt_font_widths(font),
        )
        self._add_pdf_obj(cid_font, "fonts")
        composite.descendant_fonts = PDFArray([cid_font])

        to_unicode = PDFContentStream(_to_unicode(font).encode("latin-1"))
        self._add_pdf_obj(to_unicode, "fonts")
        composite.to_unicode = to_unicode

        system_info = CIDSystemInfo()
        self._add_pdf_obj(system_info, "fonts")
        cid_font.c_i_d_system_info = system_info

        descriptor = font.desc
        descriptor.font_name = Name(fontname)
        self._add_pdf_obj(descriptor, "fonts")
        cid_font.font_descriptor = descriptor

        codes = {
            code: subset.glyph_ids[glyph.glyph_name]
            for glyph, code in font.subset.items()
            if glyph is not None
        }
        glyph_map_obj = _DeflatedStream(deflated_glyph_map(codes))
        self._add_pdf_obj(glyph_map_obj, "fonts")
        cid_font.c_i_d_to_g_i_d_map = glyph_map_obj

        font_file = _DeflatedFontFile(subset)
        self._add_pdf_obj(font_file, "fonts")
        descriptor.font_file2 = font_file  # type: ignore[attr-defined]  # as fpdf2 sets it

        font.subset.pick.cache_clear()
        font.subset.get_glyph.cache_clear()
        font.close()
        return composite


GLYPH_MAP_SIZE = 256 * 256 * 2  # a glyph index for each 2-byte character code
_HEAD_STEP = 512  # the written part of a glyph map, rounded up to this many bytes


def deflated_glyph_map(glyph_ids: dict[int, int]) -> bytes:
    """The CIDToGIDMap stream's bytes, zlib-compressed: the glyph index for each character
    code (2 bytes each, high byte first), 0 for a code not used.

    A document uses a few hundred codes from 0 up, so all but the first kilobyte or so of
    the 128 KB map is zeros; deflating those zeros was a tenth of the time a summary took.
    Here only the written head is deflated per document, flushed so that what follows
    stands alone, and the zeros after it come from a deflated run made once per process
    for each length; the checksum covers the whole map, as zlib's own would.
    """
    top = max(glyph_ids, default=0)
    head = bytearray(-(-(top + 1) * 2 // _HEAD_STEP) * _HEAD_STEP)
    for code, gid in glyph_ids.items():
        head[code * 2] = gid >> 8
        head[code * 2 + 1] = gid & 0xFF
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    zeros, checksum = _deflated_zeros(GLYPH_MAP_SIZE - len(head), zlib.adler32(head))
    return _ZLIB_HEADER + body + zeros + checksum.to_bytes(4, "big")


_ZLIB_HEADER = b"\x78\x9c"  # deflate, 32 KB window, default compression
_ZEROS: dict[int, bytes] = {}


def _deflated_zeros(count: int, checksum: int) -> tuple[bytes, int]:
    """`count` zero bytes as the last deflate blocks of a stream, and the Adler-32
    checksum `checksum` (of what came before) becomes with them appended."""
    zeros = _ZEROS.get(count)
    if zeros is None:
        compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        zeros = _ZEROS[count] = compressor.compress(bytes(count)) + compressor.flush()
    # Adler-32 is two sums mod 65521: zeros leave the first alone and add it, once per
    # byte, to the second.
    first, second = checksum & 0xFFFF, checksum >> 16
    return zeros, (second + count * first) % 65521 << 16 | first


class _DeflatedStream(PDFContentStream):
    """A stream whose bytes were deflated beforehand."""

    def __init__(self, deflated: bytes) -> None:
        PDFContentStream.__init__(self, contents=deflated, compress=False)
        self.filter = Name("FlateDecode")


class _DeflatedFontFile(PDFFontStream):
    """A FontFile2 stream whose bytes were deflated once, for every document."""

    def __init__(self, subset: SharedSubset) -> None:
        PDFContentStream.__init__(self, contents=subset.compressed, compress=False)
        self.filter = Name("FlateDecode")
        self.length1 = subset.length


def _to_unicode(font: TTFFont) -> str:
    """The character map that makes the text searchable, as fpdf2 writes it."""
    entries = []
    for glyph, code in font.subset.items():
        if glyph is None or not isinstance(glyph.unicode, tuple) or not glyph.unicode:
            continue
        target = "".join(_utf16(cp) for cp in glyph.unicode)
        entries.append(f"<{code:04X}> <{target}>\n")
    return (
        "/CIDInit /ProcSet findresource begin\n"
        "12 dict begin\n"
        "begincmap\n"
        "/CIDSystemInfo\n"
        "<</Registry (Adobe)\n"
        "/Ordering (UCS)\n"
        "/Supplement 0\n"
        ">> def\n"
        "/CMapName /Adobe-Identity-UCS def\n"
        "/CMapType 2 def\n"
        "1 begincodespacerange\n"
        "<0000> <FFFF>\n"
        "endcodespacerange\n"
        f"{_build_cmap_blocks(entries, 'bfchar')}"
        "endcmap\n"
        "CMapName currentdict /CMap defineresource pop\n"
        "end\n"
        "end"
    )


def _utf16(cp: int) -> str:
    if cp > 0xFFFF:
        high = 0xD800 | (cp - 0x10000) >> 10
        low = 0xDC00 | (cp & 0x3FF)
        return f"{high:04X}{low:04X}"
    return f"{cp:04X}"
