"""The contact options of `planner add` and `planner update`: the offender managers and the
person's own phone and email, and errors that name the option an officer typed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import click
from pydantic import ValidationError

from planner.domain.contact_details import PHONE_EXAMPLE
from planner.domain.contact_fields import CONTACT_FIELDS, put_contact_values
from planner.domain.errors import InvalidInput
from planner.domain.person import Person

F = TypeVar("F", bound=Callable[..., Any])

# option name -> (Person field, Contact field; "" for the person's own), help
CONTACT_OPTIONS: dict[str, tuple[str, str, str]] = {
    field.key: (field.contact or field.part, field.part if field.contact else "", field.about)
    for field in CONTACT_FIELDS
}
OPTION_OF_FIELD: dict[tuple[str, ...], str] = {
    field.location: "--" + field.key.replace("_", "-") for field in CONTACT_FIELDS
}


def contact_options(*, clearing: bool) -> Callable[[F], F]:
    """Click options for every contact detail; with `clearing`, an empty value clears one."""

    def decorate(command: F) -> F:
        for name, (_person, field, text) in reversed(CONTACT_OPTIONS.items()):
            if name.endswith("phone"):
                text += f" For example {PHONE_EXAMPLE}."
            if clearing:
                text += ' "" clears it.'
            metavar = (field or name).upper()
            option = click.option("--" + name.replace("_", "-"), name, metavar=metavar, help=text)
            command = option(command)
        return command

    return decorate


def apply_contacts(data: dict[str, Any], given: Mapping[str, str | None]) -> list[str]:
    """Put the contact options that were given into a person's data (a `model_dump`, or
    the fields of a new person); returns the names of the options given."""
    return put_contact_values(data, given)


def validated_person(data: Mapping[str, Any], option_names: Mapping[str, str]) -> Person:
    """`Person.model_validate`, with the first problem named by the option that gave the
    value (``--com-email: is not an email address...``): InvalidInput, exit code 2."""
    try:
        return Person.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(str(part) for part in first["loc"])
        where = OPTION_OF_FIELD.get(loc) or option_names.get(loc[0] if loc else "")
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InvalidInput(f"{where or '.'.join(loc) or 'value'}: {message}") from None
