"""The caseload as a working tracker, driven as an officer would: the filter bar against
`planner list --where` on the same database, saved views, search, "my caseload", marking
and assigning, the columns, and "Export this view" read back."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static

from planner.cli import main
from planner.config import Settings, load_settings
from planner.domain.template_loading import TemplateLibrary
from planner.export.audit import TABLE_FIELD
from planner.export.caseload_csv import view_file_name
from planner.store.repository import CaseStore
from planner.tui.app import PlannerApp, make_app
from planner.tui.caseload_rows import Scope, Window
from planner.tui.screens import caseload as caseload_module
from planner.tui.screens.assign import AssignScreen
from planner.tui.screens.caseload import CaseloadScreen
from planner.tui.screens.column_chooser import ColumnChooser
from planner.tui.screens.export_caseload import VIEW, CaseloadCsvScreen
from planner.tui.screens.view_picker import ViewPicker
from planner.tui.widgets.case_table import MARK, CaseTable
from tests.conftest import NOW, TODAY, build_database, copy_database
from tests.filter_people import add_filter_people
from tests.tui.conftest import OFFICER, fill_caseload, seed, settled, wait_for_caseload, wait_until

THREE_CONDITIONS = "bank.account != done and flag = critical and location starts with C"


@pytest.fixture(scope="session")
def twelve_people(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve people: the caseload's seven (no one assigned) and the filter tests' five
    (two of them in the acting officer's caseload, one in another officer's), written
    once: each test opens a copy of its own."""
    return build_database(
        tmp_path_factory, lambda path: seed(path, fill_caseload, add_filter_people)
    )


@pytest.fixture
def tracker(db_path: Path, twelve_people: Path) -> Iterator[CaseStore]:
    copy_database(twelve_people, db_path)
    with CaseStore(db_path, officer=OFFICER, clock=lambda: NOW) as store:
        yield store


def tracker_app(store: CaseStore, config: Path | None = None, **settings: Any) -> PlannerApp:
    chosen = Settings(officer=OFFICER, **settings)
    return make_app(
        store,
        today=TODAY,
        settings=chosen,
        templates=TemplateLibrary(),
        officer=OFFICER,
        config_path=config,
    )


def cli_numbers(db: Path, *argv: str) -> list[str]:
    """Who `planner list ARGV --json` lists on the same database, by number."""
    with CliRunner().isolation(env={"NO_COLOR": "1"}) as (out, err, _both):
        code = main(["--db", str(db), "--officer", OFFICER, "--today", TODAY.isoformat(),
                     "list", "--json", *argv])  # fmt: skip
    assert code == 0, err.getvalue()
    return sorted(p["number"] for p in orjson.loads(out.getvalue())["people"])


def shown(screen: CaseloadScreen) -> list[str]:
    return sorted(row.number for row in screen.query_one(CaseTable).rows)


def status_line(screen: CaseloadScreen) -> str:
    return str(screen.query_one("#active-filter", Static).render())


def help_line(screen: CaseloadScreen) -> str:
    return str(screen.query_one("#filter-help", Static).render())


async def everyone_in_any_window(pilot: Pilot[Any], screen: CaseloadScreen) -> None:
    """`a` (every release window, released people too) and everyone's cases, as
    `planner list --all` lists them."""
    await pilot.press("a")
    if screen.filter.scope is Scope.MINE:
        await pilot.press("m")
    assert screen.filter.window is Window.ALL and screen.filter.scope is Scope.EVERYONE


async def type_filter(pilot: Pilot[Any], screen: CaseloadScreen, text: str) -> None:
    """`f`, then the expression typed key by key, until its people are on screen."""
    await pilot.press("f")
    field = screen.query_one("#filter", Input)
    assert screen.app.focused is field
    await pilot.press(*text)
    assert field.value == text
    await wait_until(
        pilot, lambda: screen.applied.text == text and not screen.filtering, "the filter"
    )


