"""Dates as officers type them (dd/mm/yy too), and evidence dates that cannot be right.

TODAY is Monday 23 November 2026; the person was born on 17 May 1990 and is released on
Wednesday 16 December 2026.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.cli import main
from planner.domain.dates import TWO_DIGIT_YEARS_AHEAD, full_year, parse_date
from planner.domain.errors import InvalidInput
from planner.domain.evidence import check_evidence_dates, evidence_date_problem
from planner.domain.template import EvidenceField, Template
from planner.store.repository import CaseStore
from tests.conftest import TODAY, make_person

PERSON = make_person()


def _field(template: Template, item_id: str, name: str) -> EvidenceField:
    field = template.item(item_id).field(name)
    assert field is not None
    return field


# --- two-digit years ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("04/12/26", date(2026, 12, 4)),
        ("4/1/27", date(2027, 1, 4)),
        ("17/05/90", date(1990, 5, 17)),
        ("01/01/00", date(2000, 1, 1)),
        ("04/12/2026", date(2026, 12, 4)),
        ("2026-12-04", date(2026, 12, 4)),
    ],
)
def test_dd_mm_yy_is_read_like_dd_mm_yyyy(typed: str, day: date) -> None:
    assert parse_date(typed, "--release") == day


def test_the_century_of_a_two_digit_year() -> None:
    in_2026 = date(2026, 11, 23)
    assert full_year(46, in_2026) == 2046  # up to 20 years ahead
    assert full_year(47, in_2026) == 1947  # otherwise the century before
    assert full_year(26, in_2026) == 2026
    assert full_year(99, date(2090, 1, 1)) == 2099
    assert full_year(10, date(2090, 1, 1)) == 2110
    assert full_year(11, date(2090, 1, 1)) == 2011


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 99), st.dates(date(1950, 1, 1), date(2100, 12, 31)))
def test_a_two_digit_year_names_the_year_in_its_hundred_year_window(two: int, today: date) -> None:
    year = full_year(two, today)
    assert year % 100 == two
    assert today.year + TWO_DIGIT_YEARS_AHEAD - 99 <= year <= today.year + TWO_DIGIT_YEARS_AHEAD


@pytest.mark.parametrize("typed", ["04/12/2", "04/12/202", "31/02/26", "4-12-26", "04/12/026"])
def test_other_shapes_are_still_refused_naming_the_field(typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_date(typed, "Date applied")
    assert str(caught.value).startswith("Date applied: ")


# --- plausibility -------------------------------------------------------------------------


def test_an_evidence_date_before_the_person_was_born_is_refused(template: Template) -> None:
    applied = _field(template, "id.documents", "date_applied")
    problem = evidence_date_problem(applied, date(1989, 1, 1), PERSON, TODAY)
    assert problem == "Sun 1 Jan 1989 is before the person's date of birth (Thu 17 May 1990)"
    assert evidence_date_problem(applied, date(1990, 5, 17), PERSON, TODAY) is None


def test_a_date_of_something_that_has_happened_is_not_after_today(template: Template) -> None:
    received = _field(template, "id.documents", "date_received")
    assert evidence_date_problem(received, TODAY, PERSON, TODAY) is None
    assert evidence_date_problem(received, date(2026, 11, 24), PERSON, TODAY) == (
        "Tue 24 Nov 2026 is after today (Mon 23 Nov 2026): date received is a day that has "
        "already happened"
    )


def test_an_appointment_may_lie_ahead_but_not_years_after_release(template: Template) -> None:
    appointment = _field(template, "accommodation.cas_referral", "booking_start")
    assert evidence_date_problem(appointment, date(2026, 12, 17), PERSON, TODAY) is None
    assert evidence_date_problem(appointment, date(2027, 12, 16), PERSON, TODAY) is None
    assert evidence_date_problem(appointment, date(2027, 12, 17), PERSON, TODAY) == (
        "Fri 17 Dec 2027 is more than a year after release (Wed 16 Dec 2026)"
    )
    # with release passed or unknown, a year from today
    unknown = make_person(release=None)
    assert evidence_date_problem(appointment, date(2027, 11, 25), unknown, TODAY) == (
        "Thu 25 Nov 2027 is more than a year after today (Mon 23 Nov 2026)"
    )


def test_check_evidence_dates_names_the_field(template: Template) -> None:
    item = template.item("id.documents")
    check_evidence_dates(item, {"date_applied": "2026-11-02", "funded_by": "x"}, PERSON, TODAY)
    check_evidence_dates(item, {"date_received": None}, PERSON, TODAY)  # clearing is fine
    with pytest.raises(InvalidInput, match=r"^field date_received: Mon 30 Nov 2026 is after"):
        check_evidence_dates(item, {"date_received": "2026-11-30"}, PERSON, TODAY)


# --- from the command line ----------------------------------------------------------------


def _run(db: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "--officer", "Test Officer", "--today", "2026-11-23", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, template: Template) -> Path:
    path = tmp_path / "planner.db"
    with CaseStore(path, officer="Test Officer") as store:
        store.add(make_person(), template)
    return path


def test_set_takes_dd_mm_yy(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(
        db,
        capsys,
        "set",
        "A1234BC",
        "id.documents",
        "in_progress",
        "--field",
        "date_applied=02/11/26",
    )
    assert (code, err) == (0, "")
    with CaseStore(db) as store:
        assert store.get("A1234BC").checklist.item("id.documents").evidence == {
            "date_applied": "2026-11-02"
        }


@pytest.mark.parametrize(
    ("assignment", "words"),
    [
        ("date_received=01/12/2026", "field date_received: Tue 1 Dec 2026 is after today"),
        ("date_applied=01/01/1985", "field date_applied: Tue 1 Jan 1985 is before the person's"),
    ],
)
def test_set_refuses_an_implausible_date_with_one_line(
    db: Path, capsys: pytest.CaptureFixture[str], assignment: str, words: str
) -> None:
    code, _out, err = _run(
        db, capsys, "set", "A1234BC", "id.documents", "done", "--field", assignment
    )
    assert code == 2
    assert words in err and len(err.strip().splitlines()) == 1
    with CaseStore(db) as store:  # nothing written
        assert store.get("A1234BC").checklist.item("id.documents").rev == 0
