"""Filter benchmark: applying a filter at 20,000 people, in the UI's way and as a process.

    python bench/filter_bench.py [--people 20000] [--repeat 5] [--db PATH]

It builds a database of --people people with full checklists (the core benchmark's data,
bench/core_bench.py; --db reuses one built before), then measures, median of --repeat:

* apply: in a fresh process with the caseload's summaries read (as the UI holds them),
  `CaseloadFilter.select` of a filter of three conditions over everyone, the first time
  (stored records not yet parsed) and again (as on the next keystroke); then each saved
  view the same way. Baseline, in the same process: the same filter through validated
  Case models (`store.cases()`, then tests/filter_reference.py, which reads each
  condition straight off the case and its evaluation).
* planner list: `planner list --where A --where B --where C` as a whole process, from
  spawn to exit, output to a pipe; one run first takes the day's backup and is shown
  apart. Baseline: a process that opens the store, validates every case and evaluates
  the same filter the plain way.

Targets at 20,000 people: applying the filter settles in under 50 ms; `planner list
--where ...` takes under 1 s as a whole process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import core_bench  # the same people as the core benchmark

TODAY = core_bench.TODAY
OFFICER = "Officer A"
FILTER = (
    "release within 84",
    "bank.account != done",
    "accommodation.address.accommodation_type in (no_fixed_abode, rough_sleeping)",
)
TARGET_APPLY_S = 0.050
TARGET_PROCESS_S = 1.0


# --- the child processes --------------------------------------------------------------------


def _open(path: str) -> tuple[Any, Any, Any]:
    from planner.domain.filters import Vocabulary
    from planner.store.repository import CaseStore

    store = CaseStore(Path(path), officer=OFFICER, auto_backup=False)
    summaries = store.summaries()
    keys = dict.fromkeys(s.assessment.template_key for s in summaries)
    return store, summaries, Vocabulary([store.template(k) for k in keys])


def child_apply(path: str, repeat: int, expression: str) -> dict[str, Any]:
    """One filter over everyone, as the UI applies it: the first time in a process (no
    stored record parsed yet), then again with a new CaseloadFilter each time."""
    from planner.domain.filtering import CaseloadFilter
    from planner.domain.filters import parse_filter

    store, summaries, vocabulary = _open(path)
    wanted = parse_filter(expression, vocabulary)

    def once() -> tuple[float, int]:
        engine = CaseloadFilter(
            today=TODAY, template_for=store.template, records=store.raw_records, officer=OFFICER
        )
        started = time.perf_counter()
        found = engine.select(wanted, summaries)
        return time.perf_counter() - started, len(found)

    first, matched = once()
    again = statistics.median(once()[0] for _ in range(repeat))
    store.close()
    return {"people": len(summaries), "first": first, "again": again, "matched": matched}


def child_baseline(path: str, expression: str) -> dict[str, Any]:
    """The same filter through validated Case models, and whether both agree."""
    from planner.domain.filtering import CaseloadFilter
    from planner.domain.filters import parse_filter
    from tests.filter_reference import reference_select

    store, summaries, vocabulary = _open(path)
    wanted = parse_filter(expression, vocabulary)
    started = time.perf_counter()
    cases = store.cases()
    validated = time.perf_counter() - started
    started = time.perf_counter()
    slow = reference_select(wanted, cases, store.template_for, TODAY, OFFICER)
    evaluated = time.perf_counter() - started
    fast = CaseloadFilter(
        today=TODAY, template_for=store.template, records=store.raw_records, officer=OFFICER
    ).select(wanted, summaries)
    store.close()
    return {
        "validate": validated,
        "evaluate": evaluated,
        "agree": sorted(s.number for s in fast) == sorted(slow),
    }


def child_baseline_process(path: str) -> dict[str, Any]:
    """The whole-process baseline: what `planner list --where` would cost validating
    every record (imports and the open included, like the real command)."""
    from planner.domain.filters import Vocabulary, parse_filter
    from planner.store.repository import CaseStore
    from tests.filter_reference import reference_select

    store = CaseStore(Path(path), officer=OFFICER)
    cases = sorted(store.cases(), key=lambda c: c.number)
    vocabulary = Vocabulary([store.template(k) for k in store.stored_templates()])
    found = reference_select(
        parse_filter(list(FILTER), vocabulary), cases, store.template_for, TODAY, OFFICER
    )
    for number in found:
        print(number)
    return {"matched": len(found)}


def child_stages(path: str) -> dict[str, Any]:
    """Where a `planner list --where` process spends its time, step by step as the
    command takes them (imports counted from this process's start)."""
    started = time.perf_counter()
    from planner.cli import views  # everything the command imports
    from planner.cli.caseload_query import CaseloadQuery
    from planner.cli.context import Env
    from planner.config import load_settings

    imported = time.perf_counter()
    env = Env.build(load_settings(), path, OFFICER, TODAY)
    store = env.open_store(create=False)
    opened = time.perf_counter()
    query = CaseloadQuery(env, store)
    wanted = query.filter(FILTER, None)
    rows = query.summaries(query.window(wanted, None))
    read = time.perf_counter()
    rows = query.filtering.select(wanted, [r for r in rows if r.state == "active"])
    filtered = time.perf_counter()
    columns = query.columns(None)
    values = query.reader().table(columns, rows)
    tabled = time.perf_counter()
    store.close()
    closed = time.perf_counter()
    _ = views
    return {
        "imports": imported - started,
        "open": opened - imported,
        "summaries": read - opened,
        "filter": filtered - read,
        "columns": tabled - filtered,
        "close": closed - tabled,
        "rows": len(values),
        "read": len(rows),
    }


def run_child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def timed_process(command: list[str]) -> tuple[float, float, str]:
    """Wall-clock and CPU seconds (user and system) of one whole process, and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def planner_list(path: Path) -> list[str]:
    planner = str(Path(sys.executable).parent / "planner")
    where = [arg for condition in FILTER for arg in ("--where", condition)]
    return [planner, "--db", str(path), "--today", TODAY.isoformat(), "list", *where]


# --- the report -----------------------------------------------------------------------------


def _each(runs: list[tuple[float, float, str]]) -> str:
    return ", ".join(f"{wall * 1000:.0f}" for wall, _cpu, _out in runs)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def verdict(value: float, target: float) -> str:
    return "PASS" if value < target else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", type=Path, help="a database built by an earlier run")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, target, *rest = args.child
        if kind == "apply":
            print(json.dumps(child_apply(target, int(rest[0]), rest[1])))
        elif kind == "baseline":
            print(json.dumps(child_baseline(target, rest[0])))
        elif kind == "stages":
            print(json.dumps(child_stages(target)))
        else:
            print(json.dumps(child_baseline_process(target)))
        return

    from planner.domain.saved_views import BUILT_IN_VIEWS

    expression = " and ".join(FILTER)
    print("# Filter benchmark\n")
    print(*core_bench.machine(), sep="\n")
    print(f"- command: python bench/filter_bench.py --people {args.people} --repeat {args.repeat}")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["PLANNER_CACHE_DIR"] = str(Path(folder) / "cache")
        os.environ["PLANNER_CONFIG"] = str(Path(folder) / "config.toml")
        path = args.db or Path(folder) / "planner.db"
        if args.db is None:
            started = time.perf_counter()
            core_bench.write_ours(path, core_bench.build_docs(args.people))
            built = time.perf_counter() - started
            print(f"- database: {args.people:,} people, built in {built:.1f} s")
        else:
            print(f"- database: {path} (built before)")
        first_of_day = timed_process(planner_list(path))
        repeat = str(args.repeat)
        applied = [run_child("apply", str(path), repeat, expression) for _ in range(args.repeat)]
        baseline = run_child("baseline", str(path), expression)
        ours = [timed_process(planner_list(path)) for _ in range(args.repeat)]
        base = [
            timed_process([sys.executable, __file__, "--child", "process", str(path)])
            for _ in range(args.repeat)
        ]
        stages = [run_child("stages", str(path)) for _ in range(args.repeat)]
        views = {
            v.name: [run_child("apply", str(path), repeat, v.expression) for _ in range(3)]
            for v in BUILT_IN_VIEWS
        }
    print(f"- load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    one = applied[0]
    first = statistics.median(a["first"] for a in applied)
    again = statistics.median(a["again"] for a in applied)
    validate, evaluate = baseline["validate"], baseline["evaluate"]
    wall = statistics.median(w for w, _c, _o in ours)
    cpu = statistics.median(c for _w, c, _o in ours)
    print(f"\nfilter: {expression}")
    print(f"{one['matched']:,} of {one['people']:,} people match; fast and plain agree: "
          f"{baseline['agree']}\n")  # fmt: skip
    print("| measure (median) | planner | baseline: validated Case models |")
    print("|---|---|---|")
    print(
        f"| apply the filter, first time in a process | {ms(first)} | "
        f"{ms(validate + evaluate)} ({ms(validate)} validating, {ms(evaluate)} evaluating) |"
    )
    print(
        f"| apply it again (the next keystroke) | {ms(again)} | {ms(evaluate)} (cases "
        "already validated) |"
    )
    print(
        f"| `planner list --where` x3, whole process, wall clock | {ms(wall)} | "
        f"{ms(statistics.median(w for w, _c, _o in base))} |"
    )
    print(
        f"| the same, CPU (user + system) | {ms(cpu)} | "
        f"{ms(statistics.median(c for _w, c, _o in base))} |"
    )
    print(
        f"| the same, first open of the day (takes the backup), wall / CPU | "
        f"{ms(first_of_day[0])} / {ms(first_of_day[1])} | |"
    )
    print(f"\nevery process, wall (ms): planner {_each(ours)}; baseline {_each(base)}")
    print(f"`planner list` printed {len(ours[0][2].splitlines())} lines")
    parts = ("imports", "open", "summaries", "filter", "columns", "close")
    print("\nwhere a `planner list --where` process spends its time (median, wall clock):")
    print("| " + " | ".join(parts) + " |")
    print("|" + "---|" * len(parts))
    print("| " + " | ".join(ms(statistics.median(s[p] for s in stages)) for p in parts) + " |")
    print("\n| saved view, over everyone | people | first time in a process | again |")
    print("|---|---|---|---|")
    for name, runs in views.items():
        print(f"| {name} | {runs[0]['matched']:,} | "
              f"{ms(statistics.median(r['first'] for r in runs))} | "
              f"{ms(statistics.median(r['again'] for r in runs))} |")  # fmt: skip
    print()
    print(f"{verdict(first, TARGET_APPLY_S)} apply, first time {ms(first)} "
          f"(target under {ms(TARGET_APPLY_S)}); again {ms(again)}")  # fmt: skip
    print(f"{verdict(wall, TARGET_PROCESS_S)} planner list --where, whole process "
          f"{ms(wall)} wall, {ms(cpu)} CPU (target under {ms(TARGET_PROCESS_S)})")  # fmt: skip


if __name__ == "__main__":
    main()
