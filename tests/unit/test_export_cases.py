"""Realistic cases for the export tests and the export benchmark, and checks they stay so.

`record_rich_case` fills a plan the way an officer would three weeks before release: most
items done with their evidence, some open, one blocked, one declined, one not required,
health detail and notes that a redacted summary must leave out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from planner.domain.case import Case
from planner.domain.checklist import EvidenceValue
from planner.domain.gaps import FlagKind, Severity
from planner.domain.person import Circumstances, Contact, Person
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.export.service import summary_for
from planner.export.summary import HandoverSummary
from planner.store.repository import CaseStore
from tests.conftest import TODAY, make_person

GENERATED_AT = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)
PLANNER_VERSION = "0.1.0-test"
OFFICER = "Pat Officer"

# Values a redacted summary must not contain, anywhere, in any format.
SENSITIVE_VALUES = (
    "Stockwell Green Surgery",  # GP practice (health section, sensitive)
    "Lambeth Drug and Alcohol Service",  # treatment provider
    "FP10 from the GP",  # prescription route
    "Methadone",  # case notes
    "Prefers Lex",  # case notes
    "asked for a female officer",  # item notes
    "Black, Black British, Caribbean or African: Caribbean",  # ethnicity
    "Female",  # sex
    "Sikh",  # religion
    "3 years 4 months",  # sentence length
    "Substance misuse need",  # health circumstance
    "On medication",  # health circumstance
    "Community drug/alcohol treatment appointment",  # health item title
    "Medication on release arranged",
)

ITEMS: list[tuple[str, ItemStatus, dict[str, EvidenceValue], str, str]] = [
    (
        "release.date_confirmed",
        ItemStatus.DONE,
        {"date_type": "crd", "hdc_eligible": False},
        "",
        "",
    ),
    (
        "release.day_plan",
        ItemStatus.IN_PROGRESS,
        {"travel_arranged": True, "phone": False, "met_by": "Sister, Jo Example"},
        "",
        "",
    ),
    (
        "id.documents",
        ItemStatus.DONE,
        {
            "document_type": "birth_certificate",
            "date_applied": "2026-09-14",
            "funded_by": "Prisoner ID programme",
        },
        "",
        "",
    ),
    (
        "bank.account",
        ItemStatus.DONE,
        {
            "bank": "lloyds",
            "date_applied": "2026-09-01",
            "outcome": "opened",
            "outcome_date": "2026-10-02",
        },
        "",
        "",
    ),
    (
        "benefits.work_coach",
        ItemStatus.DONE,
        {"date_seen": "2026-09-20", "ni_number_held": True, "phone_or_email": True},
        "",
        "",
    ),
    (
        "benefits.uc_appointment",
        ItemStatus.DONE,
        {
            "appointment": "2026-12-17 09:30 | Brixton Jobcentre Plus | 020 7946 0100",
            "advance_discussed": True,
            "housing_costs": True,
        },
        "",
        "",
    ),
    (
        "accommodation.address",
        ItemStatus.DONE,
        {
            "accommodation_type": "cas3",
            "address": "Flat 2, 14 Acre Lane, London SW2 5SG",
            "date_confirmed": "2026-11-18",
        },
        "",
        "",
    ),
    (
        "accommodation.duty_to_refer",
        ItemStatus.DONE,
        {
            "local_authority": "Lambeth",
            "date_referred": "2026-09-30",
            "consent": True,
            "outcome": "accepted",
        },
        "",
        "",
    ),
    (
        "accommodation.cas_referral",
        ItemStatus.IN_PROGRESS,
        {"tier": "cas3", "date_referred": "2026-10-12", "booking_start": "2026-12-16"},
        "",
        "",
    ),
    (
        "psr.status",
        ItemStatus.DONE,
        {
            "status": "available",
            "report_type": "fast_delivery",
            "report_date": "2026-04-02",
            "court": "Camberwell Green Magistrates' Court",
        },
        "",
        "",
    ),
    (
        "handover.com_allocated",
        ItemStatus.DONE,
        {"com_name": "Sam Okafor", "pdu": "Lambeth PDU", "date_allocated": "2026-08-28"},
        "",
        "",
    ),
    ("handover.meeting", ItemStatus.BLOCKED, {}, "COM on leave until 30 Nov", ""),
    (
        "health.gp",
        ItemStatus.DONE,
        {"practice": "Stockwell Green Surgery", "date_registered": "2026-11-02"},
        "",
        "asked for a female officer",
    ),
    (
        "health.medication",
        ItemStatus.IN_PROGRESS,
        {"days_supplied": "28", "prescription_route": "FP10 from the GP"},
        "",
        "",
    ),
    (
        "health.substance_misuse",
        ItemStatus.DONE,
        {
            "provider": "Lambeth Drug and Alcohol Service",
            "appointment": "2026-12-18 | Lambeth Drug and Alcohol Service, 1 Acre Lane",
        },
        "",
        "",
    ),
    ("work.plan", ItemStatus.DECLINED, {}, "Wants to settle housing first; review in January", ""),
    (
        "family.contact",
        ItemStatus.NOT_REQUIRED,
        {},
        "Children live with their grandmother under a court order",
        "",
    ),
]


def rich_person(number: str = "A1234BC", **extra: object) -> Person:
    data: dict[str, object] = {
        "surname": "O'Neill-Ward",
        "forename": "Alexandra",
        "crn": "X123456",
        "pnc": "2012/0052834X",
        "sex": "female",
        "ethnicity": "black_caribbean",
        "religion": "sikh",
        "sentence": {"years": 3, "months": 4},
        "circumstances": Circumstances(on_medication=True, substance_misuse=True, dependants=True),
        "prison_offender_manager": Contact(
            name="Chris Patel",
            role="POM",
            phone="020 7946 0001",
            email="chris.patel@justice.example",
        ),
        "community_offender_manager": Contact(name="", phone="020 7946 0999"),
    }
    data.update(extra)
    return make_person(number, date(2026, 12, 16), **data)


def record_rich_case(
    store: CaseStore, template: Template, number: str = "A1234BC", **extra: object
) -> Case:
    store.add(rich_person(number, **extra), template)
    for item_id, status, evidence, reason, notes in ITEMS:
        store.save_item(
            number,
            item_id,
            status=status,
            evidence=dict(evidence),
            reason=reason or None,
            notes=notes or None,
        )
    return store.update_notes(
        number, "Prefers Lex. Methadone 30ml daily, script transferred to the community team."
    )


def summary_of(
    store: CaseStore, number: str = "A1234BC", *, redact: bool = False, today: date = TODAY
) -> HandoverSummary:
    return summary_for(
        store,
        number,
        officer=OFFICER,
        today=today,
        redact=redact,
        generated_at=GENERATED_AT,
        planner_version=PLANNER_VERSION,
    )


def test_rich_case_has_every_kind_of_entry(store: CaseStore, template: Template) -> None:
    record_rich_case(store, template)
    summary = summary_of(store)
    assert summary.gap_counts.critical >= 1
    kinds = {g.kind for g in summary.gaps}
    assert {FlagKind.BLOCKED, FlagKind.OVERDUE} <= {FlagKind(k) for k in kinds}
    assert [c.status for c in summary.closed] == [ItemStatus.DECLINED, ItemStatus.NOT_REQUIRED]
    assert summary.gaps[0].severity is Severity.CRITICAL


# A plan whose "done" does not always mean done: nobody meets them, the bank said no, a plan
# marked done with nothing written, a CAS3 address while the booking is still open, and a
# Duty to Refer the council did not accept.
UNTRUE_ITEMS: list[tuple[str, ItemStatus, dict[str, EvidenceValue]]] = [
    ("release.day_plan", ItemStatus.DONE, {"travel_arranged": True, "met_by": "No one"}),
    ("bank.account", ItemStatus.DONE, {"bank": "santander", "outcome": "declined"}),
    ("work.plan", ItemStatus.DONE, {"employment_lead_seen": True}),
    (
        "accommodation.address",
        ItemStatus.DONE,
        {"accommodation_type": "cas3", "address": "CAS3 shared house, Leeds"},
    ),
    (
        "accommodation.cas_referral",
        ItemStatus.IN_PROGRESS,
        {"tier": "cas3", "date_referred": "2026-10-12"},
    ),
    (
        "accommodation.duty_to_refer",
        ItemStatus.DONE,
        {"local_authority": "Leeds", "date_referred": "2026-09-30", "outcome": "not_accepted"},
    ),
]


def record_untrue_case(store: CaseStore, template: Template, number: str = "C3456DE") -> Case:
    case = store.add(make_person(number, date(2026, 12, 16)), template)
    for item_id, status, evidence in UNTRUE_ITEMS:
        case = store.save_item(number, item_id, status=status, evidence=dict(evidence))
    return case
