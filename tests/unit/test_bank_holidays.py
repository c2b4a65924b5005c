"""England and Wales bank holidays: the same dates as `holidays` computes, served from a
cache after the first process, which never holds a date `holidays` did not give it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from importlib.metadata import version
from pathlib import Path

import holidays
import orjson
import pytest

import planner.domain.bank_holidays as module
from planner.domain.bank_holidays import FIRST_YEAR, LAST_YEAR, bank_holidays, keep_span_in
from planner.domain.calendar import bank_holiday_name
from planner.store.holiday_cache import HolidayCacheFile, cache_path


def computed_by_holidays(year: int) -> dict[date, str]:
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return {day: str(name) for day, name in calendar.items()}


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(folder))
    kept = module.span_cache()
    keep_span_in(HolidayCacheFile())
    yield folder
    keep_span_in(kept)  # later tests build it again in their own folder


def forbid_computing(monkeypatch: pytest.MonkeyPatch) -> None:
    def compute(years: range) -> module.Calendar:
        raise AssertionError(f"computed {years} instead of reading the cache")

    monkeypatch.setattr(module, "_compute", compute)


@pytest.mark.parametrize("year", [FIRST_YEAR, 2012, 2020, 2022, 2023, 2026, 2027, LAST_YEAR])
def test_the_span_holds_what_holidays_computes_for_each_year(cache_dir: Path, year: int):
    assert dict(bank_holidays(year)) == computed_by_holidays(year)


@pytest.mark.parametrize("year", [1999, LAST_YEAR + 1])
def test_a_year_outside_the_span_is_computed_when_asked(cache_dir: Path, year: int):
    assert dict(bank_holidays(year)) == computed_by_holidays(year)


def test_one_off_bank_holidays_come_from_holidays(cache_dir: Path):
    assert bank_holiday_name(date(2022, 9, 19))  # the State Funeral of Queen Elizabeth II
    assert bank_holiday_name(date(2023, 5, 8))  # the Coronation of King Charles III
    assert bank_holiday_name(date(2026, 12, 28)) == "Boxing Day (observed)"
    assert bank_holiday_name(date(2026, 12, 29)) is None


def test_later_processes_read_the_cache_without_holidays(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    first = {year: dict(bank_holidays(year)) for year in range(FIRST_YEAR, LAST_YEAR + 1)}
    path = cache_path()
    assert path is not None and path.parent == cache_dir and path.is_file()
    assert path.name == f"bank-holidays-eng-{version('holidays')}.json"
    assert path.stat().st_mode & 0o077 == 0
    module._span.cache_clear()  # as a new process
    forbid_computing(monkeypatch)
    assert {year: dict(bank_holidays(year)) for year in first} == first


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not json",
        b"[]",
        b'{"header": {}, "days": {}}',
        "other version",
        "a date outside the span",
        "a name that is not text",
    ],
)
def test_a_cache_that_does_not_match_is_computed_again_and_replaced(
    cache_dir: Path, damage: bytes | str
):
    expected = dict(bank_holidays(2026))
    path = cache_path()
    assert path is not None
    data = orjson.loads(path.read_bytes())
    if damage == "other version":
        data["header"]["holidays"] = "0.0"
    elif damage == "a date outside the span":
        data["days"]["1999-12-31"] = "Not a bank holiday"
    elif damage == "a name that is not text":
        data["days"]["2026-12-25"] = 25
    path.write_bytes(damage if isinstance(damage, bytes) else orjson.dumps(data))
    module._span.cache_clear()
    assert dict(bank_holidays(2026)) == expected
    assert orjson.loads(path.read_bytes())["days"]["2026-12-25"] == "Christmas Day"


def test_a_cache_folder_that_cannot_be_written_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    blocker = tmp_path / "a file, not a folder"
    blocker.write_text("")
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(blocker / "cache"))
    kept = module.span_cache()
    keep_span_in(HolidayCacheFile())
    try:
        assert dict(bank_holidays(2026)) == computed_by_holidays(2026)
    finally:
        keep_span_in(kept)
    assert list(tmp_path.iterdir()) == [blocker]


def test_without_a_cache_the_domain_computes_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "cache"))
    kept = module.span_cache()
    keep_span_in(None)
    try:
        assert dict(bank_holidays(2026)) == computed_by_holidays(2026)
    finally:
        keep_span_in(kept)
    assert not (tmp_path / "cache").exists()
