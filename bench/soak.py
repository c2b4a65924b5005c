"""Soak test: SIGKILL writers at random moments for minutes; no acknowledged change is lost.

    python bench/soak.py [--minutes 3] [--people 200] [--writers 1] [--longest 2]
                         [--delete-lock-files] [--encrypt] [--seed N] [--keep DIR]

Each round starts `--writers` writer processes on one database (each round as a new day,
so the first open takes the daily backup and rotates old ones). Writer w owns its own
share of the people and saves changes as fast as it can: its change n sets the notes of
one of its people to "w:n", and every 50th change also sets an item's evidence. It prints
"ACK n" once the save has returned, and folds the journal into a new snapshot every 300
changes. The soak kills every writer with SIGKILL after a random 0.05 s to --longest (so
kills land in opens, backups, saves and compactions alike), then opens the database itself
and checks:

* every person's notes hold the last acknowledged change for them, or the one change that
  was in flight when their writer died (never anything older);
* the audit log holds every acknowledged change, and the files vouch for each other;
* every backup passes its checksum check, and the newest opens (decrypts and parses).

With --delete-lock-files a cleaner deletes, at random moments throughout, every file in
the database's folder that a user or a sync tool might take for a stale lock or a
temporary file (anything but the database's own three files and its backups folder):
what lost acknowledged changes before planner locked its journal.

It prints rounds, kills, changes acknowledged and losses (which must be 0), and exits 1 if
anything was lost or wrong.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
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


def writer(path: Path, who: int, start: int, first: int, count: int, day: int) -> None:
    from planner.domain.status import ItemStatus
    from planner.store.errors import WriteFailed
    from planner.store.repository import CaseStore

    now = START + timedelta(days=day)
    store = CaseStore(
        path, officer=f"soak {who}", passphrase=PASSPHRASE, clock=lambda: now, backups_keep=3
    )
    print("OPEN", flush=True)
    n = start
    while True:
        slot = first + n % count
        if n % COMPACT_EVERY == 0:
            with contextlib.suppress(WriteFailed):  # the cleaner took its temporary file
                store.compact()
        if n % EVIDENCE_EVERY == 0:
            store.save_item(
                number(slot),
                "work.plan",
                status=ItemStatus.IN_PROGRESS,
                evidence={"plan": f"{who}:{n}"},
            )
        store.update_notes(number(slot), f"{who}:{n}")
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


@dataclass
class Ledger:
    """What one writer had acknowledged, person by person."""

    who: int
    first: int
    count: int
    acked: list[int] = field(default_factory=list)
    last_for: dict[int, int] = field(default_factory=dict)
    maybe_for: dict[int, set[int]] = field(default_factory=dict)  # in flight when killed
    next_n: int = 0

    def slot(self, n: int) -> int:
        return self.first + n % self.count

    def record(self, n: int) -> None:
        self.acked.append(n)
        self.last_for[self.slot(n)] = n
        self.maybe_for.pop(self.slot(n), None)

    def in_flight(self, n: int) -> None:
        self.maybe_for.setdefault(self.slot(n), set()).add(n)

    def allowed(self, slot: int) -> set[int]:
        return {self.last_for[slot], *self.maybe_for.get(slot, set())}


class Cleaner(threading.Thread):
    """Deletes what looks like a stale lock or temporary file, at random moments."""

    def __init__(self, folder: Path, keep: set[str], rng: random.Random) -> None:
        super().__init__(daemon=True)
        self.folder, self.keep, self.rng = folder, keep, rng
        self.stop = threading.Event()
        self.deleted = 0

    def run(self) -> None:
        while not self.stop.wait(self.rng.uniform(0.0, 0.05)):
            for path in self.folder.iterdir():
                if path.is_file() and path.name not in self.keep:
                    try:
                        path.unlink()
                        self.deleted += 1
                    except FileNotFoundError:
                        pass


def verify(path: Path, ledgers: list[Ledger]) -> list[str]:
    """What is wrong with the database after a kill (empty when nothing)."""
    from planner.store.backup import verify_backup
    from planner.store.backup_folders import backups_root, check_backup, list_backups
    from planner.store.repository import CaseStore

    problems: list[str] = []
    codec = _codec(path)
    with CaseStore(path, codec=codec, auto_backup=False) as store:  # type: ignore[arg-type]
        if store.integrity_problem is not None:
            problems.append(f"the files do not vouch for each other: {store.integrity_problem}")
            return problems
        audited: set[str] = {
            e.new
            for e in store.history()
            if e.field == "notes" and isinstance(e.new, str) and ":" in e.new
        }
        for ledger in ledgers:
            for slot, last in ledger.last_for.items():
                who, _, n = store.get(number(slot)).notes.partition(":")
                stored = int(n) if who == str(ledger.who) else -1
                if stored not in ledger.allowed(slot):
                    problems.append(f"{number(slot)} holds {stored}, last acknowledged {last}")
            missing = [n for n in ledger.acked if f"{ledger.who}:{n}" not in audited]
            if missing:
                problems.append(
                    f"writer {ledger.who}: {len(missing)} acknowledged changes missing from "
                    "the audit log"
                )
    backups = list_backups(backups_root(path))
    for found in backups:
        problem = check_backup(found)
        if problem:
            problems.append(f"backup {found.folder.name}: {problem}")
    if backups:
        verify_backup(backups[0], codec)  # type: ignore[arg-type]
    return problems


def start_writer(path: Path, ledger: Ledger, day: int) -> subprocess.Popen[str]:
    args = [str(ledger.who), str(ledger.next_n), str(ledger.first), str(ledger.count), str(day)]
    return subprocess.Popen(
        [sys.executable, __file__, "--writer", str(path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="planner-soak-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "soak.db"
    build(path, args.people, args.encrypt)
    share = args.people // args.writers
    ledgers = [Ledger(w, w * share, share) for w in range(args.writers)]
    cleaner = None
    if args.delete_lock_files:
        keep = {path.name, f"{path.name}.journal", f"{path.name}.audit"}
        cleaner = Cleaner(folder, keep, random.Random(args.seed + 1))
        cleaner.start()
    deadline = time.monotonic() + args.minutes * 60
    rounds = kills = losses = kills_before_open = 0
    while time.monotonic() < deadline:
        rounds += 1
        procs = [start_writer(path, ledger, rounds) for ledger in ledgers]
        time.sleep(rng.uniform(0.05, args.longest))
        for proc in procs:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        for proc, ledger in zip(procs, ledgers, strict=True):
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
            in_flight = max(ledger.acked[-1] + 1 if ledger.acked else 0, ledger.next_n)
            ledger.in_flight(in_flight)
            ledger.next_n = in_flight + 1  # never reuse a number that may have landed
        problems = verify(path, ledgers)
        losses += len(problems)
        for problem in problems:
            print(f"round {rounds}: {problem}")
    if cleaner is not None:
        cleaner.stop.set()
        cleaner.join(timeout=10)
    acked = sum(len(ledger.acked) for ledger in ledgers)
    deleted = cleaner.deleted if cleaner is not None else 0
    print(
        f"rounds {rounds}, kills {kills}, changes acknowledged {acked}, losses {losses}, "
        f"kills before the open finished {kills_before_open}, writers {args.writers}, "
        f"files deleted by the cleaner {deleted}, encrypted {args.encrypt}, "
        f"people {args.people}, minutes {args.minutes}"
    )
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if losses else 0


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--writer":
        path, who, start, first, count, day = sys.argv[2:8]
        writer(Path(path), int(who), int(start), int(first), int(count), int(day))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--writers", type=int, default=1)
    parser.add_argument(
        "--longest",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="The longest a round lasts before its writers are killed (from 0.05 s).",
    )
    parser.add_argument(
        "--delete-lock-files",
        action="store_true",
        help="Delete every lock-like and temporary file in the folder at random moments.",
    )
    parser.add_argument("--encrypt", action="store_true")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("PLANNER_SOAK_SEED", "1")))
    parser.add_argument("--keep", metavar="DIR", help="Keep the database in DIR afterwards.")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
