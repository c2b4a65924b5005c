"""Terminal UI benchmark: first paint and keystrokes on a 20,000-person caseload.

    python bench/tui_bench.py [--people 20000] [--repeat 3]

It builds a database of --people people with full checklists (the core benchmark's data,
bench/core_bench.py), then runs, each in a fresh process, median of --repeat:

* planner: `make_app` on the database, headless at 120x40, exactly as `planner` opens it
  (the store is opened and the caseload read in a worker). It records, from the moment
  the parent started the process: the first frame (the caseload screen with its loading
  state), and the first frame showing the people (default view: releases in the next 12
  weeks, most urgent first). Then it times keystrokes from the key press until the last
  frame it caused has been composed (the app let go quiet first, and the key seen acted
  on): typing a search (3 keys), and the filter keys a (everyone), 7, 8 and c (critical
  only). Then the filter bar: `f`, and a filter of three conditions
  (bench/filter_bench.py's) pasted into it, timed from the paste until the table shows
  the people it lets through (the first frame drawn once it is applied) and until it has
  settled (its last frame, when none has come for 50 ms after it); then the last keystroke
  of the same filter typed (its closing parenthesis, the key that makes the text a
  filter); then F5, which clears it.
* baseline: a bare Textual app with a DataTable and a search Input, the same people as
  rows (all of them, then only the 12-week window), filled in on_mount, and the same
  search keystrokes (each clears the table and adds the matching rows); and a key that
  puts in the table the very people the filter lets through (selected beforehand: only
  the table's work is timed).

Headless: frames are composed as on a terminal but not written to one. The first open of
a day also takes the database's daily backup; that run is reported on its own.
Targets: first paint under 0.6 s from process start, the people on screen under 1.0 s; a
search keystroke settled under 50 ms (the worst of them), any other under 100 ms; the
three-condition filter applied and the table settled under 50 ms. It also counts the
frames each of these took until it settled (one is the least a change can take).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import core_bench  # the same people as the core benchmark

TODAY = core_bench.TODAY
SIZE = (120, 40)
TARGET_PAINT_S = 1.0
TARGET_FIRST_PAINT_S = 0.6
TARGET_SEARCH_S = 0.050
TARGET_KEY_S = 0.100
TARGET_FILTER_S = 0.050
SEARCH = "smi"
THREE_CONDITIONS = (
    "release within 84 and bank.account != done and "
    "accommodation.address.accommodation_type in (no_fixed_abode, rough_sleeping)"
)
FILTER_KEYS: tuple[tuple[str, Callable[[Any], bool]], ...] = (  # a key, and what it leads to
    ("a", lambda wanted: wanted.window.value == "all"),
    ("7", lambda wanted: wanted.window.value == "7"),
    ("8", lambda wanted: wanted.window.value == "84"),
    ("c", lambda wanted: wanted.critical_only),
)
Done = Callable[[], bool]
_CHARS = {"slash": "/", "enter": "\r", "escape": "\x1b", "f5": "", "right_parenthesis": ")"}


# --- the child processes ----------------------------------------------------------------------


class Frames:
    """Wraps App._display to note when frames are composed (headless apps write none)."""

    def __init__(self, app: Any, ready: Any) -> None:
        self.first = 0.0
        self.rows = 0.0
        self.last = 0.0
        self._show = app._display
        self._ready = ready
        self._app = app
        self.shown = 0.0  # of the last event settled: its first frame after it was handled
        self.cpu = 0.0  # and the CPU time the process spent until it settled (all threads)
        self.count = 0  # frames drawn so far
        self.frames = 0  # of the last event settled: how many frames it took
        self._done: Done | None = None  # what the event being settled leads to
        self.acted = 0.0  # the first frame drawn once that was so
        app._display = self._display

    @property
    def _app_driver(self) -> Any:
        return self._app._driver

    def _display(self, screen: Any, renderable: Any) -> None:
        self._show(screen, renderable)
        if renderable is None:
            return
        now = time.time()
        self.count += 1
        self.first = self.first or now
        if not self.rows and self._ready():
            self.rows = now
        if self._done is not None and not self.acted and self._done():
            self.acted = now  # composed after the event was acted on: it shows the result
        self.last = now

    async def settle(self, app: Any, key: str, done: Done) -> float:
        """Seconds from a key arriving, as a terminal would deliver it, until the last frame
        it caused: once `done()` says the key has been acted on, frames are waited for
        until none has come for 50 ms. (Pilot.press is not used: it sleeps at least 40 ms
        itself, waiting for the process to go idle.)"""
        from textual import events

        return await self.settle_after(events.Key(key, _CHARS.get(key, key) or None), done)

    async def settle_after(self, event: Any, done: Done) -> float:
        """Seconds from `event` arriving until the last frame it caused, once `done()`.

        The app is first let go quiet (no frame for 50 ms), so that no frame of earlier
        work is counted; `done()` (the screen's state the event leads to) keeps a frame
        that came before the event was handled from ending the wait: the wait ends at the
        first frame composed while `done()` holds (it may be composed in the very turn of
        the event loop that handled the event, before this coroutine sees `done()`)."""
        await self._quiet()
        start, cpu, drawn = time.time(), time.process_time(), self.count
        self._done, self.acted = done, 0.0
        self._app_driver.send_message(event)
        while not self.acted:
            await asyncio.sleep(0.001)
        self._done = None
        self.shown = self.acted - start
        await self._quiet()
        self.cpu = time.process_time() - cpu
        self.frames = self.count - drawn
        return self.last - start

    async def _quiet(self) -> None:
        while True:
            seen = self.last
            await asyncio.sleep(0.05)
            if self.last == seen:
                return


def child_planner(path: str) -> dict[str, Any]:
    # What `planner` imports before its first paint, and no more: the store is imported
    # by the function that opens it, in the app's worker, as `planner.cli.context` does.
    from planner.config import Settings
    from planner.tui.app import make_app
    from planner.tui.screens.caseload import CaseloadScreen
    from planner.tui.widgets.case_table import CaseTable

    imported = time.time()

    def open_store() -> Any:
        from planner.store.repository import CaseStore

        return CaseStore(Path(path), officer="bench")

    app = make_app(open_store, today=TODAY, settings=Settings(officer="bench"))

    def screen() -> Any:
        return app.screen_stack[0] if app.screen_stack else None

    frames = Frames(app, lambda: isinstance(screen(), CaseloadScreen) and screen().loaded)
    result: dict[str, Any] = {"imported": imported}

    async def drive(pilot: Any) -> None:
        while not frames.rows:
            await asyncio.sleep(0.001)
        caseload = screen()
        result["shown"] = len(caseload.query_one(CaseTable).rows)
        while not caseload.complete:
            await asyncio.sleep(0.001)
        result["complete"] = time.time()
        result["people"] = len(caseload.rows)
        search = caseload.query_one("#search")
        await frames.settle(app, "slash", lambda: app.focused is search)

        def typed(n: int) -> Done:
            return lambda: bool(caseload.filter.text == SEARCH[:n])

        def chose(want: Callable[[Any], bool]) -> Done:
            return lambda: want(caseload.filter)

        result["search"], result["search_frames"] = [], []
        for n, char in enumerate(SEARCH, start=1):
            result["search"].append(await frames.settle(app, char, typed(n)))
            result["search_frames"].append(frames.frames)
        await frames.settle(app, "enter", lambda: isinstance(app.focused, CaseTable))
        await frames.settle(app, "escape", lambda: not caseload.filter.text)
        result["filters"] = [
            await frames.settle(app, key, chose(want)) for key, want in FILTER_KEYS
        ]
        await frames.settle(app, "c", lambda: not caseload.filter.critical_only)
        await filter_bar(app, caseload, frames, result)
        app.exit()

    app.run(headless=True, size=SIZE, auto_pilot=drive)
    result["first"], result["rows"] = frames.first, frames.rows
    return result


async def filter_bar(app: Any, caseload: Any, frames: Frames, result: dict[str, Any]) -> None:
    """The three-condition filter: pasted into the bar, then its last key typed."""
    from textual import events

    from planner.tui.widgets.case_table import CaseTable

    def applied() -> bool:
        return caseload.applied.text == THREE_CONDITIONS and not caseload.filtering

    bar = caseload.query_one("#filter")

    def cleared() -> bool:
        return not caseload.applied.filter and not caseload.bar.is_open

    result["bar"] = await frames.settle(app, "f", lambda: app.focused is bar)
    result["paste"] = await frames.settle_after(events.Paste(THREE_CONDITIONS), applied)
    result["paste_shown"] = frames.shown
    result["paste_cpu"] = frames.cpu
    result["paste_frames"] = frames.frames
    result["matched"] = len(caseload.matching or ())
    result["filtered"] = len(caseload.query_one(CaseTable).rows)
    await frames.settle(app, "f5", cleared)  # the bar closed and emptied
    await frames.settle(app, "f", lambda: app.focused is bar)
    unfinished = THREE_CONDITIONS[:-1]
    await frames.settle_after(events.Paste(unfinished), lambda: bar.value == unfinished)
    result["last_key"] = await frames.settle_after(events.Key("right_parenthesis", ")"), applied)
    result["last_key_shown"] = frames.shown
    result["last_key_cpu"] = frames.cpu
    result["last_key_frames"] = frames.frames
    result["clear"] = await frames.settle(app, "f5", cleared)


def child_baseline(rows_file: str, filtered_file: str) -> dict[str, Any]:
    import orjson
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widgets import DataTable, Input

    imported = time.time()
    rows = [tuple(row) for row in orjson.loads(Path(rows_file).read_bytes())]
    filtered = [tuple(row) for row in orjson.loads(Path(filtered_file).read_bytes())]
    columns = ("Number", "Name", "Location", "Release", "Days", "Ready", "!!", "!", "Most urgent")

    class Baseline(App[None]):
        BINDINGS = [Binding("f5", "filtered", "The filter's people")]

        def action_filtered(self) -> None:
            table = self.query_one(DataTable)
            table.clear()
            table.add_rows(filtered)

        def compose(self) -> ComposeResult:
            yield Input()
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns(*columns)
            table.add_rows(rows)
            table.focus()

        def on_input_changed(self, event: Input.Changed) -> None:
            needle = event.value.lower()
            table = self.query_one(DataTable)
            table.clear()
            table.add_rows([r for r in rows if needle in r[1].lower() or needle in r[0].lower()])

    app = Baseline()
    frames = Frames(app, lambda: app.is_running)
    result: dict[str, Any] = {"imported": imported, "people": len(rows)}

    async def drive(pilot: Any) -> None:
        while not frames.first:
            await asyncio.sleep(0.001)
        field = app.query_one(Input)
        field.focus()
        while app.focused is not field:
            await asyncio.sleep(0.001)
        table = app.query_one(DataTable)

        def typed(n: int) -> Done:
            return lambda: bool(field.value == SEARCH[:n])

        result["search"] = [
            await frames.settle(app, char, typed(n)) for n, char in enumerate(SEARCH, start=1)
        ]
        result["paste"] = await frames.settle(
            app, "f5", lambda: table.row_count == len(filtered) and field.value == SEARCH
        )
        result["paste_shown"] = frames.shown
        result["paste_cpu"] = frames.cpu
        app.exit()

    app.run(headless=True, size=SIZE, auto_pilot=drive)
    result["first"] = result["rows"] = result["complete"] = frames.first
    return result


# --- the parent ------------------------------------------------------------------------------


def run_child(*args: str) -> dict[str, Any]:
    started = time.time()
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    for mark in ("imported", "first", "rows", "complete"):
        if mark in result:
            result[mark] -= started
    return result


def baseline_rows(path: Path) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    """Everyone, the default 12-week view, and that view with the three-condition filter,
    as the caseload's cells in plain text."""
    from planner.domain.filter_vocabulary import Vocabulary
    from planner.domain.filtering import CaseloadFilter
    from planner.domain.filters import parse_filter
    from planner.store.repository import CaseStore
    from planner.tui.caseload_rows import RowFilter, build_rows, row_flags, sort_rows, view_of
    from planner.tui.table_columns import default_columns

    with CaseStore(path, officer="bench", auto_backup=False) as store:
        rows = sort_rows(build_rows(store.summaries(), store.template, TODAY), "urgency")
        keys = dict.fromkeys(row.assessment.template_key for row in rows)
        vocabulary = Vocabulary([store.template(key) for key in keys])
        engine = CaseloadFilter(
            today=TODAY,
            template_for=store.template,
            records=store.raw_records,
            officer="bench",
            flags_of=row_flags,
        )
        wanted = parse_filter(THREE_CONDITIONS, vocabulary)
        matching = {row.number for row in engine.select(wanted, rows)}
    window = view_of(rows, RowFilter()).shown
    filtered = view_of(rows, RowFilter(), matching=matching).shown
    columns = [c for c in default_columns() if c.cell is not None]

    def cells(chosen: list[Any]) -> list[list[str]]:
        return [[column.cell(row) for column in columns if column.cell] for row in chosen]

    return cells(rows), cells(window), cells(filtered)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def verdict(value: float, target: float) -> str:
    return "PASS" if value <= target else "FAIL"


def median_of(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(run[key] for run in runs))


def keys_of(runs: list[dict[str, Any]], key: str) -> list[float]:
    return [value for run in runs for value in run[key]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *targets = args.child
        if kind == "planner":
            print(json.dumps(child_planner(*targets)))
        else:
            print(json.dumps(child_baseline(*targets)))
        return

    import orjson

    print("# Terminal UI benchmark\n")
    print(*core_bench.machine(), sep="\n")
    print(f"- command: python bench/tui_bench.py --people {args.people} --repeat {args.repeat}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "planner.db"
        started = time.perf_counter()
        core_bench.write_ours(path, core_bench.build_docs(args.people))
        print(f"- database: {args.people:,} people, built in {time.perf_counter() - started:.1f} s")
        rows, window, filtered = baseline_rows(path)
        everyone_file, window_file = Path(folder) / "all.json", Path(folder) / "window.json"
        filtered_file = Path(folder) / "filtered.json"
        everyone_file.write_bytes(orjson.dumps(rows))
        window_file.write_bytes(orjson.dumps(window))
        filtered_file.write_bytes(orjson.dumps(filtered))

        first_of_day = run_child("planner", str(path))
        ours = [run_child("planner", str(path)) for _ in range(args.repeat)]
        base_all = [
            run_child("baseline", str(everyone_file), str(filtered_file))
            for _ in range(args.repeat)
        ]
        base_window = [
            run_child("baseline", str(window_file), str(filtered_file)) for _ in range(args.repeat)
        ]

    shown = ours[0]["shown"]
    paint, people = median_of(ours, "first"), median_of(ours, "rows")
    search, filters = keys_of(ours, "search"), keys_of(ours, "filters")
    print(
        f"\nmedian of {args.repeat} fresh processes, times from process start; "
        f"default view {shown:,} of {ours[0]['people']:,} people\n"
    )
    print("| measure | planner | baseline DataTable, everyone | baseline, 12-week rows |")
    print("|---|---|---|---|")
    print(
        f"| imports done | {ms(median_of(ours, 'imported'))} | "
        f"{ms(median_of(base_all, 'imported'))} | {ms(median_of(base_window, 'imported'))} |"
    )
    print(
        f"| first paint | {ms(paint)} (loading state) | {ms(median_of(base_all, 'first'))} | "
        f"{ms(median_of(base_window, 'first'))} |"
    )
    print(
        f"| people on screen | {ms(people)} | {ms(median_of(base_all, 'rows'))} | "
        f"{ms(median_of(base_window, 'rows'))} |"
    )
    print(
        f"| everyone counted (summary line, all filters) | "
        f"{ms(median_of(ours, 'complete'))} | {ms(median_of(base_all, 'complete'))} | "
        f"{ms(median_of(base_window, 'complete'))} |"
    )
    print(
        f"| search keystroke, median / worst | {ms(statistics.median(search))} / "
        f"{ms(max(search))} | {ms(statistics.median(keys_of(base_all, 'search')))} / "
        f"{ms(max(keys_of(base_all, 'search')))} | "
        f"{ms(statistics.median(keys_of(base_window, 'search')))} / "
        f"{ms(max(keys_of(base_window, 'search')))} |"
    )
    print(
        f"| filter key (a, 7, 8, c), median / worst | {ms(statistics.median(filters))} / "
        f"{ms(max(filters))} | | |"
    )
    print(
        f"| filter bar: three conditions pasted, until the rows are drawn | "
        f"{ms(median_of(ours, 'paste_shown'))} | {ms(median_of(base_all, 'paste_shown'))} | "
        f"{ms(median_of(base_window, 'paste_shown'))} |"
    )
    print(
        f"| filter bar: three conditions pasted, until the table settles | "
        f"{ms(median_of(ours, 'paste'))} | {ms(median_of(base_all, 'paste'))} | "
        f"{ms(median_of(base_window, 'paste'))} |"
    )
    print(
        f"| the same, CPU time of the process until it settled | "
        f"{ms(median_of(ours, 'paste_cpu'))} | {ms(median_of(base_all, 'paste_cpu'))} | "
        f"{ms(median_of(base_window, 'paste_cpu'))} |"
    )
    print(
        f"| filter bar: the key that completes the filter, rows drawn / settled / CPU | "
        f"{ms(median_of(ours, 'last_key_shown'))} / {ms(median_of(ours, 'last_key'))} / "
        f"{ms(median_of(ours, 'last_key_cpu'))} | | |"
    )
    print(
        f"| filter bar: f opens it / F5 clears the filter | {ms(median_of(ours, 'bar'))} / "
        f"{ms(median_of(ours, 'clear'))} | | |"
    )
    print(
        f"\nthe filter: {THREE_CONDITIONS}; it lets through {ours[0]['matched']:,} of "
        f"{ours[0]['people']:,} people, {ours[0]['filtered']:,} of them in the default view "
        f"(baseline: the same {len(filtered):,} rows put in its table by a key)"
    )
    print(
        f"\nevery keystroke (ms): search {', '.join(f'{k * 1000:.0f}' for k in search)}; "
        f"filters {', '.join(f'{k * 1000:.0f}' for k in filters)}"
    )
    print(
        f"\nframes drawn until settled: search keystrokes "
        f"{', '.join(str(n) for run in ours for n in run['search_frames'])}; three conditions "
        f"pasted {', '.join(str(run['paste_frames']) for run in ours)}; the last key typed "
        f"{', '.join(str(run['last_key_frames']) for run in ours)}"
    )
    print(
        f"\nfirst open of the day (daily backup taken in the worker): first paint "
        f"{ms(first_of_day['first'])}, people on screen {ms(first_of_day['rows'])}"
    )
    print()
    print(
        f"{verdict(paint, TARGET_FIRST_PAINT_S)} first paint {ms(paint)} (target under "
        f"{ms(TARGET_FIRST_PAINT_S)})"
    )
    print(
        f"{verdict(people, TARGET_PAINT_S)} people on screen {ms(people)} (target under "
        f"{ms(TARGET_PAINT_S)})"
    )
    print(
        f"{verdict(max(search), TARGET_SEARCH_S)} slowest search keystroke settled "
        f"{ms(max(search))} (target under {ms(TARGET_SEARCH_S)})"
    )
    worst = max(search + filters)
    print(
        f"{verdict(worst, TARGET_KEY_S)} slowest keystroke settled {ms(worst)} (target under "
        f"{ms(TARGET_KEY_S)})"
    )
    applied = max(median_of(ours, "paste"), median_of(ours, "last_key"))
    print(
        f"{verdict(applied, TARGET_FILTER_S)} three-condition filter applied and settled "
        f"{ms(applied)} (the slower of pasted and typed, until the last frame; target under "
        f"{ms(TARGET_FILTER_S)})"
    )


if __name__ == "__main__":
    main()
