"""Shared fixtures: the shipped template, and real databases in temporary folders."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
import pytest

from planner.domain.person import Person
from planner.domain.template import Template
from planner.domain.template_loading import TemplateLibrary
from planner.server.migrations import apply_migrations
from planner.store import platform
from planner.store.repository import CaseStore
from tests.pg_server import SKIP_VARIABLE, ServerUnavailable, ThrowawayServer, start_server

# A fixed "today" for tests: Monday 23 November 2026.
TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def isolate(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Config, database and cache in `home`, never the real user's."""
    monkeypatch.setenv("PLANNER_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("PLANNER_DB", str(home / "planner.db"))
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(home / "cache"))
    monkeypatch.delenv("PLANNER_OFFICER", raising=False)
    monkeypatch.delenv("PLANNER_TEMPLATES", raising=False)
    monkeypatch.delenv("PLANNER_PASSPHRASE", raising=False)


@pytest.fixture(autouse=True)
def _isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the real user's config, database or cache from a test."""
    isolate(monkeypatch, tmp_path_factory.mktemp("home"))


@pytest.fixture
def platform_branch(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The platform branch a test runs on: as `both_platforms` parametrizes it (see
    tests/platform_branches.py), else the one planner chose for this machine."""
    name = getattr(request, "param", platform.current().name)
    monkeypatch.setenv(platform.CHOICE_VARIABLE, name)
    with platform.use(platform.select(name)):
        yield name


def build_database(
    tmp_path_factory: pytest.TempPathFactory, build: Callable[[Path], object]
) -> Path:
    """A database written once by `build(path)` (for a session-scoped fixture), in a
    folder and an environment of its own: tests start from copies of it (`copy_database`)
    instead of writing the same people again for every test."""
    folder = tmp_path_factory.mktemp("built")
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch, folder / "home")
        build(folder / "planner.db")
    return folder / "planner.db"


def copy_database(source: Path, target: Path) -> Path:
    """The files of the closed database `source` (snapshot, journal, audit log, the
    backups folder), copied to `target` and beside it under its name."""
    for path in source.parent.iterdir():
        if path.name.startswith(source.name):
            copied = target.with_name(target.name + path.name[len(source.name) :])
            if path.is_dir():
                shutil.copytree(path, copied)
            else:
                shutil.copy2(path, copied)
    return target


@pytest.fixture(scope="session")
def template() -> Template:
    return TemplateLibrary().get("england-wales")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "planner.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[CaseStore]:
    with CaseStore(db_path, officer="Test Officer", clock=lambda: NOW) as opened:
        yield opened


def make_person(
    number: str = "A1234BC", release: date | None = date(2026, 12, 16), **extra: object
) -> Person:
    """A valid person; release defaults to Wednesday 16 December 2026 (no release-day risk)."""
    data: dict[str, object] = {
        "number": number,
        "surname": "Example",
        "forename": "Alex",
        "release_date": release,
        "date_of_birth": date(1990, 5, 17),
        "location": "B-2-014",
        "prison": "HMP Example",
    }
    data.update(extra)
    return Person.model_validate(data)


# --- the PostgreSQL test server (team mode) ------------------------------------------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[ThrowawayServer]:
    """One throwaway PostgreSQL server per test process (about two seconds to start), on
    a Unix socket only; found, or installed from the machine's packages, by
    tests/pg_server.py. PLANNER_SKIP_SERVER_TESTS=1 skips the tests that need it; without
    it, a machine that cannot run one fails them with one line saying what is missing."""
    if os.environ.get(SKIP_VARIABLE) == "1":
        pytest.skip(f"{SKIP_VARIABLE}=1: the PostgreSQL server tests are skipped")
    try:
        server = start_server()
    except ServerUnavailable as exc:
        pytest.fail(f"no PostgreSQL test server: {exc}", pytrace=False)
    try:
        with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE planner_base")
        with psycopg.connect(server.url("planner_base")) as conn:
            apply_migrations(conn)
        yield server
    finally:
        server.stop()


_databases = itertools.count(1)


@pytest.fixture
def server_url(pg_server: ThrowawayServer) -> str:
    """A new database on the test server, with planner's schema, as the superuser's URL."""
    name = f"planner_t{next(_databases)}"
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE planner_base")
    return pg_server.url(name)
