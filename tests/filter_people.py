"""Five people for filter tests, each set up so that some conditions hold for them and
not others (see tests/unit/test_filtering.py for who matches what)."""

from __future__ import annotations

from datetime import date, timedelta

from planner.domain.person import CaseState, Circumstances, Contact
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store.repository import CaseStore
from tests.conftest import TODAY, make_person

OFFICER = "Test Officer"


def add_filter_people(store: CaseStore, template: Template) -> CaseStore:
    people = [
        make_person(
            "A1111AA",
            release=TODAY + timedelta(days=10),
            surname="Smith",
            location="B-2-014",
            crn="X123456",
            sex="male",
            community_offender_manager=Contact(name="Sam Dobson", unit="Leeds PDU"),
        ),
        make_person(
            "B2222BB",
            release=TODAY + timedelta(days=60),
            surname="Jones",
            location="A-1-001",
            sex="female",
            ethnicity="white_irish",
            circumstances=Circumstances(on_medication=True),
        ),
        make_person("C3333CC", release=None, surname="Khan", forename="Ayesha", location=""),
        make_person(
            "D4444DD",
            release=TODAY - timedelta(days=5),
            surname="O'Neill",
            state=CaseState.RELEASED,
            location="C-1-001",
            date_of_birth=date(2004, 3, 1),
            prison_offender_manager=Contact(name="Priya Shah"),
        ),
        make_person(
            "E5555EE", release=TODAY + timedelta(days=20), surname="Smith-Jones", location="B-3-2"
        ),
    ]
    for person in people:
        store.add(person, template)
    save = store.save_item
    save(
        "A1111AA",
        "bank.account",
        status=ItemStatus.DONE,
        evidence={"bank": "barclays", "outcome": "opened", "date_applied": "2026-10-01"},
    )
    save(
        "A1111AA",
        "accommodation.address",
        status=ItemStatus.IN_PROGRESS,
        evidence={"accommodation_type": "no_fixed_abode"},
    )
    save(
        "A1111AA",
        "accommodation.duty_to_refer",
        status=ItemStatus.DONE,
        evidence={
            "local_authority": "Leeds City Council",
            "date_referred": "2026-10-20",
            "consent": True,
        },
    )
    save("B2222BB", "bank.account", status=ItemStatus.NOT_REQUIRED, reason="Has an account")
    save(
        "B2222BB",
        "accommodation.address",
        status=ItemStatus.DONE,
        evidence={"accommodation_type": "settled", "address": "1 High Street"},
    )
    save(
        "B2222BB",
        "id.documents",
        status=ItemStatus.DONE,
        evidence={"document_type": "passport", "date_applied": "2026-11-02"},
    )
    save("C3333CC", "bank.account", status=ItemStatus.DECLINED, reason="Does not want one")
    save(
        "C3333CC",
        "id.documents",
        status=ItemStatus.IN_PROGRESS,
        evidence={
            "document_type": "birth_certificate",
            "date_applied": "2026-10-15",
            "date_received": "2026-11-20",
        },
    )
    save(
        "C3333CC",
        "benefits.uc_appointment",
        status=ItemStatus.DONE,
        evidence={
            "appointment": "2026-11-27 09:30 | Leeds",
        },
    )
    save(
        "E5555EE",
        "accommodation.address",
        status=ItemStatus.IN_PROGRESS,
        evidence={"accommodation_type": "rough_sleeping", "address": "=cmd|' /C calc'!A0"},
    )
    save("E5555EE", "accommodation.duty_to_refer", status=ItemStatus.BLOCKED,
         reason="No consent yet")  # fmt: skip
    store.assign(["A1111AA", "E5555EE"], OFFICER)
    store.assign(["C3333CC"], "Other Officer")
    return store
