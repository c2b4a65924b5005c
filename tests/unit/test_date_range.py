"""Every date planner keeps or works with is within 1900-01-01 .. 100 years from today."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from planner.cli import main
from planner.domain.calendar import format_day, release_day_risk
from planner.domain.case import Case
from planner.domain.checklist import Checklist
from planner.domain.dates import EARLIEST, latest, parse_date
from planner.domain.errors import InvalidInput, describe_validation_error
from planner.domain.evidence import check_evidence, parse_evidence_value
from planner.domain.gaps import evaluate
from planner.domain.person import CaseState
from planner.domain.template import FieldType, Template
from planner.domain.validated import STORED_RECORD
from planner.store.repository import CaseStore
from tests.conftest import make_person

LAST = latest()


def test_the_range_runs_from_1900_to_100_years_ahead() -> None:
    assert parse_date("1900-01-01") == EARLIEST
    assert parse_date(LAST.isoformat()) == LAST
    assert LAST.year == date.today().year + 100
    assert latest(date(2000, 2, 29)) == date(2100, 2, 28)  # 2100 is not a leap year
    assert latest(date(2024, 2, 29)) == date(2124, 2, 29)


@pytest.mark.parametrize("typed", ["9999-12-31", "31/12/9999", "0001-01-01", "1899-12-31"])
def test_a_typed_date_outside_it_is_refused_naming_the_field(typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_date(typed, "--release")
    message = str(caught.value)
    assert message.startswith("--release: ") and "is not between 1900-01-01 and" in message


def test_the_day_after_the_last_is_refused() -> None:
    day_after = date.fromordinal(LAST.toordinal() + 1)
    with pytest.raises(InvalidInput, match="not between"):
        parse_date(day_after.isoformat())


@pytest.mark.parametrize(
    ("fields", "start"),
    [
        ({"release": date(9999, 12, 31)}, "release_date: 9999-12-31 is not between 1900-01-01"),
        ({"release": date(1, 1, 1)}, "release_date: 0001-01-01 is not between"),
        ({"date_of_birth": date(1899, 12, 31)}, "date_of_birth: 1899-12-31 is not between"),
        ({"date_of_birth": date(date.today().year + 1, 1, 1)}, "date_of_birth: "),
    ],
)
def test_a_person_refuses_it_whoever_builds_one(fields: dict[str, Any], start: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make_person(**fields)
    message = describe_validation_error(caught.value)
    assert message.startswith(start)
    if fields.get("date_of_birth", EARLIEST) > date.today():
        assert message.endswith("is in the future")


def test_a_person_copied_with_a_far_date_is_refused() -> None:
    with pytest.raises(ValidationError, match="release_date"):
        make_person().model_copy(update={"release_date": date(9999, 12, 31)})


def test_evidence_dates_are_in_the_range(template: Template) -> None:
    item = next(i for i in template.items if any(f.type is FieldType.DATE for f in i.evidence))
    field = next(f for f in item.evidence if f.type is FieldType.DATE)
    with pytest.raises(InvalidInput, match=f"field {field.name}: 9999-12-31 is not between"):
        parse_evidence_value(field, "31/12/9999")
    with pytest.raises(InvalidInput, match=f"item {item.id} field {field.name}: 0001-01-01 is"):
        check_evidence(item, {field.name: "0001-01-01"})
    check_evidence(item, {field.name: EARLIEST.isoformat()})


DAYS = st.dates(min_value=EARLIEST, max_value=LAST)


@settings(max_examples=150, deadline=None)
@given(release=st.one_of(st.none(), DAYS), today=DAYS, created=DAYS)
def test_nothing_overflows_for_an_extreme_but_valid_date(
    template: Template, release: date | None, today: date, created: date
) -> None:
    """The gap engine and the calendar count days back and forth from any of them."""
    made = datetime.combine(created, time(9), tzinfo=UTC)
    for state in (CaseState.ACTIVE, CaseState.RELEASED):
        case = Case(
            person=make_person(release=release, state=state),
            checklist=Checklist(template_id=template.id, template_version=template.version),
            created_at=made,
            updated_at=made,
        )
        evaluation = evaluate(case, template, today)
        for flag in evaluation.flags:
            assert flag.reason and flag.headline
    if release is not None:
        risk = release_day_risk(release)
        assert risk is None or format_day(release) in risk.description


# --- every entry point: the command line, an imported list -----------------------------------

NUMBER = "A1234BC"


def run(db: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "--officer", "Test Officer", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "planner.db"
    added = ("--number", NUMBER, "--surname", "Example", "--forename", "Alex")
    assert run(path, capsys, "add", *added, "--release", "2026-12-16")[0] == 0
    return path


def changes(db: Path) -> int:
    with CaseStore(db, read_only=True, auto_backup=False) as store:
        return store.change_number


TOMORROW = date.fromordinal(date.today().toordinal() + 1).isoformat()
NEW = ("add", "--number", "B2345CD", "--surname", "Brown", "--forename", "Bea")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((*NEW, "--release", "9999-12-31"), "--release: 9999-12-31 is not between 1900-01-01"),
        ((*NEW, "--release", "0001-01-01"), "--release: 0001-01-01 is not between"),
        ((*NEW, "--dob", "31/12/1899"), "--dob: 1899-12-31 is not between"),
        ((*NEW, "--dob", TOMORROW), f"--dob: {TOMORROW} is in the future"),
        (("update", NUMBER, "--release", "31/12/9999"), "--release: 9999-12-31 is not between"),
        (("update", NUMBER, "--dob", "0001-01-01"), "--dob: 0001-01-01 is not between"),
        (
            ("set", NUMBER, "bank.account", "in_progress", "--field", "date_applied=9999-12-31"),
            "field date_applied: 9999-12-31 is not between",
        ),
        (("--today", "9999-12-31", "list"), "'--today': 9999-12-31 is not between"),
        (("--today", "0001-01-01", "gaps"), "'--today': 0001-01-01 is not between"),
        (
            ("purge", "--released-before", "0001-01-01", "--yes"),
            "--released-before: 0001-01-01 is not between",
        ),
    ],
)
def test_the_command_line_refuses_a_date_out_of_range(
    db: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    before = changes(db)
    code, _out, err = run(db, capsys, *argv)
    assert code == 2 and message in err and err.count("\n") == 1, err
    assert changes(db) == before


def test_an_imported_date_out_of_range_is_a_bad_row(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    releases = tmp_path / "releases.csv"
    releases.write_text(
        "Prison Number,Surname,Forename,Date of Birth,Release Date\n"
        "B2345CD,Brown,Bea,17/05/1990,31/12/9999\n"
        "C3456DE,Cole,Cai,01/01/0001,04/12/2026\n",
        encoding="utf-8",
    )
    before = changes(db)
    code, _out, err = run(db, capsys, "import", str(releases))
    assert code == 2
    assert "line 2: Release Date: 9999-12-31 is not between 1900-01-01" in err
    assert "line 3: Date of Birth: 0001-01-01 is not between" in err
    assert changes(db) == before


def test_every_view_works_at_the_edges_of_the_range(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(db, capsys, "update", NUMBER, "--release", LAST.isoformat())[0] == 0
    for today in (EARLIEST.isoformat(), LAST.isoformat()):
        for argv in (("list", "--within", "3650"), ("gaps",), ("show", NUMBER)):
            code, _out, err = run(db, capsys, "--today", today, *argv)
            assert code == 0, err
        target = tmp_path / f"{today}.md"
        code, _out, err = run(
            db, capsys, "--today", today, "export", NUMBER, "-f", "md", "-o", str(target)
        )
        assert code == 0, err


def test_a_date_stored_before_the_range_breaks_no_listing(template: Template) -> None:
    """A release date of 9999-12-31 was once accepted; the flags of it must not overflow."""
    case = Case(
        person=make_person(),
        checklist=Checklist(template_id=template.id, template_version=template.version),
        created_at=datetime(2026, 11, 1, tzinfo=UTC),
        updated_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    doc = case.model_dump(mode="json")
    doc["person"]["release_date"] = "9999-12-31"
    old = Case.model_validate(doc, context=STORED_RECORD)
    assert release_day_risk(date(9999, 12, 31)) is None
    assert release_day_risk(date.max) is None
    evaluation = evaluate(old, template, date(2026, 11, 23))
    assert all(flag.reason for flag in evaluation.flags)
