"""The sample caseload: realistic, deterministic, and never mixed with real records."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from planner.demo import (
    DEMO_OFFICER,
    DEMO_PRISON,
    DemoCase,
    DemoRefused,
    build_demo_caseload,
    check_database,
    is_demo_database,
    write_demo,
)
from planner.domain.calendar import ReleaseDayRiskKind, release_day_risk_kind
from planner.domain.equality import Sex
from planner.domain.gaps import FlagKind
from planner.domain.status import ItemStatus
from planner.domain.template import FieldType, Template
from planner.store.repository import CaseStore
from tests.conftest import NOW, TODAY, make_person


@pytest.fixture(scope="module")
def caseload(template: Template) -> list[DemoCase]:
    return build_demo_caseload(TODAY, template)


@pytest.fixture
def demo_store(db_path: Path) -> Iterator[CaseStore]:
    with CaseStore(db_path, officer=DEMO_OFFICER, clock=lambda: NOW) as opened:
        yield opened


def days_left(case: DemoCase) -> int | None:
    release = case.person.release_date
    return None if release is None else (release - TODAY).days


def test_about_forty_distinct_people(caseload: list[DemoCase]) -> None:
    assert len(caseload) == 40
    assert len({c.person.number for c in caseload}) == 40
    assert len({(c.person.forename, c.person.surname) for c in caseload}) == 40
    assert all(c.person.prison == DEMO_PRISON for c in caseload)
    assert all(c.person.location for c in caseload)


def test_every_stage_from_sixteen_weeks_to_two_days(caseload: list[DemoCase]) -> None:
    days = [d for c in caseload if (d := days_left(c)) is not None]
    ahead = [d for d in days if d >= 0]
    assert max(ahead) >= 105 and min(ahead) <= 3
    assert min(ahead) >= 2
    for start in range(0, 112, 14):  # someone in every fortnight before release
        assert any(start <= d < start + 14 for d in ahead), start
    assert sum(1 for c in caseload if c.person.release_date is None) == 1
    assert sum(1 for d in days if d < 0) == 1


def test_release_days_include_fridays_and_the_day_before_a_bank_holiday(
    caseload: list[DemoCase],
) -> None:
    kinds = [
        release_day_risk_kind(c.person.release_date)
        for c in caseload
        if c.person.release_date is not None and c.person.release_date >= TODAY
    ]
    assert kinds.count(ReleaseDayRiskKind.FRIDAY) >= 3
    # TODAY is 23 Nov 2026: Christmas Day 2026 is a Friday, so Thursday 24 Dec.
    assert ReleaseDayRiskKind.BEFORE_BANK_HOLIDAY in kinds
    assert any(c.person.release_date == date(2026, 12, 24) for c in caseload)


def test_circumstances_cover_the_special_cases(caseload: list[DemoCase]) -> None:
    people = [c.person for c in caseload]
    circ = [p.circumstances for p in people]
    assert sum(c.veteran for c in circ) >= 2
    assert sum(c.foreign_national for c in circ) >= 2
    assert sum(c.on_medication for c in circ) >= 5
    assert sum(c.dependants for c in circ) >= 3
    care_leavers = [p for p in people if p.circumstances.care_leaver]
    assert care_leavers
    for person in care_leavers:
        age = person.age_on(person.release_date or TODAY)
        assert age is not None and age < 25


def test_evidence_is_valid_for_the_template(caseload: list[DemoCase], template: Template) -> None:
    for case in caseload:
        for item in case.items:
            spec = template.item(item.item_id)
            if item.status.needs_reason and item.status is not ItemStatus.NOT_REQUIRED:
                assert item.reason.strip(), (case.person.number, item.item_id)
            for name, value in item.evidence.items():
                field = spec.field(name)
                assert field is not None, (item.item_id, name)
                if field.type is FieldType.YES_NO:
                    assert isinstance(value, bool)
                    continue
                assert isinstance(value, str) and value.strip()
                if field.type is FieldType.CHOICE:
                    assert value in {c.value for c in field.choices}, (item.item_id, name)
                elif field.type is FieldType.DATE:
                    _assert_date_plausible(case, name, date.fromisoformat(value), TODAY)


def _assert_date_plausible(case: DemoCase, name: str, day: date, today: date) -> None:
    """Appointments fall after release; every other recorded date has already happened."""
    if name in ("appointment_date", "booking_start"):
        release = case.person.release_date
        assert release is not None and day >= release, (case.person.number, name, day)
    else:
        assert day <= today, (case.person.number, name, day)


def test_progress_fits_the_stage(caseload: list[DemoCase], template: Template) -> None:
    def resolved_share(cases: list[DemoCase]) -> float:
        done = sum(1 for c in cases for i in c.items if i.status.resolved)
        applicable = sum(len(template.items) for _ in cases)
        return done / applicable

    near = [c for c in caseload if (d := days_left(c)) is not None and 0 <= d <= 21]
    far = [c for c in caseload if (d := days_left(c)) is not None and d >= 84]
    assert near and far
    assert resolved_share(near) > 0.5
    assert resolved_share(far) < 0.25


def test_deterministic_for_a_seed_and_a_day(template: Template, caseload: list[DemoCase]) -> None:
    assert build_demo_caseload(TODAY, template) == caseload
    other = build_demo_caseload(TODAY, template, seed=8)
    assert [c.person for c in other] != [c.person for c in caseload]
    later = build_demo_caseload(TODAY + timedelta(days=7), template)
    assert later[0].person.release_date != caseload[0].person.release_date


@pytest.mark.parametrize(
    "today",
    [date(2027, 6, 15), date(2027, 3, 1), date(2026, 12, 31), date(2028, 2, 29)],
)
def test_any_day_gives_valid_people(template: Template, today: date) -> None:
    cases = build_demo_caseload(today, template, count=40)
    assert len(cases) == 40
    for case in cases:
        release = case.person.release_date
        assert release is None or release < today or (release - today).days >= 2
        for item in case.items:
            for name, value in item.evidence.items():
                field = template.item(item.item_id).field(name)
                if field is not None and field.type is FieldType.DATE:
                    assert isinstance(value, str)
                    _assert_date_plausible(case, name, date.fromisoformat(value), today)


@pytest.mark.parametrize("count", [1, 2, 3, 12, 120])
def test_other_counts(template: Template, count: int) -> None:
    cases = build_demo_caseload(TODAY, template, count=count)
    assert len(cases) == count
    assert len({c.person.number for c in cases}) == count


def test_count_out_of_range_is_refused(template: Template) -> None:
    with pytest.raises(ValueError, match="count"):
        build_demo_caseload(TODAY, template, count=0)


def test_the_released_demo_people_have_follow_ups_still_to_record(
    demo_store: CaseStore, template: Template
) -> None:
    write_demo(demo_store, template, TODAY, count=10, released=60)
    follow_ups = [f for f in demo_store.all_flags(TODAY) if f.kind is FlagKind.FOLLOW_UP]
    assert follow_ups  # a newcomer sees what a follow-up flag looks like
    released = {s.number for s in demo_store.summaries() if s.state == "released"}
    assert {f.number for f in follow_ups} <= released


def test_written_demo_raises_every_kind_of_flag(demo_store: CaseStore, template: Template) -> None:
    cases = write_demo(demo_store, template, TODAY)
    assert len(demo_store) == len(cases) == 40
    kinds = {flag.kind for flag in demo_store.all_flags(TODAY)}
    assert kinds == set(FlagKind) - {FlagKind.FOLLOW_UP}  # in custody: nothing to follow up
    # What was written is what was built.
    for case in cases:
        stored = demo_store.get(case.person.number)
        assert stored.person == case.person
        for item in case.items:
            record = stored.checklist.item(item.item_id)
            assert record.status is item.status
            assert record.evidence == item.evidence
            assert record.changed_by == DEMO_OFFICER


def test_every_change_is_made_by_the_demo_officer(
    demo_store: CaseStore, template: Template
) -> None:
    write_demo(demo_store, template, TODAY, count=6)
    history = demo_store.history()
    assert history and {entry.by for entry in history} == {DEMO_OFFICER}
    assert is_demo_database(demo_store)
    assert check_database(demo_store).demo == 6


def test_refuses_a_database_with_real_records(db_path: Path, template: Template) -> None:
    with CaseStore(db_path, officer="Test Officer", clock=lambda: NOW) as real:
        real.add(make_person(), template)
    before = {
        p: p.read_bytes() for p in db_path.parent.iterdir() if p.is_file() and p.suffix != ".lock"
    }
    with CaseStore(db_path, officer=DEMO_OFFICER) as store:
        assert not is_demo_database(store)
        assert check_database(store).real == ["A1234BC"]
        for replace in (False, True):
            with pytest.raises(DemoRefused, match="1 real record"):
                write_demo(store, template, TODAY, replace=replace)
        assert store.numbers() == ["A1234BC"]
    after = {
        p: p.read_bytes() for p in db_path.parent.iterdir() if p.is_file() and p.suffix != ".lock"
    }
    assert after == before


def test_refuses_a_mixed_database_even_when_most_cases_are_samples(
    demo_store: CaseStore, db_path: Path, template: Template
) -> None:
    write_demo(demo_store, template, TODAY, count=5)
    with CaseStore(db_path, officer="Test Officer") as real:
        real.add(make_person("Z9999ZZ"), template)
    check = check_database(demo_store)
    assert (check.demo, check.real) == (5, ["Z9999ZZ"])
    with pytest.raises(DemoRefused):
        write_demo(demo_store, template, TODAY, replace=True)


def test_an_existing_sample_is_replaced_only_when_asked(
    demo_store: CaseStore, template: Template
) -> None:
    write_demo(demo_store, template, TODAY, count=5)
    with pytest.raises(DemoRefused, match="--force"):
        write_demo(demo_store, template, TODAY, count=5)
    second = write_demo(demo_store, template, TODAY, count=7, seed=8, replace=True)
    assert len(demo_store) == 7
    assert demo_store.numbers() == sorted(c.person.number for c in second)
    assert is_demo_database(demo_store)


def test_the_store_must_act_as_the_demo_officer(store: CaseStore, template: Template) -> None:
    with pytest.raises(ValueError, match=DEMO_OFFICER):
        write_demo(store, template, TODAY)
    assert len(store) == 0


def test_names_sex_and_wing_agree(caseload: list[DemoCase]) -> None:
    for case in caseload:
        person = case.person
        on_womens_wing = person.location.startswith("F-")
        if person.sex is Sex.FEMALE:
            assert on_womens_wing, person.number
        elif person.sex is Sex.MALE:
            assert not on_womens_wing, person.number


def test_most_people_have_a_com_and_a_few_show_the_flag(
    caseload: list[DemoCase], demo_store: CaseStore, template: Template
) -> None:
    """Most people have their COM on record (with a PDU, a phone and an email, all
    invented), the one the allocation item names; a few, not yet allocated, have none, and
    those close to release carry the missing-COM flag."""
    with_com = [c for c in caseload if c.person.community_offender_manager.name]
    assert len(with_com) >= 0.7 * len(caseload)
    for case in with_com:
        com = case.person.community_offender_manager
        allocation = next(i for i in case.items if i.item_id == "handover.com_allocated")
        assert allocation.evidence["com_name"] == com.name
        assert com.unit.endswith(" PDU") and com.unit == allocation.evidence["pdu"]
        assert com.email.endswith("@probation.example.org")
        # Ofcom's drama ranges: no real office is ever rung.
        assert re.fullmatch(r"(0113 496 0|0114 496 0|01632 960)\d{3}", com.phone), com.phone
        pom = case.person.prison_offender_manager
        assert pom.name and pom.name != com.name and pom.email.endswith("@example.org")
    write_demo(demo_store, template, TODAY)
    flagged = {f.number for f in demo_store.all_flags(TODAY) if f.kind is FlagKind.NO_COM}
    without = {c.person.number for c in caseload} - {c.person.number for c in with_com}
    assert 2 <= len(flagged) <= 6 and flagged <= without
