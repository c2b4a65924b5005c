"""The shape check of phone numbers and email addresses, on their own and in the models."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from planner.domain.contact_details import email_address, phone_number
from planner.domain.errors import describe_validation_error
from planner.domain.person import Person
from planner.domain.validated import STORED_RECORD
from tests.conftest import make_person

UK_AND_INTERNATIONAL = [
    "020 7946 0958",
    "02079460958",
    "07700 900123",
    "07700-900-123",
    "(020) 7946 0958",
    "+44 20 7946 0958",
    "+44 (0)20 7946 0958",
    "+447700900123",
    "0161 496 0000 ext 214",
    "01632 960123 x12",
    "+1-202-555-0142",
    "+1 (202) 555.0142",
    "+33 1 23 45 67 89",
    "+91 98765 43210",
    "+86 10 1234 5678",
]
NOT_PHONES = [
    "12ab",
    "call the wing",
    "0800 CALL NOW",
    "123",
    "1234567890123456",
    "+44 20 +7946 0958",
]
EMAILS = [
    "chris.patel@justice.gov.uk",
    "pat.o'neill@probation.example.org",
    "a+tag@example.org",
    "Zoë@exämple.de",
    "x@1a.example",
]
NOT_EMAILS = [
    "sam reed",
    "sam.reed",
    "a@b",
    "a@@b.org",
    "a b@example.org",
    "a@b.c",
    ".a@b.org",
    "a..b@c.org",
]


@pytest.mark.parametrize("number", UK_AND_INTERNATIONAL)
def test_uk_and_international_numbers_are_kept_as_typed(number: str) -> None:
    assert phone_number(f"  {number} ") == number


@pytest.mark.parametrize("number", NOT_PHONES)
def test_what_is_not_a_phone_number_is_refused_without_repeating_it(number: str) -> None:
    with pytest.raises(ValueError, match="is not a phone number") as refused:
        phone_number(number)
    assert number not in str(refused.value)


@pytest.mark.parametrize("address", EMAILS)
def test_email_addresses_are_kept_as_typed(address: str) -> None:
    assert email_address(address) == address


@pytest.mark.parametrize("address", NOT_EMAILS)
def test_what_is_not_an_email_address_is_refused_without_repeating_it(address: str) -> None:
    with pytest.raises(ValueError, match="is not an email address") as refused:
        email_address(address)
    assert address not in str(refused.value)


def test_blank_is_always_accepted() -> None:
    assert phone_number("  ") == "" and email_address("") == ""


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_the_checks_raise_nothing_but_value_error(text: str) -> None:
    for check in (phone_number, email_address):
        try:
            kept = check(text)
        except ValueError as refused:
            assert str(refused).startswith("is ")  # read after the field's name
        else:
            assert kept == text.strip()


def test_the_models_name_the_field_that_is_wrong() -> None:
    with pytest.raises(ValidationError) as refused:
        make_person(community_offender_manager={"name": "Sam Reed", "email": "sam.reed"})
    message = describe_validation_error(refused.value)
    assert message.startswith("community_offender_manager.email: ")
    assert "not an email address" in message
    with pytest.raises(ValidationError) as refused:
        make_person(phone="call the wing")
    assert describe_validation_error(refused.value).startswith("phone: is not a phone number")


def test_a_stored_value_from_before_the_check_is_read_back() -> None:
    stored = make_person().model_dump(mode="json")
    stored["community_offender_manager"] = {"name": "Sam Reed", "phone": "ask the office"}
    person = Person.model_validate(stored, context=STORED_RECORD)
    assert person.community_offender_manager.phone == "ask the office"
