"""PDF summaries: read back with pypdf, they hold the facts, the gaps and page numbers."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from pypdf import PdfReader

from planner.domain.template import Template
from planner.export import pdf as pdf_module
from planner.export.font_subset import FONT_FOLDER, LATIN_RANGES, SUBSETS, latin_only
from planner.export.pdf import render_pdf
from planner.export.pdf_layout import Document, document
from planner.store.repository import CaseStore
from tests.conftest import make_person
from tests.unit.test_export_cases import (
    GENERATED_AT,
    SENSITIVE_VALUES,
    record_rich_case,
    record_untrue_case,
    summary_of,
)


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


# --- what the PDF says, and where it breaks pages -----------------------------------------


def test_pdf_says_what_the_evidence_says(store: CaseStore, template: Template) -> None:
    record_untrue_case(store, template)
    text = " ".join(_pages(render_pdf(summary_of(store, "C3456DE"))))
    assert "Who meets them NOT ARRANGED Nobody meets them; travel arranged: Yes" in text
    assert "NOT ARRANGED No appointment recorded" in text  # the status once, then the facts
    assert "NOT BOOKED" not in text.replace("Leeds (NOT BOOKED)", "")
    assert "CAS3: CAS3 shared house, Leeds (NOT BOOKED)" in text
    assert "done, but the need is not met (Outcome: Declined)" in text
    assert "The release address is CAS3 but the booking is not arranged" in text


def test_dates_carry_the_year_and_overdue_ones_say_so(pdf: bytes) -> None:
    text = " ".join(_pages(pdf))
    assert "in progress (overdue: was due Wed 21 Oct 2026)" in text
    assert "not started (due Wed 2 Dec 2026)" in text
    assert "generated Mon 23 Nov 2026 10:15 by Pat Officer" in text  # the footer too
    # every day written out has its year: 'Wed 21 Oct' never stands alone
    days = re.findall(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}\b(?! \d{4})", text)
    assert days == []


def _sweep(draw: Callable[[Document], None], step: float = 5.0) -> list[list[str]]:
    """Draw the same block starting at every height down a page, each run on pages of its
    own; the text of the pages each run used."""
    pdf = document(
        title="sweep",
        author="test",
        created=GENERATED_AT,
        header_left="",
        header_right="",
        footer_left="",
    )
    runs: list[tuple[int, int]] = []
    y = pdf.t_margin
    while y < pdf.bottom:
        if runs:
            pdf.add_page()
        pdf.set_y(y)
        first = pdf.page
        draw(pdf)
        runs.append((first, pdf.page))
        y += step
    texts = _pages(bytes(pdf.output()))
    return [texts[first - 1 : last] for first, last in runs]


def _on_one_page(runs: list[list[str]], *parts: str) -> None:
    """In every run, the first part is drawn, and on the same page as all the others."""
    for n, pages in enumerate(runs):
        [page] = [p for p in pages if parts[0] in p] or [""]
        for part in parts:
            assert part in page, (n, part, pages)


def test_the_contacts_table_is_never_split(rich: CaseStore) -> None:
    summary = summary_of(rich)
    runs = _sweep(lambda pdf: pdf_module._contacts(pdf, summary))
    _on_one_page(runs, "Contacts", "Prison offender manager (POM)", "Community offender manager")
    assert any(len(pages) == 2 for pages in runs)  # near the foot it moves on, whole


def test_a_heading_never_sits_alone_at_the_foot_of_a_page(rich: CaseStore) -> None:
    summary = summary_of(rich)
    first_section = summary.model_copy(update={"sections": summary.sections[:1]})
    runs = _sweep(lambda pdf: pdf_module._checklist(pdf, first_section))
    _on_one_page(runs, "Checklist by section", "1 of 2 resolved", "Release date and type confirmed")
    accommodation = next(s for s in summary.sections if s.id == "accommodation")
    runs = _sweep(lambda pdf: pdf_module._section(pdf, accommodation))
    _on_one_page(runs, "2 of 3 resolved", "Release address confirmed", "Accommodation type")
    # an item keeps its evidence with it
    _on_one_page(runs, "Community Accommodation Service referral", "Booking starts")
    runs = _sweep(lambda pdf: pdf_module._gaps(pdf, summary))
    _on_one_page(runs, "Still open: 5 gaps", "The release address is CAS3")
