"""Scale benchmark: every scale target in one run, each beside a reference measured with it.

    python bench/scale_bench.py [--big] [--repeat 3] [--keep DIR] [--db20k PATH]
        [--db100k PATH] [--only NAME,NAME] [--json FILE]

It builds (or reuses) caseloads of 20,000 and, with --big, 100,000 people with full
checklists (bench/core_bench.py's people), then measures each row of the scale issue's
table, in fresh processes, the median of --repeat, wall clock and CPU seconds (the machine
is shared: CPU time counts only ours). Each row has a reference workload measured in the
same run, so that a figure from a busy machine can be read as a ratio to it:

* open (CaseStore + summaries): stock TinyDB (JSONStorage) opening the same documents;
* all gaps (store.all_flags on the open store): a plain loop over the same stored
  assessments' open-item rows, picking those that can flag today;
* `planner list`, `planner gaps` as tables: a Python process writing the same rows as
  aligned lines (the rows taken from `planner list --csv` and `planner gaps --json`);
* `planner --help`: `python -c pass` (the interpreter's start);
* saves, a fold of the journal among them, and saves while another process opens the
  database: as many fsync'd appends of a save's two lines (journal and audit log);
* peak memory: the stock TinyDB process's peak (for `planner list`, the aligned lines');
* 1,000 PDF summaries: Markdown summaries of the same 1,000;
* TUI first paint and search keystrokes: a bare Textual app (an Input and an empty
  DataTable: bench/tui_bench.py's baseline).

Data: --keep DIR builds each caseload once into DIR (100,000 people take a few minutes and
several GB of memory) and reuses it on later runs; --db20k / --db100k use a database built
before (the stock file is then written from it). Measurements run on copies, so a kept
database is never changed. Whole-process rows write their output to a file, as a
redirected command does, with COLUMNS=80. The saves: the journal of a copy is first
grown by ordinary saves until a fold comes due about a third of the way into 1,000 timed
saves (at 20,000 people a fold is due only every few thousand saves); the folds started
and installed are reported, and a run without one is an error. bench/save_latency.py
keeps the long 5,000-save run.

Rows (for --only): open, gaps, list, gaps-cli, help, fold-save, save-opening, memory,
memory-list, pdf, tui-key, tui-paint; with --big also open-100k, gaps-100k, memory-100k.
The TUI rows run bench/tui_bench.py's child processes; a change in what they report stops
those rows with an error (and a non-zero exit), never a wrong figure.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import core_bench  # the same people as every other benchmark
from process_stats import ProcessRun, cpu_seconds, run_json, run_process

BENCH = Path(__file__).resolve().parent
TODAY = core_bench.TODAY
SMALL, BIG = 20_000, 100_000
SAVES = 1_000
PDF_COUNT = 1_000
OFFICER = "Bench Officer"
READY_NAME = "complete"  # written last into a built caseload's folder


class BenchError(RuntimeError):
    """A measurement could not be trusted (another script's output changed, a count is
    off): the row shows the error instead of a figure."""


# --- the rows -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: str
    what: str
    before: str
    target: float | None  # seconds, or MB for memory; None: recorded, no target
    unit: str  # "s" or "MB"
    big: bool = False  # needs --big


ROWS = (
    Row("open", "open (store + summaries), 20,000 people", "0.93-1.45 s; 484 ms quiet", 0.4, "s"),
    Row("gaps", "all gaps (store.all_flags on an open store)", "0.59-0.91 s", 0.3, "s"),
    Row("list", "`planner list` as a table, whole process, all active people", "30.7 s", 2, "s"),
    Row("gaps-cli", "`planner gaps` as a table, whole process", "69 s", 3, "s"),
    Row("help", "`planner --help`, whole process", "0.85 s", 0.3, "s"),
    Row(
        "fold-save",
        "max save latency: 1,000 saves, a journal fold among them",
        "0.44-0.87 s",
        0.1,
        "s",
    ),
    Row(
        "save-opening",
        "max save latency while another process opens the database",
        "up to 0.83 s",
        0.1,
        "s",
    ),
    Row(
        "memory",
        "peak memory: a process opening, listing and flagging everyone",
        "504 MB",
        200,
        "MB",
    ),
    Row("memory-list", "peak memory: `planner list`", "504 MB", 200, "MB"),
    Row("open-100k", "open (store + summaries), 100,000 people", "5.8 s", 2, "s", big=True),
    Row("gaps-100k", "all gaps, 100,000 people", "3.6 s", 1.5, "s", big=True),
    Row(
        "memory-100k",
        "peak memory: open + summaries + all gaps, 100,000 people",
        "-",
        None,
        "MB",
        big=True,
    ),
    Row("pdf", "1,000 PDF summaries (export_batch, one worker per CPU)", "55-70 s", 15, "s"),
    Row(
        "tui-key",
        "worst search keystroke in the TUI (median of each run's worst)",
        "99-1,232 ms",
        0.05,
        "s",
    ),
    Row("tui-paint", "TUI first paint, from process start", "0.78-0.83 s", 0.6, "s"),
)
ROW_BY_KEY = {row.key: row for row in ROWS}


@dataclass
class Figure:
    """One measured row: medians of `runs`, and its reference's."""

    value: float  # median: wall seconds, or MB
    cpu: float | None  # median CPU seconds of the same runs, when it means something
    reference: str  # what the reference is
    ref_value: float
    ref_cpu: float | None
    runs: list[float] = field(default_factory=list)
    ref_runs: list[float] = field(default_factory=list)
    note: str = ""


