"""The gap engine, flag by flag, on fixed dates.

Every case is built through the real CaseStore and evaluated three ways that must agree:
`store.evaluate` (the template stored with the case), the pure `planner.domain.gaps.evaluate`
(the template from the file), and `flags_for` over the assessment the store saved beside
the record (what the caseload view uses).

TODAY is Monday 23 November 2026. Calendar used below:
  Fri 27 Nov, Sat 28, Sun 29; Wed 2 Dec (+9), Mon 7 Dec (+14), Tue 8 Dec (+15),
  Wed 16 Dec (+23), Thu 24 Dec (day before Christmas), Fri 25 Dec (Christmas Day),
  Mon 28 Dec (Boxing Day, substitute), Thu 31 Dec (day before New Year's Day).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.demo import DEMO_OFFICER, write_demo
from planner.domain.assessment import (
    ROW_DUE,
    ROW_ESCALATE,
    ROW_POSITION,
    ROW_QUIET,
    ROW_RECOMMENDED,
    Assessment,
    applies,
    assess,
)
from planner.domain.case import Case
from planner.domain.checklist import Checklist, ItemRecord
from planner.domain.gaps import (
    Evaluation,
    Flag,
    FlagKind,
    FlagRules,
    Severity,
    evaluate,
    flag_order,
    flags_for,
    quiet_until,
)
from planner.domain.person import CaseState, Circumstances, Person
from planner.domain.status import ItemStatus
from planner.domain.template import FieldType, Template
from planner.store.repository import CaseStore
from tests.conftest import NOW, TODAY, make_person

NUMBER = "A1234BC"

# Every item that applies to a person with no special circumstances.
EVERYONE = [
    "release.date_confirmed",
    "release.day_plan",
    "id.documents",
    "bank.account",
    "benefits.work_coach",
    "benefits.uc_appointment",
    "accommodation.address",
    "accommodation.duty_to_refer",
    "accommodation.cas_referral",
    "psr.status",
    "handover.com_allocated",
    "handover.meeting",
    "handover.summary_sent",
    "health.gp",
    "work.plan",
]

# Evidence that satisfies every required field of each item.
FULL_EVIDENCE: dict[str, dict[str, str | bool]] = {
    "release.date_confirmed": {"date_type": "crd"},
    "release.day_plan": {"travel_arranged": True},
    "id.documents": {
        "document_type": "birth_certificate",
        "date_applied": "2026-09-01",
        "date_received": "2026-10-01",
    },
    "bank.account": {"bank": "coop", "outcome": "opened"},
    "benefits.work_coach": {"date_seen": "2026-10-02"},
    "benefits.uc_appointment": {
        "appointment": "2026-12-17 09:30 | Example JCP",
    },
    "accommodation.address": {"accommodation_type": "settled", "address": "1 High St"},
    "accommodation.duty_to_refer": {"local_authority": "Leeds", "date_referred": "2026-10-01"},
    "accommodation.cas_referral": {"tier": "cas3", "date_referred": "2026-10-01"},
    "psr.status": {"status": "not_prepared"},
    "handover.com_allocated": {"com_name": "Sam Probation"},
    "handover.meeting": {"date_held": "2026-11-01"},
    "handover.summary_sent": {"date_sent": "2026-11-20"},
    "health.gp": {"practice": "Example Surgery"},
    "health.medication": {"days_supplied": "28"},
    "health.substance_misuse": {"provider": "Example Recovery"},
    "health.mental_health": {"service": "RECONNECT"},
    "work.plan": {"plan": "CSCS card course"},
    "family.contact": {"arrangements": "Weekly contact"},
    "special.veteran": {"date_referred": "2026-10-01"},
    "special.foreign_national": {"immigration_status": "Settled status"},
    "special.care_leaver": {"contact": "Leaving-care team"},
}

CIRCUMSTANCE_ITEMS = {
    "on_medication": "health.medication",
    "substance_misuse": "health.substance_misuse",
    "mental_health": "health.mental_health",
    "dependants": "family.contact",
    "veteran": "special.veteran",
    "foreign_national": "special.foreign_national",
    "care_leaver": "special.care_leaver",
}


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def as_day(value: object) -> date | None:
    """A due date from an assessment, whether held as a date or as an ISO string."""
    if value is None:
        return None
    if isinstance(value, str):
        return date.fromisoformat(value)
    assert isinstance(value, date)
    return value


def stored_form(assessment: Assessment) -> Any:
    """An assessment as the database holds it: compares equal whatever the in-memory form."""
    return orjson.loads(orjson.dumps(assessment.to_json()))


def check(store: CaseStore, template: Template, case: Case, today: date = TODAY) -> Evaluation:
    """Evaluate a case every way the tool does; they must agree. Returns the evaluation."""
    fresh = store.get(case.number)
    assert fresh == case
    through_store = store.evaluate(case, today)
    pure = evaluate(case, template, today)
    assert through_store == pure
    summary = next(s for s in store.summaries() if s.number == case.number)
    assert stored_form(summary.assessment) == stored_form(pure.assessment)
    assert flags_for(summary.assessment, template, today) == list(pure.flags)
    return pure


def open_case(
    store: CaseStore, template: Template, release: date | None = date(2026, 12, 16), **extra: Any
) -> Case:
    return store.add(make_person(NUMBER, release, **extra), template)


def kinds(ev: Evaluation) -> set[FlagKind]:
    return {f.kind for f in ev.flags}


def only(ev: Evaluation, kind: FlagKind, item_id: str | None = None) -> Flag:
    found = [f for f in ev.flags if f.kind is kind and (item_id is None or f.item_id == item_id)]
    assert len(found) == 1, f"expected one {kind} flag for {item_id}, got {ev.flags}"
    return found[0]


def item_flags(ev: Evaluation, item_id: str) -> list[tuple[FlagKind, Severity]]:
    return [(f.kind, f.severity) for f in ev.flags_for_item(item_id)]


def resolve_all(store: CaseStore, case: Case) -> Case:
    template = store.template_for(case)
    for item in template.items:
        case = store.save_item(
            case.number,
            item.id,
            status=ItemStatus.DONE,
            evidence=dict(FULL_EVIDENCE[item.id]),
        )
    return case


# --- overdue ------------------------------------------------------------------------------


def test_overdue_is_a_warning_while_release_is_more_than_14_days_away(store, template):
    case = open_case(store, template, date(2026, 12, 16))  # +23
    ev = check(store, template, case)
    flag = only(ev, FlagKind.OVERDUE, "work.plan")
    assert flag.severity is Severity.WARNING
    assert flag.due == date(2026, 9, 23)
    assert flag.section == "work"
    assert "not started" in flag.reason and "61 days ago" in flag.reason


def test_overdue_is_critical_when_release_is_14_days_or_less_away(store, template):
    case = open_case(store, template, date(2026, 12, 2))  # +9
    ev = check(store, template, case)
    assert only(ev, FlagKind.OVERDUE, "work.plan").severity is Severity.CRITICAL
    assert only(ev, FlagKind.OVERDUE, "handover.meeting").severity is Severity.CRITICAL


@pytest.mark.parametrize(
    ("release_in", "severity"),
    [(14, Severity.CRITICAL), (15, Severity.WARNING), (0, Severity.CRITICAL)],
)
def test_overdue_turns_critical_exactly_14_days_out(store, template, release_in, severity):
    case = open_case(store, template, days(release_in))
    ev = check(store, template, case)
    assert only(ev, FlagKind.OVERDUE, "handover.meeting").severity is severity


def test_in_progress_items_are_overdue_too_and_say_so(store, template):
    case = open_case(store, template, date(2026, 12, 16))
    case = store.save_item(NUMBER, "work.plan", status=ItemStatus.IN_PROGRESS)
    flag = only(check(store, template, case), FlagKind.OVERDUE, "work.plan")
    assert "in progress" in flag.reason


def test_an_item_due_today_is_due_soon_not_overdue(store, template):
    # handover.summary_sent is due R-14: with release in 14 days it is due today.
    case = open_case(store, template, days(14))
    ev = check(store, template, case)
    assert item_flags(ev, "handover.summary_sent") == [(FlagKind.DUE_SOON, Severity.INFO)]
    assert "today" in only(ev, FlagKind.DUE_SOON, "handover.summary_sent").reason
    case = store.update_person(make_person(NUMBER, days(13)))
    ev = check(store, template, case)
    assert item_flags(ev, "handover.summary_sent") == [(FlagKind.OVERDUE, Severity.CRITICAL)]


def test_resolved_items_are_never_overdue(store, template):
    case = open_case(store, template, date(2026, 12, 2))
    case = store.save_item(
        NUMBER, "work.plan", status=ItemStatus.DONE, evidence={"plan": "Kitchen job"}
    )
    case = store.save_item(
        NUMBER, "health.gp", status=ItemStatus.NOT_REQUIRED, reason="Registered already"
    )
    case = store.save_item(
        NUMBER, "handover.meeting", status=ItemStatus.DECLINED, reason="Person refused"
    )
    ev = check(store, template, case)
    for item_id in ("work.plan", "health.gp", "handover.meeting"):
        assert item_flags(ev, item_id) == []


# --- due soon -----------------------------------------------------------------------------


def test_due_soon_is_info_within_14_days(store, template):
    case = open_case(store, template, date(2026, 12, 16))
    ev = check(store, template, case)
    flag = only(ev, FlagKind.DUE_SOON, "handover.summary_sent")  # due Wed 2 Dec, +9
    assert flag.severity is Severity.INFO
    assert flag.due == date(2026, 12, 2)
    assert "in 9 days" in flag.reason
    # release.day_plan (R-7, Wed 9 Dec, +16) and uc_appointment (R-5, +18) are not yet due soon
    assert item_flags(ev, "release.day_plan") == []
    assert item_flags(ev, "benefits.uc_appointment") == []


@pytest.mark.parametrize(("release_in", "flagged"), [(21, True), (22, False)])
def test_due_soon_window_ends_at_14_days(store, template, release_in, flagged):
    case = open_case(store, template, days(release_in))  # release.day_plan due R-7
    ev = check(store, template, case)
    expected = [(FlagKind.DUE_SOON, Severity.INFO)] if flagged else []
    assert item_flags(ev, "release.day_plan") == expected


def test_past_the_recommended_date_is_due_soon_before_the_latest_day(store, template):
    # Duty to Refer: recommended R-84, latest R-56. Release in 80 days: recommended date
    # passed 4 days ago, the latest day is 24 days away.
    case = open_case(store, template, days(80))
    ev = check(store, template, case)
    flag = only(ev, FlagKind.DUE_SOON, "accommodation.duty_to_refer")
    assert flag.severity is Severity.INFO
    assert flag.due == days(80 - 56)
    assert "recommended by" in flag.reason


def test_nothing_is_flagged_for_an_item_far_from_due(store, template):
    case = open_case(store, template, date(2027, 6, 16))
    ev = check(store, template, case)
    assert item_flags(ev, "work.plan") == []
    assert ev.flags == ()


# --- blocked ------------------------------------------------------------------------------


def test_blocked_is_a_warning_with_the_officers_reason(store, template):
    case = open_case(store, template, date(2027, 6, 16))  # far away: not yet due
    case = store.save_item(
        NUMBER, "work.plan", status=ItemStatus.BLOCKED, reason="Waiting for the employment lead"
    )
    ev = check(store, template, case)
    flag = only(ev, FlagKind.BLOCKED, "work.plan")
    assert flag.severity is Severity.WARNING
    assert "Waiting for the employment lead" in flag.reason
    assert item_flags(ev, "work.plan") == [(FlagKind.BLOCKED, Severity.WARNING)]


def test_blocked_is_critical_within_14_days_of_release(store, template):
    case = open_case(store, template, date(2026, 12, 2))
    case = store.save_item(NUMBER, "work.plan", status=ItemStatus.BLOCKED, reason="No lead")
    ev = check(store, template, case)
    assert item_flags(ev, "work.plan") == [(FlagKind.BLOCKED, Severity.CRITICAL)]
    assert "; due Wed 9 Sep 2026, 75 days ago" in only(ev, FlagKind.BLOCKED).reason


def test_blocked_without_a_reason_says_so(store, template):
    case = open_case(store, template, date(2026, 12, 16))
    case = store.save_item(NUMBER, "work.plan", status=ItemStatus.BLOCKED)
    flag = only(check(store, template, case), FlagKind.BLOCKED, "work.plan")
    assert "no reason recorded" in flag.reason
    assert "was due" not in flag.reason and "due Wed 23 Sep 2026" in flag.reason


def test_blocked_past_an_escalation_is_critical_even_far_from_release(store, template):
    case = open_case(store, template, days(30))  # bank.account escalates at R-42
    case = store.save_item(NUMBER, "bank.account", status=ItemStatus.BLOCKED, reason="CIFAS")
    ev = check(store, template, case)
    assert item_flags(ev, "bank.account") == [(FlagKind.BLOCKED, Severity.CRITICAL)]


# --- no evidence, no reason ---------------------------------------------------------------


def test_done_without_required_evidence(store, template):
    case = open_case(store, template, date(2027, 6, 16))
    case = store.save_item(NUMBER, "work.plan", status=ItemStatus.DONE)
    ev = check(store, template, case)
    flag = only(ev, FlagKind.NO_EVIDENCE, "work.plan")
    assert flag.severity is Severity.WARNING
    assert "plan" in flag.reason.lower()
    case = store.save_item(NUMBER, "work.plan", evidence={"plan": "   "})
    assert item_flags(check(store, template, case), "work.plan") == [
        (FlagKind.NO_EVIDENCE, Severity.WARNING)
    ]
    case = store.save_item(NUMBER, "work.plan", evidence={"plan": "Bricklaying course"})
    assert item_flags(check(store, template, case), "work.plan") == []
    # clearing the evidence brings the flag back
    case = store.save_item(NUMBER, "work.plan", evidence={"plan": None})
    assert item_flags(check(store, template, case), "work.plan") == [
        (FlagKind.NO_EVIDENCE, Severity.WARNING)
    ]


def test_no_evidence_names_every_missing_field(store, template):
    case = open_case(store, template, date(2027, 6, 16))
    case = store.save_item(
        NUMBER,
        "benefits.uc_appointment",
        status=ItemStatus.DONE,
        evidence={"advance_discussed": True},
    )
    flag = only(check(store, template, case), FlagKind.NO_EVIDENCE, "benefits.uc_appointment")
    assert "without jobcentre appointment with its time and place" in flag.reason


@pytest.mark.parametrize("status", [ItemStatus.NOT_REQUIRED, ItemStatus.DECLINED])
def test_not_required_or_declined_without_reason(store, template, status):
    case = open_case(store, template, date(2027, 6, 16))
    case = store.save_item(NUMBER, "health.gp", status=status)
    ev = check(store, template, case)
    flag = only(ev, FlagKind.NO_REASON, "health.gp")
    assert flag.severity is Severity.WARNING
    assert status.label in flag.reason
    case = store.save_item(NUMBER, "health.gp", reason="  ")
    assert item_flags(check(store, template, case), "health.gp") == [
        (FlagKind.NO_REASON, Severity.WARNING)
    ]
    case = store.save_item(NUMBER, "health.gp", reason="Already registered with a GP")
    assert item_flags(check(store, template, case), "health.gp") == []


# --- no fixed abode -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["no_fixed_abode", "rough_sleeping"])
@pytest.mark.parametrize(
    ("release_in", "flagged"), [(28, True), (29, False), (10, True), (0, True)]
)
def test_no_fixed_abode_within_28_days_is_critical(store, template, kind, release_in, flagged):
    case = open_case(store, template, days(release_in))
    case = store.save_item(NUMBER, "accommodation.address", evidence={"accommodation_type": kind})
    ev = check(store, template, case)
    nfa = [f for f in ev.flags if f.kind is FlagKind.NO_FIXED_ABODE]
    if flagged:
        assert len(nfa) == 1
        assert nfa[0].severity is Severity.CRITICAL
        assert nfa[0].item_id == "accommodation.address"
        assert nfa[0].section == "accommodation"
        assert nfa[0].due == days(release_in)
    else:
        assert nfa == []


def test_nfa_ten_days_out_is_critical_even_when_the_address_item_is_done(store, template):
    case = open_case(store, template, days(10))  # Thu 3 Dec 2026
    case = store.save_item(
        NUMBER,
        "accommodation.address",
        status=ItemStatus.DONE,
        evidence={"accommodation_type": "no_fixed_abode", "address": "NFA"},
    )
    ev = check(store, template, case)
    flag = only(ev, FlagKind.NO_FIXED_ABODE)
    assert flag.severity is Severity.CRITICAL
    assert "10 days" in flag.reason
    assert ev.flags[0].severity is Severity.CRITICAL


@pytest.mark.parametrize("kind", ["settled", "temporary", "cas3", "unknown"])
def test_other_accommodation_is_not_no_fixed_abode(store, template, kind):
    case = open_case(store, template, days(10))
    case = store.save_item(NUMBER, "accommodation.address", evidence={"accommodation_type": kind})
    assert FlagKind.NO_FIXED_ABODE not in kinds(check(store, template, case))


# --- release day --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("release", "words"),
    [
        (date(2026, 11, 27), "a Friday"),
        (date(2026, 12, 24), "the day before Christmas Day"),
        (date(2026, 12, 31), "the day before New Year's Day"),
        (date(2027, 3, 25), "the day before Good Friday"),
        (date(2026, 11, 28), "a weekend"),
        (date(2026, 11, 29), "a weekend"),
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 28), "Boxing Day"),
        (date(2027, 1, 1), "New Year's Day"),
        (date(2027, 3, 29), "Easter Monday"),
    ],
)
def test_release_day_risk(store, template, release, words):
    case = open_case(store, template, release)
    flag = only(check(store, template, case), FlagKind.RELEASE_DAY)
    assert flag.severity is Severity.WARNING
    assert flag.due == release
    assert flag.section == "release"
    assert words in flag.reason


def test_release_before_a_bank_holiday_names_the_two_working_days_before(store, template):
    case = open_case(store, template, date(2026, 12, 24))
    flag = only(check(store, template, case), FlagKind.RELEASE_DAY)
    assert "Wed 23 Dec 2026" in flag.reason and "Tue 22 Dec 2026" in flag.reason


@pytest.mark.parametrize(
    "release",
    [date(2026, 12, 16), date(2026, 12, 2), date(2026, 12, 29), date(2026, 11, 23)],
)
def test_no_release_day_flag_on_an_ordinary_weekday(store, template, release):
    case = open_case(store, template, release)
    assert FlagKind.RELEASE_DAY not in kinds(check(store, template, case))


# --- release date missing or passed -------------------------------------------------------


def test_no_release_date_is_critical_and_nothing_else_can_be_due(store, template):
    case = open_case(store, template, None)
    ev = check(store, template, case)
    assert [(f.kind, f.severity) for f in ev.flags] == [
        (FlagKind.NO_RELEASE_DATE, Severity.CRITICAL)
    ]
    assert ev.days_to_release is None
    assert all(i.due is None for i in ev.assessment.open_items)


def test_no_release_date_still_reports_blocked_items(store, template):
    case = open_case(store, template, None)
    case = store.save_item(NUMBER, "bank.account", status=ItemStatus.BLOCKED, reason="CIFAS")
    ev = check(store, template, case)
    assert [(f.kind, f.severity) for f in ev.flags] == [
        (FlagKind.NO_RELEASE_DATE, Severity.CRITICAL),
        (FlagKind.BLOCKED, Severity.WARNING),
    ]


def test_release_passed_is_a_warning_and_no_release_day_flag(store, template):
    case = open_case(store, template, date(2026, 11, 20))  # Friday, 3 days ago
    ev = check(store, template, case)
    flag = only(ev, FlagKind.RELEASE_PASSED)
    assert flag.severity is Severity.WARNING
    assert "Fri 20 Nov 2026" in flag.reason
    assert FlagKind.RELEASE_DAY not in kinds(ev)
    assert ev.days_to_release == -3


def test_release_today_has_not_passed(store, template):
    case = open_case(store, template, TODAY)
    ev = check(store, template, case)
    assert FlagKind.RELEASE_PASSED not in kinds(ev)
    assert ev.days_to_release == 0


# --- escalations --------------------------------------------------------------------------


@pytest.mark.parametrize(("release_in", "critical"), [(28, False), (27, True)])
def test_id_not_received_by_r28_is_critical(store, template, release_in, critical):
    case = open_case(store, template, days(release_in))
    case = store.save_item(
        NUMBER,
        "id.documents",
        status=ItemStatus.IN_PROGRESS,
        evidence={"document_type": "birth_certificate", "date_applied": "2026-09-01"},
    )
    ev = check(store, template, case)
    flag = only(ev, FlagKind.OVERDUE, "id.documents")
    if critical:
        assert flag.severity is Severity.CRITICAL
        assert flag.due == days(release_in - 28)
        assert "not been received" in flag.reason
    else:
        assert flag.severity is Severity.WARNING
        assert flag.due == days(release_in - 84)


def test_id_applied_for_and_marked_done_stays_critical_until_received(store, template):
    case = open_case(store, template, date(2026, 12, 16))  # R-28 = Wed 18 Nov: passed
    case = store.save_item(
        NUMBER,
        "id.documents",
        status=ItemStatus.DONE,
        evidence={"document_type": "birth_certificate", "date_applied": "2026-09-01"},
    )
    ev = check(store, template, case)
    assert item_flags(ev, "id.documents") == [(FlagKind.OVERDUE, Severity.CRITICAL)]
    assert ev.assessment.resolved >= 1  # done counts for readiness even while escalated
    case = store.save_item(NUMBER, "id.documents", evidence={"date_received": "2026-11-20"})
    assert item_flags(check(store, template, case), "id.documents") == []


def test_id_applied_for_and_done_is_quiet_before_r28(store, template):
    case = open_case(store, template, days(60))
    case = store.save_item(
        NUMBER,
        "id.documents",
        status=ItemStatus.DONE,
        evidence={"document_type": "passport", "date_applied": "2026-11-01"},
    )
    assert item_flags(check(store, template, case), "id.documents") == []


def test_id_done_without_any_evidence_after_r28_is_still_critical(store, template):
    case = open_case(store, template, date(2026, 12, 16))
    case = store.save_item(NUMBER, "id.documents", status=ItemStatus.DONE)
    ev = check(store, template, case)
    assert Severity.CRITICAL in {sev for _, sev in item_flags(ev, "id.documents")}


@pytest.mark.parametrize(("release_in", "critical"), [(42, False), (41, True), (23, True)])
def test_bank_account_unresolved_after_r42_is_critical(store, template, release_in, critical):
    case = open_case(store, template, days(release_in))
    case = store.save_item(NUMBER, "bank.account", status=ItemStatus.IN_PROGRESS)
    ev = check(store, template, case)
    flag = only(ev, FlagKind.OVERDUE, "bank.account")
    if critical:
        assert flag.severity is Severity.CRITICAL
        assert flag.due == days(release_in - 42)
        assert "6 weeks" in flag.reason
    else:
        assert flag.severity is Severity.WARNING
        assert flag.due == days(release_in - 70)


def test_bank_account_resolved_after_r42_is_not_flagged(store, template):
    case = open_case(store, template, days(23))
    case = store.save_item(
        NUMBER,
        "bank.account",
        status=ItemStatus.DONE,
        evidence={"bank": "lloyds", "outcome": "opened"},
    )
    assert item_flags(check(store, template, case), "bank.account") == []


# --- applicability ------------------------------------------------------------------------


def applicable_ids(template: Template, case: Case) -> set[str]:
    return {i.id for i in template.items if applies(i, case)}


def test_duty_to_refer_applies_until_the_address_is_settled(store, template):
    case = open_case(store, template, days(60))
    ev = check(store, template, case)
    dtr = {"accommodation.duty_to_refer", "accommodation.cas_referral"}
    assert dtr <= applicable_ids(template, case)  # nothing recorded: applies
    assert ev.assessment.applicable == len(EVERYONE)
    for kind, applies_now in [
        ("unknown", True),
        ("temporary", True),
        ("no_fixed_abode", True),
        ("settled", False),
        (None, True),  # cleared again
    ]:
        case = store.save_item(
            NUMBER, "accommodation.address", evidence={"accommodation_type": kind}
        )
        ev = check(store, template, case)
        assert (dtr <= applicable_ids(template, case)) is applies_now, kind
        assert ev.assessment.applicable == len(EVERYONE) - (0 if applies_now else 2)
        open_ids = {i.item_id for i in ev.assessment.open_items}
        assert (dtr <= open_ids) is applies_now


def test_duty_to_refer_is_overdue_only_while_it_applies(store, template):
    case = open_case(store, template, date(2026, 12, 16))  # R-56 passed
    ev = check(store, template, case)
    assert only(ev, FlagKind.OVERDUE, "accommodation.duty_to_refer").severity is Severity.WARNING
    case = store.save_item(
        NUMBER,
        "accommodation.address",
        status=ItemStatus.DONE,
        evidence={"accommodation_type": "settled", "address": "1 High St"},
    )
    ev = check(store, template, case)
    assert item_flags(ev, "accommodation.duty_to_refer") == []
    assert item_flags(ev, "accommodation.cas_referral") == []


@pytest.mark.parametrize(
    ("birth", "applies_to_them"),
    [
        (date(2001, 12, 17), True),  # 24 on release day, 25 the day after
        (date(2001, 12, 16), False),  # 25 on release day
        (date(1990, 5, 17), False),
        (None, True),  # age unknown: applies until the date of birth is recorded
    ],
)
def test_care_leaver_item_only_under_25(store, template, birth, applies_to_them):
    case = open_case(
        store,
        template,
        date(2026, 12, 16),
        date_of_birth=birth,
        circumstances=Circumstances(care_leaver=True),
    )
    ev = check(store, template, case)
    assert ("special.care_leaver" in applicable_ids(template, case)) is applies_to_them
    flagged = any(f.item_id == "special.care_leaver" for f in ev.flags)
    assert flagged is applies_to_them  # due R-84: overdue whenever it applies


def test_care_leaver_item_needs_the_circumstance(store, template):
    case = open_case(store, template, date(2026, 12, 16), date_of_birth=date(2004, 1, 1))
    ev = check(store, template, case)
    assert "special.care_leaver" not in applicable_ids(template, case)
    assert not ev.flags_for_item("special.care_leaver")


@pytest.mark.parametrize(("circumstance", "item_id"), sorted(CIRCUMSTANCE_ITEMS.items()))
def test_circumstances_switch_items_on_and_off(store, template, circumstance, item_id):
    birth = date(2004, 1, 1)  # young enough for the care leaver item
    release = date(2026, 12, 2)  # +9: every one of these items is due soon or overdue
    case = open_case(store, template, release, date_of_birth=birth)
    ev = check(store, template, case)
    assert item_id not in applicable_ids(template, case)
    assert not ev.flags_for_item(item_id)
    base = ev.assessment.applicable

    on = make_person(
        NUMBER,
        release,
        date_of_birth=birth,
        circumstances=Circumstances(**{circumstance: True}),
    )
    case = store.update_person(on)
    ev = check(store, template, case)
    assert ev.assessment.applicable == base + 1
    assert ev.flags_for_item(item_id), "an applicable item past its due date must be flagged"
    section = template.item(item_id).section
    assert next(s for s in ev.sections if s.section == section).applicable >= 1

    case = store.update_person(make_person(NUMBER, release, date_of_birth=birth))
    ev = check(store, template, case)
    assert ev.assessment.applicable == base
    assert not ev.flags_for_item(item_id)


# --- psr.status due date ------------------------------------------------------------------


def psr_due(ev: Evaluation) -> date | None:
    return as_day(next(i.due for i in ev.assessment.open_items if i.item_id == "psr.status"))


def test_psr_due_two_weeks_after_creation_when_r84_has_passed(store, template):
    case = open_case(store, template, date(2026, 12, 16))  # created 23 Nov; R-84 = 23 Sep
    ev = check(store, template, case)
    assert psr_due(ev) == date(2026, 12, 7)
    assert only(ev, FlagKind.DUE_SOON, "psr.status").due == date(2026, 12, 7)
    assert item_flags(ev, "psr.status") == [(FlagKind.DUE_SOON, Severity.INFO)]


def test_psr_due_is_capped_at_release(store, template):
    case = open_case(store, template, date(2026, 12, 2))  # created+14 = 7 Dec > release
    assert psr_due(check(store, template, case)) == date(2026, 12, 2)


def test_psr_due_r84_when_release_is_far(store, template):
    case = open_case(store, template, date(2027, 6, 16))
    assert psr_due(check(store, template, case)) == date(2027, 6, 16) - timedelta(days=84)


def test_psr_due_r84_for_a_case_created_long_ago(tmp_path: Path, template):
    created = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    with CaseStore(tmp_path / "old.db", officer="Officer", clock=lambda: created) as old:
        case = old.add(make_person(NUMBER, date(2026, 12, 16)), template)
        ev = check(old, template, case)
        assert psr_due(ev) == date(2026, 9, 23)  # max(23 Sep, 15 Jun)
        assert only(ev, FlagKind.OVERDUE, "psr.status").severity is Severity.WARNING


# --- readiness, sections, ordering, closed cases ------------------------------------------


def test_readiness_is_resolved_applicable_over_applicable(store, template):
    case = open_case(store, template, date(2026, 12, 16))
    ev = check(store, template, case)
    assert ev.assessment.applicable == len(EVERYONE)
    assert ev.readiness == 0.0
    case = store.save_item(
        NUMBER, "work.plan", status=ItemStatus.DONE, evidence=FULL_EVIDENCE["work.plan"]
    )
    case = store.save_item(NUMBER, "health.gp", status=ItemStatus.DECLINED, reason="Refused")
    case = store.save_item(NUMBER, "handover.meeting", status=ItemStatus.NOT_REQUIRED)
    case = store.save_item(NUMBER, "bank.account", status=ItemStatus.BLOCKED, reason="CIFAS")
    case = store.save_item(NUMBER, "psr.status", status=ItemStatus.IN_PROGRESS)
    # not applicable (no dependants): resolving it changes nothing
    case = store.save_item(NUMBER, "family.contact", status=ItemStatus.NOT_REQUIRED, reason="x")
    ev = check(store, template, case)
    assert (ev.assessment.resolved, ev.assessment.applicable) == (3, 15)
    assert ev.readiness == pytest.approx(3 / 15)
    # a settled address removes two applicable items and resolves one
    case = store.save_item(
        NUMBER,
        "accommodation.address",
        status=ItemStatus.DONE,
        evidence=FULL_EVIDENCE["accommodation.address"],
    )
    ev = check(store, template, case)
    assert (ev.assessment.resolved, ev.assessment.applicable) == (4, 13)
    case = resolve_all(store, case)
    ev = check(store, template, case)
    assert ev.readiness == 1.0
    assert ev.flags == ()


def test_section_statuses(store, template):
    case = open_case(store, template, date(2026, 12, 16))
    case = store.save_item(NUMBER, "work.plan", status=ItemStatus.DONE)  # no evidence
    case = store.save_item(
        NUMBER,
        "benefits.work_coach",
        status=ItemStatus.DONE,
        evidence=FULL_EVIDENCE["benefits.work_coach"],
    )
    case = store.save_item(
        NUMBER,
        "handover.com_allocated",
        status=ItemStatus.DONE,
        evidence=FULL_EVIDENCE["handover.com_allocated"],
    )
    case = store.save_item(
        NUMBER,
        "accommodation.address",
        status=ItemStatus.DONE,
        evidence=FULL_EVIDENCE["accommodation.address"],
    )
    ev = check(store, template, case)
    by_id = {s.section: s for s in ev.sections}
    assert [s.section for s in ev.sections] == [s.id for s in template.sections]
    assert by_id["work"].title == "Work, education and training"
    # done without its evidence is not complete: still to do, with a warning
    assert by_id["work"].label == "in progress, warning"
    assert (by_id["work"].applicable, by_id["work"].resolved) == (1, 0)
    assert by_id["accommodation"].label == "complete"
    assert (by_id["accommodation"].applicable, by_id["accommodation"].resolved) == (1, 1)
    assert by_id["benefits"].label == "in progress"  # uc_appointment not yet due
    assert by_id["handover"].label == "in progress, warning"  # meeting overdue
    assert by_id["id"].label == "not started, critical"  # ID not received by R-28
    assert by_id["psr"].label == "not started, info"
    assert by_id["family"].label == "not applicable"
    assert by_id["special"].applicable == 0


def test_flags_are_ordered_most_urgent_first(store, template):
    case = open_case(store, template, date(2026, 12, 24))  # +31, day before Christmas
    case = store.save_item(NUMBER, "health.gp", status=ItemStatus.DECLINED)
    ev = check(store, template, case)
    severities = [f.severity.rank for f in ev.flags]
    assert severities == sorted(severities)
    assert [flag_order(f) for f in ev.flags] == sorted(flag_order(f) for f in ev.flags)
    assert ev.flags[0].severity is Severity.CRITICAL  # bank account past R-42
    assert ev.flags[-1].severity is Severity.INFO
    # within one severity, the earliest due first
    warnings = [f for f in ev.flags if f.severity is Severity.WARNING]
    dues = [f.due or date.max for f in warnings]
    assert dues == sorted(dues)
    assert warnings[0].item_id == "release.date_confirmed"  # R-112, the oldest deadline


def test_all_flags_orders_the_whole_caseload(store, template):
    store.add(make_person("A1111AA", date(2026, 12, 16)), template)
    store.add(make_person("B2222BB", date(2026, 12, 2)), template)
    store.add(make_person("C3333CC", None), template)
    store.add(make_person("D4444DD", date(2026, 11, 27)), template)
    flags = store.all_flags(TODAY)
    assert [flag_order(f) for f in flags] == sorted(flag_order(f) for f in flags)
    expected = sorted(
        (f for c in store.cases() for f in store.evaluate(c, TODAY).flags), key=flag_order
    )
    assert flags == expected
    assert {f.number for f in flags} == {"A1111AA", "B2222BB", "C3333CC", "D4444DD"}
    assert flags[0].severity is Severity.CRITICAL


@pytest.mark.parametrize("state", [CaseState.RELEASED, CaseState.TRANSFERRED])
def test_no_flags_for_released_or_transferred(store, template, state):
    case = open_case(store, template, date(2026, 11, 20))
    assert check(store, template, case).flags
    case = store.update_person(make_person(NUMBER, date(2026, 11, 20), state=state))
    ev = check(store, template, case)
    assert ev.flags == ()
    assert all(s.worst is None for s in ev.sections)
    assert store.all_flags(TODAY) == []
    # the same holds with no release date at all
    case = store.update_person(make_person(NUMBER, None, state=state))
    assert check(store, template, case).flags == ()


# --- the stored assessment round-trips (property) -----------------------------------------


def _value_for(field_type: FieldType, choices: tuple[str, ...]) -> st.SearchStrategy[Any]:
    if field_type is FieldType.YES_NO:
        return st.booleans()
    if field_type is FieldType.DATE:
        return st.dates(date(2025, 1, 1), date(2028, 1, 1)).map(date.isoformat)
    if field_type is FieldType.CHOICE:
        return st.sampled_from([*choices, "", "something_else"])
    return st.sampled_from(["", "  ", "text", "Leeds City Council"])


@st.composite
def random_cases(draw: st.DrawFn, template: Template) -> Case:
    items: dict[str, ItemRecord] = {}
    for item in template.items:
        if not draw(st.booleans()):
            continue
        evidence = {}
        for field in item.evidence:
            if draw(st.booleans()):
                choices = tuple(c.value for c in field.choices)
                evidence[field.name] = draw(_value_for(field.type, choices))
        items[item.id] = ItemRecord(
            status=draw(st.sampled_from(list(ItemStatus))),
            evidence=evidence,
            reason=draw(st.sampled_from(["", " ", "Person declined"])),
        )
    release = draw(st.none() | st.integers(-40, 300).map(days))
    birth = draw(st.none() | st.dates(date(1950, 1, 1), date(2008, 1, 1)))
    circumstances = Circumstances(
        **{name: draw(st.booleans()) for name in Circumstances.model_fields}
    )
    person = Person(
        number=NUMBER,
        surname="Example",
        forename="Alex",
        release_date=release,
        date_of_birth=birth,
        circumstances=circumstances,
        state=draw(st.sampled_from(list(CaseState))),
    )
    created = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=draw(st.integers(0, 326)))
    return Case(
        person=person,
        checklist=Checklist(
            template_id=template.id, template_version=template.version, items=items
        ),
        created_at=created,
        updated_at=created,
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_stored_assessment_gives_the_same_flags(template, data):
    case = data.draw(random_cases(template))
    today = data.draw(st.integers(-30, 60).map(days))
    assessment = assess(case, template)
    stored = stored_form(assessment)  # as it sits in the database
    restored = Assessment.from_json(case.number, stored)
    assert stored_form(restored) == stored
    assert restored.readiness == assessment.readiness
    assert restored.release_date == assessment.release_date
    flags = flags_for(restored, template, today)
    evaluation = evaluate(case, template, today)
    assert flags == list(evaluation.flags)
    assert [flag_order(f) for f in flags] == sorted(flag_order(f) for f in flags)
    if case.person.state is not CaseState.ACTIVE:
        assert flags == []
    else:
        assert (case.person.release_date is None) is (
            FlagKind.NO_RELEASE_DATE in {f.kind for f in flags}
        )
    assert 0.0 <= evaluation.readiness <= 1.0


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_reading_only_the_rows_loud_today_misses_no_flag(template, data):
    """The rows a case's flags are read from stop at the first one quiet today; reading
    every row instead (each one's own flag, in template order) gives the same flags, on
    every day around each row's thresholds."""
    case = data.draw(random_cases(template))
    assessment = assess(case, template)
    if case.person.state is not CaseState.ACTIVE:
        return
    thresholds = {
        day
        for row in assessment.open_rows
        for day in (row[ROW_DUE], row[ROW_RECOMMENDED], row[ROW_ESCALATE], row[ROW_QUIET])
        if day is not None and 0 < day < date.max.toordinal()
    }
    candidates = sorted({d + shift for d in thresholds for shift in (-1, 0, 1)})
    for ordinal in [TODAY.toordinal(), *candidates]:
        today = date.fromordinal(ordinal)
        rules = FlagRules(template, today)
        release = assessment.release_date
        near = release is not None and (release - today).days <= (
            template.flags.critical_within_days
        )
        every_row = rules._case_flags(
            assessment.number,
            release,
            assessment.no_fixed_abode,
            assessment.address_not_booked,
            assessment.no_com,
            (),
        )
        for row in sorted(assessment.open_rows, key=lambda r: r[ROW_POSITION]):
            flag = rules._item_flag(assessment.number, row, near)
            if flag is not None:
                every_row.append(flag)
        every_row.sort(key=flag_order)
        assert rules.flags(assessment) == every_row, today


def test_id_already_held_does_not_escalate_for_want_of_a_received_date(store, template):
    """A passport already in property has no application, so nothing to receive by R-28."""
    release = TODAY + timedelta(days=20)
    store.add(make_person(release=release), template)
    case = store.save_item(
        "A1234BC",
        "id.documents",
        status=ItemStatus.DONE,
        evidence={"document_type": "passport", "stored_in_property": True},
    )
    flags = store.evaluate(case, TODAY).flags_for_item("id.documents")
    assert [f.kind for f in flags] == []
    applied = store.save_item(
        "A1234BC",
        "id.documents",
        evidence={"date_applied": (TODAY - timedelta(days=40)).isoformat()},
    )
    flags = store.evaluate(applied, TODAY).flags_for_item("id.documents")
    assert [(f.kind, f.severity) for f in flags] == [(FlagKind.OVERDUE, Severity.CRITICAL)]


def test_no_fixed_abode_outranks_an_older_overdue_item(store, template):
    """Nowhere to sleep in 5 days is more urgent than an item overdue since September."""
    release = TODAY + timedelta(days=5)
    store.add(make_person(release=release), template)
    case = store.save_item(
        "A1234BC",
        "accommodation.address",
        status=ItemStatus.DONE,
        evidence={"accommodation_type": "no_fixed_abode", "address": "None yet"},
    )
    flags = store.evaluate(case, TODAY).flags
    assert flags[0].kind is FlagKind.NO_FIXED_ABODE
    assert any(
        f.kind is FlagKind.OVERDUE and f.due and f.due < TODAY - timedelta(days=60) for f in flags
    )


def test_a_section_with_an_item_in_progress_is_in_progress(store, template):
    store.add(make_person(), template)
    case = store.save_item("A1234BC", "id.documents", status=ItemStatus.IN_PROGRESS)
    sections = {s.section: s for s in store.evaluate(case, TODAY).sections}
    assert sections["id"].label.startswith("in progress")
    assert sections["bank"].label.startswith("not started")


# --- done that is not done: missing evidence, outcomes that mean not met ------------------


def test_a_done_bank_account_declined_is_flagged_and_not_counted(store, template):
    case = open_case(store, template, days(60))  # R-42 still ahead
    case = store.save_item(
        NUMBER,
        "bank.account",
        status=ItemStatus.DONE,
        evidence={"bank": "lloyds", "outcome": "declined"},
    )
    ev = check(store, template, case)
    flag = only(ev, FlagKind.NOT_MET, "bank.account")
    assert flag.severity is Severity.WARNING
    assert flag.reason == (
        "Bank account held or opened: marked done, but the outcome is Declined, so the need "
        "is not met. Find another way and reopen the item."
    )
    assert (ev.assessment.resolved, ev.readiness) == (0, 0.0)
    bank = next(s for s in ev.sections if s.section == "bank")
    assert (bank.resolved, bank.label) == (0, "in progress, warning")
    case = store.save_item(NUMBER, "bank.account", evidence={"outcome": "opened"})
    ev = check(store, template, case)
    assert item_flags(ev, "bank.account") == []
    assert ev.assessment.resolved == 1
    assert next(s for s in ev.sections if s.section == "bank").label == "complete"


@pytest.mark.parametrize(
    ("release_in", "severity"),
    [(60, Severity.WARNING), (41, Severity.CRITICAL), (10, Severity.CRITICAL)],
)
def test_not_met_turns_critical_past_the_escalation_or_near_release(
    store, template, release_in, severity
):
    case = open_case(store, template, days(release_in))
    case = store.save_item(
        NUMBER,
        "bank.account",
        status=ItemStatus.DONE,
        evidence={"bank": "hsbc", "outcome": "returned_incomplete"},
    )
    assert item_flags(check(store, template, case), "bank.account") == [
        (FlagKind.NOT_MET, severity)
    ]


@pytest.mark.parametrize(
    ("item_id", "evidence", "words"),
    [
        ("bank.account", {"bank": "coop", "outcome": "returned_ineligible"}, "Returned: inel"),
        ("id.documents", {"document_type": "passport", "outcome": "rejected"}, "is Rejected"),
        (
            "accommodation.duty_to_refer",
            {"local_authority": "Leeds", "date_referred": "2026-10-01", "outcome": "not_accepted"},
            "the outcome is Not accepted",
        ),
    ],
)
def test_outcomes_the_template_marks_not_met_are_flagged(store, template, item_id, evidence, words):
    case = open_case(store, template, date(2027, 6, 16))
    case = store.save_item(NUMBER, item_id, status=ItemStatus.DONE, evidence=evidence)
    ev = check(store, template, case)
    assert words in only(ev, FlagKind.NOT_MET, item_id).reason
    assert ev.assessment.resolved == 0


def test_not_met_is_template_data(store, template, tmp_path: Path):
    """A site that treats a declined account as fine says so in its template, not code."""
    data = template.model_dump(mode="json", by_alias=True)
    for item in data["items"]:
        for field in item["evidence"]:
            for choice in field["choices"]:
                choice.pop("not_met", None)
    data["version"] = template.version + 1
    lenient = Template.model_validate(data)
    case = open_case(store, template, date(2027, 6, 16))
    case = store.save_item(
        NUMBER,
        "bank.account",
        status=ItemStatus.DONE,
        evidence={"bank": "coop", "outcome": "declined"},
    )
    strict = evaluate(case, template, TODAY)
    assert [f.kind for f in strict.flags_for_item("bank.account")] == [FlagKind.NOT_MET]
    assert evaluate(case, lenient, TODAY).flags_for_item("bank.account") == ()


def test_done_without_required_evidence_lowers_readiness_and_keeps_a_section_open(store, template):
    case = open_case(store, template, date(2027, 6, 16))
    case = store.save_item(
        NUMBER, "benefits.work_coach", status=ItemStatus.DONE, evidence={"date_seen": "2026-10-02"}
    )
    ev = check(store, template, case)
    assert ev.assessment.resolved == 1
    benefits = next(s for s in ev.sections if s.section == "benefits")
    assert (benefits.resolved, benefits.applicable) == (1, 2)
    case = store.save_item(
        NUMBER,
        "benefits.uc_appointment",
        status=ItemStatus.DONE,
        evidence={"appointment": "2027-06-17 | JCP"},
    )
    ev = check(store, template, case)
    assert ev.assessment.resolved == 1  # an appointment with no time is not booked yet
    assert ev.readiness == pytest.approx(1 / len(EVERYONE))
    benefits = next(s for s in ev.sections if s.section == "benefits")
    assert benefits.label == "in progress, warning"
    assert only(ev, FlagKind.NO_EVIDENCE, "benefits.uc_appointment").reason.endswith(
        "marked done without jobcentre appointment with its time and place. Record it or "
        "reopen the item."
    )
    case = store.save_item(
        NUMBER, "benefits.uc_appointment", evidence={"appointment": "2027-06-17 09:30 | JCP"}
    )
    ev = check(store, template, case)
    assert ev.assessment.resolved == 2
    assert next(s for s in ev.sections if s.section == "benefits").label == "complete"


# --- an escalation follows its evidence ---------------------------------------------------


@pytest.mark.parametrize("status", [ItemStatus.IN_PROGRESS, ItemStatus.BLOCKED, ItemStatus.DONE])
def test_id_with_a_date_received_is_never_not_received(store, template, status):
    case = open_case(store, template, days(20))  # R-28 passed eight days ago
    case = store.save_item(
        NUMBER,
        "id.documents",
        status=status,
        evidence={
            "document_type": "birth_certificate",
            "date_applied": "2026-09-01",
            "date_received": "2026-11-20",
        },
        reason="Waiting for the person to sign" if status is ItemStatus.BLOCKED else None,
    )
    ev = check(store, template, case)
    assert not any("not been received" in f.reason for f in ev.flags)
    expected = {
        # the item is still open: overdue since R-84, critical within 14 days only
        ItemStatus.IN_PROGRESS: [(FlagKind.OVERDUE, Severity.WARNING)],
        ItemStatus.BLOCKED: [(FlagKind.BLOCKED, Severity.WARNING)],
        ItemStatus.DONE: [],
    }
    assert item_flags(ev, "id.documents") == expected[status]


def test_id_in_progress_without_a_date_received_escalates_at_r28(store, template):
    case = open_case(store, template, days(20))
    case = store.save_item(
        NUMBER,
        "id.documents",
        status=ItemStatus.IN_PROGRESS,
        evidence={"document_type": "passport"},
    )
    flag = only(check(store, template, case), FlagKind.OVERDUE, "id.documents")
    assert (flag.severity, flag.escalated) == (Severity.CRITICAL, True)
    assert "not been received" in flag.reason


# --- an address that depends on a booking -------------------------------------------------


def _cas3_address(store: CaseStore, case: Case) -> Case:
    return store.save_item(
        case.number,
        "accommodation.address",
        status=ItemStatus.DONE,
        evidence={"accommodation_type": "cas3", "address": "Flat 2, 14 Acre Lane"},
    )


@pytest.mark.parametrize(("release_in", "flagged"), [(28, True), (29, False), (3, True)])
def test_a_cas3_address_without_a_booking_is_critical_within_28_days(
    store, template, release_in, flagged
):
    case = _cas3_address(store, open_case(store, template, days(release_in)))
    case = store.save_item(
        NUMBER,
        "accommodation.cas_referral",
        status=ItemStatus.IN_PROGRESS,
        evidence={"tier": "cas3", "date_referred": "2026-10-12"},
    )
    ev = check(store, template, case)
    found = [f for f in ev.flags if f.kind is FlagKind.ADDRESS_NOT_BOOKED]
    assert ev.assessment.address_not_booked == "cas3"  # true whatever the day
    if not flagged:
        assert found == []
        return
    [flag] = found
    assert (flag.severity, flag.item_id, flag.section) == (
        Severity.CRITICAL,
        "accommodation.cas_referral",
        "accommodation",
    )
    assert flag.reason.startswith("The release address is CAS3 but the booking is not arranged")
    assert ev.flags[0] is flag  # homelessness first among the critical flags


def test_a_cas3_address_is_booked_once_the_referral_is_done_with_its_evidence(store, template):
    case = _cas3_address(store, open_case(store, template, days(20)))
    case = store.save_item(
        NUMBER, "accommodation.cas_referral", status=ItemStatus.DONE, evidence={"tier": "cas3"}
    )
    ev = check(store, template, case)  # done, but no date referred: not arranged
    assert FlagKind.ADDRESS_NOT_BOOKED in kinds(ev)
    case = store.save_item(
        NUMBER, "accommodation.cas_referral", evidence={"date_referred": "2026-10-12"}
    )
    ev = check(store, template, case)
    assert FlagKind.ADDRESS_NOT_BOOKED not in kinds(ev)
    assert ev.assessment.address_not_booked is None


@pytest.mark.parametrize("kind", ["settled", "temporary", "no_fixed_abode"])
def test_other_addresses_need_no_cas_booking(store, template, kind):
    case = open_case(store, template, days(20))
    case = store.save_item(
        NUMBER,
        "accommodation.address",
        status=ItemStatus.DONE,
        evidence={"accommodation_type": kind, "address": "Somewhere"},
    )
    assert FlagKind.ADDRESS_NOT_BOOKED not in kinds(check(store, template, case))


# --- the day a case is quiet until (kept in its index entry) ---------------------------------


def _variant(template: Template, version: int, **flags: Any) -> Template:
    """The template with other flag settings: `flags` replaces whole [flags] entries, and a
    rule given as a dict updates that rule (None removes it)."""
    data = template.model_dump(mode="json", by_alias=True)
    for name, value in flags.items():
        if isinstance(value, dict):
            data["flags"][name] = {**data["flags"][name], **value}
        else:
            data["flags"][name] = value
    data["version"] = version
    return Template.model_validate(data)


@pytest.fixture(scope="module")
def flag_templates(template: Template) -> list[Template]:
    """The shipped template and others whose flag windows differ, as a site's might."""
    return [
        template,
        _variant(
            template,
            template.version + 1,
            due_soon_days=30,
            critical_within_days=21,
            no_fixed_abode={"within_days": 60},
            no_com={"within_days": 120, "critical_within_days": 40},
            address_not_booked={"within_days": 7},
        ),
        _variant(
            template,
            template.version + 2,
            due_soon_days=0,
            critical_within_days=0,
            no_fixed_abode={"within_days": 0},
            no_com={"within_days": 0, "critical_within_days": 0},
            address_not_booked={"within_days": 0},
        ),
        _variant(
            template,
            template.version + 3,
            no_fixed_abode=None,
            no_com=None,
            address_not_booked=None,
        ),
    ]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_case_never_flags_more_than_its_release_date_up_to_its_quiet_day(
    flag_templates: list[Template], data: st.DataObject
) -> None:
    """What the caseload gives a case it does not read (on a day up to `quiet_until`) is
    what the full engine gives it that day: every flag kind, any template's windows."""
    template = flag_templates[data.draw(st.integers(0, len(flag_templates) - 1))]
    case = data.draw(random_cases(template))
    assessment = assess(case, template)
    quiet = quiet_until(assessment, template)
    if quiet < 1:
        return  # an item with a problem, or blocked, can flag on any day: never quiet
    last = min(quiet, days(400).toordinal())
    today = date.fromordinal(last - data.draw(st.integers(0, 200)))
    full = list(evaluate(case, template, today).flags)
    rules = FlagRules(template, today)
    if case.person.state is CaseState.ACTIVE:
        release_only = rules.release_date_flags(case.number, case.person.release_date)
        assert full == release_only, (today, date.fromordinal(quiet))
    else:
        assert quiet == date.max.toordinal() and full == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_quiet_day_is_the_last_one_when_the_next_day_flags(
    flag_templates: list[Template], data: st.DataObject
) -> None:
    """The quiet day is not merely safe but as late as the rules allow for a case that
    flags the day after it only through its rows or its release windows (not an
    escalation that will not hold): then reading the assessment was needed."""
    template = flag_templates[data.draw(st.integers(0, len(flag_templates) - 1))]
    case = data.draw(random_cases(template))
    if case.person.state is not CaseState.ACTIVE:
        return
    assessment = assess(case, template)
    quiet = quiet_until(assessment, template)
    if not 0 < quiet < days(400).toordinal():
        return
    after = date.fromordinal(quiet + 1)
    rules = FlagRules(template, after)
    full = rules.flags(assessment)
    if full == rules.release_date_flags(case.number, case.person.release_date):
        # Nothing new that day: only an escalation that does not hold, or a window that
        # opens after release (a release already passed by then), can explain it.
        release = case.person.release_date
        assert any(row[ROW_ESCALATE] == quiet for row in assessment.open_rows) or (
            release is not None and release < after
        ), (after, full)


def test_every_flag_kind_is_raised_only_after_the_quiet_day(
    db_path: Path, template: Template
) -> None:
    """The sample caseload raises every kind of flag; walked day by day, each case raises
    none but its release date's up to its quiet day, and each kind is raised by a case
    whose quiet day has passed (unless it is one of the release date's own)."""
    with CaseStore(db_path, officer=DEMO_OFFICER, clock=lambda: NOW) as store:
        write_demo(store, template, TODAY, count=40)
        cases = store.cases()
    seen: set[FlagKind] = set()
    release_kinds = {FlagKind.NO_RELEASE_DATE, FlagKind.RELEASE_PASSED, FlagKind.RELEASE_DAY}
    for case in cases:
        assessment = assess(case, template)
        quiet = quiet_until(assessment, template)
        for offset in range(-120, 30, 3):
            today = days(offset)
            rules = FlagRules(template, today)
            flags = rules.flags(assessment)
            release_only = rules.release_date_flags(case.number, case.person.release_date)
            if today.toordinal() <= quiet:
                assert flags == release_only, (case.number, today)
            else:
                seen |= {f.kind for f in flags}
    # In custody, nobody has a follow-up after release (tests/unit/test_follow_up_flags.py)
    assert seen | release_kinds == set(FlagKind) - {FlagKind.FOLLOW_UP}


def _all_done(template: Template, release: date, changes: dict[str, ItemRecord]) -> Case:
    """A case with every item done with its evidence, but for `changes` (by item id)."""
    items = {
        item.id: ItemRecord(status=ItemStatus.DONE, evidence=dict(FULL_EVIDENCE[item.id]))
        for item in template.items
    }
    items.update(changes)
    created = datetime(2026, 1, 1, tzinfo=UTC)
    return Case(
        person=make_person(NUMBER, release),
        checklist=Checklist(
            template_id=template.id, template_version=template.version, items=items
        ),
        created_at=created,
        updated_at=created,
    )


@pytest.mark.parametrize(
    ("kind", "window", "changes"),
    [
        (
            FlagKind.NO_FIXED_ABODE,
            28,
            {
                "accommodation.address": ItemRecord(
                    status=ItemStatus.DONE,
                    evidence={"accommodation_type": "no_fixed_abode", "address": "None yet"},
                )
            },
        ),
        (
            FlagKind.ADDRESS_NOT_BOOKED,
            28,
            {
                "accommodation.address": ItemRecord(
                    status=ItemStatus.DONE,
                    evidence={"accommodation_type": "cas3", "address": "Flat 2, 14 Acre Lane"},
                ),
                "accommodation.cas_referral": ItemRecord(
                    status=ItemStatus.NOT_REQUIRED, reason="Booked by the council"
                ),
            },
        ),
        (
            FlagKind.NO_COM,
            120,  # earlier than the allocation item's own deadline, in this template
            {"handover.com_allocated": ItemRecord(status=ItemStatus.IN_PROGRESS)},
        ),
    ],
)
def test_the_windows_before_release_end_the_quiet_days(
    template: Template, kind: FlagKind, window: int, changes: dict[str, ItemRecord]
) -> None:
    """With nothing else open, the window of a flag about release itself (no fixed abode,
    an address not booked, no COM) is what ends a case's quiet days: to the day."""
    if kind is FlagKind.NO_COM:
        template = _variant(
            template,
            template.version + 1,
            due_soon_days=0,
            no_com={"within_days": window, "critical_within_days": 28},
        )
    release = date(2027, 6, 16)  # a Wednesday: no hard release day
    case = _all_done(template, release, changes)
    assessment = assess(case, template)
    quiet = quiet_until(assessment, template)
    assert quiet == (release - timedelta(days=window + 1)).toordinal()
    on_quiet_day = FlagRules(template, date.fromordinal(quiet))
    assert on_quiet_day.flags(assessment) == []
    day_after = FlagRules(template, date.fromordinal(quiet + 1)).flags(assessment)
    assert kind in {flag.kind for flag in day_after}
