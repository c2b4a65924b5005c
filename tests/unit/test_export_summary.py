"""build_summary: what the handover summary holds, and what redaction leaves out."""

from __future__ import annotations

from datetime import date

import pytest

from planner.domain.gaps import Severity
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.export.evidence import REDACTION_NOTICE
from planner.export.model import NO_ADDRESS, NO_RELEASE_DATE, HandoverSummary, item_status_text
from planner.store.repository import CaseStore
from tests.conftest import make_person
from tests.unit.test_export_cases import (
    GENERATED_AT,
    OFFICER,
    PLANNER_VERSION,
    SENSITIVE_VALUES,
    record_rich_case,
    record_untrue_case,
    summary_of,
)


@pytest.fixture
def rich(store: CaseStore, template: Template) -> CaseStore:
    record_rich_case(store, template)
    return store


def test_who_when_and_where(rich: CaseStore) -> None:
    s = summary_of(rich)
    assert s.schema_version == 1
    assert (s.person.name, s.person.prison_number, s.person.crn) == (
        "Alexandra O'Neill-Ward",
        "A1234BC",
        "X123456",
    )
    assert s.person.date_of_birth == date(1990, 5, 17)
    assert s.release.date == date(2026, 12, 16)
    assert (s.release.day, s.release.weekday) == ("Wed 16 Dec 2026", "Wednesday")
    assert s.release.kind == "CRD"
    assert s.release.days_to_release == 23
    assert s.release.accommodation_type == "CAS3"  # the choice label, not the slug
    assert s.release.address == "Flat 2, 14 Acre Lane, London SW2 5SG"
    assert (s.person.prison, s.person.location) == ("HMP Example", "B-2-014")


def test_day_one_actions_say_where_and_when(rich: CaseStore) -> None:
    actions = {a.topic: a for a in summary_of(rich).day_one}
    jobcentre = actions["Jobcentre appointment"]
    assert jobcentre.arranged
    assert "Brixton Jobcentre Plus, Thu 17 Dec 2026 at 09:30" in jobcentre.detail
    assert "Met by Sister, Jo Example" in actions["Who meets them"].detail
    assert not actions["Who meets them"].arranged  # the day plan is still in progress
    assert "booking starts Wed 16 Dec 2026" in actions["CAS booking"].detail
    assert "Stockwell Green Surgery" in actions["GP"].detail
    assert "28 days supplied" in actions["Medication"].detail
    assert "first appointment Fri 18 Dec 2026" in actions["Drug and alcohol treatment"].detail


def test_sections_carry_status_and_labelled_evidence(rich: CaseStore) -> None:
    sections = {s.id: s for s in summary_of(rich).sections}
    bank = sections["bank"].items[0]
    assert sections["bank"].status_label == "complete"
    assert {e.label: e.value for e in bank.evidence}["Bank"] == "Lloyds"
    assert {e.field: e.raw for e in bank.evidence}["outcome"] == "opened"
    psr = {e.label: e.value for e in sections["psr"].items[0].evidence}
    assert (psr["Status"], psr["Type of report"]) == ("Available", "Fast delivery")
    dtr = {e.label: e.value for e in sections["accommodation"].items[1].evidence}
    assert dtr["Local authority (chosen by the person)"] == "Lambeth"
    assert dtr["Outcome"] == "Accepted"
    assert sections["special"].status_label == "not applicable"
    assert sections["special"].items == []


def test_gaps_most_urgent_first_with_reasons(rich: CaseStore) -> None:
    s = summary_of(rich)
    ranks = [g.severity.rank for g in s.gaps]
    assert ranks == sorted(ranks)
    assert s.gaps[0].severity is Severity.CRITICAL
    blocked = next(g for g in s.gaps if g.kind == "blocked")
    assert "COM on leave until 30 Nov" in blocked.reason
    assert s.gap_counts.critical == sum(g.severity is Severity.CRITICAL for g in s.gaps)


def test_declined_and_not_required_keep_their_reasons(rich: CaseStore) -> None:
    closed = {c.item_id: c for c in summary_of(rich).closed}
    assert closed["work.plan"].status is ItemStatus.DECLINED
    assert closed["work.plan"].reason.startswith("Wants to settle housing first")
    assert closed["family.contact"].status is ItemStatus.NOT_REQUIRED


