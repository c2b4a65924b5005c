"""The reports as data: each measure against hand-computed values on fixed caseloads,
suppression in them, readiness by section, the calendar, and the audit of every run."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from planner.demo import DEMO_OFFICER, write_demo
from planner.domain.person import Circumstances
from planner.domain.statistics import wilson
from planner.domain.suppression import Hidden, ThresholdTooLow
from planner.domain.template import Template
from planner.reports.audit import REPORT_FIELD, record_run
from planner.reports.calendar import calendar_report
from planner.reports.groups import grouping
from planner.reports.outcomes import outcomes_report
from planner.reports.readiness import readiness_report
from planner.reports.subjects import wing_of
from planner.store.repository import CaseStore
from tests.conftest import NOW, TODAY
from tests.report_caseload import add_due, add_released, numbers

FIRST, LAST = date(2026, 1, 1), TODAY
RELEASED = date(2026, 11, 2)
EVERYONE = grouping("everyone")
SEX = grouping("sex")

# Twelve men released: where each slept the first night, and in work at 6 weeks.
FIRST_NIGHTS = [
    "settled",
    "settled",
    "temporary",
    "cas",
    "bail_probation",
    "settled",
    "rough_sleeping",
    "rough_sleeping",
    "other_homeless",
    "unknown",
    "unknown",
    None,  # never answered: unknown
]
EMPLOYED = ["yes"] * 3 + ["no"] * 3 + ["not_available"] * 3 + ["unknown", None, None]


@pytest.fixture
def released(store: CaseStore, template: Template) -> CaseStore:
    ids = numbers()
    for n in range(12):
        night, employed = FIRST_NIGHTS[n], EMPLOYED[n]
        answers = {"first_night": night} if night else {}
        follow_ups = {"employed_6w": employed} if employed else {}
        add_released(
            store,
            template,
            next(ids),
            released_on=RELEASED,
            answers=answers,
            follow_ups=follow_ups,
            circumstances=Circumstances(on_medication=n < 8),
            sex="male",
        )
    return store


def test_housed_on_release_excludes_rough_sleeping_and_other_homeless(
    released: CaseStore, template: Template
) -> None:
    report = outcomes_report(released, EVERYONE, first=FIRST, last=LAST, threshold=3)
    housed = next(m for m in report.measures if m.spec.id == "first_night")
    counts = {c: housed.cell("all", c).count for c in ("yes", "no", "unknown")}
    assert counts == {"yes": 6, "no": 3, "unknown": 3}
    rate = housed.rates[0].rate
    assert rate is not None and (rate.count, rate.denominator, rate.unknown) == (6, 9, 3)
    assert rate.rate == pytest.approx(2 / 3)  # unknowns are not in the denominator
    interval = rate.interval
    assert interval is not None and interval == wilson(6, 9)
    # Wilson (1927) for 6 of 9: 35.4% to 87.9% (Newcombe 1998, method 3)
    assert (round(interval.low, 3), round(interval.high, 3)) == (0.354, 0.879)
    assert housed.overall.rate == rate
    assert report.people.count == 12


def test_at_the_default_threshold_counts_under_five_are_hidden(released: CaseStore) -> None:
    report = outcomes_report(released, EVERYONE, first=FIRST, last=LAST, threshold=5)
    housed = next(m for m in report.measures if m.spec.id == "first_night")
    assert housed.cell("all", "no").hidden is Hidden.FEWER_THAN
    assert housed.cell("all", "no").text(5) == "fewer than 5"
    assert housed.rates[0].rate is None


def test_employment_leaves_out_the_unavailable_and_the_unknown(released: CaseStore) -> None:
    report = outcomes_report(released, EVERYONE, first=FIRST, last=LAST, threshold=3)
    employed = next(m for m in report.measures if m.spec.id == "employed_6w")
    cells = {c.key: employed.cell("all", c.key).count for c in employed.spec.columns}
    assert cells == {"yes": 3, "no": 3, "excluded": 3, "unknown": 3}
    rate = employed.rates[0].rate
    assert rate is not None and rate.rate == 0.5 and rate.denominator == 6


def test_a_measure_for_some_people_counts_the_others_apart(released: CaseStore) -> None:
    report = outcomes_report(released, EVERYONE, first=FIRST, last=LAST, threshold=3)
    medication = next(m for m in report.measures if m.spec.id == "medication")
    cells = {c.key: medication.cell("all", c.key).count for c in medication.spec.columns}
    # eight on medication, never answered: unknown; the other four: not applicable
    assert cells == {"yes": 0, "no": 0, "unknown": 8, "not_applicable": 4}
    assert medication.rates[0].rate is None  # nobody's outcome known


def test_releases_outside_the_dates_are_not_counted(released: CaseStore) -> None:
    report = outcomes_report(
        released, EVERYONE, first=RELEASED + timedelta(days=1), last=LAST, threshold=5
    )
    assert report.people.count == 0


def test_one_woman_among_many_men_reveals_nothing(released: CaseStore, template: Template) -> None:
    add_released(
        released,
        template,
        "W1234WA",
        released_on=RELEASED,
        answers={"first_night": "rough_sleeping", "bank": "no"},
        sex="female",
    )
    report = outcomes_report(released, SEX, first=FIRST, last=LAST, threshold=5)
    assert [g.key for g in report.groups] == ["female", "male"]
    for measure in report.measures:
        table = measure.table
        assert table.row_total("female").count is None
        for column, cell in zip(table.columns, table.cells[0], strict=True):
            # a shown cell of hers is only a 0 that is 0 for everyone in the report
            assert cell.count is None or table.column_total(column).count == 0, measure.spec.id
        assert measure.rates[0].rate is None
        # her counts are not a subtraction away: the men's size or the total is hidden too
        shown = [table.row_total("male"), table.grand_total]
        assert any(cell.count is None for cell in shown)
        for column in table.columns:
            column_shown = [table.column_total(column), table.cell("male", column)]
            assert any(c.count is None for c in column_shown) or (
                table.column_total(column).count == table.cell("male", column).count == 0
            )


def test_a_report_on_fewer_than_the_threshold_shows_nothing(
    store: CaseStore, template: Template
) -> None:
    add_released(store, template, "A1234BC", released_on=RELEASED, sex="female")
    report = outcomes_report(store, SEX, first=FIRST, last=LAST, threshold=5)
    assert report.withheld
    assert all(
        c.hidden is Hidden.TABLE for m in report.measures for row in m.table.cells for c in row
    )


def test_the_threshold_is_never_below_three(released: CaseStore) -> None:
    with pytest.raises(ThresholdTooLow):
        outcomes_report(released, SEX, first=FIRST, last=LAST, threshold=2)


def test_readiness_by_section(store: CaseStore, template: Template) -> None:
    ids = numbers()
    for n in range(15):
        add_due(
            store,
            template,
            next(ids),
            resolve=("bank",) if n < 10 else (),
            everything=n < 5,
            sex="male",
        )
    add_due(store, template, next(ids), release=TODAY + timedelta(days=100), everything=True)
    report = readiness_report(store, TODAY, EVERYONE, threshold=5)
    assert report.people.count == 15  # the 16th is due after the 12 weeks
    by_id = {m.spec.id: m for m in report.measures}
    overall = by_id["overall"]
    assert (overall.cell("all", "ready").count, overall.cell("all", "not_ready").count) == (5, 10)
    assert overall.rates[0].rate is not None and overall.rates[0].rate.rate == pytest.approx(1 / 3)
    bank = by_id["bank"]
    assert [bank.cell("all", c).count for c in ("ready", "not_ready", "not_applicable")] == [
        10,
        5,
        0,
    ]
    assert bank.spec.label == template.section_title("bank")


def test_readiness_hides_a_small_group(store: CaseStore, template: Template) -> None:
    ids = numbers()
    for _ in range(12):
        add_due(store, template, next(ids), sex="male")
    add_due(store, template, next(ids), sex="female", everything=True)
    report = readiness_report(store, TODAY, SEX, threshold=5)
    for measure in report.measures:
        table = measure.table
        for column, cell in zip(table.columns, table.cells[0], strict=True):
            assert cell.count is None or table.column_total(column).count == 0
        assert table.row_total("female").count is None
        assert measure.rates[0].rate is None


def test_calendar_marks_and_hides_the_readiness_of_few(
    store: CaseStore, template: Template
) -> None:
    ids = numbers()
    friday = date(2026, 11, 27)
    for _ in range(5):
        add_due(store, template, next(ids), release=friday)
    add_due(store, template, next(ids), release=date(2026, 11, 25))  # a Wednesday
    add_due(store, template, next(ids), release=date(2026, 11, 28))  # a Saturday
    add_due(store, template, next(ids), release=date(2026, 12, 24))  # before Christmas
    report = calendar_report(store, TODAY, weeks=6, threshold=5)
    days = {row.day: row for row in report.days}
    assert [m.value for m in days[friday].marks] == ["friday"]
    assert days[friday].dated == 5 and days[friday].expected == 6  # Saturday's brought forward
    assert days[friday].readiness is not None and not days[friday].readiness_hidden
    wednesday = days[date(2026, 11, 25)]
    assert wednesday.expected == 1 and wednesday.readiness is None and wednesday.readiness_hidden
    assert [m.value for m in days[date(2026, 11, 28)].marks] == ["weekend"]
    assert "before_bank_holiday" in [m.value for m in days[date(2026, 12, 24)].marks]
    assert report.dated == 8


def test_every_run_is_audited_without_its_figures(released: CaseStore) -> None:
    report = outcomes_report(released, SEX, first=FIRST, last=LAST, threshold=5)
    record_run(released, "outcomes", {"by": "sex", "from": FIRST, "to": LAST, "threshold": 5})
    (entry,) = [e for e in released.history() if e.field == REPORT_FIELD]
    assert entry.by == "Test Officer" and entry.case is None
    assert (
        entry.new == "ran the outcomes report (by sex, from 2026-01-01, to 2026-11-23, threshold 5)"
    )
    figures = {str(report.people.count), "12", "67%", "0.67"}
    assert not any(
        f in str(entry.new).replace("2026-11-23", "").replace("2026-01-01", "") for f in figures
    )
    released.close()
    with CaseStore(released.path, officer="Test Officer") as again:  # the chain still holds
        assert again.integrity_problem is None


def test_location_groups_by_wing_and_pools_the_small_ones(
    store: CaseStore, template: Template
) -> None:
    assert [wing_of(x) for x in ("B-2-014", "HB1/3/12", "Healthcare", " ", "[red]-1")] == [
        "B",
        "HB1",
        "Healthcare",
        None,
        "[red]",
    ]
    ids = numbers()
    for n in range(14):
        location = "A-1-001" if n < 6 else ("B-2-010" if n < 12 else f"C-{n}-001")
        add_due(store, template, next(ids), location=location)
    add_due(store, template, next(ids), location="[red]-1-001")
    report = readiness_report(store, TODAY, grouping("location"), threshold=5)
    assert [g.label for g in report.groups] == ["A", "B", "Others together (smaller groups)"]
    assert report.people.count == 15


def test_the_demo_caseload_shows_real_looking_figures(db_path: Path, template: Template) -> None:
    with CaseStore(db_path, officer=DEMO_OFFICER, clock=lambda: NOW) as store:
        write_demo(store, template, TODAY, count=5, released=120)
        report = outcomes_report(
            store, EVERYONE, first=TODAY - timedelta(days=366), last=TODAY, threshold=5
        )
        by_sex = outcomes_report(
            store, SEX, first=TODAY - timedelta(days=366), last=TODAY, threshold=5
        )
    assert report.people.count == 120
    shown = [m for m in report.measures if m.overall.rate is not None]
    assert len(shown) >= 8  # most measures have a rate everyone can see
    housed = report.measures[0].overall.rate
    assert housed is not None and 0.5 < (housed.rate or 0) < 1
    assert {g.key for g in by_sex.groups} >= {"female", "male"}
    assert any(rate.rate is not None for m in by_sex.measures for rate in m.rates)
