"""Applying filters to a real database: each condition kind selects exactly the people it
should, items that do not apply are left out, and stored records are read only for the
people still in question. The fast path agrees with a plain evaluation of validated
cases on the demo caseload."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.demo import DEMO_OFFICER, write_demo
from planner.domain.assessment import applies
from planner.domain.case import Case
from planner.domain.checklist import Checklist, ItemRecord
from planner.domain.filtering import CaseloadFilter
from planner.domain.filters import FilterError, Vocabulary, parse_filter
from planner.domain.person import Circumstances, Person
from planner.domain.raw_case import Record, item_applies
from planner.domain.template import Template
from planner.store.repository import CaseStore
from planner.store.summary import CaseSummary
from tests.conftest import NOW, TODAY, build_database, copy_database, make_person
from tests.filter_people import OFFICER, add_filter_people
from tests.filter_reference import reference_select


class CountingRecords:
    """The store's raw_records, noting which numbers each call asked for."""

    def __init__(self, store: CaseStore) -> None:
        self.store = store
        self.asked: list[list[str]] = []

    def __call__(self, numbers: Sequence[str]) -> Mapping[str, Record]:
        self.asked.append(list(numbers))
        return self.store.raw_records(numbers)

    @property
    def numbers(self) -> set[str]:
        return {n for call in self.asked for n in call}


def select(
    store: CaseStore, text: str, *, officer: str = OFFICER, today: date = TODAY
) -> list[str]:
    summaries = store.summaries()
    vocabulary = Vocabulary([store.template(k) for k in store.stored_templates()])
    engine = CaseloadFilter(
        today=today, template_for=store.template, records=store.raw_records, officer=officer
    )
    chosen = engine.select(parse_filter(text, vocabulary), sorted(summaries, key=_number))
    return [s.number for s in chosen]


def _number(summary: CaseSummary) -> str:
    return summary.number


@pytest.fixture(scope="session")
def filter_people(tmp_path_factory: pytest.TempPathFactory, template: Template) -> Path:
    """The filter tests' people, written once: each test opens a copy of its own."""

    def build(path: Path) -> None:
        with CaseStore(path, officer=OFFICER, clock=lambda: NOW) as store:
            add_filter_people(store, template)

    return build_database(tmp_path_factory, build)


