"""What stored text may hold: the one rule in planner.domain.text, from every model."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from planner.domain.case import Case
from planner.domain.checklist import Checklist, ItemRecord
from planner.domain.errors import InvalidInput, describe_validation_error
from planner.domain.evidence import check_evidence, parse_evidence_value
from planner.domain.person import Contact
from planner.domain.status import ItemStatus
from planner.domain.template import FieldType, Template
from planner.domain.text import (
    BIDI_CONTROLS,
    BIDI_MARKS,
    ZERO_WIDTH,
    line_text,
    name_text,
    notes_text,
    visible,
)
from planner.domain.validated import STORED_RECORD
from planner.store.repository import CaseStore
from tests.conftest import NOW, make_person
from tests.hostile_text import hostile_text

CONTROLS = [chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))]
NEVER_SHOWN = {*CONTROLS, *BIDI_CONTROLS, "\u2028", "\u2029"}


def shown_safely(text: str, keep: str = "") -> bool:
    """Nothing that controls a terminal or the reading order, and no lone surrogate."""
    return not any(c not in keep and (c in NEVER_SHOWN or 0xD800 <= ord(c) <= 0xDFFF) for c in text)


def refusal(**fields: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        make_person(**fields)
    return describe_validation_error(caught.value)


# --- names and identifiers ------------------------------------------------------------------


@pytest.mark.parametrize("char", CONTROLS)
def test_a_name_refuses_every_control_character(char: str) -> None:
    with pytest.raises(ValueError, match=f"control character \\(U\\+{ord(char):04X}\\)"):
        name_text(f"Smi{char}th")


@pytest.mark.parametrize(
    ("char", "what"),
    [
        *((c, "bidirectional control") for c in sorted(BIDI_CONTROLS | BIDI_MARKS)),
        *((c, "zero-width") for c in sorted(ZERO_WIDTH)),
        ("\u2028", "line separator"),
        ("\udcff", "not valid text"),  # a byte of a file name that was not UTF-8
    ],
)
def test_a_name_refuses_what_would_make_it_look_like_another(char: str, what: str) -> None:
    with pytest.raises(ValueError, match=what):
        name_text(f"Smi{char}th")


@pytest.mark.parametrize(
    "name",
    [
        "\u0645\u0647\u0631\u200c\u0646\u0627\u0632",  # Persian: a non-joiner inside the word
        "\u0915\u094d\u200d\u0937",  # Devanagari: a joiner inside a conjunct
    ],
)
def test_a_name_keeps_the_joiners_its_script_spells_it_with(name: str) -> None:
    assert name_text(name) == unicodedata.normalize("NFC", name)


@pytest.mark.parametrize(
    "name",
    [
        "Jo\u200chn",  # between Latin letters it only makes two names look alike
        "\u200c\u0645\u0647\u0631",  # at the start of a word
        "\u0645\u0647\u0631\u200c",  # at the end
        "\u0645\u200c John",  # beside a letter of another script
    ],
)
def test_a_joiner_anywhere_else_in_a_name_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="zero-width"):
        name_text(name)


def test_a_name_is_kept_in_one_normal_form() -> None:
    decomposed = "Zoe\u0308"
    assert name_text(decomposed) == "Zoë" == unicodedata.normalize("NFC", decomposed)
    assert make_person(forename=decomposed).forename == "Zoë"


def test_names_keep_what_people_are_called() -> None:
    for name in ("O'Neill-Ward", "Zoë", "Ŵyn", "Nguyễn", "[/]", "Jim [aka Jimmy]", "李", "🙂"):
        assert name_text(name) == name
        assert make_person(surname=name).surname == name


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"surname": "Smith\x1b[2J"}, "surname: contains a control character (U+001B)"),
        ({"forename": "Jo\u202e"}, "forename: contains a bidirectional control character (U+202E)"),
        ({"prison": "HMP\u200bExample"}, "prison: contains a zero-width character (U+200B)"),
        ({"location": "B-\x852"}, "location: contains a control character (U+0085)"),
        (
            {"prison_offender_manager": {"name": "Sam\x07"}},
            "prison_offender_manager.name: contains a control character (U+0007)",
        ),
        (
            {"community_offender_manager": {"email": "a@b\ufeff.uk"}},
            "community_offender_manager.email: contains a zero-width character (U+FEFF)",
        ),
    ],
)
def test_a_person_refuses_it_naming_the_field_and_never_echoing_the_text(
    fields: dict[str, Any], message: str
) -> None:
    assert refusal(**fields) == message


def test_identifiers_refuse_anything_but_their_shape() -> None:
    assert refusal(crn="X12\u200b3456").startswith("crn: CRN ")
    assert refusal(pnc="2012/\x1b0052834X").startswith("pnc: PNC number ")


# --- free text ------------------------------------------------------------------------------


def test_notes_keep_lines_and_tabs_and_read_crlf_as_a_newline() -> None:
    assert notes_text("one\r\ntwo\tcolumns\n") == "one\ntwo\tcolumns\n"
    with pytest.raises(ValueError, match=r"U\+000D"):
        notes_text("a lone\rcarriage return")
    with pytest.raises(ValueError, match=r"U\+001B"):
        notes_text("\x1b[31mred")


def test_free_text_refuses_reordering_but_keeps_what_scripts_and_emoji_need() -> None:
    for char in sorted(BIDI_CONTROLS):
        with pytest.raises(ValueError, match="bidirectional"):
            notes_text(f"paid {char}0001 GBP")
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # joined by zero-width joiners
    hebrew = "\u05e9\u05dc\u05d5\u05dd\u200f"  # with a right-to-left mark
    assert notes_text(f"{family} {hebrew}") == f"{family} {hebrew}"
    assert line_text(family) == family


def test_an_evidence_value_is_one_line() -> None:
    with pytest.raises(ValueError, match=r"U\+000A"):
        line_text("two\nlines")


def test_every_text_of_a_checklist_item_is_checked() -> None:
    for fields, message in (
        ({"reason": "why\x1b]8;;http://x\x07"}, "reason: contains a control character (U+001B)"),
        ({"notes": "\u2066hidden"}, "notes: contains a bidirectional control character (U+2066)"),
        ({"changed_by": "Sam\u200d"}, "changed_by: contains a zero-width character (U+200D)"),
        ({"evidence": {"bank": "x\x9b"}}, "evidence: field bank: contains a control character"),
    ):
        with pytest.raises(ValidationError) as caught:
            ItemRecord.model_validate(fields)
        assert describe_validation_error(caught.value).startswith(message)


def test_case_notes_are_checked() -> None:
    checklist = Checklist(template_id="t", template_version=1)
    with pytest.raises(ValidationError) as caught:
        Case(
            person=make_person(), checklist=checklist, notes="\x1b", created_at=NOW, updated_at=NOW
        )
    assert describe_validation_error(caught.value) == "notes: contains a control character (U+001B)"


def test_a_changed_copy_is_checked_like_a_new_model() -> None:
    """The store changes records with model_copy: a copy cannot hold what the model refuses."""
    record = ItemRecord(reason="fine")
    assert record.model_copy(update={"notes": "also fine"}).notes == "also fine"
    with pytest.raises(ValidationError):
        record.model_copy(update={"notes": "\x1b[2J"})
    with pytest.raises(ValidationError):
        record.edited(reason="\u202eevil")
    with pytest.raises(ValidationError):
        Contact().model_copy(update={"name": "A\u200bB"})
    person = make_person()
    assert person.model_copy(update={"surname": "Zoe\u0308"}).surname == "Zoë"


# --- the store API --------------------------------------------------------------------------


def test_the_store_refuses_it_and_writes_nothing(store: CaseStore, template: Template) -> None:
    store.add(make_person(), template)
    before = (store.change_number, store.get("A1234BC"))
    with pytest.raises(ValidationError, match="notes"):
        store.update_notes("A1234BC", "\x1b[2J")
    with pytest.raises(ValidationError, match="reason"):
        store.save_item("A1234BC", "bank.account", status=ItemStatus.BLOCKED, reason="\x1b[2J")
    with pytest.raises(InvalidInput, match="field address: contains a control character"):
        store.save_item("A1234BC", "accommodation.address", evidence={"address": "\x1b[2J"})
    with pytest.raises(ValidationError, match="surname"):
        store.update_person(make_person(surname="Plain").model_copy(update={"surname": "\x1b"}))
    assert (store.change_number, store.get("A1234BC")) == before


def test_the_store_refuses_an_officer_name_that_is_not_plain(
    db_path: Path, template: Template
) -> None:
    with CaseStore(db_path, officer="Sam\x1b[2J", clock=lambda: NOW) as store:
        store.add(make_person(), template)
        with pytest.raises(ValidationError, match="changed_by"):
            store.save_item("A1234BC", "bank.account", notes="a note")


def test_typed_evidence_is_checked_before_the_model(template: Template) -> None:
    field = next(f for i in template.items for f in i.evidence if f.type is FieldType.TEXT)
    with pytest.raises(InvalidInput, match=f"field {field.name}: contains a control character"):
        parse_evidence_value(field, "a\x1bb")
    item = next(i for i in template.items if field in i.evidence)
    with pytest.raises(InvalidInput, match=f"item {item.id} field {field.name}: contains a bidi"):
        check_evidence(item, {field.name: "a\u202eb"})


# --- showing any text -----------------------------------------------------------------------


def test_visible_shows_what_may_not_be_stored_as_its_code() -> None:
    assert visible("Esc\x1b[2J") == "Esc<U+001B>[2J"
    assert visible("a\nb\tc") == "a<U+000A>b<U+0009>c"
    assert visible("a\nb\tc", multiline=True) == "a\nb\tc"
    assert visible("\u202egnp.exe") == "<U+202E>gnp.exe"
    assert visible("[/] O'Neill 🙂") == "[/] O'Neill 🙂"


@settings(max_examples=300, deadline=None)
@given(st.one_of(hostile_text(), st.text(st.characters(codec=None, exclude_categories=()))))
def test_any_text_is_refused_or_kept_plain_and_always_shown_safely(raw: str) -> None:
    assert shown_safely(visible(raw))
    assert shown_safely(visible(raw, multiline=True), keep="\n\t")
    try:
        name = name_text(raw)
    except ValueError as exc:
        assert str(exc).startswith("contains ") and "(U+" in str(exc)
    else:
        assert unicodedata.is_normalized("NFC", name)
        assert shown_safely(name) and not set(name) & (BIDI_MARKS | ZERO_WIDTH)
        assert visible(name) == name
    try:
        notes = notes_text(raw)
    except ValueError:
        pass
    else:
        assert visible(notes, multiline=True) == notes


# --- a record saved before these rules ------------------------------------------------------


def test_a_record_saved_before_the_rules_reads_back_and_is_fixed_when_changed() -> None:
    """Read back with STORED_RECORD it opens as stored; the first change must mend it."""
    checklist = Checklist(template_id="t", template_version=1)
    case = Case(person=make_person(), checklist=checklist, created_at=NOW, updated_at=NOW)
    doc = case.model_dump(mode="json")
    doc["person"] |= {"forename": "Esc\x1b[2J", "release_date": "9999-12-31"}
    doc["checklist"]["items"] = {"bank.account": {"reason": "\u202ex", "evidence": {"a": "\x07"}}}
    with pytest.raises(ValidationError):
        Case.model_validate(doc)
    old = Case.model_validate(doc, context=STORED_RECORD)
    assert old.person.forename == "Esc\x1b[2J"
    assert old.person.release_date == date(9999, 12, 31)
    assert visible(old.person.forename) == "Esc<U+001B>[2J"
    record = old.checklist.item("bank.account")
    with pytest.raises(ValidationError, match="reason"):
        record.edited(notes="a change")
    assert record.edited(reason="mended", evidence={"a": None}).reason == "mended"
    with pytest.raises(ValidationError, match="forename"):
        old.person.model_copy(update={"location": "B-1"})
    mended = old.person.model_copy(
        update={"forename": "Esc", "release_date": make_person().release_date}
    )
    assert mended.forename == "Esc"
