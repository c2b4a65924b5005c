"""Readable without colour and at 80x24: legible greys under NO_COLOR, tick boxes that
show a tick, and a footer whose keys are shown whole."""

from __future__ import annotations

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.geometry import Region
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp
from planner.tui.no_color import MIN_CONTRAST, ReadableMonochrome, readable_grey
from planner.tui.screens.person_form import PersonFormScreen
from planner.tui.widgets.footer import PlannerFooter
from planner.tui.widgets.tick_box import TICKED, UNTICKED, TickBox
from tests.tui.conftest import build_app, wait_for_caseload
from tests.tui.test_person import open_person


def grey_contrast(segment: Segment, background: Color) -> float:
    style = segment.style or Style()
    fore = Color.from_rich_color(style.color)
    back = Color.from_rich_color(style.bgcolor) if style.bgcolor else background
    return abs(fore.monochrome.brightness - back.monochrome.brightness)


def test_a_red_on_grey_that_greys_alike_is_drawn_black_or_white() -> None:
    panel = Color.parse("#3a3a3a")
    red = Style.parse("bold #c03030 on #3a3a3a")
    before = abs(Color.parse("#c03030").monochrome.brightness - panel.monochrome.brightness)
    assert before < MIN_CONTRAST  # the grey-on-grey that NO_COLOR gave
    after = readable_grey(red, panel)
    assert after.bold  # the emphasis stays
    assert grey_contrast(Segment("!!", after), panel) >= MIN_CONTRAST
    clear = readable_grey(Style.parse("#f0f0f0 on #202020"), panel)
    assert clear.color is not None and clear.color.triplet is not None
    assert clear.color.triplet.red > 200  # already legible: only made grey


async def test_no_color_keeps_every_count_of_the_caseload_header_legible(
    caseload: CaseStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = build_app(caseload)
    assert app.no_color
    readable = [f for f in app._filters if isinstance(f, ReadableMonochrome)]
    assert readable, "NO_COLOR uses the readable greys"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        summary = screen.query_one("#summary", Static)
        assert "critical" in str(summary.render())
        background = summary.styles.background
        width, height = summary.size
        for strip in summary.render_lines(Region(0, 0, width, height)):
            for segment in readable[0].apply(list(strip), background):
                if segment.text.strip() and segment.style and segment.style.color:
                    assert grey_contrast(segment, background) >= MIN_CONTRAST, segment.text


async def test_tick_boxes_show_ticked_or_not_in_a_character(app: PlannerApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_person(pilot, "A1234BC")
        await pilot.press("p")
        form = app.screen
        assert isinstance(form, PersonFormScreen)
        box = form.query_one("#c-veteran", TickBox)
        assert not box.value and UNTICKED in str(box.render())
        assert TICKED not in str(box.render())
        box.toggle()
        await pilot.pause()
        assert TICKED in str(box.render())


@pytest.mark.parametrize(
    "keys", [(), ("enter",), ("enter", "w")], ids=["caseload", "person", "walk"]
)
async def test_at_80_columns_the_footer_shows_its_keys_whole_and_f1(
    app: PlannerApp, keys: tuple[str, ...]
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_caseload(pilot)
        await pilot.press(*keys)
        await pilot.pause()
        footer = app.screen.query_one(PlannerFooter)
        shown = list(footer.query(FooterKey))
        assert shown[-1].key == "f1" and shown[-1].description == "Keys"
        right = max(key.region.right for key in shown)
        assert right <= footer.region.right
        for key in shown:
            wanted = len(key.key_display) + (len(key.description) + 1 if key.description else 0)
            assert key.region.width >= wanted, key.description
