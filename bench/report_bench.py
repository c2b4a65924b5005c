"""Report benchmark: readiness, outcomes and the release calendar at 20,000 people.

    python bench/report_bench.py [--people 20000] [--released 6000] [--repeat 5]

Builds the core benchmark's caseload (bench/core_bench.py: full checklists, realistic
evidence), gives everyone equality fields, and makes `--released` of them people released
over the 12 months before the benchmark's day, each with a release outcome and follow-ups
(the rest are due out over the coming year). Then, each in a fresh process with the store
opened before the clock starts (as the CLI has it open before it builds a report),
median of --repeat:

* reference: ``store.summaries()`` alone, the first call of the process (every report
  starts from the caseload's summaries);
* each report, the first build of the process (cold) and built again in it (warm):
  readiness of the people due out in 12 weeks, outcomes of the 12 months' releases, the
  12-week calendar; by sex, by the 19 detailed ethnic groups and by location (as many
  groups as the wings, up to 24);
* the audit note of a run (one fsync'd change);
* the Insights screen (``I`` on the caseload, headless at 120x40, the app opened as
  `planner` opens it and the caseload read first): from the key to its first report
  painted, then ``o`` (outcomes) and ``g`` (by sex).

Targets: each report under 1 s cold at 20,000 people and 12 months of releases; the
Insights screen's first paint under 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import core_bench  # the same people as the core benchmark

TODAY = core_bench.TODAY
TARGET_S = 1.0
REPORTS = ("readiness", "outcomes", "calendar")
OUTCOME_ANSWERS = {
    "first_night": (
        ["settled", "temporary", "cas", "bail_probation", "rough_sleeping", "other_homeless"],
        [40, 15, 10, 10, 8, 7],
    ),
    "id": (["yes", "no"], [70, 30]),
    "bank": (["yes", "no"], [55, 45]),
    "uc": (["yes", "no"], [75, 25]),
    "planned_day": (["on_day", "brought_forward", "later"], [80, 15, 5]),
}
FOLLOW_UPS = {
    "jobcentre_kept": ["yes", "no"],
    "employed_6w": ["yes", "no", "not_available"],
    "settled_3m": ["settled", "not_settled"],
}


def _answer(rng: random.Random, values: list[str], weights: list[int] | None = None) -> str:
    if rng.random() < 0.08:
        return "unknown"
    return rng.choices(values, weights)[0]


def build(path: Path, people: int, released: int, seed: int = 11) -> None:
    """The core caseload, with equality fields for all and `released` people released
    over the last 12 months with their outcomes."""
    from planner.domain.equality import ETHNICITIES, RELIGIONS

    rng = random.Random(seed)
    docs = core_bench.build_docs(people)
    ethnicities = list(ETHNICITIES)
    religions = list(RELIGIONS)
    chosen = set(rng.sample(range(len(docs)), released))
    for index, (_number, doc, entry, _assessment) in enumerate(docs):
        person = doc["person"]
        if rng.random() < 0.9:
            person["sex"] = "female" if rng.random() < 0.05 else "male"
        if rng.random() < 0.85:
            person["ethnicity"] = rng.choice(ethnicities)
        if rng.random() < 0.6:
            person["religion"] = rng.choice(religions)
        if rng.random() < 0.8:
            person["sentence"] = {"months": rng.randint(1, 120)}
        if index not in chosen:
            continue
        day = TODAY - timedelta(days=rng.randint(1, 365))
        person["release_date"] = day.isoformat()
        person["state"] = "released"
        entry["person"][4] = day.isoformat()
        entry["person"][6] = "released"
        answers = {m: _answer(rng, *choices) for m, choices in OUTCOME_ANSWERS.items()}
        follow_ups = {
            m: {"answer": _answer(rng, values), "recorded_on": TODAY.isoformat()}
            for m, values in FOLLOW_UPS.items()
            if rng.random() < 0.7
        }
        doc["outcome"] = {
            "released_on": day.isoformat(),
            "measures": "england-wales@3",
            "answers": answers,
            "follow_ups": follow_ups,
        }
    core_bench.write_ours(path, docs)


# --- the child processes --------------------------------------------------------------------


def _open(path: str) -> Any:
    from planner.store.repository import CaseStore

    return CaseStore(Path(path), officer="Officer A", auto_backup=False)


def _run(store: Any, report: str, by: str) -> Any:
    from planner.domain.template_loading import TemplateLibrary
    from planner.reports.calendar import calendar_report
    from planner.reports.groups import grouping
    from planner.reports.outcomes import outcomes_report
    from planner.reports.readiness import readiness_report

    if report == "readiness":
        return readiness_report(store, TODAY, grouping(by), threshold=5)
    if report == "outcomes":
        return outcomes_report(
            store,
            grouping(by),
            first=TODAY - timedelta(days=365),
            last=TODAY,
            threshold=5,
            fallback=TemplateLibrary().get("england-wales"),
        )
    return calendar_report(store, TODAY, weeks=12, threshold=5)


def child_report(path: str, report: str, by: str, repeat: int) -> dict[str, Any]:
    store = _open(path)
    started = time.perf_counter()
    built = _run(store, report, by)
    cold = time.perf_counter() - started
    warm = []
    for _ in range(repeat):
        started = time.perf_counter()
        _run(store, report, by)
        warm.append(time.perf_counter() - started)
    people = getattr(built, "people", None)
    counted = people.count if people is not None else sum(d.dated for d in built.days)
    store.close()
    return {"cold": cold, "warm": statistics.median(warm), "counted": counted}


def child_reference(path: str) -> dict[str, Any]:
    store = _open(path)
    started = time.perf_counter()
    store.summaries()
    cold = time.perf_counter() - started
    store.close()
    return {"cold": cold}


def child_audit(path: str, repeat: int) -> dict[str, Any]:
    from planner.reports.audit import record_run

    store = _open(path)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        record_run(store, "outcomes", {"by": "sex", "threshold": 5, "format": "table"})
        times.append(time.perf_counter() - started)
    store.close()
    return {"median": statistics.median(times)}


def child_insights(path: str) -> dict[str, Any]:
    """The Insights screen opened with `I` on the caseload, headless at 120x40: from the
    key press until its first report (readiness, everyone) is on screen and a frame has
    been drawn with it; then `o` (outcomes) and `g` (by sex) the same way."""
    import asyncio

    from planner.config import Settings
    from planner.store.repository import CaseStore
    from planner.tui.app import make_app
    from planner.tui.screens.caseload import CaseloadScreen
    from planner.tui.screens.insights import InsightsScreen

    app = make_app(
        lambda: CaseStore(Path(path), officer="bench", auto_backup=False),
        today=TODAY,
        settings=Settings(officer="bench"),
    )
    result: dict[str, Any] = {}

    async def shown(pilot: Any, key: str, report: str, by: str) -> float:
        started = time.perf_counter()
        await pilot.press(key)
        while True:
            screen = app.screen
            done = screen.built_for if isinstance(screen, InsightsScreen) else None
            if done is not None and (done.report, done.by) == (report, by):
                break
            await asyncio.sleep(0.001)
        await pilot.pause()  # the frame that shows it
        return time.perf_counter() - started

    async def drive(pilot: Any) -> None:
        while True:
            screen = app.screen_stack[0] if app.screen_stack else None
            if isinstance(screen, CaseloadScreen) and screen.complete:
                break
            await asyncio.sleep(0.005)
        await pilot.pause()
        result["paint"] = await shown(pilot, "I", "readiness", "everyone")
        result["outcomes"] = await shown(pilot, "o", "outcomes", "everyone")
        result["by_sex"] = await shown(pilot, "g", "outcomes", "sex")
        app.exit()

    app.run(headless=True, size=(120, 40), auto_pilot=drive)
    return result


def run_child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--released", type=int, default=6_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        kind, path, *rest = args.child
        if kind == "report":
            print(json.dumps(child_report(path, rest[0], rest[1], int(rest[2]))))
        elif kind == "reference":
            print(json.dumps(child_reference(path)))
        elif kind == "insights":
            print(json.dumps(child_insights(path)))
        else:
            print(json.dumps(child_audit(path, int(rest[0]))))
        return

    print("# Report benchmark\n")
    print(*core_bench.machine(), sep="\n")
    print(
        f"- command: python bench/report_bench.py --people {args.people} "
        f"--released {args.released} --repeat {args.repeat}"
    )
    repeat = str(args.repeat)
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        os.environ["PLANNER_CACHE_DIR"] = str(Path(folder) / "cache")
        path = Path(folder) / "planner.db"
        started = time.perf_counter()
        build(path, args.people, args.released)
        print(
            f"- database: {args.people:,} people, {args.released:,} of them released over the "
            f"12 months to {TODAY}, built in {time.perf_counter() - started:.1f} s\n"
        )
        reference = [run_child("reference", str(path))["cold"] for _ in range(args.repeat)]
        print("| what | counted | first in the process | again |")
        print("|---|---:|---:|---:|")
        print(
            f"| reference: summaries() alone | {args.people:,} | "
            f"{core_bench.ms(statistics.median(reference))} | |"
        )
        for report in REPORTS:
            for by in (
                ("sex", "ethnicity_detailed", "location") if report != "calendar" else ("everyone",)
            ):
                runs = [
                    run_child("report", str(path), report, by, repeat) for _ in range(args.repeat)
                ]
                cold = statistics.median(r["cold"] for r in runs)
                warm = statistics.median(r["warm"] for r in runs)
                failed |= cold >= TARGET_S
                label = report if report == "calendar" else f"{report} by {by}"
                print(
                    f"| {label} | {runs[0]['counted']:,} | {core_bench.ms(cold)} | "
                    f"{core_bench.ms(warm)} |"
                )
        audit = run_child("audit", str(path), repeat)["median"]
        print(f"| the audit note of a run | | {core_bench.ms(audit)} | |")
        screens = [run_child("insights", str(path)) for _ in range(args.repeat)]
        print("\n| Insights screen (120x40, headless) | median |")
        print("|---|---:|")
        for key, label in (
            ("paint", "`I` to the first report painted (readiness)"),
            ("outcomes", "`o`: outcomes painted"),
            ("by_sex", "`g`: outcomes by sex painted"),
        ):
            value = statistics.median(s[key] for s in screens)
            failed |= key == "paint" and value >= TARGET_S
            print(f"| {label} | {core_bench.ms(value)} |")
    print(f"\n- load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"- targets: every report, and the Insights screen's first paint, under {TARGET_S:.0f} s: "
        f"{'MISSED' if failed else 'met'}"
    )


if __name__ == "__main__":
    main()
