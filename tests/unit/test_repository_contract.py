"""The store's behaviour, the same on both backends: a database file (CaseStore) and a
PostgreSQL server (ServerStore). Every test here runs against each from one fixture;
what only one backend does (files, roles) is tested beside that backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from planner.domain.checklist import ItemRecord
from planner.domain.gaps import Flag, FlagRules
from planner.domain.history import EXPORTED_FIELD
from planner.domain.release_outcome import ReleaseOutcome
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.server.store import ServerStore
from planner.store.errors import CaseExists, CaseNotFound, StaleEdit, StoreError
from planner.store.interface import CaseRepository
from planner.store.repository import CaseStore
from tests.conftest import NOW, TODAY, make_person

NUMBER = "A1234BC"
OTHER = "B5678CD"

Opener = Callable[..., CaseRepository]


class Clock:
    def __init__(self, start: datetime = NOW) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, minutes: int = 1) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["file", "server"])
def open_repository(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens stores on one database of the backend under test: each call another store
    (another officer's planner) on the same cases."""
    opened: list[CaseRepository] = []
    if request.param == "file":
        path = tmp_path / "planner.db"

        def open_file(officer: str = "Officer One", clock: Any = lambda: NOW) -> CaseRepository:
            store = CaseStore(path, officer=officer, clock=clock, background_folds=False)
            opened.append(store)
            return store

        yield open_file
    else:
        url: str = request.getfixturevalue("server_url")

        def open_server(officer: str = "Officer One", clock: Any = lambda: NOW) -> CaseRepository:
            store = ServerStore(url, officer=officer, clock=clock)
            opened.append(store)
            return store

        yield open_server
    for store in opened:
        store.close()


@pytest.fixture
def repository(open_repository: Opener, clock: Clock) -> CaseRepository:
    return open_repository(clock=clock)


def test_add_get_find_and_list(repository: CaseRepository, template: Template):
    case = repository.add(make_person(NUMBER), template)
    assert case.rev == 1 and case.created_at == NOW
    assert repository.get(NUMBER) == case
    assert repository.find(NUMBER) == case
    assert repository.find(OTHER) is None
    repository.add(make_person(OTHER, None, surname="Second"), template)
    assert len(repository) == 2
    assert repository.numbers() == [NUMBER, OTHER]
    assert sorted(c.number for c in repository.cases()) == [NUMBER, OTHER]
    summaries = {s.number: s for s in repository.summaries()}
    assert summaries[OTHER].surname == "Second" and summaries[OTHER].release_date is None
    assert summaries[NUMBER].assessment.applicable == 15
    assert [s.number for s in repository.summaries_released_between(TODAY, date(2026, 12, 31))] == [
        NUMBER
    ]
    assert set(repository.raw_records()) == {NUMBER, OTHER}
    assert repository.raw_records([OTHER])[OTHER]["person"]["surname"] == "Second"
    assert repository.stored_templates() == {template.key: template.fingerprint()}
    assert repository.template(template.key) == template


def test_a_missing_case_and_a_second_add_are_refused(repository: CaseRepository, template):
    with pytest.raises(CaseNotFound, match=OTHER):
        repository.get(OTHER)
    with pytest.raises(CaseNotFound):
        repository.save_item(OTHER, "work.plan", status=ItemStatus.DONE)
    repository.add(make_person(NUMBER), template)
    with pytest.raises(CaseExists, match=NUMBER):
        repository.add(make_person(NUMBER, surname="Other"), template)
    with pytest.raises(CaseExists):
        repository.add_many([make_person(OTHER), make_person(NUMBER)], template)
    assert repository.numbers() == [NUMBER]
    assert repository.get(NUMBER).person.surname == "Example"
    with pytest.raises(StoreError, match="not an item"):
        repository.save_item(NUMBER, "no.such_item", status=ItemStatus.DONE)


def test_save_item_merges_evidence_and_counts_revisions(
    repository: CaseRepository, template: Template, clock: Clock
):
    repository.add(make_person(NUMBER), template)
    clock.tick()
    case = repository.save_item(NUMBER, "id.documents", evidence={"document_type": "passport"})
    case = repository.save_item(
        NUMBER, "id.documents", status=ItemStatus.DONE, evidence={"date_applied": "2026-09-01"}
    )
    record = case.checklist.item("id.documents")
    assert record.evidence == {"document_type": "passport", "date_applied": "2026-09-01"}
    assert (case.rev, record.rev, record.changed_by) == (3, 2, "Officer One")
    assert record.changed_at == clock.now
    entries = len(repository.history(NUMBER))
    same = repository.save_item(NUMBER, "id.documents", status=ItemStatus.DONE)
    assert same.rev == 3 and len(repository.history(NUMBER)) == entries
    assert repository.get(NUMBER) == case


