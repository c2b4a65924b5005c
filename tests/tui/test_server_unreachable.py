"""A server that cannot be reached: the banner says so, the caseload on screen stays
readable, and no change is taken as saved that the server did not commit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.server.store import ServerStore, ServerUnreachable
from tests.conftest import NOW
from tests.pg_server import ThrowawayServer
from tests.tui.conftest import build_app, fill_caseload, settled, wait_for_caseload, wait_until
from tests.tui.test_person import open_item, open_person, type_into
from tests.tui.test_read_only import banner


@contextmanager
def out_of_reach(pg_server: ThrowawayServer, url: str) -> Iterator[None]:
    """No new connection to the database, and every open one cut: as if the network
    went, until the block ends."""
    name = str(conninfo_to_dict(url)["dbname"])
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
        try:
            yield
        finally:
            conn.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")


@pytest.fixture
def team(server_url: str, template: Template) -> Iterator[ServerStore]:
    with ServerStore(server_url, officer="Seeder", clock=lambda: NOW) as seeder:
        fill_caseload(seeder, template)
    with ServerStore(server_url, officer="Test Officer", connect_timeout=1.0) as store:
        yield store


async def test_the_banner_says_the_server_is_out_of_reach_and_the_caseload_stays(
    team: ServerStore, pg_server: ThrowawayServer, server_url: str
) -> None:
    app = build_app(team)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        rows = len(screen.rows)
        assert rows > 0 and banner(screen) == ""
        with out_of_reach(pg_server, server_url):
            screen.check_for_changes()
            await wait_until(pilot, lambda: "Server unreachable" in banner(screen), "the banner")
            assert len(screen.rows) == rows
        screen.check_for_changes()
        await wait_until(pilot, lambda: banner(screen) == "", "the banner to clear")


def test_a_save_the_server_did_not_commit_is_never_acknowledged(
    team: ServerStore, pg_server: ThrowawayServer, server_url: str
) -> None:
    with out_of_reach(pg_server, server_url), pytest.raises(ServerUnreachable) as caught:
        team.save_item("A1234BC", "work.plan", status=ItemStatus.DONE)
    assert "cannot reach the server database" in str(caught.value)
    assert team.connection_problem is not None
    assert team.get("A1234BC").checklist.item("work.plan").status is ItemStatus.NOT_STARTED
    assert team.connection_problem is None
    team.save_item("A1234BC", "work.plan", status=ItemStatus.DONE)  # and works again after
    assert team.get("A1234BC").checklist.item("work.plan").status is ItemStatus.DONE


async def test_an_item_saved_while_the_server_is_away_stays_in_the_editor_to_save_again(
    team: ServerStore, pg_server: ThrowawayServer, server_url: str
) -> None:
    app = build_app(team)
    async with app.run_test(size=(80, 24)) as pilot:
        person = await open_person(pilot, "A1234BC")
        editor = await open_item(pilot, person, "health.gp")
        await type_into(pilot, "#field-ev-practice Input", "Riverside Surgery")
        with out_of_reach(pg_server, server_url):
            editor.action_save()
            await settled(pilot)
            await wait_until(pilot, lambda: app._notifications, "the message")
            said = [n.message for n in app._notifications]
            assert any(m.startswith("Not saved: cannot reach the server") for m in said), said
            assert app.screen is editor and editor.has_unsaved_changes()
        editor.action_save()  # the server is back: the same edit saves
        await settled(pilot)
        await wait_until(pilot, lambda: app.screen is person, "the editor to close")
    with ServerStore(server_url, officer="Reader") as reader:
        gp = reader.get("A1234BC").checklist.item("health.gp")
        assert gp.evidence.get("practice") == "Riverside Surgery"
