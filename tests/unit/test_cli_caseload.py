"""planner list, gaps, show, history, views and fields on the command line: filters,
saved views, columns, CSV, search, and output that fits 80 columns."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from planner.cli import main
from planner.domain.status import ItemStatus
from planner.domain.template import Template
from planner.store.repository import CaseStore
from tests.conftest import NOW, TODAY, build_database, copy_database, make_person
from tests.filter_people import OFFICER, add_filter_people

LONG_NOTE = " ".join(f"word{i:03d}" for i in range(60))
LONG_NAME = ("Alexandra-Josephine", "Fitzwilliam-Montgomery Ashby")


@pytest.fixture(scope="session")
def six_people(tmp_path_factory: pytest.TempPathFactory, template: Template) -> Path:
    """The filter tests' people and one with long names and a long note, written once:
    each test has a copy of its own."""

    def build(path: Path) -> None:
        with CaseStore(path, officer=OFFICER, clock=lambda: NOW) as store:
            add_filter_people(store, template)
            store.add(
                make_person(
                    "F6666FF",
                    release=date(2027, 1, 4),
                    forename=LONG_NAME[0],
                    surname=LONG_NAME[1],
                    location="D-4-040",
                ),
                template,
            )
            store.save_item(
                "F6666FF", "bank.account", status=ItemStatus.IN_PROGRESS, notes=LONG_NOTE
            )

    return build_database(tmp_path_factory, build)


@pytest.fixture
def db(tmp_path: Path, six_people: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = copy_database(six_people, tmp_path / "planner.db")
    monkeypatch.chdir(tmp_path)
    return path


class Run:
    def __init__(self, code: int, out: bytes, err: bytes) -> None:
        self.code, self.raw, self.err = code, out, err.decode()
        self.out = out.decode("utf-8-sig")

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


def planner(db: Path, *argv: str, columns: int | None = 80, officer: str | None = OFFICER) -> Run:
    env = {"COLUMNS": None if columns is None else str(columns), "NO_COLOR": "1"}
    who = ["--officer", officer] if officer is not None else []
    with CliRunner().isolation(env=env) as (out, err, _both):
        code = main(["--db", str(db), *who, "--today", TODAY.isoformat(), *argv])
    return Run(code, out.getvalue(), err.getvalue())


def numbers(run: Run) -> list[str]:
    """The people listed, by number (sorted: the order is the release date's)."""
    assert run.code == 0, run.err
    return sorted(p["number"] for p in orjson.loads(run.out)["people"])


# --- --where --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("surname starts with smith", ["A1111AA", "E5555EE"]),  # a person's field
        ("location starts with B", ["A1111AA", "E5555EE"]),  # the location
        ("com is empty", ["E5555EE", "B2222BB", "F6666FF", "C3333CC", "D4444DD"]),  # contacts
        ("com.unit contains leeds", ["A1111AA"]),
        ("assigned = me", ["A1111AA", "E5555EE"]),  # the assigned officer
        ("assigned is empty", ["B2222BB", "F6666FF", "D4444DD"]),
        ("bank.account in (not_required, declined)", ["B2222BB", "C3333CC"]),  # status
        ("accommodation.duty_to_refer is not applicable", ["B2222BB"]),
        (  # evidence
            "accommodation.address.accommodation_type in (no_fixed_abode, rough_sleeping)",
            ["A1111AA", "E5555EE"],
        ),
        ("id.documents.date_received is empty",
         ["A1111AA", "E5555EE", "B2222BB", "F6666FF", "D4444DD"]),
        ("id.documents.date_applied before 01/11/2026", ["C3333CC"]),
        ("flag = critical", ["C3333CC", "A1111AA", "E5555EE"]),  # flags
        ("flag = no_fixed_abode", ["A1111AA", "E5555EE"]),
        ("release within 28", ["A1111AA", "E5555EE"]),  # the release window
        ("release is empty", ["C3333CC"]),
        ("state = released", ["D4444DD"]),
    ],
)  # fmt: skip
def test_where_with_each_condition_kind(db: Path, where: str, expected: list[str]) -> None:
    assert numbers(planner(db, "list", "--all", "--json", "--where", where)) == sorted(expected)