def test_a_stale_item_edit_raises_stale_edit_with_both_versions(
    open_repository: Opener, template: Template
):
    first, second = open_repository("First"), open_repository("Second")
    first.add(make_person(NUMBER), template)
    seen = second.get(NUMBER).checklist.item("bank.account").rev
    first.save_item(NUMBER, "bank.account", status=ItemStatus.IN_PROGRESS, notes="Lloyds")
    with pytest.raises(StaleEdit, match="First") as caught:
        second.save_item(
            NUMBER, "bank.account", status=ItemStatus.BLOCKED, reason="CIFAS", expected_rev=seen
        )
    current, attempted = caught.value.current, caught.value.attempted
    assert isinstance(current, ItemRecord) and isinstance(attempted, ItemRecord)
    assert (current.status, current.notes, current.rev) == (ItemStatus.IN_PROGRESS, "Lloyds", 1)
    assert attempted.status is ItemStatus.BLOCKED
    assert (caught.value.number, caught.value.item) == (NUMBER, "bank.account")
    assert first.get(NUMBER).checklist.item("bank.account").status is ItemStatus.IN_PROGRESS
    case = second.save_item(
        NUMBER, "bank.account", status=ItemStatus.BLOCKED, reason="CIFAS", expected_rev=current.rev
    )
    assert case.checklist.item("bank.account").rev == 2
    assert first.get(NUMBER).checklist.item("bank.account").status is ItemStatus.BLOCKED


def test_stale_person_notes_and_outcome_edits_are_refused(
    open_repository: Opener, template: Template
):
    first, second = open_repository("First"), open_repository("Second")
    original = first.add(make_person(NUMBER), template).person
    moved = make_person(NUMBER, location="C-1-001")
    first.update_person(moved, expected=original)
    with pytest.raises(StaleEdit) as caught:
        second.update_person(make_person(NUMBER, location="D-1-001"), expected=original)
    assert caught.value.current == moved
    first.update_notes(NUMBER, "Seen on Monday", expected="")
    with pytest.raises(StaleEdit) as notes:
        second.update_notes(NUMBER, "Other", expected="")
    assert notes.value.current == "Seen on Monday"
    assert second.get(NUMBER).notes == "Seen on Monday"
    outcome = ReleaseOutcome(released_on=date(2026, 12, 16), measures=template.key)
    first.record_outcome(NUMBER, outcome, template, expected=None)
    with pytest.raises(StaleEdit):
        second.record_outcome(NUMBER, outcome, template, expected=None)
    assert second.get(NUMBER).person.state.value == "released"


def test_history_records_who_when_what(open_repository: Opener, template: Template, clock: Clock):
    one, two = open_repository("Officer One", clock), open_repository("Officer Two", clock)
    one.add(make_person(NUMBER), template)
    one.add(make_person(OTHER), template)
    t1 = clock.tick()
    one.save_item(NUMBER, "work.plan", status=ItemStatus.DONE, evidence={"plan": "Course"})
    t2 = clock.tick()
    two.save_item(NUMBER, "work.plan", evidence={"plan": "Job offer"})
    t3 = clock.tick()
    two.update_person(make_person(NUMBER, location="A-1-001"))
    mine = one.history(NUMBER)
    assert mine == two.history(NUMBER)
    created = [e for e in mine if e.field == "case"]
    assert len(created) == 1 and created[0].new == "created" and created[0].at == NOW
    assert [(e.by, e.at, e.item, e.field, e.old, e.new) for e in mine if e.at != NOW] == [
        ("Officer One", t1, "work.plan", "status", "not_started", "done"),
        ("Officer One", t1, "work.plan", "evidence.plan", None, "Course"),
        ("Officer Two", t2, "work.plan", "evidence.plan", "Course", "Job offer"),
        ("Officer Two", t3, None, "person.location", "B-2-014", "A-1-001"),
    ]
    everyone = one.history()
    assert len(everyone) == len(mine) + len(one.history(OTHER))
    seqs = [e.seq for e in everyone]
    assert seqs == sorted(seqs) and len(set(seqs)) == 4 + 1  # one number per change


