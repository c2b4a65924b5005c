"""Writing exports: predictable names, private files, and no silent overwrite."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from planner.domain.template import Template
from planner.export import service
from planner.export.files import (
    ExportFormat,
    InvalidExport,
    OutputExists,
    make_private_folder,
    parse_format,
    safe_name_part,
    summary_file_name,
    write_file,
)
from planner.export.service import due_for_release, export_batch, export_case
from planner.store.errors import CaseNotFound
from planner.store.repository import CaseStore
from tests.conftest import TODAY, make_person
from tests.unit.test_export_cases import OFFICER, record_rich_case


@pytest.mark.parametrize(
    ("surname", "expected"),
    [
        ("O'Neill-Ward", "ONeill-Ward"),
        ("Zoë", "Zoe"),
        ("de la Cruz", "de-la-Cruz"),
        ("../../etc/passwd", "etc-passwd"),
        ("Nguyễn", "Nguyen"),
        ("王", "unknown"),
    ],
)
def test_surnames_become_safe_file_name_parts(surname: str, expected: str) -> None:
    assert safe_name_part(surname) == expected


def test_file_names_are_predictable() -> None:
    name = summary_file_name("A1234BC", "O'Neill", date(2026, 12, 16), ExportFormat.PDF)
    assert name == "A1234BC_ONeill_2026-12-16.pdf"
    assert summary_file_name("A1234BC", "X", None, ExportFormat.NOTE) == (
        "A1234BC_X_no-release-date.txt"
    )


def test_formats_parse_with_aliases() -> None:
    assert parse_format("Markdown") is ExportFormat.MARKDOWN
    with pytest.raises(InvalidExport, match="not one of"):
        parse_format("docx")


def test_files_are_private_and_never_overwritten_without_force(tmp_path: Path) -> None:
    path = tmp_path / "out.md"
    write_file(path, b"first", force=False)
    assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(OutputExists, match=r"already exists$") as refused:
        write_file(path, b"second", force=False)
    assert (refused.value.first, refused.value.existing, refused.value.total) == (path, 1, 1)
    assert "--force" not in str(refused.value)  # each interface says how to replace it
    assert path.read_bytes() == b"first"
    write_file(path, b"second", force=True)
    assert path.read_bytes() == b"second"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]  # no temporary file left


def test_export_case_to_a_folder_uses_the_default_name(
    store: CaseStore, template: Template, tmp_path: Path
) -> None:
    record_rich_case(store, template)
    path = export_case(
        store, "A1234BC", ExportFormat.MARKDOWN, tmp_path, officer=OFFICER, today=TODAY
    )
    assert path == tmp_path / "A1234BC_ONeill-Ward_2026-12-16.md"
    assert path.read_text(encoding="utf-8").startswith("# Handover summary")


def test_export_case_defaults_to_the_current_folder(
    store: CaseStore, template: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add(make_person(), template)
    monkeypatch.chdir(tmp_path)
    path = export_case(store, "A1234BC", ExportFormat.JSON, officer=OFFICER, today=TODAY)
    assert path.parent == tmp_path and path.suffix == ".json"


def _cohort(store: CaseStore, template: Template) -> None:
    store.add(make_person("A1111AA", release=date(2026, 12, 1)), template)
    store.add(make_person("B2222BB", release=date(2026, 11, 30)), template)
    store.add(make_person("C3333CC", release=date(2027, 3, 1)), template)
    store.add(make_person("D4444DD", release=None), template)


def test_batch_picks_people_released_soon(store: CaseStore, template: Template) -> None:
    _cohort(store, template)
    assert due_for_release(store, TODAY, 14) == ["B2222BB", "A1111AA"]


def test_batch_writes_one_file_each_and_reports_progress(
    store: CaseStore, template: Template, tmp_path: Path
) -> None:
    _cohort(store, template)
    seen: list[tuple[int, int, str]] = []
    folder = tmp_path / "new" / "folder"
    paths = export_batch(
        store,
        ["B2222BB", "A1111AA"],
        ExportFormat.NOTE,
        folder,
        officer=OFFICER,
        today=TODAY,
        progress=lambda done, total, path: seen.append((done, total, path.name)),
    )
    assert [p.name for p in paths] == [
        "B2222BB_Example_2026-11-30.txt",
        "A1111AA_Example_2026-12-01.txt",
    ]
    assert seen == [(1, 2, paths[0].name), (2, 2, paths[1].name)]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in paths)
    assert folder.stat().st_mode & 0o777 == 0o700  # file names are personal data too


def test_batch_writes_nothing_when_a_file_is_in_the_way(
    store: CaseStore, template: Template, tmp_path: Path
) -> None:
    _cohort(store, template)
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "A1111AA_Example_2026-12-01.md").write_text("officer's edits")
    with pytest.raises(OutputExists, match=r"1 of 2 files already exist .*\)$"):
        export_batch(
            store,
            ["B2222BB", "A1111AA"],
            ExportFormat.MARKDOWN,
            folder,
            officer=OFFICER,
            today=TODAY,
        )
    assert sorted(os.listdir(folder)) == ["A1111AA_Example_2026-12-01.md"]


def test_batch_names_each_person_once_and_checks_numbers_first(
    store: CaseStore, template: Template, tmp_path: Path
) -> None:
    _cohort(store, template)
    paths = export_batch(
        store,
        ["B2222BB", "B2222BB"],
        ExportFormat.JSON,
        tmp_path / "a",
        officer=OFFICER,
        today=TODAY,
    )
    assert len(paths) == 1
    with pytest.raises(CaseNotFound):
        export_batch(
            store,
            ["B2222BB", "Z9999ZZ"],
            ExportFormat.JSON,
            tmp_path / "b",
            officer=OFFICER,
            today=TODAY,
        )
    assert not (tmp_path / "b").exists()


def test_batch_can_be_stopped(store: CaseStore, template: Template, tmp_path: Path) -> None:
    _cohort(store, template)
    paths = export_batch(
        store,
        ["B2222BB", "A1111AA"],
        ExportFormat.JSON,
        tmp_path,
        officer=OFFICER,
        today=TODAY,
        stop=lambda: True,
    )
    assert len(paths) == 1


def test_pdf_batch_renders_in_worker_processes(
    store: CaseStore, template: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    numbers = [f"A{n:04d}BC" for n in range(60)]
    for number in numbers:
        store.add(make_person(number), template)
    built: list[str] = []
    real_summary_for = service.summary_for

    def counted(store: CaseStore, number: str, **options: Any) -> Any:
        built.append(number)
        return real_summary_for(store, number, **options)

    monkeypatch.setattr(service, "summary_for", counted)
    built_by_first_file: list[int] = []

    def progress(done: int, _total: int, _path: Path) -> None:
        if done == 1:
            built_by_first_file.append(len(built))

    pooled = export_batch(
        store,
        numbers,
        ExportFormat.PDF,
        tmp_path / "pool",
        officer=OFFICER,
        today=TODAY,
        workers=2,
        progress=progress,
    )
    assert len(pooled) == 60
    assert all(p.read_bytes().startswith(b"%PDF-") for p in pooled)
    # Summaries are built as rendering needs them, a few per worker, not all up front.
    assert built == numbers
    assert built_by_first_file[0] <= 2 * 2 * 8  # workers x chunks each x chunk size


FD_PATHS = Path("/proc/self/fd")  # what each open file descriptor names (Linux)


def _record_durability(monkeypatch: pytest.MonkeyPatch, folder: Path) -> list[tuple[str, str]]:
    """What reaches the disk in `folder`, in order: each fsync (of a file in it, or of the
    folder) and each rename into it (by the new name), passed on to the real calls. Other
    folders' writes (a cache a library fills on first use) are left out."""
    folder = folder.resolve()
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        synced = Path(os.readlink(FD_PATHS / str(fd)))
        if synced == folder:
            events.append(("fsync", "folder"))
        elif synced.parent == folder:
            events.append(("fsync", "file"))
        real_fsync(fd)

    def replace(source: Any, target: Any) -> None:
        if Path(target).resolve().parent == folder:
            events.append(("rename", Path(target).name))
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return events


