"""No change is ever recorded against an unknown officer.

With no --officer, no PLANNER_OFFICER and no name in the config file, every command that
writes refuses with one line saying how to give a name (exit code 2) and writes nothing;
every command that only reads works as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.cli import main
from planner.config import config_path
from planner.domain.template import Template
from planner.store.layout import DatabaseFiles
from planner.store.repository import CaseStore
from tests.conftest import NOW, TODAY, make_person

NUMBER = "A1234BC"


@pytest.fixture
def work(tmp_path: Path, template: Template) -> Path:
    """A database with one person and a backup, and a releases list, in tmp_path."""
    db = tmp_path / "p.db"
    with CaseStore(db, officer="Seeder", clock=lambda: NOW) as store:
        store.add(make_person(NUMBER), template)
        store.admin.backup(tmp_path / "backup")
    (tmp_path / "releases.csv").write_text(
        "Prison Number,Surname,Forename,CRD\nB2345CD,Other,Sam,15/01/2027\n", encoding="utf-8"
    )
    return tmp_path


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in DatabaseFiles(folder / "p.db").all() if p.exists()}


def planner(folder: Path, *argv: str) -> int:
    return main(["--db", str(folder / "p.db"), "--today", TODAY.isoformat(), *argv])


WRITING = {
    "add": ["add", "--number", "B2345CD", "--surname", "Other", "--forename", "Sam"],
    "update": ["update", NUMBER, "--location", "C-1-001"],
    "set": ["set", NUMBER, "work.plan", "in_progress"],
    "import": ["import", "{folder}/releases.csv"],
    "assign": ["assign", NUMBER, "Jo Bloggs"],
    "unassign": ["unassign", NUMBER],
    "passphrase": ["passphrase"],
    "restore": ["restore", "{folder}/backup", "--yes"],
    "purge": ["purge", "--released-before", TODAY.isoformat(), "--yes"],
    "doctor --repair": ["doctor", "--repair", "--yes"],
    "export": ["export", NUMBER, "--format", "md", "-o", "{folder}/summary.md"],
}
READING = {
    "list": ["list"],
    "show": ["show", NUMBER],
    "gaps": ["gaps"],
    "history": ["history", NUMBER],
    "staff": ["staff"],
    "templates": ["templates"],
    "doctor": ["doctor"],
    "export --caseload": ["export", "--caseload", "-o", "{folder}/caseload.csv"],
    "import --dry-run": ["import", "{folder}/releases.csv", "--dry-run"],
    "purge --dry-run": ["purge", "--released-before", TODAY.isoformat(), "--dry-run"],
}


@pytest.mark.parametrize("command", list(WRITING))
def test_a_command_that_writes_refuses_without_an_officer_and_writes_nothing(
    work: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    before = files(work)
    argv = [part.format(folder=work) for part in WRITING[command]]
    assert planner(work, *argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith("planner: no officer name is set")
    assert '--officer "Your Name"' in err and "PLANNER_OFFICER" in err
    assert str(config_path()) in err
    assert files(work) == before
    assert not (work / "summary.md").exists()


def test_init_refuses_without_an_officer_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(tmp_path / "new.db"), "init"]) == 2
    assert "no officer name is set" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", list(READING))
def test_a_command_that_only_reads_works_without_an_officer(
    work: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    argv = [part.format(folder=work) for part in READING[command]]
    assert planner(work, *argv) == 0, capsys.readouterr().err


@pytest.mark.parametrize(
    "given",
    [
        ["--officer", "Jo Bloggs"],
        ["env"],
        ["config"],
    ],
)
def test_any_of_the_three_ways_of_giving_a_name_is_recorded(
    work: Path, monkeypatch: pytest.MonkeyPatch, given: list[str]
) -> None:
    argv = given
    if given == ["env"]:
        monkeypatch.setenv("PLANNER_OFFICER", "Jo Bloggs")
        argv = []
    elif given == ["config"]:
        config_path().write_text('officer = "Jo Bloggs"\n', encoding="utf-8")
        argv = []
    assert planner(work, *argv, "update", NUMBER, "--location", "C-1-001") == 0
    with CaseStore(work / "p.db", read_only=True) as store:
        (change,) = [e for e in store.history(NUMBER) if e.field == "person.location"][-1:]
    assert change.by == "Jo Bloggs"
