"""`planner report` through the real CLI on a real database: the terminal table, JSON,
CSV read back with the csv module, a PDF read back with pypdf (its text and a chart
image), one woman among many men revealing nothing in any format, the audit entry of
every run, and bad input refused with exit code 2 naming the option."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from planner.cli import main
from planner.domain.person import Circumstances
from planner.domain.template import Template
from planner.reports.audit import REPORT_FIELD
from planner.reports.bars import measure_bars
from planner.reports.groups import grouping
from planner.reports.outcomes import outcomes_report
from planner.store.repository import CaseStore
from tests.conftest import NOW, TODAY
from tests.report_caseload import add_released, numbers

OFFICER = "Test Officer"
RELEASED = date(2026, 11, 2)
HOUSED = ["settled"] * 6 + ["cas"] * 2 + ["rough_sleeping"] * 3 + ["other_homeless", "unknown"]
WOMAN = "W1234WA"
WING = "=SUM(A1)"  # a location a spreadsheet would run as a formula, if let


@pytest.fixture
def db(db_path: Path, template: Template) -> Path:
    """Thirteen men released on 2 November 2026 (five of them on a wing named like a
    formula) and one woman, who slept rough."""
    with CaseStore(db_path, officer=OFFICER, clock=lambda: NOW) as store:
        ids = numbers()
        for n, night in enumerate(HOUSED):
            add_released(
                store,
                template,
                next(ids),
                released_on=RELEASED,
                answers={"first_night": night, "bank": "yes" if n % 2 else "no"},
                circumstances=Circumstances(on_medication=n < 6),
                sex="male",
                location=f"{WING}-1-00{n}" if n < 5 else f"[red]-2-{n:03d}",
                surname="Lovelace",
            )
        add_released(
            store,
            template,
            WOMAN,
            released_on=RELEASED,
            answers={"first_night": "rough_sleeping", "bank": "no"},
            sex="female",
            surname="Lovelace",
        )
    return db_path


def run(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "--officer", OFFICER, "--today", TODAY.isoformat(), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def runs(db: Path) -> list[str]:
    with CaseStore(db, read_only=True) as store:
        return [str(e.new) for e in store.history() if e.field == REPORT_FIELD]


def test_the_table_shows_each_measure_and_no_one(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    code, out, err = run(
        capsys, db, "report", "outcomes", "--by", "location", "--from", "01/10/2026"
    )
    assert (code, err) == (0, "")
    assert "Housed on release" in out and "Settled accommodation at 3 months" in out
    assert f"\n{WING} " in out and "\n[red] " in out  # labels as recorded, never markup
    assert WOMAN not in out and "Lovelace" not in out and "A1000" not in out
    assert runs(db) == [
        "ran the outcomes report (by location, from 2026-10-01, to 2026-11-23, threshold 5, "
        "format table)"
    ]


def test_json_shape(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, out, _err = run(capsys, db, "report", "outcomes", "--by", "sex", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["version"] == 1 and doc["report"] == "outcomes" and doc["threshold"] == 5
    assert (doc["from"], doc["to"]) == ("2025-11-23", "2026-11-23")
    assert doc["grouping"]["key"] == "sex"
    assert [g["key"] for g in doc["groups"]] == ["female", "male"]
    housed = doc["measures"][0]
    assert set(housed) >= {"id", "label", "definition", "source", "checked", "columns", "rows"}
    assert housed["id"] == "first_night" and housed["checked"] == "2026-12-01"
    male = housed["rows"][1]
    yes = male["cells"]["yes"]
    assert male["group"] == "male" and set(yes) == {"count", "hidden", "text"}
    assert (yes["count"], yes["hidden"], yes["text"]) in (
        (8, None, "8"),
        (None, "secondary", "withheld"),
    )
    assert male["rate"]["rate"] is None or 0 <= male["rate"]["rate"] <= 1
    assert set(housed["all"]) == {"people", "cells", "rate"}


def _female_reveals_nothing(cells: dict[str, dict[str, object]], totals: dict[str, object]) -> None:
    for column, cell in cells.items():
        assert cell["count"] is None or totals[column] == 0, column


def test_one_woman_among_many_men_reveals_nothing_in_json(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    _code, out, _err = run(capsys, db, "report", "outcomes", "--by", "sex", "--json")
    for measure in json.loads(out)["measures"]:
        female = measure["rows"][0]
        totals = {k: v["count"] for k, v in measure["all"]["cells"].items()}
        assert female["people"]["count"] is None
        _female_reveals_nothing(female["cells"], totals)
        assert female["rate"]["rate"] is None
        # nor by subtraction: the men's size or the total is hidden with hers
        assert None in (measure["rows"][1]["people"]["count"], measure["all"]["people"]["count"])


def test_csv_reads_back_in_a_spreadsheet_and_hides_her(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "outcomes.csv"
    code, _out, err = run(capsys, db, "report", "outcomes", "--by", "sex", "-o", str(target))
    assert code == 0 and "Wrote" in err
    raw = target.read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0])[:3] == ["Measure", "Sex", "People"]
    female = [r for r in rows if r["Sex"] == "Female"]
    assert len(female) == 11  # one row per measure
    for row in female:
        assert row["People"] == "fewer than 5"
        assert row["Rate %"] == "" and row["95% CI low %"] == ""
    everyone = {r["Measure"]: r for r in rows if r["Sex"] == "All people"}
    for row in female:
        for column in ("Yes", "No", "Unknown"):
            if row[column] not in ("fewer than 5", "withheld", ""):
                assert row[column] == everyone[row["Measure"]][column] == "0"
    assert target.stat().st_mode & 0o777 == 0o600


def test_csv_cells_are_formula_safe(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code, out, _err = run(capsys, db, "report", "outcomes", "--by", "location", "--csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff"))))
    labels = {row[1] for row in rows[1:]}
    assert f"'{WING}" in labels and WING not in labels
    assert "[red]" in labels


def test_pdf_reads_back_with_its_text_and_a_chart(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "outcomes.pdf"
    code, _out, err = run(capsys, db, "report", "outcomes", "--by", "sex", "--pdf", str(target))
    assert (code, err.strip()) == (0, f"Wrote {target}")
    reader = PdfReader(target)
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "Outcomes of the people released from 23 Nov 2025 to 23 Nov 2026" in flat
    assert "Housed on release" in text and "Offender Accommodation Outcomes" in text
    assert "fewer than 5" in text
    assert WOMAN not in text and "Lovelace" not in text
    for line in text.splitlines():
        if line.startswith("Female "):  # her row: nothing but hidden cells or a 0 for all
            # ("fewer than 5" wraps in its narrow column: its "5" starts the next line)
            assert set(line.split()[1:]) <= {"fewer", "than", "5", "withheld", "0"}, line
    images = [image for page in reader.pages for image in page.images]
    with CaseStore(db, officer=OFFICER) as store:
        report = outcomes_report(
            store, grouping("sex"), first=date(2025, 11, 23), last=TODAY, threshold=5
        )
    for measure in report.measures:  # her bar in each chart: the words, never a bar
        female = measure_bars(report, measure)[0]
        assert (female.label, female.value) == ("Female", None)
        assert female.words in ("fewer than 5", "withheld")
    assert len(images) >= 2  # charts (identical ones are stored once)
    assert images[0].image is not None and images[0].image.width > 1000


def test_readiness_and_calendar_in_every_format(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    for argv in (
        ["readiness", "--by", "age"],
        ["readiness", "--json"],
        ["readiness", "--csv"],
        ["calendar", "--weeks", "4"],
        ["calendar", "--json"],
        ["calendar", "--csv"],
    ):
        code, out, err = run(capsys, db, "report", *argv)
        assert (code, err) == (0, ""), argv
        assert out
    code, _out, _err = run(capsys, db, "report", "calendar", "--pdf", str(tmp_path / "c.pdf"))
    assert code == 0
    reader = PdfReader(tmp_path / "c.pdf")
    assert "Release calendar" in reader.pages[0].extract_text()
    assert reader.pages[0].images
    assert len(runs(db)) == 7


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["outcomes", "--threshold", "2"], "--threshold: must be 3 or more"),
        (["outcomes", "--by", "shoe size"], "--by: 'shoe size' is not a grouping"),
        (["outcomes", "--from", "01/11/2026", "--to", "01/10/2026"], "--to 01/10/2026 is before"),
        (["outcomes", "--from", "31/02/2026"], "--from"),
        (["readiness", "--within", "0"], "--within: must be from 1"),
        (["calendar", "--weeks", "0"], "--weeks: must be from 1"),
        (["calendar", "--json", "--csv"], "--json and --csv: choose one output"),
    ],
)
def test_bad_input_exits_2_naming_the_option(
    capsys: pytest.CaptureFixture[str], db: Path, argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, db, "report", *argv)
    assert code == 2 and out == ""
    assert err.startswith("planner: ") and message in err and len(err.splitlines()) == 1
    assert runs(db) == []  # refused before anything ran


def test_an_existing_file_is_kept_without_force(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "kept.pdf"
    target.write_bytes(b"mine")
    code, _out, err = run(capsys, db, "report", "outcomes", "--pdf", str(target))
    assert code == 2 and "--force" in err and target.read_bytes() == b"mine"
    code, _out, _err = run(capsys, db, "report", "outcomes", "--pdf", str(target), "--force")
    assert code == 0 and target.read_bytes().startswith(b"%PDF")


def test_a_report_needs_an_officer(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    code = main(["--db", str(db), "report", "calendar"])
    _out, err = capsys.readouterr()
    assert code == 2 and "no officer name is set" in err


def test_the_config_threshold_is_never_below_three(
    capsys: pytest.CaptureFixture[str], db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("report_threshold = 2\n")
    monkeypatch.setenv("PLANNER_CONFIG", str(config))
    code, _out, err = run(capsys, db, "report", "outcomes")
    assert code == 2 and "report_threshold" in err
    config.write_text("report_threshold = 10\n")
    code, out, _err = run(capsys, db, "report", "outcomes", "--json")
    assert code == 0 and json.loads(out)["threshold"] == 10


def test_a_database_that_cannot_record_the_run_makes_no_report(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    from planner.store.layout import DatabaseFiles

    files = [p for p in DatabaseFiles(db).all() if p.exists()]
    for path in files:
        path.chmod(0o444)
    db.parent.chmod(0o555)
    try:
        code, out, err = run(capsys, db, "report", "outcomes")
    finally:
        db.parent.chmod(0o755)
        for path in files:
            path.chmod(0o600)
    assert code == 1 and out == ""
    assert "every report run is recorded in the audit log" in err and "read-only" in err
    assert runs(db) == []