def test_where_repeated_means_all_must_hold(db: Path) -> None:
    run = planner(db, "list", "--json", "--where", "release within 28", "--where", "com is empty")
    assert numbers(run) == ["E5555EE"]
    joined = planner(db, "list", "--json", "--where", "release within 28 and com is empty")
    assert numbers(joined) == ["E5555EE"]
    text = planner(db, "list", "--where", "release within 28", "--where", "com is empty")
    assert "Filter: release within 28 and com is empty" in text.out
    assert "1 person." in text.out and "E5555EE" in text.out and "A1111AA" not in text.out


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("bank.acount != done", 'unknown item "bank.acount" (did you mean bank.account?)'),
        ("id.documents.date_recived is empty", 'unknown field "date_recived" of id.documents'),
        ("accommodation.address.accommodation_type = nfa", 'unknown choice "nfa"'),
        ("bank.account ~ done", 'unknown operator "~" after bank.account'),
    ],
)
def test_a_wrong_where_is_one_line_and_exit_2(db: Path, where: str, message: str) -> None:
    run = planner(db, "list", "--where", where)
    assert run.code == 2 and run.out == ""
    assert run.err.startswith("planner: ") and message in run.err and run.err.count("\n") == 1


def test_me_without_an_officer_is_refused(db: Path) -> None:
    run = planner(db, "list", "--where", "assigned = me", officer=None)
    assert run.code == 2 and '"me" means the acting officer' in run.err


def test_gaps_where(db: Path) -> None:
    run = planner(db, "gaps", "--json", "--where", "assigned = me", "--where", "flag = critical")
    assert run.code == 0, run.err
    flags = orjson.loads(run.out)["flags"]
    assert {f["number"] for f in flags} == {"A1111AA", "E5555EE"}
    everyone = orjson.loads(planner(db, "gaps", "--json").out)["flags"]
    assert [f for f in everyone if f["number"] in ("A1111AA", "E5555EE")] == flags
    view = planner(db, "gaps", "--view", "No fixed abode within 28 days", "--severity", "critical")
    assert view.code == 0 and "no fixed abode" in view.out and "C3333CC" not in view.out


# --- saved views ----------------------------------------------------------------------------


def test_views_by_name_or_number(db: Path) -> None:
    by_name = planner(db, "list", "--json", "--view", "no fixed abode within 28 days")
    assert numbers(by_name) == ["A1111AA", "E5555EE"]
    assert numbers(planner(db, "list", "--json", "--view", "3")) == ["A1111AA", "E5555EE"]
    both = planner(db, "list", "--json", "--view", "No COM allocated", "--where", "assigned = me")
    assert numbers(both) == ["E5555EE"]
    wrong = planner(db, "list", "--view", "No bank acount")
    assert wrong.code == 2
    assert 'unknown view "No bank acount" (did you mean No bank account?)' in wrong.err


