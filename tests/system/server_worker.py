"""A separate OS process that uses a ServerStore, for the team-mode system tests.

Run as a script: ``python tests/system/server_worker.py COMMAND ARGS...``; it talks to
the test over stdout and stdin as tests/system/store_worker.py does.

``writer URL NUMBER PREFIX COUNT``
    Open the store (officer PREFIX), print READY, wait for GO, then save COUNT changes to
    the same item of NUMBER: evidence field PREFIX<i> of work.plan set to "<i>". DONE.
``saver URL SLOTS START``
    Print READY, then save change n = START, START+1, ... for ever: work.plan's "plan" of slot
    n % SLOTS set to str(n); print "ACK n" once save_item has returned. The test kills it.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

if __name__ == "__main__":  # run as a script: make `planner` and `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.system.store_worker import (
    CRASH_FIELD,
    CRASH_ITEM,
    Worker,
    field_name,
    slot_number,
)

SCRIPT = Path(__file__).resolve()


class ServerWorker(Worker):
    def __init__(self, *args: str) -> None:
        import queue

        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, str(SCRIPT), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self._reader = threading.Thread(target=self._pump, daemon=True)
        self._reader.start()


def _writer(url: str, number: str, prefix: str, count: int) -> None:
    from planner.server.store import ServerStore

    with ServerStore(url, officer=prefix) as store:
        print("READY", flush=True)
        sys.stdin.readline()
        for i in range(count):
            store.save_item(number, CRASH_ITEM, evidence={field_name(prefix, i): str(i)})
    print("DONE", flush=True)


def _saver(url: str, slots: int, start: int) -> None:
    from planner.server.store import ServerStore

    with ServerStore(url, officer="Saver") as store:
        print("READY", flush=True)
        n = start
        while True:
            store.save_item(slot_number(n % slots), CRASH_ITEM, evidence={CRASH_FIELD: str(n)})
            print(f"ACK {n}", flush=True)
            n += 1


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "writer":
        _writer(args[0], args[1], args[2], int(args[3]))
    elif command == "saver":
        _saver(args[0], int(args[1]), int(args[2]))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
