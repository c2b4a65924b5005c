"""No exception ever shows a traceback: a store error is told and the UI goes on; anything
else stops planner with one plain line and exit status 1."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from planner.config import Settings
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store.errors import DatabaseCorrupt, DatabaseLocked
from planner.store.locking import DatabaseLock
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp, make_app
from planner.tui.screens.caseload import CaseloadScreen
from planner.tui.screens.item_editor import ItemEditor
from planner.tui.screens.person import PersonScreen
from planner.tui.widgets.evidence import ChoiceField
from tests.conftest import NOW, TODAY
from tests.tui.conftest import (
    OFFICER,
    build_app,
    fill_caseload,
    poll,
    settled,
    wait_for_caseload,
    wait_until,
)
from tests.tui.test_person import choose_status, on_disk, open_item, open_person

SECRET = "Zebedee Quill"  # stands for a record's values: never to reach the terminal
STOP_LINE = (
    "planner stopped: an unexpected error ({}); nothing unsaved was written; "
    "set PLANNER_DEBUG=1 to see details"
)


def leak(where: str) -> None:
    """Raise with a record's values in the message and in a local variable."""
    forename = SECRET
    raise LookupError(f"{where}: no template for {forename}")


class FailingScreen(Screen[None]):
    """A screen that fails where it is told to: compose, mount, a key's action."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("z", "fail", "Fail", id="failing.fail")]

    def __init__(self, where: str, error: Exception | None = None) -> None:
        super().__init__()
        self.where = where
        self.error = error

    def _fail(self) -> None:
        if self.error is not None:
            raise self.error
        leak(self.where)

    def compose(self) -> ComposeResult:
        if self.where == "compose":
            self._fail()
        yield Static("ready", id="ready")

    def on_mount(self) -> None:
        if self.where == "mount":
            self._fail()

    def action_fail(self) -> None:
        self._fail()


def assert_nothing_leaked(capsys: pytest.CaptureFixture[str]) -> None:
    printed = capsys.readouterr()
    for text in (printed.out, printed.err):
        assert "Traceback" not in text
        assert SECRET not in text and "forename" not in text


@pytest.fixture(autouse=True)
def _no_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLANNER_DEBUG", raising=False)


# --- unexpected errors: one line, exit status 1 ---------------------------------------------


@pytest.mark.parametrize("where", ["compose", "mount", "action"])
async def test_a_screen_that_fails_stops_planner_in_one_line(
    app: PlannerApp, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_caseload(pilot)
        app.push_screen(FailingScreen(where))
        if where == "action":
            await pilot.pause()
            app.simulate_key("z")  # not Pilot: its wait would hang on the stopped app
        await poll(lambda: app.return_code is not None, "the app to stop")
    assert app.return_code == 1
    assert app.stop_line == STOP_LINE.format("LookupError")
    assert_nothing_leaked(capsys)


@pytest.mark.parametrize("thread", [True, False])
async def test_a_worker_that_fails_stops_planner_in_one_line(
    app: PlannerApp, thread: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    async def in_the_loop() -> None:
        leak("worker")

    async with app.run_test(size=(100, 30)) as pilot:
        caseload = await wait_for_caseload(pilot)
        if thread:
            caseload.run_worker(lambda: leak("worker"), thread=True)
        else:
            caseload.run_worker(in_the_loop())
        await poll(lambda: app.return_code is not None, "the app to stop")
    assert app.return_code == 1
    assert app.stop_line == STOP_LINE.format("LookupError")
    assert_nothing_leaked(capsys)


async def test_a_caseload_that_cannot_be_read_stops_planner_without_its_values(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def opener() -> CaseStore:
        leak("open")
        raise AssertionError("unreachable")  # pragma: no cover

    app = make_app(opener, today=TODAY, settings=Settings(officer=OFFICER), officer=OFFICER)
    async with app.run_test(size=(100, 30)):
        await poll(lambda: app.return_code is not None, "the app to stop")
    assert app.return_code == 1
    assert app.session.failure == "cannot open the caseload: an unexpected error (LookupError)"
    assert_nothing_leaked(capsys)


async def test_with_planner_debug_the_traceback_is_shown(
    app: PlannerApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANNER_DEBUG", "1")
    with pytest.raises(LookupError):
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for_caseload(pilot)
            app.push_screen(FailingScreen("mount"))
            await poll(lambda: app.return_code is not None, "the app to stop")
    assert app.stop_line is None


# --- store errors: told in the UI, which goes on --------------------------------------------


async def test_a_store_error_in_a_screen_closes_it_and_the_ui_goes_on(
    app: PlannerApp, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = DatabaseCorrupt("the record for A1234BC is damaged")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for_caseload(pilot)
        app.push_screen(FailingScreen("mount", damaged))
        await poll(lambda: app._notifications, "the message")
        told = [n.message for n in app._notifications]
        assert told == ["Could not finish that: the record for A1234BC is damaged"]
        assert isinstance(app.screen, CaseloadScreen)
        await pilot.press("enter")  # the caseload still answers
        await wait_until(pilot, lambda: isinstance(app.screen, PersonScreen), "a person")
    assert not app.return_code and app.stop_line is None
    assert_nothing_leaked(capsys)


async def test_a_store_error_in_a_worker_is_told_and_the_ui_goes_on(app: PlannerApp) -> None:
    def read() -> None:
        raise DatabaseLocked("planner.db is busy: another planner has held it; try again")

    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for_caseload(pilot)
        app.run_worker(read, thread=True)
        await poll(lambda: app._notifications, "the message")
        assert [n.message for n in app._notifications] == [
            "Could not finish that: planner.db is busy: another planner has held it; try again"
        ]
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PersonScreen), "a person")
    assert not app.return_code and app.stop_line is None


async def test_a_store_error_in_an_action_is_told_and_the_screen_stays(app: PlannerApp) -> None:
    locked = DatabaseLocked("planner.db is in use by another planner; try again")
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for_caseload(pilot)
        screen = FailingScreen("action", locked)
        app.push_screen(screen)
        await pilot.pause()
        await pilot.press("z")
        await pilot.pause()
        assert app.screen is screen
        assert [n.message for n in app._notifications][-1] == (
            "Could not finish that: planner.db is in use by another planner; try again"
        )
        await pilot.press("z")  # the screen still answers its keys
        await pilot.pause()
        assert len(app._notifications) == 2
    assert not app.return_code and app.stop_line is None


async def test_a_locked_database_on_save_says_so_and_keeps_the_edit(
    tmp_path: Path, template: Template, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another planner holds the database past the wait: the save is refused in one line,
    the edit stays in the editor, and saving again once the database is free works."""
    db = tmp_path / "planner.db"
    with CaseStore(db, officer="Seeder", clock=lambda: NOW) as seeding:
        fill_caseload(seeding, template)
    impatient = CaseStore(db, officer=OFFICER, clock=lambda: NOW, lock_timeout=0.2)
    app = build_app(impatient)
    other_planner = DatabaseLock(
        impatient.files.journal, timeout=5
    ).held()  # the journal is the lock
    try:
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            person = await open_person(pilot, "A1234BC")
            editor = await open_item(pilot, person, "psr.status")
            await choose_status(pilot, ItemStatus.IN_PROGRESS)
            with other_planner:
                await pilot.press("ctrl+s")
                await settled(pilot)
                await pilot.pause()
                assert app.screen is editor
                told = [n.message for n in app._notifications][-1]
                assert told.startswith("Not saved: planner.db is busy") and "\n" not in told
            assert editor.query_one("#field-status", ChoiceField).read() is ItemStatus.IN_PROGRESS
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: not isinstance(app.screen, ItemEditor), "the save")
        assert not app.return_code and app.stop_line is None
    finally:
        impatient.close()
    assert on_disk(db, "A1234BC", "psr.status").status is ItemStatus.IN_PROGRESS
    assert_nothing_leaked(capsys)


async def test_a_refusal_naming_a_folder_with_brackets_is_shown_literally(
    tmp_path: Path, template: Template, capsys: pytest.CaptureFixture[str]
) -> None:
    """The read-only line names the folder; '[' and ']' folders make it read '[/]'."""
    folder = tmp_path / "[" / "]"
    folder.mkdir(parents=True)
    db = folder / "planner.db"
    with CaseStore(db, officer="Seeder", clock=lambda: NOW) as seeding:
        fill_caseload(seeding, template)
    folder.chmod(0o555)
    try:
        with CaseStore(db, officer=OFFICER) as store:
            app = build_app(store)
            async with app.run_test(size=(80, 24), notifications=True) as pilot:
                await open_person(pilot, "A1234BC")
                await pilot.press("enter")  # edit the highlighted item: refused
                await pilot.pause()
                told = [n.message for n in app._notifications][-1]
                assert told.startswith("Read-only: nothing can be changed here")
                assert f"its folder {folder} cannot be written" in told
                assert "[/]" in told
        assert not app.return_code and app.stop_line is None
    finally:
        folder.chmod(0o755)
    assert_nothing_leaked(capsys)
