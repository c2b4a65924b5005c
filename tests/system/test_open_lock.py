"""An open holds the database's lock only to copy the bytes it needs: a save in another
process never waits for the open's journal replay, and the open still sees a consistent
database (every acknowledged change, nothing torn), whatever saves and folds run beside it.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from planner.domain.person import Person
from planner.domain.template import Template
from planner.store import database
from planner.store.codec import Codec
from planner.store.crypto import MIN_COST, AesGcmCodec
from planner.store.database import OPEN_ATTEMPTS, Database
from planner.store.documents import case_from_doc
from planner.store.layout import DatabaseFiles
from planner.store.locking import DatabaseLock
from planner.store.repository import CaseStore
from planner.store.tables import CASES
from tests.platform_branches import both_platforms
from tests.system.store_worker import (
    CRASH_FIELD,
    CRASH_ITEM,
    Worker,
    ballast_number,
    slot_number,
)

REPLAYED = 150  # records in the journal after the snapshot when the opener starts
SLOTS = 5
BALLAST = 40  # other people, so that a snapshot (and a fold) is of some size
OPENS = 300
PAUSE = 0.002  # seconds the saver lets the lock go between saves
PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.close()


def seeded(path: Path, template: Template, saves: int) -> int:
    """A database of one person whose work plan was saved `saves` times, all of them in
    the journal still; returns its change number."""
    with CaseStore(path, officer="seeder", auto_backup=False) as store:
        store.add(Person(number=slot_number(0), surname="Slot", forename="S"), template)
        for i in range(saves):
            store.save_item(slot_number(0), CRASH_ITEM, evidence={CRASH_FIELD: str(i)})
        return store.change_number


def save_beside(path: Path, value: str) -> None:
    """One save from this process, which must get the exclusive lock within a second."""
    with CaseStore(path, officer="beside", lock_timeout=1.0, auto_backup=False) as other:
        other.save_item(slot_number(0), CRASH_ITEM, evidence={CRASH_FIELD: value})


def lock_is_free(path: Path) -> bool:
    """Whether nobody holds the database's lock, shared or exclusive, now."""
    return DatabaseLock(DatabaseFiles(path).journal, timeout=0).try_exclusive()


def finish(opener: Worker) -> None:
    """End the opener's input; it must then end well."""
    assert opener.proc.stdin is not None
    opener.proc.stdin.close()
    assert opener.proc.wait(timeout=30) == 0, opener.stderr()


@pytest.mark.parametrize("mode", ["read-only", "writable"])
def test_a_save_takes_the_lock_while_another_process_replays_the_journal(
    db_path: Path, template: Template, workers: list[Worker], mode: str
):
    before = seeded(db_path, template, REPLAYED)
    opener = Worker("opener", str(db_path), mode, slot_number(0))
    workers.append(opener)
    opener.expect("REPLAYING")  # paused in the middle of its open's replay
    assert lock_is_free(db_path)  # nobody holds it, shared or exclusive, during the replay
    save_beside(db_path, "saved during the replay")
    opener.send("GO")
    # the open itself was sound, and its first read caught up with the save
    assert opener.expect("OPENED") == f"OPENED {before + 1} 1"
    assert opener.expect("VALUE") == "VALUE saved during the replay"
    finish(opener)


def test_torn_tails_cut_off_by_a_save_during_the_replay_are_judged_as_they_were(
    db_path: Path, template: Template, workers: list[Worker]
):
    before = seeded(db_path, template, REPLAYED)
    files = DatabaseFiles(db_path)
    # A crash mid-append left a long torn line at the end of both files. The next save
    # cuts each off and writes its own, shorter, line in its place.
    parts = (files.journal, files.audit)
    for part in parts:
        with part.open("ab") as handle:
            handle.write(b"0" * 20_000)
    torn = [part.stat().st_size for part in parts]
    opener = Worker("opener", str(db_path), "read-only", slot_number(0))
    workers.append(opener)
    opener.expect("REPLAYING")
    save_beside(db_path, "written over the torn lines")
    # each torn line was cut off and a shorter, whole one written in its place
    assert all(part.stat().st_size < size for part, size in zip(parts, torn, strict=True))
    opener.send("GO")
    # the open judged the files as they stood when it copied them: torn tails, no damage,
    # and not an audit log ahead of the data
    assert opener.expect("OPENED") == f"OPENED {before + 1} 1"
    assert opener.expect("VALUE") == "VALUE written over the torn lines"
    finish(opener)


