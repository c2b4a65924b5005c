"""One rule for an export path, shared by the command line and the UI: a path ending in a
path separator, or naming a folder that exists, is a folder (made if missing)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from planner.export.files import output_target
from tests.unit.test_export_cli import db, run

__all__ = ["db"]  # the fixture, shared with the export command's tests


def test_a_trailing_separator_names_a_folder_even_when_missing(tmp_path: Path) -> None:
    target = output_target(f"{tmp_path / 'new'}{os.sep}")
    assert target.is_folder and target.path == tmp_path / "new"
    assert target.file("x.pdf") == tmp_path / "new" / "x.pdf"
    assert not target.path.exists()  # nothing made until the export is written
    target.make_folder()
    assert target.path.is_dir() and target.path.stat().st_mode & 0o777 == 0o700


def test_an_existing_folder_is_a_folder_and_anything_else_a_file(tmp_path: Path) -> None:
    assert output_target(str(tmp_path)).is_folder
    file_target = output_target(str(tmp_path / "summary.pdf"))
    assert not file_target.is_folder
    assert file_target.file("ignored.pdf") == tmp_path / "summary.pdf"


def test_a_relative_path_is_taken_from_the_base(tmp_path: Path) -> None:
    assert output_target("out/", base=tmp_path).path == tmp_path / "out"
    assert output_target("~/x.pdf", base=tmp_path).path == Path.home() / "x.pdf"


def test_the_cli_writes_one_summary_into_a_folder_named_with_a_slash(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, db, "export", "A1234BC", "-o", "handover/")
    target = Path("handover") / "A1234BC_ONeill-Ward_2026-12-16.pdf"
    assert (code, err) == (0, "")
    assert out.strip() == f"Wrote {target}"
    assert (Path.cwd() / target).read_bytes().startswith(b"%PDF-")


def test_the_cli_writes_the_caseload_into_a_folder(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (Path.cwd() / "sheets").mkdir()
    for given in ("sheets", "more/"):
        code, out, err = run(capsys, db, "export", "--caseload", "-o", given)
        written = Path(given) / "caseload-2026-11-23.csv"
        assert (code, err) == (0, "")
        assert out.strip() == f"Wrote {written}"
        assert (Path.cwd() / written).read_bytes().startswith(b"\xef\xbb\xbf")
