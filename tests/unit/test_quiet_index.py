"""The day each case is quiet until, kept in its index entry, and all gaps that read it.

All gaps (`CaseStore.all_flags`) skips the assessment of a case whose index entry says
nothing but its release date can flag today, and reads the others' flags straight from
their stored form. Whatever path a case takes, the caseload's flags must be the full
engine's, in the same order: checked here on a real database, day by day, for a caseload
that raises every kind of flag, and for databases written before entries held the day.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from planner.demo import DEMO_OFFICER, write_demo
from planner.domain.assessment import assess
from planner.domain.flags import Flag, FlagKind, flag_order
from planner.domain.gaps import FlagRules, evaluate, quiet_until
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store import repository
from planner.store.commit import REASSESSED_FIELD
from planner.store.documents import QUIET_KEY
from planner.store.errors import DatabaseCorrupt
from planner.store.files import unframe, unframe_record
from planner.store.layout import DatabaseFiles
from planner.store.repository import CaseStore
from planner.store.rewrite import replace_tables
from tests.conftest import NOW, TODAY, make_person

# Days around TODAY that the sample caseload's cases cross their thresholds on.
DAYS = [TODAY + timedelta(days=n) for n in (-150, -90, -45, -20, -7, -1, 0, 1, 6, 13, 30, 90)]


def full_engine(store: CaseStore, today: date) -> list[Flag]:
    """Every case evaluated from its full record, people in number order, most urgent
    first: what all gaps gave before it read the index."""
    flags: list[Flag] = []
    for case in sorted(store.cases(), key=lambda c: c.number):
        flags.extend(evaluate(case, store.template_for(case), today).flags)
    flags.sort(key=flag_order)
    return flags


@pytest.fixture(scope="module")
def sample_origin(tmp_path_factory: pytest.TempPathFactory, template: Template) -> Path:
    """The sample caseload (every kind of flag), written once for the module."""
    folder = tmp_path_factory.mktemp("sample")
    with pytest.MonkeyPatch.context() as env:  # as tests.conftest isolates each test
        for name in ("PLANNER_CONFIG", "PLANNER_DB", "PLANNER_CACHE_DIR"):
            env.setenv(name, str(folder / name.lower()))
        path = folder / "planner.db"
        with CaseStore(path, officer=DEMO_OFFICER, clock=lambda: NOW) as store:
            write_demo(store, template, TODAY, count=40)
    return path


@pytest.fixture
def sample(sample_origin: Path, db_path: Path) -> Path:
    """A copy of the sample caseload's files, for one test to change."""
    for part in sample_origin.parent.glob(sample_origin.name + "*"):
        if part.is_file():
            shutil.copy2(part, db_path.parent / part.name.replace(sample_origin.name, db_path.name))
    return db_path


def open_store(path: Path, **kwargs: Any) -> CaseStore:
    return CaseStore(path, officer="Officer One", clock=lambda: NOW, auto_backup=False, **kwargs)


def written_before_quiet_days(path: Path) -> None:
    """Make every index entry look as a planner before the quiet day wrote it."""
    with open_store(path) as store, store._locked():
        tables = {name: dict(docs) for name, docs in store._storage.read().items()}
        tables["index"] = {
            number: {k: v for k, v in entry.items() if k != QUIET_KEY}
            for number, entry in tables["index"].items()
        }
        replace_tables(store._db, tables, at=NOW, by="Test", description="older index entries")


def index_entries(store: CaseStore) -> dict[str, dict[str, Any]]:
    with store._locked():
        return dict(store._storage.read()["index"])


def last_journal_record(path: Path) -> dict[str, Any]:
    lines = DatabaseFiles(path).journal.read_bytes().splitlines(keepends=True)
    parsed = unframe_record(unframe(lines[-1]) or b"")
    assert parsed is not None
    return orjson.loads(parsed[2])  # type: ignore[no-any-return]


def test_all_gaps_are_the_full_engines_on_every_day(sample: Path) -> None:
    with open_store(sample, read_only=True) as store:
        summaries = store.summaries()
        assert all(s.quiet is not None for s in summaries)
        quiet_days: list[int] = []
        for today in DAYS:
            assert store.all_flags(today) == full_engine(store, today), today
            quiet_days.append(sum(today.toordinal() <= s.quiet for s in summaries))  # type: ignore[operator]
        kinds = {flag.kind for flag in store.all_flags(TODAY)}
    assert kinds == set(FlagKind) - {FlagKind.FOLLOW_UP}  # the sample has nobody released
    # Both paths are taken: on some days some people are skipped, never everyone.
    assert max(quiet_days) > 0 and min(quiet_days) < len(summaries)


