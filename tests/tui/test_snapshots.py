"""Pictures of the main screens at 80x24 and 120x40, with today fixed (Mon 23 Nov 2026).

A snapshot is a picture, not a test of logic: review the SVG report before accepting a
change with `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from planner.store.repository import CaseStore
from tests.tui.conftest import build_app, wait_for_caseload, wait_until

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
SnapCompare = Callable[..., bool]


async def _person(pilot: Pilot[Any], number: str = "B2345CD") -> None:
    screen = await wait_for_caseload(pilot)
    screen.open_number(number)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_caseload(snap_compare: SnapCompare, caseload: CaseStore, size: tuple[int, int]) -> None:
    assert snap_compare(build_app(caseload), terminal_size=size, run_before=wait_for_caseload)


@pytest.mark.parametrize("size", SIZES)
def test_person(snap_compare: SnapCompare, caseload: CaseStore, size: tuple[int, int]) -> None:
    assert snap_compare(build_app(caseload), terminal_size=size, run_before=_person)


@pytest.mark.parametrize("size", SIZES)
def test_walk_through(
    snap_compare: SnapCompare, caseload: CaseStore, size: tuple[int, int]
) -> None:
    async def walk(pilot: Pilot[Any]) -> None:
        await _person(pilot)
        await pilot.press("w")

    assert snap_compare(build_app(caseload), terminal_size=size, run_before=walk)


@pytest.mark.parametrize("size", SIZES)
def test_walk_through_summary(
    snap_compare: SnapCompare, caseload: CaseStore, size: tuple[int, int]
) -> None:
    async def walk_to_the_end(pilot: Pilot[Any]) -> None:
        await _person(pilot)
        await pilot.press("w")
        screen = pilot.app.screen
        # The walk reads its case in a worker: "end" before it has arrived would be lost.
        await wait_until(pilot, lambda: getattr(screen, "case", None) is not None, "the walk")
        await pilot.press("end")
        while not getattr(screen, "finished", True):
            await pilot.press("right")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(build_app(caseload), terminal_size=size, run_before=walk_to_the_end)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare: SnapCompare, caseload: CaseStore, size: tuple[int, int]) -> None:
    async def keys(pilot: Pilot[Any]) -> None:
        await wait_for_caseload(pilot)
        await pilot.press("f1")

    assert snap_compare(build_app(caseload), terminal_size=size, run_before=keys)


def test_item_editor(snap_compare: SnapCompare, caseload: CaseStore) -> None:
    async def edit(pilot: Pilot[Any]) -> None:
        await _person(pilot)
        await pilot.press("g", "enter", "e")

    assert snap_compare(build_app(caseload), terminal_size=(120, 40), run_before=edit)


def test_high_contrast_caseload(snap_compare: SnapCompare, caseload: CaseStore) -> None:
    app = build_app(caseload, theme="planner-high-contrast")
    assert snap_compare(app, terminal_size=(80, 24), run_before=wait_for_caseload)