def test_another_store_sees_changes_and_the_change_number_rises(
    open_repository: Opener, template: Template
):
    first, second = open_repository("First"), open_repository("Second")
    assert second.summaries() == []
    before = second.change_number
    first.add(make_person(NUMBER), template)
    assert second.change_number > before
    assert [s.number for s in second.summaries()] == [NUMBER]
    window = open_repository("Third").summaries_released_between(TODAY, date(2026, 12, 31))
    assert [(s.number, s.assessment.applicable) for s in window] == [(NUMBER, 15)]
    first.save_item(NUMBER, "work.plan", status=ItemStatus.DONE)
    (summary,) = second.summaries()
    assert summary.rev == 2 and summary.state == "active"
    first.assign([NUMBER], "Officer Two")
    assert second.summaries()[0].assigned_to == "Officer Two"
    assert first.remove([NUMBER, OTHER]) == 1
    assert second.summaries() == [] and len(second) == 0
    assert any(e.field == "case" and e.new == "removed" for e in second.history(NUMBER))


def test_flags_and_evaluation_are_the_same_on_either(repository: CaseRepository, template):
    repository.add(make_person(NUMBER, release=TODAY + timedelta(days=3)), template)
    case = repository.get(NUMBER)
    flags = repository.all_flags(TODAY)
    assert flags and flags == list(repository.evaluate(case, TODAY).flags)
    # The caseload's first screen reads the window's summaries (on the server, their
    # assessments in the same query): the same flags again.
    (summary,) = repository.summaries_released_between(TODAY, TODAY + timedelta(days=30))

    def key(flag: Flag) -> tuple[object, ...]:  # the caseload's flags are in no set order
        return (flag.kind.value, flag.item_id or "", flag.severity.value, flag.due)

    listed = sorted(map(key, summary.flags(FlagRules(template, TODAY))))
    assert listed == sorted(map(key, flags))


def test_purge_removes_people_and_their_history_and_notes_it(
    repository: CaseRepository, template: Template
):
    released = make_person(NUMBER, release=date(2020, 1, 10), state="released")
    repository.add_many([released, make_person(OTHER)], template)
    repository.save_item(NUMBER, "work.plan", status=ItemStatus.DONE)
    plan = repository.admin.plan_purge(date(2021, 1, 1))
    assert plan.numbers == {NUMBER}
    assert repository.admin.purge(plan) == 1
    assert repository.numbers() == [OTHER]
    assert repository.history(NUMBER) == []
    notes = [e for e in repository.history() if e.field == "retention.purge"]
    assert len(notes) == 1 and NUMBER not in str(notes[0].new) and notes[0].case is None
    assert repository.admin.purge(plan) == 0


def test_templates_are_stored_once_and_kept(repository: CaseRepository, template: Template):
    repository.add(make_person(NUMBER), template)
    edited = template.model_copy(update={"title": "Edited on disk, same version"})
    case = repository.add(make_person(OTHER), edited)
    assert repository.template_for(case).title == template.title
    assert list(repository.stored_templates()) == [template.key]


def test_an_event_about_the_database_is_audited(repository: CaseRepository):
    repository.admin.record_event("report.run", "caseload report, 2 groups")
    (entry,) = repository.history()
    assert (entry.case, entry.field, entry.new) == (None, "report.run", "caseload report, 2 groups")


def test_an_export_is_noted_in_each_persons_history_and_purged_with_them(
    open_repository: Opener, template: Template, clock: Clock
):
    repository = open_repository(clock=clock)
    released = make_person(NUMBER, release=date(2020, 1, 10), state="released")
    repository.add_many([released, make_person(OTHER)], template)
    before = {n: repository.get(n).rev for n in (NUMBER, OTHER)}
    change = repository.change_number
    when = clock.tick()
    repository.note_exported([NUMBER, OTHER, NUMBER], "handover summary (PDF) to folder /x")
    for number in (NUMBER, OTHER):
        (entry,) = [e for e in repository.history(number) if e.field == EXPORTED_FIELD]
        assert (entry.case, entry.item, entry.new) == (
            number,
            None,
            "handover summary (PDF) to folder /x",
        )
        assert (entry.by, entry.at, entry.seq) == ("Officer One", when, change + 1)
        assert repository.get(number).rev == before[number]  # no record changed
    assert repository.change_number == change + 1
    # someone no longer here (purged or sent away meanwhile) is left out, the others noted
    repository.note_exported([OTHER, "Z9999ZZ"], "the person's own plan (PDF) to /y")
    noted = [(e.case, e.new) for e in repository.history() if e.field == EXPORTED_FIELD]
    assert len(noted) == 3 and (OTHER, "the person's own plan (PDF) to /y") in noted
    assert repository.history("Z9999ZZ") == []
    repository.note_exported(["Z9999ZZ"], "nothing")
    assert repository.change_number == change + 2
    assert repository.admin.purge(repository.admin.plan_purge(date(2021, 1, 1))) == 1
    assert repository.history(NUMBER) == []
    assert NUMBER not in str([e.new for e in repository.history()])
