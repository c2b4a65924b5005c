"""PDF summaries: read back with pypdf, they hold the facts, the gaps and page numbers."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from planner.domain.template import Template
from planner.export.font_subset import FONT_FOLDER, LATIN_RANGES, SUBSETS, latin_only
from planner.export.pdf import render_pdf
from planner.store.repository import CaseStore
from tests.conftest import make_person
from tests.unit.test_export_cases import SENSITIVE_VALUES, record_rich_case, summary_of


def _pages(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def rich(store: CaseStore, template: Template) -> CaseStore:
    record_rich_case(store, template)
    return store


@pytest.fixture
def pdf(rich: CaseStore) -> bytes:
    return render_pdf(summary_of(rich))


def test_is_an_a4_pdf_with_metadata(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert reader.metadata is not None
    assert reader.metadata.title == "Handover summary: Alexandra O'Neill-Ward (A1234BC)"
    assert reader.metadata.author == "Pat Officer"


def test_text_holds_the_key_facts(pdf: bytes) -> None:
    text = " ".join(_pages(pdf))
    for fact in (
        "Alexandra O'Neill-Ward",
        "A1234BC",
        "X123456",
        "Thu 17 May 1990",
        "Wed 16 Dec 2026 (in 23 days)",
        "CAS3: Flat 2, 14 Acre Lane, London SW2 5SG",
        "Brixton Jobcentre Plus, Thu 17 Dec 2026 at 09:30",
        "Lloyds",
        "Chris Patel",
        "Sam Okafor",
    ):
        assert fact in text, fact


def test_text_holds_the_gap_reasons_most_urgent_first(rich: CaseStore, pdf: bytes) -> None:
    text = " ".join(_pages(pdf))
    summary = summary_of(rich)
    positions = []
    for gap in summary.gaps:
        start = " ".join(gap.reason.split())[:60]
        assert start in text, start
        positions.append(text.index(start))
    assert positions == sorted(positions)
    assert "!! CRITICAL" in text and "COM on leave until 30 Nov" in text


def test_every_page_has_the_header_and_a_page_number(pdf: bytes) -> None:
    pages = _pages(pdf)
    assert len(pages) >= 2
    for number, text in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in text
        assert "Alexandra O'Neill-Ward | A1234BC" in text
        assert "Release: Wed 16 Dec 2026" in text


def _font_files(data: bytes) -> int:
    return len(re.findall(rb"/FontFile2", data))


def test_fonts_are_embedded(pdf: bytes) -> None:
    assert _font_files(pdf) == 2  # regular and bold, both embedded
    assert b"DejaVuSans" in pdf


def test_non_latin_names_fall_back_to_the_full_fonts(store: CaseStore, template: Template) -> None:
    store.add(make_person(surname="Nguyễn", forename="Thị Иван"), template)
    data = render_pdf(summary_of(store))
    assert _font_files(data) == 2
    assert "Thị Иван Nguyễn" in _pages(data)[0]


def test_latin_subsets_cover_their_ranges() -> None:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    wanted = {cp for start, end in LATIN_RANGES for cp in range(start, end + 1)}
    for name in SUBSETS.values():
        cmap = TTFont(FONT_FOLDER / name)["cmap"].getBestCmap()
        assert wanted <= set(cmap), name
    assert latin_only("Zoë Łukasz Ștefan \u2013 £5 \u2713")
    assert not latin_only("Иван")


def test_redacted_pdf_says_so_and_holds_no_redacted_values(rich: CaseStore) -> None:
    pages = _pages(render_pdf(summary_of(rich, redact=True)))
    assert "REDACTED SUMMARY" in pages[0]
    assert all("REDACTED" in page for page in pages)  # the header says so on every page
    text = " ".join(pages)
    for value in SENSITIVE_VALUES:
        assert value not in text, value


def test_a_bare_case_says_what_is_missing(store: CaseStore, template: Template) -> None:
    store.add(make_person(release=None), template)
    pages = _pages(render_pdf(summary_of(store)))
    assert "NO RELEASE DATE RECORDED" in pages[0]
    assert "Release: no date recorded" in pages[0]


def test_very_long_notes_flow_over_pages(store: CaseStore, template: Template) -> None:
    store.add(make_person(), template)
    store.update_notes("A1234BC", "\n".join(f"Note line {n} " + "word " * 30 for n in range(300)))
    pages = _pages(render_pdf(summary_of(store)))
    assert len(pages) > 5
    assert "Note line 299" in pages[-1]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_tabs_and_carriage_returns_in_notes_draw_no_missing_glyphs(
    store: CaseStore, template: Template, caplog: pytest.LogCaptureFixture
) -> None:
    store.add(make_person(), template)
    store.update_notes("A1234BC", "Windows line\r\nTabbed\tcolumn")
    text = " ".join(_pages(render_pdf(summary_of(store))))
    assert "Windows line" in text and "Tabbed column" in text
    assert "missing" not in caplog.text