def test_views_from_the_config_file(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        "# our site's views\n"
        'someone_else = "kept"\n'
        "[views]\n"
        '"Mine, critical" = ["assigned = me", "flag = critical"]\n'
        '"No COM allocated" = "com is empty and release within 28"\n'
        '"Broken" = "bank.acount = done"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("PLANNER_CONFIG", str(config))
    listed = planner(db, "views", columns=100)
    assert listed.code == 0, listed.err
    for name in (
        "No bank account",
        "ID not received",
        "No fixed abode within 28 days",
        "No jobcentre appointment",
        "Duty to Refer not made",
        "Mine, critical",
    ):
        assert name in listed.out  # fmt: skip
    assert "com is empty and release within 28" in listed.out  # replaced the built-in
    assert 'cannot be used: view "Broken": unknown item "bank.acount"' in listed.out
    views = orjson.loads(planner(db, "views", "--json").out)["views"]
    assert [v["name"] for v in views][-2:] == ["Mine, critical", "Broken"]
    assert numbers(planner(db, "list", "--json", "--view", "mine, critical")) == [
        "A1111AA",
        "E5555EE",
    ]
    assert numbers(planner(db, "list", "--json", "--view", "No COM allocated")) == ["E5555EE"]
    broken = planner(db, "list", "--view", "broken")
    assert broken.code == 2 and 'view "Broken": unknown item' in broken.err


# --- columns and CSV ------------------------------------------------------------------------


def test_columns_show_status_evidence_contacts_and_officer(db: Path) -> None:
    run = planner(
        db,
        "list",
        "--where",
        "release within 28",
        "--columns",
        "number,bank.account,accommodation.address.accommodation_type,com,assigned,next_due",
        columns=200,
    )
    assert run.code == 0, run.err
    at = next(i for i, line in enumerate(run.lines) if line.startswith("Number"))
    header, _rule, first, second = run.lines[at : at + 4]
    assert header.split() == [
        "Number", "bank.account", "Accommodation", "type", "COM", "Assigned", "to", "Next", "due",
    ]  # fmt: skip
    assert first.split()[:5] == ["A1111AA", "done", "No", "fixed", "abode"]
    assert "Sam Dobson" in first and OFFICER in first
    assert second.split()[:4] == ["E5555EE", "not", "started", "Rough"]


def test_unknown_column_is_refused(db: Path) -> None:
    run = planner(db, "list", "--columns", "number,bank.acount")
    assert run.code == 2 and 'unknown column "bank.acount" (did you mean bank.account' in run.err


def test_columns_from_the_config_file(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('columns = ["number", "crn"]\n', encoding="utf-8")
    monkeypatch.setenv("PLANNER_CONFIG", str(config))
    run = planner(db, "list", "--where", "crn is not empty")
    assert run.lines[2].split() == ["Number", "CRN"]
    assert run.lines[4].split() == ["A1111AA", "X123456"]
    config.write_text('columns = ["number", "nmae"]\n', encoding="utf-8")
    wrong = planner(db, "list")
    assert wrong.code == 2
    assert 'config file, columns: unknown column "nmae" (did you mean name' in wrong.err


def test_csv_of_the_view_with_its_columns(db: Path) -> None:
    run = planner(
        db, "list", "--where", "location starts with B", "--csv",
        "--columns", "number,name,release,days,ready,accommodation.address.address,critical",
    )  # fmt: skip
    assert run.code == 0, run.err
    assert run.raw.startswith("\ufeff".encode()) and b"\r\n" in run.raw
    rows = list(csv.reader(io.StringIO(run.out)))
    assert rows[0] == [
        "Number", "Name", "Release", "Days", "Ready %", "Release address confirmed: Address",
        "Critical flags",
    ]  # fmt: skip
    assert rows[1][:4] == ["A1111AA", "SMITH, Alex", "2026-12-03", "10"]
    assert rows[1][4].isdigit() and rows[1][6].isdigit()
    # a formula a spreadsheet would run is shown as text
    assert rows[2][0] == "E5555EE" and rows[2][5] == "'=cmd|' /C calc'!A0"
    assert len(rows) == 3


def test_csv_to_a_file(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "view.csv"
    run = planner(db, "list", "--view", "No COM allocated", "-o", str(target))
    assert run.code == 0, run.err
    assert run.out.strip() == f"Wrote 4 people to {target}"
    assert target.read_bytes().startswith("\ufeff".encode())
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    again = planner(db, "list", "-o", str(target))
    assert again.code == 2 and "already exists; use --force" in again.err
    assert planner(db, "list", "-o", str(target), "--force").code == 0
    assert len(target.read_text(encoding="utf-8-sig").splitlines()) == 6  # header, 5 active


def test_json_with_columns(db: Path) -> None:
    run = planner(db, "list", "--json", "--where", "release within 10", "--columns", "number,com")
    person = orjson.loads(run.out)["people"][0]
    assert person["number"] == "A1111AA" and person["columns"] == {
        "number": "A1111AA",
        "com": "Sam Dobson",
    }
    assert person["flags"]["critical"] >= 1


# --- search ---------------------------------------------------------------------------------


def test_search_finds_everyone_and_says_where(db: Path) -> None:
    run = planner(db, "list", "--within", "7", "--search", "o'neill", columns=120)
    assert run.code == 0, run.err
    assert "D4444DD" in run.out and "released" in run.out  # outside any window
    smiths = planner(db, "list", "--search", "SMITH", "--json")
    found = {p["number"]: p["columns"]["window"] for p in orjson.loads(smiths.out)["people"]}
    assert found == {
        "A1111AA": "due for release in the next 28 days",
        "E5555EE": "due for release in the next 28 days",
    }
    by_number = orjson.loads(planner(db, "list", "--search", "b2222", "--json").out)["people"]
    assert [(p["number"], p["columns"]["window"]) for p in by_number] == [
        ("B2222BB", "due for release in the next 12 weeks")
    ]
    nobody = planner(db, "list", "--search", "nobody")
    assert nobody.code == 0 and "0 people." in nobody.out


# --- fields ---------------------------------------------------------------------------------


def test_fields_lists_the_accommodation_types_choices(db: Path) -> None:
    run = planner(db, "fields", "accommodation.address")
    assert run.code == 0, run.err
    text = " ".join(run.out.split())
    assert "accommodation_type choice, required" in text
    for choice in (
        "settled",
        "temporary",
        "cas1 (CAS1 approved premises)",
        "cas2",
        "cas3",
        "no_fixed_abode",
        "rough_sleeping",
        "unknown",
    ):
        assert choice in text, choice  # fmt: skip
    everything = planner(db, "fields")
    for item in ("release.date_confirmed", "bank.account", "accommodation.duty_to_refer"):
        assert f"{item}:" in everything.out
    section = planner(db, "fields", "bank", "--json")
    assert [i["id"] for i in orjson.loads(section.out)["items"]] == ["bank.account"]
    wrong = planner(db, "fields", "bank.acount")
    assert wrong.code == 2 and "did you mean bank.account" in wrong.err


# --- 80 columns -----------------------------------------------------------------------------


def assert_fits(run: Run, width: int = 80) -> None:
    assert run.code == 0, run.err
    too_wide = [line for line in run.lines if cell_len(line) > width]
    assert not too_wide


ITEM_IDS = [
    "release.date_confirmed", "release.day_plan", "id.documents", "bank.account",
    "benefits.work_coach", "benefits.uc_appointment", "accommodation.address",
    "accommodation.duty_to_refer", "accommodation.cas_referral", "psr.status",
    "handover.com_allocated", "handover.meeting", "handover.summary_sent", "health.gp",
    "work.plan",
]  # fmt: skip


def test_list_at_80_columns_fits_and_cuts_nothing(db: Path) -> None:
    run = planner(db, "list", "--all")
    assert_fits(run)
    words = run.out.split()
    for word in (*LONG_NAME[0].upper().split(), *LONG_NAME[1].upper().split()):
        assert word.upper() in " ".join(words).upper()
    assert "SMITH-JONES," in words and "D4444DD" in words
    chosen = planner(db, "list", "--all", "--columns", ",".join(["number", *ITEM_IDS]))
    assert_fits(chosen)
    for item in ITEM_IDS:
        assert item in chosen.out.split() or f"{item}:" in chosen.out.split(), item


def test_show_gaps_and_history_at_80_columns(db: Path) -> None:
    show = planner(db, "show", "F6666FF")
    assert_fits(show)
    for item in ITEM_IDS:
        assert item in show.out.split(), item
    assert_fits(planner(db, "gaps"))
    history = planner(db, "history", "F6666FF")
    assert_fits(history)
    assert " ".join(history.out.split()).count(LONG_NOTE) == 1  # wrapped, not cut


def test_piped_output_is_80_columns_wide(db: Path) -> None:
    """No terminal and no $COLUMNS: 80, not a 200-column table."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    command = str(Path(sys.executable).parent / "planner")
    done = subprocess.run(
        [command, "--db", str(db), "--today", TODAY.isoformat(),
         "list", "--all", "--columns", "number,name,location,release,most_urgent,com,assigned"],
        capture_output=True, stdin=subprocess.DEVNULL, env=env, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert max(cell_len(line) for line in done.stdout.splitlines()) <= 80
    assert "Most urgent: " in done.stdout  # what does not fit is listed under its row


def test_wide_terminals_get_one_line_per_person(db: Path) -> None:
    run = planner(db, "list", columns=160)
    assert_fits(run, 160)
    assert len(run.lines) == 3 + 5 + 2  # title, heading, rule, five people, count, legend


# --- history --------------------------------------------------------------------------------


def test_history_reads_in_labels_newest_first(db: Path) -> None:
    run = planner(db, "history", "A1111AA", columns=200)
    assert run.code == 0, run.err
    text = run.out
    assert "Duty to Refer made to a local housing authority: Consent given" in text
    assert "evidence.consent" not in text and " True" not in text
    assert "Release address confirmed: Accommodation type" in text
    assert "not started -> in progress" in text and "— -> No fixed abode" in text
    assert "Assigned to" in text and f"— -> {OFFICER}" in text
    # newest first, as the UI lists it: the assignment was the last change
    first_row = run.lines[3]
    assert "Assigned to" in first_row
    assert text.index("Assigned to") < text.index("Record")
    as_json = orjson.loads(planner(db, "history", "A1111AA", "--json").out)["entries"]
    assert as_json[0]["field"] == "case"  # JSON stays oldest first
    assert {"what": "Duty to Refer made to a local housing authority: Consent given"}.items() <= (
        next(e for e in as_json if e["field"] == "evidence.consent").items()
    )


def test_history_shows_contacts_circumstances_and_dates_in_words(db: Path) -> None:
    run = planner(db, "history", "B2222BB", columns=200)
    assert run.code == 0, run.err
    assert "Circumstances" in run.out and "— -> On medication" in run.out
    assert "Release date" in run.out and "— -> Fri 22 Jan 2027" in run.out
    assert "Ethnicity" in run.out and "White: Irish" in run.out
    assert "Bank account held or opened: reason" in run.out and "Has an account" in run.out
    smith = planner(db, "history", "A1111AA", columns=200)
    assert "COM name" in smith.out and "— -> Sam Dobson" in smith.out
    assert "COM PDU" in smith.out and "— -> Leeds PDU" in smith.out


def test_a_window_is_due_for_release_not_released(db: Path) -> None:
    """The people in a window have not been released yet: the heading says what it means."""
    run = planner(db, "list", "--within", "28", columns=120)
    assert run.code == 0, run.err
    assert run.lines[0].endswith(": active people due for release in the next 28 days")
    views = planner(db, "views")
    assert "due for release in the next 28 days" in views.out
    assert "released in" not in (run.out + views.out).lower()
