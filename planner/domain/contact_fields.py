"""The contact details an officer records about a person, one entry per detail.

The same ten details are `planner add`/`update` options (``--com-email``) and fields of
the UI's details form: the prison offender manager's and the community offender manager's
name, unit (for a COM, the probation delivery unit), phone and email, and the person's own
phone and email. Both put the values into a person's data with :func:`put_contact_values`
and check them by validating a `Person` (one rule: the model's), and both name a problem
by the detail it is about (:func:`contact_field_at`).
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, Final

from planner.domain.person import Person

POM: Final = "prison_offender_manager"
COM: Final = "community_offender_manager"
OWN: Final = ""  # the person's own phone and email are fields of the person itself


@dataclass(frozen=True, slots=True)
class ContactField:
    """One contact detail. `key` names it for the CLI (``--com-email``) and the form;
    `contact` is the Person field of the offender manager (OWN for the person's own) and
    `part` the detail ("email")."""

    key: str
    contact: str
    part: str
    label: str  # under its heading in the form: "Email"
    about: str  # in a sentence: "Community offender manager's email."

    @property
    def location(self) -> tuple[str, ...]:
        """Where the detail is in a Person: ('community_offender_manager', 'email')."""
        return (self.contact, self.part) if self.contact else (self.part,)

    def value(self, person: Person) -> str:
        if not self.contact:
            return str(getattr(person, self.part))
        return str(getattr(getattr(person, self.contact), self.part))


CONTACT_FIELDS: Final = (
    ContactField("pom", POM, "name", "Name", "Prison offender manager's name."),
    ContactField(
        "pom_unit", POM, "unit", "Team or unit", "Prison offender manager's team or unit."
    ),
    ContactField("pom_phone", POM, "phone", "Phone", "Prison offender manager's phone."),
    ContactField("pom_email", POM, "email", "Email", "Prison offender manager's email."),
    ContactField("com", COM, "name", "Name", "Community offender manager's name."),
    ContactField(
        "com_pdu",
        COM,
        "unit",
        "Probation delivery unit (PDU)",
        "Community offender manager's probation delivery unit (PDU).",
    ),
    ContactField("com_phone", COM, "phone", "Phone", "Community offender manager's phone."),
    ContactField("com_email", COM, "email", "Email", "Community offender manager's email."),
    ContactField("phone", OWN, "phone", "Phone", "The person's own phone, if they have one."),
    ContactField("email", OWN, "email", "Email", "The person's own email, if they have one."),
)
CONTACT_FIELDS_BY_KEY: Final = {field.key: field for field in CONTACT_FIELDS}
CONTACT_HEADINGS: Final = {  # the form's order: the COM first, as the handover needs them
    COM: "Community offender manager (COM)",
    POM: "Prison offender manager (POM)",
    OWN: "Their own phone and email (optional)",
}


def put_contact_values(
    data: MutableMapping[str, Any], values: Mapping[str, str | None]
) -> list[str]:
    """Put the contact details in `values` (by key; None: not given) into a person's data
    (a `model_dump`, or the fields of a new person). Returns the keys given, in order."""
    given: list[str] = []
    for field in CONTACT_FIELDS:
        value = values.get(field.key)
        if value is None:
            continue
        given.append(field.key)
        if field.contact:
            contact = dict(data.get(field.contact) or {})
            contact[field.part] = value
            data[field.contact] = contact
        else:
            data[field.part] = value
    return given


def contact_field_at(location: tuple[str, ...]) -> ContactField | None:
    """The detail a validation error's location is about, if it is one."""
    return next((f for f in CONTACT_FIELDS if f.location == location), None)
