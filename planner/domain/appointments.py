"""Every appointment of a person's plan, in date order: one rule for every export.

The staff summary (every format) and the person's own plan list appointments through
:func:`appointments`, so the two always show the same ones. An appointment is the value
of an evidence field of type ``appointment`` (template version 4 on) of an item that
applies to the person and is not closed as not required or declined.

Plans made on earlier versions of the default template kept an appointment in separate
fields (the jobcentre's name, a date, a time as text). :data:`LEGACY_APPOINTMENTS` says
which, so such plans list their appointments too, and
:func:`moved_checklist` carries them into the appointment field when a plan is moved to
a newer template version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from planner.domain.appointment import Appointment, parse_time, read_stored
from planner.domain.assessment import applies
from planner.domain.case import Case
from planner.domain.checklist import Checklist, EvidenceValue, ItemRecord
from planner.domain.errors import InvalidInput
from planner.domain.status import ItemStatus
from planner.domain.template import FieldType, ItemTemplate, Template

HEALTH_SECTION = "health"
CLOSED = frozenset({ItemStatus.NOT_REQUIRED, ItemStatus.DECLINED})


@dataclass(frozen=True, slots=True)
class LegacyAppointment:
    """Where an earlier template version kept one appointment: a date field, perhaps a
    time (text) and a place (text) field, and the appointment field that replaced them."""

    field: str
    date_field: str
    time_field: str = ""
    place_field: str = ""


# The default template before version 4, by item id.
LEGACY_APPOINTMENTS: dict[str, LegacyAppointment] = {
    "benefits.uc_appointment": LegacyAppointment(
        "appointment", "appointment_date", "appointment_time", "jobcentre"
    ),
    "health.substance_misuse": LegacyAppointment("appointment", "appointment_date"),
    "health.mental_health": LegacyAppointment("appointment", "appointment_date"),
}


@dataclass(frozen=True, slots=True)
class CaseAppointment:
    """One appointment of a plan, with what it is about."""

    item_id: str
    field: str
    label: str  # the field's label: "Jobcentre appointment"
    section: str
    appointment: Appointment
    health: bool  # in the health section, or a sensitive field

    @property
    def sort_key(self) -> tuple[object, ...]:
        return self.appointment.sort_key


def appointments(case: Case, template: Template) -> list[CaseAppointment]:
    """The plan's appointments, soonest first (on one day, timed ones first; then in the
    template's order)."""
    found: list[CaseAppointment] = []
    for item in template.items:
        record = case.checklist.item(item.id)
        if record.status in CLOSED or not applies(item, case):
            continue
        for name, label, appointment, sensitive in _item_appointments(item, record):
            found.append(
                CaseAppointment(
                    item_id=item.id,
                    field=name,
                    label=label,
                    section=item.section,
                    appointment=appointment,
                    health=item.section == HEALTH_SECTION or sensitive,
                )
            )
    return sorted(found, key=lambda a: a.sort_key)  # stable: the template's order on a tie


def _item_appointments(
    item: ItemTemplate, record: ItemRecord
) -> list[tuple[str, str, Appointment, bool]]:
    out: list[tuple[str, str, Appointment, bool]] = []
    for field in item.evidence:
        if field.type is FieldType.APPOINTMENT:
            appointment = read_stored(record.evidence.get(field.name))
            if appointment is not None:
                out.append((field.name, field.label, appointment, field.sensitive))
    legacy = LEGACY_APPOINTMENTS.get(item.id)
    if not out and legacy is not None and item.field(legacy.field) is None:
        appointment = legacy_appointment(legacy, record.evidence)
        date_field = item.field(legacy.date_field)
        if appointment is not None and date_field is not None:
            out.append((legacy.date_field, date_field.label, appointment, date_field.sensitive))
    return out


def legacy_appointment(
    legacy: LegacyAppointment, evidence: dict[str, EvidenceValue]
) -> Appointment | None:
    """The appointment the separate fields of an earlier version hold; None without a
    date. A time typed in a form that is not a time is kept in front of the place, so
    nothing recorded is lost."""
    raw_day = evidence.get(legacy.date_field)
    if not isinstance(raw_day, str):
        return None
    try:
        day = date.fromisoformat(raw_day)
    except ValueError:
        return None
    raw_time = evidence.get(legacy.time_field) if legacy.time_field else None
    raw_place = evidence.get(legacy.place_field) if legacy.place_field else None
    place = raw_place.strip() if isinstance(raw_place, str) else ""
    time = ""
    if isinstance(raw_time, str) and raw_time.strip():
        try:
            time = parse_time(raw_time, "time")
        except InvalidInput:
            place = ", ".join(x for x in (f"time: {raw_time.strip()}", place) if x)
    return Appointment(day=day, time=time, place=place)


def moved_checklist(checklist: Checklist, old: Template, new: Template) -> Checklist:
    """The checklist as it reads on `new`, a later version of its template: each item's
    record kept, and an appointment an earlier version held in separate fields put in the
    field that replaced them (those fields cleared). Anything else recorded stays as it
    is, even under a name `new` does not have, so nothing is lost."""
    items: dict[str, ItemRecord] = {}
    for item_id, record in checklist.items.items():
        legacy = LEGACY_APPOINTMENTS.get(item_id)
        if (
            legacy is not None
            and old.has_item(item_id)
            and old.item(item_id).field(legacy.field) is None
            and new.has_item(item_id)
            and (target := new.item(item_id).field(legacy.field)) is not None
            and target.type is FieldType.APPOINTMENT
        ):
            record = _moved_record(record, legacy)
        items[item_id] = record
    return Checklist(template_id=new.id, template_version=new.version, items=items)


def _moved_record(record: ItemRecord, legacy: LegacyAppointment) -> ItemRecord:
    evidence = dict(record.evidence)
    appointment = legacy_appointment(legacy, evidence)
    if appointment is None:
        return record  # no date: the separate fields stay, shown by their names
    for name in (legacy.date_field, legacy.time_field, legacy.place_field):
        if name:
            evidence.pop(name, None)
    evidence[legacy.field] = appointment.stored()
    return record.model_copy(update={"evidence": evidence})
