"""Sentence length, religion and age band: parsing, bands at their edges, the person model."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from planner.domain.equality import RELIGIONS, AgeBand, age_band
from planner.domain.equality_input import (
    equality_facts,
    parse_ethnicity,
    parse_religion,
    parse_sex,
)
from planner.domain.errors import InvalidInput
from planner.domain.history import value_text
from planner.domain.sentence import (
    SentenceBand,
    SentenceLength,
    parse_sentence,
    sentence_band,
)
from tests.conftest import make_person


@pytest.mark.parametrize(
    ("typed", "years", "months", "days"),
    [
        ("2y6m", 2, 6, 0),
        ("18m", 0, 18, 0),
        ("14d", 0, 0, 14),
        ("4y", 4, 0, 0),
        ("1y 3m 10d", 1, 3, 10),
        ("540", 0, 0, 540),
        ("  2 Years 6 Months ", 2, 6, 0),
        ("1 year, 1 month, 1 day", 1, 1, 1),
        ("6w", 0, 0, 42),
        ("2y 2w 3d", 2, 0, 17),
        ("0y 3m", 0, 3, 0),
    ],
)
def test_sentence_lengths_as_officers_type_them(
    typed: str, years: int, months: int, days: int
) -> None:
    assert parse_sentence(typed) == SentenceLength(years=years, months=months, days=days)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "is blank"),
        ("   ", "is blank"),
        ("0", "no time at all"),
        ("0y0m", "no time at all"),
        ("life", "no fixed length"),
        ("2 fortnights", "'fortnights' is not a unit"),
        ("6m 2y", "years, then months"),
        ("2y 3y", "years given twice"),
        ("y2", "is not a length"),
        ("2y and 6m", "is not a length"),
        ("2.5y", "is not a length"),
        ("-3m", "is not a length"),
        ("100y", "longer than 99 years"),
        ("99y 12m", "longer than 99 years"),
        ("99999999", "longer than 99 years"),
    ],
)
def test_a_sentence_that_is_not_a_length_names_the_field(typed: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=says) as caught:
        parse_sentence(typed, "--sentence")
    assert str(caught.value).startswith("--sentence: ")
    assert "\n" not in str(caught.value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_parsing_any_text_gives_a_length_or_the_validation_error(text: str) -> None:
    try:
        length = parse_sentence(text)
    except InvalidInput:
        return
    assert length.years or length.months or length.days
    assert parse_sentence(length.short) == length  # shown back, it reads the same


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 98), st.integers(0, 11), st.integers(1, 400))
def test_a_length_shown_back_reads_as_the_same_length(years: int, months: int, days: int) -> None:
    length = SentenceLength(years=years, months=months, days=days)
    assert parse_sentence(length.short) == length
    assert parse_sentence(length.text) == length


def test_a_length_reads_back_in_words() -> None:
    assert SentenceLength(years=2, months=6).text == "2 years 6 months"
    assert SentenceLength(years=1, months=1, days=1).text == "1 year 1 month 1 day"
    assert SentenceLength(days=14).short == "14d"


def test_months_count_by_the_calendar_not_a_fixed_number_of_days() -> None:
    six = SentenceLength(months=6)
    assert six.days_from(date(2026, 1, 1)) == 181
    assert six.days_from(date(2026, 7, 1)) == 184
    assert SentenceLength(months=1).end_from(date(2027, 1, 31)) == date(2027, 2, 28)
    assert SentenceLength(years=1).end_from(date(2028, 2, 29)) == date(2029, 2, 28)


def test_an_empty_length_is_refused_by_the_model() -> None:
    with pytest.raises(ValidationError):
        SentenceLength()


@pytest.mark.parametrize(
    ("length", "band"),
    [
        (SentenceLength(days=1), SentenceBand.UNDER_12_MONTHS),
        (SentenceLength(months=11, days=30), SentenceBand.UNDER_12_MONTHS),
        (SentenceLength(days=364), SentenceBand.UNDER_12_MONTHS),
        (SentenceLength(days=365), SentenceBand.UP_TO_4_YEARS),
        (SentenceLength(months=12), SentenceBand.UP_TO_4_YEARS),
        (SentenceLength(years=1), SentenceBand.UP_TO_4_YEARS),
        (SentenceLength(years=3, months=11, days=30), SentenceBand.UP_TO_4_YEARS),
        (SentenceLength(months=47), SentenceBand.UP_TO_4_YEARS),
        (SentenceLength(days=1460), SentenceBand.UP_TO_4_YEARS),
        (SentenceLength(days=1461), SentenceBand.FOUR_YEARS_OR_MORE),
        (SentenceLength(months=48), SentenceBand.FOUR_YEARS_OR_MORE),
        (SentenceLength(years=4), SentenceBand.FOUR_YEARS_OR_MORE),
        (SentenceLength(years=20), SentenceBand.FOUR_YEARS_OR_MORE),
    ],
)
def test_sentence_bands_at_their_edges(length: SentenceLength, band: SentenceBand) -> None:
    assert sentence_band(length) is band


def test_a_band_is_measured_from_the_sentence_start_when_known() -> None:
    # From 1 March 2027, 365 days run to 29 February 2028: short of 12 months.
    assert sentence_band(SentenceLength(days=365), date(2027, 3, 1)) is SentenceBand.UNDER_12_MONTHS
    assert sentence_band(SentenceLength(days=366), date(2027, 3, 1)) is SentenceBand.UP_TO_4_YEARS
    assert sentence_band(None) is None


@pytest.mark.parametrize(
    ("dob", "band"),
    [
        (date(2008, 12, 17), None),  # 17 on release day
        (date(2008, 12, 16), AgeBand.AGE_18_20),  # 18th birthday is release day
        (date(2005, 12, 17), AgeBand.AGE_18_20),  # 21 tomorrow
        (date(2005, 12, 16), AgeBand.AGE_21_24),
        (date(2001, 12, 17), AgeBand.AGE_21_24),
        (date(2001, 12, 16), AgeBand.AGE_25_29),
        (date(1996, 12, 16), AgeBand.AGE_30_39),
        (date(1986, 12, 17), AgeBand.AGE_30_39),
        (date(1986, 12, 16), AgeBand.AGE_40_49),
        (date(1976, 12, 16), AgeBand.AGE_50_59),
        (date(1966, 12, 16), AgeBand.AGE_60_69),
        (date(1956, 12, 17), AgeBand.AGE_60_69),
        (date(1956, 12, 16), AgeBand.AGE_70_PLUS),
        (date(1930, 1, 1), AgeBand.AGE_70_PLUS),
    ],
)
def test_age_band_on_release_day(dob: date, band: AgeBand | None) -> None:
    release = date(2026, 12, 16)
    assert age_band(dob, release) is band
    assert make_person(release=release, date_of_birth=dob).age_band_on(release) is band


def test_age_band_of_a_leap_day_birthday_and_of_unknown_dates() -> None:
    assert age_band(date(2004, 2, 29), date(2025, 2, 28)) is AgeBand.AGE_18_20
    assert age_band(date(2004, 2, 29), date(2025, 3, 1)) is AgeBand.AGE_21_24
    assert age_band(None, date(2026, 1, 1)) is None
    assert age_band(date(1990, 1, 1), None) is None
    assert AgeBand.AGE_70_PLUS.label == "70 and over"


def test_religions_are_the_published_groups() -> None:
    assert list(RELIGIONS.values()) == [
        "Christian (all denominations)",
        "Muslim",
        "Hindu",
        "Sikh",
        "Buddhist",
        "Jewish",
        "Other religion",
        "No religion",
        "Prefer not to say",
    ]


def test_the_person_keeps_religion_and_sentence_and_refuses_unknown_codes() -> None:
    person = make_person(religion="buddhist", sentence={"years": 2, "months": 6})
    assert person.sentence == SentenceLength(years=2, months=6)
    assert person.sentence_band is SentenceBand.UP_TO_4_YEARS
    assert make_person(religion="  ").religion is None
    with pytest.raises(ValidationError, match="religion 'pagan' is not one of"):
        make_person(religion="pagan")
    stored = person.model_dump(mode="json")
    assert stored["sentence"] == {"years": 2, "months": 6, "days": 0}
    assert type(person).model_validate(stored) == person


def test_a_person_without_the_new_fields_reads_as_before() -> None:
    old = make_person().model_dump(mode="json", exclude_defaults=True)
    assert "religion" not in old and "sentence" not in old
    person = type(make_person()).model_validate(old)
    assert (person.religion, person.sentence, person.sentence_band) == (None, None, None)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("white_irish", "white_irish"),
        ("White: Irish", "white_irish"),
        ("WHITE IRISH", "white_irish"),
        ("Irish", None),
    ],
)
def test_choices_by_code_or_words(typed: str, code: str | None) -> None:
    if code is None:
        with pytest.raises(InvalidInput, match=r"^Ethnicity: 'Irish' is not one of"):
            parse_ethnicity(typed, "Ethnicity")
    else:
        assert parse_ethnicity(typed) == code
    assert parse_religion("no religion") == "none"
    assert parse_sex("Prefer not to say") == "prefer_not_to_say"
    assert parse_sex("") is None


def test_the_facts_of_one_person_in_words() -> None:
    person = make_person(
        sex="male",
        religion="none",
        sentence={"months": 8},
        date_of_birth=date(2004, 1, 1),
    )
    assert dict(equality_facts(person)) == {
        "sex": "Male",
        "religion": "No religion",
        "age on release": "21-24",
        "sentence": "8 months (Under 12 months)",
    }
    assert equality_facts(make_person(date_of_birth=None)) == []


class _Entry:
    def __init__(self, field: str) -> None:
        self.field = field
        self.item = None


def test_history_reads_religion_and_sentence_in_words() -> None:
    sentence = _Entry("person.sentence")
    assert value_text(sentence, {"years": 1, "months": 3, "days": 0}) == "1 year 3 months"  # type: ignore[arg-type]
    assert value_text(_Entry("person.religion"), "jewish") == "Jewish"  # type: ignore[arg-type]
