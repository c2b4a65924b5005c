"""What the server itself enforces, tested with hand-written SQL as the roles planner's
officers log in as: row-level security by prison, and the append-only audit table."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg
import psycopg.errors
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from planner.domain.history import EXPORTED_FIELD
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.server.migrations import ADMIN_ROLE, OFFICER_ROLE, REGIONAL_ROLE
from planner.server.store import ServerStore
from planner.store.errors import CaseNotFound, StoreError
from tests.conftest import NOW, make_person

IN_A = "A1111AA"
IN_B = "B2222BB"
PRISON_A = "HMP Alpha"
PRISON_B = "HMP Bravo"


@dataclass
class Roles:
    admin_url: str
    officer_a: str  # URL of an officer of prison A
    regional: str  # URL of the regional role

    def sql_as(self, url: str) -> psycopg.Connection[Any]:
        return psycopg.connect(url, autocommit=True)


def as_role(url: str, role: str) -> str:
    return make_conninfo(url, user=role)


@pytest.fixture
def roles(server_url: str, template: Template) -> Iterator[Roles]:
    """Cases in prisons A and B, an officer role of prison A and a regional role, made
    as an administrator would (README, "Team mode")."""
    database = str(conninfo_to_dict(server_url)["dbname"])
    officer, regional = f"officer_a_{database}", f"regional_{database}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN IN ROLE {}").format(
                sql.Identifier(officer), sql.Identifier(OFFICER_ROLE)
            )
        )
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN IN ROLE {}").format(
                sql.Identifier(regional), sql.Identifier(REGIONAL_ROLE)
            )
        )
        conn.execute(
            "INSERT INTO planner.prison_members (role_name, prison) VALUES (%s, %s)",
            (officer, PRISON_A),
        )
    with ServerStore(server_url, officer="Admin", clock=lambda: NOW) as admin:
        admin.add(make_person(IN_A, prison=PRISON_A), template)
        admin.add(make_person(IN_B, prison=PRISON_B), template)
    yield Roles(server_url, as_role(server_url, officer), as_role(server_url, regional))


def test_an_officer_of_prison_a_cannot_read_or_change_a_prison_b_case(roles: Roles):
    with roles.sql_as(roles.officer_a) as conn:
        numbers = [r[0] for r in conn.execute("SELECT number FROM planner.cases").fetchall()]
        assert numbers == [IN_A]
        assert conn.execute(
            "SELECT count(*) FROM planner.cases WHERE number = %s", (IN_B,)
        ).fetchone() == (0,)
        changed = conn.execute(
            "UPDATE planner.cases SET surname = 'Changed' WHERE number = %s", (IN_B,)
        )
        assert changed.rowcount == 0
        assert conn.execute("DELETE FROM planner.cases WHERE number = %s", (IN_B,)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("UPDATE planner.cases SET prison = %s WHERE number = %s", (PRISON_B, IN_A))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO planner.cases SELECT 'C3333CC', %s, record, rev, surname, forename,"
                " location, release_date, release_kind, state, assigned_to, template_key,"
                " engine, applicable, resolved, quiet_rules, quiet, assessment, changed"
                " FROM planner.cases WHERE number = %s",
                (PRISON_B, IN_A),
            )
        # nor can they give themselves prison B, or switch the policies off
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO planner.prison_members VALUES (current_user, %s)", (PRISON_B,)
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("ALTER TABLE planner.cases DISABLE ROW LEVEL SECURITY")
        prisons = {r[0] for r in conn.execute("SELECT prison FROM planner.audit").fetchall()}
        assert prisons == {PRISON_A}
    with roles.sql_as(roles.admin_url) as conn:
        row = conn.execute(
            "SELECT surname, prison FROM planner.cases WHERE number = %s", (IN_B,)
        ).fetchone()
        assert row == ("Example", PRISON_B)


def test_planner_as_an_officer_of_prison_a_lists_and_changes_only_prison_a(roles: Roles):
    with ServerStore(roles.officer_a, officer="Officer A", clock=lambda: NOW) as store:
        assert [s.number for s in store.summaries()] == [IN_A]
        assert store.numbers() == [IN_A]
        with pytest.raises(CaseNotFound):
            store.get(IN_B)
        with pytest.raises(CaseNotFound):
            store.save_item(IN_B, "work.plan", status=ItemStatus.DONE)
        store.save_item(IN_A, "work.plan", status=ItemStatus.DONE)
        moved = make_person(IN_A, prison=PRISON_B)
        with pytest.raises(StoreError, match="row-level security"):
            store.update_person(moved)
        assert store.get(IN_A).person.prison == PRISON_A
        assert {e.case for e in store.history()} == {IN_A}


def test_the_regional_role_reads_every_prison_and_changes_none(roles: Roles):
    with ServerStore(roles.regional, officer="Regional", clock=lambda: NOW) as store:
        assert store.numbers() == [IN_A, IN_B]
        assert len(store.summaries()) == 2
        with pytest.raises(StoreError, match="permission denied"):
            store.save_item(IN_B, "work.plan", status=ItemStatus.DONE)
        store.admin.record_event("report.run", "caseload report")  # report runs are noted
        store.note_exported([IN_B], "handover summary (PDF) to /r/B.pdf")  # and exports
    refused = [  # any other field, another prison than the case's, an item, a made-up case
        (PRISON_B, IN_B, "person.surname", None),
        (PRISON_A, IN_B, EXPORTED_FIELD, None),
        (PRISON_B, IN_B, EXPORTED_FIELD, "work.plan"),
        (PRISON_B, "Z9999ZZ", EXPORTED_FIELD, None),
    ]
    with roles.sql_as(roles.regional) as conn:
        for prison, number, field, item in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                conn.execute(
                    "INSERT INTO planner.audit (seq, at, by, prison, case_number, item, field,"
                    " new) VALUES (0, now(), 'Regional', %s, %s, %s, %s, '\"x\"')",
                    (prison, number, item, field),
                )
    with ServerStore(roles.officer_a, officer="Officer A", clock=lambda: NOW) as officer:
        officer.note_exported([IN_A], "handover summary (Markdown) to /a/A.md")
        officer.note_exported([IN_B], "handover summary (PDF) to /a/B.pdf")  # not theirs
        seen = [e.new for e in officer.history() if e.field == EXPORTED_FIELD]
        assert seen == ["handover summary (Markdown) to /a/A.md"]  # not prison B's note
    with ServerStore(roles.admin_url) as admin:
        assert admin.get(IN_B).checklist.item("work.plan").status is ItemStatus.NOT_STARTED


def test_the_audit_table_refuses_update_and_delete_from_the_application_role(roles: Roles):
    with roles.sql_as(roles.officer_a) as conn:
        for statement in (
            "UPDATE planner.audit SET new = '\"rewritten\"'",
            "DELETE FROM planner.audit",
            "TRUNCATE planner.audit",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                conn.execute(statement)
        inserted = conn.execute(
            "INSERT INTO planner.audit (seq, at, by, prison, case_number, field, new)"
            " VALUES (0, now(), 'Officer A', %s, %s, 'notes', '\"x\"')",
            (PRISON_A, IN_A),
        )
        assert inserted.rowcount == 1
    # A grant given by mistake still changes nothing: no policy lets the officer's role
    # update or delete an audit row, and the trigger refuses whatever reaches it.
    database = str(conninfo_to_dict(roles.admin_url)["dbname"])
    administrator = f"administrator_{database}"
    with roles.sql_as(roles.admin_url) as conn:
        conn.execute(f"GRANT UPDATE, DELETE, TRUNCATE ON planner.audit TO {OFFICER_ROLE}")
        conn.execute(f"CREATE ROLE {administrator} LOGIN IN ROLE {ADMIN_ROLE}")
        conn.execute(f"GRANT UPDATE ON planner.audit TO {ADMIN_ROLE}")
        before = conn.execute("SELECT count(*), max(new::text) FROM planner.audit").fetchone()
    with roles.sql_as(roles.officer_a) as conn:
        assert conn.execute("UPDATE planner.audit SET new = '\"rewritten\"'").rowcount == 0
        assert conn.execute("DELETE FROM planner.audit").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            conn.execute("TRUNCATE planner.audit")
    with roles.sql_as(as_role(roles.admin_url, administrator)) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only: UPDATE"):
            conn.execute("UPDATE planner.audit SET new = '\"rewritten\"'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only: DELETE"):
            conn.execute("DELETE FROM planner.audit")  # only a purge may, and says so
    with roles.sql_as(roles.admin_url) as conn:
        after = conn.execute("SELECT count(*), max(new::text) FROM planner.audit").fetchone()
        assert after == before


def test_a_purge_by_an_officer_is_refused_with_nothing_removed(roles: Roles):
    with ServerStore(roles.admin_url) as admin:
        admin.update_person(make_person(IN_A, prison=PRISON_A, state="released"))
    with ServerStore(roles.officer_a, officer="Officer A") as store:
        plan = store.admin.plan_purge(date(2030, 1, 1))
        assert plan.numbers == {IN_A}
        with pytest.raises(StoreError, match="permission denied"):
            store.admin.purge(plan)
        assert store.numbers() == [IN_A] and store.history(IN_A)
