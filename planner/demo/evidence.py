"""Evidence for the sample caseload: values an officer would record, valid for the
template's field types and choices.

`SampleEvidence` makes one person's evidence: the full set when an item is done (every
required field and realistic optional ones), its first steps when it is in progress.
Dates are in the past except appointments, booked for after release.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from planner.demo.names import (
    DRAMA_PHONE_PREFIX,
    FIRST_STEPS,
    PDU_PHONE_PREFIX,
    PROBATION_STAFF,
    STREETS,
    TOWNS,
)
from planner.domain.appointment import Appointment, read_stored
from planner.domain.calendar import next_working_day
from planner.domain.checklist import EvidenceValue
from planner.domain.person import Person, ReleaseKind
from planner.domain.template import EvidenceField, FieldType, ItemTemplate


class SampleEvidence:
    """Evidence for one person, valid for the template's field types and choices."""

    def __init__(
        self,
        rng: random.Random,
        person: Person,
        today: date,
        *,
        housing: str,
        foreign: tuple[str, str, str, str] | None,
    ) -> None:
        self.rng = rng
        self.person = person
        self.today = today
        self.housing = housing
        self.foreign = foreign  # (group, forename, surname, immigration status)
        town = TOWNS[rng.randrange(len(TOWNS))]
        self.town, self.council, self.jobcentre, self.pdu = town
        self.com = PROBATION_STAFF[rng.randrange(len(PROBATION_STAFF))]

    def ago(self, most: int, least: int = 1) -> str:
        """An ISO date between `least` and `most` days before today (never after it)."""
        return (self.today - timedelta(days=self.rng.randint(least, max(least, most)))).isoformat()

    def after_release(self, name: str, days: int) -> dict[str, EvidenceValue]:
        """An appointment on the first working day at least `days` after release."""
        release = self.person.release_date
        if release is None:
            return {}
        return {name: next_working_day(release + timedelta(days=days)).isoformat()}

    def appointment(
        self, name: str, days: int, time: str, place: str, phone: str
    ) -> dict[str, EvidenceValue]:
        """An appointment (template version 4 on) on the first working day at least `days`
        after release, at `time`, with its place and a phone to ring."""
        release = self.person.release_date
        if release is None:
            return {}
        day = next_working_day(release + timedelta(days=days))
        return {name: Appointment(day=day, time=time, place=place, phone=phone).stored()}

    def _curated(self, item_id: str) -> dict[str, EvidenceValue]:
        rng, person, foreign = self.rng, self.person, self.foreign
        applied = self.ago(60, 20)
        later = self.ago(18, 1)
        kind = person.release_kind.value.lower()
        housing = self.housing
        address = (
            f"{rng.randint(1, 120)} {rng.choice(STREETS)}, {self.town}"
            if housing in ("settled", "temporary")
            else {
                "cas1": f"Example House approved premises, {self.town}",
                "cas2": f"CAS2 property, {self.town}",
                "cas3": f"CAS3 shared house, {self.town}",
            }.get(housing, "None yet")
        )
        documents = (
            ["brp_evisa", "passport"]
            if foreign
            else ["birth_certificate", "birth_certificate", "passport", "driving_licence"]
        )
        probation_phone = PDU_PHONE_PREFIX.get(self.pdu, DRAMA_PHONE_PREFIX) + "500"
        psr = rng.choices(["available", "not_prepared", "unknown"], weights=[30, 50, 20])[0]
        table: dict[str, dict[str, EvidenceValue]] = {
            "release.date_confirmed": {
                "date_type": kind,
                "hdc_eligible": person.release_kind is ReleaseKind.HDC,
            },
            "release.day_plan": {
                "travel_arranged": True,
                "phone": rng.random() < 0.7,
                "met_by": rng.choice(
                    ["Mother", "Partner", "Sister", "No one; travel warrant issued", "Friend"]
                ),
                "release_time": "08:30",
                "to_take": "Your ID, this plan, your money for the first days and your things "
                "from the property store",
            },
            "id.documents": {
                "document_type": rng.choice(documents),
                "date_applied": applied,
                "date_received": later,
                "funded_by": "Prisoner ID programme",
                "stored_in_property": True,
            },
            "bank.account": {
                "bank": rng.choice(["barclays", "coop", "lloyds", "natwest", "santander"]),
                "date_applied": applied,
                "outcome": "opened",
                "outcome_date": later,
            },
            "benefits.work_coach": {
                "date_seen": later,
                "ni_number_held": rng.random() < 0.8,
                "phone_or_email": rng.random() < 0.6,
            },
            "benefits.uc_appointment": {
                # template versions 1 to 3: the jobcentre, the date and the time apart
                "jobcentre": self.jobcentre,
                **self.after_release("appointment_date", 0),
                "appointment_time": (jobcentre_time := rng.choice(TIMES)),
                **self.appointment(
                    "appointment", 0, jobcentre_time, self.jobcentre, f"{DRAMA_PHONE_PREFIX}101"
                ),
                "advance_discussed": True,
                "housing_costs": housing != "settled",
            },
            "accommodation.address": {
                "accommodation_type": housing,
                "address": address,
                "date_confirmed": later,
            },
            "accommodation.duty_to_refer": {
                "local_authority": self.council,
                "date_referred": applied,
                "consent": True,
                "outcome": rng.choice(["submitted", "accepted"]),
            },
            "accommodation.cas_referral": {
                "tier": housing if housing in ("cas1", "cas2", "cas3") else "cas3",
                "date_referred": applied,
                "outcome": "Bed space offered",
            },
            "psr.status": {
                "status": psr,
                **(
                    {
                        "report_type": rng.choices(
                            ["oral", "fast_delivery", "standard_delivery"], weights=[52, 45, 3]
                        )[0],
                        "report_date": self.ago(400, 120),
                        "court": f"{self.town} Magistrates' Court",
                    }
                    if psr == "available"
                    else {}
                ),
            },
            "handover.com_allocated": {
                "com_name": self.com,
                "pdu": self.pdu,
                "date_allocated": applied,
                **self.appointment(
                    "first_appointment", 0, "14:00", f"{self.pdu} office", probation_phone
                ),
            },
            "handover.meeting": {
                "date_held": later,
                "attendees": "Prison offender manager, community offender manager, the person",
            },
            "handover.summary_sent": {
                "date_sent": later,
                "format": "PDF by secure email",
                "recipient": self.pdu,
            },
            "health.gp": {
                "practice": f"{self.town} Example Medical Centre",
                "date_registered": later,
                **self.appointment(
                    "appointment",
                    14,
                    "11:20",
                    f"{self.town} Example Medical Centre",
                    f"{DRAMA_PHONE_PREFIX}404",
                ),
            },
            "health.medication": {
                "days_supplied": rng.choice(["7", "14", "28", "28"]),
                "prescription_route": rng.choice(["FP10 prescription", "GP registered"]),
            },
            "health.substance_misuse": {
                "provider": f"{self.town} Recovery Service",
                **self.after_release("appointment_date", 7),
                **self.appointment(
                    "appointment",
                    7,
                    "10:00",
                    f"{self.town} Recovery Service",
                    f"{DRAMA_PHONE_PREFIX}202",
                ),
            },
            "health.mental_health": {
                "service": "RECONNECT",
                **self.after_release("appointment_date", 10),
                **self.appointment(
                    "appointment",
                    10,
                    "15:30",
                    f"RECONNECT, {self.town}",
                    f"{DRAMA_PHONE_PREFIX}303",
                ),
            },
            "work.plan": {
                "plan": rng.choice(
                    [
                        "CSCS card course, then construction labouring",
                        "Warehouse work through a prison-leaver employer",
                        "Functional skills English at the local college",
                        "Return to previous job as a chef",
                    ]
                ),
                "employer_or_provider": rng.choice(
                    ["Example Construction Ltd", "Example College", "Example Kitchens"]
                ),
                "employment_lead_seen": True,
            },
            "family.contact": {
                "arrangements": "Contact with the children agreed with their grandmother",
                "social_worker_contact": f"{self.town} children's services duty team",
            },
            "special.veteran": {"date_referred": applied},
            "special.foreign_national": {
                "immigration_status": foreign[3] if foreign else "Settled status",
                "nrpf": bool(foreign and "deportation" in foreign[3]),
            },
            "special.care_leaver": {
                "contact": f"Personal adviser, {self.town} leaving-care team",
                "date_contacted": later,
            },
        }
        return dict(table.get(item_id, {}))

    def full(
        self, spec: ItemTemplate, override: dict[str, EvidenceValue] | None = None
    ) -> dict[str, EvidenceValue]:
        """Every required field and the curated optional ones."""
        evidence = self.pick(spec, {**self._curated(spec.id), **(override or {})})
        for f in spec.required_fields:
            if f.name not in evidence:
                evidence[f.name] = self._generic(f)
        return evidence

    def partial(self, spec: ItemTemplate) -> dict[str, EvidenceValue]:
        """What an officer has recorded part way through: the first steps only."""
        names = FIRST_STEPS.get(spec.id)
        curated = self.pick(spec, self._curated(spec.id))
        if names is None:
            names = tuple(f.name for f in spec.evidence[: max(1, len(spec.evidence) // 2)])
        return {name: value for name, value in curated.items() if name in names}

    def pick(
        self, spec: ItemTemplate, wanted: dict[str, EvidenceValue]
    ) -> dict[str, EvidenceValue]:
        """The values that are valid for the item's fields; others are dropped."""
        out: dict[str, EvidenceValue] = {}
        for name, value in wanted.items():
            f = spec.field(name)
            if f is not None and _valid(f, value, self.today):
                out[name] = value
        return out

    def _generic(self, f: EvidenceField) -> EvidenceValue:
        if f.type is FieldType.APPOINTMENT:
            booked = self.appointment(f.name, 0, "10:00", self.town, f"{DRAMA_PHONE_PREFIX}999")
            return booked.get(f.name) or Appointment(day=self.today).stored()
        if f.type is FieldType.DATE:
            if f.name in FUTURE_DATE_FIELDS:
                return self.after_release(f.name, 0).get(f.name) or self.ago(30)
            return self.ago(30)
        if f.type is FieldType.YES_NO:
            return True
        if f.type is FieldType.CHOICE:
            return f.choices[0].value
        return "Recorded"


TIMES = ("09:30", "10:00", "11:15", "13:40")
FUTURE_DATE_FIELDS = frozenset({"appointment_date", "booking_start"})


def _valid(f: EvidenceField, value: EvidenceValue, today: date) -> bool:
    if f.type is FieldType.YES_NO:
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if f.type is FieldType.CHOICE:
        return any(c.value == value for c in f.choices)
    if f.type is FieldType.APPOINTMENT:
        return read_stored(value) is not None
    if f.type is FieldType.DATE:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return False
        # Appointments are booked for after release; every other date has happened.
        return day <= today or f.name in FUTURE_DATE_FIELDS
    return bool(value.strip())
