"""Save latency at scale: every save of a long run, folds of the journal included.

    python bench/save_latency.py [--people 20000] [--saves 5000] [--db PATH]

Builds (or reuses, with --db) a database of people with full checklists, then, in this
process, makes --saves consecutive saves (notes of one person after another) and times
each, twice:

* background folds (as planner runs): a save that finds the journal due starts a fold in
  a thread and returns; the fold's snapshot is installed under the lock later;
* baseline, the fold in the save (background_folds=False, as before): the save that finds
  it due writes the whole snapshot before it returns.

Then, with background folds, the same saves while a second process opens the database
over and over (a new CaseStore and its summaries, as every planner command and the UI do
at start), to show a save does not wait for another process's open.

Prints p50, p99 and max for each run, and how many folds were installed. Target: no save
over 100 ms, folds included.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

OPENER = """
import sys, time
from pathlib import Path
from planner.store.repository import CaseStore
path, stop = Path(sys.argv[1]), Path(sys.argv[2])
opens = 0
while not stop.exists():
    with CaseStore(path, auto_backup=False, read_only=True) as store:
        store.summaries()
    opens += 1
print(opens, flush=True)
"""


def build(path: Path, people: int) -> None:
    from core_bench import build_docs, write_ours

    write_ours(path, build_docs(people))


def run(path: Path, saves: int, *, background: bool) -> dict[str, Any]:
    from planner.store.repository import CaseStore
    from planner.store.snapshot import read_snapshot_header

    times: list[float] = []
    with CaseStore(path, officer="bench", auto_backup=False, background_folds=background) as store:
        numbers = store.numbers()
        first = read_snapshot_header(path)[0].seq
        for i in range(saves):
            number = numbers[i % len(numbers)]
            started = time.perf_counter()
            store.update_notes(number, f"save {i} " + "x" * 200)
            times.append(time.perf_counter() - started)
        store.wait_for_fold()
        folds = read_snapshot_header(path)[0].seq != first
    times.sort()
    return {
        "p50": statistics.median(times),
        "p99": times[int(0.99 * (len(times) - 1))],
        "max": times[-1],
        "over 100 ms": sum(1 for t in times if t > 0.1),
        "folded": folds,
    }


def with_opener(path: Path, saves: int) -> tuple[dict[str, Any], int]:
    stop = path.parent / "stop-opening"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    opener = subprocess.Popen(
        [sys.executable, "-c", OPENER, str(path), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        time.sleep(1.0)  # let it start opening
        result = run(path, saves, background=True)
    finally:
        stop.touch()
        out, _ = opener.communicate(timeout=120)
        stop.unlink()
    return result, int(out.strip() or 0)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--saves", type=int, default=5000)
    parser.add_argument("--db", type=Path, help="Use (a copy of) this database instead.")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="planner-latency-"))
    try:
        origin = work / "origin" / "planner.db"
        origin.parent.mkdir()
        if args.db:
            for part in args.db.parent.glob(args.db.name + "*"):
                if part.is_file():
                    shutil.copy2(part, origin.parent / part.name)
        else:
            build(origin, args.people)
        results = {}
        for name, background in (("background folds", True), ("baseline: fold in the save", False)):
            copy = work / name.replace(" ", "-").replace(":", "")
            shutil.copytree(origin.parent, copy)
            results[name] = run(copy / "planner.db", args.saves, background=background)
        copy = work / "with-opener"
        shutil.copytree(origin.parent, copy)
        results["background folds, another process opening"], opens = with_opener(
            copy / "planner.db", args.saves
        )
        print(f"{args.saves:,} consecutive saves, {args.people:,} people, load {os.getloadavg()}")
        print("| run | p50 | p99 | max | saves over 100 ms | folded |")
        print("|---|---:|---:|---:|---:|---|")
        for name, r in results.items():
            print(
                f"| {name} | {ms(r['p50'])} | {ms(r['p99'])} | {ms(r['max'])} | "
                f"{r['over 100 ms']} | {'yes' if r['folded'] else 'no'} |"
            )
        print(f"(the other process opened the database {opens} times meanwhile)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
