"""`planner` with no subcommand opens the UI on the configured database."""

from __future__ import annotations

import asyncio
import tomllib
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from planner.cli import main
from planner.config import config_path
from planner.store.doctor import encrypted
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp
from planner.tui.screens.caseload import CaseloadScreen
from planner.tui.screens.prompts import OfficerPrompt
from planner.tui.widgets.case_table import CaseTable

Script = list[str]
STRONG = "lantern quarry mosaic thimble"


def run_headless(monkeypatch: pytest.MonkeyPatch, script: Script, seen: dict[str, Any]) -> None:
    """Make PlannerApp.run headless, typing `script` once the caseload is read."""
    original = PlannerApp.run

    def run(self: PlannerApp, **_: Any) -> None:
        async def drive(pilot: Any) -> None:
            for key in script:
                await pilot.press(key)
            for _ in range(500):
                screen = self.screen_stack[0]
                if isinstance(screen, CaseloadScreen) and screen.complete:
                    break
                await asyncio.sleep(0.01)
            await pilot.pause()
            seen["screen"] = type(self.screen).__name__
            seen["rows"] = [r.number for r in self.screen_stack[0].query_one(CaseTable).rows]
            seen["empty"] = self.screen_stack[0].query_one(CaseTable).empty_text
            self.exit()

        original(self, headless=True, size=(80, 24), auto_pilot=drive)

    monkeypatch.setattr(PlannerApp, "run", run)


def test_first_run_on_a_new_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The name, then the offer to encrypt, declined with one key."""
    seen: dict[str, Any] = {}
    run_headless(monkeypatch, [*"Sam Jones", "enter", "n"], seen)
    db = tmp_path / "new.db"
    assert main(["--db", str(db), "--today", "2026-11-23"]) == 0
    assert seen["screen"] == "CaseloadScreen"
    assert seen["rows"] == []
    assert "press n to add a person" in seen["empty"]
    assert tomllib.loads(config_path().read_text(encoding="utf-8"))["officer"] == "Sam Jones"
    assert db.exists() and not encrypted(db)


def test_first_run_encrypts_the_new_database_when_accepted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Enter takes the recommended answer; the passphrase is typed twice in the UI."""
    seen: dict[str, Any] = {}
    typed = [*STRONG, "enter", *STRONG, "enter"]
    run_headless(monkeypatch, ["enter", *typed], seen)
    db = tmp_path / "new.db"
    assert main(["--db", str(db), "--officer", "Sam Jones", "--today", "2026-11-23"]) == 0
    assert seen["screen"] == "CaseloadScreen"
    assert encrypted(db)
    with CaseStore(db, passphrase=STRONG) as store:
        assert len(store) == 0


def test_opens_the_configured_database(
    monkeypatch: pytest.MonkeyPatch, caseload: CaseStore, db_path: Path
) -> None:
    caseload.close()
    seen: dict[str, Any] = {}
    run_headless(monkeypatch, [], seen)
    monkeypatch.setenv("PLANNER_DB", str(db_path))
    monkeypatch.setenv("PLANNER_OFFICER", "Env Officer")
    assert main(["--today", "2026-11-23"]) == 0
    assert seen["rows"] == ["B2345CD", "A1234BC", "F6789GH", "C3456DE", "D4567EF"]


def test_leaving_the_name_prompt_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(self: PlannerApp, **_: Any) -> None:
        async def drive(pilot: Any) -> None:
            await pilot.pause()
            assert isinstance(self.screen, OfficerPrompt)
            await pilot.press("escape")

        App.run(self, headless=True, auto_pilot=drive)

    monkeypatch.setattr(PlannerApp, "run", run)
    assert main(["--db", str(tmp_path / "x.db")]) == 1
    assert "planner: planner records who makes each change" in capsys.readouterr().err
