"""The caseload on a server opens from the summary query: no stored record is read until
a filter needs it, and then only in a worker, kept while its case is unchanged."""

from __future__ import annotations

from planner.domain.status import ItemStatus
from planner.server.store import ServerStore
from tests.conftest import NOW
from tests.tui.conftest import build_app, wait_for_caseload, wait_until
from tests.tui.test_server_unreachable import team
from tests.tui.test_tracker import everyone_in_any_window, shown, type_filter

__all__ = ["team"]  # the fixture

CRD = "release.date_confirmed.date_type = crd"  # evidence: read from the records


async def test_records_are_read_only_for_a_filter_and_again_only_when_changed(
    team: ServerStore, server_url: str
) -> None:
    app = build_app(team)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        assert len(screen.rows) == 7
        assert len(screen.stored_records) == 0  # the rows came from the summaries alone

        await everyone_in_any_window(pilot, screen)
        await type_filter(pilot, screen, CRD)
        assert shown(screen) == ["B2345CD"]
        held = len(screen.stored_records)
        assert 0 < held <= 7

        # Another officer's change: only that case's record is read again.
        with ServerStore(server_url, officer="Other Officer", clock=lambda: NOW) as other:
            other.save_item(
                "A1234BC",
                "release.date_confirmed",
                status=ItemStatus.DONE,
                evidence={"date_type": "crd", "hdc_eligible": False},
            )
        screen.check_for_changes()
        await wait_until(pilot, lambda: shown(screen) == ["A1234BC", "B2345CD"], "the change")
        assert len(screen.stored_records) == held
