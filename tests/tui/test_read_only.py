"""A database that cannot be changed here, a failed write, a failed backup: said plainly."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store.errors import ReadOnlyDatabase, WriteFailed
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp
from planner.tui.screens.caseload import CaseloadScreen
from planner.tui.screens.export_case import ExportScreen
from planner.tui.screens.history import HistoryScreen
from planner.tui.screens.item_editor import ItemEditor
from planner.tui.screens.person import PersonScreen
from planner.tui.screens.prompts import ConfirmScreen
from planner.tui.screens.walkthrough import WalkThroughScreen
from tests.conftest import NOW
from tests.tui.conftest import build_app, fill_caseload, settled, wait_for_caseload, wait_until
from tests.tui.test_person import choose_status, on_disk, open_item, open_person


def banner(screen: Any) -> str:
    widget = screen.query_one("#store-banner", Static)
    return str(widget.render()) if widget.display else ""


def files_of(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}


@pytest.fixture
def read_only_db(tmp_path: Path, template: Template) -> Iterator[Path]:
    """The caseload in a folder nobody may write to (the owner-write bit off)."""
    folder = tmp_path / "shared"
    folder.mkdir()
    db = folder / "planner.db"
    with CaseStore(db, officer="Seeder", clock=lambda: NOW) as store:
        fill_caseload(store, template)
    folder.chmod(0o555)
    try:
        yield db
    finally:
        folder.chmod(0o755)


def enabled(screen: Any, action: str) -> bool | None:
    state: bool | None = screen.check_action(action, ())
    return state


async def test_read_only_database_shows_a_banner_and_refuses_every_change(
    read_only_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    before = files_of(read_only_db.parent)
    with CaseStore(read_only_db) as store:
        assert store.read_only
        app = build_app(store)
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            caseload = await wait_for_caseload(pilot)
            text = banner(caseload)
            assert text.startswith("Read-only: this database cannot be changed here")
            assert str(read_only_db.parent) in text  # why: its folder
            assert enabled(caseload, "add_person") is None  # greyed in the footer
            assert enabled(caseload, "import_csv") is None
            assert enabled(caseload, "export") is True  # reading and exporting still work
            await pilot.press("n")
            assert app.screen is caseload
            person = await open_person(pilot, "A1234BC")
            assert banner(person).startswith("Read-only")
            assert enabled(person, "edit") is None and enabled(person, "details") is None
            await pilot.press("e", "p", "enter")
            assert app.screen_stack[-1] is person  # no editor, no form
            assert any("Read-only" in n.message for n in app._notifications)
            await pilot.press("w")
            walk = app.screen
            assert isinstance(walk, WalkThroughScreen)
            assert banner(walk).startswith("Read-only")
            await pilot.press("d", "b")
            assert app.screen is walk
            assert "read-only" in str(walk.query_one("#walk-keys", Static).render())
            await pilot.press("escape", "h")
            assert isinstance(app.screen, HistoryScreen)
            assert banner(app.screen).startswith("Read-only")
            await pilot.press("escape", "x")
            assert isinstance(app.screen, ExportScreen)
            await pilot.press("ctrl+s")
            await settled(pilot)
            export = app.screen
            await wait_until(pilot, lambda: export.written is not None, "the export")
            assert not isinstance(app.screen, ConfirmScreen)  # nothing to record here
    assert files_of(read_only_db.parent) == before
    with CaseStore(read_only_db) as fresh:
        item = fresh.get("A1234BC").checklist.item("handover.summary_sent")
        assert item.status is ItemStatus.NOT_STARTED and item.rev == 0


async def test_a_read_only_refusal_anyway_is_one_line(
    app: PlannerApp, caseload: CaseStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: Any, **__: Any) -> None:
        raise ReadOnlyDatabase("planner.db is read-only (the file or its folder cannot be written)")

    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        person = await open_person(pilot, "A1234BC")
        await open_item(pilot, person, "psr.status")
        monkeypatch.setattr(caseload, "save_item", refuse)
        await pilot.press("ctrl+s")
        await settled(pilot)
        await pilot.pause()
        assert isinstance(app.screen, ItemEditor)  # the edit is still there
        last = list(app._notifications)[-1].message
        assert last.startswith("Not saved: read-only: planner.db")
        assert "\n" not in last


async def test_a_failed_write_says_nothing_was_lost_and_retries(
    app: PlannerApp, caseload: CaseStore, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = caseload.save_item
    calls = 0

    def full_disk(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise WriteFailed(
                f"could not save to {db_path} (No space left on device); nothing was changed "
                "and everything saved before is intact"
            )
        return real(*args, **kwargs)

    monkeypatch.setattr(caseload, "save_item", full_disk)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_person(pilot, "A1234BC")
        await pilot.press("w")
        assert isinstance(app.screen, WalkThroughScreen)
        first = app.screen.item_id
        assert first is not None
        await pilot.press("i")  # in progress
        await settled(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        question = str(dialog.query_one("#confirm-question", Static).render())
        assert "No space left on device" in question and "Nothing was lost" in question
        await pilot.press("y")
        await settled(pilot)
        assert isinstance(app.screen, WalkThroughScreen)
    assert calls == 2
    assert on_disk(db_path, "A1234BC", first).status is ItemStatus.IN_PROGRESS


async def test_a_failed_backup_is_shown_on_every_screen(caseload: CaseStore) -> None:
    caseload.backup_problem = (
        "today's backup of planner.db could not be made (No space left on device); "
        "the database itself is unharmed"
    )
    app = build_app(caseload)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        assert banner(screen).startswith("Backup problem: today's backup")
        assert isinstance(screen, CaseloadScreen) and screen.check_action("add_person", ())
        person = await open_person(pilot, "A1234BC")
        assert "planner doctor" in banner(person)


async def test_no_banner_when_all_is_well(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        assert banner(screen) == ""
        assert isinstance(await open_person(pilot, "A1234BC"), PersonScreen)
        assert banner(app.screen) == ""


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_read_only_reason_names_the_file(tmp_path: Path, template: Template) -> None:
    db = tmp_path / "planner.db"
    with CaseStore(db, clock=lambda: NOW) as store:
        fill_caseload(store, template)
    db.chmod(0o444)
    try:
        with CaseStore(db) as store:
            app = build_app(store)
            app.session.open()
            assert app.session.read_only
            assert app.session.read_only_reason() == f"the file {db} cannot be written"
    finally:
        db.chmod(0o600)


async def test_a_damaged_history_shows_in_the_banner_and_nothing_is_saved_on_top(
    caseload: CaseStore, db_path: Path
) -> None:
    """The audit log deleted underneath a running UI: the next reload names it, and a save
    is refused in one line with the edit still on screen."""
    app = build_app(caseload)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        caseload_screen = await wait_for_caseload(pilot)
        assert banner(caseload_screen) == ""
        db_path.with_name(db_path.name + ".audit").unlink()
        person = await open_person(pilot, "A1234BC")
        await wait_until(pilot, lambda: banner(person).startswith("Damaged:"), "the banner")
        assert "planner.db.audit is missing" in banner(person) and "planner doctor" in banner(
            person
        )
        before = db_path.read_bytes(), db_path.with_name(db_path.name + ".journal").read_bytes()
        editor = await open_item(pilot, person, "psr.status")
        await choose_status(pilot, ItemStatus.IN_PROGRESS)
        await pilot.press("ctrl+s")
        await settled(pilot)
        await pilot.pause()
        assert app.screen is editor
        told = list(app._notifications)[-1].message
        assert told.startswith("Not saved: planner.db.audit is missing") and "\n" not in told
    assert (
        db_path.read_bytes(),
        db_path.with_name(db_path.name + ".journal").read_bytes(),
    ) == before
