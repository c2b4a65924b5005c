"""The passphrase is changed elsewhere while the UI is open: the UI asks for the new one,
opens the database again with it, and the officer goes on where they were."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

import planner.tui.app
from planner.cli import main
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store.crypto import AesGcmCodec
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp
from planner.tui.screens.item_editor import ItemEditor
from planner.tui.screens.passphrase import PassphraseScreen
from planner.tui.screens.person import PersonScreen
from tests.conftest import NOW
from tests.tui.conftest import (
    OFFICER,
    build_app,
    fill_caseload,
    poll,
    settled,
    wait_for_caseload,
)
from tests.tui.test_failures import assert_nothing_leaked
from tests.tui.test_person import choose_status, open_item, open_person

OLD = "the old passphrase"
NEW = "a brand new passphrase"
PLANNER = "import sys; from planner.cli import run; sys.argv[0] = 'planner'; run()"
FAST = 15  # the lowest scrypt cost the store accepts: keeps the tests quick


@pytest.fixture(autouse=True)
def _looking_only_when_told(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app looks for a new passphrase every few seconds; here each test says when, so
    that look never comes first by chance (the tests of a failed step would not fail)."""
    monkeypatch.setattr(planner.tui.app, "PASSPHRASE_WATCH_SECONDS", 3600.0)


@pytest.fixture
def encrypted(db_path: Path, template: Template) -> Path:
    with CaseStore(db_path, officer="Seeder", codec=AesGcmCodec.create(OLD, cost=FAST)) as store:
        fill_caseload(store, template)
    return db_path


@pytest.fixture
def app(encrypted: Path) -> Iterator[PlannerApp]:
    store = CaseStore(encrypted, officer=OFFICER, passphrase=OLD, clock=lambda: NOW)
    try:
        yield build_app(store)
    finally:
        store.close()


def change_passphrase_elsewhere(db: Path) -> None:
    """What `planner passphrase` does in another planner: every file sealed anew."""
    with CaseStore(db, officer="Another Officer", passphrase=OLD) as other:
        other.admin.change_passphrase(AesGcmCodec.create(NEW, cost=FAST))


def on_disk(db: Path, number: str, item_id: str) -> Any:
    with CaseStore(db, passphrase=NEW) as fresh:
        return fresh.get(number).checklist.item(item_id)


async def unlock_with(app: PlannerApp, passphrase: str) -> PassphraseScreen:
    dialog = app.screen
    assert isinstance(dialog, PassphraseScreen)
    await poll(lambda: dialog.query("#passphrase-input"), "the passphrase field")
    field = dialog.query_one("#passphrase-input", Input)
    assert field.password  # masked
    field.value = passphrase
    await field.action_submit()
    return dialog