def test_the_index_keeps_the_domains_quiet_day_as_cases_change(
    store: CaseStore, template: Template
) -> None:
    """Written with every change: a new release date, an item saved."""

    def stored_day(number: str) -> int:
        day = index_entries(store)[number][QUIET_KEY]
        assert isinstance(day, int)
        return day

    def domains_day(number: str) -> int:
        case = store.get(number)
        return quiet_until(assess(case, template), template)

    case = store.add(make_person("A1234BC", TODAY + timedelta(days=200)), template)
    assert stored_day(case.number) == domains_day(case.number)
    first = stored_day(case.number)
    store.update_person(make_person("A1234BC", TODAY + timedelta(days=100)))
    assert stored_day(case.number) == domains_day(case.number) == first - 100
    store.save_item("A1234BC", "release.date_confirmed", status=ItemStatus.IN_PROGRESS)
    assert stored_day(case.number) == domains_day(case.number)
    store.save_item(
        "A1234BC", "work.plan", status=ItemStatus.BLOCKED, reason="No employment lead yet"
    )
    assert stored_day(case.number) == -1  # blocked: it can flag on any day
    assert store.all_flags(TODAY) == full_engine(store, TODAY)


def test_entries_written_before_the_quiet_day_are_read_and_then_brought_up_to_date(
    sample: Path,
) -> None:
    with open_store(sample, read_only=True) as store:
        expected = {today: full_engine(store, today) for today in DAYS[:6]}
    written_before_quiet_days(sample)

    # Read-only: nothing can be written; every assessment is read, as before.
    with open_store(sample, read_only=True) as reader:
        before = reader.change_number
        assert all(s.quiet is None for s in reader.summaries())
        assert {today: reader.all_flags(today) for today in expected} == expected

    # Writable: one change writes the index entries alone, from the stored assessments.
    with open_store(sample) as store:
        assert store.change_number == before + 1
        record = last_journal_record(sample)
        assert {table for table, _key, _doc in record["ops"]} == {"index"}
        assert len(record["ops"]) == 40
        note = store.history()[-1]
        assert (note.case, note.field) == (None, REASSESSED_FIELD)
        assert "caseload index brought up to date for 40 people" in str(note.new)
        assert all(s.quiet is not None for s in store.summaries())
        assert {today: store.all_flags(today) for today in expected} == expected

    # Once only.
    with open_store(sample) as again:
        assert again.change_number == before + 1


def test_a_large_upgrade_is_folded_into_the_snapshot_at_once(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replaying it from the journal would cost every open until the next fold."""
    written_before_quiet_days(sample)
    monkeypatch.setattr(repository, "FOLD_UPGRADES_OF", 40)
    with open_store(sample) as store:
        assert all(s.quiet is not None for s in store.summaries())
        seq = store.change_number
    journal = DatabaseFiles(sample).journal.read_bytes().splitlines()
    assert len(journal) == 1  # the header alone: the upgrade is in the snapshot
    with open_store(sample, read_only=True) as reader:
        assert reader.change_number == seq
        assert all(s.quiet is not None for s in reader.summaries())
        assert reader.all_flags(TODAY) == full_engine(reader, TODAY)


def test_a_day_stored_by_an_older_rule_is_not_read(sample: Path) -> None:
    """A rule that changes stores its day under a new key; the old key is dropped."""
    with open_store(sample) as store, store._locked():
        tables = {name: dict(docs) for name, docs in store._storage.read().items()}
        tables["index"] = {
            number: {
                **{k: v for k, v in entry.items() if k != QUIET_KEY},
                "quiet0": date.max.toordinal(),  # "quiet for ever", by a rule now wrong
            }
            for number, entry in tables["index"].items()
        }
        replace_tables(store._db, tables, at=NOW, by="Test", description="an older rule")
    with open_store(sample, read_only=True) as reader:
        assert all(s.quiet is None for s in reader.summaries())
        assert reader.all_flags(TODAY) == full_engine(reader, TODAY)
    with open_store(sample) as store:
        entries = index_entries(store).values()
        assert all("quiet0" not in entry and QUIET_KEY in entry for entry in entries)


def test_a_damaged_assessment_is_reported_as_before(store: CaseStore, template: Template) -> None:
    store.add(make_person("A1234BC", TODAY + timedelta(days=10)), template)
    with store._locked():
        tables = {name: dict(docs) for name, docs in store._storage.read().items()}
        stored = dict(tables["assessments"]["A1234BC"])
        del stored["open"]
        tables["assessments"]["A1234BC"] = stored
        replace_tables(store._db, tables, at=NOW, by="Test", description="a damaged one")
    with pytest.raises(DatabaseCorrupt, match="caseload entry for A1234BC is damaged"):
        store.all_flags(TODAY)


def test_a_summary_already_parsed_is_flagged_from_its_assessment(
    store: CaseStore, template: Template
) -> None:
    """The caseload view parses and keeps assessments; flagging reuses them."""
    store.add(make_person("A1234BC", TODAY + timedelta(days=10)), template)
    [summary] = store.summaries()
    rules = FlagRules(template, TODAY)
    expected = rules.flags(summary.assessment, sort=False)  # parsed and kept now
    assert summary.flags(rules) == expected
    assert store.all_flags(TODAY) == sorted(expected, key=flag_order)
