"""Team mode from the command line: --db postgresql://... selects the server, the file
stays the default, a password in the config file is refused, `planner server init` and
`add-officer` set a database up, `planner migrate` moves cases both ways, and a server
that cannot be reached fails a command with one line and exit 1."""

from __future__ import annotations

import hashlib
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from planner.cli import main
from planner.config import config_path
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.server.migrations import MIGRATIONS, SCHEMA_VERSION
from planner.server.store import ServerStore
from planner.store.errors import NewerSchema, StoreError
from planner.store.layout import DatabaseFiles
from planner.store.repository import CaseStore
from planner.store.transfers import history_elsewhere, section_entries
from tests.conftest import NOW, TODAY, make_person
from tests.pg_server import ThrowawayServer

NUMBER = "A1234BC"


def planner(*argv: str) -> int:
    return main(["--today", TODAY.isoformat(), "--officer", "Officer One", *argv])


def test_db_url_opens_the_server_and_the_file_stays_the_default(
    server_url: str, template: Template, capsys: pytest.CaptureFixture[str]
):
    assert planner("--db", server_url, "add", "--number", NUMBER, "--surname", "Example",
                   "--forename", "Alex", "--release", "2026-12-16") == 0  # fmt: skip
    assert planner("--db", server_url, "set", NUMBER, "work.plan", "done") == 0
    capsys.readouterr()
    assert planner("--db", server_url, "list") == 0
    assert NUMBER in capsys.readouterr().out
    with ServerStore(server_url) as store:
        assert store.get(NUMBER).checklist.item("work.plan").status is ItemStatus.DONE
    capsys.readouterr()
    assert planner("list") == 1  # PLANNER_DB (the tests' home) names a file, not made yet
    assert "no database at" in capsys.readouterr().err


def test_planner_db_and_the_config_file_select_the_server(
    server_url: str, template: Template, monkeypatch: pytest.MonkeyPatch, capsys
):
    with ServerStore(server_url, officer="Seeder", clock=lambda: NOW) as store:
        store.add(make_person(NUMBER), template)
    monkeypatch.setenv("PLANNER_DB", server_url)
    assert planner("show", NUMBER) == 0
    monkeypatch.delenv("PLANNER_DB")
    config_path().write_text(f'database = "{server_url}"\n', encoding="utf-8")
    capsys.readouterr()
    assert planner("show", NUMBER) == 0
    assert "Example" in capsys.readouterr().out