async def test_a_save_after_the_change_asks_and_then_saves_the_edit(
    app: PlannerApp, encrypted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        person = await open_person(pilot, "A1234BC")
        editor = await open_item(pilot, person, "psr.status")
        await choose_status(pilot, ItemStatus.IN_PROGRESS)
        change_passphrase_elsewhere(encrypted)
        await pilot.press("ctrl+s")
        await settled(pilot)
        await poll(lambda: isinstance(app.screen, PassphraseScreen), "the passphrase dialog")

        dialog = await unlock_with(app, OLD)
        message = dialog.query_one("#passphrase-message")
        await poll(lambda: "not the passphrase" in str(message.render()), "the refusal")
        assert app.screen is dialog  # asked again
        assert editor in app.screen_stack  # the edit is still there

        await unlock_with(app, NEW)
        await poll(lambda: isinstance(app.screen, PersonScreen), "the saved edit")
        await pilot.pause()
        # The save says so (the caseload behind may also say it could not refresh while
        # the passphrase was being asked for: that is not this test's business).
        assert any(n.message.startswith("Saved") for n in app._notifications)
    assert not app.return_code and app.stop_line is None
    assert on_disk(encrypted, "A1234BC", "psr.status").status is ItemStatus.IN_PROGRESS
    assert_nothing_leaked(capsys)


async def test_opening_a_person_after_a_real_planner_passphrase_asks_for_it(
    app: PlannerApp, encrypted: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The reported crash: Enter on the caseload once `planner passphrase` had run."""
    env = dict(os.environ, PLANNER_PASSPHRASE=OLD, PLANNER_NEW_PASSPHRASE=NEW)
    env.pop("PLANNER_DEBUG", None)
    argv = ["--db", str(encrypted), "--officer", OFFICER, "passphrase"]
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for_caseload(pilot)
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-c", PLANNER, *argv],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        app.simulate_key("enter")  # not Pilot: its wait would hang on the failed screen
        await poll(lambda: isinstance(app.screen, PassphraseScreen), "the passphrase dialog")
        await unlock_with(app, NEW)
        # The person asked for is read again with the new passphrase, and shown.
        await poll(
            lambda: isinstance(app.screen, PersonScreen) and app.screen.case is not None,
            "the person",
        )
    assert not app.return_code and app.stop_line is None
    assert_nothing_leaked(capsys)


def test_escape_leaves_planner_with_one_line_and_exit_status_1(
    encrypted: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PLANNER_PASSPHRASE", OLD)
    monkeypatch.delenv("PLANNER_DEBUG", raising=False)

    def run(self: PlannerApp, **_: Any) -> None:
        async def drive(pilot: Any) -> None:
            await wait_for_caseload(pilot)
            change_passphrase_elsewhere(encrypted)
            self.look_for_new_passphrase()
            await poll(lambda: isinstance(self.screen, PassphraseScreen), "the dialog")
            await pilot.press("escape")

        App.run(self, headless=True, size=(100, 30), auto_pilot=drive)

    from textual.app import App

    monkeypatch.setattr(PlannerApp, "run", run)
    code = main(["--db", str(encrypted), "--officer", OFFICER, "--today", "2026-11-23"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip() == (
        "planner stopped: planner.db has a new passphrase, given while planner was open; "
        "run planner again and type the new one. Changes not saved before were not written."
    )


async def test_an_idle_editor_notices_the_change_asks_and_keeps_the_edit(
    app: PlannerApp, encrypted: Path
) -> None:
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        person = await open_person(pilot, "A1234BC")
        editor = await open_item(pilot, person, "psr.status")
        assert isinstance(editor, ItemEditor)
        await choose_status(pilot, ItemStatus.IN_PROGRESS)
        change_passphrase_elsewhere(encrypted)
        app.look_for_new_passphrase()  # what the app does every few seconds
        await poll(lambda: isinstance(app.screen, PassphraseScreen), "the passphrase dialog")
        await unlock_with(app, NEW)
        await poll(lambda: app.screen is editor, "the editor again")
        await pilot.pause()
        told = [n.message for n in app._notifications]
        assert any(line.startswith("Unlocked with the new passphrase") for line in told)
        assert not app.session.passphrase_changed()
        await pilot.press("ctrl+s")
        await settled(pilot)
        await poll(lambda: app.screen is person, "the save")
    assert on_disk(encrypted, "A1234BC", "psr.status").status is ItemStatus.IN_PROGRESS


async def test_a_plain_database_encrypted_elsewhere_asks_for_its_passphrase(
    db_path: Path, template: Template
) -> None:
    with CaseStore(db_path, officer="Seeder") as store:
        fill_caseload(store, template)
    with CaseStore(db_path, officer=OFFICER, clock=lambda: NOW) as plain:
        app = build_app(plain)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_person(pilot, "A1234BC")
            with CaseStore(db_path, officer="Another Officer") as other:
                other.admin.change_passphrase(AesGcmCodec.create(NEW, cost=FAST))
            app.look_for_new_passphrase()
            await poll(lambda: isinstance(app.screen, PassphraseScreen), "the dialog")
            await unlock_with(app, NEW)
            await poll(lambda: isinstance(app.screen, PersonScreen), "the person again")
            assert app.session.store.encrypted
