"""The fast way PDFs are written, read back with pypdf: Latin fonts from subsets cut once
per process, lines placed without fpdf2's `text`, glyph maps deflated in part.

Every document still holds its own searchable text in embedded fonts, draws each character
with the glyph fpdf2 would have drawn, lays out exactly as fpdf2's own font writing and
text placing do, and holds nothing of another document written before it in the same
process.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zlib
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fpdf import FPDF
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PageObject, PdfReader

from planner.domain.template import Template
from planner.export.files import ExportFormat
from planner.export.font_subset import FONT_FOLDER, LATIN_FILES, shared_tiers
from planner.export.pdf import render_pdf
from planner.export.pdf_layout import Document
from planner.export.pdf_shared_fonts import GLYPH_MAP_SIZE, deflated_glyph_map
from planner.export.service import export_batch
from planner.store.repository import CaseStore
from tests.conftest import TODAY
from tests.unit.test_export_cases import OFFICER, record_rich_case, summary_of

# One name for each size of the fixed glyph sets: ASCII, Western European, the whole file.
NAMES = [("Alexandra", "Smith"), ("Zoë", "O\u2019Neill\u2013Ward"), ("Wojciech", "Łukasiewicz")]

REGULAR = "/MPDFAA+DejaVuSansBook/F1"  # DejaVu Sans, as the pages name it

HEADINGS = (
    "Handover summary",
    "Release day: actions for probation",
    "Still open: 5 gaps, most urgent first",
    "Declined or not required",
    "Contacts",
    "Checklist by section",
)


def _text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return unicodedata.normalize("NFKC", " ".join(page.extract_text() for page in pages))


def _page_fonts(page: PageObject) -> dict[str, Any]:
    """A page's font dictionaries by resource name (/F1, /F2, ...)."""
    resources: Any = page["/Resources"]
    return {name: ref.get_object() for name, ref in resources["/Font"].items()}


def _fonts(data: bytes) -> dict[str, Any]:
    """Each font the pages use, by its base font name and resource name."""
    fonts: dict[str, Any] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for name, font in _page_fonts(page).items():
            fonts[f"{font['/BaseFont']}{name}"] = font
    return fonts


def _cid_font(font: Any) -> Any:
    return font["/DescendantFonts"][0].get_object()


def _program(font: Any) -> bytes:
    """The font file embedded for `font` (its FontFile2 stream)."""
    descriptor = _cid_font(font)["/FontDescriptor"].get_object()
    data: bytes = descriptor["/FontFile2"].get_object().get_data()
    return data


def _contents(page: PageObject) -> bytes:
    contents = page.get_contents()
    assert contents is not None
    return contents.get_data()


def _glyphs_drawn(font: Any) -> dict[int, str]:
    """Each character the document's text holds in `font`, with the name of the embedded
    glyph a viewer draws for it (through the character map and the glyph map)."""
    glyph_map = _cid_font(font)["/CIDToGIDMap"].get_object().get_data()
    order = TTFont(io.BytesIO(_program(font))).getGlyphOrder()
    to_unicode = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    to_unicode = to_unicode.split("endcodespacerange", 1)[1]  # the map itself
    drawn: dict[int, str] = {}
    for code, target in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]{4})>", to_unicode):
        char = int(target, 16)
        if char:  # code 0 is the notdef glyph, for no character
            cid = int(code, 16)
            drawn[char] = order[glyph_map[2 * cid] << 8 | glyph_map[2 * cid + 1]]
    return drawn


def _rich_pdf(store: CaseStore, template: Template, forename: str, surname: str) -> bytes:
    record_rich_case(store, template, forename=forename, surname=surname)
    return render_pdf(summary_of(store))


@pytest.mark.parametrize(
    ("forename", "surname"),
    NAMES,
)
def test_the_page_is_what_fpdf2s_own_font_writing_makes(
    store: CaseStore, template: Template, forename: str, surname: str
) -> None:
    record_rich_case(store, template, forename=forename, surname=surname)
    summary = summary_of(store)
    shared = PdfReader(io.BytesIO(render_pdf(summary)))
    own = PdfReader(io.BytesIO(render_pdf(summary, shared_fonts=False)))
    assert len(shared.pages) == len(own.pages) >= 2
    for ours, theirs in zip(shared.pages, own.pages, strict=True):
        assert _contents(ours) == _contents(theirs)
        assert ours.extract_text() == theirs.extract_text()
        fpdf2s = _page_fonts(theirs)
        for name, font in _page_fonts(ours).items():  # every glyph's width
            assert _cid_font(font)["/W"] == _cid_font(fpdf2s[name])["/W"]


