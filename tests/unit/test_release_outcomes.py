"""Release-day outcomes: the template's measures, recording and checking answers, the
follow-ups due, the store's audited change, and databases from before outcomes existed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from planner.domain.case import Case
from planner.domain.checklist import Checklist
from planner.domain.errors import InvalidInput
from planner.domain.history import history_lines
from planner.domain.outcome_measures import UNKNOWN
from planner.domain.person import CaseState, Circumstances
from planner.domain.release_outcome import (
    ReleaseOutcome,
    check_outcome,
    follow_ups_due,
    record_outcome,
)
from planner.domain.template import Template
from planner.domain.template_loading import TemplateError, load_template
from planner.store.errors import StaleEdit
from planner.store.repository import CaseStore
from tests.conftest import NOW, TODAY, make_person

RELEASED = date(2026, 11, 2)  # a Monday, three weeks before TODAY
NEEDS = Circumstances(substance_misuse=True, on_medication=True)
RELEASE_DAY = ["first_night", "id", "bank", "uc", "medication", "treatment", "planned_day"]
FOLLOW_UPS = ["jobcentre_kept", "treatment_3w", "employed_6w", "settled_3m"]


def case_with(outcome: ReleaseOutcome | None, circumstances: Circumstances = NEEDS) -> Case:
    return Case(
        person=make_person(release=RELEASED, circumstances=circumstances),
        checklist=Checklist(template_id="england-wales", template_version=3),
        created_at=NOW,
        updated_at=NOW,
        outcome=outcome,
    )


# --- the shipped measures -----------------------------------------------------------------


def test_the_shipped_template_defines_the_official_measures(template: Template) -> None:
    assert template.key == "england-wales@4"
    assert [m.id for m in template.release_day_measures] == RELEASE_DAY
    assert [m.id for m in template.follow_up_measures] == FOLLOW_UPS
    for measure in template.outcomes:
        assert measure.source and measure.checked >= date(2026, 12, 1)
        assert measure.values[-1] == UNKNOWN


def test_housed_on_release_counts_as_the_moj_does(template: Template) -> None:
    first_night = template.outcomes_by_id["first_night"]
    counted = {value: first_night.counts(value) for value in first_night.values}
    assert counted == {
        "settled": True,
        "temporary": True,
        "cas": True,
        "bail_probation": True,
        "rough_sleeping": False,
        "other_homeless": False,
        "unknown": None,  # left out of the denominator, never a "no"
    }


def test_follow_ups_are_due_by_the_calendar(template: Template) -> None:
    due = {m.id: m.due_on(date(2026, 11, 30)) for m in template.follow_up_measures}
    assert due == {
        "jobcentre_kept": date(2026, 12, 14),  # 2 weeks
        "treatment_3w": date(2026, 12, 21),  # 3 weeks (OHID)
        "employed_6w": date(2027, 1, 11),  # 6 weeks (MI016)
        "settled_3m": date(2027, 2, 28),  # 3 months from 30 Nov: the end of February
    }
    employed = template.outcomes_by_id["employed_6w"]
    assert employed.counts("not_available") is None  # not available for work: left out
    assert employed.counts("no") is False


# --- recording ------------------------------------------------------------------------------


def test_a_first_recording_takes_unknown_for_what_is_not_given(template: Template) -> None:
    person = make_person(release=RELEASED)  # no medication, no substance misuse need
    outcome = record_outcome(
        template,
        person,
        released_on=RELEASED,
        answers={"first_night": "CAS", "bank": "No", "planned_day": "brought forward"},
        today=TODAY,
        by="Jo Officer",
    )
    assert outcome.answers == {
        "first_night": "cas",
        "id": UNKNOWN,
        "bank": "no",
        "uc": UNKNOWN,
        "planned_day": "brought_forward",
    }  # medication and treatment do not apply to them
    assert (outcome.measures, outcome.recorded_by, outcome.follow_ups) == (
        "england-wales@4",
        "Jo Officer",
        {},
    )


def test_a_later_recording_changes_only_what_it_is_given(template: Template) -> None:
    person = make_person(release=RELEASED, circumstances=NEEDS)
    first = record_outcome(template, person, released_on=RELEASED, today=TODAY, by="Jo")
    later = record_outcome(
        template,
        person,
        released_on=None,
        answers={"treatment": "yes"},
        follow_ups={"treatment_3w": "no"},
        follow_up_on=date(2026, 11, 20),
        today=TODAY,
        by="Sam",
        previous=first,
    )
    assert later.released_on == RELEASED
    assert later.answers == {**first.answers, "treatment": "yes"}
    follow_up = later.follow_ups["treatment_3w"]
    assert (follow_up.answer, follow_up.recorded_on, follow_up.recorded_by) == (
        "no",
        date(2026, 11, 20),
        "Sam",
    )
    assert later.recorded_by == "Jo" and later.answer("treatment_3w") == "no"


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"answers": {"housing": "yes"}}, "unknown outcome measure 'housing' in template"),
        ({"answers": {"bank": "maybe"}}, "bank: 'maybe' is not an answer; one of yes, no, unknown"),
        (
            {"answers": {"first_night": "hostel"}},
            "first_night: 'hostel' is not an answer; one of settled, temporary",
        ),
        ({"answers": {"employed_6w": "yes"}}, "employed_6w: is a follow-up, due 42 days after"),
        ({"follow_ups": {"bank": "yes"}}, "bank: is answered on release day"),
        ({"answers": {"treatment": "yes"}}, "treatment: applies only to people with a substance"),
        ({"released_on": date(2026, 11, 24)}, "released on: 24/11/2026 is after today"),
        ({"released_on": None}, "released on: give the day of release"),
        (
            {"follow_ups": {"settled_3m": "settled"}, "follow_up_on": date(2026, 11, 1)},
            "settled_3m: 01/11/2026 is before the release on 02/11/2026",
        ),
    ],
)
def test_a_bad_answer_is_one_line_naming_it(
    template: Template, kwargs: dict[str, object], says: str
) -> None:
    arguments: dict[str, object] = {"released_on": RELEASED, **kwargs}
    with pytest.raises(InvalidInput) as caught:
        record_outcome(template, make_person(release=RELEASED), today=TODAY, **arguments)  # type: ignore[arg-type]
    assert str(caught.value).startswith(says)
    assert "\n" not in str(caught.value)


def test_a_template_without_outcomes_records_none(template: Template) -> None:
    older = template.model_copy(update={"outcomes": (), "version": 2})
    with pytest.raises(InvalidInput, match="england-wales@2 defines no release-day outcomes"):
        record_outcome(older, make_person(), released_on=RELEASED, today=TODAY)


def test_check_outcome_refuses_what_the_measures_do_not_allow(template: Template) -> None:
    person = make_person(release=RELEASED)
    good = record_outcome(template, person, released_on=RELEASED, today=TODAY)
    check_outcome(good, template, person)
    for bad, says in (
        (good.model_copy(update={"answers": {"bank": "perhaps"}}), "bank: 'perhaps'"),
        (good.model_copy(update={"answers": {"nope": "yes"}}), "unknown outcome measure 'nope'"),
        (good.model_copy(update={"measures": "england-wales@9"}), "england-wales@9, not"),
    ):
        with pytest.raises(InvalidInput, match=says):
            check_outcome(bad, template, person)


# --- follow-ups due ------------------------------------------------------------------------


def test_follow_ups_due_lists_what_is_not_answered_soonest_first(template: Template) -> None:
    outcome = record_outcome(
        template,
        make_person(release=RELEASED, circumstances=NEEDS),
        released_on=RELEASED,
        follow_ups={"jobcentre_kept": UNKNOWN},  # marked unknown: answered, no longer due
        today=TODAY,
    )
    due = follow_ups_due(case_with(outcome), template, TODAY)
    assert [(d.measure.id, d.due, d.days_left, d.overdue) for d in due] == [
        ("treatment_3w", date(2026, 11, 23), 0, False),
        ("employed_6w", date(2026, 12, 14), 21, False),
        ("settled_3m", date(2027, 2, 2), 71, False),
    ]
    later = follow_ups_due(case_with(outcome), template, date(2026, 11, 24))
    assert later[0].overdue and later[0].days_left == -1


def test_follow_ups_due_only_for_those_they_apply_to_and_only_after_release(
    template: Template,
) -> None:
    outcome = record_outcome(
        template, make_person(release=RELEASED), released_on=RELEASED, today=TODAY
    )
    due = follow_ups_due(case_with(outcome, Circumstances()), template, TODAY)
    assert [d.measure.id for d in due] == ["jobcentre_kept", "employed_6w", "settled_3m"]
    assert follow_ups_due(case_with(None), template, TODAY) == []


# --- the store -----------------------------------------------------------------------------


def test_recording_marks_the_case_released_and_is_audited_in_words(
    store: CaseStore, template: Template, db_path: Path
) -> None:
    person = make_person(release=RELEASED, circumstances=NEEDS)
    store.add(person, template)
    first = record_outcome(
        template,
        person,
        released_on=RELEASED,
        answers={"first_night": "rough_sleeping"},
        today=TODAY,
    )
    case = store.record_outcome(person.number, first, template, expected=None)
    assert case.person.state is CaseState.RELEASED and case.outcome == first
    changed = record_outcome(
        template,
        person,
        released_on=None,
        answers={"first_night": "cas"},
        follow_ups={"jobcentre_kept": "yes"},
        today=TODAY,
        previous=first,
    )
    store.record_outcome(person.number, changed, template, expected=first)
    with pytest.raises(StaleEdit):
        store.record_outcome(person.number, first, template, expected=first)

    with CaseStore(db_path, read_only=True) as fresh:
        stored = fresh.get(person.number)
        lines = history_lines(
            fresh.history(person.number), fresh.template_for(stored), fresh.outcome_template(stored)
        )
    assert stored.outcome == changed
    said = {(line.what, line.old, line.new) for line in lines}
    assert (
        "Release outcome: Housed on release",
        "Rough sleeping",
        "Other housed: Community Accommodation Service (CAS)",
    ) in said
    assert ("Release outcome: First jobcentre appointment kept", "—", "Yes") in said
    found = (
        "Release outcome: First jobcentre appointment kept: found out on",
        "—",
        "Mon 23 Nov 2026",
    )
    assert found in said
    assert ("Release outcome: released on", "—", "Mon 2 Nov 2026") in said
    assert ("State", "active", "released") in said


def test_a_follow_up_found_out_on_another_day_is_audited_too(
    store: CaseStore, template: Template
) -> None:
    person = make_person(release=RELEASED)
    store.add(person, template)
    first = record_outcome(
        template, person, released_on=RELEASED, follow_ups={"jobcentre_kept": "yes"}, today=TODAY
    )
    store.record_outcome(person.number, first, template)
    again = record_outcome(
        template,
        person,
        released_on=None,
        follow_ups={"jobcentre_kept": "yes"},
        follow_up_on=date(2026, 11, 16),
        today=TODAY,
        previous=first,
    )
    store.record_outcome(person.number, again, template)
    newest = history_lines(store.history(person.number), template)[0]
    assert (newest.what, newest.old, newest.new) == (
        "Release outcome: First jobcentre appointment kept: found out on",
        "Mon 23 Nov 2026",
        "Mon 16 Nov 2026",
    )


def test_an_outcome_refused_by_its_measures_writes_nothing(
    store: CaseStore, template: Template
) -> None:
    person = make_person(release=RELEASED)
    store.add(person, template)
    before = store.change_number
    bad = ReleaseOutcome(released_on=RELEASED, measures=template.key, answers={"bank": "maybe"})
    with pytest.raises(InvalidInput, match="bank: 'maybe' is not an answer"):
        store.record_outcome(person.number, bad, template)
    assert store.change_number == before and store.get(person.number).outcome is None


def test_a_case_planned_on_version_2_records_against_the_current_measures(
    db_path: Path, template: Template
) -> None:
    older = template.model_copy(update={"outcomes": (), "version": 2})
    person = make_person(release=RELEASED)
    with CaseStore(db_path, officer="Jo", clock=lambda: NOW) as store:
        store.add(person, older)
        case = store.get(person.number)
        assert store.template_for(case).key == "england-wales@2"
        outcome = record_outcome(template, person, released_on=RELEASED, today=TODAY)
        store.record_outcome(person.number, outcome, template)
    with CaseStore(db_path, read_only=True) as fresh:
        case = fresh.get(person.number)
        assert fresh.template_for(case).key == "england-wales@2"  # the plan is unchanged
        measures = fresh.outcome_template(case)
        assert measures is not None and measures.key == "england-wales@4"
        assert follow_ups_due(case, measures, TODAY)[0].measure.id == "jobcentre_kept"


def test_a_database_written_before_outcomes_reads_unchanged(
    db_path: Path, template: Template
) -> None:
    person = make_person(religion=None)
    with CaseStore(db_path, clock=lambda: NOW) as store:
        store.add(person, template)
        record = store.raw_records([person.number])[person.number]
    assert "outcome" not in str(record) and "religion" not in str(record)
    with CaseStore(db_path, read_only=True) as fresh:
        case = fresh.get(person.number)
    assert case.outcome is None and case.person == person


# --- the template format -------------------------------------------------------------------

HEAD = """\
id = "t"
version = 1
title = "T"