def median(values: Iterable[float]) -> float:
    return float(statistics.median(list(values)))


# --- the child processes --------------------------------------------------------------------


def child_build(size: int, folder: str) -> dict[str, Any]:
    """A caseload of `size` people, as planner stores it and as stock TinyDB stores it."""
    started = time.perf_counter()
    docs = core_bench.build_docs(size)
    built = time.perf_counter() - started
    where = Path(folder)
    core_bench.write_ours(where / "planner.db", docs)
    core_bench.write_stock(where / "stock.json", docs)
    (where / READY_NAME).write_text(f"{size}\n")
    return {"people": len(docs), "build": built, "total": time.perf_counter() - started}


def child_stock_from(db: str, out: str) -> dict[str, Any]:
    """The stock TinyDB file of a database built before: each record with its index entry
    and stored assessment, as core_bench.write_stock lays them out."""
    import orjson

    from planner.store.lazy import to_fragment
    from planner.store.repository import CaseStore
    from planner.store.tables import ASSESSMENTS, INDEX

    with CaseStore(Path(db), read_only=True, auto_backup=False) as store:
        records = store.raw_records()
        tables = store._storage.read()
        index, assessments = tables[INDEX], tables[ASSESSMENTS]
        data = {
            "_default": {
                str(i + 1): {**records[n], "index": {**index[n], "assessment": assessments[n]}}
                for i, n in enumerate(sorted(records))
            }
        }
        Path(out).write_bytes(orjson.dumps(data, default=to_fragment))
    return {"people": len(records)}


def child_store(db: str) -> dict[str, Any]:
    """Open a store and list and flag everyone, as `planner gaps` does."""
    wall0, cpu0 = time.perf_counter(), time.process_time()
    from planner.store.repository import CaseStore

    wall1, cpu1 = time.perf_counter(), time.process_time()
    store = CaseStore(Path(db), officer="bench")
    summaries = store.summaries()
    wall2, cpu2 = time.perf_counter(), time.process_time()
    flags = store.all_flags(TODAY)
    wall3, cpu3 = time.perf_counter(), time.process_time()
    backed_up = store.last_backup is not None
    active = sum(1 for s in summaries if s.state == "active")
    store.close()
    return {
        "import": wall1 - wall0,
        "open": wall2 - wall1,
        "open_cpu": cpu2 - cpu1,
        "gaps": wall3 - wall2,
        "gaps_cpu": cpu3 - cpu2,
        "people": len(summaries),
        "active": active,
        "flags": len(flags),
        "backup": backed_up,
        "import_cpu": cpu1 - cpu0,
    }


def child_stock(path: str) -> dict[str, Any]:
    """Stock TinyDB opening the same documents; then the plain loop over their stored
    open-item rows (stored in order of the last day each stays quiet: a row can flag
    today once that day has passed, LOUD rows on any day)."""
    wall0, cpu0 = time.perf_counter(), time.process_time()
    from tinydb import TinyDB

    db = TinyDB(path)
    docs = db.table("_default").all()
    wall1, cpu1 = time.perf_counter(), time.process_time()
    from planner.domain.assessment import ROW_DUE, ROW_ITEM, ROW_QUIET

    wall2, cpu2 = time.perf_counter(), time.process_time()
    today = TODAY.toordinal()
    hits: list[tuple[str, str, int]] = []
    for doc in docs:
        number = doc["person"]["number"]
        for row in doc["index"]["assessment"]["open"]:
            if row[ROW_QUIET] >= today:
                break
            hits.append((number, row[ROW_ITEM], row[ROW_DUE]))
    wall3, cpu3 = time.perf_counter(), time.process_time()
    db.close()
    return {
        "open": wall1 - wall0,
        "open_cpu": cpu1 - cpu0,
        "loop": wall3 - wall2,
        "loop_cpu": cpu3 - cpu2,
        "people": len(docs),
        "rows": len(hits),
    }


def _journal_size(db: Path) -> int:
    from planner.store.layout import DatabaseFiles

    return DatabaseFiles(db).journal.stat().st_size


def _note(i: int, kind: str) -> str:
    return f"{kind} save {i} " + "x" * 200


