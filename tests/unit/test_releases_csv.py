"""Reading releases-due CSV lists: spellings, encodings, and every bad row with its line."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.domain.errors import InvalidInput
from planner.domain.identifiers import expected_pnc_check_letter
from planner.domain.person import ReleaseKind
from planner.domain.releases_csv import (
    COLUMN_ALIASES,
    ParsedReleases,
    RowProblem,
    header_key,
    load_releases,
    parse_releases,
)

HEADER = "Prison Number,Surname,Forename,Date of Birth,Release Date"


def csv_text(*rows: str, header: str = HEADER, newline: str = "\n") -> str:
    return newline.join([header, *rows]) + newline


def parse(text: str) -> ParsedReleases:
    return parse_releases(text.encode("utf-8"))


def numbers(parsed: ParsedReleases) -> list[str]:
    return [person.number for _line, person in parsed.people]


def test_a_good_list_gives_validated_people_with_their_lines() -> None:
    parsed = parse(
        csv_text(
            "A1234BC,Example,Alex,17/05/1990,04/12/2026",
            "g7654xy , Other , Sam ,1980-01-31,2027-01-15",
        )
    )
    assert parsed.ok and parsed.problems == []
    assert parsed.rows == 2
    (line1, first), (line2, second) = parsed.people
    assert (line1, line2) == (2, 3)
    assert first.number == "A1234BC"
    assert first.date_of_birth == date(1990, 5, 17)
    assert first.release_date == date(2026, 12, 4)
    assert second.number == "G7654XY"  # upper-cased and stripped
    assert (second.surname, second.forename) == ("Other", "Sam")
    assert second.date_of_birth == date(1980, 1, 31)
    assert second.release_date == date(2027, 1, 15)


def test_byte_order_mark_and_crlf_are_accepted() -> None:
    text = csv_text("A1234BC,Example,Alex,17/05/1990,04/12/2026", newline="\r\n")
    parsed = parse_releases(b"\xef\xbb\xbf" + text.encode())
    assert parsed.problems == []
    assert numbers(parsed) == ["A1234BC"]
    assert parsed.people[0][1].release_date == date(2026, 12, 4)


def test_crlf_line_numbers_count_physical_lines() -> None:
    text = csv_text(
        "A1234BC,Example,Alex,17/05/1990,04/12/2026",
        "",
        "A12BC,Example,Alex,17/05/1990,04/12/2026",
        newline="\r\n",
    )
    parsed = parse(text)
    assert [p.line for p in parsed.problems] == [4]


@pytest.mark.parametrize(
    ("header", "spelling"),
    [
        ("number", "Prison Number"),
        ("number", "NOMS No"),
        ("number", "noms no."),
        ("number", "NOMS Number"),
        ("number", "NOMIS ID"),
        ("number", "Prisoner Number"),
        ("number", "PRISON_NO"),
        ("surname", "Last Name"),
        ("surname", "family-name"),
        ("forename", "First Name"),
        ("forename", " Given  Name "),
        ("dob", "DOB"),
        ("dob", "D.O.B."),
        ("release", "CRD"),
        ("release", "Conditional Release Date"),
    ],
)
def test_header_spellings_are_accepted(header: str, spelling: str) -> None:
    names = {
        "number": "Prison Number",
        "surname": "Surname",
        "forename": "Forename",
        "dob": "Date of Birth",
        "release": "Release Date",
    }
    names[header] = spelling
    cols = ",".join(f'"{n}"' for n in names.values())
    parsed = parse(csv_text("A1234BC,Example,Alex,17/05/1990,04/12/2026", header=cols))
    assert parsed.problems == []
    assert numbers(parsed) == ["A1234BC"]


def test_every_alias_maps_to_one_column() -> None:
    keys = [header_key(a) for aliases in COLUMN_ALIASES.values() for a in aliases]
    assert len(keys) == len(set(keys))


def test_optional_columns_are_read() -> None:
    pnc = "2012/0052834" + expected_pnc_check_letter("2012/0052834A")
    header = "NOMS No,Surname,Forename,DOB,CRD,Release Type,Cell Location,Establishment,CRN,PNC"
    parsed = parse(
        csv_text(
            f"A1234BC,Example,Alex,17/05/1990,04/12/2026,hdc,B-2-014,HMP Example,x123456,{pnc}",
            header=header,
        )
    )
    assert parsed.problems == [] and parsed.warnings == []
    person = parsed.people[0][1]
    assert person.release_kind is ReleaseKind.HDC
    assert person.location == "B-2-014"
    assert person.prison == "HMP Example"
    assert person.crn == "X123456"
    assert person.pnc == pnc


def test_release_date_precedence_sets_the_kind() -> None:
    header = "Prison Number,Surname,Forename,DOB,ARD,CRD,HDCAD,Confirmed Release Date"
    parsed = parse(
        csv_text(
            "A1234BC,A,A,01/01/1990,10/12/2026,09/12/2026,08/12/2026,07/12/2026",
            "A1234BD,B,B,01/01/1990,10/12/2026,09/12/2026,08/12/2026,",
            "A1234BE,C,C,01/01/1990,10/12/2026,09/12/2026,,",
            "A1234BF,D,D,01/01/1990,10/12/2026,,,",
            header=header,
        )
    )
    assert parsed.problems == []
    got = [(p.release_date, p.release_kind) for _line, p in parsed.people]
    assert got == [
        (date(2026, 12, 7), ReleaseKind.CONFIRMED),
        (date(2026, 12, 8), ReleaseKind.HDC),
        (date(2026, 12, 9), ReleaseKind.CRD),
        (date(2026, 12, 10), ReleaseKind.ARD),
    ]


def test_a_release_type_column_overrides_the_implied_kind() -> None:
    header = "Prison Number,Surname,Forename,DOB,CRD,Release Type"
    parsed = parse(csv_text("A1234BC,A,A,01/01/1990,10/12/2026,SDS40", header=header))
    assert parsed.people[0][1].release_kind is ReleaseKind.SDS40


def test_only_the_cells_given_are_marked_as_set() -> None:
    parsed = parse(csv_text("A1234BC,Example,Alex,,04/12/2026"))
    person = parsed.people[0][1]
    assert "date_of_birth" not in person.model_fields_set
    assert "release_kind" not in person.model_fields_set  # a plain "Release Date" column
    assert {"number", "surname", "forename", "release_date"} <= person.model_fields_set


def test_uk_and_iso_dates() -> None:
    parsed = parse(
        csv_text(
            "A1234BC,Example,Alex,7/5/1990,4/12/2026", "A1234BD,Example,Alex,1990-05-07,2026-12-04"
        )
    )
    assert parsed.problems == []
    assert {p.release_date for _l, p in parsed.people} == {date(2026, 12, 4)}
    assert {p.date_of_birth for _l, p in parsed.people} == {date(1990, 5, 7)}


def test_impossible_date_is_a_problem_naming_the_column() -> None:
    parsed = parse(csv_text("A1234BC,Example,Alex,17/05/1990,31/02/2026"))
    assert parsed.people == []
    assert parsed.problems == [RowProblem(2, "Release Date: '31/02/2026' is not a real date")]


def test_every_bad_row_is_reported_with_its_physical_line() -> None:
    text = csv_text(
        "A1234BC,Example,Alex,17/05/1990,04/12/2026",  # 2 good
        "A12BC,Example,Alex,17/05/1990,04/12/2026",  # 3 bad number
        "",  # 4 blank, skipped
        "A1234BD,,Alex,17/05/1990,04/12/2026",  # 5 blank surname
        'A1234BE,"Multi',  # 6 a quoted cell spanning two lines
        'line",Alex,17/05/1990,tomorrow',  # 7
        "A1234BF,Example,Alex,17/05/1990,04/12/2026,surplus",  # 8 too many cells
        "A1234BG,Example,Alex,17/05/2990,04/12/2026",  # 9 future birth
        "A1234BH,Example,Alex,17/05/1990,04/12/2026",  # 10 good
    )
    parsed = parse(text)
    assert numbers(parsed) == ["A1234BC", "A1234BH"]
    assert [line for line, _p in parsed.people] == [2, 10]
    by_line = {p.line: p.message for p in parsed.problems}
    assert sorted(by_line) == [3, 5, 6, 8, 9]
    assert by_line[3] == "Prison Number: 'A12BC' is not of the form A1234BC"
    assert by_line[5] == "Surname: is blank"
    assert "Surname: contains a line break" in by_line[6]
    assert "Release Date: 'tomorrow' is not a date" in by_line[6]
    assert "has 6 values but the header has 5 columns" in by_line[8]
    assert by_line[9].startswith("Date of Birth: 2990-05-17 is not between 1900-01-01 and ")
    assert str(parsed.problems[0]) == "line 3: Prison Number: 'A12BC' is not of the form A1234BC"
    assert not parsed.whole_file_problem


def test_one_problem_per_row_lists_every_fault_in_it() -> None:
    parsed = parse(csv_text("A12BC,,Alex,31/02/1990,04/13/2026"))
    assert len(parsed.problems) == 1
    message = parsed.problems[0].message
    for part in ("Prison Number:", "Surname: is blank", "Date of Birth:", "Release Date:"):
        assert part in message


def test_missing_columns_are_one_problem_on_line_1() -> None:
    parsed = parse("Prison Number,Name,Release\nA1234BC,Alex Example,04/12/2026\n")
    assert parsed.people == []
    assert len(parsed.problems) == 1
    problem = parsed.problems[0]
    assert problem.line == 1 and problem.whole_file
    assert "Surname, Forename, Release Date" in problem.message
    assert "Date of Birth" not in problem.message  # optional, as for a person added by hand


def test_a_list_without_dates_of_birth_imports() -> None:
    parsed = parse("Prison Number,Surname,Forename,CRD\nA1234BC,Example,Alex,04/12/2026\n")
    assert parsed.problems == []
    assert [p.date_of_birth for _line, p in parsed.people] == [None]


def test_two_columns_for_the_same_thing_are_refused() -> None:
    parsed = parse(
        csv_text(
            "A1234BC,Example,Example,Alex,1/1/1990,04/12/2026",
            header="Prison Number,Surname,Last Name,Forename,DOB,CRD",
        )
    )
    assert parsed.problems[0].line == 1
    assert "'Surname' and 'Last Name'" in parsed.problems[0].message


def test_header_after_leading_blank_lines_keeps_physical_lines() -> None:
    parsed = parse("\n\n" + csv_text("A12BC,Example,Alex,17/05/1990,04/12/2026"))
    assert [p.line for p in parsed.problems] == [4]


def test_unknown_columns_are_a_warning_not_a_problem() -> None:
    parsed = parse(
        csv_text("A1234BC,Example,Alex,17/05/1990,04/12/2026,x", header=HEADER + ",Wing")
    )
    assert parsed.problems == []
    assert parsed.warnings == [RowProblem(1, "column ignored: Wing")]


def test_duplicate_prison_numbers_are_problems_on_every_copy() -> None:
    parsed = parse(
        csv_text(
            "A1234BC,Example,Alex,17/05/1990,04/12/2026",
            "A1234BD,Other,Sam,17/05/1990,04/12/2026",
            "a1234bc,Example,Alex,17/05/1990,11/12/2026",
        )
    )
    assert numbers(parsed) == ["A1234BD"]
    assert parsed.problems == [
        RowProblem(2, "Prison Number: A1234BC is also on line 4"),
        RowProblem(4, "Prison Number: A1234BC is also on line 2"),
    ]


def test_non_utf8_bytes_are_one_clear_problem() -> None:
    data = csv_text("A1234BC,Example,Alex,17/05/1990,04/12/2026").encode() + "Zoë".encode("cp1252")
    parsed = parse_releases(data)
    assert parsed.people == []
    assert len(parsed.problems) == 1
    problem = parsed.problems[0]
    assert problem.whole_file and problem.line == 3
    assert "not UTF-8" in problem.message and "CSV UTF-8" in problem.message


def test_utf16_is_named() -> None:
    data = csv_text("A1234BC,Example,Alex,17/05/1990,04/12/2026").encode("utf-16")
    parsed = parse_releases(data)
    assert len(parsed.problems) == 1 and "UTF-16" in parsed.problems[0].message


def test_empty_file_and_header_only() -> None:
    assert parse_releases(b"").problems == [RowProblem(1, "the file is empty", whole_file=True)]
    assert parse_releases(b"\n \n").problems[0].message == "the file is empty"
    header_only = parse(csv_text())
    assert header_only.ok and header_only.people == [] and header_only.rows == 0


def test_semicolon_separated_lists_are_read() -> None:
    text = csv_text("A1234BC;Example;Alex;17/05/1990;04/12/2026", header=HEADER.replace(",", ";"))
    assert numbers(parse(text)) == ["A1234BC"]


def test_blank_release_date_imports_with_a_warning() -> None:
    parsed = parse(csv_text("A1234BC,Example,Alex,17/05/1990,"))
    assert parsed.problems == []
    assert parsed.people[0][1].release_date is None
    assert [w.line for w in parsed.warnings] == [2]
    assert "no release date" in parsed.warnings[0].message


def test_wrong_pnc_check_letter_is_a_warning_not_a_problem() -> None:
    good = "2012/0052834" + expected_pnc_check_letter("2012/0052834A")
    wrong = "2012/0052834" + ("A" if good[-1] != "A" else "B")
    parsed = parse(
        csv_text(
            f"A1234BC,Example,Alex,17/05/1990,04/12/2026,{wrong}",
            "A1234BD,Example,Alex,17/05/1990,04/12/2026,12/345",
            header=HEADER + ",PNC",
        )
    )
    assert numbers(parsed) == ["A1234BC"]
    assert parsed.people[0][1].pnc == wrong
    assert [w.line for w in parsed.warnings] == [2]
    assert "check letter" in parsed.warnings[0].message
    assert parsed.problems == [RowProblem(3, "PNC: '12/345' is not of the form YYYY/NNNNNNNC")]


def test_bad_crn_and_release_type_name_their_columns() -> None:
    parsed = parse(
        csv_text(
            "A1234BC,Example,Alex,17/05/1990,04/12/2026,123,soon",
            header=HEADER + ",CRN,Release Type",
        )
    )
    message = parsed.problems[0].message
    assert "CRN: '123' is not of the form X123456" in message
    assert "Release Type: 'soon' is not one of" in message


def test_overlong_name_is_described_by_its_column() -> None:
    parsed = parse(csv_text(f"A1234BC,{'x' * 81},Alex,17/05/1990,04/12/2026"))
    assert parsed.problems[0].line == 2
    assert parsed.problems[0].message.startswith("Surname:")


def test_load_releases_reads_a_real_file(tmp_path: Path) -> None:
    path = tmp_path / "releases.csv"
    path.write_bytes(
        csv_text("A1234BC,Example,Alex,17/05/1990,04/12/2026", newline="\r\n").encode()
    )
    assert numbers(load_releases(path)) == ["A1234BC"]


def test_load_releases_refuses_missing_files_and_folders(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        load_releases(tmp_path / "nope.csv")
    with pytest.raises(InvalidInput, match="is a folder"):
        load_releases(tmp_path)


_CELL = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["A1234BC", "a1234bc", "31/02/2026", "04/12/2026", "2026-12-04", "CRD", "hdc", '"', ""]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    parsed = parse_releases(data)
    assert isinstance(parsed, ParsedReleases)
    _consistent(parsed)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text: str) -> None:
    _consistent(parse_releases(text.encode("utf-8", "surrogatepass")))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(_CELL, max_size=8), max_size=8),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_arbitrary_rows_under_a_good_header_never_raise(
    rows: list[list[str]], newline: str
) -> None:
    body = newline.join(",".join(cells) for cells in rows)
    text = HEADER + ",Release Type,CRN,PNC,Cell" + newline + body
    _consistent(parse_releases(text.encode("utf-8", "surrogatepass")))


def _consistent(parsed: ParsedReleases) -> None:
    bad = {p.line for p in parsed.problems}
    lines = [line for line, _person in parsed.people]
    assert not bad.intersection(lines)
    assert len({p.number for _l, p in parsed.people}) == len(parsed.people)
    for problem in parsed.problems:
        assert problem.line >= 1 and problem.message and "\n" not in problem.message


def test_many_copies_of_a_number_keep_the_message_short() -> None:
    parsed = parse(csv_text(*["A1234BC,Example,Alex,17/05/1990,04/12/2026"] * 8))
    assert len(parsed.problems) == 8
    assert parsed.problems[0].message == (
        "Prison Number: A1234BC is also on lines 3, 4, 5, 6, 7 and 2 more"
    )


def test_later_copies_name_the_first_line() -> None:
    parsed = parse(csv_text(*["A1234BC,Example,Alex,17/05/1990,04/12/2026"] * 3))
    assert parsed.people == []
    assert parsed.problems == [
        RowProblem(2, "Prison Number: A1234BC is also on lines 3, 4"),
        RowProblem(3, "Prison Number: A1234BC is also on line 2"),
        RowProblem(4, "Prison Number: A1234BC is also on line 2"),
    ]


def test_a_copy_that_is_also_bad_gets_both_messages_on_one_line() -> None:
    parsed = parse(
        csv_text(
            "A1234BC,Example,Alex,17/05/1990,04/12/2026",
            "A1234BC,,Alex,17/05/1990,04/12/2026",
        )
    )
    assert parsed.problems[1] == RowProblem(
        3, "Surname: is blank; Prison Number: A1234BC is also on line 2"
    )


def test_30000_copies_of_one_number_are_found_in_one_pass() -> None:
    row = "A1234BC,Example,Alex,17/05/1990,04/12/2026"
    started = time.perf_counter()
    parsed = parse(csv_text(*[row] * 30_000))
    elapsed = time.perf_counter() - started
    assert len(parsed.problems) == 30_000 and parsed.people == []
    assert parsed.problems[0].message == (
        "Prison Number: A1234BC is also on lines 3, 4, 5, 6, 7 and 29994 more"
    )
    assert parsed.problems[-1] == RowProblem(30_001, "Prison Number: A1234BC is also on line 2")
    # Under a second on a shared 2-core machine; comparing every copy with every other
    # (450 million pairs) takes minutes. The bound is generous so that only a quadratic
    # pass can fail it.
    assert elapsed < 30


def test_cr_only_line_ends_are_read() -> None:
    text = csv_text("A1234BC;Example;Alex;17/05/1990;04/12/2026", header=HEADER.replace(",", ";"))
    parsed = parse(text.replace("\n", "\r"))
    assert numbers(parsed) == ["A1234BC"]
