"""planner export on the command line: files, exit codes and one-line errors."""

from __future__ import annotations

import io
import json
import os
import select
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from planner.cli import main
from planner.domain.template import Template
from planner.store.repository import CaseStore
from tests.conftest import NOW, make_person
from tests.unit.test_export_cases import record_rich_case


@pytest.fixture
def db(tmp_path: Path, template: Template, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "planner.db"
    with CaseStore(path, officer="Test Officer", clock=lambda: NOW) as store:
        record_rich_case(store, template)
        store.add(make_person("B2345CD", release=date(2026, 11, 30)), template)
        store.add(make_person("C3456DE", release=date(2027, 6, 1)), template)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return path


def run(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "--officer", "Pat Officer", "--today", "2026-11-23", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_one_summary_lands_in_the_current_folder(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, db, "export", "a1234bc")
    target = Path.cwd() / "A1234BC_ONeill-Ward_2026-12-16.pdf"
    assert (code, err) == (0, "")
    assert out.strip() == f"Wrote {target}"
    assert target.read_bytes().startswith(b"%PDF-")
    assert target.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("fmt", "suffix", "start"),
    [
        ("md", ".md", b"# Handover summary"),
        ("json", ".json", b"{"),
        ("note", ".txt", b"Part 1 of "),
    ],
)
def test_each_format(
    db: Path, capsys: pytest.CaptureFixture[str], fmt: str, suffix: str, start: bytes
) -> None:
    code, _, _ = run(capsys, db, "export", "A1234BC", "--format", fmt, "-o", f"out{suffix}")
    assert code == 0
    assert (Path.cwd() / f"out{suffix}").read_bytes().startswith(start)


def test_existing_file_needs_force(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("mine.md").write_text("keep me")
    code, _, err = run(capsys, db, "export", "A1234BC", "-f", "md", "-o", "mine.md")
    assert code == 2
    assert err.count("\n") == 1 and "already exists; use --force" in err
    assert Path("mine.md").read_text() == "keep me"
    code, _, _ = run(capsys, db, "export", "A1234BC", "-f", "md", "-o", "mine.md", "--force")
    assert code == 0 and Path("mine.md").read_text().startswith("# Handover summary")


def test_redact_flag(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, db, "export", "A1234BC", "-f", "md", "--redact", "-o", "r.md")
    text = Path("r.md").read_text(encoding="utf-8")
    assert code == 0 and "REDACTED SUMMARY" in text and "Stockwell Green Surgery" not in text


def test_batch_within_days(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, db, "export", "--within", "30", "-f", "md", "-o", "batch")
    assert (code, err) == (0, "")
    assert out.strip() == "Wrote 2 Markdown summaries to batch"
    assert sorted(p.name for p in Path("batch").iterdir()) == [
        "A1234BC_ONeill-Ward_2026-12-16.md",
        "B2345CD_Example_2026-11-30.md",
    ]
    code, _, err = run(capsys, db, "export", "--within", "30", "-f", "md", "-o", "batch")
    assert code == 2 and err.count("\n") == 1
    assert "2 of 2 files already exist" in err and err.rstrip().endswith("to replace them")


def test_batch_with_nobody_due(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, db, "export", "--within", "1")
    assert code == 0 and "Nobody is due for release in the next 1 days" in out


def test_caseload_csv(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, db, "export", "--caseload", "-o", "caseload.csv")
    data = Path("caseload.csv").read_bytes()
    assert code == 0 and out.startswith("Wrote")
    assert data.startswith(b"\xef\xbb\xbfPrison number,") and data.count(b"\r\n") == 4


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), "give one of: a prison NUMBER, --within DAYS or --caseload"),
        (("A1234BC", "--caseload"), "give one of"),
        (("--caseload", "--format", "md"), "--caseload always writes CSV"),
        (("A1234BC", "--format", "docx"), "'docx' is not one of"),
        (("--within", "-3"), "--within"),
        (("XYZ",), "prison number 'XYZ' is not of the form A1234BC"),
        (("Z9999ZZ",), "no person with prison number Z9999ZZ"),
        (("A1234BC", "-o", "missing/x.pdf"), "does not exist"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    db: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    code, out, err = run(capsys, db, "export", *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err


def test_no_database_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, tmp_path / "none.db", "export", "A1234BC")
    assert code == 1 and err.count("\n") == 1 and "no database" in err


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--help"]) == 0
    out = capsys.readouterr().out
    assert "planner export --within 14 -o handover/" in out
    assert "--redact" in out and "--force" in out


# --- -o -: standard output -------------------------------------------------------------------


def run_binary(capsysbinary: pytest.CaptureFixture[bytes], db: Path, *argv: str) -> Any:
    code = main(["--db", str(db), "--officer", "Pat Officer", "--today", "2026-11-23", *argv])
    out, err = capsysbinary.readouterr()
    return code, out, err.decode()


@pytest.mark.parametrize(
    ("fmt", "start"),
    [("md", b"# Handover summary: Alexandra"), ("json", b"{"), ("note", b"Part 1 of ")],
)
def test_a_dash_writes_a_text_summary_to_standard_output(
    db: Path, capsysbinary: pytest.CaptureFixture[bytes], fmt: str, start: bytes
) -> None:
    code, out, err = run_binary(capsysbinary, db, "export", "A1234BC", "-f", fmt, "-o", "-")
    assert (code, err) == (0, "")
    assert out.startswith(start) and b"Wrote" not in out  # the summary and nothing else
    assert b"A1234BC" in out
    if fmt == "json":
        assert json.loads(out)["person"]["prison_number"] == "A1234BC"
    assert list(Path.cwd().iterdir()) == []  # no file named "-", nor any other


def test_a_dash_writes_the_caseload_csv_to_standard_output(
    db: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, piped, err = run_binary(capsysbinary, db, "export", "--caseload", "-o", "-")
    assert (code, err) == (0, "")
    assert run_binary(capsysbinary, db, "export", "--caseload", "-o", "caseload.csv")[0] == 0
    assert piped == (Path.cwd() / "caseload.csv").read_bytes()  # the same bytes as the file
    assert piped.decode("utf-8-sig").count("\n") == 4  # a header and three people


def test_a_pdf_goes_to_standard_output_only_when_it_is_not_a_terminal(
    db: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, out, err = run_binary(capsysbinary, db, "export", "A1234BC", "-o", "-")
    assert (code, err) == (0, "")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(out)).pages)
    assert "Alexandra O'Neill-Ward" in text
    assert list(Path.cwd().iterdir()) == []


def test_a_pdf_is_refused_on_a_terminal(db: Path, tmp_path: Path) -> None:
    """Run for real with standard output on a pseudo-terminal: one line, exit 2, no file."""
    master, slave = os.openpty()
    env = {**os.environ, "HOME": str(tmp_path), "NO_COLOR": "1"}
    argv = ["--db", str(db), "--officer", "Pat Officer", "export", "A1234BC", "-o", "-"]
    code = f"import sys; from planner.cli import run; sys.argv = ['planner', *{argv!r}]; run()"
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(slave)
    shown = b""  # what reached the terminal, read as it comes so the child never blocks
    try:
        while True:
            if select.select([master], [], [], 30)[0]:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child has gone and closed its side
                    break
                if not chunk:
                    break
                shown += chunk
            elif process.poll() is not None:
                break
        assert process.stderr is not None
        message = process.stderr.read().decode()
        returncode = process.wait(timeout=30)
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
    assert shown == b""  # not a byte of PDF on the screen
    assert returncode == 2
    assert message.startswith("planner: a PDF cannot be shown on a terminal: give -o FILE.pdf")
    assert message.count("\n") == 1
    assert list(Path.cwd().iterdir()) == []


def test_a_dash_cannot_take_a_file_per_person(
    db: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, out, err = run_binary(capsysbinary, db, "export", "--within", "14", "-o", "-")
    assert (code, out) == (2, b"")
    assert err == "planner: --within writes a file per person: give -o a folder, not -\n"
    assert list(Path.cwd().iterdir()) == []