@pytest.fixture
def caseload(filter_people: Path, db_path: Path) -> Iterator[CaseStore]:
    copy_database(filter_people, db_path)
    with CaseStore(db_path, officer=OFFICER, clock=lambda: NOW) as store:
        yield store


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the person's fields held in the caseload's summary
        ("surname = smith", ["A1111AA"]),
        ("surname starts with Smith", ["A1111AA", "E5555EE"]),
        ("surname contains 'neil'", ["D4444DD"]),
        ("surname in (Jones, Khan)", ["B2222BB", "C3333CC"]),
        ("forename != Alex", ["C3333CC"]),
        ('location = "B-2-014"', ["A1111AA"]),
        ("location starts with b", ["A1111AA", "E5555EE"]),
        ("location in (b-3-2, c-1-001)", ["D4444DD", "E5555EE"]),
        ("location is empty", ["C3333CC"]),
        ("state = released", ["D4444DD"]),
        ("release_kind = crd", ["A1111AA", "B2222BB", "C3333CC", "D4444DD", "E5555EE"]),
        ("number starts with b2", ["B2222BB"]),
        # the assigned officer
        ("assigned = me", ["A1111AA", "E5555EE"]),
        ("assigned = 'other officer'", ["C3333CC"]),
        ("assigned is empty", ["B2222BB", "D4444DD"]),
        ("assigned != me", ["B2222BB", "C3333CC", "D4444DD"]),
        # the person's fields held only in the record
        ("crn = x123456", ["A1111AA"]),
        ("crn is empty", ["B2222BB", "C3333CC", "D4444DD", "E5555EE"]),
        ("sex = female", ["B2222BB"]),
        ("sex is empty", ["C3333CC", "D4444DD", "E5555EE"]),
        ("ethnicity = 'White: Irish'", ["B2222BB"]),
        ("date_of_birth after 2000-01-01", ["D4444DD"]),
        ("com is empty", ["B2222BB", "C3333CC", "D4444DD", "E5555EE"]),
        ("com = 'sam dobson'", ["A1111AA"]),
        ("com.unit contains leeds", ["A1111AA"]),
        ("pom is not empty", ["D4444DD"]),
        # the release window
        ("release within 28", ["A1111AA", "E5555EE"]),
        ("release within 10", ["A1111AA"]),
        ("release within 9", []),
        ("release is empty", ["C3333CC"]),
        ("release before today", ["D4444DD"]),
        ("release within last 7", ["D4444DD"]),
        (f"release after {TODAY + timedelta(days=20):%d/%m/%Y}", ["B2222BB"]),
        (f"release = {TODAY + timedelta(days=60)}", ["B2222BB"]),
    ],
)
def test_person_fields_and_the_release_window(
    caseload: CaseStore, text: str, expected: list[str]
) -> None:
    assert select(caseload, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bank.account = done", ["A1111AA"]),
        ("bank.account != done", ["B2222BB", "C3333CC", "D4444DD", "E5555EE"]),
        ("bank.account in (not_required, declined)", ["B2222BB", "C3333CC"]),
        ("bank.account not in (done, not_required)", ["C3333CC", "D4444DD", "E5555EE"]),
        ("id.documents = in_progress", ["C3333CC"]),
        ("id.documents = not_started", ["A1111AA", "D4444DD", "E5555EE"]),
        # The Duty to Refer applies only while no settled address is recorded: B2222BB's
        # is settled, so every condition on it leaves B2222BB out, != included.
        ("accommodation.duty_to_refer != done", ["C3333CC", "D4444DD", "E5555EE"]),
        ("accommodation.duty_to_refer = blocked", ["E5555EE"]),
        ("accommodation.duty_to_refer is not applicable", ["B2222BB"]),
        ("accommodation.duty_to_refer is applicable",
         ["A1111AA", "C3333CC", "D4444DD", "E5555EE"]),
        # Medication applies only to someone on medication.
        ("health.medication = not_started", ["B2222BB"]),
        ("health.medication is not applicable",
         ["A1111AA", "C3333CC", "D4444DD", "E5555EE"]),
    ],
)  # fmt: skip
def test_an_items_status(caseload: CaseStore, text: str, expected: list[str]) -> None:
    assert select(caseload, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("accommodation.address.accommodation_type in (no_fixed_abode, rough_sleeping)",
         ["A1111AA", "E5555EE"]),
        ("accommodation.address.accommodation_type = 'Rough sleeping'", ["E5555EE"]),
        ("accommodation.address.accommodation_type != settled",
         ["A1111AA", "C3333CC", "D4444DD", "E5555EE"]),
        ("accommodation.address.accommodation_type is empty", ["C3333CC", "D4444DD"]),
        ("accommodation.address.address contains calc", ["E5555EE"]),
        ("id.documents.date_received is empty",
         ["A1111AA", "B2222BB", "D4444DD", "E5555EE"]),
        ("id.documents.date_applied is not empty and id.documents.date_received is empty",
         ["B2222BB"]),
        ("id.documents.date_applied before 2026-11-01", ["C3333CC"]),
        ("id.documents.date_applied after 2026-11-01", ["B2222BB"]),
        ("id.documents.date_applied within last 40", ["B2222BB", "C3333CC"]),
        ("id.documents.date_applied within last 38", ["B2222BB"]),
        ("id.documents.date_received within last 3", ["C3333CC"]),
        ("benefits.uc_appointment.appointment within 7", ["C3333CC"]),
        ("benefits.uc_appointment.appointment = 27/11/2026", ["C3333CC"]),
        ("bank.account.outcome = opened", ["A1111AA"]),
        ("bank.account.bank != barclays", ["B2222BB", "C3333CC", "D4444DD", "E5555EE"]),
        ("accommodation.duty_to_refer.consent = yes", ["A1111AA"]),
        # not applicable to B2222BB (settled), so not "empty" there either
        ("accommodation.duty_to_refer.consent is empty", ["C3333CC", "D4444DD", "E5555EE"]),
        ("accommodation.duty_to_refer.consent != yes", ["C3333CC", "D4444DD", "E5555EE"]),
        ("health.medication.days_supplied is empty", ["B2222BB"]),
    ],
)  # fmt: skip
def test_an_items_evidence(caseload: CaseStore, text: str, expected: list[str]) -> None:
    assert select(caseload, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("flag = critical", ["A1111AA", "C3333CC", "E5555EE"]),
        ("flag = no_fixed_abode", ["A1111AA", "E5555EE"]),
        ("flag = 'no release date'", ["C3333CC"]),
        ("flag in (blocked, no_release_date)", ["C3333CC", "E5555EE"]),
        ("flag != critical", ["B2222BB", "D4444DD"]),
        ("flag is empty", ["D4444DD"]),  # released: no flags
        ("flag = critical and release within 14", ["A1111AA"]),
    ],
)
def test_flags_by_severity_or_kind(caseload: CaseStore, text: str, expected: list[str]) -> None:
    assert select(caseload, text) == expected