def test_a_password_in_the_config_file_is_refused_in_one_line(
    server_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.delenv("PLANNER_DB")
    config_path().write_text(
        f'database = "{server_url.replace("postgres@", "postgres:secret@")}"\n', encoding="utf-8"
    )
    assert planner("list") == 2
    err = capsys.readouterr().err
    assert "holds a password" in err and "secret" not in err and len(err.splitlines()) == 1


def test_an_unreachable_server_fails_with_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    url = f"postgresql://nobody@/planner?host={tmp_path}&port=5999"
    assert planner("--db", url, "list") == 1
    err = capsys.readouterr().err
    assert (
        err.startswith("planner: cannot reach the server database") and len(err.splitlines()) == 1
    )


def test_server_init_and_add_officer(
    pg_server: ThrowawayServer, capsys: pytest.CaptureFixture[str]
):
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE planner_init")
        conn.execute("CREATE ROLE officer_init LOGIN")
    url = pg_server.url("planner_init")
    assert planner("--db", url, "server", "init") == 0
    assert "migrations applied: 1, 2" in capsys.readouterr().out
    assert planner("--db", url, "server", "init") == 0
    assert "already up to date" in capsys.readouterr().out
    assert planner("--db", url, "server", "add-officer", "officer_init", "--prison", "HMP A") == 0
    assert planner("--db", url, "server", "add-officer", "nobody_here", "--prison", "HMP A") == 2
    officer = make_conninfo(url, user="officer_init")
    with ServerStore(officer) as store:
        assert len(store) == 0


def _file_bytes(path: Path) -> str:
    digest = hashlib.sha256()
    for part in sorted(p for p in DatabaseFiles(path).all() if p.exists()):
        digest.update(part.read_bytes())
    return digest.hexdigest()


@pytest.mark.parametrize("encrypted", [False, True])
def test_migrate_copies_a_file_with_its_history_and_leaves_it_untouched(
    server_url: str,
    tmp_path: Path,
    template: Template,
    encrypted: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    db = tmp_path / "team.db"
    options: dict[str, object] = {}
    if encrypted:
        from planner.store.crypto import MIN_COST, AesGcmCodec

        monkeypatch.setenv("PLANNER_PASSPHRASE", "correct horse battery staple 42")
        options = {"codec": AesGcmCodec.create("correct horse battery staple 42", cost=MIN_COST)}
    with CaseStore(db, officer="Seeder", clock=lambda: NOW, **options) as store:  # type: ignore[arg-type]
        store.add_many([make_person(NUMBER), make_person("B2345CD", prison="HMP Other")], template)
        store.save_item(NUMBER, "work.plan", status=ItemStatus.DONE, notes="Forklift")
        store.update_notes("B2345CD", "Seen")
        history = store.history(NUMBER)
        cases = store.cases()
    before = _file_bytes(db)
    assert planner("--db", str(db), "migrate", "--to", server_url) == 0
    assert "2 case(s) copied" in capsys.readouterr().out
    assert _file_bytes(db) == before
    with ServerStore(server_url) as server:
        assert sorted(server.cases(), key=lambda c: c.number) == sorted(
            cases, key=lambda c: c.number
        )
        copied = server.history(NUMBER)
        assert [(e.at, e.by, e.field, e.old, e.new) for e in copied] == [
            (e.at, e.by, e.field, e.old, e.new) for e in history
        ]
        # one change of the server copied them; each keeps the change that made it
        assert len({e.seq for e in copied}) == 1
        assert [e.copied_change for e in copied] == [e.seq for e in history]
        assert len({e.save for e in copied}) == len({e.seq for e in history}) == 2
        assert list(server.stored_templates()) == [template.key]
    # run again: nothing copied twice
    assert planner("--db", str(db), "migrate", "--to", server_url) == 0
    assert "0 case(s) copied to" in (again := capsys.readouterr().out)
    assert "2 already there" in again
    with ServerStore(server_url) as server:
        assert len(server) == 2 and len(server.history(NUMBER)) == len(history)
    # and back to a file, one prison's cases
    out = tmp_path / "offline.db"
    assert (
        planner("migrate", "--from", server_url, "--to", str(out), "--prison", "HMP Example") == 0
    )
    with CaseStore(out) as offline:
        assert offline.cases() == [c for c in cases if c.number == NUMBER]
        # the history comes back too, with its own times and officers, as the server's
        (section,) = history_elsewhere(offline, NUMBER)
        assert section["prison"] == "the team server (HMP Example)"
        back = section_entries(NUMBER, section)
        assert [(e.at, e.by, e.field, e.old, e.new) for e in back] == [
            (e.at, e.by, e.field, e.old, e.new) for e in history
        ]
    capsys.readouterr()
    assert planner("--db", str(out), "history", NUMBER) == 0
    assert "History at the team server (HMP Example)" in capsys.readouterr().out


def test_a_server_at_an_older_schema_is_refused_to_an_officer_and_upgraded_by_init(
    pg_server: ThrowawayServer, template: Template, capsys: pytest.CaptureFixture[str]
):
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE planner_v1")
        conn.execute("CREATE ROLE officer_v1 LOGIN")
    url = pg_server.url("planner_v1")
    with psycopg.connect(url) as conn:  # the schema as the first team-mode planner made it
        conn.execute("CREATE SCHEMA planner")
        conn.execute(
            "CREATE TABLE planner.schema_version (version integer PRIMARY KEY,"
            " description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        conn.execute(MIGRATIONS[0].sql.encode())
        conn.execute("INSERT INTO planner.schema_version VALUES (1, 'first')")
        conn.execute("GRANT SELECT ON planner.schema_version TO planner_officer")
        conn.execute("GRANT planner_officer TO officer_v1")
        conn.execute("INSERT INTO planner.prison_members VALUES ('officer_v1', 'HMP Example')")
    officer = pg_server.url("planner_v1", user="officer_v1")
    assert planner("--db", officer, "list") == 1
    err = capsys.readouterr().err
    assert f"needs version {SCHEMA_VERSION}: an administrator must run 'planner server init'" in err
    assert len(err.splitlines()) == 1

    assert planner("--db", url, "server", "init") == 0
    assert "(migrations applied: 2, 3)" in capsys.readouterr().out
    with ServerStore(officer, officer="Officer One", clock=lambda: NOW) as store:
        store.add(make_person(NUMBER), template)
        made_here = store.history(NUMBER)
        assert made_here and {e.copied_change for e in made_here} == {None}


def test_a_server_with_a_newer_schema_is_refused_in_one_line(
    server_url: str, capsys: pytest.CaptureFixture[str]
):
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute("INSERT INTO planner.schema_version (version, description) VALUES (99, 'x')")
        before = conn.execute("SELECT count(*) FROM planner.schema_version").fetchone()
    with pytest.raises(NewerSchema, match="version 99, newer than this planner"):
        ServerStore(server_url)
    assert planner("--db", server_url, "list") == 1
    err = capsys.readouterr().err
    assert "newer than this planner" in err and len(err.splitlines()) == 1
    with psycopg.connect(server_url) as conn:
        assert conn.execute("SELECT count(*) FROM planner.schema_version").fetchone() == before


def test_an_officer_cannot_create_the_schema_and_is_told_who_can(
    pg_server: ThrowawayServer, capsys: pytest.CaptureFixture[str]
):
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE planner_bare")
        conn.execute("CREATE ROLE officer_bare LOGIN")
    with psycopg.connect(pg_server.url("planner_bare"), autocommit=True) as conn:
        conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        conn.execute("REVOKE CREATE ON DATABASE planner_bare FROM PUBLIC")
    url = make_conninfo(pg_server.url("planner_bare"), user="officer_bare")
    with pytest.raises(StoreError, match="an administrator must run 'planner server init'"):
        ServerStore(url)
