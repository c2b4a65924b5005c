"""Team mode against a real PostgreSQL server and real OS processes: concurrent writers
lose nothing, a process killed mid-save loses nothing it was told was saved. (Access by
prison and the append-only audit table, by hand-written SQL, are
tests/unit/test_server_security.py; the 20,000-person migration round trip is
bench/server_bench.py, too slow for the suite.)"""

from __future__ import annotations

import os
import signal
from collections import Counter

from planner.server.store import ServerStore
from tests.conftest import NOW, make_person
from tests.system.server_worker import ServerWorker
from tests.system.store_worker import (
    CRASH_FIELD,
    CRASH_ITEM,
    WRITER_PREFIXES,
    field_name,
    many_fields_template,
    slot_number,
)

WRITERS = 4
SAVES = 300
NUMBER = "A1234BC"


def test_four_processes_of_300_saves_each_leave_all_1200_changes(server_url: str):
    with ServerStore(server_url, officer="Seeder", clock=lambda: NOW) as store:
        store.add(make_person(NUMBER), many_fields_template())
        start = store.change_number
    workers = [
        ServerWorker("writer", server_url, NUMBER, prefix, str(SAVES))
        for prefix in WRITER_PREFIXES[:WRITERS]
    ]
    try:
        for worker in workers:
            worker.expect("READY")
        for worker in workers:
            worker.send("GO")
        for worker in workers:
            worker.expect("DONE", timeout=120)
    finally:
        for worker in workers:
            worker.proc.kill()
            worker.proc.wait()
    with ServerStore(server_url) as store:
        record = store.get(NUMBER).checklist.item(CRASH_ITEM)
        expected = {
            field_name(p, i): str(i) for p in WRITER_PREFIXES[:WRITERS] for i in range(SAVES)
        }
        assert record.evidence == expected  # every read-modify-write saw the others' changes
        assert record.rev == WRITERS * SAVES
        assert store.change_number == start + WRITERS * SAVES
        history = [e for e in store.history(NUMBER) if e.item == CRASH_ITEM]
        assert Counter(e.by for e in history) == dict.fromkeys(WRITER_PREFIXES[:WRITERS], SAVES)
        seqs = [e.seq for e in history]
        assert len(set(seqs)) == len(seqs) == WRITERS * SAVES


def test_a_process_killed_mid_save_loses_nothing_it_acknowledged(server_url: str):
    slots = 5
    with ServerStore(server_url, officer="Seeder", clock=lambda: NOW) as store:
        store.add_many([make_person(slot_number(s)) for s in range(slots)], many_fields_template())
    acked: dict[int, int] = {}
    start = 0
    for kill_after in (3, 11, 17, 29, 41, 53):  # a different moment of a save each round
        saver = ServerWorker("saver", server_url, str(slots), str(start))
        try:
            saver.expect("READY")
            while True:
                n = int(saver.expect("ACK").split()[1])
                acked[n % slots] = n
                if n >= start + kill_after:
                    break  # the next save is under way: kill it there
        finally:
            os.kill(saver.proc.pid, signal.SIGKILL)
            saver.proc.wait()
        with ServerStore(server_url) as store:
            for slot, n in acked.items():
                item = store.get(slot_number(slot)).checklist.item(CRASH_ITEM)
                assert int(str(item.evidence[CRASH_FIELD])) >= n
            history = [e for e in store.history() if e.item == CRASH_ITEM]
            saved = {int(str(e.new)) for e in history}
            assert set(range(start, max(acked.values()) + 1)) <= saved
            last = max(saved)
        start = last + 1
