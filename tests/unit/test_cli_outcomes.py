"""`planner release` and `planner follow-up` on a real database, read back by `show`,
`show --json` and `history`; bad answers exit 2 naming the option, writing nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from planner.domain.outcome_measures import UNKNOWN
from planner.domain.person import CaseState
from planner.store.repository import CaseStore
from tests.unit.test_cli_contacts import NUMBER, add, files, run


def outcome_of(db: Path) -> tuple[CaseState, dict[str, str], dict[str, str]]:
    with CaseStore(db, read_only=True) as store:
        case = store.get(NUMBER)
    assert case.outcome is not None
    follow_ups = {k: v.answer for k, v in case.outcome.follow_ups.items()}
    return case.person.state, case.outcome.answers, follow_ups


def test_release_records_the_answers_and_marks_the_person_released(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    add(capsys, db_path, "--circumstance", "substance_misuse")
    code, out, err = run(
        capsys,
        db_path,
        "release",
        NUMBER,
        "--on",
        "16/11/2026",
        "--first-night",
        "cas",
        "--id",
        "yes",
        "--bank",
        "No",
        "--treatment",
        "unknown",
        "--planned-day",
        "brought forward",
    )
    assert (code, err) == (0, "")
    assert out.startswith(f"{NUMBER}: release outcomes saved.\n")
    assert "Housed on release: Other housed: Community Accommodation Service (CAS)" in out
    assert "Follow-up due Mon 30 Nov 2026: First jobcentre appointment kept" in out
    state, answers, follow_ups = outcome_of(db_path)
    assert state is CaseState.RELEASED
    assert answers == {
        "first_night": "cas",
        "id": "yes",
        "bank": "no",
        "uc": UNKNOWN,  # not given: unknown, never "no"
        "treatment": UNKNOWN,
        "planned_day": "brought_forward",
    }
    assert follow_ups == {}

    code, out, _ = run(capsys, db_path, "release", NUMBER, "--uc", "yes")  # one answer changes
    assert code == 0 and outcome_of(db_path)[1]["uc"] == "yes"
    assert outcome_of(db_path)[1]["bank"] == "no"
    code, out, _ = run(capsys, db_path, "release", NUMBER, "--uc", "yes")
    assert out.startswith(f"{NUMBER}: release outcomes no change.")


def test_follow_ups_are_recorded_and_shown_with_what_is_still_due(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    add(capsys, db_path)
    run(capsys, db_path, "release", NUMBER, "--on", "02/11/2026", "--first-night", "settled")
    code, out, err = run(
        capsys,
        db_path,
        "follow-up",
        NUMBER,
        "jobcentre_kept=yes",
        "employed_6w=not available for work (retired, long-term sick, caring)",
        "--on",
        "20/11/2026",
    )
    assert (code, err) == (0, ""), err
    assert outcome_of(db_path)[2] == {"jobcentre_kept": "yes", "employed_6w": "not_available"}
    code, out, _ = run(capsys, db_path, "show", NUMBER)
    assert code == 0
    shown = " ".join(out.split())
    assert "Release outcomes (released Mon 2 Nov 2026; england-wales@4)" in shown
    assert "First jobcentre appointment kept: Yes (recorded Fri 20 Nov 2026)" in shown
    assert "Follow-up due Tue 2 Feb 2027: Settled accommodation at 3 months" in shown
    assert "treatment" not in shown.lower().split("release outcomes")[1]  # not their need

    code, out, _ = run(capsys, db_path, "show", NUMBER, "--json")
    data = json.loads(out)
    assert data["outcome"]["answers"]["first_night"] == "settled"
    assert data["outcome"]["follow_ups"]["employed_6w"]["recorded_on"] == "2026-11-20"
    assert data["follow_ups_due"] == [
        {"measure": "settled_3m", "label": "Settled accommodation at 3 months", "due": "2027-02-02"}
    ]
    _code, history, _ = run(capsys, db_path, "history", NUMBER)
    assert "Release outcome: In employment 6 weeks after release" in " ".join(history.split())
    assert "Not available for work" in history


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["release", NUMBER, "--bank", "maybe"], "--bank: 'maybe' is not an answer; one of yes"),
        (
            ["release", NUMBER, "--first-night", "hostel"],
            "--first-night: 'hostel' is not an answer",
        ),
        (["release", NUMBER, "--treatment", "yes"], "--treatment: applies only to people with a"),
        (["release", NUMBER, "--on", "24/11/2026"], "--on: 24/11/2026 is after today"),
        (["release", NUMBER, "--on", "31/02/2026"], "--on"),
        (["release", NUMBER, "--answer", "housing=yes"], "unknown outcome measure 'housing'"),
        (["release", NUMBER, "--answer", "bank"], "--answer: 'bank' is not MEASURE=ANSWER"),
        (
            ["release", NUMBER, "--answer", "employed_6w=yes"],
            "--answer employed_6w: is a follow-up",
        ),
        (["follow-up", NUMBER, "employed_6w=yes"], f"{NUMBER}: no release outcome is recorded yet"),
    ],
)
def test_bad_input_exits_2_naming_the_option_with_nothing_written(
    capsys: pytest.CaptureFixture[str], db_path: Path, argv: list[str], says: str
) -> None:
    add(capsys, db_path)
    before = files(db_path)
    code, out, err = run(capsys, db_path, *argv)
    assert (code, out) == (2, "")
    assert err.startswith(f"planner: {says}"), err
    assert err.count("\n") == 1
    assert files(db_path) == before


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["employed_6w=maybe"], "employed_6w: 'maybe' is not an answer"),
        (["bank=yes"], "bank: is answered on release day"),
        (["employed_6w=yes", "--on", "01/11/2026"], "employed_6w: --on 01/11/2026 is before"),
        (["employed_6w"], "MEASURE=ANSWER: 'employed_6w' is not MEASURE=ANSWER"),
    ],
)
def test_a_bad_follow_up_exits_2_with_nothing_written(
    capsys: pytest.CaptureFixture[str], db_path: Path, argv: list[str], says: str
) -> None:
    add(capsys, db_path)
    run(capsys, db_path, "release", NUMBER, "--on", "02/11/2026")
    before = files(db_path)
    code, _out, err = run(capsys, db_path, "follow-up", NUMBER, *argv)
    assert code == 2 and err.startswith(f"planner: {says}"), err
    assert files(db_path) == before


def test_release_defaults_to_today_and_help_has_examples(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    add(capsys, db_path)
    assert run(capsys, db_path, "release", NUMBER)[0] == 0
    with CaseStore(db_path, read_only=True) as store:
        outcome = store.get(NUMBER).outcome
    assert outcome is not None and outcome.released_on == date(2026, 11, 23)
    assert outcome.recorded_by == "Test Officer"
    for command in ("release", "follow-up"):
        code, out, _ = run(capsys, db_path, command, "--help")
        assert code == 0 and "Examples:" in out and f"planner {command} A1234BC" in out
