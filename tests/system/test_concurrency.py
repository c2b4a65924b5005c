"""Real OS processes sharing one database: no change is lost, every reader catches up."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest

from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store.repository import CaseStore
from tests.conftest import NOW, make_person
from tests.platform_branches import both_platforms
from tests.system.store_worker import (
    WRITES_PER_WRITER,
    Worker,
    field_name,
    many_fields_template,
)

COUNT = WRITES_PER_WRITER
ITEM = "work.plan"


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.close()


def run_two_writers(workers: list[Worker], args: list[list[str]]) -> None:
    for a in args:
        workers.append(Worker("writer", *a))
    for worker in workers:
        worker.expect("READY")
    for worker in workers:
        worker.send("GO")  # both start together, so their saves interleave
    for worker in workers:
        worker.expect("DONE", timeout=120)
        assert worker.proc.wait(timeout=30) == 0, worker.stderr()


@pytest.mark.parametrize("compact_min", [1 << 20, 8192])
def test_two_processes_each_save_200_changes_to_their_own_person(
    db_path: Path, workers: list[Worker], compact_min: int
):
    CaseStore(db_path).close()
    people = {"P1": "A1111AA", "P2": "B2222BB"}
    run_two_writers(
        workers,
        [
            [str(db_path), number, ITEM, prefix, str(COUNT), str(compact_min), "1"]
            for prefix, number in people.items()
        ],
    )
    with CaseStore(db_path) as store:
        assert store.numbers() == sorted(people.values())
        for prefix, number in people.items():
            evidence = store.get(number).checklist.item(ITEM).evidence
            assert evidence == {field_name(prefix, i): str(i) for i in range(COUNT)}
            assert store.get(number).checklist.item(ITEM).rev == COUNT
            history = [e for e in store.history(number) if e.item == ITEM]
            assert len(history) == COUNT
            assert {e.by for e in history} == {prefix}
        assert store.change_number == 2 + 2 * COUNT
        seqs = [e.seq for e in store.history() if e.item == ITEM]
        assert sorted(set(seqs)) == sorted(seqs)  # one change, one number


@both_platforms
def test_two_processes_edit_the_same_item_without_losing_an_update(
    db_path: Path, workers: list[Worker], template: Template
):
    number = "A1234BC"
    with CaseStore(db_path, clock=lambda: NOW) as store:
        store.add(make_person(number), many_fields_template())
    run_two_writers(
        workers,
        [[str(db_path), number, ITEM, prefix, str(COUNT), "16384", "0"] for prefix in ("L", "R")],
    )
    with CaseStore(db_path) as store:
        record = store.get(number).checklist.item(ITEM)
        expected = {field_name(p, i): str(i) for p in ("L", "R") for i in range(COUNT)}
        assert record.evidence == expected  # every read-modify-write saw the other's change
        assert record.rev == 2 * COUNT
        history = [e for e in store.history(number) if e.item == ITEM]
        assert len(history) == 2 * COUNT
        assert Counter(e.by for e in history) == {"L": COUNT, "R": COUNT}
        assert {e.field for e in history} == {f"evidence.{k}" for k in expected}
        assert store.change_number == 1 + 2 * COUNT
        interleaved = [e.by for e in sorted(history, key=lambda e: e.seq)]
        switches = sum(1 for a, b in pairwise(interleaved) if a != b)
        assert switches > 0, "the two writers never interleaved: the test proved nothing"


def test_a_reader_process_sees_a_writers_change_without_reopening(
    db_path: Path, workers: list[Worker], template: Template
):
    number = "A1234BC"
    with CaseStore(db_path, officer="Writer", clock=lambda: NOW) as writer:
        writer.add(make_person(number), template)
        reader = Worker("reader", str(db_path), number, ITEM, "plan")
        workers.append(reader)
        reader.expect("READY")
        for n in range(12):
            value = f"version {n}"
            writer.save_item(number, ITEM, status=ItemStatus.IN_PROGRESS, evidence={"plan": value})
            if n % 4 == 3:
                writer.compact()  # a new snapshot and a new journal under the reader
            reader.send(f"WAIT {value}")
            assert reader.expect("SEEN", timeout=30) == f"SEEN {value}"
        reader.proc.stdin.close()  # type: ignore[union-attr]
        assert reader.proc.wait(timeout=30) == 0, reader.stderr()
