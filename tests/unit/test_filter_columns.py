"""The filter's fast path over columns lists exactly the people the plain evaluation
lists: any filter, any rows of a real caseload in any order, as the store's summaries and
as the caseload screen's rows, with the columns made as a filter needs them or all made
beforehand."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.demo import DEMO_OFFICER, write_demo
from planner.domain.filter_terms import Filter
from planner.domain.filtering import CaseloadFilter, CaseloadRow, FilterColumns
from planner.domain.filters import Vocabulary, parse_filter
from planner.domain.flags import FlagKind, Severity
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store.repository import CaseStore
from planner.store.summary import CaseSummary
from planner.tui.caseload_rows import CaseRow, build_rows, row_flags
from tests.conftest import NOW, TODAY
from tests.filter_people import OFFICER, add_filter_people

STATUSES = [s.value for s in ItemStatus]
FLAG_WORDS = [s.value for s in Severity] + [k.value for k in FlagKind]
PERSON_CONDITIONS = [
    "surname contains o",
    "surname starts with s",
    "forename != alex",
    "location starts with b",
    "location is empty",
    "state = active",
    "state != released",
    "release_kind in (crd, hdc)",
    "number starts with a",
    "assigned = me",
    "assigned is empty",
    "assigned != me",
    "prison is not empty",
    "crn is empty",
    "sex = female",
    "com is empty",
    "pom is not empty",
    "date_of_birth after 1995-01-01",
]
EVIDENCE_CONDITIONS = [
    "accommodation.address.accommodation_type in (no_fixed_abode, rough_sleeping)",
    "accommodation.address.accommodation_type not in (no_fixed_abode, rough_sleeping)",
    "accommodation.address.accommodation_type = no_fixed_abode",
    "accommodation.address.accommodation_type != settled",
    "accommodation.address.accommodation_type is empty",
    "accommodation.address.accommodation_type is not empty",
    "id.documents.date_received is empty",
    "id.documents.date_applied within last 60",
    "accommodation.duty_to_refer.consent != yes",
    "benefits.uc_appointment.appointment after today",
]


@st.composite
def conditions(draw: st.DrawFn, items: list[str]) -> str:
    kind = draw(st.sampled_from(["release", "status", "evidence", "person", "flag"]))
    if kind == "release":
        days = draw(st.integers(0, 200))
        day = TODAY + timedelta(days=draw(st.integers(-120, 200)))
        return draw(
            st.sampled_from(
                [
                    f"release within {days}",
                    f"release within last {days}",
                    f"release before {day}",
                    f"release after {day}",
                    f"release = {day}",
                    "release is empty",
                    "release is not empty",
                    "release before today",
                ]
            )
        )
    if kind == "status":
        item = draw(st.sampled_from(items))
        op = draw(
            st.sampled_from(["=", "!=", "in", "not in", "is applicable", "is not applicable"])
        )
        if op in ("is applicable", "is not applicable"):
            return f"{item} {op}"
        if op in ("in", "not in"):
            values = draw(st.lists(st.sampled_from(STATUSES), min_size=1, max_size=3, unique=True))
            return f"{item} {op} ({', '.join(values)})"
        return f"{item} {op} {draw(st.sampled_from(STATUSES))}"
    if kind == "flag":
        op = draw(st.sampled_from(["=", "!=", "in", "not in", "is empty", "is not empty"]))
        if op.startswith("is"):
            return f"flag {op}"
        words = draw(st.lists(st.sampled_from(FLAG_WORDS), min_size=1, max_size=3, unique=True))
        return f"flag {op} ({', '.join(words)})" if "in" in op else f"flag {op} {words[0]}"
    return draw(st.sampled_from(EVIDENCE_CONDITIONS if kind == "evidence" else PERSON_CONDITIONS))


@pytest.fixture(scope="module")
def caseload(tmp_path_factory: pytest.TempPathFactory, template: Template) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("columns") / "planner.db"
    with CaseStore(path, officer=DEMO_OFFICER, clock=lambda: NOW) as store:
        write_demo(store, template, TODAY, count=40)
        add_filter_people(store, template)
        numbers = store.numbers()
        store.assign(numbers[::3], OFFICER)
        store.assign(numbers[1::5], "Another Officer")
    yield path


@pytest.fixture(scope="module")
def read(caseload: Path) -> Iterator[tuple[CaseStore, list[CaseSummary], Vocabulary]]:
    with CaseStore(caseload, read_only=True, auto_backup=False) as store:
        summaries = store.summaries()
        vocabulary = Vocabulary([store.template(k) for k in store.stored_templates()])
        yield store, summaries, vocabulary


def engine_for(store: CaseStore, today: date, *, rows_flags: bool = False) -> CaseloadFilter:
    return CaseloadFilter(
        today=today,
        template_for=store.template,
        records=store.raw_records,
        officer=OFFICER,
        flags_of=row_flags if rows_flags else None,
    )


def numbers(rows: Sequence[CaseloadRow]) -> list[str]:
    return [row.number for row in rows]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_columns_list_what_the_plain_evaluation_lists(
    read: tuple[CaseStore, list[CaseSummary], Vocabulary], data: st.DataObject
) -> None:
    store, summaries, vocabulary = read
    items = [item.id for item in store.template(summaries[0].template_key).items]
    texts = data.draw(st.lists(conditions(items), min_size=1, max_size=3), label="filter")
    wanted = parse_filter(" and ".join(texts), vocabulary)
    rows: list[CaseloadRow] = data.draw(st.permutations(summaries), label="rows")
    rows = rows[: data.draw(st.integers(0, len(rows)), label="how many")]
    today = TODAY + timedelta(days=data.draw(st.integers(-30, 30), label="days from today"))
    plain = numbers(engine_for(store, today).select(wanted, rows))
    columns = FilterColumns(rows)
    engine = engine_for(store, today)
    if data.draw(st.booleans(), label="columns made beforehand"):
        engine.prepare(columns, items)
    assert numbers(engine.select_columns(wanted, columns)) == plain
    assert numbers(engine.select_columns(wanted, columns)) == plain  # columns kept


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_the_caseload_screens_rows_agree(
    read: tuple[CaseStore, list[CaseSummary], Vocabulary], data: st.DataObject
) -> None:
    """The rows the UI filters carry their flags: the columns read those."""
    store, summaries, vocabulary = read
    items = [item.id for item in store.template(summaries[0].template_key).items]
    texts = data.draw(st.lists(conditions(items), min_size=1, max_size=3), label="filter")
    wanted = parse_filter(" and ".join(texts), vocabulary)
    rows: list[CaseRow] = build_rows(data.draw(st.permutations(summaries)), store.template, TODAY)
    plain = numbers(engine_for(store, TODAY, rows_flags=True).select(wanted, list(rows)))
    columns = FilterColumns(rows)
    engine = engine_for(store, TODAY, rows_flags=True)
    engine.prepare(columns, items)
    found: list[CaseRow] = engine.select_columns(wanted, columns)
    assert numbers(found) == plain


def test_the_random_filters_are_not_trivial(
    read: tuple[CaseStore, list[CaseSummary], Vocabulary],
) -> None:
    """The conditions the tests above draw from let some people through and not others."""
    store, summaries, vocabulary = read
    engine = engine_for(store, TODAY)
    columns = FilterColumns(summaries)
    texts = [*PERSON_CONDITIONS, *EVIDENCE_CONDITIONS, "bank.account != done", "flag = critical"]
    split = [
        0 < len(engine.select_columns(parse_filter(text, vocabulary), columns)) < len(summaries)
        for text in texts
    ]
    assert sum(split) >= len(texts) - 3, [t for t, s in zip(texts, split, strict=True) if not s]


def test_records_are_read_only_for_the_people_still_in_question(
    read: tuple[CaseStore, list[CaseSummary], Vocabulary],
) -> None:
    store, summaries, vocabulary = read
    asked: list[str] = []

    def records(wanted: list[str]) -> object:
        asked.extend(wanted)
        return store.raw_records(wanted)

    engine = CaseloadFilter(today=TODAY, template_for=store.template, records=records)  # type: ignore[arg-type]
    columns = FilterColumns(summaries)
    wanted: Filter = parse_filter("release within 28 and sex = female", vocabulary)
    engine.select_columns(wanted, columns)
    soon = {s.number for s in summaries if s.releases_within(TODAY, 28)}
    assert asked and set(asked) <= soon
    assert engine.select_columns(parse_filter("", vocabulary), columns) == summaries
