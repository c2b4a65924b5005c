"""A small caseload with every kind of flag, and an app on it with a fixed today."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import textual._wait as textual_wait
from textual.pilot import Pilot
from textual.screen import Screen

from planner.config import Settings
from planner.domain.person import CaseState
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.domain.template_loading import TemplateLibrary
from planner.store.interface import CaseRepository
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp, make_app
from planner.tui.screens.caseload import CaseloadScreen
from planner.tui.widgets.evidence import ErrorLine
from tests.conftest import NOW, TODAY, build_database, copy_database, make_person

OFFICER = "Test Officer"


# How long Pilot waits, after each key it presses, for the app to fall quiet: a slice of
# this many seconds in which the process used under a twentieth of it. Textual's 1/50 s
# made every key cost at least 80 ms, most of it asleep (a key costs the app about 10 ms),
# and typing was most of the time of the UI tests; 1/200 s waits for the same quiet.
IDLE_SLICE_SECONDS = 1 / 200


@pytest.fixture(autouse=True)
def _quick_idle_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textual_wait, "SLEEP_GRANULARITY", IDLE_SLICE_SECONDS)
    monkeypatch.setattr(textual_wait, "SLEEP_IDLE", IDLE_SLICE_SECONDS / 20)


@pytest.fixture(autouse=True)
def _home_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Imports and exports start in the home folder (until one is remembered): make it the
    test's own."""
    monkeypatch.setenv("HOME", str(tmp_path))


def fill_caseload(store: CaseRepository, template: Template) -> None:
    """Seven people: one a flag kind each, inside and outside the default 12-week window."""
    # 23 days to go, nothing done yet.
    store.add(
        make_person("A1234BC", date(2026, 12, 16), surname="Example", forename="Alex"), template
    )
    # 4 days to go on a Friday, no fixed abode: critical, release-day warning.
    store.add(
        make_person(
            "B2345CD", date(2026, 11, 27), surname="Brown", forename="Bea", location="C-1-002"
        ),
        template,
    )
    store.save_item(
        "B2345CD",
        "accommodation.address",
        status=ItemStatus.IN_PROGRESS,
        evidence={"accommodation_type": "no_fixed_abode"},
    )
    store.save_item(
        "B2345CD",
        "release.date_confirmed",
        status=ItemStatus.DONE,
        evidence={"date_type": "crd", "hdc_eligible": False},
    )
    store.save_item(
        "B2345CD", "bank.account", status=ItemStatus.BLOCKED, reason="CIFAS marker on file"
    )
    # No release date at all.
    store.add(make_person("C3456DE", None, surname="Cole", forename="Cai"), template)
    # Release date passed, still active.
    store.add(make_person("D4567EF", date(2026, 11, 2), surname="Davies", forename="Dee"), template)
    # 80 days to go, on C wing.
    store.add(
        make_person(
            "F6789GH", date(2027, 2, 11), surname="Fisher", forename="Flo", location="C-3-011"
        ),
        template,
    )
    # Outside the default window.
    store.add(make_person("G7890HJ", date(2027, 6, 9), surname="Green", forename="Gus"), template)
    # Released 13 days ago with no fixed abode.
    store.add(make_person("E5678FG", date(2026, 11, 10), surname="Evans", forename="Eli"), template)
    store.save_item(
        "E5678FG",
        "accommodation.address",
        status=ItemStatus.DONE,
        evidence={"accommodation_type": "rough_sleeping", "address": "none"},
    )
    released = store.get("E5678FG").person.model_copy(update={"state": CaseState.RELEASED})
    store.update_person(released)


def seed(path: Path, *fills: Callable[[CaseStore, Template], object]) -> None:
    """A database at `path` written by the officer "Seeder" with each of `fills`."""
    template = TemplateLibrary().get("england-wales")
    with CaseStore(path, officer="Seeder", clock=lambda: NOW) as store:
        for fill in fills:
            fill(store, template)


@pytest.fixture(scope="session")
def seven_people(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The caseload's database, written once: each test opens a copy of its own."""
    return build_database(tmp_path_factory, lambda path: seed(path, fill_caseload))


@pytest.fixture
def caseload(db_path: Path, seven_people: Path) -> Iterator[CaseStore]:
    copy_database(seven_people, db_path)
    with CaseStore(db_path, officer=OFFICER, clock=lambda: NOW) as store:
        yield store


def build_app(
    store: CaseRepository, *, officer: str | None = OFFICER, theme: str = "textual-dark"
) -> PlannerApp:
    settings = Settings(officer=officer or "", theme=theme)
    return make_app(
        store, today=TODAY, settings=settings, templates=TemplateLibrary(), officer=officer
    )


@pytest.fixture
def app(caseload: CaseStore) -> PlannerApp:
    return build_app(caseload)


# Between two looks at a condition the test sleeps, and the app's own loop (the test shares
# it) runs meanwhile. Pilot's pause would also post a message to every widget of the
# screen and wait for each to answer: tens of milliseconds of work per look on a screen of
# a few hundred widgets. Once the condition holds, one pause lets the screen catch up.
POLL_SECONDS = 0.01
WAIT_SECONDS = 30  # the longest wait for anything, on a busy machine


async def poll(condition: Callable[[], object], what: str) -> None:
    """Until `condition()` holds, or fail after WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(POLL_SECONDS)


async def wait_for_caseload(pilot: Pilot[Any]) -> CaseloadScreen:
    """Until the worker has read the caseload and the table shows it."""
    app = pilot.app

    def loaded() -> bool:
        screen = app.screen_stack[0] if app.screen_stack else None
        return isinstance(screen, CaseloadScreen) and screen.complete

    await poll(loaded, "the caseload to load")
    await pilot.pause()
    screen = app.screen_stack[0]
    assert isinstance(screen, CaseloadScreen)
    return screen


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], object], what: str = "condition"
) -> None:
    await poll(condition, what)
    await pilot.pause()


def inline_error(screen: Screen[Any], field: str) -> str:
    """The message shown beside a form field: empty when none is on screen."""
    line = screen.query_one(f"#field-{field} ErrorLine", ErrorLine)
    return str(line.render()) if line.display else ""


# Saves, and the reads that show what they wrote (every read of a screen is a worker too).
SAVE_GROUPS = frozenset({"save", "saves", "load"})


async def settled(pilot: Pilot[Any]) -> None:
    """Until every save under way (they run in thread workers) has finished and its
    outcome is on screen."""
    app = pilot.app
    await poll(
        lambda: not any(w.group in SAVE_GROUPS and not w.is_finished for w in app.workers),
        "the saves to finish",
    )
    await pilot.pause()
    await pilot.pause()
