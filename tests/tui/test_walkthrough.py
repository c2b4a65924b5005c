"""The guided walk-through: order, single-key statuses, reasons, evidence, summary."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import Input

from planner.domain.assessment import due_date, missing_evidence
from planner.domain.status import ItemStatus
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp
from planner.tui.screens.item_editor import ItemEditor
from planner.tui.screens.prompts import TextPrompt
from planner.tui.screens.walkthrough import WalkThroughScreen, walk_order
from tests.conftest import TODAY
from tests.tui.conftest import settled, wait_for_caseload


def test_order_is_severity_then_due_date(caseload: CaseStore) -> None:
    case = caseload.get("B2345CD")
    template = caseload.template_for(case)
    evaluation = caseload.evaluate(case, TODAY)
    order = walk_order(case, template, evaluation)
    ranks = []
    for item_id in order:
        flags = evaluation.flags_for_item(item_id)
        ranks.append(min((f.severity.rank for f in flags), default=3))
    assert ranks == sorted(ranks)
    critical = order[: ranks.count(0)]
    assert {"accommodation.address", "bank.account"} <= set(critical)
    created = case.created_at.date()
    dues = [
        due_date(template.item(i), case.person.release_date, created) or date.max for i in critical
    ]
    assert dues == sorted(dues)  # then the soonest due
    assert "release.date_confirmed" not in order  # done, with its evidence


async def test_walk_from_start_to_summary(app: PlannerApp, db_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        screen.open_number("A1234BC")
        await pilot.pause()
        await pilot.press("w")
        walk = app.screen
        assert isinstance(walk, WalkThroughScreen)
        steps = list(walk.steps)
        assert len(steps) > 10
        body = str(walk.query_one("#walk-body").render())
        assert "Why it matters" in body
        assert "Step 1 of" in str(walk.query_one("#walk-progress").render())

        first, second, third = steps[:3]
        await pilot.press("i")  # in progress, and on to the next
        await settled(pilot)
        assert walk.index == 1

        await pilot.press("b")  # blocked asks why
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("enter")  # a blank reason is refused
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"Waiting for birth certificate", "enter")
        await settled(pilot)
        assert walk.index == 2

        await pilot.press("n")  # not required, then change of mind
        await pilot.press("escape")
        assert app.screen_stack.index(walk) == len(app.screen_stack) - 1
        assert walk.index == 2

        await pilot.press("right", "left")
        assert walk.index == 2

        while walk.item_id != "health.gp":
            await pilot.press("right")
        await pilot.press("d")  # done needs the practice: the editor opens on it
        editor = app.screen
        assert isinstance(editor, ItemEditor)
        assert isinstance(app.focused, Input)
        await pilot.press(*"Riverside Surgery", "ctrl+s")
        await settled(pilot)
        await pilot.pause()
        assert app.screen_stack.index(walk) == len(app.screen_stack) - 1
        assert "health.gp" in walk.changed

        while not walk.finished:
            await pilot.press("right")
        assert third in walk.remaining and "health.gp" not in walk.remaining
        assert "finished" in str(walk.query_one("#walk-progress").render())
        await pilot.press("escape")
        assert not isinstance(app.screen, WalkThroughScreen)

    with CaseStore(db_path) as fresh:
        checklist = fresh.get("A1234BC").checklist
        assert checklist.item(first).status is ItemStatus.IN_PROGRESS
        assert checklist.item(second).status is ItemStatus.BLOCKED
        assert checklist.item(second).reason == "Waiting for birth certificate"
        assert checklist.item(third).status is ItemStatus.NOT_STARTED
        gp = checklist.item("health.gp")
        assert gp.status is ItemStatus.DONE and gp.evidence["practice"] == "Riverside Surgery"


async def test_walk_again_after_the_summary(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        screen.open_number("B2345CD")
        await pilot.pause()
        await pilot.press("w")
        walk = app.screen
        assert isinstance(walk, WalkThroughScreen)
        total = len(walk.steps)
        await pilot.press("x")
        await pilot.press(*"Wants to arrange it himself", "enter")
        await settled(pilot)
        while not walk.finished:
            await pilot.press("right")
        await pilot.press("r")
        assert not walk.finished and walk.index == 0
        assert len(walk.steps) == total - 1  # the declined item, with its reason, is resolved


async def test_a_letter_typed_in_a_text_field_is_that_letter_never_a_status(
    app: PlannerApp, db_path: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        screen.open_number("A1234BC")
        await pilot.pause()
        await pilot.press("w")
        walk = app.screen
        assert isinstance(walk, WalkThroughScreen)
        item_id = walk.item_id
        await pilot.press("b")  # blocked asks why: a text field has focus
        prompt = app.screen
        assert isinstance(prompt, TextPrompt)
        await pilot.press(*"n", *"dibx", "e")
        assert app.screen is prompt  # no second question, no editor
        assert prompt.query_one(Input).value == "ndibxe"
        assert not walk.check_action("mark", ("not_required",))  # while the field has focus
        assert walk.index == 0
    with CaseStore(db_path) as fresh:
        assert fresh.get("A1234BC").checklist.item(item_id or "").rev == 0  # nothing saved


async def test_done_asks_for_the_evidence_the_gap_engine_counts_missing(
    app: PlannerApp, db_path: Path
) -> None:
    with CaseStore(db_path, officer="Test Officer") as store:
        store.save_item("A1234BC", "benefits.uc_appointment", evidence={"advance_discussed": True})
        case = store.get("A1234BC")
        template = store.template_for(case)
        record = case.checklist.item("benefits.uc_appointment")
        expected = missing_evidence(template.item("benefits.uc_appointment"), record)
    assert expected and "jobcentre" not in expected
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        screen.open_number("A1234BC")
        await pilot.pause()
        await pilot.press("w")
        walk = app.screen
        assert isinstance(walk, WalkThroughScreen)
        while walk.item_id != "benefits.uc_appointment":
            await pilot.press("right")
        await pilot.press("d")
        editor = app.screen
        assert isinstance(editor, ItemEditor)
        assert editor.focus_field == expected[0]
