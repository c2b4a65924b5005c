"""Soak test: SIGKILL a writer at random moments for minutes; no acknowledged change is lost.

    python bench/soak.py [--minutes 3] [--people 200] [--encrypt] [--seed N] [--keep DIR]

A writer process opens the database (each run as a new day, so every open takes the daily
backup and rotates old ones), then saves changes as fast as it can: change n sets the
notes of person n % people to "n=<n>", and every 50th change also sets an item's evidence.
It prints "ACK n" once the save has returned, and folds the journal into a new snapshot
every 300 changes. The soak kills it with SIGKILL after a random 0.05-2 s (so kills land
in opens, backups, saves and compactions alike), then opens the database itself and
checks:

* every person's notes hold the last acknowledged change for them, or the one change that
  was in flight when the writer died (never anything older);
* the audit log holds every acknowledged change;
* every backup passes its checksum check, and the newest opens (decrypts and parses).

It prints iterations, changes acknowledged and losses (which must be 0), and exits 1 if
anything was lost or wrong.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
PASSPHRASE = "soak test passphrase"
COMPACT_EVERY = 300
EVIDENCE_EVERY = 50


def number(slot: int) -> str:
    return f"S{slot:04d}AA"


def _codec(path: Path) -> object:
    from planner.store.crypto import codec_for
    from planner.store.snapshot import read_snapshot_header

    header, _ = read_snapshot_header(path)
    return codec_for(header.codec, what=path.name, passphrase=PASSPHRASE)


def writer(path: Path, start: int, people: int, day: int) -> None:
    from planner.domain.status import ItemStatus
    from planner.store.repository import CaseStore

    now = START + timedelta(days=day)
    store = CaseStore(
        path, officer="soak", passphrase=PASSPHRASE, clock=lambda: now, backups_keep=3
    )
    print("OPEN", flush=True)
    n = start
    while True:
        slot = n % people
        if n % COMPACT_EVERY == 0:
            store.compact()
        if n % EVIDENCE_EVERY == 0:
            store.save_item(
                number(slot),
                "work.plan",
                status=ItemStatus.IN_PROGRESS,
                evidence={"plan": f"n={n}"},
            )
        store.update_notes(number(slot), f"n={n}")
        print(f"ACK {n}", flush=True)
        n += 1


def build(path: Path, people: int, encrypt: bool) -> None:
    from planner.domain.person import Person
    from planner.domain.template_loading import TemplateLibrary
    from planner.store.crypto import AesGcmCodec
    from planner.store.repository import CaseStore

    template = TemplateLibrary().get("england-wales")
    codec = AesGcmCodec.create(PASSPHRASE) if encrypt else None
    with CaseStore(path, officer="soak", codec=codec, clock=lambda: START) as store:
        store.add_many(
            [Person(number=number(s), surname="Soak", forename=f"P{s}") for s in range(people)],
            template,
        )


class Ledger:
    def __init__(self, people: int) -> None:
        self.people = people
        self.acked: list[int] = []
        self.last_for: dict[int, int] = {}
        self.maybe_for: dict[int, set[int]] = {}  # in flight when killed: may have landed
        self.next_n = 0

    def record(self, n: int) -> None:
        self.acked.append(n)
        self.last_for[n % self.people] = n
        self.maybe_for.pop(n % self.people, None)

    def in_flight(self, n: int) -> None:
        self.maybe_for.setdefault(n % self.people, set()).add(n)

    def allowed(self, slot: int) -> set[int]:
        return {self.last_for[slot], *self.maybe_for.get(slot, set())}


def verify(path: Path, ledger: Ledger) -> list[str]:
    """What is wrong with the database after a kill (empty when nothing)."""
    from planner.store.backup import verify_backup
    from planner.store.backup_folders import backups_root, check_backup, list_backups
    from planner.store.repository import CaseStore

    problems: list[str] = []
    codec = _codec(path)
    with CaseStore(path, codec=codec, auto_backup=False) as store:  # type: ignore[arg-type]
        for slot, last in ledger.last_for.items():
            notes = store.get(number(slot)).notes
            stored = int(notes.removeprefix("n=")) if notes.startswith("n=") else -1
            if stored not in ledger.allowed(slot):
                problems.append(f"{number(slot)} holds n={stored}, last acknowledged {last}")
        audited = {
            int(e.new.removeprefix("n="))
            for e in store.history()
            if e.field == "notes" and isinstance(e.new, str) and e.new.startswith("n=")
        }
        missing = [n for n in ledger.acked if n not in audited]
        if missing:
            problems.append(f"{len(missing)} acknowledged changes missing from the audit log")
    backups = list_backups(backups_root(path))
    for found in backups:
        problem = check_backup(found)
        if problem:
            problems.append(f"backup {found.folder.name}: {problem}")
    if backups:
        verify_backup(backups[0], codec)  # type: ignore[arg-type]
    return problems


def run(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="planner-soak-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "soak.db"
    build(path, args.people, args.encrypt)
    ledger = Ledger(args.people)
    deadline = time.monotonic() + args.minutes * 60
    iterations = losses = kills_before_open = 0
    day = 0
    while time.monotonic() < deadline:
        iterations += 1
        day += 1
        proc = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--writer",
                str(path),
                str(ledger.next_n),
                str(args.people),
                str(day),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(rng.uniform(0.05, 2.0))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        if proc.returncode != -signal.SIGKILL:
            print(f"writer ended by itself ({proc.returncode}): {err.strip()[-300:]}")
            return 1
        lines = out.splitlines()
        if "OPEN" not in lines:
            kills_before_open += 1
        for line in lines:
            if line.startswith("ACK "):
                ledger.record(int(line.split()[1]))
        in_flight = ledger.acked[-1] + 1 if ledger.acked else 0
        in_flight = max(in_flight, ledger.next_n)
        ledger.in_flight(in_flight)
        problems = verify(path, ledger)
        losses += len(problems)
        for problem in problems:
            print(f"iteration {iterations}: {problem}")
        ledger.next_n = in_flight + 1  # never reuse a number that may have landed
    print(
        f"iterations {iterations}, changes acknowledged {len(ledger.acked)}, "
        f"losses {losses}, kills before the open finished {kills_before_open}, "
        f"encrypted {args.encrypt}, people {args.people}, minutes {args.minutes}"
    )
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if losses else 0


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--writer":
        path, start, people, day = sys.argv[2:6]
        writer(Path(path), int(start), int(people), int(day))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--encrypt", action="store_true")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("PLANNER_SOAK_SEED", "1")))
    parser.add_argument("--keep", metavar="DIR", help="Keep the database in DIR afterwards.")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
