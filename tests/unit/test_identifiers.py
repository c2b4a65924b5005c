"""Identifiers and dates as officers type them: prison number, CRN, PNC, and dates.

The rule for every validator: a valid value in any case, with surrounding spaces, is
normalised; anything else raises ValueError (never another exception).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from planner.domain.dates import parse_date
from planner.domain.errors import InvalidInput
from planner.domain.identifiers import (
    CRN_RE,
    PRISON_NUMBER_RE,
    expected_pnc_check_letter,
    normalise_crn,
    normalise_pnc,
    normalise_prison_number,
    pnc_check_letter_ok,
)
from planner.domain.person import Person

CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
LONG_PNC = re.compile(r"^[0-9]{4}/[0-9]{7}[A-Z]$", re.ASCII)

padding = st.text(alphabet=" \t\n\r\u00a0\u2003", max_size=3)
letters = st.sampled_from(string.ascii_uppercase)


def any_case(draw: st.DrawFn, canonical: str) -> str:
    """The same value with each letter upper or lower case, and spaces around it."""
    mixed = "".join(c.lower() if draw(st.booleans()) else c for c in canonical)
    return draw(padding) + mixed + draw(padding)


@st.composite
def prison_numbers(draw: st.DrawFn) -> str:
    return draw(st.from_regex(r"[A-Z][0-9]{4}[A-Z]{2}", fullmatch=True).filter(str.isascii))


@st.composite
def crns(draw: st.DrawFn) -> str:
    return draw(st.from_regex(r"[A-Z][0-9]{6}", fullmatch=True).filter(str.isascii))


def pnc_letter(yy: str, serial7: str) -> str:
    """The check letter, computed here independently of the code under test."""
    return CHECK_LETTERS[int(yy + serial7) % 23]


def raises_only_value_error(fn: Callable[[str], str], raw: str) -> str | None:
    try:
        return fn(raw)
    except ValueError:
        return None
    # any other exception propagates and fails the test


# --- prison number ------------------------------------------------------------------------


@given(data=st.data())
def test_every_valid_prison_number_normalises_to_upper_case(data):
    canonical = data.draw(prison_numbers())
    typed = any_case(data.draw, canonical)
    assert normalise_prison_number(typed) == canonical
    assert Person(number=typed, surname="S", forename="F").number == canonical


@given(st.text(max_size=12))
@example("A1234B")
@example("A1234BCD")
@example("A 1234BC")
@example("11234BC")
@example("AA234BC")
@example("A1234B1")
@example("A1234BC\x00")
@example("")
@example("   ")
@example("A1234BC\nX")
@example("A\uff11\uff12\uff13\uff14BC")  # full-width digits
def test_anything_else_is_a_value_error(raw):
    result = raises_only_value_error(normalise_prison_number, raw)
    if result is not None:
        assert PRISON_NUMBER_RE.match(result)
        assert result == raw.strip().upper()


@given(data=st.data())
def test_one_character_changed_is_refused_unless_still_valid(data):
    canonical = data.draw(prison_numbers())
    index = data.draw(st.integers(0, len(canonical) - 1))
    replacement = data.draw(st.characters(codec="ascii"))
    mutated = canonical[:index] + replacement + canonical[index + 1 :]
    if re.fullmatch(r"[A-Za-z][0-9]{4}[A-Za-z]{2}", mutated.strip()):
        assert normalise_prison_number(mutated) == mutated.strip().upper()
    else:
        with pytest.raises(ValueError, match="prison number"):
            normalise_prison_number(mutated)


@pytest.mark.parametrize("bad", ["A1234B", "A12345C", "a1234b c", "A1234BC.", "", "ZZ"])
def test_person_refuses_an_invalid_prison_number(bad):
    with pytest.raises(ValidationError, match="number"):
        Person(number=bad, surname="S", forename="F")
    assert issubclass(ValidationError, ValueError)


@pytest.mark.parametrize(
    ("fn", "raw"),
    [
        (normalise_prison_number, "\u017f1234BC"),  # LATIN SMALL LETTER LONG S -> "S"
        (normalise_prison_number, "\u01311234BC"),  # LATIN SMALL LETTER DOTLESS I -> "I"
        (normalise_prison_number, "a1234\ufb00"),  # LATIN SMALL LIGATURE FF -> "FF"
        (normalise_crn, "\u017f123456"),
    ],
)
def test_non_ascii_lookalikes_are_refused(fn, raw):
    with pytest.raises(ValueError):
        fn(raw)


# --- CRN ----------------------------------------------------------------------------------


@given(data=st.data())
def test_every_valid_crn_normalises_to_upper_case(data):
    canonical = data.draw(crns())
    typed = any_case(data.draw, canonical)
    assert normalise_crn(typed) == canonical
    person = Person(number="A1234BC", surname="S", forename="F", crn=typed)
    assert person.crn == canonical


@given(st.text(max_size=10))
@example("X12345")
@example("X1234567")
@example("XX23456")
@example("X 123456")
@example("1123456")
def test_crn_anything_else_is_a_value_error(raw):
    result = raises_only_value_error(normalise_crn, raw)
    if result is not None:
        assert CRN_RE.match(result)
        assert result == raw.strip().upper()


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_a_blank_crn_or_pnc_is_none(blank):
    person = Person(number="A1234BC", surname="S", forename="F", crn=blank, pnc=blank)
    assert person.crn is None
    assert person.pnc is None


def test_person_refuses_an_invalid_crn():
    with pytest.raises(ValidationError, match="crn"):
        Person(number="A1234BC", surname="S", forename="F", crn="X12345")


# --- PNC ----------------------------------------------------------------------------------


def test_the_check_letter_rule_on_a_worked_example():
    # int("12" + "0052834") = 120052834; 120052834 % 23 = 10; letters[10] = "K".
    assert 120052834 % 23 == 10
    assert pnc_letter("12", "0052834") == "K"
    assert expected_pnc_check_letter("2012/0052834X") == "K"
    assert pnc_check_letter_ok("2012/0052834K")
    # DOMAIN.md's example 2012/0052834X does not satisfy its own rule: it must warn.
    assert not pnc_check_letter_ok("2012/0052834X")


@given(
    year=st.integers(1960, 2026),
    serial=st.integers(0, 9_999_999),
    data=st.data(),
)
def test_check_letter_warns_but_never_blocks(year, serial, data):
    serial7 = f"{serial:07d}"
    right = pnc_letter(f"{year:04d}"[2:], serial7)
    wrong = data.draw(st.sampled_from(string.ascii_uppercase).filter(lambda c: c != right))
    good = f"{year}/{serial7}{right}"
    bad = f"{year}/{serial7}{wrong}"
    assert expected_pnc_check_letter(good) == right
    assert pnc_check_letter_ok(good)
    assert not pnc_check_letter_ok(bad)

    ok = Person(number="A1234BC", surname="S", forename="F", pnc=any_case(data.draw, good))
    assert ok.pnc == good
    assert ok.pnc_warning() is None

    flagged = Person(number="A1234BC", surname="S", forename="F", pnc=any_case(data.draw, bad))
    assert flagged.pnc == bad  # kept as typed: a wrong letter never blocks
    warning = flagged.pnc_warning()
    assert warning is not None
    assert bad in warning and "check letter" in warning


@given(
    yy=st.integers(0, 99),
    serial=st.integers(0, 9_999_999),
    pad=st.booleans(),
    check=letters,
    data=st.data(),
)
def test_short_form_expands_to_long_form(yy, serial, pad, check, data):
    serial_text = f"{serial:07d}" if pad else str(serial)
    short = f"{yy:02d}/{serial_text}{check}"
    long_form = normalise_pnc(any_case(data.draw, short))
    assert LONG_PNC.match(long_form)
    year, rest = long_form.split("/")
    assert year[2:] == f"{yy:02d}"
    assert year[:2] in ("19", "20")
    assert rest == f"{serial:07d}{check}"
    assert normalise_pnc(long_form) == long_form  # idempotent
    # the check letter depends only on YY and the serial, so both forms agree
    assert expected_pnc_check_letter(short) == pnc_letter(f"{yy:02d}", f"{serial:07d}")


@pytest.mark.parametrize(
    ("short", "long_form"),
    [
        ("12/52834K", "2012/0052834K"),
        ("12/0052834k", "2012/0052834K"),
        (" 99/1234567A ", "1999/1234567A"),
        ("00/1Z", "2000/0000001Z"),
        ("2012/52834K", "2012/0052834K"),
    ],
)
def test_short_form_examples(short, long_form):
    assert normalise_pnc(short) == long_form


def test_short_form_never_expands_to_a_future_year():
    next_yy = (date.today().year + 1) % 100
    long_form = normalise_pnc(f"{next_yy:02d}/1234567A")
    assert int(long_form[:4]) <= date.today().year


@given(st.text(max_size=16))
@example("2012/00528341")
@example("2012/00528345X")  # eight-digit serial
@example("201/0052834X")
@example("2012-0052834X")
@example("2012/X")
@example("/0052834X")
def test_pnc_anything_else_is_a_value_error(raw):
    result = raises_only_value_error(normalise_pnc, raw)
    if result is not None:
        assert LONG_PNC.match(result)
        # never another exception from the check-letter helpers either
        assert isinstance(pnc_check_letter_ok(result), bool)


def test_person_refuses_a_pnc_of_the_wrong_shape():
    with pytest.raises(ValidationError, match="pnc"):
        Person(number="A1234BC", surname="S", forename="F", pnc="2012/ABC")


# --- dates --------------------------------------------------------------------------------


@settings(max_examples=200)
@given(day=st.dates(date(1900, 1, 1), date(2100, 12, 31)), data=st.data())
def test_parse_date_accepts_iso_and_uk_forms(day, data):
    pad = data.draw(padding)
    assert parse_date(pad + day.isoformat() + pad) == day
    assert parse_date(f"{day.day:02d}/{day.month:02d}/{day.year}") == day
    assert parse_date(f"{day.day}/{day.month}/{day.year}") == day


@pytest.mark.parametrize(
    "raw", ["31/02/2026", "29/02/2026", "2026-02-31", "00/01/2026", "01/13/2026", "32/1/2026"]
)
def test_parse_date_refuses_days_that_do_not_exist(raw):
    with pytest.raises(InvalidInput, match="is not a real date"):
        parse_date(raw, "release date")


def test_parse_date_names_the_field():
    with pytest.raises(InvalidInput, match=r"^release date: "):
        parse_date("next Friday", "release date")
    assert parse_date("29/02/2028") == date(2028, 2, 29)


@given(st.text(max_size=14))
@example("2026-2-3")
@example("3/2/26")
@example("2026/02/03")
@example("0000-01-01")
@example("01/01/0000")
@example("\u0660\u0661/\u0660\u0661/\u0662\u0660\u0662\u0666")  # Arabic-Indic digits
def test_parse_date_raises_only_invalid_input(raw):
    try:
        result = parse_date(raw)
    except InvalidInput as exc:
        assert str(exc)
    else:
        assert isinstance(result, date)
