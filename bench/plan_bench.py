"""Benchmark: the person's own plan PDF for a full case, beside the handover summary PDF.

    .venv/bin/python bench/plan_bench.py [--runs 30]

Writes the demo caseload into a temporary database, picks the person with the most
appointments and items recorded (a full case), and times, alternately in one process,
`render_plan` (the case read, the plan built, the large-print PDF rendered, health
included) and the staff summary PDF of the same person (`render_case`), as the baseline
measured on the same machine at the same moment. The first of each is left out of the
figures (fonts cut and loaded once per process). Target: the plan under 0.2 s (median).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.demo import DEMO_OFFICER, write_demo
from planner.domain.appointments import appointments
from planner.domain.template_loading import TemplateLibrary
from planner.export.files import ExportFormat
from planner.export.service import render_case, render_plan
from planner.store.repository import CaseStore

TARGET_S = 0.2


def _full_case(store: CaseStore) -> str:
    """The number of the case with the most appointments, then the most items recorded."""

    def fullness(number: str) -> tuple[int, int]:
        case = store.get(number)
        return (len(appointments(case, store.template_for(case))), len(case.checklist.items))

    return max(store.numbers(), key=fullness)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    today = date(2026, 12, 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        with CaseStore(path, officer=DEMO_OFFICER, auto_backup=False) as store:
            write_demo(store, TemplateLibrary().get("england-wales"), today)
            number = _full_case(store)
            case = store.get(number)
            found = len(appointments(case, store.template_for(case)))
            plan_times: list[float] = []
            summary_times: list[float] = []
            sizes = (0, 0)
            cold = (0.0, 0.0)
            for run in range(args.runs + 1):
                start = time.perf_counter()
                plan = render_plan(store, number, today=today, include_health=True)
                middle = time.perf_counter()
                summary = render_case(
                    store, number, ExportFormat.PDF, officer=DEMO_OFFICER, today=today
                )
                end = time.perf_counter()
                if run:  # the first of each loads and cuts the fonts
                    plan_times.append(middle - start)
                    summary_times.append(end - middle)
                else:
                    cold = (middle - start, end - middle)
                sizes = (len(plan), len(summary))
    plan_median = statistics.median(plan_times)
    summary_median = statistics.median(summary_times)
    print(f"python {platform.python_version()} on {platform.machine()}, {args.runs} runs")
    print(f"full case: {found} appointments, {len(case.checklist.items)} items recorded")
    print(
        f"plan PDF     median {plan_median * 1000:6.1f} ms  "
        f"(min {min(plan_times) * 1000:.1f}, max {max(plan_times) * 1000:.1f}; {sizes[0]:,} bytes)"
    )
    print(
        f"summary PDF  median {summary_median * 1000:6.1f} ms  "
        f"(min {min(summary_times) * 1000:.1f}, max {max(summary_times) * 1000:.1f}; "
        f"{sizes[1]:,} bytes)"
    )
    print(
        f"first of each (fonts cut): plan {cold[0] * 1000:.0f} ms, summary {cold[1] * 1000:.0f} ms"
    )
    verdict = "PASS" if plan_median < TARGET_S else "FAIL"
    print(f"target: plan under {TARGET_S * 1000:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