@pytest.mark.skipif(not FD_PATHS.is_dir(), reason="needs /proc to name open files")
def test_a_batch_writes_each_file_whole_and_makes_the_folder_durable_once(
    store: CaseStore, template: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _cohort(store, template)
    folder = tmp_path / "out"
    events = _record_durability(monkeypatch, folder)
    paths = export_batch(
        store,
        ["B2222BB", "A1111AA", "C3333CC"],
        ExportFormat.MARKDOWN,
        folder,
        officer=OFFICER,
        today=TODAY,
    )
    each_file = [[("fsync", "file"), ("rename", path.name)] for path in paths]
    assert events == [*each_file[0], *each_file[1], *each_file[2], ("fsync", "folder")]
    assert sorted(os.listdir(folder)) == sorted(p.name for p in paths)  # no temporary file


@pytest.mark.skipif(not FD_PATHS.is_dir(), reason="needs /proc to name open files")
def test_a_stopped_batch_still_makes_its_files_durable(
    store: CaseStore, template: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _cohort(store, template)
    folder = tmp_path / "out"
    folder.mkdir()
    events = _record_durability(monkeypatch, folder)
    paths = export_batch(
        store,
        ["B2222BB", "A1111AA"],
        ExportFormat.JSON,
        folder,
        officer=OFFICER,
        today=TODAY,
        stop=lambda: True,
    )
    assert events == [("fsync", "file"), ("rename", paths[0].name), ("fsync", "folder")]


def test_a_new_export_folder_and_its_missing_parents_are_owner_only(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    folder = shared / "handovers" / "december"
    make_private_folder(folder)
    assert folder.is_dir()
    assert stat.S_IMODE((shared / "handovers").stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755  # what was there is left as it was
    make_private_folder(folder)  # already there: nothing to do, no error
