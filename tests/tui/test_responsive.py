"""The UI never waits on the disk: with another process holding the database's lock (a
long save, a backup, an import in another planner), every key is handled at once, reads
and saves wait in the background, and what was saved lands once the lock is free."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static

from planner.domain.status import ItemStatus
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp
from planner.tui.save_queue import SAVED, SAVING
from planner.tui.screens.base import READING
from planner.tui.screens.history import HistoryScreen
from planner.tui.screens.person import PersonScreen
from planner.tui.screens.walkthrough import WalkThroughScreen
from tests.lock_holder import HOLDER
from tests.tui.conftest import build_app, settled, wait_until
from tests.tui.test_person import open_item, open_person

# A key waiting for the lock would take the store's lock timeout (15 s) to come back.
PROMPT = 1.0


async def press_promptly(pilot: Pilot[Any], *keys: str) -> None:
    for key in keys:
        started = time.monotonic()
        await pilot.press(key)
        elapsed = time.monotonic() - started
        assert elapsed < PROMPT, f"{key!r} took {elapsed:.2f} s with the lock held elsewhere"


async def hold_lock(journal: Path) -> asyncio.subprocess.Process:
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        HOLDER,
        str(journal),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert holder.stdout is not None
    assert (await asyncio.wait_for(holder.stdout.readline(), 30)).strip() == b"held"
    return holder


async def release(holder: asyncio.subprocess.Process) -> None:
    assert holder.stdin is not None
    holder.stdin.write(b"\n")
    await holder.stdin.drain()
    assert await asyncio.wait_for(holder.wait(), 30) == 0


def progress(walk: WalkThroughScreen) -> str:
    return str(walk.query_one("#walk-progress", Static).render())


async def test_keys_answer_at_once_while_another_process_holds_the_lock(
    app: PlannerApp, db_path: Path
) -> None:
    journal = Path(f"{db_path}.journal")
    assert journal.is_file()
    async with app.run_test(size=(120, 40)) as pilot:
        person = await open_person(pilot, "A1234BC")
        await press_promptly(pilot, "w")
        walk = app.screen
        assert isinstance(walk, WalkThroughScreen)
        await wait_until(pilot, lambda: walk.case is not None, "the walk-through")
        first = walk.item_id
        assert first is not None

        holder = await hold_lock(journal)
        try:
            # A status: the walk moves on at once and says the change is being written.
            await press_promptly(pilot, "i")
            assert walk.index == 1 and first in walk.changed
            assert SAVING in progress(walk)
            await press_promptly(pilot, "right", "left", "down", "up")
            assert walk.index == 1

            # Screens that read the database open at once and fill in later.
            await press_promptly(pilot, "escape")
            assert app.screen is person
            await press_promptly(pilot, "h")
            history = app.screen
            assert isinstance(history, HistoryScreen)
            await press_promptly(pilot, "escape", "down", "down", "up")
            assert isinstance(app.screen, PersonScreen)
            await press_promptly(pilot, "w")
            again = app.screen
            assert isinstance(again, WalkThroughScreen) and again.case is None  # still reading
            assert progress(again) == READING
        finally:
            await release(holder)

        # The lock is free: the waiting save lands, and the screens read what it wrote.
        await settled(pilot)
        await wait_until(pilot, lambda: again.case is not None, "the second walk-through")
        assert again.case is not None
        assert again.case.checklist.item(first).status is ItemStatus.IN_PROGRESS
        await press_promptly(pilot, "escape")
        await wait_until(pilot, lambda: walk.save_state == SAVED, "the first walk's save")

    with CaseStore(db_path) as fresh:
        assert fresh.get("A1234BC").checklist.item(first).status is ItemStatus.IN_PROGRESS
        assert any(e.item == first and e.field == "status" for e in fresh.history("A1234BC"))


async def test_saves_from_one_screen_land_in_the_order_asked(
    app: PlannerApp, db_path: Path
) -> None:
    """Three statuses for the same item in quick succession: the last one asked for is
    the one kept (the saves are written one after another, never two at once)."""
    async with app.run_test(size=(120, 40)) as pilot:
        await open_person(pilot, "A1234BC")
        await pilot.press("w")
        walk = app.screen
        assert isinstance(walk, WalkThroughScreen)
        await wait_until(pilot, lambda: walk.case is not None, "the walk-through")
        item = walk.item_id
        assert item is not None
        for status in ("i", "left", "n", "left", "i"):
            await pilot.press(status)
            if status == "n":  # not required asks why
                await pilot.press(*"Has a bank account already", "enter")
        await settled(pilot)
        await wait_until(pilot, lambda: walk.save_state == SAVED, "every save")
    with CaseStore(db_path) as fresh:
        record = fresh.get("A1234BC").checklist.item(item)
        assert record.status is ItemStatus.IN_PROGRESS
        entries = sorted(fresh.history("A1234BC"), key=lambda e: e.seq)
        statuses = [e.new for e in entries if e.item == item and e.field == "status"]
        assert statuses[-3:] == ["in_progress", "not_required", "in_progress"]


async def test_a_form_says_saving_until_the_lock_is_free(app: PlannerApp, db_path: Path) -> None:
    journal = Path(f"{db_path}.journal")
    async with app.run_test(size=(120, 40)) as pilot:
        person = await open_person(pilot, "A1234BC")
        editor = await open_item(pilot, person, "health.gp")
        editor.query_one("#field-ev-practice Input", Input).focus()
        await pilot.press(*"Riverside Surgery")
        holder = await hold_lock(journal)
        try:
            await press_promptly(pilot, "ctrl+s")
            assert app.screen is editor and SAVING in str(editor.sub_title)
            await press_promptly(pilot, "tab", "shift+tab")
        finally:
            await release(holder)
        await settled(pilot)
        await wait_until(pilot, lambda: app.screen is person, "the editor to close once saved")
        assert SAVING not in str(editor.sub_title)
    with CaseStore(db_path) as fresh:
        saved = fresh.get("A1234BC").checklist.item("health.gp")
        assert saved.evidence["practice"] == "Riverside Surgery"


async def test_leaving_at_once_waits_for_the_saves_under_way(
    app: PlannerApp, db_path: Path
) -> None:
    journal = Path(f"{db_path}.journal")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_person(pilot, "A1234BC")
        await pilot.press("w")
        walk = app.screen
        assert isinstance(walk, WalkThroughScreen)
        await wait_until(pilot, lambda: walk.case is not None, "the walk-through")
        item = walk.item_id
        holder = await hold_lock(journal)
        try:
            await press_promptly(pilot, "i")  # moved on; the status is still to be written
            leaving = asyncio.ensure_future(app.action_quit())
            await asyncio.sleep(0.5)
            assert not leaving.done()  # waiting for the save, not gone without it
        finally:
            await release(holder)
        await asyncio.wait_for(leaving, 30)
    with CaseStore(db_path) as fresh:
        assert item is not None
        assert fresh.get("A1234BC").checklist.item(item).status is ItemStatus.IN_PROGRESS


async def test_a_first_read_refused_while_the_lock_is_held_is_tried_again(
    caseload: CaseStore, db_path: Path
) -> None:
    """With the lock held past the store's timeout, a screen's first read is refused: no
    poll watches a screen never read, so the screen tries again itself, and fills in once
    the lock is free (it said "reading" for ever)."""
    impatient = CaseStore(db_path, officer="Test Officer", lock_timeout=0.3)
    app = build_app(impatient)
    async with app.run_test(size=(120, 40)) as pilot:
        person = await open_person(pilot, "A1234BC")
        holder = await hold_lock(Path(f"{db_path}.journal"))
        try:
            await press_promptly(pilot, "w")
            walk = app.screen
            assert isinstance(walk, WalkThroughScreen)
            held = time.monotonic()
            await wait_until(  # past the store's lock timeout: the first read is refused
                pilot, lambda: time.monotonic() - held > 4 * 0.3, "the lock timeout"
            )
            assert walk.case is None
        finally:
            await release(holder)
        await wait_until(pilot, lambda: walk.case is not None, "the walk-through read again")
        assert person in app.screen_stack
    impatient.close()
