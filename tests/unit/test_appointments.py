"""The appointment evidence type, every appointment of a plan in date order, and moving a
plan made on template version 3 to version 4."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.appointment import (
    Appointment,
    appointment_from_parts,
    parse_appointment,
    read_stored,
    split_parts,
)
from planner.domain.appointments import appointments, moved_checklist
from planner.domain.case import Case
from planner.domain.checklist import Checklist, ItemRecord
from planner.domain.errors import InvalidInput
from planner.domain.evidence import check_evidence, parse_field_assignments
from planner.domain.person import Circumstances, Person
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.domain.template_loading import builtin_template_dir, load_template

V3 = Path(__file__).parents[1] / "fixtures" / "templates" / "england-wales-v3.toml"
AT = datetime(2026, 11, 23, 10, 0)


@pytest.fixture(scope="module")
def v4() -> Template:
    return load_template(builtin_template_dir() / "england-wales.toml")


@pytest.fixture(scope="module")
def v3() -> Template:
    return load_template(V3)


def a_case(template: Template, items: dict[str, ItemRecord], **circumstances: bool) -> Case:
    person = Person(
        number="A1234BC",
        surname="Smith",
        forename="Jo",
        release_date=date(2027, 1, 11),
        circumstances=Circumstances(**circumstances),
    )
    checklist = Checklist(template_id=template.id, template_version=template.version, items=items)
    return Case(person=person, checklist=checklist, created_at=AT, updated_at=AT)


def done(**evidence: str | bool) -> ItemRecord:
    return ItemRecord(status=ItemStatus.DONE, evidence=evidence)


# --- the value ------------------------------------------------------------------------------


def test_typed_form_is_stored_canonically_and_reads_back() -> None:
    booked = parse_appointment("12/01/2027 9:30 | Jobcentre Plus, High St | 0800 123 4567", "f")
    assert booked == Appointment(
        date(2027, 1, 12), "09:30", "Jobcentre Plus, High St", "0800 123 4567"
    )
    assert booked.stored() == "2027-01-12 09:30 | Jobcentre Plus, High St | 0800 123 4567"
    assert read_stored(booked.stored()) == booked
    assert booked.when_words() == "Tuesday 12 January 2027 at 09:30"
    assert Appointment(date(2027, 1, 12)).stored() == "2027-01-12"
    assert Appointment(date(2027, 1, 12), phone="0800 123 4567").stored() == (
        "2027-01-12 |  | 0800 123 4567"
    )


def test_a_bar_in_the_place_is_escaped_and_kept() -> None:
    booked = Appointment(date(2027, 1, 12), "", "Unit 3 | 4 \\ rear", "")
    assert booked.stored() == "2027-01-12 | Unit 3 \\| 4 \\\\ rear"
    assert read_stored(booked.stored()) == booked
    assert split_parts("a \\| b | c") == ["a | b", "c"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/2027 10:00", "field appointment date: '31/02/2027' is not a real date"),
        ("12/01/2027 25:00", "field appointment time: '25:00' is not a time"),
        ("12/01/2027 | Jobcentre | call me", "field appointment phone: 'call me' is not a phone"),
        ("12/01/2027 | a | 0800 123 4567 | more", "has more than three parts"),
        (" | Jobcentre", "field appointment date: an appointment needs its date"),
        ("12/01/2027 | Job\x1bcentre", "field appointment place: "),
    ],
)
def test_bad_parts_are_one_line_naming_the_field_and_part(typed: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_appointment(typed, "field appointment")
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_blank_clears_and_a_cli_assignment_is_checked(v4: Template) -> None:
    item = v4.item("benefits.uc_appointment")
    assert parse_field_assignments(item, ["appointment="]) == {"appointment": None}
    values = parse_field_assignments(item, ["appointment=2027-01-12 10:30 | Leeds Jobcentre"])
    assert values == {"appointment": "2027-01-12 10:30 | Leeds Jobcentre"}
    check_evidence(item, values)
    with pytest.raises(InvalidInput, match="is not an appointment"):
        check_evidence(item, {"appointment": "12/01/2027 10:30"})  # not the stored form
    assert appointment_from_parts("x", day="", time="", place="", phone="") is None


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(date(1990, 1, 1), date(2090, 12, 31)),
    time=st.sampled_from(["", "00:00", "09:05", "23:59"]),
    place=st.text(
        st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Cf")), max_size=30
    ).map(str.strip),
)
def test_any_appointment_round_trips_through_its_stored_form(
    day: date, time: str, place: str
) -> None:
    booked = Appointment(day, time, place, "")
    assert read_stored(booked.stored()) == booked


# --- every appointment, in date order ------------------------------------------------------


def test_appointments_in_date_order_with_untimed_last_on_a_day(v4: Template) -> None:
    case = a_case(
        v4,
        {
            "benefits.uc_appointment": done(appointment="2027-01-12 10:30 | Leeds Jobcentre"),
            "handover.com_allocated": done(
                com_name="Sam Reed", first_appointment="2027-01-11 14:00 | Leeds PDU"
            ),
            "health.gp": done(practice="Surgery", appointment="2027-01-12 | Surgery"),
            "health.substance_misuse": done(
                provider="Recovery", appointment="2027-01-12 09:00 | Recovery"
            ),
            "accommodation.duty_to_refer": ItemRecord(
                status=ItemStatus.NOT_REQUIRED,
                reason="settled",
                evidence={"appointment": "2027-01-10 | Council"},
            ),
        },
        substance_misuse=True,
    )
    found = appointments(case, v4)
    assert [(a.item_id, a.appointment.time) for a in found] == [
        ("handover.com_allocated", "14:00"),
        ("health.substance_misuse", "09:00"),
        ("benefits.uc_appointment", "10:30"),
        ("health.gp", ""),
    ]  # the council's, on an item not required, is not listed
    assert [a.health for a in found] == [False, True, False, True]


def test_an_item_that_does_not_apply_lists_no_appointment(v4: Template) -> None:
    case = a_case(v4, {"health.substance_misuse": done(appointment="2027-01-12 | Recovery")})
    assert appointments(case, v4) == []


def test_a_version_3_plan_lists_its_appointments_from_the_separate_fields(v3: Template) -> None:
    case = a_case(
        v3,
        {
            "benefits.uc_appointment": done(
                jobcentre="Leeds Jobcentre", appointment_date="2027-01-12", appointment_time="9.30"
            ),
            "health.mental_health": done(service="RECONNECT", appointment_date="2027-01-11"),
        },
        mental_health=True,
    )
    found = appointments(case, v3)
    assert [(a.item_id, a.appointment.stored()) for a in found] == [
        ("health.mental_health", "2027-01-11"),
        ("benefits.uc_appointment", "2027-01-12 09:30 | Leeds Jobcentre"),
    ]


# --- moving a plan to version 4 -------------------------------------------------------------


def test_moving_a_version_3_plan_puts_the_separate_fields_in_one_appointment(
    v3: Template, v4: Template
) -> None:
    items = {
        "benefits.uc_appointment": done(
            jobcentre="Leeds | East",
            appointment_date="2027-01-12",
            appointment_time="about ten",
            advance_discussed=True,
        ),
        "health.substance_misuse": done(provider="Recovery", appointment_date="2027-01-13"),
        "health.mental_health": ItemRecord(evidence={"service": "RECONNECT"}),  # no date
        "bank.account": done(bank="lloyds", outcome="opened"),
    }
    moved = moved_checklist(a_case(v3, items).checklist, v3, v4)
    assert (moved.template_id, moved.template_version) == ("england-wales", 4)
    assert moved.item("benefits.uc_appointment").evidence == {
        "advance_discussed": True,
        # a time that is not one is kept, before the place, not lost
        "appointment": "2027-01-12 | time: about ten, Leeds \\| East",
    }
    assert moved.item("health.substance_misuse").evidence == {
        "provider": "Recovery",
        "appointment": "2027-01-13",
    }
    assert moved.item("health.mental_health").evidence == {"service": "RECONNECT"}
    assert moved.item("bank.account") == items["bank.account"]
    for item_id, record in moved.items.items():
        check_evidence(v4.item(item_id), record.evidence)  # every value fits version 4
    case = a_case(v4, dict(moved.items), substance_misuse=True)
    assert [a.item_id for a in appointments(case, v4)] == [
        "benefits.uc_appointment",
        "health.substance_misuse",
    ]


def test_moving_a_plan_already_on_the_version_changes_nothing(v4: Template) -> None:
    items = {"benefits.uc_appointment": done(appointment="2027-01-12 10:30 | Leeds")}
    checklist = a_case(v4, items).checklist
    assert moved_checklist(checklist, v4, v4) == checklist
