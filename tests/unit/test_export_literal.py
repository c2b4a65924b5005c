"""Exports show stored text as it is: no Markdown structure, no spreadsheet formula."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

from markdown_it import MarkdownIt

from planner.domain.person import Contact
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.export.case_note import render_note_text
from planner.export.caseload_csv import caseload_table, render_caseload_csv, safe_text
from planner.export.markdown import escape, render_markdown
from planner.store.repository import CaseStore
from tests.conftest import NOW, TODAY, make_person
from tests.unit.test_export_cases import summary_of

MARKDOWN = MarkdownIt("gfm-like")
# Each would make structure if it were read as Markdown: a heading, a link, a table break,
# an image, HTML, an entity, emphasis, code, a list, a quote, a rule, an autolink.
INJECTIONS = (
    "# Heading",
    "[click](http://evil.example/)",
    "a | b | c",
    "![x](http://evil.example/x.png)",
    "<script>alert(1)</script>",
    "&#x202e;&amp;",
    "*bold* __strong__ ~~gone~~",
    "`code`",
    "- item",
    "1. first",
    "> quote",
    "---",
    "===",
    "http://evil.example/ www.evil.example",
)


def _case(store: CaseStore, template: Template, text: str) -> None:
    # Phone numbers and email addresses have a shape of their own, checked on entry.
    contact = Contact(name=text, role=text, unit=text, phone="020 7946 0958", email="a@b.example")
    person = make_person(
        surname=text,
        forename=text,
        prison=text,
        location=text[:40],
        prison_offender_manager=contact,
        community_offender_manager=contact,
    )
    store.add(person, template)
    number = person.number
    store.save_item(number, "accommodation.address", evidence={"address": text})
    store.save_item(number, "bank.account", status=ItemStatus.DECLINED, reason=text, notes=text)
    store.save_item(number, "id.documents", status=ItemStatus.BLOCKED, reason=f"{text}\n{text}")
    store.update_notes(number, "\n".join([text, *INJECTIONS]))


def _tags(rendered: str) -> list[str]:
    return re.findall(r"<(/?[a-z0-9]+)", rendered)


def _text_of(rendered: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", rendered)).split())


def test_no_stored_text_makes_markdown_structure(
    store: CaseStore, template: Template, tmp_path: Path
) -> None:
    _case(store, template, "Plain")
    plain = MARKDOWN.render(render_markdown(summary_of(store)))
    for n, text in enumerate(INJECTIONS):
        with CaseStore(tmp_path / f"{n}.db", officer="Test Officer", clock=lambda: NOW) as other:
            _case(other, template, text)
            rendered = MARKDOWN.render(render_markdown(summary_of(other, today=TODAY)))
        assert _tags(rendered) == _tags(plain), text
        assert " ".join(text.split()) in _text_of(rendered), text


def test_the_escape_keeps_plain_text_readable() -> None:
    assert escape("O'Neill-Ward, B-2-014, 04/12/2026: fine.") == (
        "O'Neill-Ward, B-2-014, 04/12/2026: fine."
    )
    assert escape("- item") == r"\- item" and escape("12) x") == r"12\) x"
    assert escape("see http://x.example") == r"see http:\/\/x.example"
    assert escape("Esc\x1b[2J") == r"Esc\<U+001B\>\[2J"  # as written before the rules


def test_the_case_note_is_the_text_as_stored(store: CaseStore, template: Template) -> None:
    text = "[link=http://evil.example/]click[/link] # =SUM(A1) *x*"
    _case(store, template, text)
    note = render_note_text(summary_of(store))
    assert note.count(text) >= 8
    assert "\n".join([text, *INJECTIONS]) in note


def test_csv_cells_never_run_as_formulas(store: CaseStore, template: Template) -> None:
    for n, text in enumerate(('=HYPERLINK("http://evil.example")', "+1", "-1", "@SUM(A1)")):
        store.add(make_person(f"A123{n}BC", surname=text, forename=text), template)
    cases = {case.number: case for case in store.cases()}
    header, rows = caseload_table(store.summaries(), store.template, TODAY, cases)
    read = list(csv.DictReader(io.StringIO(render_caseload_csv(header, rows).decode("utf-8-sig"))))
    assert {row["Surname"][0] for row in read} == {"'"}
    assert {row["Surname"][1:] for row in read} >= {"+1", "-1", "@SUM(A1)"}
    assert safe_text("\tx") == "'<U+0009>x" and safe_text("\rx") == "'<U+000D>x"
    assert safe_text("O'Neill") == "O'Neill"
