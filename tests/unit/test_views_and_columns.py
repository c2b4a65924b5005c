"""Saved views (built-in and from the config file), column names, and the plain tables
the CLI prints them in."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from planner.cli.plain_table import Col, plan, render, wrap
from planner.config import load_settings, save_setting
from planner.domain.columns import DEFAULT_COLUMNS, column_names, parse_columns
from planner.domain.filters import FilterError, Vocabulary
from planner.domain.saved_views import BUILT_IN_VIEWS, find_view, saved_views
from planner.domain.template import Template


@pytest.fixture(scope="module")
def vocabulary(template: Template) -> Vocabulary:
    return Vocabulary([template])


def test_the_common_questions_ship_as_views(vocabulary: Vocabulary) -> None:
    assert [v.name for v in BUILT_IN_VIEWS] == [
        "No bank account",
        "ID not received",
        "No fixed abode within 28 days",
        "No jobcentre appointment",
        "Duty to Refer not made",
        "No COM allocated",
    ]
    for view in BUILT_IN_VIEWS:
        assert view.filter(vocabulary), view.name
        assert str(view.filter(vocabulary)) == view.expression  # shown as it is written


def test_config_views_follow_and_may_replace_a_built_in() -> None:
    views = saved_views(
        {"Mine": "assigned = me", "no com allocated": "com is empty and pom is empty"}
    )
    assert [v.name for v in views][-1] == "Mine" and len(views) == 7
    replaced = views[5]
    assert (replaced.name, replaced.expression, replaced.built_in) == (
        "no com allocated",
        "com is empty and pom is empty",
        False,
    )
    assert find_view(views, "MINE").expression == "assigned = me"
    assert find_view(views, "1").name == "No bank account"
    assert find_view(views, " 7 ").name == "Mine"
    with pytest.raises(FilterError, match=r'unknown view "8"'):
        find_view(views, "8")
    with pytest.raises(FilterError, match=r"\(did you mean ID not received\?\)"):
        find_view(views, "id not recieved")


def test_a_broken_view_names_itself(vocabulary: Vocabulary) -> None:
    (view,) = saved_views({"Oops": "bank.acount = done"})[6:]
    with pytest.raises(FilterError, match=r'^view "Oops": unknown item "bank.acount"'):
        view.filter(vocabulary)


def test_views_and_columns_in_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '# comment\nofficer = "Pat"\nsomething_new = 1\ncolumns = ["number", "com"]\n'
        "[views]\n"
        '"Mine" = "assigned = me"\n'
        'wing.b = ["location starts with B", "flag = critical"]\n',
        encoding="utf-8",
    )
    settings_read = load_settings(path)
    assert settings_read.views == {
        "Mine": "assigned = me",
        "wing.b": "location starts with B and flag = critical",
    }
    assert settings_read.columns == ["number", "com"]
    save_setting("columns", ["number", "name"], path)  # as the column chooser saves them
    again = load_settings(path)
    assert (again.views, again.columns, again.officer) == (
        settings_read.views,
        ["number", "name"],
        "Pat",
    )
    assert 'wing.b = ["location starts with B", "flag = critical"]' in path.read_text()


def test_column_names(vocabulary: Vocabulary) -> None:
    columns = parse_columns("number, name ,com,dob,bank.account,flag,readiness", vocabulary)
    assert [c.name for c in columns] == [
        "number", "name", "com", "date_of_birth", "bank.account", "most_urgent", "ready",
    ]  # fmt: skip
    assert [c.heading for c in columns][:5] == ["Number", "Name", "COM", "Born", "bank.account"]
    both = parse_columns("id.documents.date_applied,bank.account.date_applied", vocabulary)
    assert [c.heading for c in both] == [c.name for c in both]  # both "Date applied"
    assert parse_columns(list(DEFAULT_COLUMNS), vocabulary)
    for name in column_names(vocabulary):
        assert parse_columns(name, vocabulary)[0].name
    with pytest.raises(FilterError, match=r'unknown column "nxt_due" \(did you mean next_due'):
        parse_columns("number,nxt_due", vocabulary)
    with pytest.raises(FilterError, match="no columns named"):
        parse_columns(" , ", vocabulary)


# --- plain tables ---------------------------------------------------------------------------

_TEXT = st.text(alphabet=st.sampled_from([*"abc defg-,.", "李", "é", "\u0301", "😀"]), max_size=80)


@settings(max_examples=200, deadline=None)
@given(_TEXT, st.integers(min_value=2, max_value=40))
def test_wrapping_never_drops_a_character_or_runs_over(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(cell_len(line) <= width for line in lines)


def test_a_word_cut_to_fit_keeps_each_combining_mark_on_its_letter() -> None:
    accented = "aa李李\u0301."  # the second 李 carries a combining acute
    assert wrap(accented, 1) == ["a", "a", "李", "李\u0301", "."]
    assert wrap("e\u0301e\u0301e\u0301", 2) == ["e\u0301e\u0301", "e\u0301"]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(_TEXT, min_size=4, max_size=4), min_size=1, max_size=5),
    st.integers(min_value=20, max_value=120),
)
def test_a_table_fits_its_width_and_keeps_every_cell(rows: list[list[str]], width: int) -> None:
    cols = [Col("Number", keep=True), Col("Name", wrap=True), Col("Due"), Col("Note", wrap=True)]
    out = list(render(cols, rows, width))
    joined = "".join(out).replace(" ", "")
    for row in rows:
        for cell in row:
            for part in cell.split():
                assert part.replace(" ", "") in joined or all(
                    piece in joined for piece in wrap(part, 1)
                )
    fixed_overflow = max((cell_len(r[0]) for r in rows), default=0) > width
    assert fixed_overflow or all(cell_len(line) <= width for line in out)


def test_what_does_not_fit_goes_under_the_row() -> None:
    cols = [Col("Number", keep=True), Col("Name", wrap=True), Col("Most urgent", wrap=True)]
    natural = [7, 20, 60]
    assert plan(cols, natural, 200).below == []
    narrow = plan(cols, natural, 50)
    assert narrow.shown == [0, 1] and narrow.below == [2]
    lines = list(render(cols, [["A1234BC", "SMITH, Jo", "x " * 50]], 50))
    assert lines[2].startswith("A1234BC  SMITH, Jo")
    assert lines[3].startswith("    Most urgent: x x")


def test_every_filter_in_the_readme_reads(vocabulary: Vocabulary) -> None:
    """The README's examples are real: each --where, view and column list parses."""
    import re

    from planner.domain.filters import parse_filter

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    wheres = re.findall(r"--where '([^']+)'", readme)
    assert len(wheres) >= 8
    for where in wheres:
        parse_filter(where, vocabulary)
    section = readme.split("**Saved views**")[1].split("**Columns.**")[0]
    rows = re.findall(r"^\| [^|]+ \| `([^`]+)` \|$", section, flags=re.MULTILINE)
    assert rows == [v.expression for v in BUILT_IN_VIEWS]
    for columns in re.findall(r"--columns ([a-z_.,]+)", readme):
        parse_columns(columns, vocabulary)
