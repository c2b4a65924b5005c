"""Benchmark: batch export of 1,000 handover summaries as PDF, beside Markdown.

    .venv/bin/python bench/export_bench.py [--count 1000] [--runs 3] [--serial] [--keep DIR]
        [--other-scripts]

Builds a database of realistic cases (the demo caseload's people, at every stage before
release, written through the ordinary store API), then times `export_batch` exactly as
`planner export --within` runs it. Target: 1,000 PDFs in under 15 s on a 2-core machine.
Each run exports the PDFs (one worker process per CPU) and then, as a reference measured
on the same machine at the same moment, the same summaries as Markdown (one process: the
summaries built, the files written and made durable, no PDF); the medians of the runs are
printed at the end. On a shared machine the wall clock also measures everyone else's work:
the CPU seconds (this process and its workers) and the reference show how much.
With --other-scripts one person in five has a name in another script (Chinese, Arabic,
Japanese, Korean, Hindi), drawn with the fallback fonts.
With --serial each run also times the PDFs in one process, to show what the pool buys.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.demo import DEMO_OFFICER, MAX_COUNT, DemoCase, build_demo_caseload
from planner.domain.person import Person
from planner.domain.template_loading import TemplateLibrary
from planner.export.files import ExportFormat
from planner.export.service import export_batch
from planner.store.repository import CaseStore

PDF_TARGET_S = 15.0  # for 1,000 PDFs
# (forename, surname) in other scripts, for --other-scripts.
OTHER_SCRIPT_NAMES = (
    ("小龍", "李"),
    ("محمد", "عبد الله"),
    ("さくら", "山田"),
    ("민준", "김"),
    ("राहुल", "शर्मा"),
)


def build_database(path: Path, count: int, today: date, other_scripts: bool = False) -> list[str]:
    """`count` realistic cases, in lots of the demo's size, each renumbered to be unique;
    with `other_scripts`, one in five named in another script."""
    template = TemplateLibrary().get("england-wales")
    numbers: list[str] = []
    with CaseStore(path, officer=DEMO_OFFICER) as store:
        seed = 0
        while len(numbers) < count:
            seed += 1
            lot = build_demo_caseload(
                today, template, count=min(MAX_COUNT, count - len(numbers)), seed=seed
            )
            people: list[tuple[DemoCase, Person]] = []
            for case in lot:
                n = len(numbers) + len(people)
                number = f"{'ABCDEFGHJK'[seed % 10]}{n:04d}BN"
                update: dict[str, object] = {"number": number}
                if other_scripts and n % 5 == 4:
                    forename, surname = OTHER_SCRIPT_NAMES[n // 5 % len(OTHER_SCRIPT_NAMES)]
                    update |= {"forename": forename, "surname": surname}
                people.append((case, case.person.model_copy(update=update)))
            store.add_many([person for _, person in people], template)
            for case, person in people:
                for item in case.items:
                    store.save_item(
                        person.number,
                        item.item_id,
                        status=item.status,
                        evidence=dict(item.evidence),
                        reason=item.reason or None,
                        notes=item.notes or None,
                    )
                if case.notes:
                    store.update_notes(person.number, case.notes)
            numbers.extend(person.number for _, person in people)
    return numbers


def cpu_seconds() -> tuple[float, float]:
    """CPU time of this process, and of its finished children (the pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


@dataclass(frozen=True)
class Timing:
    wall: float  # seconds
    cpu: float  # seconds, all processes
    workers_cpu: float  # seconds, the worker processes alone
    size: int  # bytes written


def timed_export(
    db: Path, numbers: list[str], fmt: ExportFormat, folder: Path, today: date, workers: int
) -> Timing:
    """Wall-clock seconds, CPU seconds (all processes, and the workers alone), bytes written."""
    with CaseStore(db, officer="Bench Officer") as store:
        own, children = cpu_seconds()
        start = time.perf_counter()
        paths = export_batch(
            store, numbers, fmt, folder, officer="Bench Officer", today=today, workers=workers
        )
        elapsed = time.perf_counter() - start
        own_after, children_after = cpu_seconds()
    size = sum(p.stat().st_size for p in paths)
    assert len(paths) == len(numbers)
    workers_cpu = children_after - children
    return Timing(elapsed, own_after - own + workers_cpu, workers_cpu, size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each export (median)")
    parser.add_argument("--serial", action="store_true", help="also time PDFs in one process")
    parser.add_argument("--keep", type=Path, help="build the database here and keep it")
    parser.add_argument(
        "--other-scripts", action="store_true", help="one person in five named in another script"
    )
    args = parser.parse_args()
    today = date.today()
    work = Path(tempfile.mkdtemp(prefix="export-bench-"))
    db = (args.keep or work) / "bench.db"
    cpus = os.cpu_count() or 1
    print(f"machine: {platform.machine()}, {cpus} CPUs, Python {platform.python_version()}")
    print(f"load average before: {_load()}")

    start = time.perf_counter()
    if args.keep and db.exists():
        with CaseStore(db, officer="Bench Officer") as store:
            numbers = store.numbers()[: args.count]
    else:
        (args.keep or work).mkdir(parents=True, exist_ok=True)
        numbers = build_database(db, args.count, today, args.other_scripts)
    print(f"database: {len(numbers)} cases ready in {time.perf_counter() - start:.1f} s")

    exports = [("PDF", ExportFormat.PDF, cpus)]
    if args.serial:
        exports.append(("PDF, one process", ExportFormat.PDF, 1))
    exports.append(("Markdown (reference)", ExportFormat.MARKDOWN, 1))
    timings: dict[str, list[Timing]] = {label: [] for label, _, _ in exports}
    for run in range(1, args.runs + 1):
        for label, fmt, workers in exports:
            folder = work / "out"
            timing = timed_export(db, numbers, fmt, folder, today, workers)
            shutil.rmtree(folder)  # each export writes into a new folder, as an officer's does
            timings[label].append(timing)
            print(
                f"run {run}: {label:<20} {timing.wall:6.1f} s wall, CPU {timing.cpu:5.1f} s "
                f"(workers {timing.workers_cpu:4.1f} s; load {_load()})"
            )

    count = len(numbers)
    print(f"median of {args.runs} run(s), {count} files each:")
    for label, _, workers in exports:
        wall = statistics.median(t.wall for t in timings[label])
        cpu = statistics.median(t.cpu for t in timings[label])
        size = statistics.median(t.size for t in timings[label]) / count / 1024
        print(
            f"  {label:<20} {wall:6.1f} s wall ({wall / count * 1000:5.1f} ms each), "
            f"CPU {cpu:5.1f} s, {size:.0f} KB average, {workers} process(es)"
        )
    pdf = statistics.median(t.wall for t in timings["PDF"]) * 1000 / count
    reference = statistics.median(t.wall for t in timings["Markdown (reference)"]) * 1000 / count
    verdict = "OK" if pdf < PDF_TARGET_S else "TOO SLOW"
    scaled = "" if count == 1000 else f" (scaled from {count})"
    print(f"target: 1,000 PDFs under {PDF_TARGET_S:.0f} s -> {pdf:.1f} s{scaled}: {verdict}")
    print(f"reference: 1,000 as Markdown {reference:.1f} s; PDF takes {pdf / reference:.1f} times")
    print(f"load average after: {_load()}")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