@pytest.mark.parametrize(
    ("forename", "surname"),
    [*NAMES, ("小龍", "李"), ("Иван", "Nguyễn")],
)
def test_each_line_is_written_as_fpdf2s_own_text_writes_it(
    store: CaseStore,
    template: Template,
    forename: str,
    surname: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record_rich_case(store, template, forename=forename, surname=surname)
    summary = summary_of(store)
    ours = PdfReader(io.BytesIO(render_pdf(summary)))
    monkeypatch.setattr(Document, "place", FPDF.text)
    theirs = PdfReader(io.BytesIO(render_pdf(summary)))
    assert len(ours.pages) == len(theirs.pages) >= 2
    for page, fpdf2s in zip(ours.pages, theirs.pages, strict=True):
        assert _contents(page) == _contents(fpdf2s)


@pytest.mark.parametrize(
    ("forename", "surname"),
    NAMES,
)
def test_each_character_is_drawn_with_its_own_glyph(
    store: CaseStore, template: Template, forename: str, surname: str
) -> None:
    data = _rich_pdf(store, template, forename, surname)
    fonts = _fonts(data)
    assert sorted(fonts) == ["/MPDFAA+DejaVuSansBold/F2", REGULAR]
    files = {"/F1": "DejaVuSans-Latin.ttf", "/F2": "DejaVuSans-Bold-Latin.ttf"}
    for key, font in fonts.items():
        cmap = TTFont(FONT_FOLDER / files[key[-3:]])["cmap"].getBestCmap()
        drawn = _glyphs_drawn(font)
        assert len(drawn) > 40
        assert drawn == {char: cmap[char] for char in drawn}, key
    if forename != "Alexandra":
        assert any(char > 0x7E for char in _glyphs_drawn(fonts[REGULAR]))


def test_the_smallest_fixed_glyph_set_that_holds_the_text_is_embedded(
    tmp_path: Path, template: Template
) -> None:
    sizes = []
    for n, (forename, surname) in enumerate(NAMES):
        with CaseStore(tmp_path / f"{n}.db", officer=OFFICER) as store:
            data = _rich_pdf(store, template, forename, surname)
        glyphs = TTFont(io.BytesIO(_program(_fonts(data)[REGULAR]))).getGlyphOrder()
        sizes.append(len(glyphs))
        assert "Q" in glyphs  # a fixed set: the summary draws no capital Q
    ascii_set, western = (len(tier) for tier in shared_tiers())
    whole = len(TTFont(FONT_FOLDER / "DejaVuSans-Latin.ttf").getGlyphOrder())
    assert ascii_set <= sizes[0] < western <= sizes[1] < sizes[2] == whole
    assert {"DejaVuSans-Latin.ttf", "DejaVuSans-Bold-Latin.ttf"} == LATIN_FILES


@pytest.mark.parametrize("workers", [1, 2])
def test_pdfs_of_one_batch_each_hold_their_own_text(
    tmp_path: Path,
    store: CaseStore,
    template: Template,
    workers: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("planner.export.service.POOL_THRESHOLD", 2)
    names = {
        "A1111AA": ("Alexandra", "Smith"),
        "B2222BB": ("Bartholomew", "Quigley"),
        "C3333CC": ("小龍", "李"),
        "D4444DD": ("محمد", "عبد الله"),
        "E5555EE": ("Zoë", "Ørsted"),
    }
    for number, (forename, surname) in names.items():
        record_rich_case(store, template, number, forename=forename, surname=surname)
    folder = tmp_path / "out"
    paths = export_batch(
        store,
        list(names),
        ExportFormat.PDF,
        folder,
        officer=OFFICER,
        today=TODAY,
        workers=workers,
    )
    assert len(paths) == len(names)
    programs: dict[str, bytes] = {}
    for path in paths:
        data = path.read_bytes()
        text = _text(data)
        number = path.name[:7]
        forename, surname = names[number]
        name = f"{forename} {surname}"
        if surname == "عبد الله":  # read back as drawn, left to right: last word first
            name = " ".join(reversed(name.split()))
        assert name in text
        for heading in HEADINGS:
            assert heading in text
        for other, (other_forename, other_surname) in names.items():
            if other != number:
                assert other_forename not in text and other_surname not in text
        fonts = _fonts(data)
        for font in fonts.values():
            assert "/FontFile2" in _cid_font(font)["/FontDescriptor"].get_object()
        programs[number] = _program(fonts[REGULAR])
    # Smith's summary draws no Q, Quigley's does: both embed the same fixed ASCII set.
    assert programs["A1111AA"] == programs["B2222BB"] == programs["C3333CC"]
    assert "Q" in TTFont(io.BytesIO(programs["A1111AA"])).getGlyphOrder()
    assert "Oslash" in TTFont(io.BytesIO(programs["E5555EE"])).getGlyphOrder()


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.one_of(st.integers(0, 600), st.integers(0, 0xFFFF)),
        st.integers(0, 0xFFFF),
        max_size=300,
    )
)
def test_the_glyph_map_inflates_to_each_codes_glyph_and_zeros(glyph_ids: dict[int, int]) -> None:
    expected = bytearray(GLYPH_MAP_SIZE)
    for code, gid in glyph_ids.items():
        expected[code * 2 : code * 2 + 2] = gid.to_bytes(2, "big")
    assert zlib.decompress(deflated_glyph_map(glyph_ids)) == expected  # checksum included
