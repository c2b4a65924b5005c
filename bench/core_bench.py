"""Core store benchmark: open, list, save and all gaps at 1,000 / 5,000 / 20,000 people.

    python bench/core_bench.py [--sizes 1000,5000,20000] [--repeat 5] [--profile]

For each size it builds a database of people with full checklists (every template item
with a status and realistic evidence) and an equivalent plain JSON file for TinyDB's stock
JSONStorage, then measures, median of --repeat:

* open: a new CaseStore + summaries(), each run in a fresh process (cold start; the
  interpreter and imports are ready before the clock starts, and import time is shown
  separately); stock: TinyDB(path) + table.all(), also in a fresh process;
* list: releases within 84 days (summaries filtered by release date window, sorted);
* save: one item change through store.save_item (audit + journal, fsync'd); stock: one
  table.update of one document (TinyDB rewrites the whole file);
* all gaps: store.all_flags(today), the first call after open (median over the fresh
  processes) and warm (repeated in one process). The first call of a process needs the
  bank holiday calendar: the very first process computes it and caches it (in a folder of
  the benchmark's own, PLANNER_CACHE_DIR), later ones read the cache; the cold figure is
  shown apart.

The databases are written in one snapshot through planner.store.rewrite.replace_tables (the
documents are built with the domain models and assessed like CaseStore does), because
20,000 separate adds would measure the import path rather than the store.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

TODAY = date(2026, 11, 23)
WINDOW_DAYS = 84
TARGET_SIZE = 20_000
TARGET_SAVE_RATIO = 20.0
TARGET_OPEN_S = 0.6
TARGET_GAPS_S = 0.5
SAVE_ITEM = "work.plan"


# --- building the data ----------------------------------------------------------------------


def _template() -> Any:
    from planner.domain.template_loading import TemplateLibrary

    return TemplateLibrary().get("england-wales")


def _evidence_value(field: Any, rng: random.Random, release: date | None) -> str | bool:
    from planner.domain.template import FieldType

    if field.type is FieldType.YES_NO:
        return rng.random() < 0.8
    if field.type is FieldType.CHOICE:
        return str(rng.choice(field.choices).value)
    if field.type is FieldType.DATE:
        anchor = release or TODAY
        return (anchor - timedelta(days=rng.randint(20, 150))).isoformat()
    samples = {
        "address": "Flat 2, 14 Station Road, Leeds LS1 4AB",
        "jobcentre": "Leeds City Jobcentre Plus",
        "appointment_time": "09:30",
        "local_authority": "Leeds City Council",
        "com_name": "Jordan Probation, Leeds PDU",
        "practice": "Park Lane Surgery",
        "plan": "CSCS card course, then labouring with a Leeds employer",
    }
    return samples.get(field.name, "Recorded by the officer after checking with the person")


Docs = list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]]  # record, entry, assessment


def build_docs(count: int, seed: int = 7) -> Docs:
    """`count` cases as CaseStore stores them: (number, full record, index entry)."""
    from planner.domain.assessment import applies
    from planner.domain.case import Case
    from planner.domain.checklist import Checklist, ItemRecord
    from planner.domain.person import CaseState, Circumstances, Person, ReleaseKind
    from planner.domain.status import ItemStatus
    from planner.store.documents import case_documents

    template = _template()
    rng = random.Random(seed)
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    surnames = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Khan"]
    forenames = ["Alex", "Sam", "Jo", "Chris", "Lee", "Kim", "Pat", "Ash", "Rowan", "Jamie"]
    docs: Docs = []
    for index in range(count):
        number = f"{letters[index % 24]}{index % 10000:04d}{letters[index // 10000]}B"
        release = None if rng.random() < 0.02 else TODAY + timedelta(days=rng.randint(-5, 365))
        state = CaseState.RELEASED if rng.random() < 0.03 else CaseState.ACTIVE
        person = Person(
            number=number,
            surname=rng.choice(surnames),
            forename=rng.choice(forenames),
            date_of_birth=date(rng.randint(1960, 2005), rng.randint(1, 12), rng.randint(1, 28)),
            release_date=release,
            release_kind=rng.choice(list(ReleaseKind)),
            prison="HMP Leeds",
            location=f"{'ABCD'[rng.randint(0, 3)]}-{rng.randint(1, 4)}-{rng.randint(1, 40):03d}",
            circumstances=Circumstances(
                on_medication=rng.random() < 0.4,
                substance_misuse=rng.random() < 0.35,
                mental_health=rng.random() < 0.3,
                dependants=rng.random() < 0.3,
                veteran=rng.random() < 0.05,
                foreign_national=rng.random() < 0.1,
                care_leaver=rng.random() < 0.1,
            ),
            state=state,
        )
        created = datetime.combine(
            min(TODAY, (release or TODAY) - timedelta(days=rng.randint(60, 300))),
            datetime.min.time(),
            tzinfo=UTC,
        )
        bare = Case(
            person=person,
            checklist=Checklist(template_id=template.id, template_version=template.version),
            created_at=created,
            updated_at=created,
        )
        items: dict[str, ItemRecord] = {}
        for item in template.items:
            if not applies(item, bare):
                continue
            due = (release or TODAY) - timedelta(days=item.due_days_before_release)
            past_due = due < TODAY
            # cumulative shares of done, not required/declined, blocked, in progress; the
            # rest never touched. Past its due date most of a plan is done.
            shares = (0.75, 0.80, 0.84, 0.92) if past_due else (0.25, 0.28, 0.30, 0.50)
            roll = rng.random()
            if roll < shares[0]:
                status = ItemStatus.DONE
            elif roll < shares[1]:
                status = rng.choice([ItemStatus.NOT_REQUIRED, ItemStatus.DECLINED])
            elif roll < shares[2]:
                status = ItemStatus.BLOCKED
            elif roll < shares[3]:
                status = ItemStatus.IN_PROGRESS
            else:
                continue  # never touched: reads as not started
            evidence: dict[str, str | bool] = {}
            for field in item.evidence:
                keep = 0.95 if status is ItemStatus.DONE else 0.4
                if (field.required or rng.random() < 0.6) and rng.random() < keep:
                    evidence[field.name] = _evidence_value(field, rng, release)
            items[item.id] = ItemRecord(
                status=status,
                evidence=evidence,
                reason="Recorded with the person" if status.needs_reason else "",
                notes="Spoke to the person on the wing" if rng.random() < 0.3 else "",
                changed_by="Officer A",
                changed_at=created + timedelta(days=rng.randint(1, 50)),
                rev=rng.randint(1, 4),
            )
        case = bare.model_copy(
            update={"checklist": bare.checklist.model_copy(update={"items": items})}
        )
        doc, entry, assessment = case_documents(case, template)
        docs.append((number, doc, entry, assessment))
    return docs


def write_ours(path: Path, docs: Docs, codec: Any = None, now: datetime | None = None) -> None:
    """A real database (CaseStore creates it and stores the template), then every document
    written in one snapshot through the store's own replace_tables, under its lock, so the
    tables are laid out exactly as CaseStore lays them out."""
    from planner.domain.person import Person
    from planner.store.repository import CaseStore
    from planner.store.rewrite import replace_tables
    from planner.store.tables import ASSESSMENTS, CASES, INDEX

    when = now or datetime.now(UTC)
    template = _template()
    with CaseStore(path, officer="bench", codec=codec, clock=lambda: when) as store:
        store.add(Person(number="Z9999ZZ", surname="Seed", forename="Bench"), template)
        store.remove(["Z9999ZZ"])
        with store._locked():
            tables = dict(store._storage.read())
            tables[CASES] = {number: doc for number, doc, _, _ in docs}
            tables[INDEX] = {number: entry for number, _, entry, _ in docs}
            tables[ASSESSMENTS] = {number: stored for number, _, _, stored in docs}
            replace_tables(store._db, tables, at=when, by="bench", description="bench load")


def write_stock(path: Path, docs: Docs) -> None:
    """The same records (each with its index entry) as TinyDB's default JSONStorage writes
    them: stdlib json, one table, integer document ids."""
    data = {
        "_default": {
            str(i + 1): {**doc, "index": {**entry, "assessment": stored}}
            for i, (_, doc, entry, stored) in enumerate(docs)
        }
    }
    path.write_text(json.dumps(data), encoding="utf-8")


# --- measurements, run in child processes -----------------------------------------------------


def child_open(path: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    from planner.store.repository import CaseStore

    imported = time.perf_counter()
    store = CaseStore(Path(path), officer="bench")
    summaries = store.summaries()
    opened = time.perf_counter()
    backed_up = getattr(store, "last_backup", None) is not None
    window = _releases(store)
    listed = time.perf_counter()
    flags = store.all_flags(TODAY)
    gapped = time.perf_counter()
    store.close()
    return {
        "import": imported - t0,
        "open": opened - imported,
        "list_first": listed - opened,
        "gaps_first": gapped - listed,
        "people": len(summaries),
        "backup": backed_up,
        "window": len(window),
        "flags": len(flags),
    }


def _releases(store: Any) -> list[Any]:
    end = TODAY + timedelta(days=WINDOW_DAYS)
    found = [
        s
        for s in store.summaries()
        if s.state == "active" and s.release_date is not None and TODAY <= s.release_date <= end
    ]
    found.sort(key=lambda s: (s.release_date, s.surname, s.number))
    return found


def child_warm(path: str, repeat: int) -> dict[str, Any]:
    from planner.store.repository import CaseStore

    store = CaseStore(Path(path), officer="bench")
    store.summaries()
    number = sorted(store.numbers())[len(store) // 2]
    lists, saves, gaps = [], [], []
    for i in range(repeat):
        t0 = time.perf_counter()
        _releases(store)
        t1 = time.perf_counter()
        store.save_item(number, SAVE_ITEM, notes=f"bench change {i} {time.time_ns()}")
        t2 = time.perf_counter()
        store.all_flags(TODAY)
        t3 = time.perf_counter()
        lists.append(t1 - t0)
        saves.append(t2 - t1)
        gaps.append(t3 - t2)
    store.close()
    return {"list": lists, "save": saves, "gaps": gaps}


def child_stock_open(path: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    from tinydb import TinyDB

    imported = time.perf_counter()
    db = TinyDB(path)
    docs = db.table("_default").all()
    opened = time.perf_counter()
    db.close()
    return {"import": imported - t0, "open": opened - imported, "people": len(docs)}


def child_stock_save(path: str, repeat: int) -> dict[str, Any]:
    from tinydb import TinyDB

    db = TinyDB(path)
    table = db.table("_default")
    table.all()
    saves = []
    for i in range(repeat):
        t0 = time.perf_counter()
        table.update({"notes": f"bench change {i} {time.time_ns()}"}, doc_ids=[1 + i])
        saves.append(time.perf_counter() - t0)
    db.close()
    return {"save": saves}


def child_profile(path: str) -> dict[str, Any]:
    from planner.store.repository import CaseStore

    report: dict[str, Any] = {}
    profiler = cProfile.Profile()
    profiler.enable()
    store = CaseStore(Path(path), officer="bench")
    store.summaries()
    profiler.disable()
    report["open"] = _top(profiler)
    profiler = cProfile.Profile()
    profiler.enable()
    store.all_flags(TODAY)
    profiler.disable()
    report["gaps"] = _top(profiler)
    number = sorted(store.numbers())[0]
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(20):
        store.save_item(number, SAVE_ITEM, notes=f"profile {i}")
    profiler.disable()
    report["save x20"] = _top(profiler)
    store.close()
    return report


def _top(profiler: cProfile.Profile, limit: int = 14) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(limit)
    return out.getvalue()


def run_child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- the report -----------------------------------------------------------------------------


def machine() -> list[str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = "unknown"
    try:
        import planner

        repo = Path(planner.__file__).resolve().parent.parent
        commit = subprocess.run(
            ["git", "-C", str(repo), "describe", "--always", "--dirty"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    from importlib.metadata import version

    return [
        f"- machine: {os.cpu_count()} CPUs (nproc), {model}; {platform.system()} "
        f"{platform.release()}",
        f"- Python {platform.python_version()}, TinyDB {version('tinydb')}, "
        f"orjson {version('orjson')}; planner at {commit}",
        f"- load average at the start: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
        f"(1, 5, 15 min; other work on the machine inflates every figure)",
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}; folder: "
        f"{tempfile.gettempdir()} ({_fs_type(Path(tempfile.gettempdir()))})",
    ]


def _fs_type(folder: Path) -> str:
    try:
        out = subprocess.run(
            ["df", "-T", str(folder)], check=True, capture_output=True, text=True
        ).stdout
        return out.splitlines()[1].split()[1]
    except (OSError, subprocess.CalledProcessError, IndexError):
        return "unknown fs"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="cProfile the largest size")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        kind, *rest = args.child
        handlers = {
            "open": lambda: child_open(rest[0]),
            "warm": lambda: child_warm(rest[0], int(rest[1])),
            "stock_open": lambda: child_stock_open(rest[0]),
            "stock_save": lambda: child_stock_save(rest[0], int(rest[1])),
            "profile": lambda: child_profile(rest[0]),
        }
        print(json.dumps(handlers[kind]()))
        return

    sizes = [int(s) for s in args.sizes.split(",")]
    repeat = args.repeat
    started = time.perf_counter()
    print("# Core store benchmark", flush=True)
    print(*machine(), sep="\n")
    print(f"- command: python bench/core_bench.py --sizes {args.sizes} --repeat {repeat}")
    print(
        "- data: people with full checklists, written in one snapshot through "
        "JournalStorage.replace_all (documents built with the domain models and assessed as "
        "CaseStore stores them); the stock file holds the same documents as TinyDB's "
        "JSONStorage writes them",
        flush=True,
    )
    t0 = time.perf_counter()
    all_docs = build_docs(max(sizes))
    print(f"- built {len(all_docs):,} documents in {time.perf_counter() - t0:.1f} s", flush=True)

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="planner-bench-") as tmp:
        os.environ["PLANNER_CACHE_DIR"] = str(Path(tmp) / "cache")  # children inherit it
        for size in sizes:
            folder = Path(tmp) / str(size)
            folder.mkdir()
            ours = folder / "planner.db"
            stock = folder / "stock.json"
            docs = all_docs[:size]
            write_ours(ours, docs)
            write_stock(stock, docs)
            # the first open of a day takes the daily backup: measured apart from the rest
            first_of_day = run_child("open", str(ours))
            opens = [run_child("open", str(ours)) for _ in range(repeat)]
            warm = run_child("warm", str(ours), str(repeat))
            stock_opens = [run_child("stock_open", str(stock)) for _ in range(repeat)]
            stock_save = run_child("stock_save", str(stock), str(repeat))
            assert all(o["people"] == size for o in opens), opens[0]
            assert all(o["people"] == size for o in stock_opens)
            row = {
                "size": size,
                "ours_mb": ours.stat().st_size / 1e6,
                "stock_mb": stock.stat().st_size / 1e6,
                "import": statistics.median(o["import"] for o in opens),
                "open": statistics.median(o["open"] for o in opens),
                "stock_open": statistics.median(o["open"] for o in stock_opens),
                "list_first": statistics.median(o["list_first"] for o in opens),
                "list": statistics.median(warm["list"]),
                "save": statistics.median(warm["save"]),
                "stock_save": statistics.median(stock_save["save"]),
                "gaps_first": statistics.median(o["gaps_first"] for o in opens),
                "gaps": statistics.median(warm["gaps"]),
                "open_best": min(o["open"] for o in opens),
                "gaps_best": min(o["gaps_first"] for o in opens),
                "gaps_day": first_of_day["gaps_first"],
                "list_best": min(warm["list"]),
                "save_best": min(warm["save"]),
                "stock_save_best": min(stock_save["save"]),
                "open_day": first_of_day["open"],
                "backup": first_of_day["backup"] and not any(o["backup"] for o in opens),
                "window": opens[0]["window"],
                "flags": opens[0]["flags"],
            }
            rows.append(row)
            print(f"- measured {size:,} people", flush=True)
            if args.profile and size == max(sizes):
                report = run_child("profile", str(ours))
                for name, text in report.items():
                    print(f"\n## cProfile: {name} at {size:,} people\n\n```\n{text}```")

    print("\nMedian (best) of the runs:\n")
    print("| people | file (ours / stock) | open: ours | open: stock | open ratio "
          "| list 84 days (first / warm) | save: ours | save: stock | save ratio "
          "| all gaps (first / warm) | in window | flags |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['size']:,} | {r['ours_mb']:.1f} / {r['stock_mb']:.1f} MB "
            f"| {ms(r['open'])} ({ms(r['open_best'])}) | {ms(r['stock_open'])} "
            f"| {r['stock_open'] / r['open']:.1f}x "
            f"| {ms(r['list_first'])} / {ms(r['list'])} ({ms(r['list_best'])}) "
            f"| {ms(r['save'])} ({ms(r['save_best'])}) | {ms(r['stock_save'])} "
            f"| {r['stock_save'] / r['save']:.0f}x "
            f"| {ms(r['gaps_first'])} ({ms(r['gaps_best'])}) / {ms(r['gaps'])} "
            f"| {r['window']:,} | {r['flags']:,} |"
        )
    print("\nFirst open of the day (the store takes its daily backup first), and its first")
    print("all gaps (at the smallest size, the first process: the bank holidays computed):\n")
    print("| people | first open of the day | later opens (median) | backup taken "
          "| its first all gaps |")  # fmt: skip
    print("|---:|---:|---:|---|---:|")
    for r in rows:
        taken = "yes" if r["backup"] else "no"
        print(
            f"| {r['size']:,} | {ms(r['open_day'])} | {ms(r['open'])} | {taken} "
            f"| {ms(r['gaps_day'])} |"
        )
    print(
        f"\nImport of planner.store.repository before the clock starts: "
        f"{ms(statistics.median(r['import'] for r in rows))} (median)."
    )
    target = next((r for r in rows if r["size"] == TARGET_SIZE), None)
    if target is None:
        print(f"\nTargets apply at {TARGET_SIZE:,} people: not measured in this run.")
    else:
        ratio = target["stock_save"] / target["save"]
        gaps = max(target["gaps_first"], target["gaps"])
        best_ratio = target["stock_save_best"] / target["save_best"]
        checks = [
            (
                f"one durable save at least {TARGET_SAVE_RATIO:.0f}x faster than stock",
                f"{ratio:.0f}x",
                f"{best_ratio:.0f}x",
                ratio >= TARGET_SAVE_RATIO,
            ),
            (
                f"open under {TARGET_OPEN_S} s",
                ms(target["open"]),
                ms(target["open_best"]),
                target["open"] < TARGET_OPEN_S,
            ),
            (
                f"all gaps under {TARGET_GAPS_S} s",
                ms(gaps),
                ms(target["gaps_best"]),
                gaps < TARGET_GAPS_S,
            ),
        ]
        print(f"\nTargets at {TARGET_SIZE:,} people (PASS/FAIL on the median):\n")
        print("| target | median | best of runs | result |\n|---|---:|---:|---|")
        for name, value, best, ok in checks:
            print(f"| {name} | {value} | {best} | {'PASS' if ok else 'FAIL'} |")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\nTotal benchmark time: {time.perf_counter() - started:.0f} s; "
        f"load average at the end {load}"
    )


if __name__ == "__main__":
    main()