[[sections]]
id = "s"
title = "S"

[[items]]
id = "s.one"
section = "s"
title = "One"
why = "Why"
source = "Somewhere"
checked = 2026-11-01
due_days_before_release = 7
"""

MEASURE = """
[[outcomes]]
id = "{id}"
label = "Label"
question = "Question?"
source = "Somewhere"
checked = 2026-12-01
"""


def _load(tmp_path: Path, text: str) -> Template:
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    return load_template(path)


def _problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(TemplateError) as caught:
        _load(tmp_path, text)
    return [str(p) for p in caught.value.problems]


def test_a_template_with_measures_loads_and_one_without_still_does(tmp_path: Path) -> None:
    assert _load(tmp_path, HEAD).outcomes == ()
    loaded = _load(tmp_path, HEAD + MEASURE.format(id="bank") + 'due_after_release = "6w"\n')
    assert loaded.follow_up_measures[0].due_on(date(2026, 1, 1)) == date(2026, 2, 12)


def test_measure_problems_name_their_line(tmp_path: Path) -> None:
    text = (
        HEAD
        + MEASURE.format(id="bank")  # lines 18-23
        + 'yes = ["opened"]\n'  # line 24
        + MEASURE.format(id="bank")  # from line 26, its id on 27
        + 'answers = [{ value = "unknown", label = "?" }, { value = "a", label = "A" }]\n'
        + 'excluded = ["a"]\n'
        + MEASURE.format(id="late")
        + 'due_after_release = "soon"\n'
    )
    assert _problems(tmp_path, text) == [
        "t.toml:24: outcomes[0] (bank) > yes: names 'opened', not among its answers (yes, no)",
        "t.toml:26: outcomes[1] (bank) > yes: names 'yes', not among its answers (unknown, a)",
        "t.toml:27: outcomes[1] (bank) > id: outcome 'bank' is listed twice",
        't.toml:32: outcomes[1] (bank) > answers: "unknown" is always an answer, kept apart '
        'from "no"; leave it out',
        "t.toml:41: outcomes[2] (late) > due_after_release: 'soon' is not a length; e.g. "
        '"2y6m", "18m", "14d", "1y 3m 10d" or a number of days',
    ]


def test_a_measure_whose_rate_could_only_be_full_is_refused(tmp_path: Path) -> None:
    text = HEAD + MEASURE.format(id="x") + 'answers = [{ value = "a", label = "A" }]\nyes = ["a"]\n'
    problems = _problems(tmp_path, text)
    assert any("the rate could only be 100%" in p for p in problems), problems
    text = HEAD + MEASURE.format(id="x") + 'applies = { circumstance = "wealthy" }\n'
    assert any("unknown circumstance 'wealthy'" in p for p in _problems(tmp_path, text))