@pytest.mark.parametrize("elsewhere", ["saves", "a fold"])
def test_an_open_store_catches_up_with_the_lock_let_go(
    db_path: Path, template: Template, workers: list[Worker], elsewhere: str
):
    """Many saves elsewhere since the last read (or a new snapshot and the saves after
    it) are replayed with the lock let go; the read then takes it only for the rest."""
    seeded(db_path, template, 5)
    opener = Worker("opener", str(db_path), "read-only", slot_number(0))
    workers.append(opener)
    opener.expect("REPLAYING")
    opener.send("GO")
    opener.expect("VALUE")
    with CaseStore(db_path, officer="elsewhere", auto_backup=False) as other:
        for i in range(REPLAYED):
            other.save_item(slot_number(0), CRASH_ITEM, evidence={CRASH_FIELD: f"e{i}"})
            if elsewhere == "a fold" and i == REPLAYED // 2:
                other.compact()
    opener.send("READ")
    opener.expect("REPLAYING")  # paused in the catch-up's replay
    assert lock_is_free(db_path)
    save_beside(db_path, "saved during the catch-up")
    opener.send("GO")
    assert opener.expect("VALUE") == "VALUE saved during the catch-up"
    finish(opener)


def folding_preload(
    db: Database, path: Path, times: int, monkeypatch: pytest.MonkeyPatch
) -> list[int]:
    """Make `db`'s open find, `times` times, that a fold replaced the snapshot between
    its read and the lock (another store saves and folds just after each read); returns
    the change numbers those folds were at."""
    preload: Callable[[], bool] = db.storage.preload
    folds: list[int] = []

    def preload_then_fold() -> bool:
        ready = preload()
        if len(folds) < times:
            with CaseStore(path, officer="folder", auto_backup=False) as other:
                other.save_item(
                    slot_number(0), CRASH_ITEM, evidence={CRASH_FIELD: f"f{len(folds)}"}
                )
                other.compact()
                folds.append(other.change_number)
        return ready

    monkeypatch.setattr(db.storage, "preload", preload_then_fold)
    return folds


@pytest.mark.parametrize("times", [1, OPEN_ATTEMPTS])
def test_an_open_reads_again_the_snapshot_a_fold_replaced_before_its_lock(
    db_path: Path, template: Template, monkeypatch: pytest.MonkeyPatch, times: int
):
    seeded(db_path, template, 20)
    db = Database(db_path, read_only=True, lock_timeout=5)
    folds = folding_preload(db, db_path, times, monkeypatch)
    db.open(create=False, codec=None, passphrase=None, encrypt=False)
    assert len(folds) == times  # each read of the snapshot was overtaken by a fold
    assert db.problem is None
    assert db.seq == db.storage.snapshot_seq == folds[-1]
    stored = case_from_doc(db.storage.read()[CASES][slot_number(0)])
    assert stored.checklist.item(CRASH_ITEM).evidence[CRASH_FIELD] == f"f{times - 1}"


@pytest.mark.parametrize("times", [1, OPEN_ATTEMPTS])
def test_a_read_takes_the_snapshot_a_fold_put_in_place_before_its_lock(
    db_path: Path, template: Template, monkeypatch: pytest.MonkeyPatch, times: int
):
    seeded(db_path, template, 5)
    with CaseStore(db_path, read_only=True, auto_backup=False) as store:
        folds = folding_preload(store._db, db_path, times, monkeypatch)
        plan = store.get(slot_number(0)).checklist.item(CRASH_ITEM).evidence[CRASH_FIELD]
        assert len(folds) == times
        assert (store.change_number, plan) == (folds[-1], f"f{times - 1}")
        assert store.integrity_problem is None