@pytest.mark.parametrize(
    "expression",
    [
        THREE_CONDITIONS,
        "accommodation.address.accommodation_type in (no_fixed_abode, rough_sleeping)",
        "id.documents.date_received is empty and release within 84",
        "assigned = me",
        "com is empty and state = active",
        "BANK.ACCOUNT in (Not started, declined)",  # any case; a status by its label
    ],
)
async def test_a_filter_typed_in_the_bar_lists_whom_the_cli_lists(
    tracker: CaseStore, db_path: Path, expression: str
) -> None:
    expected = cli_numbers(db_path, "--all", "--where", expression)
    async with tracker_app(tracker).run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        await everyone_in_any_window(pilot, screen)
        await type_filter(pilot, screen, expression)
        assert shown(screen) == expected
        assert status_line(screen) == f"Filter: {screen.applied.filter}"
        await pilot.press("enter")  # back to the table; the filter stays, and says so
        assert isinstance(pilot.app.focused, CaseTable)
        assert not screen.bar.is_open
        assert shown(screen) == expected
        assert status_line(screen).startswith("Filter: ")


async def test_a_filter_reading_many_records_is_applied_in_a_worker_to_the_same_effect(
    tracker: CaseStore, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A filter that would read more stored records than the event loop may is applied
    in a worker; the people listed are the same."""
    expression = "id.documents.date_received is empty and location starts with B"
    expected = cli_numbers(db_path, "--all", "--where", expression)
    monkeypatch.setattr(caseload_module, "RECORDS_ON_THE_SPOT", 1)
    in_worker: list[str] = []
    select = CaseloadScreen._select

    def spy(self: CaseloadScreen, *args: Any) -> Any:
        in_worker.append(str(args[1]))
        return select(self, *args)

    monkeypatch.setattr(CaseloadScreen, "_select", spy)
    async with tracker_app(tracker).run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        await everyone_in_any_window(pilot, screen)
        await type_filter(pilot, screen, expression)
        assert shown(screen) == expected and expected
        assert in_worker[-1] == str(screen.applied.filter)


async def test_the_filter_applies_on_top_of_the_window_and_f5_clears_it(
    tracker: CaseStore, db_path: Path
) -> None:
    async with tracker_app(tracker).run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        await pilot.press("m")  # everyone's cases, in the default window
        unfiltered = shown(screen)
        await pilot.press("2")  # due for release in the next 28 days
        await type_filter(pilot, screen, "flag = critical")
        expected = cli_numbers(db_path, "--within", "28", "--where", "flag = critical")
        assert shown(screen) == expected
        await pilot.press("enter", "8", "f5")
        assert not screen.applied.filter and shown(screen) == unfiltered
        assert screen.query_one("#filter", Input).value == ""
        assert status_line(screen).startswith("No filter")


async def test_invalid_filter_text_shows_the_error_and_changes_nothing(
    tracker: CaseStore,
) -> None:
    async with tracker_app(tracker).run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        await everyone_in_any_window(pilot, screen)
        await type_filter(pilot, screen, "release within 28")
        before = shown(screen)
        applied = screen.applied
        await pilot.press("space", *"and bank.acount = done")
        assert help_line(screen) == 'unknown item "bank.acount" (did you mean bank.account?)'
        assert screen.applied.filter == applied.filter and shown(screen) == before
        assert status_line(screen).startswith("Filter: release within 28")
        await pilot.press("enter")  # the text is not a filter: the bar stays open
        assert screen.bar.is_open
        for wrong, error in [
            ("bank.account = finished", 'unknown status "finished" for bank.account'),
            ("accommodation.address.accommodation_type = tent", 'unknown choice "tent"'),
            ("accommodation.address.kind = x", 'unknown field "kind"'),
            ("release soon 28", 'unknown operator "soon 28"'),
        ]:
            screen.query_one("#filter", Input).value = wrong
            await pilot.pause()
            assert error in help_line(screen), wrong
            assert screen.applied.filter == applied.filter and shown(screen) == before
        await pilot.press("escape")  # from the bar: the filter is cleared, the bar closed
        assert not screen.applied.filter and not screen.bar.is_open
        assert len(shown(screen)) == 12
        assert isinstance(pilot.app.focused, CaseTable)


async def test_escape_on_the_table_clears_an_active_filter(tracker: CaseStore) -> None:
    async with tracker_app(tracker).run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        await everyone_in_any_window(pilot, screen)
        await type_filter(pilot, screen, "surname = smith")
        await pilot.press("enter")
        assert shown(screen) == ["A1111AA"]
        await pilot.press("escape")
        assert not screen.applied.filter and len(shown(screen)) == 12
        assert screen.filter.window is Window.ALL  # the window stays; Esc again clears it


async def test_completion_offers_items_fields_and_choices(tracker: CaseStore) -> None:
    async with tracker_app(tracker).run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        await pilot.press("f", *"bank.acc")
        field = screen.query_one("#filter", Input)
        await pilot.pause()
        await pilot.press("tab")
        assert field.value == "bank.account "
        await pilot.press(*"!= ")
        await pilot.pause()
        assert "not_started" in help_line(screen)
        await pilot.press(*"not_s", "tab")
        assert field.value == "bank.account != not_started "
        field.value = "accommodation.address.accommodation_type in (no_f"
        await pilot.pause()
        await pilot.press("end", "tab")
        assert field.value.startswith("accommodation.address.accommodation_type in (no_fixed_abode")


async def test_saved_views_are_picked_by_number_and_the_window_keys_still_work(
    tracker: CaseStore, db_path: Path
) -> None:
    views = {"Mine, critical": "assigned = me and flag = critical"}
    async with tracker_app(tracker, views=views).run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        await everyone_in_any_window(pilot, screen)
        await pilot.press("v")
        assert isinstance(pilot.app.screen, ViewPicker)
        await pilot.press("6")  # No COM allocated
        await wait_until(pilot, lambda: not screen.filtering, "the view")
        assert shown(screen) == cli_numbers(db_path, "--all", "--view", "6")
        assert status_line(screen) == 'View 6 "No COM allocated": com is empty'
        await pilot.press("v", "3")
        await wait_until(pilot, lambda: not screen.filtering, "the view")
        expected = cli_numbers(db_path, "--all", "--view", "No fixed abode within 28 days")
        assert shown(screen) == expected == ["A1111AA", "B2345CD", "E5555EE"]
        await pilot.press("v", "7")  # the config file's own view, after the six built in
        await wait_until(pilot, lambda: not screen.filtering, "the view")
        mine_critical = cli_numbers(db_path, "--all", "--where", views["Mine, critical"])
        assert shown(screen) == mine_critical and mine_critical
        assert "Mine, critical" in status_line(screen)
        await pilot.press("2")  # 2 is still the 28-day window, never a view
        assert screen.filter.window is Window.DAYS_28
        assert "Mine, critical" in status_line(screen)
        await pilot.press("v", "0")  # no view
        assert not screen.applied.filter


async def test_a_broken_view_from_the_config_file_shows_its_error(tracker: CaseStore) -> None:
    views = {"Typo": "bank.acount = done"}
    async with tracker_app(tracker, views=views).run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        before = shown(screen)
        await pilot.press("v", "7")
        assert screen.bar.is_open and "did you mean bank.account?" in help_line(screen)
        assert not screen.applied.filter and shown(screen) == before


async def test_search_finds_anyone_and_says_which_window(tracker: CaseStore) -> None:
    async with tracker_app(tracker).run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        await pilot.press("7")  # due for release in 7 days: G (June 2027) is not in it
        await type_filter(pilot, screen, "surname = Brown")
        await pilot.press("enter")
        assert "G7890HJ" not in shown(screen)
        await pilot.press("slash", *"green")
        table = screen.query_one(CaseTable)
        assert shown(screen) == ["G7890HJ"]
        columns = [c.name for c in table.columns]
        assert "window" in columns
        row = table.rows[0]
        where = next(c for c in table.columns if c.name == "window")
        assert table.cells(where, row) == "due for release after the next 12 weeks"
        await pilot.press("escape")  # the search cleared; the window and filter as they were
        assert screen.filter.window is Window.DAYS_7 and screen.applied.filter
        assert "window" not in [c.name for c in table.columns]


async def test_my_caseload_is_the_default_and_one_key_shows_everyone(tracker: CaseStore) -> None:
    async with tracker_app(tracker).run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        table = screen.query_one(CaseTable)
        assert screen.filter.scope is Scope.MINE
        assert str(table.border_title).startswith(f"My caseload ({OFFICER})")
        await pilot.press("a")
        assert shown(screen) == ["A1111AA", "E5555EE"]
        await pilot.press("m")
        assert str(table.border_title).startswith("All cases")
        assert len(shown(screen)) == 12
        await pilot.press("u")
        assert str(table.border_title).startswith("Unassigned cases")
        assert "A1111AA" not in shown(screen) and "C3333CC" not in shown(screen)
        assert len(shown(screen)) == 9


async def test_three_marked_rows_are_assigned_at_once_and_audited(tracker: CaseStore) -> None:
    async with tracker_app(tracker).run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        await everyone_in_any_window(pilot, screen)
        await pilot.press("s", "down", "enter")  # sort by prison number
        table = screen.query_one(CaseTable)
        assert table.rows[0].number == "A1111AA"
        await pilot.press("down", "space", "space", "down", "space")  # rows 2, 3 and 5
        marked = sorted(table.rows[i].number for i in (1, 2, 4))
        assert screen.marked == set(marked)
        lines = [table.render_line(y).text for y in range(1, 7)]
        assert [line.startswith(MARK) for line in lines] == [
            False, True, True, False, True, False
        ]  # fmt: skip
        await pilot.press("slash", *"green", "enter")  # a search hides them; still marked
        assert shown(screen) == ["G7890HJ"]
        assert "3 marked" in status_line(screen)
        await pilot.press("A")
        dialog = pilot.app.screen
        assert isinstance(dialog, AssignScreen)
        assert dialog.query_one(".dialog").border_title == "Assign 3 people to"
        await pilot.press(*"Sam Reed", "enter")  # a new officer, typed
        await settled(pilot)
        await wait_until(pilot, lambda: screen.saving == "Saved", "the assignment")
        assert str(screen.query_one("#save-status", Static).render()) == "Saved"
        await wait_until(
            pilot,
            lambda: all(r.assigned_to == "Sam Reed" for r in table.rows if r.number in marked),
            "the rows read again",
        )
        assert not screen.marked
    summaries = {s.number: s.assigned_to for s in tracker.summaries()}
    assert sorted(n for n, who in summaries.items() if who == "Sam Reed") == marked
    entries = [e for e in tracker.history() if e.field == "assigned_to" and e.new == "Sam Reed"]
    assert sorted(e.case or "" for e in entries) == marked
    assert {e.by for e in entries} == {OFFICER}


async def test_assigning_to_a_known_officer_typed_another_way_keeps_their_spelling(
    tracker: CaseStore,
) -> None:
    async with tracker_app(tracker).run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        await everyone_in_any_window(pilot, screen)
        await type_filter(pilot, screen, "number = B2222BB")
        await pilot.press("enter", "A")
        assert isinstance(pilot.app.screen, AssignScreen)
        await pilot.press(*"other  OFFICER", "enter")
        await wait_until(pilot, lambda: screen.saving == "Saved", "the assignment")
    assert tracker.get("B2222BB").assigned_to == "Other Officer"


async def test_columns_are_chosen_and_remembered_in_the_config_file(
    tracker: CaseStore, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'officer = "{OFFICER}"  # me\n', encoding="utf-8")
    async with tracker_app(tracker, config).run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        await pilot.press("C")
        chooser = pilot.app.screen
        assert isinstance(chooser, ColumnChooser)
        await pilot.press(*"bank.account.outcome", "enter")
        find = chooser.query_one("#columns-find", Input)
        find.value = "assigned"
        await pilot.pause()
        await pilot.press("enter", "ctrl+s")
        await wait_until(pilot, lambda: pilot.app.screen is screen, "the columns saved")
        table = screen.query_one(CaseTable)
        names = [c.name for c in table.columns]
        assert names[-2:] == ["bank.account.outcome", "assigned"]
        await pilot.press("m", "a")
        row = next(r for r in table.rows if r.number == "A1111AA")
        outcome = next(c for c in table.columns if c.name == "bank.account.outcome")
        await wait_until(pilot, lambda: table.cells(outcome, row) is not None, "the cells read")
        assert table.cells(outcome, row) == "Opened"
        assigned = next(c for c in table.columns if c.name == "assigned")
        assert table.cells(assigned, row) == OFFICER
    settings = load_settings(config)
    assert settings.columns[-2:] == ["bank.account.outcome", "assigned"]
    assert "# me" in config.read_text(encoding="utf-8")
    async with tracker_app(tracker, columns=settings.columns).run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        assert [c.name for c in screen.query_one(CaseTable).columns] == settings.columns


async def test_letters_typed_on_the_column_list_narrow_it(tracker: CaseStore) -> None:
    async with tracker_app(tracker).run_test(size=(80, 24)) as pilot:
        await wait_for_caseload(pilot)
        await pilot.press("C", *"com.", "down")
        chooser = pilot.app.screen
        assert isinstance(chooser, ColumnChooser)
        options = chooser.query_one(OptionList)
        assert pilot.app.focused is options
        listed = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert listed and all(name and name.startswith("com.") for name in listed)
        await pilot.press("x", "backspace", *"unit")
        find = chooser.query_one("#columns-find", Input)
        focused: object = pilot.app.focused  # the box above the list, now
        assert find.value == "com.unit" and focused is find
        assert options.get_option_at_index(0).id == "com.unit"


async def test_export_this_view_writes_its_rows_and_columns(
    tracker: CaseStore, db_path: Path, tmp_path: Path
) -> None:
    columns = ["number", "name", "bank.account", "com", "assigned", "next_due"]
    expression = "bank.account != done and release within 84"
    folder = tmp_path / "out"
    async with tracker_app(tracker, columns=columns).run_test(size=(80, 24)) as pilot:
        screen = await wait_for_caseload(pilot)
        await everyone_in_any_window(pilot, screen)
        await type_filter(pilot, screen, expression)
        await pilot.press("enter", "X")
        dialog = pilot.app.screen
        assert isinstance(dialog, CaseloadCsvScreen)
        assert dialog.query_one("#field-who Select", Select).value == VIEW
        dialog.query_one("#field-path Input", Input).value = f"{folder}/"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: dialog.written is not None, "the CSV")
        on_screen = [row.number for row in screen.query_one(CaseTable).rows]
    written = folder / view_file_name(TODAY)
    assert dialog.written == written
    data = written.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == on_screen  # the rows in the order shown
    # the CLI's CSV of the same filter and columns: the same header and the same rows
    with CliRunner().isolation(env={"NO_COLOR": "1"}) as (out, err, _both):
        code = main(["--db", str(db_path), "--officer", OFFICER, "--today", TODAY.isoformat(),
                     "list", "--all", "--where", expression, "--columns", ",".join(columns),
                     "--csv"])  # fmt: skip
    assert code == 0, err.getvalue()
    cli_rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert rows[0] == cli_rows[0]
    assert sorted(rows[1:]) == sorted(cli_rows[1:]) and len(rows) > 2
    # noted once for the database: how many people and where, never who
    notes = [e for e in tracker.history() if e.field == TABLE_FIELD]
    shown = f"{len(on_screen)} {'person' if len(on_screen) == 1 else 'people'}"
    assert [(e.case, e.new) for e in notes] == [
        (None, f"a caseload view as CSV of {shown} to a file in {written.parent}")
    ]