def child_pregrow(db: str, saves: int) -> dict[str, Any]:
    """Grow the journal with ordinary saves until a fold will come due about a third of
    the way into `saves` more (a fold is due once the journal outgrows a quarter of the
    snapshot): the short run then holds a fold, as the long save_latency.py run does."""
    from planner.store.journal import COMPACT_MIN_BYTES
    from planner.store.repository import CaseStore
    from planner.store.snapshot import read_snapshot_header

    path = Path(db)
    due_at = max(COMPACT_MIN_BYTES, path.stat().st_size // 4)
    seq = read_snapshot_header(path)[0].seq
    with CaseStore(path, officer="bench", auto_backup=False) as store:
        numbers = store.numbers()
        start = _journal_size(path)
        made = 0
        for _ in range(20):
            store.update_notes(numbers[made % len(numbers)], _note(made, "early"))
            made += 1
        per_save = (_journal_size(path) - start) / made
        goal = due_at - per_save * saves / 3
        while _journal_size(path) < goal:
            store.update_notes(numbers[made % len(numbers)], _note(made, "early"))
            made += 1
    if read_snapshot_header(path)[0].seq != seq:
        raise BenchError("the journal was folded while it was being grown")
    return {"saves": made, "per_save": per_save, "journal": _journal_size(path), "due": due_at}


def _fsync_pairs(folder: Path, count: int, journal_line: int) -> list[float]:
    """`count` appends of a journal-sized line and an audit-sized line to two files, each
    fsync'd: the disk work every durable save makes."""
    times: list[float] = []
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
    first, second = folder / "reference.journal", folder / "reference.audit"
    a, b = os.open(first, flags, 0o600), os.open(second, flags, 0o600)
    try:
        line, audit = b"j" * (journal_line - 1) + b"\n", b"a" * 299 + b"\n"
        for _ in range(count):
            started = time.perf_counter()
            os.write(a, line)
            os.fsync(a)
            os.write(b, audit)
            os.fsync(b)
            times.append(time.perf_counter() - started)
    finally:
        os.close(a)
        os.close(b)
        first.unlink()
        second.unlink()
    return times


def _timing_lock_waits() -> list[float]:
    """From now on, the seconds each taking of a database lock in this process spends
    getting it (waiting for another process that holds it), appended to the list."""
    from planner.store.locking import DatabaseLock

    waits: list[float] = []
    take = DatabaseLock._take

    def timed(lock: DatabaseLock, *, blocking: bool, exclusive: bool | None = None) -> int:
        began = time.perf_counter()
        try:
            return take(lock, blocking=blocking, exclusive=exclusive)
        finally:
            waits.append(time.perf_counter() - began)

    setattr(DatabaseLock, "_take", timed)  # noqa: B010 - measuring, not changing, it
    return waits


def child_saves(db: str, saves: int, journal_line: int) -> dict[str, Any]:
    """The reference appends, then `saves` consecutive saves with background folds (as
    planner runs), each timed, with the part of it spent getting the database's lock
    (waiting for another process); folds started and installed are counted as they
    happen."""
    from planner.store.repository import CaseStore
    from planner.store.snapshot import read_snapshot_header

    path = Path(db)
    reference = _fsync_pairs(path.parent, saves, journal_line)
    times: list[float] = []
    locked: list[float] = []
    started_at: list[int] = []
    installed_at: list[int] = []
    waits = _timing_lock_waits()
    with CaseStore(path, officer="bench", auto_backup=False, background_folds=True) as store:
        numbers = store.numbers()
        seq = read_snapshot_header(path)[0].seq
        folding = False
        for i in range(saves):
            number = numbers[i % len(numbers)]
            waits.clear()
            began = time.perf_counter()
            store.update_notes(number, _note(i, "timed"))
            times.append(time.perf_counter() - began)
            locked.append(sum(waits))
            if store.folding and not folding:
                started_at.append(i)
            folding = store.folding
            now = read_snapshot_header(path)[0].seq
            if now != seq:
                installed_at.append(i)
                seq = now
        store.wait_for_fold()
    if read_snapshot_header(path)[0].seq != seq:
        installed_at.append(saves)  # installed as the store closed
    return {
        "times": times,
        "locked": locked,
        "reference": reference,
        "started": started_at,
        "installed": installed_at,
    }


def child_export(db: str, fmt: str, count: int, folder: str) -> dict[str, Any]:
    """`count` handover summaries of the people released soonest, as `planner export
    --within` writes them (export_batch, its default workers); timed from the batch's
    start, the store already open. CPU includes the worker processes."""
    from planner.export.files import ExportFormat
    from planner.export.service import due_for_release, export_batch
    from planner.store.repository import CaseStore

    out = Path(folder)
    with CaseStore(Path(db), officer=OFFICER) as store:
        numbers = due_for_release(store, TODAY, 3650)[:count]
        if len(numbers) != count:
            raise BenchError(f"only {len(numbers)} people are due for release")
        cpu0, wall0 = cpu_seconds(), time.perf_counter()
        paths = export_batch(store, numbers, ExportFormat(fmt), out, officer=OFFICER, today=TODAY)
        wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
    size = sum(p.stat().st_size for p in paths)
    shutil.rmtree(out)
    return {"wall": wall, "cpu": cpu, "files": len(paths), "bytes": size, "first": numbers[0]}


CHILDREN: dict[str, Callable[..., dict[str, Any]]] = {
    "build": lambda size, folder: child_build(int(size), folder),
    "stock_from": child_stock_from,
    "store": child_store,
    "stock": child_stock,
    "pregrow": lambda db, saves: child_pregrow(db, int(saves)),
    "saves": lambda db, saves, line: child_saves(db, int(saves), int(line)),
    "export": lambda db, fmt, count, folder: child_export(db, fmt, int(count), folder),
}


def child(kind: str, *args: str) -> tuple[dict[str, Any], ProcessRun]:
    result, run = run_json([sys.executable, __file__, "--child", kind, *args])
    if not isinstance(result, dict):
        raise BenchError(f"the {kind} child printed {type(result).__name__}, not an object")
    return result, run


# A second process opening the database over and over (a new read-only CaseStore and its
# summaries, as every command and the UI do at start) until told to stop.
OPENER = """
import sys, time
from pathlib import Path
from planner.store.repository import CaseStore
path, ready, stop = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
opens, longest = 0, 0.0
while not stop.exists():
    began = time.perf_counter()
    with CaseStore(path, auto_backup=False, read_only=True) as store:
        store.summaries()
    longest = max(longest, time.perf_counter() - began)
    opens += 1
    if opens == 1:
        ready.touch()
print(opens, longest, flush=True)
"""

# The reference for `planner list` and `planner gaps`: the same rows, written as aligned
# lines by a plain loop (the interpreter's start, reading the rows and writing them).
ALIGNED = """
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    rows = json.load(f)
widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
sys.stdout.write("\\n".join(lines) + "\\n")
sys.stdout.write(f"{len(rows) - 1} rows.\\n")
"""


# --- the measurements -----------------------------------------------------------------------


@dataclass
class Caseload:
    size: int
    db: Path  # a working copy: measurements may change it
    stock: Path
    first_open: dict[str, Any] = field(default_factory=dict)


def copy_database(origin: Path, folder: Path) -> Path:
    """A copy of a database's files (snapshot, journal, audit log; not its backups)."""
    folder.mkdir(parents=True, exist_ok=True)
    for part in origin.parent.glob(origin.name + "*"):
        if part.is_file():
            shutil.copy2(part, folder / part.name)
    return folder / origin.name


def prepare(size: int, given: Path | None, keep: Path | None, work: Path) -> Caseload:
    """The caseload's origin (given, kept, or built now), copied to work on."""
    started = time.perf_counter()
    if given is not None:
        origin = given
        stock = work / f"stock-{size}.json"
        child("stock_from", str(given), str(stock))
        how = f"{given} (built before); the stock file written from it"
    else:
        home = (keep or work) / str(size)
        origin, stock = home / "planner.db", home / "stock.json"
        if (home / READY_NAME).exists():
            how = f"{home} (kept from an earlier run)"
        else:
            shutil.rmtree(home, ignore_errors=True)
            home.mkdir(parents=True)
            built, run = child("build", str(size), str(home))
            how = f"built into {home} in {run.wall:.0f} s (peak {run.peak_mb:,.0f} MB)" + (
                ", kept for later runs" if keep else ""
            )
            del built
    db = copy_database(origin, work / f"work-{size}")
    ready = time.perf_counter() - started
    ours_mb, stock_mb = db.stat().st_size / 1e6, stock.stat().st_size / 1e6
    sizes = f"snapshot {ours_mb:,.0f} MB, stock file {stock_mb:,.0f} MB"
    print(f"- {size:,} people: {how}; {sizes}; ready in {ready:.1f} s", flush=True)
    # The first open of a day takes the database's backup and, in a new cache folder,
    # computes the bank holidays: done once here, so every measured run is a later one.
    first, run = child("store", str(db))
    if first["people"] != size:
        raise BenchError(f"the {size:,} caseload holds {first['people']:,} people")
    first["process"] = run.wall
    return Caseload(size, db, stock, first)


def measure_store(load: Caseload, repeat: int, suffix: str = "") -> dict[str, Figure]:
    ours = [child("store", str(load.db)) for _ in range(repeat)]
    stock = [child("stock", str(load.stock)) for _ in range(repeat)]
    for result, _run in ours:
        if result["people"] != load.size or result["backup"]:
            raise BenchError(
                f"a store run read {result['people']} people, backup {result['backup']}"
            )
    for result, _run in stock:
        if result["people"] != load.size:
            raise BenchError(f"stock TinyDB read {result['people']} of {load.size} people")
    flags = {result["flags"] for result, _ in ours}
    people = f"{load.size:,} people"
    open_fig = Figure(
        value=median(r["open"] for r, _ in ours),
        cpu=median(r["open_cpu"] for r, _ in ours),
        reference=f"stock TinyDB open of the same documents ({people})",
        ref_value=median(r["open"] for r, _ in stock),
        ref_cpu=median(r["open_cpu"] for r, _ in stock),
        runs=[r["open"] for r, _ in ours],
        ref_runs=[r["open"] for r, _ in stock],
        note=f"imports before the clock: {median(r['import'] for r, _ in ours) * 1000:.0f} ms; "
        f"first open of the day (backup taken): {load.first_open['open'] * 1000:.0f} ms",
    )
    gaps_fig = Figure(
        value=median(r["gaps"] for r, _ in ours),
        cpu=median(r["gaps_cpu"] for r, _ in ours),
        reference="plain loop over the same stored open-item rows",
        ref_value=median(r["loop"] for r, _ in stock),
        ref_cpu=median(r["loop_cpu"] for r, _ in stock),
        runs=[r["gaps"] for r, _ in ours],
        ref_runs=[r["loop"] for r, _ in stock],
        note=f"{', '.join(f'{f:,}' for f in sorted(flags))} flags; the loop picked "
        f"{stock[0][0]['rows']:,} rows that can flag",
    )
    memory_fig = Figure(
        value=median(run.peak_mb for _, run in ours),
        cpu=None,
        reference="stock TinyDB process, same documents",
        ref_value=median(run.peak_mb for _, run in stock),
        ref_cpu=None,
        runs=[run.peak_mb for _, run in ours],
        ref_runs=[run.peak_mb for _, run in stock],
        note=f"the whole process: {median(run.wall for _, run in ours):.2f} s wall, "
        f"{median(run.cpu for _, run in ours):.2f} s CPU",
    )
    return {f"open{suffix}": open_fig, f"gaps{suffix}": gaps_fig, f"memory{suffix}": memory_fig}


def planner_command(db: Path, *args: str) -> list[str]:
    planner = str(Path(sys.executable).parent / "planner")
    return [planner, "--db", str(db), "--today", TODAY.isoformat(), *args]


def _count(pattern: str, output: str, what: str) -> int:
    found = re.search(pattern, output, re.MULTILINE)
    if found is None:
        raise BenchError(f"{what}: the count line ({pattern}) is not in its output")
    return int(found.group(1))


def _aligned_reference(
    rows: list[list[str]], folder: Path, name: str, repeat: int
) -> list[ProcessRun]:
    rows_file = folder / f"{name}-rows.json"
    rows_file.write_text(json.dumps(rows), encoding="utf-8")
    runs = [run_process([sys.executable, "-c", ALIGNED, str(rows_file)]) for _ in range(repeat)]
    for run in runs:
        if _count(r"^(\d+) rows\.$", run.output, "the reference") != len(rows) - 1:
            raise BenchError("the reference wrote the wrong number of rows")
    return runs


def measure_list(load: Caseload, repeat: int, folder: Path) -> dict[str, Figure]:
    command = planner_command(load.db, "list")
    ours = [run_process(command) for _ in range(repeat)]
    listed = {_count(r"^(\d+) (?:people|person)\.$", run.output, "planner list") for run in ours}
    rows = list(
        csv.reader(io.StringIO(run_process(planner_command(load.db, "list", "--csv")).output))
    )
    if listed != {len(rows) - 1} or listed != {load.first_open["active"]}:
        raise BenchError(
            f"planner list printed {listed} people; its CSV holds {len(rows) - 1}, "
            f"the store {load.first_open['active']} active"
        )
    reference = _aligned_reference(rows, folder, "list", repeat)
    lines = len(ours[0].output.splitlines())
    return {
        "list": Figure(
            value=median(r.wall for r in ours),
            cpu=median(r.cpu for r in ours),
            reference="the same rows (from `list --csv`) written as aligned lines by a plain loop",
            ref_value=median(r.wall for r in reference),
            ref_cpu=median(r.cpu for r in reference),
            runs=[r.wall for r in ours],
            ref_runs=[r.wall for r in reference],
            note=f"{len(rows) - 1:,} people, {lines:,} lines at 80 columns",
        ),
        "memory-list": Figure(
            value=median(r.peak_mb for r in ours),
            cpu=None,
            reference="the aligned-lines process",
            ref_value=median(r.peak_mb for r in reference),
            ref_cpu=None,
            runs=[r.peak_mb for r in ours],
            ref_runs=[r.peak_mb for r in reference],
        ),
    }


def measure_gaps_cli(load: Caseload, repeat: int, folder: Path) -> dict[str, Figure]:
    command = planner_command(load.db, "gaps")
    ours = [run_process(command) for _ in range(repeat)]
    counted = {_count(r"^(\d+) gaps: ", run.output, "planner gaps") for run in ours}
    flags = json.loads(run_process(planner_command(load.db, "gaps", "--json")).output)["flags"]
    if counted != {len(flags)} or counted != {load.first_open["flags"]}:
        raise BenchError(
            f"planner gaps printed {counted} gaps; --json holds {len(flags)}, "
            f"all_flags {load.first_open['flags']}"
        )
    keys = ("number", "name", "severity", "kind", "due", "reason")
    rows = [list(keys)] + [[str(f[k] or "") for k in keys] for f in flags]
    reference = _aligned_reference(rows, folder, "gaps", repeat)
    lines = len(ours[0].output.splitlines())
    return {
        "gaps-cli": Figure(
            value=median(r.wall for r in ours),
            cpu=median(r.cpu for r in ours),
            reference="the same flags (from `gaps --json`) written as aligned lines",
            ref_value=median(r.wall for r in reference),
            ref_cpu=median(r.cpu for r in reference),
            runs=[r.wall for r in ours],
            ref_runs=[r.wall for r in reference],
            note=f"{len(flags):,} gaps, {lines:,} lines at 80 columns; peak memory "
            f"{median(r.peak_mb for r in ours):,.0f} MB",
        )
    }


def measure_help(repeat: int) -> dict[str, Figure]:
    runs = 3 * repeat  # short processes: more of them
    planner = str(Path(sys.executable).parent / "planner")
    ours = [run_process([planner, "--help"]) for _ in range(runs)]
    if "Usage:" not in ours[0].output:
        raise BenchError("planner --help printed no usage")
    bare = [run_process([sys.executable, "-c", "pass"]) for _ in range(runs)]
    return {
        "help": Figure(
            value=median(r.wall for r in ours),
            cpu=median(r.cpu for r in ours),
            reference="`python -c pass` (interpreter start)",
            ref_value=median(r.wall for r in bare),
            ref_cpu=median(r.cpu for r in bare),
            runs=[r.wall for r in ours],
            ref_runs=[r.wall for r in bare],
            note=f"median of {runs}",
        )
    }


def _wait_for(path: Path, process: subprocess.Popen[str], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if process.poll() is not None:
            raise BenchError("the opening process ended before its first open")
        if time.monotonic() > deadline:
            raise BenchError("the opening process did not open the database in time")
        time.sleep(0.05)


def _save_figure(result: dict[str, Any], reference_name: str, extra: str) -> Figure:
    times, reference = sorted(result["times"]), sorted(result["reference"])
    if len(result["installed"]) == 0:
        raise BenchError("no fold was installed during the saves: the run does not show one")

    def p99(values: list[float]) -> float:
        return values[int(0.99 * (len(values) - 1))]

    over = sum(1 for t in times if t > 0.1)
    in_order, locked = result["times"], result["locked"]
    slowest = sorted(range(len(in_order)), key=in_order.__getitem__)[-3:][::-1]
    waited = max(range(len(locked)), key=locked.__getitem__)
    return Figure(
        value=times[-1],
        cpu=None,
        reference=reference_name,
        ref_value=reference[-1],
        ref_cpu=None,
        runs=[statistics.median(times), p99(times), times[-1]],
        ref_runs=[statistics.median(reference), p99(reference), reference[-1]],
        note=f"{over} saves over 100 ms; the slowest: "
        + ", ".join(
            f"save {i} {in_order[i] * 1000:.0f} ms ({locked[i] * 1000:.1f} ms getting the lock)"
            for i in slowest
        )
        + f"; the longest wait for the lock: {locked[waited] * 1000:.1f} ms, save {waited}"
        + f"; folds started at save {result['started']}, installed after save "
        f"{result['installed']}{extra}",
    )


def measure_saves(load: Caseload, folder: Path) -> dict[str, Figure]:
    grown_db = copy_database(load.db, folder / "grown")
    grown, _run = child("pregrow", str(grown_db), str(SAVES))
    line = str(int(grown["per_save"]))
    quiet_db = copy_database(grown_db, folder / "quiet")
    quiet, _ = child("saves", str(quiet_db), str(SAVES), line)
    busy_db = copy_database(grown_db, folder / "opened")
    ready, stop = folder / "opener-ready", folder / "opener-stop"
    opener = subprocess.Popen(
        [sys.executable, "-c", OPENER, str(busy_db), str(ready), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(ready, opener, 300)
        busy, _ = child("saves", str(busy_db), str(SAVES), line)
    finally:
        stop.touch()
        out, _err = opener.communicate(timeout=600)
    opens, longest = out.split()
    grew = (
        f"; the journal grown first by {grown['saves']:,} saves of {grown['per_save']:,.0f} "
        f"bytes to {grown['journal'] / 1e6:.1f} MB (a fold is due past {grown['due'] / 1e6:.1f} MB)"
    )
    reference = f"{SAVES:,} fsync'd appends of a save's journal and audit lines, max"
    return {
        "fold-save": _save_figure(quiet, reference, grew),
        "save-opening": _save_figure(
            busy,
            reference + ", while the other process opens",
            f"; the other process opened the database {opens} times (slowest open "
            f"{float(longest) * 1000:.0f} ms)",
        ),
    }


def measure_pdf(load: Caseload, repeat: int, folder: Path) -> dict[str, Figure]:
    def runs(fmt: str) -> list[dict[str, Any]]:
        found = []
        for n in range(repeat):
            result, _ = child(
                "export", str(load.db), fmt, str(PDF_COUNT), str(folder / f"{fmt}{n}")
            )
            if result["files"] != PDF_COUNT:
                raise BenchError(f"export wrote {result['files']} {fmt} files")
            found.append(result)
        return found

    pdf, markdown = runs("pdf"), runs("md")
    return {
        "pdf": Figure(
            value=median(r["wall"] for r in pdf),
            cpu=median(r["cpu"] for r in pdf),
            reference="Markdown summaries of the same 1,000 (one process)",
            ref_value=median(r["wall"] for r in markdown),
            ref_cpu=median(r["cpu"] for r in markdown),
            runs=[r["wall"] for r in pdf],
            ref_runs=[r["wall"] for r in markdown],
            note=f"{os.cpu_count()} workers; {pdf[0]['bytes'] / PDF_COUNT / 1024:.0f} KB a PDF; "
            f"the {PDF_COUNT:,} people released soonest of {load.size:,}",
        )
    }


def _number(result: dict[str, Any], key: str) -> float:
    value = result.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise BenchError(f"tui_bench.py's child no longer reports {key!r} as seconds: {value!r}")
    return float(value)


def _seconds_list(result: dict[str, Any], key: str, length: int) -> list[float]:
    values = result.get(key)
    if not isinstance(values, list) or len(values) != length:
        raise BenchError(f"tui_bench.py's child no longer reports {key!r} as {length} timings")
    return [_number({key: v}, key) for v in values]


def measure_tui(load: Caseload, repeat: int, folder: Path) -> dict[str, Figure]:
    import tui_bench  # its child processes: the real app, and the bare Textual baseline

    keys = len(tui_bench.SEARCH)
    empty = folder / "no-rows.json"
    empty.write_text("[]", encoding="utf-8")

    def run(kind: str, target: Path) -> tuple[dict[str, Any], float]:
        cpu = cpu_seconds()
        # the baseline also takes the rows its filter key shows: none here
        extra = [str(empty)] if kind == "baseline" else []
        result = tui_bench.run_child(kind, str(target), *extra)
        return result, cpu_seconds() - cpu

    ours = [run("planner", load.db) for _ in range(repeat)]
    bare = [run("baseline", empty) for _ in range(repeat)]
    for result, _ in ours:
        if result.get("people") != load.size:
            raise BenchError(f"tui_bench.py's child counted {result.get('people')!r} people")
    paint = [_number(r, "first") for r, _ in ours]
    bare_paint = [_number(r, "first") for r, _ in bare]
    worst = [max(_seconds_list(r, "search", keys)) for r, _ in ours]
    bare_worst = [max(_seconds_list(r, "search", keys)) for r, _ in bare]
    rows = [_number(r, "rows") for r, _ in ours]
    every = [k * 1000 for r, _ in ours for k in r["search"]]
    cpu_note = (
        f"CPU of a whole run (paint, keys, exit): {median(c for _, c in ours):.2f} s, "
        f"bare app {median(c for _, c in bare):.2f} s"
    )
    return {
        "tui-key": Figure(
            value=median(worst),
            cpu=None,
            reference="bare Textual app (Input, empty DataTable): worst keystroke",
            ref_value=median(bare_worst),
            ref_cpu=None,
            runs=worst,
            ref_runs=bare_worst,
            note=f"every search keystroke (ms): {', '.join(f'{k:.0f}' for k in every)}; "
            f"worst of all {max(every):.0f} ms",
        ),
        "tui-paint": Figure(
            value=median(paint),
            cpu=None,
            reference="bare Textual app's first paint, from process start",
            ref_value=median(bare_paint),
            ref_cpu=None,
            runs=paint,
            ref_runs=bare_paint,
            note=f"people on screen {median(rows) * 1000:.0f} ms; {cpu_note}",
        ),
    }


# --- the report -----------------------------------------------------------------------------


def amount(value: float, unit: str) -> str:
    if unit == "MB":
        return f"{value:,.0f} MB"
    if value < 0.01:
        return f"{value * 1000:.1f} ms"
    return f"{value * 1000:,.0f} ms" if value < 1 else f"{value:,.2f} s"


def cell(value: float, cpu: float | None, unit: str) -> str:
    text = amount(value, unit)
    return text if cpu is None else f"{text} ({amount(cpu, 's')} CPU)"


def verdict(row: Row, figure: Figure) -> str:
    if row.target is None:
        return "recorded"
    if figure.value < row.target:
        return "PASS"
    if figure.cpu is not None and row.unit == "s" and figure.cpu < row.target:
        return "FAIL (CPU under target)"
    return "FAIL"


def target_text(row: Row) -> str:
    if row.target is None:
        return "-"
    return f"< {amount(row.target, row.unit)}"


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], check=True, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def memory_state() -> str:
    info: dict[str, int] = {}
    for line in Path("/proc/meminfo").read_text().splitlines():
        name, _, rest = line.partition(":")
        info[name] = int(rest.split()[0]) // 1024
    swap = info.get("SwapTotal", 0) - info.get("SwapFree", 0)
    available, total = info.get("MemAvailable", 0), info.get("MemTotal", 0)
    return f"{available:,} MB available of {total:,}, swap used {swap} MB"


def machine() -> dict[str, str]:
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    try:
        commit = subprocess.run(
            ["git", "-C", str(BENCH.parent), "describe", "--always", "--dirty"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return {
        "cpus": str(os.cpu_count()),
        "model": model,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "commit": commit,
    }


def report(
    selected: Sequence[Row],
    figures: dict[str, Figure],
    errors: dict[str, str],
) -> list[str]:
    lines = [
        "| what | before | measured, median: wall (CPU) | reference, median: wall (CPU) "
        "| ratio | target | result |",
        "|---|---|---:|---|---:|---|---|",
    ]
    for row in selected:
        if row.key in errors:
            lines.append(f"| {row.what} | {row.before} | | | | {target_text(row)} | ERROR |")
            continue
        f = figures[row.key]
        lines.append(
            f"| {row.what} | {row.before} | {cell(f.value, f.cpu, row.unit)} "
            f"| {f.reference}: {cell(f.ref_value, f.ref_cpu, row.unit)} "
            f"| {f.value / f.ref_value:,.2f}x | {target_text(row)} | {verdict(row, f)} |"
        )
    lines.append("")
    for row in selected:
        if row.key in errors:
            lines.append(f"- {row.key}: ERROR: {errors[row.key]}")
            continue
        f = figures[row.key]
        each = ", ".join(amount(v, row.unit) for v in f.runs)
        ref = ", ".join(amount(v, row.unit) for v in f.ref_runs)
        label = "p50, p99, max" if row.key in ("fold-save", "save-opening") else "each run"
        lines.append(
            f"- {row.key}: {label} {each}; reference {ref}" + (f". {f.note}" if f.note else "")
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big", action="store_true", help="also the 100,000-person rows")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per figure")
    parser.add_argument("--keep", type=Path, help="build caseloads here once and reuse them")
    parser.add_argument("--db20k", type=Path, help="a 20,000-person database built before")
    parser.add_argument("--db100k", type=Path, help="a 100,000-person database built before")
    parser.add_argument("--only", action="append", help="rows to run, by name (comma-separated)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        print(json.dumps(CHILDREN[kind](*rest)))
        return 0

    wanted = [k for text in args.only or [] for k in text.split(",") if k]
    unknown = [k for k in wanted if k not in ROW_BY_KEY]
    if unknown:
        parser.error(f"unknown row {unknown[0]!r}; rows: {', '.join(ROW_BY_KEY)}")
    selected = [r for r in ROWS if (not wanted or r.key in wanted) and (args.big or not r.big)]
    if wanted and any(ROW_BY_KEY[k].big for k in wanted) and not args.big:
        parser.error("the 100,000-person rows need --big")
    keys = {r.key for r in selected}

    started_at = datetime.now(UTC)
    load_start, memory_start = uptime(), memory_state()
    info = machine()
    command = "python bench/scale_bench.py " + " ".join(sys.argv[1:])
    print("# Scale benchmark: every target in one run\n")
    print(f"- date: {started_at:%Y-%m-%d %H:%M} UTC; command: `{command}`")
    print(
        f"- machine: {info['cpus']} CPUs (nproc), {info['model']}; {info['system']}; "
        f"Python {info['python']}; planner at {info['commit']}"
    )
    print(f"- at the start: {load_start}; memory {memory_start}", flush=True)

    work = Path(tempfile.mkdtemp(prefix="planner-scale-"))
    os.environ["PLANNER_CACHE_DIR"] = str(work / "cache")  # the children inherit these
    os.environ["PLANNER_CONFIG"] = str(work / "config.toml")
    os.environ["COLUMNS"] = "80"
    os.environ.pop("PLANNER_DB", None)
    figures: dict[str, Figure] = {}
    errors: dict[str, str] = {}
    clock = time.perf_counter()

    def attempt(names: Sequence[str], measure: Callable[[], dict[str, Figure]]) -> None:
        if not keys & set(names):
            return
        began = time.perf_counter()
        try:
            figures.update(measure())
        except Exception as exc:  # the row says what went wrong; the others still run
            for name in names:
                errors[name] = f"{type(exc).__name__}: {exc}"
        print(
            f"- measured {', '.join(n for n in names if n in keys)} in "
            f"{time.perf_counter() - began:.0f} s",
            flush=True,
        )

    try:
        small_rows = {r.key for r in ROWS if not r.big} - {"help"}
        small: Caseload | None = None
        if keys & small_rows:
            small = prepare(SMALL, args.db20k, args.keep, work)
        if small is not None:
            s = small
            attempt(("open", "gaps", "memory"), lambda: measure_store(s, args.repeat))
            attempt(("list", "memory-list"), lambda: measure_list(s, args.repeat, work))
            attempt(("gaps-cli",), lambda: measure_gaps_cli(s, args.repeat, work))
            attempt(("fold-save", "save-opening"), lambda: measure_saves(s, work / "saves"))
            attempt(("pdf",), lambda: measure_pdf(s, args.repeat, work / "export"))
            attempt(("tui-key", "tui-paint"), lambda: measure_tui(s, args.repeat, work))
        attempt(("help",), lambda: measure_help(args.repeat))
        if args.big:
            # the 20,000-person copies are no longer needed: room for the large one
            shutil.rmtree(work / f"work-{SMALL}", ignore_errors=True)
            big = prepare(BIG, args.db100k, args.keep, work)
            attempt(
                ("open-100k", "gaps-100k", "memory-100k"),
                lambda: measure_store(big, args.repeat, "-100k"),
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    load_end, memory_end = uptime(), memory_state()
    print(
        f"- at the end: {load_end}; memory {memory_end}; the run took "
        f"{time.perf_counter() - clock:.0f} s\n"
    )
    print("\n".join(report(selected, figures, errors)))
    if args.json:
        data = {
            "date": started_at.isoformat(),
            "command": command,
            "machine": info,
            "load_start": load_start,
            "load_end": load_end,
            "memory_start": memory_start,
            "memory_end": memory_end,
            "figures": {
                row.key: {
                    "what": row.what,
                    "before": row.before,
                    "unit": row.unit,
                    "target": row.target,
                    **asdict(figures[row.key]),
                    "ratio": figures[row.key].value / figures[row.key].ref_value,
                    "result": verdict(row, figures[row.key]),
                }
                for row in selected
                if row.key in figures
            },
            "errors": errors,
        }
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