def acknowledged(saver: Worker, last: int) -> int:
    """The newest change the saver has acknowledged by now."""
    while True:
        try:
            line = saver.lines.get_nowait()
        except queue.Empty:
            return last
        if line is None:
            raise AssertionError(f"the saver ended: {saver.stderr()}")
        if line.startswith("ACK "):
            last = int(line.split()[1])


def expected_plan(slot: int, newest: int) -> str | None:
    """What slot `slot` holds once the saver's changes 0 to `newest` are in."""
    if newest < slot:
        return None
    return str(newest - (newest - slot) % SLOTS)


def check_consistent(db: Database, base: int, acked: int) -> None:
    """The database as `db` opened it is exactly the one after a change of the saver's,
    one it acknowledged before the open began or a later one."""
    assert db.problem is None, db.problem
    newest = db.seq - base - 1  # the saver's change n is the database's change base + 1 + n
    assert newest >= acked, f"opened at the saver's change {newest}, but {acked} was saved"
    tables = db.storage.read()
    assert len(tables[CASES]) == SLOTS + BALLAST
    for slot in range(SLOTS):
        case = case_from_doc(tables[CASES][slot_number(slot)])
        plan = case.checklist.item(CRASH_ITEM).evidence.get(CRASH_FIELD)
        assert plan == expected_plan(slot, newest), f"slot {slot} at change {db.seq}"
    assert db.audit.last_seq in (db.seq, db.seq - 1)


@both_platforms
@pytest.mark.parametrize(("encrypted", "opens"), [(False, OPENS), (True, OPENS // 3)])
def test_opens_racing_saves_and_folds_in_another_process_see_a_consistent_database(
    tmp_path: Path,
    template: Template,
    workers: list[Worker],
    monkeypatch: pytest.MonkeyPatch,
    encrypted: bool,
    opens: int,
):
    path = tmp_path / "race.db"
    people = [Person(number=slot_number(s), surname="Slot", forename="S") for s in range(SLOTS)]
    people += [
        Person(number=ballast_number(i), surname="Ballast", forename="B", location="x" * 40)
        for i in range(BALLAST)
    ]
    given = AesGcmCodec.create(PASSPHRASE, cost=MIN_COST) if encrypted else None
    with CaseStore(path, officer="seeder", codec=given, auto_backup=False) as store:
        store.add_many(people, template)
        codec: Codec = store.codec
    # saves as fast as they go, a fold due every few dozen and a compaction every 25
    saver = Worker(
        "saver", str(path), str(SLOTS), "4096", "25", str(PAUSE), PASSPHRASE if encrypted else ""
    )
    workers.append(saver)
    base = int(saver.expect("READY").split()[1])
    acked = -1
    snapshots: set[int] = set()
    # and a database opened once, read again now and then as a store reads it: catching
    # up with the lock let go with the snapshots put in place since and (however few)
    # the saves appended since
    monkeypatch.setattr(database, "CATCH_UP_BYTES", 1)
    reader = Database(path, read_only=True, lock_timeout=10)
    reader.open(create=False, codec=codec, passphrase=None, encrypt=False)
    for i in range(opens):  # every other one read-only
        acked = acknowledged(saver, acked)
        db = Database(path, read_only=i % 2 == 0, lock_timeout=10)
        db.open(create=False, codec=codec, passphrase=None, encrypt=False)
        check_consistent(db, base, acked)
        snapshots.add(db.storage.snapshot_seq)
        db.storage.close()
        if i % 10 == 9:
            acked = acknowledged(saver, acked)
            with reader.locked_after_preload(shared=True):
                reader.refresh()
                check_consistent(reader, base, acked)
    # the opens raced many saves and many new snapshots
    assert acknowledged(saver, acked) > opens // 3
    assert len(snapshots) > 5
