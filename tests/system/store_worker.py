"""A separate OS process that uses a CaseStore, for the concurrency and crash tests.

Run as a script: ``python tests/system/store_worker.py COMMAND ARGS...``. It talks to the
test over stdout (one line per event, flushed at once) and stdin (commands).

Commands:

``writer PATH NUMBER ITEM PREFIX COUNT COMPACT_MIN ADD``
    Open the store (officer PREFIX), add NUMBER first when ADD is 1, print READY, wait for
    a GO line, then save COUNT changes: evidence field PREFIX<i> of ITEM set to "<i>".
    Print DONE and exit.
``reader PATH NUMBER ITEM FIELD``
    Open the store once, print READY, then for each stdin line "WAIT <value>" poll the same
    open store until FIELD of ITEM holds <value>: print "SEEN <value>" (or "TIMEOUT").
``crash PATH START SLOTS COMPACT_MIN COMPACT_EVERY DAY``
    Save change n = START, START+1, ... for ever: set work.plan's "plan" of slot n % SLOTS
    to str(n); print "ACK n" once save_item has returned, and "FOLDING n" when that save
    started a fold of the journal in the background. Every COMPACT_EVERY changes (0:
    never) print "COMPACTING n" and fold the journal into a new snapshot first. The
    store's clock runs DAY days ahead, so each round's open is the first of a new day (a
    daily backup). The test kills it.
``saver PATH SLOTS COMPACT_MIN COMPACT_EVERY PAUSE PASSPHRASE``
    Open the store (PASSPHRASE unlocks it; empty: not encrypted), print "READY seq" with
    its change number, then save change n = 0, 1, ... for ever as ``crash`` does (work.plan's
    "plan" of slot n % SLOTS set to str(n), "ACK n" once saved), folding the journal in
    the background when due and into a new snapshot every COMPACT_EVERY changes. Between
    saves it lets the lock go for PAUSE seconds (an officer's saves are never back to
    back; with none, a process polling for the lock rarely finds it free). The test
    kills it.
``opener PATH MODE NUMBER``
    Open the store (MODE "read-only" or "writable"), pausing in the journal's replay: at
    the first record after the snapshot it prints "REPLAYING seq" and waits for a GO
    line. Once open it prints "OPENED <change number> <integrity ok: 1/0>", then reads
    NUMBER's work.plan "plan" and prints "VALUE <value>". Then for each READ line it
    reads that again, pausing the same way at the first record it replays, and prints
    "VALUE <value>"; it ends when its input does.

The module also holds `Worker`, the test side of the conversation.
"""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.domain.template import Template

WORKER = Path(__file__).resolve()
CRASH_ITEM = "work.plan"
CRASH_FIELD = "plan"
WRITER_PREFIXES = ("P1", "P2", "L", "R")
WRITES_PER_WRITER = 200
MOST_WRITES = 300  # the template holds a field for each of up to this many saves


def field_name(prefix: str, i: int) -> str:
    """The evidence field a writer sets on its i-th save: one field per save, so a lost
    update shows as a missing field rather than an overwritten value."""
    return f"{prefix.lower()}_{i}"


def many_fields_template() -> Template:
    """The default template with work.plan given one text field for every writer's save.

    The store refuses evidence its template does not define, so the concurrency tests
    bring a template (a site could do the same) instead of writing made-up field names.
    """
    from planner.domain.template import Template
    from planner.domain.template_loading import TemplateLibrary

    data = TemplateLibrary().get("england-wales").model_dump(mode="json", by_alias=True)
    data["id"] = "concurrency-test"
    for item in data["items"]:
        if item["id"] == CRASH_ITEM:
            item["evidence"] = list(item["evidence"]) + [
                {"name": field_name(p, i), "label": f"{p} {i}", "type": "text"}
                for p in WRITER_PREFIXES
                for i in range(MOST_WRITES)
            ]
    return Template.model_validate(data)


def slot_number(slot: int) -> str:
    """The prison number of crash-test slot `slot` (S0000AA, S0001AA, ...)."""
    return f"S{slot:04d}AA"


def ballast_number(index: int) -> str:
    return f"B{index:04d}BB"


class Worker:
    """A worker process with its stdout read line by line on a thread (never blocks)."""

    def __init__(self, *args: str) -> None:
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self._reader = threading.Thread(target=self._pump, daemon=True)
        self._reader.start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self, timeout: float) -> str | None:
        """The next line, or None at end of output. Raises TimeoutError."""
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no output within {timeout} s; stderr: {self.stderr()}") from None
        if line is not None:
            self.seen.append(line)
        return line

    def expect(self, prefix: str, timeout: float = 30.0) -> str:
        """Read lines until one starts with `prefix`; return it."""
        deadline = time.monotonic() + timeout
        while True:
            line = self.next_line(max(0.01, deadline - time.monotonic()))
            if line is None:
                raise AssertionError(
                    f"worker ended before {prefix!r}; rc={self.proc.wait()}, "
                    f"stderr: {self.stderr()}"
                )
            if line.startswith(prefix):
                return line

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def drain(self, timeout: float = 10.0) -> list[str]:
        """Every remaining line, after the process has ended."""
        rest: list[str] = []
        while True:
            line = self.next_line(timeout)
            if line is None:
                return rest
            rest.append(line)

    def stderr(self) -> str:
        if self.proc.poll() is None or self.proc.stderr is None:
            return "(still running)"
        return self.proc.stderr.read()[-2000:]

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)

    def close(self) -> None:
        self.kill()
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


