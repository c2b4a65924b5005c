"""The headless caseload functions the CLI and the UI share: my caseload, the unassigned,
and each officer's load."""

from __future__ import annotations

from datetime import timedelta

from planner.domain.person import CaseState
from planner.domain.template import Template
from planner.domain.workload import (
    caseload_of,
    known_spelling,
    officers,
    same_officer,
    staff_loads,
    unassigned,
)
from planner.store.repository import CaseStore
from tests.conftest import TODAY, make_person


def _seed(store: CaseStore, template: Template) -> None:
    people = [
        make_person("A0001AA", TODAY + timedelta(days=5)),
        make_person("A0002AA", TODAY + timedelta(days=30)),
        make_person("A0003AA", TODAY - timedelta(days=2)),
        make_person("A0004AA", None),
        make_person("A0005AA", TODAY + timedelta(days=10), state=CaseState.RELEASED),
        make_person("A0006AA", TODAY + timedelta(days=90)),
    ]
    store.add_many(people, template)
    store.assign(["A0001AA", "A0002AA", "A0003AA", "A0005AA"], "Jo Bloggs")
    store.assign(["A0004AA"], "Sam Reed")


def test_my_caseload_and_the_unassigned(store: CaseStore, template: Template) -> None:
    _seed(store, template)
    summaries = store.summaries()
    mine = caseload_of(summaries, " jo  bloggs")
    assert sorted(s.number for s in mine) == ["A0001AA", "A0002AA", "A0003AA", "A0005AA"]
    assert [s.number for s in unassigned(summaries)] == ["A0006AA"]
    assert officers(summaries) == ["Jo Bloggs", "Sam Reed"]
    assert same_officer("JO BLOGGS", "Jo  Bloggs") and not same_officer("Jo", "Jo Bloggs")


def test_a_name_typed_another_way_takes_the_spelling_in_use(
    store: CaseStore, template: Template
) -> None:
    _seed(store, template)
    summaries = store.summaries()
    assert known_spelling("jo   BLOGGS", summaries) == "Jo Bloggs"
    assert known_spelling("  New  Officer ", summaries) == "New Officer"


def test_each_officers_load(store: CaseStore, template: Template) -> None:
    _seed(store, template)
    loads = staff_loads(store.summaries(), store.template, TODAY)
    assert [load.label for load in loads] == ["Jo Bloggs", "Sam Reed", "Unassigned"]
    jo, sam, nobody = loads
    # The released person is no one's load; the passed release counts but is in no window.
    assert (jo.cases, jo.within, jo.no_release_date, jo.release_passed) == (3, (1, 1, 2), 0, 1)
    assert jo.numbers == ("A0003AA", "A0001AA", "A0002AA")
    assert (sam.cases, sam.no_release_date, sam.critical_people) == (1, 1, 1)  # no date: critical
    assert (nobody.cases, nobody.within, nobody.numbers) == (1, (0, 0, 0), ("A0006AA",))
    # Nothing done: within 42 days the bank account, and so on, are critical; at 90 not yet.
    assert (jo.critical_people, nobody.critical_people, nobody.critical_flags) == (3, 0, 0)
    assert jo.critical_flags > jo.critical_people
    # Each case's own count, in the order of the numbers, adds up to the officer's.
    assert len(jo.critical) == 3 and sum(jo.critical) == jo.critical_flags
    assert all(jo.critical) and nobody.critical == (0,)
    windows = staff_loads(store.summaries(), store.template, TODAY, windows=(100,))
    assert windows[0].within == (2,)


def test_the_unassigned_are_always_listed(store: CaseStore, template: Template) -> None:
    store.add(make_person("A0001AA"), template)
    store.assign(["A0001AA"], "Jo Bloggs")
    loads = staff_loads(store.summaries(), store.template, TODAY)
    assert [(load.officer, load.cases) for load in loads] == [("Jo Bloggs", 1), ("", 0)]
