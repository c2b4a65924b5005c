"""The footer is rebuilt when the keys it shows change, and only then."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from planner.tui.app import PlannerApp
from planner.tui.screens.person import PersonScreen
from planner.tui.widgets.footer import PlannerFooter
from tests.tui.conftest import wait_for_caseload, wait_until


def keys_of(app: PlannerApp) -> list[FooterKey]:
    return list(app.screen.query_one(PlannerFooter).query(FooterKey))


async def test_the_footer_is_rebuilt_only_when_what_it_shows_changes(app: PlannerApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_caseload(pilot)
        await pilot.pause()
        wide = keys_of(app)
        # Read in full, the caseload's keys are all usable (while it was read most were
        # greyed out): a change of state alone is shown.
        assert wide and not [key.description for key in wide if key.has_class("-disabled")]
        palette = [key for key in wide if key.has_class("-command-palette")]
        assert [key.compact for key in wide if key not in palette] == [False] * (
            len(wide) - len(palette)
        )
        assert not any(key.has_class("-compact") for key in wide if key not in palette)

        await pilot.press("down", "down", "up")
        app.screen.refresh_bindings()
        await pilot.pause()
        assert keys_of(app) == wide  # the very same widgets: nothing was rebuilt

        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        narrow = keys_of(app)
        assert narrow and not set(narrow) & set(wide)
        assert all(key.compact and key.has_class("-compact") for key in narrow)
        assert narrow[-1].description == "Keys"  # F1 always ends the narrow footer

        await pilot.press("enter")  # a person's screen: other keys
        await wait_until(pilot, lambda: isinstance(app.screen, PersonScreen), "the person")
        await pilot.pause()
        form_keys = [key.description for key in keys_of(app)]
        assert form_keys and form_keys != [key.description for key in narrow]
