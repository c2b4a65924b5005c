"""Sex, ethnicity, religion and sentence length through the real CLI and the import.

Entered with `planner add`, changed and cleared with `planner update`, imported from a
releases-due list, shown by `planner show` and in the history in words; bad values exit
2 naming the option or column, with nothing written; an import check never shows them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.domain.sentence import SentenceLength
from planner.store.repository import CaseStore
from tests.unit.test_cli_contacts import NUMBER, add, files, run


def stored(db: Path, number: str = NUMBER) -> tuple[object, ...]:
    with CaseStore(db, read_only=True) as store:
        p = store.get(number).person
    return p.sex, p.ethnicity, p.religion, p.sentence


def test_add_records_every_equality_field(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    code, _out, err = add(
        capsys,
        db_path,
        "--sex",
        "female",
        "--ethnicity",
        "White: Irish",
        "--religion",
        "no religion",
        "--sentence",
        "2y6m",
    )
    assert (code, err) == (0, "")
    assert stored(db_path) == ("female", "white_irish", "none", SentenceLength(years=2, months=6))
    code, out, _ = run(capsys, db_path, "show", NUMBER)
    assert code == 0
    shown = " ".join(out.split())
    assert "Equality monitoring: sex Female; ethnicity White: Irish; religion No religion" in shown
    assert "sentence 2 years 6 months (12 months to under 4 years)" in shown


def test_update_changes_and_clears_them_and_history_says_so_in_words(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    add(capsys, db_path, "--religion", "sikh", "--sentence", "18m")
    code, out, err = run(
        capsys, db_path, "update", NUMBER, "--sentence", "1y 3m 10d", "--religion", ""
    )
    assert (code, out, err) == (0, f"{NUMBER}: saved.\n", "")
    assert stored(db_path)[2:] == (None, SentenceLength(years=1, months=3, days=10))
    _code, history, _ = run(capsys, db_path, "history", NUMBER)
    assert "Sentence length" in history and "18 months -> 1 year 3 months 10 days" in history
    assert "Sikh -> —" in history
    assert "{" not in history  # never a stored shape


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--sentence", "forever", "--sentence: 'forever' is not a length"),
        ("--sentence", "life", "--sentence: 'life' has no fixed length"),
        ("--religion", "pagan", "--religion: 'pagan' is not one of: christian"),
        ("--sex", "man", "--sex: 'man' is not one of: female, male, prefer_not_to_say"),
        ("--ethnicity", "irish", "--ethnicity: 'irish' is not one of: asian_bangladeshi"),
    ],
)
def test_a_bad_value_exits_2_naming_the_option_with_nothing_written(
    capsys: pytest.CaptureFixture[str], db_path: Path, option: str, value: str, says: str
) -> None:
    add(capsys, db_path)
    before = files(db_path)
    code, out, err = run(capsys, db_path, "update", NUMBER, option, value)
    assert code == 2 and out == ""
    assert err.startswith(f"planner: {says}") and err.count("\n") == 1
    assert files(db_path) == before
    code, _out, err = run(
        capsys,
        db_path,
        "add",
        "--number",
        "B2345CD",
        "--surname",
        "Other",
        "--forename",
        "Sam",
        option,
        value,
    )
    assert code == 2 and says in err


def test_import_reads_the_columns_and_a_check_never_shows_them(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    listing = tmp_path / "releases.csv"
    listing.write_text(
        "Prison Number,Surname,Forename,Release Date,Gender,Ethnic Group,Religion,Sentence Length\n"
        f"{NUMBER},Example,Alex,16/12/2026,male,black_caribbean,Muslim,14d\n"
        "B2345CD,Other,Sam,17/12/2026,,,,\n",
        encoding="utf-8",
    )
    code, _out, err = run(capsys, db_path, "import", str(listing))
    assert (code, err) == (0, "")
    assert stored(db_path) == ("male", "black_caribbean", "muslim", SentenceLength(days=14))
    assert stored(db_path, "B2345CD") == (None, None, None, None)
    listing.write_text(
        "Prison Number,Surname,Forename,Release Date,Religion,Sentence\n"
        f"{NUMBER},Example,Alex,16/12/2026,Jewish,2y\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, db_path, "import", str(listing), "--dry-run")
    assert code == 0
    assert "Religion: recorded -> changed" in out and "Sentence length: recorded -> changed" in out
    assert "Jewish" not in out and "2 years" not in out and "Muslim" not in out


def test_import_names_the_column_of_a_bad_value(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    listing = tmp_path / "releases.csv"
    listing.write_text(
        "Prison Number,Surname,Forename,Release Date,Faith,Sentence Length\n"
        f"{NUMBER},Example,Alex,16/12/2026,Pagan,3 fortnights\n",
        encoding="utf-8",
    )
    code, _out, err = run(capsys, db_path, "import", str(listing))
    assert code == 2
    assert "line 2: Faith: 'Pagan' is not one of" in err
    assert "Sentence Length: 'fortnights' is not a unit" in err
    assert not db_path.exists()
