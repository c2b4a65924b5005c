"""Follow-ups after release as flags on the released person: a note once due soon, a
warning once past due, gone once answered (unknown included), whichever template version
the case was planned on, and the same from the caseload's quiet path as from the full
engine."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from planner.domain.assessment import assess
from planner.domain.case import Case
from planner.domain.checklist import Checklist
from planner.domain.flags import FlagKind, Severity
from planner.domain.gaps import FlagRules, evaluate, quiet_until
from planner.domain.person import CaseState, Circumstances
from planner.domain.release_outcome import ReleaseOutcome, record_outcome
from planner.domain.template import Template
from planner.store.repository import CaseStore
from tests.conftest import NOW, TODAY, make_person

RELEASED = date(2026, 11, 2)  # three weeks before TODAY
NEEDS = Circumstances(substance_misuse=True)


def released_case(template: Template, outcome: ReleaseOutcome | None) -> Case:
    person = make_person(release=RELEASED, circumstances=NEEDS)
    return Case(
        person=person.model_copy(update={"state": CaseState.RELEASED}),
        checklist=Checklist(template_id=template.id, template_version=template.version),
        created_at=NOW,
        updated_at=NOW,
        outcome=outcome,
    )


def outcome_of(template: Template, **follow_ups: str) -> ReleaseOutcome:
    person = make_person(release=RELEASED, circumstances=NEEDS)
    first = record_outcome(template, person, released_on=RELEASED, today=TODAY)
    if not follow_ups:
        return first
    return record_outcome(
        template, person, released_on=None, follow_ups=follow_ups, today=TODAY, previous=first
    )


def follow_up_flags(case: Case, template: Template, today: date) -> dict[str, Severity]:
    flags = evaluate(case, template, today).flags
    return {f.detail: f.severity for f in flags if f.kind is FlagKind.FOLLOW_UP}


def test_a_follow_up_is_a_note_when_due_soon_and_a_warning_once_past_due(
    template: Template,
) -> None:
    case = released_case(template, outcome_of(template))
    planned = case.outcome.planned if case.outcome else {}
    treatment_due = planned["treatment_3w"].due
    assert treatment_due == RELEASED + timedelta(weeks=3)
    soon = template.flags.due_soon_days
    assert "treatment_3w" not in follow_up_flags(
        case, template, treatment_due - timedelta(days=soon + 1)
    )
    assert follow_up_flags(case, template, treatment_due)["treatment_3w"] is Severity.INFO
    late = treatment_due + timedelta(days=1)
    assert follow_up_flags(case, template, late)["treatment_3w"] is Severity.WARNING
    flag = next(f for f in evaluate(case, template, late).flags if f.detail == "treatment_3w")
    assert flag.title == planned["treatment_3w"].label
    assert "was due" in flag.reason and "record" in flag.reason


def test_an_answer_unknown_included_ends_the_flag(template: Template) -> None:
    later = date(2027, 3, 1)  # every follow-up past due
    unanswered = released_case(template, outcome_of(template))
    assert set(follow_up_flags(unanswered, template, later)) == {
        "jobcentre_kept",
        "treatment_3w",
        "employed_6w",
        "settled_3m",
    }
    answered = released_case(template, outcome_of(template, treatment_3w="unknown"))
    assert "treatment_3w" not in follow_up_flags(answered, template, later)
    assert "employed_6w" in follow_up_flags(answered, template, later)


def test_a_follow_up_applies_only_to_whom_its_measure_does(template: Template) -> None:
    person = make_person(release=RELEASED)  # no substance misuse need
    outcome = record_outcome(template, person, released_on=RELEASED, today=TODAY)
    assert "treatment_3w" not in outcome.planned
    assert "employed_6w" in outcome.planned


def test_active_people_raise_no_follow_up_and_released_ones_nothing_else(
    template: Template,
) -> None:
    case = released_case(template, outcome_of(template))
    active = case.model_copy(
        update={"person": case.person.model_copy(update={"state": CaseState.ACTIVE})}
    )
    today = date(2027, 3, 1)
    assert not any(f.kind is FlagKind.FOLLOW_UP for f in evaluate(active, template, today).flags)
    kinds = {f.kind for f in evaluate(case, template, today).flags}
    assert kinds == {FlagKind.FOLLOW_UP}


def test_up_to_its_quiet_day_a_released_case_raises_nothing(template: Template) -> None:
    for outcome in (outcome_of(template), outcome_of(template, jobcentre_kept="yes")):
        case = released_case(template, outcome)
        assessment = assess(case, template)
        quiet = quiet_until(assessment, template)
        for offset in range(0, 120):
            today = RELEASED + timedelta(days=offset)
            flags = FlagRules(template, today).flags(assessment)
            if today.toordinal() <= quiet:
                assert flags == [], today
        assert FlagRules(template, date.fromordinal(quiet + 1)).flags(assessment) != []


def test_the_caseload_flags_follow_ups_of_a_case_planned_on_an_older_template(
    db_path: Path, template: Template
) -> None:
    older = template.model_copy(update={"outcomes": (), "version": 2})
    person = make_person(release=RELEASED, circumstances=NEEDS)
    with CaseStore(db_path, officer="Jo", clock=lambda: NOW) as store:
        store.add(person, older)
        outcome = record_outcome(template, person, released_on=RELEASED, today=TODAY)
        store.record_outcome(person.number, outcome, template)
    with CaseStore(db_path, read_only=True) as fresh:
        assert fresh.template_for(fresh.get(person.number)).key == "england-wales@2"
        for today in (TODAY, date(2026, 12, 20), date(2027, 3, 1)):
            caseload = [f for f in fresh.all_flags(today) if f.kind is FlagKind.FOLLOW_UP]
            one = [
                f
                for f in fresh.evaluate(fresh.get(person.number), today).flags
                if f.kind is FlagKind.FOLLOW_UP
            ]
            assert sorted(caseload) == sorted(one)
        assert len(caseload) == 4
