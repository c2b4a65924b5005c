"""The person's own plan: read back from the PDF, every appointment is there in date order,
and nothing of the staff's: no item ids, no equality data, no abbreviation unexplained,
health detail only when the officer asks for it."""

from __future__ import annotations

import io
import os
import re
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from planner.cli import main
from planner.domain.errors import InvalidInput
from planner.domain.evidence import find_field, find_item, parse_evidence_value
from planner.domain.template import Template
from planner.export.files import ExportFormat, OutputExists
from planner.export.plan import ABBREVIATIONS, CHANGE_LINE, HEALTH_APPOINTMENT, UNEXPLAINED
from planner.export.service import export_case, render_plan
from planner.store.repository import CaseStore
from tests.conftest import TODAY
from tests.unit.test_export_cases import record_rich_case

# The rich case's appointments, soonest first (three more are added below).
APPOINTMENTS = [
    ("Monday 14 December 2026 at 16:00", "Housing appointment with the council"),
    ("Thursday 17 December 2026 at 09:30", "Jobcentre appointment"),
    ("Thursday 17 December 2026 at 14:00", "First probation appointment"),
    ("Friday 18 December 2026", "First drug or alcohol support appointment"),
]
EQUALITY = ("Female", "Caribbean", "Sikh", "3 years 4 months")
HEALTH_DETAIL = ("Lambeth Drug and Alcohol Service", "Stockwell Green Surgery", "FP10")


def text_of(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages
    )


@pytest.fixture
def planned(store: CaseStore, template: Template) -> CaseStore:
    record_rich_case(store, template)
    store.save_item(
        "A1234BC",
        "handover.com_allocated",
        evidence={"first_appointment": "2026-12-17 14:00 | Lambeth PDU, 1 Ash Road"},
    )
    store.save_item(
        "A1234BC",
        "accommodation.duty_to_refer",
        evidence={"appointment": "2026-12-14 16:00 | Lambeth Civic Centre | 020 7946 0500"},
    )
    store.save_item(
        "A1234BC",
        "release.day_plan",
        evidence={"release_time": "08:30", "to_take": "Your ID and your bank card"},
    )
    return store


def plan_text(store: CaseStore, *, include_health: bool = False) -> str:
    return text_of(render_plan(store, "A1234BC", today=TODAY, include_health=include_health))


def test_every_appointment_in_date_order_with_whom_to_ring(planned: CaseStore) -> None:
    text = plan_text(planned, include_health=True)
    places = [text.index(f"{when} {what}") for when, what in APPOINTMENTS]
    assert places == sorted(places)
    assert "Where: Brixton Jobcentre Plus Phone: 020 7946 0100" in text
    assert "Where: Lambeth Civic Centre Phone: 020 7946 0500" in text
    # the COM named on the allocation item, with the phone of the person's COM contact
    assert (
        f"{CHANGE_LINE} If you are not sure, ring Sam Okafor, your probation officer, on "
        "020 7946 0999, to check." in text
    )


def test_release_day_address_who_meets_and_what_to_take(planned: CaseStore) -> None:
    text = plan_text(planned)
    assert "When: Wednesday 16 December 2026, at about 08:30" in text
    assert "Where you are going: Flat 2, 14 Acre Lane, London SW2 5SG" in text
    assert "Sister, Jo Example will meet you." in text
    assert "Your ID and your bank card" in text and "This plan." in text


def test_sorted_and_still_being_arranged_in_the_templates_plain_words(
    planned: CaseStore, template: Template
) -> None:
    text = plan_text(planned)
    sorted_part = text[text.index("What is sorted") : text.index("What is still being arranged")]
    assert template.item("bank.account").plain_done in sorted_part
    assert template.item("release.day_plan").plain_open in text  # in progress
    assert template.item("work.plan").plain_open not in text  # declined: not on the plan


def test_no_item_ids_equality_data_or_risk(planned: CaseStore, template: Template) -> None:
    text = plan_text(planned, include_health=True)
    for item in template.items:
        assert item.id not in text
    for value in EQUALITY:
        assert value not in text
    assert "A1234BC" not in text  # not even the prison number
    assert "critical" not in text.lower() and "overdue" not in text.lower()


def test_health_detail_only_when_the_officer_includes_it(planned: CaseStore) -> None:
    without = plan_text(planned)
    for value in HEALTH_DETAIL:
        assert value not in without
    assert f"Friday 18 December 2026 {HEALTH_APPOINTMENT} Where: ask your officer" in without
    assert "First drug or alcohol support" not in without
    assert "family doctor" not in without  # the health items are not listed either
    with_health = plan_text(planned, include_health=True)
    assert "Where: Lambeth Drug and Alcohol Service, 1 Acre Lane" in with_health


