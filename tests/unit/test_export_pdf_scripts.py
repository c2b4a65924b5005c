"""PDF summaries in any script: names drawn in the right font, and never a silent drop.

Every PDF is read back with pypdf. Shaped Arabic may come back in presentation forms, so
text is compared after NFKC normalisation.
"""

from __future__ import annotations

import io
import pickle
import re
import unicodedata
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from pypdf import PdfReader

from planner.cli import main
from planner.domain.template import Template
from planner.export import pdf_fonts
from planner.export.files import ExportFormat, InvalidExport
from planner.export.font_subset import CJK_RANGES, FONT_FOLDER, cjk_piece
from planner.export.pdf import render_pdf
from planner.export.pdf_fonts import FULL, LATIN, SCRIPTS, chain_for
from planner.export.pdf_layout import Style, document
from planner.export.pdf_text import UndrawableText
from planner.export.service import export_batch, export_case
from planner.store.repository import CaseStore
from tests.conftest import NOW, TODAY, make_person
from tests.unit.test_export_cases import OFFICER, record_rich_case, summary_of


def _text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return unicodedata.normalize("NFKC", " ".join(page.extract_text() for page in pages))


def _first_page(data: bytes) -> str:
    return unicodedata.normalize("NFKC", PdfReader(io.BytesIO(data)).pages[0].extract_text())


def _pdf_of(store: CaseStore, template: Template, forename: str, surname: str) -> bytes:
    record_rich_case(store, template, forename=forename, surname=surname)
    return render_pdf(summary_of(store))


def _font_files(data: bytes) -> int:
    return len(re.findall(rb"/FontFile2", data))


@pytest.mark.parametrize(
    ("forename", "surname"),
    [
        ("小龍", "李"),  # Chinese
        ("さくら", "山田"),  # Japanese: hiragana and kanji
        ("サクラ", "ヤマダ"),  # katakana
        ("민준", "김"),  # Korean
        ("Thị Иван", "Nguyễn"),  # Vietnamese and Cyrillic, in DejaVu Sans
        ("राहुल", "शर्मा"),  # Devanagari
        ("ሰላም", "ተስፋይ"),  # Ethiopic
    ],
)
def test_names_in_other_scripts_are_in_the_text(
    store: CaseStore, template: Template, forename: str, surname: str
) -> None:
    data = _pdf_of(store, template, forename, surname)
    page = _first_page(data)
    assert f"{forename} {surname}" in page
    assert page.count(surname) >= 3  # header, subtitle and the Name fact


def test_a_chinese_name_is_drawn_and_embeds_only_its_pieces(
    store: CaseStore, template: Template
) -> None:
    store.add(make_person(forename="李小龍", surname="Lee"), template)
    data = render_pdf(summary_of(store))
    assert "李小龍 Lee" in _first_page(data)
    # The two Latin subsets, and the pieces holding U+5C0F, U+674E and U+9F8D: nothing else.
    assert _font_files(data) == 2 + 3
    assert len(data) < 120_000


def test_an_arabic_name_reads_right_to_left(store: CaseStore, template: Template) -> None:
    data = _pdf_of(store, template, "محمد", "عبد الله")
    page = _first_page(data)
    name = "محمد عبد الله"
    for letter in set(name) - {" "}:
        assert letter in page
    # Text comes back in the order it is drawn, left to right: the name's first word is
    # drawn rightmost, its last word leftmost.
    assert " ".join(reversed(name.split())) in page
    assert "A1234BC" in page and "Release: Wed 16 Dec 2026" in page


def test_arabic_letters_are_joined_when_measured_and_drawn() -> None:
    name = "محمد"
    pdf = document(
        title="t",
        author="a",
        created=NOW,
        header_left="",
        header_right="",
        footer_left="",
        fonts=chain_for(name),
    )
    joined = pdf.width_of(name, Style())
    apart = sum(pdf.width_of(letter, Style()) for letter in name)
    # Each letter alone is its isolated form; joined, the first three take their initial
    # and medial forms, whose connecting strokes make the word wider.
    assert joined > apart + 0.3


def test_an_arabic_note_wraps_over_lines_and_keeps_every_letter(
    store: CaseStore, template: Template
) -> None:
    store.add(make_person(), template)
    note = " ".join(["يسكن مع عائلته في لندن"] * 60)
    store.update_notes("A1234BC", note)
    text = _text(render_pdf(summary_of(store)))
    assert text.count("عائلته") == 60


