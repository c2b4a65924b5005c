"""A connection lost while a change is being committed: planner never says "nothing was
changed" then, since the server may have committed it. A real server, and a real lost
connection: a trigger deferred to the commit ends its own session."""

from __future__ import annotations

import psycopg
import pytest

from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.server.connect import CommitUncertain, ServerUnreachable
from planner.server.store import ServerStore
from tests.conftest import make_person

NUMBER = "A1234BC"

_LOSE_THE_CONNECTION_AT_COMMIT = """
CREATE FUNCTION planner.lose_the_connection() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_terminate_backend(pg_backend_pid());
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER lose_the_connection AFTER UPDATE ON planner.cases
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION planner.lose_the_connection();
"""


def test_a_connection_lost_during_commit_is_not_called_nothing_changed(
    server_url: str, template: Template
) -> None:
    with ServerStore(server_url, officer="Officer One") as store:
        store.add(make_person(NUMBER), template)
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(_LOSE_THE_CONNECTION_AT_COMMIT)
        with pytest.raises(CommitUncertain) as caught:
            store.save_item(NUMBER, "work.plan", status=ItemStatus.DONE)
        message = str(caught.value)
        assert "may or may not have been saved" in message
        assert "nothing was changed" not in message
        assert "\n" not in message
        assert isinstance(caught.value, ServerUnreachable)  # the UI's banner says so too


def test_connections_lost_while_idle_are_replaced_and_the_save_lands(
    server_url: str, template: Template
) -> None:
    """The other side of the rule: a connection lost before a change is begun is no
    uncertainty (it is checked before use, and another made)."""
    with ServerStore(server_url, officer="Officer One") as store:
        store.add(make_person(NUMBER), template)
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        store.save_item(NUMBER, "work.plan", status=ItemStatus.DONE)
        assert store.get(NUMBER).checklist.item("work.plan").status is ItemStatus.DONE