def test_every_abbreviation_shown_is_explained(planned: CaseStore, template: Template) -> None:
    planned.save_item(
        "A1234BC",
        "accommodation.address",
        evidence={"address": "CAS3 shared house, 2 Oak Road"},
    )
    text = plan_text(planned, include_health=True)
    for word in re.findall(r"\b[A-Z][A-Za-z]*[A-Z0-9]+\b", text):
        if word in ABBREVIATIONS:
            assert f"{word}: {ABBREVIATIONS[word]}" in text, word
    assert "CAS3: a temporary place to live" in text
    for item in template.items:  # the template's own plain words use none unexplained
        for wording in (item.plain_done, item.plain_open):
            for word in re.findall(r"\b[A-Z]{2,}[0-9]*\b", wording):
                assert (word in ABBREVIATIONS and ABBREVIATIONS[word].split()[-1] in wording) or (
                    word == "ID"
                ), (item.id, word)


def test_stored_text_is_drawn_literally(store: CaseStore, template: Template) -> None:
    record_rich_case(store, template, surname="[/]", forename="Zoë")
    long_word = "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    store.save_item("A1234BC", "accommodation.address", evidence={"address": long_word})
    text = text_of(render_plan(store, "A1234BC", today=TODAY, include_health=False))
    assert "Zoë [/]" in text
    assert long_word in text.replace(" ", "")


def test_export_writes_once_owner_only_and_refuses_to_replace(
    planned: CaseStore, tmp_path: Path
) -> None:
    path = export_case(planned, "A1234BC", ExportFormat.PLAN, tmp_path, officer="Pat", today=TODAY)
    assert path.name == "A1234BC_ONeill-Ward_2026-12-16_plan.pdf"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "Your plan for leaving prison" in text_of(path.read_bytes())
    with pytest.raises(OutputExists):
        export_case(planned, "A1234BC", ExportFormat.PLAN, path, officer="Pat", today=TODAY)


def test_cli_writes_the_plan_and_refuses_what_does_not_fit(
    planned: CaseStore, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    planned.close()
    base = ["--db", str(db_path), "--officer", "Pat", "--today", TODAY.isoformat(), "export"]
    out = tmp_path / "plan.pdf"
    code = main([*base, "A1234BC", "--format", "plan", "--include-health", "-o", str(out)])
    assert code == 0, capsys.readouterr()
    assert "First drug or alcohol support appointment" in text_of(out.read_bytes())
    assert main([*base, "A1234BC", "--format", "plan", "-o", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    for wrong in (
        ["--within", "14", "--format", "plan"],
        ["A1234BC", "--format", "plan", "--redact"],
        ["A1234BC", "--include-health"],
    ):
        assert main([*base, *wrong, "-o", str(tmp_path / "x.pdf")]) == 2, wrong
        err = capsys.readouterr().err
        assert "Traceback" not in err and len(err.strip().splitlines()) <= 3, err


def test_the_staff_summary_lists_the_same_appointments(planned: CaseStore) -> None:
    from tests.unit.test_export_cases import summary_of

    summary = summary_of(planned)
    assert [(a.date, a.what) for a in summary.appointments] == [
        (date(2026, 12, 14), "Housing appointment with the council"),
        (date(2026, 12, 17), "Jobcentre appointment"),
        (date(2026, 12, 17), "First probation appointment"),
        (date(2026, 12, 18), "First drug or alcohol support appointment"),
    ]
    redacted = summary_of(planned, redact=True)
    assert [a.what for a in redacted.appointments] == [
        "Housing appointment with the council",
        "Jobcentre appointment",
        "First probation appointment",
    ]


def test_an_appointment_gone_by_is_not_listed_as_one_to_come(planned: CaseStore) -> None:
    planned.save_item(
        "A1234BC",
        "accommodation.duty_to_refer",
        evidence={"appointment": f"{(TODAY - timedelta(days=1)).isoformat()} 10:00 | Old Hall"},
    )
    text = plan_text(planned, include_health=True)
    assert "Old Hall" not in text
    assert "Jobcentre appointment" in text  # the ones to come are still there


def test_capitals_planner_cannot_explain_are_named_with_ask_your_officer(
    planned: CaseStore,
) -> None:
    """An officer may type any abbreviation in a place: the person is never left with one
    the plan neither explains nor mentions."""
    planned.save_item(
        "A1234BC",
        "accommodation.duty_to_refer",
        evidence={"appointment": "2026-12-14 16:00 | NPS MAPPA office, HMO wing | 020 7946 0500"},
    )
    text = plan_text(planned, include_health=True)
    assert "HMO: a shared house" in text
    assert f"MAPPA, NPS: {UNEXPLAINED}." in text


def test_the_release_time_is_a_time_of_day(planned: CaseStore, template: Template) -> None:
    """It was free text: '25:99' was printed on the plan as the time they leave."""
    field = find_field(find_item(template, "release.day_plan"), "release_time")
    assert parse_evidence_value(field, "9.30") == "09:30"
    with pytest.raises(InvalidInput, match="field release_time: '25:99' is not a time"):
        parse_evidence_value(field, "25:99")
    with pytest.raises(InvalidInput, match="is not a time"):
        planned.save_item("A1234BC", "release.day_plan", evidence={"release_time": "soon-ish"})
    assert "at about 08:30" in plan_text(planned)