def test_a_long_chinese_note_without_spaces_wraps_and_keeps_every_character(
    store: CaseStore, template: Template
) -> None:
    store.add(make_person(), template)
    note = "他和家人住在伦敦，每周去看医生。" * 40  # noqa: RUF001
    store.update_notes("A1234BC", note)
    text = re.sub(r"\s", "", _text(render_pdf(summary_of(store))))
    assert unicodedata.normalize("NFKC", note) in text


def test_a_character_no_font_has_fails_the_pdf_naming_the_field(
    store: CaseStore, template: Template
) -> None:
    # Yoshida written with the "tsuchi-yoshi" variant, outside the shipped CJK font.
    store.add(make_person(forename="Alex\U0001f44d", surname="\U00020bb7田"), template)
    with pytest.raises(UndrawableText) as raised:
        render_pdf(summary_of(store))
    message = str(raised.value)
    assert message.startswith(
        "forename: 1 character cannot be drawn in PDF (U+1F44D); "
        "surname: 1 character cannot be drawn in PDF (U+20BB7)"
    )
    assert "Markdown or JSON" in message


def test_each_field_with_an_undrawable_character_is_named(
    store: CaseStore, template: Template
) -> None:
    record_rich_case(store, template)
    store.update_notes(
        "A1234BC", "Pleased with the flat \U0001f44d\U0001f642 \U0001f44d \U0001f600"
    )
    store.save_item("A1234BC", "bank.account", notes="Card posted \U0001f4e6")
    with pytest.raises(UndrawableText) as raised:
        render_pdf(summary_of(store))
    problems = raised.value.problems
    assert "notes: 2 characters cannot be drawn in PDF (U+1F44D, U+1F642)" in problems
    assert any(
        p == "Bank account > Bank account held or opened: notes: "
        "1 character cannot be drawn in PDF (U+1F4E6)"
        for p in problems
    ), problems
    assert len(problems) == 2


def test_invisible_joiners_and_direction_marks_are_not_refused(
    store: CaseStore, template: Template
) -> None:
    # A Persian name with a zero-width non-joiner (names may hold one inside a word).
    data = _pdf_of(store, template, "مهر\u200cناز", "Karimi")  # noqa: RUF001
    assert "Karimi" in _first_page(data)
    # A heart with the variation selector that asks for its emoji form, and a
    # right-to-left mark (free text may hold one).
    store.update_notes("A1234BC", "Thanks \u2764\ufe0f \u200f")
    assert "Thanks \u2764" in _text(render_pdf(summary_of(store)))


def test_export_case_writes_nothing_when_a_character_cannot_be_drawn(
    store: CaseStore, template: Template, tmp_path: Path
) -> None:
    store.add(make_person(surname="Example\U0001f44d"), template)
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(InvalidExport, match=r"^surname: 1 character cannot be drawn"):
        export_case(store, "A1234BC", ExportFormat.PDF, folder, officer=OFFICER, today=TODAY)
    assert list(folder.iterdir()) == []
    # Markdown holds any character.
    export_case(store, "A1234BC", ExportFormat.MARKDOWN, folder, officer=OFFICER, today=TODAY)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_batch_writes_everyone_else_and_names_who_was_left_out(
    store: CaseStore,
    template: Template,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    workers: int,
) -> None:
    monkeypatch.setattr("planner.export.service.POOL_THRESHOLD", 2)
    store.add(make_person("A1111AA"), template)
    store.add(make_person("B2222BB", forename="Sam\U0001f44d"), template)
    store.add(make_person("C3333CC", forename="小龍", surname="李"), template)
    folder = tmp_path / "out"
    with pytest.raises(UndrawableText) as raised:
        export_batch(
            store,
            ["A1111AA", "B2222BB", "C3333CC"],
            ExportFormat.PDF,
            folder,
            officer=OFFICER,
            today=TODAY,
            workers=workers,
        )
    message = str(raised.value)
    assert message.startswith(f"wrote 2 of 3 summaries to {folder}; not written")
    assert "B2222BB: forename: 1 character cannot be drawn in PDF (U+1F44D)" in message
    assert message.endswith("export this summary as Markdown or JSON")
    assert sorted(p.name[:7] for p in folder.iterdir()) == ["A1111AA", "C3333CC"]


def test_the_error_survives_the_trip_from_a_worker_process() -> None:
    error = UndrawableText(["notes: 1 character cannot be drawn in PDF (U+1F600)"], summaries=2)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.problems, copy.summaries, str(copy)) == (error.problems, 2, str(error))


