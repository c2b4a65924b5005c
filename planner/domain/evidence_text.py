"""A recorded evidence value as a person reads it, everywhere planner shows one.

The UI's forms and person screen, the handover summaries and the transfer preview all
show a choice by its label ("No fixed abode", not `no_fixed_abode`), a date as a day
("Wed 16 Dec 2026"), a yes/no field as Yes or No and an appointment as its parts: by
this one rule.
"""

from __future__ import annotations

from datetime import date

from planner.domain.appointment import appointment_text
from planner.domain.calendar import format_day
from planner.domain.checklist import EvidenceValue
from planner.domain.template import EvidenceField, FieldType


def shown_value(field: EvidenceField | None, value: EvidenceValue) -> str:
    """`value` as a person reads it; a field the template does not define (None) shows
    its value as it is stored."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field is None:
        return str(value)
    if field.type is FieldType.CHOICE:
        return field.choice_label(value)
    if field.type is FieldType.DATE:
        try:
            return format_day(date.fromisoformat(value))
        except ValueError:
            return value
    if field.type is FieldType.APPOINTMENT:
        return appointment_text(value)
    return value
