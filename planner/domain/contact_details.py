"""Phone numbers and email addresses as officers type them: a light check of their shape.

The check catches slips (a name typed into the email box, a phone number with a letter in
it), not every address a mail server would refuse. It accepts UK numbers as written
(``020 7946 0958``, ``07700 900123``, ``+44 (0)20 7946 0958``) and international ones
(``+1-202-555-0142``), with an extension after them (``ext 123``, ``x123``): digits,
spaces, ``+`` (at the start only), brackets, hyphens, dots and slashes, and 7 to 15
digits (E.164 allows 15; a UK number has 10 or 11). An email address needs one ``@``, no
spaces, and a domain with a dot.

The messages never repeat the value (it is personal data); the caller prefixes the field's
name, as pydantic does. Blank is always accepted: every contact detail is optional.
"""

from __future__ import annotations

import re
from typing import Annotated, Final

from planner.domain.text import name_text
from planner.domain.validated import for_new_values

MIN_PHONE_DIGITS: Final = 7
MAX_PHONE_DIGITS: Final = 15  # ITU-T E.164
MAX_EMAIL_LENGTH: Final = 254  # RFC 5321, a whole address

PHONE_EXAMPLE = "020 7946 0958 or +44 20 7946 0958"
_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x)\s*[0-9]{1,6}\s*$", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[0-9 ()./-]+$")
_EMAIL = re.compile(
    r"^[\w.!#$%&'*+/=?^`{|}~-]+"  # the part before the @
    r"@(?:[^\W_](?:(?:[^\W_]|-)*[^\W_])?\.)+[^\W\d_]{2,}$"  # a domain with a dot and a top level
)


def phone_number(value: str) -> str:
    """`value` stripped, if it looks like a phone number (or is blank); ValueError if not."""
    value = value.strip()
    if not value:
        return value
    number = _EXTENSION.sub("", value)
    digits = sum(char.isascii() and char.isdigit() for char in number)
    if not _PHONE.match(number) or "+" in number[1:]:
        raise ValueError(
            "is not a phone number: use digits, spaces and + ( ) - only, "
            f"for example {PHONE_EXAMPLE}"
        )
    if not MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS:
        raise ValueError(
            f"is not a phone number: it has {digits} digits, and a phone number has "
            f"{MIN_PHONE_DIGITS} to {MAX_PHONE_DIGITS} (for example {PHONE_EXAMPLE})"
        )
    return value


def email_address(value: str) -> str:
    """`value` stripped, if it looks like an email address (or is blank); ValueError if not."""
    value = value.strip()
    if not value:
        return value
    if len(value) > MAX_EMAIL_LENGTH:
        raise ValueError(f"is longer than an email address can be ({MAX_EMAIL_LENGTH} characters)")
    if value.count("@") != 1 or any(char.isspace() for char in value):
        raise ValueError(
            "is not an email address: it needs one @ and no spaces, like name@example.org"
        )
    if ".." in value or value.startswith(".") or ".@" in value or not _EMAIL.match(value):
        raise ValueError("is not an email address like name@example.org")
    return value


def _phone(value: str) -> str:
    return phone_number(name_text(value))


def _email(value: str) -> str:
    return email_address(name_text(value))


# A stored value is read back as it was (see planner.domain.validated); new values are checked.
PhoneText = Annotated[str, for_new_values(_phone)]
EmailText = Annotated[str, for_new_values(_email)]