def test_flags_are_as_of_the_day_given(caseload: CaseStore) -> None:
    # Fifty days on, B2222BB's release is ten days away and most items are overdue.
    later = TODAY + timedelta(days=50)
    assert "B2222BB" in select(caseload, "flag = critical", today=later)
    assert select(caseload, "release within 10", today=later) == ["B2222BB"]


def test_the_saved_views_select_their_people(caseload: CaseStore) -> None:
    from planner.domain.saved_views import BUILT_IN_VIEWS

    found = {view.name: select(caseload, view.expression) for view in BUILT_IN_VIEWS}
    assert found == {
        "No bank account": ["C3333CC", "D4444DD", "E5555EE"],
        "ID not received": ["B2222BB"],
        "No fixed abode within 28 days": ["A1111AA", "E5555EE"],
        "No jobcentre appointment": ["A1111AA", "B2222BB", "D4444DD", "E5555EE"],
        "Duty to Refer not made": ["C3333CC", "D4444DD", "E5555EE"],
        "No COM allocated": ["B2222BB", "C3333CC", "D4444DD", "E5555EE"],
    }


def test_me_needs_an_officer(caseload: CaseStore) -> None:
    with pytest.raises(FilterError, match='"me" means the acting officer, and no officer'):
        select(caseload, "assigned = me", officer="")
    assert select(caseload, "assigned = 'Test Officer'", officer="") == ["A1111AA", "E5555EE"]


def test_records_are_read_only_for_the_people_still_in_question(caseload: CaseStore) -> None:
    summaries = sorted(caseload.summaries(), key=_number)
    vocabulary = Vocabulary([caseload.template(k) for k in caseload.stored_templates()])
    records = CountingRecords(caseload)

    def run(text: str) -> list[str]:
        engine = CaseloadFilter(
            today=TODAY, template_for=caseload.template, records=records, officer=OFFICER
        )
        return [s.number for s in engine.select(parse_filter(text, vocabulary), summaries)]

    # The summary and the assessment settle these: no record is read.
    assert run("release within 28 and assigned = me and flag = critical") == [
        "A1111AA",
        "E5555EE",
    ]
    assert run("bank.account in (not_started, in_progress, blocked)") == ["D4444DD", "E5555EE"]
    assert records.asked == []
    # The no-fixed-abode mark of the assessment settles its own field.
    assert run("accommodation.address.accommodation_type in (no_fixed_abode, rough_sleeping)") == [
        "A1111AA",
        "E5555EE",
    ]
    assert records.asked == []
    # Evidence is read only for the people the cheaper conditions leave.
    assert run("id.documents.date_received is empty and release within 28") == [
        "A1111AA",
        "E5555EE",
    ]
    assert records.numbers == {"A1111AA", "E5555EE"}
    # A resolved item's status: the assessment knows it is resolved, the record which way.
    records.asked.clear()
    assert run("bank.account = declined") == ["C3333CC"]
    assert records.numbers == {"A1111AA", "B2222BB", "C3333CC"}


def test_an_item_the_template_lacks_does_not_apply(
    store: CaseStore, template: Template, tmp_path: Path
) -> None:
    data = template.model_dump(mode="json", by_alias=True)
    data["id"], data["items"] = "slim", [i for i in data["items"] if i["id"] != "health.gp"]
    slim = Template.model_validate(data)
    store.add(make_person("A1111AA"), template)
    store.add(make_person("B2222BB"), slim)
    vocabulary = Vocabulary([template, slim])
    engine = CaseloadFilter(today=TODAY, template_for=store.template, records=store.raw_records)
    summaries = sorted(store.summaries(), key=_number)

    def run(text: str) -> list[str]:
        return [s.number for s in engine.select(parse_filter(text, vocabulary), summaries)]

    assert run("health.gp != done") == ["A1111AA"]
    assert run("health.gp is not applicable") == ["B2222BB"]
    assert run("health.gp.practice is empty") == ["A1111AA"]


# --- the same answers as a plain evaluation of validated cases ------------------------------