def test_contacts_fall_back_to_the_allocated_com(rich: CaseStore) -> None:
    pom, com = summary_of(rich).contacts
    assert (pom.name, pom.phone) == ("Chris Patel", "020 7946 0001")
    assert com.name == "Sam Okafor"  # from handover.com_allocated: no COM contact recorded
    assert com.phone == "020 7946 0999"
    assert com.detail == "Probation delivery unit: Lambeth PDU"


def test_footer_names_officer_template_and_versions(rich: CaseStore) -> None:
    g = summary_of(rich).generated
    assert (g.generated_at, g.officer, g.planner_version) == (
        GENERATED_AT,
        OFFICER,
        PLANNER_VERSION,
    )
    assert (g.template_id, g.template_version) == ("england-wales", 4)


def test_a_bare_case_is_honest_about_what_is_missing(store: CaseStore, template: Template) -> None:
    store.add(make_person("B2345CD", release=None), template)
    s = summary_of(store, "B2345CD")
    facts = dict(s.key_facts())
    assert facts["Release"] == NO_RELEASE_DATE
    assert facts["Release address"] == NO_ADDRESS
    assert s.gaps[0].kind == "no_release_date"
    jobcentre = next(a for a in s.day_one if a.topic == "Jobcentre appointment")
    # the mark carries the status; the detail says what is recorded, not the status again
    assert (jobcentre.arranged, jobcentre.detail) == (False, "No appointment recorded")
    assert [c.name for c in s.contacts] == [None, None]


def test_release_day_risk_is_spelt_out(store: CaseStore, template: Template) -> None:
    store.add(make_person(release=date(2026, 12, 18)), template)  # a Friday
    risk = summary_of(store).release.day_risk
    assert risk is not None and "Friday" in risk


def _all_text(summary: HandoverSummary) -> str:
    return summary.model_dump_json()


def test_redacted_summary_leaves_out_special_category_and_health(rich: CaseStore) -> None:
    s = summary_of(rich, redact=True)
    assert s.redacted and s.redaction_notice == REDACTION_NOTICE
    assert (s.person.sex, s.person.ethnicity, s.notes) == (None, None, None)
    text = _all_text(s)
    for value in SENSITIVE_VALUES:
        assert value not in text, value
    health = next(x for x in s.sections if x.id == "health")
    assert health.redacted and health.items == [] and health.applicable is None
    assert health.status_label == "in progress"  # still honest that health is not done
    assert s.person.circumstances == ["Has dependants"]


def test_redacted_health_gaps_say_something_is_open_but_not_what(rich: CaseStore) -> None:
    s = summary_of(rich, redact=True, today=date(2026, 12, 1))  # medication due in 8 days
    health = [g for g in s.gaps if g.section == "health"]
    assert health, "the open medication item must still show as a gap"
    assert all(g.item_id is None and g.due is None for g in health)
    assert all("Medication" not in g.reason for g in health)


def test_unredacted_summary_holds_the_values_redaction_removes(rich: CaseStore) -> None:
    text = _all_text(summary_of(rich))
    for value in SENSITIVE_VALUES:
        assert value in text, value


def test_sensitive_fields_outside_health_are_redacted(store: CaseStore, template: Template) -> None:
    marked = template.model_copy(deep=True)
    work = marked.item("work.plan")
    fields = tuple(
        f.model_copy(update={"sensitive": f.name == "employer_or_provider"}) for f in work.evidence
    )
    items = tuple(
        i.model_copy(update={"evidence": fields}) if i.id == "work.plan" else i
        for i in marked.items
    )
    site = marked.model_copy(update={"items": items, "version": 2})
    store.add(make_person(), site)
    store.save_item(
        "A1234BC", "work.plan", evidence={"plan": "CSCS card", "employer_or_provider": "Secret Ltd"}
    )
    open_text = _all_text(summary_of(store))
    assert "Secret Ltd" in open_text
    redacted = summary_of(store, redact=True)
    assert "Secret Ltd" not in _all_text(redacted)
    assert "CSCS card" in _all_text(redacted)


# --- the summary says what the evidence says ----------------------------------------------


@pytest.fixture
def untrue(store: CaseStore, template: Template) -> HandoverSummary:
    record_untrue_case(store, template)
    return summary_of(store, "C3456DE")