def test_the_command_line_says_which_field_and_exits_2(
    tmp_path: Path, template: Template, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "planner.db"
    with CaseStore(db, officer="Test Officer", clock=lambda: NOW) as store:
        store.add(make_person(forename="Alex\U0001f44d"), template)
    out = tmp_path / "out.pdf"
    given = ["--db", str(db), "--officer", "Test Officer", "--today", "2026-11-23"]
    code = main([*given, "export", "A1234BC", "-o", str(out)])
    _, err = capsys.readouterr()
    assert code == 2
    assert "forename: 1 character cannot be drawn in PDF (U+1F44D)" in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_stored_text_is_never_taken_for_the_page_count(
    store: CaseStore, template: Template
) -> None:
    store.add(make_person(forename="{nb}", surname="李"), template)
    assert "{nb} 李 | A1234BC" in " ".join(_first_page(render_pdf(summary_of(store))).split())


def test_latin_only_summaries_use_no_fallback_fonts_and_no_shaping(
    store: CaseStore, template: Template
) -> None:
    record_rich_case(store, template)
    summary = summary_of(store)
    assert chain_for(summary.model_dump_json()).latin_only
    assert _font_files(render_pdf(summary)) == 2


def test_which_fonts_a_document_gets() -> None:
    assert chain_for("Alex O'Neill").latin_only
    chinese = chain_for("李 Alex")
    assert chinese.primary is LATIN
    assert [f.regular for f in chinese.fallbacks] == [cjk_piece(ord("李"))]
    arabic = chain_for("محمد Alex")
    assert (arabic.primary, arabic.fallbacks) == (LATIN, (SCRIPTS[0],))
    cyrillic = chain_for("Иван محمد")
    assert (cyrillic.primary, cyrillic.fallbacks) == (FULL, (SCRIPTS[0],))
    assert chain_for("Alex \U0001f600").primary is FULL  # DejaVu Sans has the emoticons
    assert chain_for("Alex \U0001f44d").missing == {"\U0001f44d"}


def test_fonts_are_parsed_once_per_process(store: CaseStore, template: Template) -> None:
    store.add(make_person(forename="محمد", surname="李"), template)
    summary = summary_of(store)
    render_pdf(summary)
    parsed = pdf_fonts._prototype.cache_info().misses
    render_pdf(summary)
    assert pdf_fonts._prototype.cache_info().misses == parsed


def test_copied_fonts_draw_what_fonts_added_by_fpdf2_draw(
    store: CaseStore, template: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_rich_case(store, template, forename="محمد 小龍", surname="Иванов")
    summary = summary_of(store)
    copied = render_pdf(summary)

    def changed_shape(*_: object) -> None:
        raise AttributeError("fpdf2's fonts changed")

    monkeypatch.setattr(pdf_fonts, "_copy", changed_shape)
    added = render_pdf(summary)
    assert copied == added


def test_cjk_pieces_hold_their_blocks_only() -> None:
    wanted = {cp for start, end in CJK_RANGES for cp in range(start, end + 1)}
    pieces = sorted(FONT_FOLDER.glob("DroidSansFallback-*.ttf"))
    assert len(pieces) > 20
    held = 0
    for piece in pieces:
        cmap = TTFont(piece)["cmap"].getBestCmap()
        assert {cjk_piece(cp) for cp in cmap} == {piece.name}
        assert set(cmap) <= wanted, piece.name
        held += len(cmap)
    assert held > 20_902 + 11_172  # every unified ideograph and every hangul syllable


def test_every_shipped_font_is_licensed_and_described() -> None:
    readme = (FONT_FOLDER / "README.md").read_text()
    for font in FONT_FOLDER.glob("*.ttf"):
        family = font.name.split("-")[0]
        assert family in readme, font.name
    for licence in ("LICENSE", "LICENSE-OFL.txt", "LICENSE-Apache-2.0.txt"):
        assert (FONT_FOLDER / licence).is_file()


def test_chinese_text_fills_each_line_and_no_line_starts_with_a_comma(
    store: CaseStore, template: Template
) -> None:
    store.add(make_person(), template)
    store.update_notes("A1234BC", "Chinese: " + "他和家人住在伦敦，每周去看医生。" * 8)  # noqa: RUF001
    lines = PdfReader(io.BytesIO(render_pdf(summary_of(store)))).pages[-1].extract_text()
    chinese = [line for line in lines.splitlines() if "他" in line or "医" in line]
    assert chinese[0].startswith("Chinese: 他和家人")  # not alone on its line
    assert len(chinese) == 3
    assert not any(line.lstrip()[0] in "，。" for line in chinese)  # noqa: RUF001
