"""The sample's released people: a year of releases with equality fields and outcomes
varied enough for a report to show real-looking figures, the same every time."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

from planner.demo import DEMO_OFFICER, build_demo_caseload, write_demo
from planner.demo.released import build_released
from planner.domain.equality import Sex
from planner.domain.outcome_measures import UNKNOWN
from planner.domain.person import CaseState
from planner.domain.release_outcome import check_outcome, follow_ups_due
from planner.domain.template import Template
from planner.store.repository import CaseStore
from tests.conftest import NOW, TODAY


def test_a_year_of_releases_with_every_outcome_checked(template: Template) -> None:
    released = build_released(TODAY, template)
    assert len(released) == 120
    days = [r.outcome.released_on for r in released]
    assert min(days) >= TODAY - timedelta(days=366) and max(days) < TODAY
    assert all(day.weekday() < 5 for day in days)
    for r in released:
        check_outcome(r.outcome, template, r.person)
        assert (
            r.person.state is CaseState.RELEASED and r.person.release_date == r.outcome.released_on
        )
        for measure_id, follow_up in r.outcome.follow_ups.items():
            due = template.outcomes_by_id[measure_id].due_on(r.outcome.released_on)
            assert due is not None and due <= follow_up.recorded_on <= TODAY


def test_the_answers_vary_as_real_figures_do(template: Template) -> None:
    released = build_released(TODAY, template)
    first_night = Counter(r.outcome.answers["first_night"] for r in released)
    assert {"settled", "cas", "rough_sleeping", "other_homeless", UNKNOWN} <= set(first_night)
    employed = Counter(r.outcome.answer("employed_6w") for r in released)
    assert employed["yes"] and employed["no"] > employed["yes"] and employed[UNKNOWN]
    assert employed["not_available"]
    # Some follow-ups are still to ask, and only for those released long enough ago.
    waiting = [
        r
        for r in released
        if r.outcome.follow_ups.keys()
        != {
            m.id
            for m in template.follow_up_measures
            if m.applies_to(r.person) and (m.due_on(r.outcome.released_on) or TODAY) <= TODAY
        }
    ]
    assert waiting


def test_equality_fields_fill_every_group_a_report_needs(template: Template) -> None:
    people = [r.person for r in build_released(TODAY, template)]
    assert Counter(p.sex for p in people)[Sex.FEMALE] >= 10
    assert len({p.religion for p in people}) >= 6 and None in {p.religion for p in people}
    bands = Counter(p.sentence_band for p in people)
    assert all(count >= 5 for band, count in bands.items() if band is not None)
    ages = Counter(p.age_band_on(p.release_date) for p in people)
    assert len(ages) >= 6
    assert len({p.ethnicity for p in people}) >= 6


def test_the_sample_is_the_same_every_time(template: Template) -> None:
    assert build_released(TODAY, template) == build_released(TODAY, template)
    assert build_released(TODAY, template, seed=8) != build_released(TODAY, template)
    custody = build_demo_caseload(TODAY, template)
    assert all(c.person.sentence is not None or c.person.religion is not None for c in custody[:3])


def test_write_demo_adds_them_through_the_store(db_path: Path, template: Template) -> None:
    with CaseStore(db_path, officer=DEMO_OFFICER, clock=lambda: NOW) as store:
        cases = write_demo(store, template, TODAY, count=5, released=30)
        assert len(cases) == 5 and len(store) == 35
        released = [c for c in store.cases() if c.outcome is not None]
        assert len(released) == 30
        numbers = {c.number for c in store.cases()}
        assert len(numbers) == 35
        due = [d for c in released for d in follow_ups_due(c, template, TODAY)]
        assert due  # a few follow-ups still to ask