AGREEING = [
    "release within 28",
    "release within 84 and bank.account != done",
    "bank.account = done",
    "bank.account not in (done, not_required)",
    "id.documents in (not_started, in_progress)",
    "id.documents.date_received is empty",
    "id.documents.date_applied is not empty and id.documents.date_received is empty",
    "id.documents.date_applied within last 60",
    "accommodation.address.accommodation_type in (no_fixed_abode, rough_sleeping)",
    "accommodation.address.accommodation_type not in (no_fixed_abode, rough_sleeping)",
    "accommodation.address.accommodation_type != no_fixed_abode",
    "accommodation.address.accommodation_type is empty",
    "accommodation.address.accommodation_type is not empty and release within 84",
    "accommodation.duty_to_refer != done",
    "accommodation.duty_to_refer is not applicable",
    "accommodation.duty_to_refer.consent != yes",
    "accommodation.cas_referral = in_progress",
    "benefits.uc_appointment.appointment after today",
    "benefits.work_coach.ni_number_held = no",
    "health.medication is applicable",
    "health.substance_misuse != done",
    "special.care_leaver is applicable",
    "handover.com_allocated.com_name contains a",
    "flag = critical",
    "flag = warning",
    "flag in (no_fixed_abode, release_day)",
    "flag not in (overdue)",
    "flag is empty",
    "location starts with B",
    "surname contains o",
    "release is empty",
    "release before today",
    "release_kind in (HDC, PED)",
    "state != active",
    "com is empty",
    "pom is not empty",
    "assigned = me",
    "assigned is empty",
    "sex is empty",
    "date_of_birth after 1995-01-01",
]


@pytest.fixture(scope="module")
def demo_caseload(tmp_path_factory: pytest.TempPathFactory, template: Template) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("demo") / "planner.db"
    with CaseStore(path, officer=DEMO_OFFICER, clock=lambda: NOW) as store:
        write_demo(store, template, TODAY, count=40)
        numbers = store.numbers()
        store.assign(numbers[::3], OFFICER)
        store.assign(numbers[1::5], "Another Officer")
    yield path


@pytest.mark.parametrize("text", AGREEING)
def test_the_fast_path_agrees_with_validated_cases(demo_caseload: Path, text: str) -> None:
    with CaseStore(demo_caseload, read_only=True, auto_backup=False) as store:
        fast = select(store, text)
        cases = sorted(store.cases(), key=lambda c: c.number)
        vocabulary = Vocabulary([store.template(k) for k in store.stored_templates()])
        slow = reference_select(
            parse_filter(text, vocabulary), cases, store.template_for, TODAY, OFFICER
        )
    assert fast == slow


def test_the_agreeing_filters_are_not_trivial(demo_caseload: Path) -> None:
    """Most of them select some of the demo people and leave others out."""
    with CaseStore(demo_caseload, read_only=True, auto_backup=False) as store:
        sizes = [len(select(store, text)) for text in AGREEING]
    split = [0 < n < 40 for n in sizes]
    assert sum(split) >= len(AGREEING) - 4, list(zip(AGREEING, sizes, strict=True))


def test_reading_applicability_from_records_agrees_with_the_gap_engine(
    demo_caseload: Path,
) -> None:
    with CaseStore(demo_caseload, read_only=True, auto_backup=False) as store:
        docs = store.raw_records()
        for case in store.cases():
            template = store.template_for(case)
            for item in template.items:
                assert item_applies(item, docs[case.number]) == applies(item, case), item.id


@settings(max_examples=60, deadline=None)
@given(
    flags=st.fixed_dictionaries({name: st.booleans() for name in Circumstances.model_fields}),
    born=st.dates(date(1950, 1, 1), date(2010, 12, 31)),
    release=st.none() | st.dates(date(2026, 1, 1), date(2028, 12, 31)),
    housing=st.none() | st.sampled_from(["settled", "temporary", "cas3", "no_fixed_abode"]),
)
def test_applicability_from_any_record(
    flags: dict[str, bool], born: date, release: date | None, housing: str | None
) -> None:
    from planner.domain.template_loading import TemplateLibrary

    template = TemplateLibrary().get("england-wales")
    items: dict[str, ItemRecord] = {}
    if housing is not None:
        items["accommodation.address"] = ItemRecord(evidence={"accommodation_type": housing})
    case = Case(
        person=Person(
            number="A1234BC",
            surname="Example",
            forename="Alex",
            date_of_birth=born,
            release_date=release,
            circumstances=Circumstances(**flags),
        ),
        checklist=Checklist(
            template_id=template.id, template_version=template.version, items=items
        ),
        created_at=datetime(2026, 6, 1, tzinfo=UTC),
        updated_at=datetime(2026, 6, 1, tzinfo=UTC),
    )
    doc: dict[str, Any] = case.model_dump(mode="json", exclude_defaults=True)
    for item in template.items:
        assert item_applies(item, doc) == applies(item, case), item.id