def test_nobody_to_meet_them_is_not_arranged(untrue: HandoverSummary) -> None:
    meets = next(a for a in untrue.day_one if a.topic == "Who meets them")
    assert not meets.arranged  # the day plan is done, but no one meets them
    assert meets.detail == "Nobody meets them; travel arranged: Yes"


@pytest.mark.parametrize(
    ("met_by", "arranged"),
    [
        ("No one; travel warrant issued", False),
        ("nobody", False),
        ("N/A", False),
        ("none.", False),
        ("Noel, his brother", True),
        ("Nonna Rossi", True),
        ("Nan (grandmother)", True),
    ],
)
def test_who_meets_them_reads_what_was_typed(
    store: CaseStore, template: Template, met_by: str, arranged: bool
) -> None:
    store.add(make_person(), template)
    store.save_item(
        "A1234BC",
        "release.day_plan",
        status=ItemStatus.DONE,
        evidence={"travel_arranged": True, "met_by": met_by},
    )
    meets = next(a for a in summary_of(store).day_one if a.topic == "Who meets them")
    assert meets.arranged is arranged


def test_an_outcome_that_means_not_met_is_not_arranged_or_complete(
    untrue: HandoverSummary,
) -> None:
    duty = next(a for a in untrue.day_one if a.topic == "Duty to Refer")
    assert not duty.arranged
    assert duty.detail.endswith("outcome: Not accepted (marked done, but the need is not met)")
    sections = {s.id: s for s in untrue.sections}
    bank = sections["bank"]
    # declined, and past the banking programme's 6 weeks: critical
    assert (bank.status_label, bank.resolved) == ("in progress, critical", 0)
    [account] = bank.items
    assert account.not_counted == "the need is not met (Outcome: Declined)"
    assert item_status_text(account) == "done, but the need is not met (Outcome: Declined)"
    assert {g.kind for g in untrue.gaps} >= {"not_met", "no_evidence", "address_not_booked"}


def test_done_without_its_evidence_lowers_readiness_and_says_why(
    untrue: HandoverSummary,
) -> None:
    work = next(s for s in untrue.sections if s.id == "work")
    assert (work.status_label, work.resolved, work.applicable) == ("in progress, warning", 0, 1)
    assert item_status_text(work.items[0]) == "done, but Plan is not recorded"
    # day plan and the address are done and met; the bank, the plan, the referral are not
    assert (untrue.readiness.resolved, untrue.readiness.applicable) == (2, 15)


def test_a_cas3_address_without_its_booking_is_shown_and_flagged(
    untrue: HandoverSummary,
) -> None:
    assert untrue.release.address_not_booked
    facts = dict(untrue.key_facts())
    assert facts["Release address"] == "CAS3: CAS3 shared house, Leeds (NOT BOOKED)"
    first = untrue.gaps[0]
    assert (first.kind, first.severity) == ("address_not_booked", Severity.CRITICAL)
    cas = next(a for a in untrue.day_one if a.topic == "CAS booking")
    assert not cas.arranged


def test_each_day_one_line_says_its_status_once(
    untrue: HandoverSummary, store: CaseStore, template: Template
) -> None:
    store.add(make_person("D4567EF"), template)
    bare = summary_of(store, "D4567EF")
    for action in [*untrue.day_one, *bare.day_one]:
        assert "arranged" not in action.detail.replace("travel arranged", "").lower(), action
        assert "booked" not in action.detail.lower(), action
    details = {a.topic: a.detail for a in bare.day_one}
    assert details["Jobcentre appointment"] == "No appointment recorded"
    assert details["CAS booking"] == "No CAS referral recorded"


def test_open_items_carry_their_due_date_with_the_year_and_overdue(rich: CaseStore) -> None:
    summary = summary_of(rich)
    items = {i.id: i for s in summary.sections for i in s.items}
    cas = items["accommodation.cas_referral"]
    assert (cas.due, cas.overdue) == (date(2026, 10, 21), True)
    assert item_status_text(cas) == "in progress (overdue: was due Wed 21 Oct 2026)"
    sent = items["handover.summary_sent"]
    assert (sent.overdue, item_status_text(sent)) == (False, "not started (due Wed 2 Dec 2026)")
    assert items["bank.account"].due is None  # resolved: no due date
    assert summary.as_of == date(2026, 11, 23)
