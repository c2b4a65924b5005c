"""Release-day actions for probation: what is booked, where and when, and what is not.

Each action reads one checklist item of the default template. An item a template does not
have, or that does not apply to the person, gives no action; one that applies but has
nothing recorded says plainly what is missing.

An action is arranged only when the evidence says so: its item done with every required
piece of evidence, no outcome that means the need is not met (a Duty to Refer not
accepted), and, for who meets them, someone named. The arranged mark carries the status;
the detail says what is recorded, so no line says its status twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from planner.domain.appointment import read_stored
from planner.domain.assessment import applies, done_and_met, not_met_outcomes
from planner.domain.case import Case
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.export.evidence import REDACTED_HEALTH, evidence_of, not_counted
from planner.export.model import DayOneAction

# What officers type for "who meets them" when nobody does (the field's help says 'no one'),
# perhaps with more after it: "No one; travel warrant issued".
NOBODY = re.compile(r"^\s*(no[ -]?one|nobody|none|nil|n/?a|-+)(?![\w/])", re.IGNORECASE)

Values = dict[str, str]


@dataclass(frozen=True, slots=True)
class _Spec:
    item_id: str
    topic: str
    describe: Callable[[Values], str]
    missing: str
    health: bool = False
    # Besides its item being done and met: whether what is recorded arranges it.
    arranged: Callable[[Values], bool] = lambda _values: True


def _join(*parts: str | None) -> str:
    return "; ".join(p for p in parts if p)


def _labelled(values: Values, name: str, label: str) -> str | None:
    value = values.get(name)
    return f"{label} {value}" if value else None


def _nobody(met_by: str | None) -> bool:
    return met_by is None or NOBODY.match(met_by) is not None


def _someone_meets_them(v: Values) -> bool:
    return not _nobody(v.get("met_by"))


def _meets(v: Values) -> str:
    met = v.get("met_by")
    if met is None:
        who = "Nobody recorded to meet them"
    else:
        who = "Nobody meets them" if _nobody(met) else f"Met by {met}"
    return _join(
        who,
        _labelled(v, "travel_arranged", "travel arranged:"),
        _labelled(v, "phone", "working phone:"),
    )


def _jobcentre(v: Values) -> str:
    if "appointment" in v:  # template version 4 on: one appointment, its place the jobcentre
        booked = v["appointment"]
        if "," not in booked:  # no place recorded
            booked = f"jobcentre not recorded, {booked}"
    else:
        when = v.get("appointment_date", "date not recorded")
        if v.get("appointment_time"):
            when = f"{when} at {v['appointment_time']}"
        booked = f"{v.get('jobcentre', 'jobcentre not recorded')}, {when}"
    return _join(
        booked,
        _labelled(v, "advance_discussed", "advance payment discussed:"),
        _labelled(v, "housing_costs", "housing costs discussed:"),
    )


def _cas(v: Values) -> str:
    return _join(
        v.get("tier", "tier not recorded"),
        _labelled(v, "date_referred", "referred"),
        _labelled(v, "booking_start", "booking starts"),
        _labelled(v, "outcome", "outcome:"),
    )


def _duty_to_refer(v: Values) -> str:
    return _join(
        v.get("local_authority", "local authority not recorded"),
        _labelled(v, "date_referred", "referred"),
        _labelled(v, "outcome", "outcome:"),
    )


def _gp(v: Values) -> str:
    return _join(
        v.get("practice", "practice not recorded"),
        _labelled(v, "date_registered", "registered"),
        _labelled(v, "appointment.when", "appointment"),
    )


def _medication(v: Values) -> str:
    days = v.get("days_supplied")
    return _join(
        f"{days} days supplied" if days else "days supplied not recorded",
        _labelled(v, "prescription_route", "next prescription:"),
    )


def _treatment(v: Values) -> str:
    return _join(
        v.get("provider", "provider not recorded"),
        _labelled(v, "appointment.when", "first appointment")
        or _labelled(v, "appointment_date", "first appointment"),
    )


def _mental_health(v: Values) -> str:
    return _join(
        v.get("service", "service not recorded"),
        _labelled(v, "appointment.when", "appointment")
        or _labelled(v, "appointment_date", "appointment"),
    )


SPECS = (
    _Spec(
        "release.day_plan",
        "Who meets them",
        _meets,
        "No day-of-release plan recorded",
        arranged=_someone_meets_them,
    ),
    _Spec(
        "benefits.uc_appointment", "Jobcentre appointment", _jobcentre, "No appointment recorded"
    ),
    _Spec("accommodation.cas_referral", "CAS booking", _cas, "No CAS referral recorded"),
    _Spec("accommodation.duty_to_refer", "Duty to Refer", _duty_to_refer, "No referral recorded"),
    _Spec("health.gp", "GP", _gp, "No GP registration recorded", health=True),
    _Spec("health.medication", "Medication", _medication, "No supply recorded", health=True),
    _Spec(
        "health.substance_misuse",
        "Drug and alcohol treatment",
        _treatment,
        "No first appointment recorded",
        health=True,
    ),
    _Spec(
        "health.mental_health", "Mental health", _mental_health, "No service recorded", health=True
    ),
)


def day_one_actions(case: Case, template: Template, *, redact: bool) -> list[DayOneAction]:
    """The day-one actions that apply to this person, in the order probation needs them."""
    actions: list[DayOneAction] = []
    health_arranged: list[bool] = []
    for spec in SPECS:
        if not template.has_item(spec.item_id):
            continue
        item = template.item(spec.item_id)
        if not applies(item, case):
            continue
        record = case.checklist.item(spec.item_id)
        appointment_fields = {f.name for f in item.appointment_fields}
        values = {e.field: e.value for e in evidence_of(item, record, redact)}
        for name in appointment_fields & values.keys():
            booked = read_stored(record.evidence.get(name))
            if booked is not None:
                values[name] = booked.place_first_text()
                values[f"{name}.when"] = booked.day_text() + (
                    f" ({booked.place})" if booked.place else ""
                )
        met = done_and_met(item, record)
        arranged = met and spec.arranged(values)
        if spec.health and redact:
            health_arranged.append(arranged)
            continue
        detail = spec.describe(values) if values else spec.missing
        if values and record.status is not ItemStatus.DONE:
            detail = f"{detail} (item is {record.status.label})"
        elif record.status is ItemStatus.DONE and not met:
            why = "the need is not met" if not_met_outcomes(item, record) else None
            detail = f"{detail} (marked done, but {why or not_counted(item, record)})"
        actions.append(DayOneAction(topic=spec.topic, detail=detail, arranged=arranged))
    if health_arranged:
        actions.append(
            DayOneAction(
                topic="Health arrangements",
                detail=REDACTED_HEALTH,
                arranged=all(health_arranged),
            )
        )
    return actions