# --- the worker side ------------------------------------------------------------------------


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _clock() -> datetime:
    return datetime.now(UTC)


def _writer(
    path: str, number: str, item: str, prefix: str, count: str, compact_min: str, add: str
) -> None:
    import planner.store.journal as journal
    from planner.domain.person import Person
    from planner.store.repository import CaseStore

    journal.COMPACT_MIN_BYTES = int(compact_min)
    with CaseStore(Path(path), officer=prefix, clock=_clock) as store:
        if add == "1":
            store.add(
                Person(number=number, surname=prefix, forename="Worker"), many_fields_template()
            )
        _say("READY")
        if sys.stdin.readline().strip() != "GO":
            raise SystemExit("expected GO")
        for i in range(int(count)):
            store.save_item(number, item, evidence={field_name(prefix, i): str(i)})
        _say("DONE")


def _reader(path: str, number: str, item: str, field: str) -> None:
    from planner.store.repository import CaseStore

    with CaseStore(Path(path), officer="reader", clock=_clock) as store:
        _say("READY")
        for command in sys.stdin:
            verb, _, value = command.strip().partition(" ")
            if verb != "WAIT":
                raise SystemExit(f"unknown command {command!r}")
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                case = store.find(number)
                if case is not None and case.checklist.item(item).evidence.get(field) == value:
                    _say(f"SEEN {value}")
                    break
                time.sleep(0.005)
            else:
                _say("TIMEOUT")


def _crash(
    path: str, start: str, slots: str, compact_min: str, compact_every: str, day: str
) -> None:
    import planner.store.journal as journal
    from planner.store.repository import CaseStore

    journal.COMPACT_MIN_BYTES = int(compact_min)
    every = int(compact_every)
    count = int(slots)
    ahead = timedelta(days=int(day))

    def clock() -> datetime:
        return datetime.now(UTC) + ahead

    store = CaseStore(Path(path), officer="crash-writer", clock=clock)
    _say("READY")
    n = int(start)
    folding = False
    while True:
        if every and n % every == 0:
            _say(f"COMPACTING {n}")
            store.compact()
        store.save_item(slot_number(n % count), CRASH_ITEM, evidence={CRASH_FIELD: str(n)})
        _say(f"ACK {n}")
        if store.folding and not folding:
            _say(f"FOLDING {n}")  # a fold in the background started with this save
        folding = store.folding
        n += 1


def _saver(
    path: str, slots: str, compact_min: str, compact_every: str, pause: str, passphrase: str
) -> None:
    import planner.store.journal as journal
    from planner.store.repository import CaseStore

    journal.COMPACT_MIN_BYTES = int(compact_min)
    every = int(compact_every)
    count = int(slots)
    store = CaseStore(
        Path(path), officer="saver", clock=_clock, passphrase=passphrase or None, auto_backup=False
    )
    _say(f"READY {store.change_number}")
    n = 0
    folding = False
    while True:
        if every and n and n % every == 0:
            store.compact()
        store.save_item(slot_number(n % count), CRASH_ITEM, evidence={CRASH_FIELD: str(n)})
        _say(f"ACK {n}")
        if store.folding and not folding:
            _say(f"FOLDING {n}")
        folding = store.folding
        n += 1
        time.sleep(float(pause))


def _opener(path: str, mode: str, number: str) -> None:
    from planner.store.files import RecordLine
    from planner.store.journal import JournalStorage
    from planner.store.repository import CaseStore

    replay = JournalStorage._apply
    armed = True

    def pausing(storage: JournalStorage, record: RecordLine) -> int:
        # The hook: the first record replayed after the snapshot waits for the test.
        nonlocal armed
        if armed and record.seq > storage.snapshot_seq:
            armed = False
            _say(f"REPLAYING {record.seq}")
            if sys.stdin.readline().strip() != "GO":
                raise SystemExit("expected GO")
        return replay(storage, record)

    setattr(JournalStorage, "_apply", pausing)  # noqa: B010 - the hook, on the real store
    read_only = {"read-only": True, "writable": False}[mode]
    with CaseStore(Path(path), officer="opener", read_only=read_only, auto_backup=False) as store:
        if armed:
            raise SystemExit("the journal held no record to replay")
        ok = store.integrity_problem is None
        _say(f"OPENED {store.change_number} {int(ok)}")
        while True:
            value = store.get(number).checklist.item(CRASH_ITEM).evidence.get(CRASH_FIELD)
            _say(f"VALUE {value}")
            command = sys.stdin.readline().strip()
            if not command:
                break
            if command != "READ":
                raise SystemExit(f"unknown command {command!r}")
            armed = True


def main(argv: list[str]) -> None:
    command, args = argv[0], argv[1:]
    if command == "writer":
        _writer(*args)
    elif command == "reader":
        _reader(*args)
    elif command == "crash":
        _crash(*args)
    elif command == "saver":
        _saver(*args)
    elif command == "opener":
        _opener(*args)
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
