"""A person's history as officers read it: labels from the template, values in words.

The audit log records fields by their ids (``evidence.consent``, ``person.release_date``)
and values as stored (``True``, ``2026-12-16``, ``no_fixed_abode``). Both the UI's history
screen and ``planner history`` list it through :func:`history_lines`, newest change first,
one line per changed field, so the two read alike. A contact is recorded part by part
(``person.community_offender_manager.email``) and reads as "COM email"; older records that
kept a whole contact as one value read as its parts ("name: Sam Reed; unit: Leeds PDU").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from planner.domain.appointment import appointment_text
from planner.domain.calendar import format_day
from planner.domain.equality import ETHNICITIES, RELIGIONS
from planner.domain.outcome_measures import OutcomeMeasure
from planner.domain.person import CIRCUMSTANCE_LABELS
from planner.domain.sentence import SentenceLength
from planner.domain.status import ItemStatus
from planner.domain.template import EvidenceField, FieldType, Template

EMPTY = "—"
# A case's record written out of planner (a handover summary, the person's own plan): no
# field of the record changed; the entry says what was written and where.
EXPORTED_FIELD = "export.written"

_PERSON_LABELS = {
    "number": "Prison number",
    "surname": "Surname",
    "forename": "Forename",
    "date_of_birth": "Date of birth",
    "release_date": "Release date",
    "release_kind": "Release type",
    "hdc_eligible": "HDC eligible",
    "prison": "Prison",
    "location": "Location",
    "crn": "CRN",
    "pnc": "PNC number",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "religion": "Religion",
    "sentence": "Sentence length",
    "circumstances": "Circumstances",
    "state": "State",
    "prison_offender_manager": "Prison offender manager",
    "community_offender_manager": "Community offender manager",
    "phone": "Phone",
    "email": "Email",
}
# A contact is recorded part by part: "person.community_offender_manager.email" is "COM email".
_CONTACT_ROLES = {"prison_offender_manager": "POM", "community_offender_manager": "COM"}
_CONTACT_PARTS = {
    "name": "name",
    "role": "role",
    "unit": "unit",
    "phone": "phone",
    "email": "email",
}
_COM_UNIT = "PDU"  # a community offender manager's unit is their probation delivery unit
_CASE_LABELS = {
    "notes": "Case notes",
    "assigned_to": "Assigned to",
    "case": "Record",
    "transfer.out": "Transfer out",
    "transfer.in": "Transfer in",
    EXPORTED_FIELD: "Exported",
}
_ITEM_LABELS = {"status": "status", "reason": "reason", "notes": "notes"}
_PERSON_DATES = frozenset({"date_of_birth", "release_date"})


class AuditRecord(Protocol):
    """One changed field, as the audit log keeps it (the store's AuditEntry)."""

    @property
    def seq(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def by(self) -> str: ...
    @property
    def item(self) -> str | None: ...
    @property
    def field(self) -> str: ...
    @property
    def old(self) -> Any: ...
    @property
    def new(self) -> Any: ...
    @property
    def copied_change(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One changed field in words: when, who, what, from what, to what."""

    change: int
    at: datetime
    by: str
    what: str
    old: str
    new: str

    @property
    def when(self) -> str:
        """When, in this computer's time zone: 'Mon 23 Nov 2026 09:30'."""
        return self.at.astimezone().strftime("%a %d %b %Y %H:%M")


def history_lines(
    entries: Sequence[AuditRecord],
    template: Template | None = None,
    measures: Template | None = None,
) -> list[HistoryLine]:
    """The entries newest change first (the fields of one change in the order recorded:
    a contact's name before its email), labelled from `template` (the person's own) and,
    for release outcomes, from `measures` (the template their outcome answers; default
    `template`)."""
    newest_first = sorted(entries, key=lambda e: -e.seq)  # stable: a change keeps its order
    outcomes = measures or template
    return [
        HistoryLine(e.seq, e.at, e.by, what(e, template, outcomes), *_values(e, template, outcomes))
        for e in newest_first
    ]


_OUTCOME = "outcome."
_FOUND_ON = ".recorded_on"
RELEASED_ON = "Release outcome: released on"


def _measure_of(entry: AuditRecord, measures: Template | None) -> OutcomeMeasure | None:
    if measures is None or not entry.field.startswith(_OUTCOME):
        return None
    return measures.outcomes_by_id.get(entry.field.removeprefix(_OUTCOME))


def what(entry: AuditRecord, template: Template | None, measures: Template | None = None) -> str:
    """'Duty to Refer made to a local housing authority: Consent given', 'Release date',
    'Release outcome: Housed on release'."""
    if entry.field.startswith(_OUTCOME) and not entry.item:
        key = entry.field.removeprefix(_OUTCOME)
        if key == "released_on":
            return RELEASED_ON
        measure_id = key.removesuffix(_FOUND_ON)
        source = measures or template
        measure = source.outcomes_by_id.get(measure_id) if source else None
        label = measure.label if measure else measure_id.replace("_", " ")
        found = ": found out on" if key.endswith(_FOUND_ON) else ""
        return f"Release outcome: {label}{found}"
    if entry.item:
        item = template.items_by_id.get(entry.item) if template else None
        title = item.title if item else entry.item
        name = entry.field
        if name.startswith("evidence."):
            key = name.removeprefix("evidence.")
            field = item.field(key) if item else None
            label = field.label if field else key.replace("_", " ")
        else:
            label = _ITEM_LABELS.get(name, name.replace("_", " "))
        return f"{title}: {label}"
    if entry.field.startswith("person."):
        key = entry.field.removeprefix("person.")
        contact, _, part = key.partition(".")
        if part and contact in _CONTACT_ROLES:
            return contact_part_label(contact, part)
        return _PERSON_LABELS.get(key, key.replace("_", " ").capitalize())
    return _CASE_LABELS.get(entry.field, entry.field.replace("_", " "))


def contact_part_label(contact: str, part: str) -> str:
    """'COM email', 'COM PDU', 'POM unit': one part of an offender manager's contact."""
    role = _CONTACT_ROLES.get(contact, contact.replace("_", " "))
    if contact == "community_offender_manager" and part == "unit":
        return f"{role} {_COM_UNIT}"
    return f"{role} {_CONTACT_PARTS.get(part, part.replace('_', ' '))}"


def _values(
    entry: AuditRecord, template: Template | None, measures: Template | None = None
) -> tuple[str, str]:
    measure = _measure_of(entry, measures or template)
    if measure is not None:
        old, new = (
            EMPTY if v in (None, "") else measure.answer_label(str(v))
            for v in (entry.old, entry.new)
        )
        return old, new
    field: EvidenceField | None = None
    if entry.item and entry.field.startswith("evidence.") and template is not None:
        item = template.items_by_id.get(entry.item)
        field = item.field(entry.field.removeprefix("evidence.")) if item else None
    return value_text(entry, entry.old, field), value_text(entry, entry.new, field)


def value_text(entry: AuditRecord, value: Any, field: EvidenceField | None = None) -> str:
    """A recorded value in words, whole: statuses and choices by their labels, yes/no,
    dates with their weekday, a contact's parts, the circumstances that are on."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    name = entry.field
    if entry.item and name == "status":
        return _status(str(value))
    if field is not None:
        if field.type is FieldType.CHOICE:
            return field.choice_label(str(value))
        if field.type is FieldType.DATE:
            return _day(value)
        if field.type is FieldType.APPOINTMENT:
            return appointment_text(str(value))
    if name == "outcome.released_on" or (name.startswith(_OUTCOME) and name.endswith(_FOUND_ON)):
        return _day(value)
    if name.startswith(_OUTCOME):
        return str(value).replace("_", " ")
    person = name.removeprefix("person.") if name.startswith("person.") else None
    if person in _PERSON_DATES:
        return _day(value)
    if person == "ethnicity":
        return ETHNICITIES.get(str(value), str(value))
    if person == "religion":
        return RELIGIONS.get(str(value), str(value))
    if person == "sentence" and isinstance(value, Mapping):
        return _sentence(value)
    if person in ("sex", "state"):
        return str(value).replace("_", " ")
    if isinstance(value, Mapping):
        if person == "circumstances":
            on = [CIRCUMSTANCE_LABELS.get(str(k), str(k)) for k, v in value.items() if v]
            return ", ".join(on) or "none"
        parts = [f"{k}: {v}" for k, v in value.items() if v not in (None, "", False)]
        return "; ".join(parts) or EMPTY
    return str(value)


def _sentence(value: Mapping[str, Any]) -> str:
    try:
        return SentenceLength.model_validate(value).text
    except ValueError:
        return "; ".join(f"{k}: {v}" for k, v in value.items())


def _status(value: str) -> str:
    try:
        return ItemStatus(value).label
    except ValueError:
        return value


def _day(value: Any) -> str:
    try:
        return format_day(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)
