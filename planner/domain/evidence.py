"""Turning what an officer types into checklist values, checked against the template.

Evidence dates are also checked for plausibility where an officer types them
(:func:`evidence_date_problem`): a slip of the keyboard (a year of 2062 for 2026, a date of
birth typed into the wrong box) is refused with a message naming the field, never kept.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import date

from planner.domain.appointment import (
    TIME_EXAMPLE,
    parse_appointment,
    parse_time,
    read_stored,
    stored_problem,
)
from planner.domain.calendar import format_day
from planner.domain.checklist import EvidenceValue, ItemRecord
from planner.domain.dates import parse_date, range_problem
from planner.domain.errors import InvalidInput
from planner.domain.person import Person
from planner.domain.status import ItemStatus
from planner.domain.template import EvidenceField, FieldType, ItemTemplate, Template
from planner.domain.text import line_text

MAX_TEXT = 4000
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def parse_evidence_value(field: EvidenceField, raw: str) -> EvidenceValue | None:
    """The stored value for `raw`; None (clear the field) when `raw` is blank."""
    text = raw.strip()
    if not text:
        return None
    where = f"field {field.name}"
    if field.type is FieldType.DATE:
        return parse_date(text, where).isoformat()
    if field.type is FieldType.APPOINTMENT:
        appointment = parse_appointment(text, where)
        return None if appointment is None else appointment.stored()
    if field.type is FieldType.YES_NO:
        if text.lower() in _YES:
            return True
        if text.lower() in _NO:
            return False
        raise InvalidInput(f"{where}: {raw!r} is not yes or no")
    if field.type is FieldType.CHOICE:
        for choice in field.choices:
            if text.lower() in (choice.value, choice.label.lower()):
                return choice.value
        options = ", ".join(c.value for c in field.choices)
        raise InvalidInput(f"{where}: {raw!r} is not one of: {options}")
    if field.format == "time":
        return _time_of_day(where, text)
    _check_text(where, text)
    return text


def _time_of_day(where: str, text: str) -> str:
    """'9:30' or '09.30' as '09:30'; InvalidInput naming the field otherwise."""
    try:
        return parse_time(text, where)
    except InvalidInput:
        raise InvalidInput(f"{where}: {text!r} is not a time ({TIME_EXAMPLE})") from None


def _check_text(where: str, text: str) -> None:
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"{where}: text is longer than {MAX_TEXT} characters")
    try:
        line_text(text)
    except ValueError as exc:
        raise InvalidInput(f"{where}: {exc}") from None


def find_item(template: Template, item_id: str) -> ItemTemplate:
    """The template item, or InvalidInput naming the closest ids."""
    try:
        return template.item(item_id.strip())
    except KeyError:
        ids = [i.id for i in template.items]
        close = difflib.get_close_matches(item_id, ids, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see 'planner show' for ids"
        raise InvalidInput(
            f"unknown item id {item_id!r} in template {template.key}{hint}"
        ) from None


def find_field(item: ItemTemplate, name: str) -> EvidenceField:
    field = item.field(name.strip())
    if field is None:
        names = ", ".join(f.name for f in item.evidence) or "none"
        raise InvalidInput(f"item {item.id} has no evidence field {name!r} (fields: {names})")
    return field


def parse_field_assignments(
    item: ItemTemplate, assignments: list[str]
) -> dict[str, EvidenceValue | None]:
    """Parse NAME=VALUE pairs for an item's evidence; VALUE may be empty to clear."""
    values: dict[str, EvidenceValue | None] = {}
    for assignment in assignments:
        name, sep, raw = assignment.partition("=")
        if not sep:
            raise InvalidInput(f"--field {assignment!r}: use NAME=VALUE")
        field = find_field(item, name)
        values[field.name] = parse_evidence_value(field, raw)
    return values


def check_evidence(item: ItemTemplate, evidence: Mapping[str, EvidenceValue | None]) -> None:
    """Refuse evidence the template does not define, or of the wrong kind (None clears).

    The store calls this on every save, so no caller can write a value the checklist
    cannot show or export, whatever it validated before.
    """
    for name, value in evidence.items():
        field = find_field(item, name)
        if value is None:
            continue
        where = f"item {item.id} field {name}"
        if field.type is FieldType.YES_NO:
            if not isinstance(value, bool):
                raise InvalidInput(f"{where}: expected yes or no, not {value!r}")
            continue
        if not isinstance(value, str):
            raise InvalidInput(f"{where}: expected text, not {value!r}")
        if field.type is FieldType.DATE:
            try:
                day = date.fromisoformat(value)
            except ValueError:
                raise InvalidInput(f"{where}: {value!r} is not an ISO date") from None
            problem = range_problem(day)
            if problem is not None:
                raise InvalidInput(f"{where}: {problem}")
        elif field.type is FieldType.APPOINTMENT:
            problem = stored_problem(value)
            if problem is not None:
                raise InvalidInput(f"{where}: {problem}")
        elif field.type is FieldType.CHOICE:
            if value not in {c.value for c in field.choices}:
                raise InvalidInput(f"{where}: {value!r} is not one of its choices")
        elif field.format == "time":
            if _time_of_day(where, value) != value:
                raise InvalidInput(f"{where}: {value!r} is not a time written as 09:30")
        else:
            _check_text(where, value)


def check_reason(status: ItemStatus, reason: str | None, current: ItemRecord) -> None:
    """not_required, declined and blocked need a reason: given now or already recorded."""
    if not status.needs_reason:
        return
    given = reason if reason is not None else current.reason
    if not given.strip():
        raise InvalidInput(f"status {status.value} needs a reason (--reason TEXT)")


def evidence_date_problem(
    field: EvidenceField, day: date, person: Person | None, today: date
) -> str | None:
    """Why `day` cannot be what an officer meant for this evidence date; None if it can be.

    Every evidence date: not before the person's date of birth, and not more than a year
    after the release date (or after today, when release is earlier or unknown). A date of
    something that has already happened (the field is marked `past`: applied, received,
    seen): not after today.
    """
    born = person.date_of_birth if person is not None else None
    if born is not None and day < born:
        return f"{format_day(day)} is before the person's date of birth ({format_day(born)})"
    if field.past and day > today:
        return (
            f"{format_day(day)} is after today ({format_day(today)}): "
            f"{field.label.lower()} is a day that has already happened"
        )
    release = person.release_date if person is not None else None
    start, after = (release, "release") if release and release > today else (today, "today")
    # An appointment or a booking is days or weeks after release, never years.
    if day > _a_year_after(start):
        return f"{format_day(day)} is more than a year after {after} ({format_day(start)})"
    return None


def _a_year_after(day: date) -> date:
    """The same day a year on (28 February for a 29th)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, 2, 28)


def check_evidence_dates(
    item: ItemTemplate,
    evidence: Mapping[str, EvidenceValue | None],
    person: Person | None,
    today: date,
) -> None:
    """Refuse an evidence date that cannot be what the officer meant, naming the field."""
    for name, value in evidence.items():
        field = item.field(name)
        if field is None or not isinstance(value, str):
            continue
        if field.type is FieldType.APPOINTMENT:
            appointment = read_stored(value)
            if appointment is None:
                continue  # check_evidence names a value that is not an appointment
            day = appointment.day
        elif field.type is FieldType.DATE:
            try:
                day = date.fromisoformat(value)
            except ValueError:
                continue  # check_evidence names a value that is not a date
        else:
            continue
        problem = evidence_date_problem(field, day, person, today)
        if problem is not None:
            raise InvalidInput(f"field {field.name}: {problem}")
