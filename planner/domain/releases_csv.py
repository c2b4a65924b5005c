"""Reading a "releases due" list (CSV) into validated people, with every problem found.

A releases-due list is whatever the prison's systems or a spreadsheet export: headers vary
("Prison Number", "NOMS No", "NOMIS ID"...), dates come as 04/12/2026 or 2026-12-04, Excel
adds a byte-order mark and CRLF line ends. `parse_releases` accepts all of that and checks
*every* row before anything is imported, so an officer fixes the file once:

* each bad row gives one `RowProblem` whose `line` is the physical line of the file
  (the header is line 1) and whose message names the column as the file spells it,
  e.g. ``Prison Number: 'A12BC' is not of the form A1234BC``;
* problems with the file as a whole (not UTF-8, missing columns) are one `RowProblem`
  with ``whole_file=True``: no row can be imported until they are fixed;
* things worth a look that do not stop a row (a PNC check letter that does not match, an
  unknown column, no release date) are `warnings`.

Which header names which column is :mod:`planner.domain.releases_columns`; this module
reads the file and checks the rows.

Each `Person` is built only from the cells that hold a value, so ``person.model_fields_set``
says which details the list actually gave; a re-import merges only those into the existing
record (see `planner.store.importing`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from planner.domain.contact_details import email_address, phone_number
from planner.domain.dates import parse_date
from planner.domain.equality_input import parse_equality
from planner.domain.errors import InvalidInput
from planner.domain.identifiers import (
    normalise_crn,
    normalise_pnc,
    normalise_prison_number,
)
from planner.domain.person import Person, ReleaseKind, parse_release_kind
from planner.domain.releases_columns import (
    COLUMN_ALIASES,
    CONTACT_COLUMNS,
    CRN,
    DATE_COLUMNS,
    DATE_OF_BIRTH,
    DATE_PRECEDENCE,
    EQUALITY_COLUMNS,
    FIELD_COLUMN,
    FORENAME,
    LOCATION,
    NUMBER,
    PNC,
    PRISON,
    RELEASE_KIND,
    SURNAME,
    header_key,
    read_header,
    shorten,
)
from planner.inputs import InputRefused, read_input

__all__ = [  # the column names and spellings are still importable from here
    "COLUMN_ALIASES",
    "DATE_PRECEDENCE",
    "ParsedReleases",
    "RowProblem",
    "header_key",
    "load_releases",
    "parse_releases",
]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

MAX_BYTES = 50 * 1024 * 1024  # far beyond any caseload; stops a wrong file eating memory


@dataclass(frozen=True, slots=True)
class RowProblem:
    """What is wrong with one line of the file (or, with `whole_file`, with the file)."""

    line: int
    message: str
    whole_file: bool = False

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ParsedReleases:
    """The rows that validated, each with its line, and every problem and warning."""

    people: list[tuple[int, Person]]
    problems: list[RowProblem]
    warnings: list[RowProblem] = field(default_factory=list)
    rows: int = 0  # data rows read, blank lines not counted

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def whole_file_problem(self) -> bool:
        """True when the file itself is unusable (encoding, header): nothing can import."""
        return any(p.whole_file for p in self.problems)


# --- reading ------------------------------------------------------------------------------


def load_releases(path: Path) -> ParsedReleases:
    """Read and parse a CSV file; raise InvalidInput (one line) if it cannot be read.

    At most `MAX_BYTES` are read, whatever size the file claims, and anything but a
    regular file (a FIFO, a device) is refused at once.
    """
    try:
        data = read_input(path, limit=MAX_BYTES, what="a releases-due list (CSV)")
    except InputRefused as exc:
        raise InvalidInput(str(exc)) from None
    return parse_releases(data)


def parse_releases(data: bytes | str) -> ParsedReleases:
    """Parse a releases-due CSV; never raises for bad content, it reports problems."""
    text = _decode(data)
    if isinstance(text, RowProblem):
        return ParsedReleases([], [text])
    return _Parser(text).run()


def _decode(data: bytes | str) -> str | RowProblem:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return RowProblem(
            1,
            "the file is UTF-16 text; save it as 'CSV UTF-8 (comma delimited)' and try again",
            whole_file=True,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return RowProblem(
            line,
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02X}); save it as "
            "'CSV UTF-8 (comma delimited)' and try again",
            whole_file=True,
        )


def _delimiter(text: str) -> str:
    """Comma, unless the first non-blank line is clearly split by semicolons or tabs."""
    first = next((line for line in io.StringIO(text, newline="") if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


class _Rows:
    """(first physical line, cells) of each record; a record may span lines in quotes."""

    def __init__(self, text: str) -> None:
        self._reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))

    @property
    def line_num(self) -> int:
        """The physical lines read so far."""
        return max(1, self._reader.line_num)

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        start = 1
        for cells in self._reader:
            yield start, cells
            start = self._reader.line_num + 1


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.problems: list[RowProblem] = []
        self.warnings: list[RowProblem] = []
        self.people: list[tuple[int, Person]] = []
        self.columns: dict[str, int] = {}  # column -> cell index
        self.headers: list[str] = []
        self.rows = 0

    def run(self) -> ParsedReleases:
        rows = _Rows(self.text)
        records = iter(rows)
        try:
            for line, cells in records:
                if not _blank(cells):
                    if self._header(line, cells):
                        break
                    return self._result()
            else:
                self.problems.append(RowProblem(1, "the file is empty", whole_file=True))
                return self._result()
            copies = _Copies()
            bad: dict[int, list[str]] = {}
            for line, cells in records:
                if _blank(cells):
                    continue
                self.rows += 1
                messages, number = self._row(line, cells)
                if number is not None:
                    copies.add(number, line)
                if messages:
                    bad[line] = messages
        except csv.Error as exc:
            self.problems.append(
                RowProblem(rows.line_num, f"the file is not readable CSV: {exc}", whole_file=True)
            )
            self.people = []
            return self._result()
        copies.report(self.headers[self.columns[NUMBER]], bad)
        self.problems.extend(RowProblem(line, "; ".join(bad[line])) for line in sorted(bad))
        self.people = [(line, p) for line, p in self.people if line not in bad]
        self.warnings = [w for w in self.warnings if w.line not in bad]
        return self._result()

    def _result(self) -> ParsedReleases:
        self.problems.sort(key=lambda p: (not p.whole_file, p.line))
        self.warnings.sort(key=lambda p: p.line)
        return ParsedReleases(self.people, self.problems, self.warnings, self.rows)

    # --- header ---------------------------------------------------------------------------

    def _header(self, line: int, cells: list[str]) -> bool:
        """Read the header row; False (with a problem) if the file cannot be used."""
        header = read_header(cells)
        self.headers, self.columns = header.names, header.columns
        if header.problem is not None:
            self.problems.append(RowProblem(line, header.problem, whole_file=True))
            return False
        if header.unknown:
            unknown = header.unknown
            self.warnings.append(
                RowProblem(
                    line,
                    f"column{'s' if len(unknown) > 1 else ''} ignored: "
                    f"{shorten(', '.join(unknown))}",
                )
            )
        return True

    # --- rows -----------------------------------------------------------------------------

    def _cell(self, cells: list[str], column: str) -> str:
        index = self.columns.get(column)
        if index is None or index >= len(cells):
            return ""
        return cells[index].strip()

    def _name(self, column: str) -> str:
        return self.headers[self.columns[column]]

    def _row(self, line: int, cells: list[str]) -> tuple[list[str], str | None]:
        """Validate one row: (problems, its prison number if that at least is valid)."""
        messages: list[str] = []
        values: dict[str, object] = {}
        extra = [c for c in cells[len(self.headers) :] if c.strip()]
        if extra:
            messages.append(
                f"has {len(cells)} values but the header has {len(self.headers)} columns "
                "(a stray comma?)"
            )

        number: str | None = None
        raw = self._cell(cells, NUMBER)
        if not raw:
            messages.append(f"{self._name(NUMBER)}: is blank")
        else:
            try:
                number = normalise_prison_number(raw)
                values["number"] = number
            except ValueError:
                messages.append(f"{self._name(NUMBER)}: {raw!r} is not of the form A1234BC")

        for column in (SURNAME, FORENAME):
            raw = self._cell(cells, column)
            if not raw:
                messages.append(f"{self._name(column)}: is blank")
            elif self._text(raw, column, messages):
                values[column] = raw

        raw = self._cell(cells, DATE_OF_BIRTH)
        if raw:
            born = self._date(raw, DATE_OF_BIRTH, messages)
            if born is not None and not (date(1900, 1, 1) <= born <= date.today()):
                messages.append(f"{self._name(DATE_OF_BIRTH)}: {raw!r} is not a plausible date")
            elif born is not None:
                values["date_of_birth"] = born
        elif DATE_OF_BIRTH in self.columns:  # a list without the column says nothing of it
            self.warnings.append(RowProblem(line, f"{self._name(DATE_OF_BIRTH)}: is blank"))

        self._release(line, cells, values, messages)

        for column in (LOCATION, PRISON):
            raw = self._cell(cells, column)
            if raw and self._text(raw, column, messages):
                values[column] = raw
        for column, normalise, shape in (
            (CRN, normalise_crn, "X123456"),
            (PNC, normalise_pnc, "YYYY/NNNNNNNC"),
        ):
            raw = self._cell(cells, column)
            if not raw:
                continue
            try:
                values[column] = normalise(raw)
            except ValueError:
                messages.append(f"{self._name(column)}: {raw!r} is not of the form {shape}")
        self._contacts(cells, values, messages)
        self._equality(cells, values, messages)

        if messages:
            return messages, number
        try:
            person = Person.model_validate(values)
        except ValidationError as exc:
            return [self._describe(exc)], number
        if person.pnc_warning():
            self.warnings.append(
                RowProblem(
                    line,
                    f"{self._name(PNC)}: the check letter of {person.pnc} does not match; "
                    "check the number",
                )
            )
        self.people.append((line, person))
        return [], number

    def _contacts(self, cells: list[str], values: dict[str, object], messages: list[str]) -> None:
        """The offender managers' and the person's own contact details the row gives: only
        cells with a value, so a re-import changes only what the list says."""
        contacts: dict[str, dict[str, str]] = {}
        for column, (person_field, contact_field) in CONTACT_COLUMNS.items():
            raw = self._cell(cells, column)
            if not raw or not self._text(raw, column, messages):
                continue
            shape = {"phone": phone_number, "email": email_address}.get(contact_field or column)
            if shape is not None:
                try:
                    shape(raw)
                except ValueError as exc:  # the message never repeats the value
                    messages.append(f"{self._name(column)}: {exc}")
                    continue
            if contact_field:
                contacts.setdefault(person_field, {})[contact_field] = raw
            else:
                values[person_field] = raw
        values.update(contacts)

    def _equality(self, cells: list[str], values: dict[str, object], messages: list[str]) -> None:
        """Sex, ethnicity, religion and sentence length, where the row gives them (a code
        or its words; a sentence as 2y6m, 18m, 540...). Problems name the column, never
        repeat what it meant."""
        for column in EQUALITY_COLUMNS:
            raw = self._cell(cells, column)
            if not raw or not self._text(raw, column, messages):
                continue
            try:
                values.update(parse_equality({column: raw}, {column: self._name(column)}))
            except InvalidInput as exc:
                messages.append(str(exc))

    def _release(
        self, line: int, cells: list[str], values: dict[str, object], messages: list[str]
    ) -> None:
        chosen: tuple[date, ReleaseKind | None] | None = None
        for column, kind in DATE_PRECEDENCE:
            raw = self._cell(cells, column)
            if not raw:
                continue
            day = self._date(raw, column, messages)
            if day is not None and chosen is None:
                chosen = (day, kind)
        raw_kind = self._cell(cells, RELEASE_KIND)
        stated: ReleaseKind | None = None
        if raw_kind:
            try:
                stated = parse_release_kind(raw_kind)
            except ValueError:
                choices = ", ".join(k.value for k in ReleaseKind)
                messages.append(f"{self._name(RELEASE_KIND)}: {raw_kind!r} is not one of {choices}")
        if chosen is None:
            if not messages:
                names = ", ".join(self._name(c) for c in DATE_COLUMNS if c in self.columns)
                self.warnings.append(
                    RowProblem(
                        line, f"{names}: no release date; the plan is flagged until one is recorded"
                    )
                )
            if stated is not None:
                values["release_kind"] = stated
            return
        day, implied = chosen
        values["release_date"] = day
        kind = stated or implied
        if kind is not None:
            values["release_kind"] = kind

    def _text(self, raw: str, column: str, messages: list[str]) -> bool:
        if _CONTROL.search(raw):
            messages.append(f"{self._name(column)}: contains a line break or control character")
            return False
        return True

    def _date(self, raw: str, column: str, messages: list[str]) -> date | None:
        try:
            return parse_date(raw, self._name(column))
        except InvalidInput as exc:
            messages.append(str(exc))
            return None

    def _describe(self, exc: ValidationError) -> str:
        first = exc.errors()[0]
        loc = first["loc"]
        name = ".".join(str(part) for part in loc) if loc else "value"
        column = FIELD_COLUMN.get(name) or FIELD_COLUMN.get(name.split(".")[0])
        where = self._name(column) if column and column in self.columns else name
        message = str(first["msg"]).removeprefix("Value error, ")
        return f"{where}: {message}"


class _Copies:
    """Prison numbers seen on more than one row, found in one pass over the file.

    Each number keeps the line it was first seen on; later copies are collected under it.
    Every copy is then reported once: the first names (some of) the later lines, each later
    one names the first. A list with 100,000 copies of one number takes one pass, not a
    comparison of every copy with every other.
    """

    SHOWN = 5  # later lines named on the first copy

    def __init__(self) -> None:
        self.first: dict[str, int] = {}
        self.later: dict[str, list[int]] = {}

    def add(self, number: str, line: int) -> None:
        first = self.first.setdefault(number, line)
        if first != line:
            self.later.setdefault(number, []).append(line)

    def report(self, header: str, bad: dict[int, list[str]]) -> None:
        """Add one message to `bad` for every line whose number is on another line too."""
        for number, later in self.later.items():
            shown = ", ".join(str(n) for n in later[: self.SHOWN])
            more = f" and {len(later) - self.SHOWN} more" if len(later) > self.SHOWN else ""
            plural = "s" if len(later) > 1 else ""
            first = self.first[number]
            bad.setdefault(first, []).append(
                f"{header}: {number} is also on line{plural} {shown}{more}"
            )
            for line in later:
                bad.setdefault(line, []).append(f"{header}: {number} is also on line {first}")


def _blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)
