"""The contact options of `planner add` and `planner update`: the offender managers and the
person's own phone and email, and errors that name the option an officer typed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import click
from pydantic import ValidationError

from planner.domain.contact_details import PHONE_EXAMPLE
from planner.domain.errors import InvalidInput
from planner.domain.person import Person

F = TypeVar("F", bound=Callable[..., Any])

POM = "prison_offender_manager"
COM = "community_offender_manager"

# option name -> (Person field, Contact field; "" for the person's own), help
CONTACT_OPTIONS: dict[str, tuple[str, str, str]] = {
    "pom": (POM, "name", "Prison offender manager's name."),
    "pom_unit": (POM, "unit", "Prison offender manager's team or unit."),
    "pom_phone": (POM, "phone", "Prison offender manager's phone."),
    "pom_email": (POM, "email", "Prison offender manager's email."),
    "com": (COM, "name", "Community offender manager's name."),
    "com_pdu": (COM, "unit", "Community offender manager's probation delivery unit (PDU)."),
    "com_phone": (COM, "phone", "Community offender manager's phone."),
    "com_email": (COM, "email", "Community offender manager's email."),
    "phone": ("phone", "", "The person's own phone, if they have one."),
    "email": ("email", "", "The person's own email, if they have one."),
}
OPTION_OF_FIELD: dict[tuple[str, ...], str] = {
    (person_field, *((contact_field,) if contact_field else ())): "--" + name.replace("_", "-")
    for name, (person_field, contact_field, _help) in CONTACT_OPTIONS.items()
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
    used: list[str] = []
    for name, (person_field, contact_field, _help) in CONTACT_OPTIONS.items():
        value = given.get(name)
        if value is None:
            continue
        used.append(name)
        if contact_field:
            contact = dict(data.get(person_field) or {})
            contact[contact_field] = value
            data[person_field] = contact
        else:
            data[person_field] = value
    return used


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
